"""Bring a database made by an earlier version up to the current tables, at start, idempotently
(no migration framework: the changes so far only add columns and indexes).

Safe when several servers start at once on one database: each step is "if not there yet", and a
column another server added meanwhile is not an error.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError
from sqlalchemy.schema import Column, CreateIndex

from service.store.tables import Base


def _add_column(table: str, column: Column, engine: Engine) -> str:
    kind = column.type.compile(engine.dialect)
    default = f" DEFAULT {column.server_default.arg}" if column.server_default is not None else ""
    exists = " IF NOT EXISTS" if engine.dialect.name == "postgresql" else ""
    return f"ALTER TABLE {table} ADD COLUMN{exists} {column.name} {kind}{default}"


def upgrade(engine: Engine) -> None:
    """Add the columns and indexes that the tables lack (after create_all made missing tables)."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(_add_column(table.name, column, engine))
            except DatabaseError as error:  # another server added it first (SQLite)
                if "duplicate column" not in str(error):
                    raise
        with engine.begin() as connection:
            for index in table.indexes:
                connection.execute(CreateIndex(index, if_not_exists=True))

"""The database behind the store: which URLs, which engine, and the per-backend SQL it needs."""

from __future__ import annotations

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from service.store.tables import Base
from text.errors import InputError

# INSERT ... ON CONFLICT DO NOTHING of each supported backend: with several writers (service
# instances sharing one PostgreSQL) a row may appear between our check and our insert.
INSERT_IGNORING = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers (the web threads) run while the worker writes; waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def resolve_url(url: str) -> URL:
    """The URL to connect to; a bare postgresql:// or postgres:// one gets the `postgres` extra's
    driver (psycopg 3), which SQLAlchemy 2.0 would not pick by itself."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in INSERT_IGNORING:
        raise InputError(
            f"database URL {parsed.render_as_string()!r}: only sqlite:/// and postgresql:// "
            "are supported"
        )
    return parsed


def open_engine(url: str) -> Engine:
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


class Database:
    """One engine and its sessions, shared by the store's repositories.

    Sessions keep loaded objects usable after commit (`expire_on_commit=False`): what the store
    returns is loaded eagerly and detached, so callers hold no session.
    """

    def __init__(self, url: str) -> None:
        self.engine = open_engine(url)
        self.session: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        self.insert_ignoring = INSERT_IGNORING[self.engine.dialect.name]

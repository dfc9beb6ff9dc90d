"""The database behind the store: which URLs, which engine, and the per-backend SQL it needs."""

from __future__ import annotations

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from service.store.tables import Base
from service.store.upgrade import upgrade
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
    upgrade(engine)
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
        # Ids are INTEGER columns: 64-bit on SQLite, 32-bit on PostgreSQL, where a larger id in
        # a query is an error rather than no row.
        self.max_id = 2**31 - 1 if self.engine.dialect.name == "postgresql" else 2**63 - 1

    def may_hold(self, row_id: int) -> bool:
        """Whether a row could have this id (no query needed to say it does not)."""
        return -self.max_id - 1 <= row_id <= self.max_id

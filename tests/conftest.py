"""Shared fixtures. Qt runs offscreen so tests need no display.

Databases: ``db`` is a fresh, migrated and seeded database. It is SQLite always; when the environment
variable ``CIPDESK_TEST_PG`` gives a PostgreSQL URL (``postgresql://user:pw@127.0.0.1:5432/dbname``),
every test that uses ``db`` (and not ``db_path``, and not marked ``sqlite_only``) runs a second time
on PostgreSQL, as ``test_x[postgresql]``. Window tests (tests/ui) run on SQLite only: the window reaches
the database only through the services, and those are tested on both. ``pg_db`` is PostgreSQL only (skipped without the variable).

PostgreSQL isolation: the session works in its own schema of that database (created, migrated once,
dropped at the end), and each test starts from empty tables plus the reference data (TRUNCATE ...
RESTART IDENTITY, then the seed), which is much faster than a database per test.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop.core.db import Database  # noqa: E402
from desktop.core.paths import db_url  # noqa: E402
from desktop.core.startup import open_database  # noqa: E402

PG_URL = os.environ.get("CIPDESK_TEST_PG", "").strip()
_WINDOW_TESTS = Path(__file__).resolve().parent / "ui"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test needs a SQLite file (not run on PostgreSQL)")


def pytest_generate_tests(metafunc):
    """With CIPDESK_TEST_PG, database tests run on SQLite and on PostgreSQL."""
    names = metafunc.fixturenames
    if "db" not in names or "db_path" in names or "pg_db" in names:
        return
    if (
        metafunc.definition.get_closest_marker("sqlite_only")
        or _WINDOW_TESTS in Path(metafunc.definition.path).parents
    ):
        return
    backends = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
    metafunc.parametrize("_backend", backends, indirect=True, scope="function")


@pytest.fixture
def _backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cipdesk.sqlite"


@pytest.fixture
def db(_backend: str, request, tmp_path: Path) -> Database:
    """A fresh, migrated and seeded database: SQLite in a temporary folder, or PostgreSQL (see above)."""
    if _backend == "postgresql":
        database = _fresh_pg(request.getfixturevalue("pg_schema_url"))
    else:
        path = request.getfixturevalue("db_path")
        database = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database, qapp):
    from desktop.ui.context import AppContext

    return AppContext(db)


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path_factory):
    """Window settings (last folders, sizes) go to a folder of each test's own, never the user's."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    yield


@pytest.fixture(autouse=True)
def _no_real_dialogs(monkeypatch):
    """A test that reaches a real modal dialog would hang: fail loudly instead."""
    from desktop.ui import dialogs

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]!r}")

    for name in ("info", "warn", "error", "confirm", "ask_text", "open_file", "save_file", "open_folder"):
        monkeypatch.setattr(dialogs, name, refuse)


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------


def _pg_base_url():
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


@pytest.fixture(scope="session")
def pg_schema_url():
    """A private schema in the CIPDESK_TEST_PG database, migrated once for the session; its URL."""
    if not PG_URL:
        pytest.skip("CIPDESK_TEST_PG is not set: PostgreSQL tests skipped")
    from sqlalchemy import create_engine, text

    base = _pg_base_url()
    schema = f"cipdesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    first = open_database(url)  # runs the migrations into the schema, and seeds
    first.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _fresh_pg(url: str) -> Database:
    """Empty every table of the session schema (ids restart at 1), then seed the reference data."""
    from sqlalchemy import text

    from desktop.core import seed
    from desktop.core.db import make_engine
    from desktop.core.models import Base

    database = Database(url, make_engine(url))
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    seed.ensure_seeded(database)
    return database


@pytest.fixture
def pg_db(pg_schema_url) -> Database:
    """A fresh PostgreSQL database (skipped without CIPDESK_TEST_PG)."""
    database = _fresh_pg(pg_schema_url)
    yield database
    database.dispose()

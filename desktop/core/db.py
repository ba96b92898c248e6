"""Engine, short-lived sessions, start-up migrations, and the first-run seed.

Services receive a :class:`Database` and open one session per call with ``db.session()``; the
window never holds a session.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop.core import audit, migrate
from desktop.core.errors import DatabaseOpenError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _use_wal(engine: Engine) -> None:
    """WAL is written into the file: switch it on only once we know the database is ours."""
    if engine.dialect.name == "sqlite":
        with contextlib.suppress(Exception), engine.connect() as conn:  # a read-only file stays as it is
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def sqlite_backup(src: Path, dst: Path) -> Path:
    """Copy a SQLite database with the online backup API (safe while another connection writes)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(src))
    try:
        target = sqlite3.connect(str(dst))
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    with contextlib.suppress(OSError):
        os.chmod(dst, 0o600)
    return dst


class Database:
    """One database: an engine and a session factory with auditing installed."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.Session = sessionmaker(engine, expire_on_commit=False)
        audit.install(self.Session)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database, or None (memory or another server)."""
        if not self.is_sqlite:
            return None
        name = make_url(self.url).database
        if not name or name == ":memory:":
            return None
        return Path(name)

    @contextlib.contextmanager
    def session(self, *, reason: str | None = None, batch_id: int | None = None) -> Iterator[Session]:
        """A session committed on success, rolled back on any error."""
        session = self.Session()
        if reason:
            session.info["audit_reason"] = reason
        if batch_id is not None:
            session.info["audit_batch"] = batch_id
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (rolled back at the end)."""
        session = self.Session()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    if url.startswith(("postgresql://", "postgres://")):  # psycopg 3 is the driver we ship
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # hide_parameters: a database error's text (shown in details, written to the log) must not
    # carry officers' names and contact details from the statement's values.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def open_database(url: str, *, migrate_now: bool = True, backup_dir: Path | None = None) -> Database:
    """Open (creating if needed) the database at ``url``, migrate it to this version, seed it.

    A SQLite file is created readable by its user only; before any migration of an existing file it
    is backed up beside the other backups. A database made by a newer CiP Desk is refused.
    """
    path: Path | None = None
    if url.startswith("sqlite"):
        name = make_url(url).database
        if name and name != ":memory:":
            path = Path(name)
            if path.exists() and path.is_dir():
                raise DatabaseOpenError(f"{path} is a folder, not a CiP Desk database file.")
            if path.parent.exists() and not path.parent.is_dir():
                raise DatabaseOpenError(
                    f"{path.parent} is a file, not a folder. Choose another place for the database."
                )
            if not path.parent.exists():
                try:
                    path.parent.mkdir(parents=True, mode=0o700)
                except OSError as exc:
                    raise DatabaseOpenError(
                        f"Cannot create the folder {path.parent}: {exc.strerror}."
                    ) from exc
            if not path.exists():
                _create_private_file(path)
            elif not _looks_like_sqlite(path):
                raise DatabaseOpenError(
                    f"{path} is not a CiP Desk database (it is not a SQLite file). "
                    "Choose another file, or restore from a backup."
                )
    engine = make_engine(url)
    db = Database(url, engine)
    if migrate_now:
        try:
            state = migrate.state(engine)
        except DatabaseOpenError:
            engine.dispose()
            raise
        _use_wal(engine)
        if state.needs_upgrade:
            if path is not None and state.current is not None:
                _backup_before_migration(path, backup_dir)
            migrate.upgrade(engine)
        from desktop.core import backup, seed

        seed.ensure_seeded(db)
        backup.clean_leftovers(db)  # a killed restore's staged copy, a failed backup's file
    else:
        _use_wal(engine)
    return db


def _create_private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def _looks_like_sqlite(path: Path) -> bool:
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _backup_before_migration(path: Path, backup_dir: Path | None) -> Path:
    from desktop.core import backup

    folder = backup_dir or backup.configured_folder_of(path)
    return backup.backup_path_before(path, "migration", folder)


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())

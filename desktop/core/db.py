"""Engine, short-lived sessions, and keeping an open SQLite file safe (start-up: desktop.core.startup).

Services receive a :class:`Database` and open one session per call with ``db.session()``; the
window never holds a session.

Keeping a SQLite database safe while it is open (WAL mode):

- Only SQLite touches the live file, its ``-wal`` and its ``-shm``. POSIX record locks belong to the
  process, so closing *any* descriptor of one of those files (a Python ``open()`` to read a header, a
  hash, a copy, a file dialog sniffing the folder) silently drops SQLite's locks; another process may
  then believe it is the last user, checkpoint and delete the WAL while this one is still writing into
  it. :func:`is_live_file` tells other code which paths it must leave alone.
- ``synchronous=FULL``: a commit has reached the disk when ``session()`` returns.
- :meth:`Database.checkpoint` copies the WAL into the main file (``wal_checkpoint(TRUNCATE)``);
  :meth:`Database.close` does it and closes every connection, so the ``.sqlite`` file alone holds
  everything after a quit.
- :func:`open_read_only` (also ``startup.open_database(url, read_only=True)``) opens the file with
  SQLite's read-only mode: such a connection can never checkpoint or delete another process's WAL
  (the command line's reads).
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

from desktop.core import audit
from desktop.core.errors import CipDeskError, DatabaseOpenError

BUSY_TIMEOUT_MS = 5000

# The SQLite files this process has open through a Database (resolved paths of the main files).
_LIVE: dict[Path, int] = {}
_SIDECARS = ("-wal", "-shm", "-journal", ".lock")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # FULL: in WAL mode every commit is synced to the -wal before it returns, so "Saved" survives a
    # power cut. NORMAL would only lose the last commits, but a CiP officer reads "Saved" literally.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _resolved(path: Path | str) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return Path(path).expanduser().absolute()


def _register_live(path: Path) -> None:
    key = _resolved(path)
    _LIVE[key] = _LIVE.get(key, 0) + 1


def _unregister_live(path: Path) -> None:
    key = _resolved(path)
    count = _LIVE.get(key, 0) - 1
    if count > 0:
        _LIVE[key] = count
    else:
        _LIVE.pop(key, None)


def is_live_file(path: Path | str) -> bool:
    """True when ``path`` is a SQLite database this process has open, or one of its -wal, -shm,
    -journal or lock files: code outside SQLite must not open (or even read) it."""
    if not _LIVE:
        return False
    target = _resolved(path)
    for live in _LIVE:
        if target == live or any(target == live.with_name(live.name + s) for s in _SIDECARS):
            return True
    return False


def live_folders() -> set[Path]:
    """The folders that hold a database this process has open."""
    return {live.parent for live in _LIVE}


def refuse_live_file(path: Path | str, what: str) -> None:
    """Raise a plain CipDeskError when ``path`` is one of the open database's own files."""
    if is_live_file(path):
        raise CipDeskError(
            f"{Path(path).name} is CiP Desk's own database file, which is in use; {what} Choose another file."
        )


def use_wal(engine: Engine) -> None:
    """WAL is written into the file: switch it on only once we know the database is ours."""
    if engine.dialect.name == "sqlite":
        with contextlib.suppress(Exception), engine.connect() as conn:  # a read-only file stays as it is
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def connect_read_only(path: Path, timeout: float = 10) -> sqlite3.Connection:
    """A plain sqlite3 connection that can read ``path`` but never write, checkpoint or delete its
    WAL (safe beside any other process that has it open)."""
    return sqlite3.connect(f"{_resolved(path).as_uri()}?mode=ro", uri=True, timeout=timeout)


def sqlite_backup(src: Path, dst: Path) -> Path:
    """Copy a SQLite database with the online backup API (safe while another connection writes).

    The source is opened read-only, so making a backup can never checkpoint or remove the WAL of a
    window that has the database open.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    source = connect_read_only(src, timeout=5)
    try:
        # Read under a transaction first: a database another program holds locked then says so in
        # 5 s ("database is locked") instead of the copy waiting for ever.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
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


def checkpoint_file(path: Path, *, wait_ms: int = 1000) -> bool:
    """Checkpoint the SQLite file ``path`` through a connection of its own (the shutdown watchdog:
    from another thread, when the window's connections cannot be used). True when the WAL is empty."""
    conn = sqlite3.connect(str(path), timeout=wait_ms / 1000)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    return not busy


class Database:
    """One database: an engine and a session factory with auditing installed."""

    def __init__(self, url: str, engine: Engine, *, read_only: bool = False):
        self.url = url
        self.engine = engine
        self.read_only = read_only
        self.Session = sessionmaker(engine, expire_on_commit=False)
        audit.install(self.Session)
        self._closed = False
        self._live = self.sqlite_path
        if self._live is not None:
            _register_live(self._live)

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

    def checkpoint(self, *, wait_ms: int = BUSY_TIMEOUT_MS) -> bool:
        """Copy the WAL into the main file and empty it (``wal_checkpoint(TRUNCATE)``).

        True when the WAL is now empty. False (nothing lost) when another connection was busy for
        longer than ``wait_ms``, or for a read-only or non-SQLite database, where there is nothing to do.
        """
        if self.sqlite_path is None or self.read_only or self._closed:
            return False
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
                try:
                    busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except Exception as exc:  # noqa: BLE001 - a checkpoint is housekeeping; the data is in the WAL
            import logging

            logging.getLogger(__name__).warning("checkpoint not done: %s", type(exc).__name__)
            return False
        return not busy

    def close(self) -> None:
        """Checkpoint, then close every connection: the main file holds everything afterwards."""
        if self._closed:
            return
        self.checkpoint()
        self.dispose()

    def dispose(self) -> None:
        self.engine.dispose()
        if not self._closed:
            self._closed = True
            if self._live is not None:
                _unregister_live(self._live)


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


class ReadOnlyDatabase(CipDeskError):
    """A save was attempted on a database opened read-only."""


def _refuse_writes(db: Database, why: str) -> None:
    def refuse(*_args: object) -> None:
        raise ReadOnlyDatabase(why)

    event.listen(db.Session, "before_flush", refuse)


def open_read_only(url: str, *, why: str | None = None) -> Database:
    """Open an existing SQLite file with SQLite's read-only mode (``mode=ro``).

    Such a connection reads everything, the WAL included, but can never write, checkpoint or delete
    the WAL of another process that has the file open. Any save is refused with ``why``. Refuses a
    missing file, and a database whose schema this version cannot read (newer, or needing an upgrade
    that a read-only open cannot make: ``migrate.state`` tells).
    """
    name = make_url(url).database
    if not name or name == ":memory:":
        raise DatabaseOpenError("An in-memory database cannot be opened read-only.")
    path = Path(name)
    if not path.exists():
        raise DatabaseOpenError(f"There is no CiP Desk database at {path}.")
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a CiP Desk database file.")
    refuse_non_sqlite(path)
    engine = make_engine(f"sqlite:///file:{_resolved(path).as_posix()}?mode=ro&uri=true")
    db = Database(url, engine, read_only=True)
    _refuse_writes(db, why or "This database was opened read-only; nothing was saved.")
    return db


def refuse_non_sqlite(path: Path) -> None:
    """Refuse a file that SQLite cannot read as a database. Asked of SQLite itself (read-only),
    never by reading the file's header with Python, which would drop this process's SQLite locks
    on a database it already has open."""
    if path.stat().st_size == 0:
        return
    try:
        conn = connect_read_only(path)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise DatabaseOpenError(
                f"{path} is not a CiP Desk database (it is not a SQLite file). "
                "Choose another file, or restore from a backup."
            ) from exc
        raise  # busy, locked, unreadable: errors.plain_message says it in words


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())

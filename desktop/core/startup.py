"""Start-up: open the database, migrate it to this version (backing the file up first), seed it.

    db = open_database(url)          # the window and every command that writes
    db = open_database(url, read_only=True)   # a SQLite file that another process may hold

Opening itself (the engine, sessions, the SQLite safety rules) is desktop.core.db; this module adds
what happens once at start: a new SQLite file is created readable by its user only, an existing one
is backed up before any migration (desktop.core.backup), the schema is upgraded (desktop.core.migrate),
empty reference tables are filled (desktop.core.seed) and a killed restore's or backup's leftovers
are removed.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from desktop.core import backup, migrate, seed
from desktop.core.db import Database, make_engine, open_read_only, refuse_non_sqlite, use_wal
from desktop.core.errors import DatabaseOpenError


def open_database(
    url: str, *, migrate_now: bool = True, backup_dir: Path | None = None, read_only: bool = False
) -> Database:
    """Open (creating if needed) the database at ``url``, migrate it to this version, seed it.

    A SQLite file is created readable by its user only; before any migration of an existing file it
    is backed up beside the other backups. A database made by a newer CiP Desk is refused.
    ``read_only``: see :func:`open_read_only` (SQLite files only; a server database opens as usual).
    """
    if read_only and url.startswith("sqlite"):
        return open_read_only(url)
    path = _prepare_sqlite_file(url) if url.startswith("sqlite") else None
    engine = make_engine(url)
    db = Database(url, engine)
    if migrate_now:
        _bring_up_to_date(db, path, backup_dir)
    else:
        use_wal(engine)
    return db


def _prepare_sqlite_file(url: str) -> Path | None:
    """The SQLite file of ``url`` (None for an in-memory database), its folder made (private) and the
    file created readable by its user only when missing. Refuses a folder, a path under a file, and a
    file that is not a SQLite database."""
    name = make_url(url).database
    if not name or name == ":memory:":
        return None
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
            raise DatabaseOpenError(f"Cannot create the folder {path.parent}: {exc.strerror}.") from exc
    if not path.exists():
        _create_private_file(path)
    else:
        refuse_non_sqlite(path)
    return path


def _bring_up_to_date(db: Database, path: Path | None, backup_dir: Path | None) -> None:
    """Migrate to this version (a SQLite file that holds data is backed up first), fill empty
    reference tables, and remove what a killed restore or backup left behind."""
    engine = db.engine
    try:
        state = migrate.state(engine)
    except DatabaseOpenError:
        engine.dispose()
        raise
    use_wal(engine)
    if state.needs_upgrade:
        if path is not None and state.current is not None:
            _backup_before_migration(path, backup_dir)
        migrate.upgrade(engine)
    seed.ensure_seeded(db)
    backup.clean_leftovers(db)  # a killed restore's staged copy, a failed backup's file


def _create_private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def _backup_before_migration(path: Path, backup_dir: Path | None) -> Path:
    folder = backup_dir or backup.configured_folder_of(path)
    return backup.backup_path_before(path, "migration", folder)

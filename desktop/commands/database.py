"""How a command opens the database: one owner at a time for writes, read-only for reads.

- A command that writes (``import``, ``restore``, ``demo-data``) takes the same single-writer lock as
  the window for as long as it runs. While a window or another command holds it, the command is
  refused with one sentence naming the holder (exit 2) before anything is opened or changed.
- A command that only reads (``return``, ``export roster``, ``backup``, ``import --dry-run``) opens a
  SQLite file with SQLite's read-only mode: it sees everything the holder has saved (reading through
  the holder's WAL where the holder has not yet copied it into the main file, and says so), and can
  never checkpoint or delete that WAL.
- At the end the database is closed cleanly (a writer checkpoints first), then the lock is released.

A PostgreSQL database is shared by design: no lock, opened as usual.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from desktop.core import instance_lock, migrate
from desktop.core.db import Database, open_read_only
from desktop.core.errors import CipDeskError
from desktop.core.startup import open_database


class Refused(CipDeskError):
    """The command cannot run now (the database is held, or cannot be read); nothing was changed."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None (a server, or memory)."""
    if not url.startswith("sqlite"):
        return None
    name = make_url(url).database
    if not name or name == ":memory:":
        return None
    return Path(name)


@contextlib.contextmanager
def holding(url: str, command: str) -> Iterator[instance_lock.InstanceLock | None]:
    """The single-writer lock of ``url`` for the duration (None for a server database)."""
    path = sqlite_file(url)
    if path is None:
        yield None
        return
    if not path.parent.is_dir():
        yield None  # nothing there yet; open_database makes the folder (and refuses plainly)
        return
    lock = instance_lock.InstanceLock(path, what=command)
    try:
        lock.acquire()
    except instance_lock.DatabaseInUse as exc:
        raise Refused(exc.for_command()) from exc
    except OSError:
        lock = None  # type: ignore[assignment]  # a folder where no lock file can be made
    try:
        yield lock
    finally:
        if lock is not None:
            lock.release()


@contextlib.contextmanager
def for_writing(url: str, command: str, **open_kwargs: object) -> Iterator[Database]:
    """Lock, open (migrating and seeding as usual), and at the end checkpoint, close, unlock."""
    with holding(url, command):
        db = open_database(url, **open_kwargs)  # type: ignore[arg-type]
        try:
            yield db
        finally:
            db.close()


@contextlib.contextmanager
def for_reading(url: str, command: str) -> Iterator[Database]:
    """Open to read only (see the module text); closed at the end."""
    path = sqlite_file(url)
    if path is None:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()
        return
    if not path.exists() or path.stat().st_size == 0:
        raise Refused(f"There is no CiP Desk database at {path}. Nothing was read.")
    holder = instance_lock.current_holder(path)
    db = open_read_only(url, why=f"{command} only reads the database; nothing was saved.")
    try:
        state = migrate.state(db.engine)
        if state.needs_upgrade:
            db.dispose()
            if holder is not None:
                raise Refused(
                    f"The database {path.name} needs upgrading to this version of CiP Desk, but it is "
                    f"open in CiP Desk by {holder.describe()}: close it there first. Nothing was changed."
                )
            with for_writing(url, command):  # bring it up to date once, under the lock
                pass
            db = open_read_only(url, why=f"{command} only reads the database; nothing was saved.")
        if holder is not None and _wal_has_content(path):
            print(
                f"Note: CiP Desk is open on {path.name} ({holder.describe()}); its latest changes are read "
                "from its journal file, which it copies into the database when it next settles.",
                file=sys.stderr,
            )
        yield db
    finally:
        db.dispose()


def _wal_has_content(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0  # stat only: nothing is opened
    except OSError:
        return False

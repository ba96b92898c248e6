"""One writer per SQLite database: the copy of CiP Desk that opens it first holds a lock.

How: a lock file beside the database (``cipdesk.sqlite.lock``) that the holder keeps open with an
operating-system lock on it (``flock`` on Linux/macOS, ``msvcrt.locking`` on a byte far past the text
on Windows), and in which it writes who holds it: OS user, machine, process id and since when.

Why an OS lock rather than only an ``O_EXCL`` lock file: the operating system releases the lock when
the holder exits for any reason (crash, power cut, killed from Task Manager), so a stale lock never
locks the team out and no guess about process ids is needed; and it works across machines on a
Windows network share (SMB honours byte-range locks), where the process id of another machine could
not be checked anyway. The text in the file is only to tell the second copy who holds it.

A second copy finds the lock taken and is told plainly who has it; it may open the database
read-only. PostgreSQL needs no lock: many users share it, and the ``version`` columns refuse a save
that would overwrite someone else's change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from desktop.core.audit import current_machine, current_user
from desktop.core.errors import CipDeskError

_WIN_LOCK_OFFSET = 0x7FFFFFF0  # far past the text, so the holder's details stay readable


@dataclass(frozen=True)
class Holder:
    user: str
    machine: str
    pid: int | None
    since: dt.datetime | None
    what: str = "window"  # "window", or the command that holds it ("cipdesk import")

    @property
    def since_text(self) -> str:
        """ " since 09:14 today", " since 21/11/2026 17:02", or "" when unknown."""
        if self.since is None:
            return ""
        if self.since.date() == dt.date.today():
            return f" since {self.since:%H:%M} today"
        return f" since {self.since:%d/%m/%Y %H:%M}"

    def describe(self) -> str:
        return f"{self.user} on {self.machine}{self.since_text}"

    @property
    def is_command(self) -> bool:
        return self.what.startswith("cipdesk ")


class DatabaseInUse(CipDeskError):
    """Another copy of CiP Desk holds the database; ``holder`` says who."""

    def __init__(self, path: Path, holder: Holder | None):
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another copy of CiP Desk"
        super().__init__(
            f"The database {path.name} is already open in CiP Desk by {who}. "
            "Only one copy can make changes at a time, so that nothing is lost."
        )

    def for_command(self) -> str:
        """The sentence a command-line write prints when it is refused."""
        holder = self.holder
        if holder is not None and holder.is_command:
            return (
                f"The database {self.path.name} is in use by another CiP Desk command ({holder.what}, "
                f"run by {holder.describe()}): wait for it to finish, then try again; nothing was changed."
            )
        who = holder.describe() if holder else "another copy of CiP Desk"
        return (
            f"The database {self.path.name} is already open in CiP Desk by {who}: close it there "
            "first, then try again; nothing was changed."
        )


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(fh: IO[Any]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            fh.seek(0)
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            fh.seek(_WIN_LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_holder(db_path: Path) -> Holder | None:
    """Who the lock file says holds the database (None if unknown)."""
    try:
        with lock_path(db_path).open("rb") as fh:
            text = fh.read(4096).split(b"\x00", 1)[0].decode("utf-8", "replace")
        data = json.loads(text)
        since = dt.datetime.fromisoformat(data["since"]) if data.get("since") else None
        return Holder(
            str(data.get("user") or "someone"),
            str(data.get("machine") or "another computer"),
            data.get("pid"),
            since,
            str(data.get("what") or "window"),
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


class InstanceLock:
    """The lock of one database, held until :meth:`release` (or the process ends)."""

    def __init__(self, db_path: Path, what: str = "window"):
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.what = what
        self._fh: IO[Any] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseInUse naming the holder."""
        if self._fh is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fh = os.fdopen(fd, "r+b")
        if not _try_lock(fh):
            fh.close()
            raise DatabaseInUse(self.db_path, read_holder(self.db_path))
        info = {
            "user": current_user(),
            "machine": current_machine(),
            "pid": os.getpid(),
            "since": dt.datetime.now().replace(microsecond=0).isoformat(),
            "what": self.what,
            "database": str(self.db_path),
        }
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(info).encode("utf-8"))
        fh.flush()
        with contextlib.suppress(OSError):
            os.fsync(fh.fileno())
        self._fh = fh

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.flush()
        _unlock(fh)
        fh.close()
        # The empty file stays: deleting it could let two copies lock two different files at once.

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def current_holder(db_path: Path) -> Holder | None:
    """Who holds ``db_path`` now (another process, or another lock in this one), else None."""
    lock = InstanceLock(db_path, what="check")
    try:
        lock.acquire()
    except DatabaseInUse as exc:
        return exc.holder or Holder("someone", "another computer", None, None)
    except OSError:
        return None
    lock.release()
    return None


def check_free(db_path: Path) -> None:
    """Raise DatabaseInUse if another copy of CiP Desk holds ``db_path`` now (for the command line:
    restore and other writers refuse while the window is open)."""
    lock = InstanceLock(db_path)
    lock.acquire()
    lock.release()

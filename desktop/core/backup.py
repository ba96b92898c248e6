"""Backups and restores, never a plain copy of a file being written.

SQLite databases are copied with SQLite's online backup API, which gives a consistent snapshot even
while another connection writes. Automatic backups go to the ``backup_folder`` setting (for example a
network share), else ``backups`` in the user's data folder, named
``<database>-<why>-<YYYYmmdd-HHMMSS-ffffff>.sqlite``:

- ``daily``: on the first start of each day (:func:`daily_backup`);
- ``before-import``, ``before-undo``, ``before-migration``, ``before-restore``, ...
  (:func:`backup_before`).

Retention (:func:`prune`) keeps the newest 30 automatic backups of the database and, for a year, the
last one of every month; other automatic backups are deleted. Files the app did not name are never
touched.

A PostgreSQL database can be backed up to (and restored from) a SQLite file too: the rows are copied
table by table into a fresh CiP Desk schema. Automatic safety backups are left to the server there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.db import Database, is_live_file, sqlite_backup
from desktop.core.errors import CipDeskError, DatabaseOpenError, NewerDatabaseError

log = logging.getLogger(__name__)

KEEP_LAST = 30
KEEP_MONTHS = 12
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<why>daily|manual|before-[a-z0-9-]+?)-(?P<stamp>\d{8}-\d{6}-\d{6})\.sqlite$"
)


class RestoreError(CipDeskError):
    """A file that cannot be restored; the message says why in plain words."""


# ---------------------------------------------------------------------------------------------
# Where, and what is there
# ---------------------------------------------------------------------------------------------


def backup_folder(db: Database) -> Path:
    """The folder from settings (``backup_folder``), else ``backups`` in the user's data folder."""
    from desktop.core import settings
    from desktop.core.paths import default_backup_dir

    configured = settings.get(db, "backup_folder")
    if configured:
        path = Path(str(configured)).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise CipDeskError(
                f"The backup folder {path} cannot be used ({exc.strerror}). "
                "Check that the network share is connected, or choose another folder in Settings."
            ) from exc
        return path
    return default_backup_dir()


def configured_folder_of(path: Path) -> Path:
    """The backup folder of the SQLite file ``path`` read without opening it as a Database (before a
    migration, or when it is damaged): its ``backup_folder`` setting, else the default folder."""
    import json

    from desktop.core.paths import default_backup_dir

    with contextlib.suppress(sqlite3.Error, OSError, ValueError, TypeError):
        conn = _readonly(path)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'backup_folder'").fetchone()
        finally:
            conn.close()
        if row and row[0]:
            value = json.loads(row[0])
            if value:
                folder = Path(str(value)).expanduser()
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                return folder
    return default_backup_dir()


@dataclass(frozen=True)
class BackupFile:
    path: Path
    why: str  # "daily", "manual", "before-import", ...
    taken: dt.datetime

    @property
    def label(self) -> str:
        kind = {"daily": "daily backup", "manual": "backup made by hand"}.get(
            self.why, self.why.replace("-", " ") if self.why.startswith("before") else self.why
        )
        return f"{self.taken:%d/%m/%Y %H:%M} ({kind})"


def _stem(db: Database) -> str:
    path = db.sqlite_path
    return path.stem if path is not None else "cipdesk"


def list_backups(folder: Path, stem: str | None = None) -> list[BackupFile]:
    """The automatic backups in ``folder`` (of the database named ``stem``), newest first."""
    found: list[BackupFile] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or (stem is not None and m["stem"] != stem):
            continue
        try:
            taken = dt.datetime.strptime(m["stamp"], _STAMP)
        except ValueError:
            continue
        found.append(BackupFile(entry, m["why"], taken))
    found.sort(key=lambda b: b.taken, reverse=True)
    return found


def backups_of(db: Database) -> list[BackupFile]:
    return list_backups(backup_folder(db), _stem(db))


# ---------------------------------------------------------------------------------------------
# Making backups
# ---------------------------------------------------------------------------------------------


def _atomic_sqlite_backup(src: Path, dst: Path) -> Path:
    """Online backup into a temporary file beside ``dst``, renamed into place when complete, so a
    half-written backup never carries a backup's name."""
    tmp = _private_temp(dst.parent, "partial")
    try:
        sqlite_backup(src, tmp)
    except BaseException:
        _remove_temp(tmp)
        raise
    return _move_into_place(tmp, dst)


def _move_into_place(tmp: Path, dst: Path) -> Path:
    """A complete copy ``tmp`` renamed to ``dst``, readable by its user only; nothing left beside it."""
    try:
        os.replace(tmp, dst)
    except BaseException:
        _remove_temp(tmp)
        raise
    _remove_temp(tmp)  # a journal SQLite may have left beside it
    with contextlib.suppress(OSError):
        os.chmod(dst, 0o600)
    return dst


def backup_to(db: Database, dst: Path) -> Path:
    """A consistent copy of the whole database as the SQLite file ``dst`` (replaced if present)."""
    dst = Path(dst)
    src = db.sqlite_path
    if src is not None:
        if src.resolve() == dst.resolve():
            raise CipDeskError("Choose another file: a backup cannot replace the database itself.")
        return _atomic_sqlite_backup(src, dst)
    if db.is_sqlite:
        raise CipDeskError("This database lives in memory only and cannot be backed up.")
    return _copy_to_sqlite(db, dst)


def backup_before(db: Database, why: str) -> Path | None:
    """A safety backup before risky work (import, undo, restore, anonymise) into the backup folder.

    Returns the file, or None for a database that is not a SQLite file (a PostgreSQL server is
    backed up by its administrators).
    """
    src = db.sqlite_path
    if src is None or not src.exists():
        return None
    kind = why if why in ("daily", "manual") else "before-" + _slug(why)
    dst = backup_folder(db) / f"{src.stem}-{kind}-{dt.datetime.now().strftime(_STAMP)}.sqlite"
    _atomic_sqlite_backup(src, dst)
    log.info("backup (%s): %s", kind, dst.name)
    with contextlib.suppress(OSError):
        prune(dst.parent, src.stem)
    return dst


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "change"


def backup_path_before(path: Path, why: str, folder: Path) -> Path:
    """A safety backup of the SQLite file ``path`` when no Database is open yet (migration, repair)."""
    dst = folder / f"{path.stem}-before-{_slug(why)}-{dt.datetime.now().strftime(_STAMP)}.sqlite"
    _atomic_sqlite_backup(path, dst)
    log.info("backup (before %s): %s", why, dst.name)
    with contextlib.suppress(OSError):
        prune(folder, path.stem)
    return dst


def daily_backup(db: Database, today: dt.date | None = None) -> Path | None:
    """The first start of each day backs the database up; later starts that day do nothing."""
    if db.sqlite_path is None or not db.sqlite_path.exists():
        return None
    today = today or dt.date.today()
    if any(b.why == "daily" and b.taken.date() == today for b in backups_of(db)):
        return None
    return backup_before(db, "daily")


def prune(folder: Path, stem: str, now: dt.datetime | None = None) -> list[Path]:
    """Delete automatic backups beyond retention: keep the newest 30, and the last backup of each
    of the last 12 months (month-end backups). Returns the deleted files."""
    now = now or dt.datetime.now()
    backups = list_backups(folder, stem)
    keep = {b.path for b in backups[:KEEP_LAST]}
    year_ago = (now.year - 1, now.month)
    seen_months: set[tuple[int, int]] = set()
    for b in backups:  # newest first: the first seen of a month is its last backup
        month = (b.taken.year, b.taken.month)
        if month in seen_months:
            continue
        seen_months.add(month)
        if month > year_ago:
            keep.add(b.path)
    deleted = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                deleted.append(b.path)
    return deleted


# ---------------------------------------------------------------------------------------------
# Temporary files: private, named after their owner, cleaned up after failure and at the next start
# ---------------------------------------------------------------------------------------------

# A staged restore (".restore-...") or a backup being written (".partial-...") is named after the
# machine and the process that made it, so that the next start can tell one left by a killed process
# from one still being written by a live one.
_LEFTOVER = re.compile(
    r"^\.(?P<kind>restore|partial)-(?:(?P<machine>[0-9a-f]{8})-(?P<pid>\d+)-)?[A-Za-z0-9_]+"
    r"\.sqlite(?:-journal|-wal|-shm)?$"
)
_SIDECARS = ("-journal", "-wal", "-shm")
# Leftovers of another machine (a shared backup folder) or without an owner: removed when this old.
LEFTOVER_AGE = dt.timedelta(hours=1)


def _machine_tag() -> str:
    import hashlib
    import socket

    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _private_temp(folder: Path, kind: str) -> Path:
    """A new empty file ``.<kind>-<machine>-<pid>-<random>.sqlite`` in ``folder``, readable by its
    user only."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{kind}-{_machine_tag()}-{os.getpid()}-", suffix=".sqlite", dir=folder
    )
    os.close(fd)
    return Path(name)


def _remove_temp(path: Path) -> None:
    """Remove a temporary SQLite file and the journal files SQLite may have left beside it."""
    for p in (path, *(Path(str(path) + extra) for extra in _SIDECARS)):
        with contextlib.suppress(OSError):
            p.unlink()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_leftovers(folders: list[Path], now: dt.datetime | None = None) -> list[Path]:
    """Delete the staged restores and half-written backups in ``folders`` that no live process is
    writing: those of a process of this machine that has ended, and any older than an hour.
    Returns what was deleted."""
    now = now or dt.datetime.now()
    me = _machine_tag()
    removed: list[Path] = []
    seen: set[Path] = set()
    for folder in folders:
        try:
            key = folder.resolve()
            if key in seen:
                continue
            seen.add(key)
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            m = _LEFTOVER.match(entry.name)
            if not m:
                continue
            stale = False
            if m["machine"] == me and m["pid"]:
                stale = not _pid_alive(int(m["pid"]))
            if not stale:
                try:
                    stale = now - dt.datetime.fromtimestamp(entry.stat().st_mtime) > LEFTOVER_AGE
                except OSError:
                    continue
            if stale:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    for path in removed:
        log.info(
            "removed a leftover %s file: %s", "restore" if ".restore-" in path.name else "backup", path.name
        )
    return removed


def clean_leftovers(db: Database) -> list[Path]:
    """At start: the leftovers beside the database, in its backup folder and in the temporary folder
    (where a restore into PostgreSQL is staged). Never fails."""
    from desktop.core import settings
    from desktop.core.paths import APP_AUTHOR, APP_NAME

    folders: list[Path] = [Path(tempfile.gettempdir())]
    if db.sqlite_path is not None:
        folders.append(db.sqlite_path.parent)
    try:
        configured = settings.get(db, "backup_folder")
        if configured:
            folders.append(Path(str(configured)).expanduser())
    except Exception:  # noqa: BLE001 - an unreadable setting leaves that folder for another day
        pass
    try:
        from platformdirs import user_data_path

        folders.append(user_data_path(APP_NAME, APP_AUTHOR) / "backups")
    except Exception:  # noqa: BLE001
        pass
    try:
        return remove_leftovers(folders)
    except Exception as exc:  # noqa: BLE001 - cleaning up must never stop a start
        log.warning("leftover files not cleaned up: %s", exc)
        return []


# ---------------------------------------------------------------------------------------------
# What a CiP Desk database holds at each revision, as the migrations make it
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """The tables of a SQLite database: per table its columns (name -> NOT NULL without a default)
    and the column sets it keeps unique."""

    columns: dict[str, dict[str, bool]]
    unique: dict[str, frozenset[tuple[str, ...]]]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def shape_of(conn: sqlite3.Connection) -> Shape:
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns: dict[str, dict[str, bool]] = {}
    unique: dict[str, frozenset[tuple[str, ...]]] = {}
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        # cid, name, type, notnull, dflt_value, pk: a NOT NULL column without a default (and not
        # the integer key SQLite fills) is one every insert must give
        columns[table] = {str(r[1]): bool(r[3]) and r[4] is None and not r[5] for r in info}
        sets = set()
        for idx in conn.execute(f"PRAGMA index_list({_quote(table)})").fetchall():
            if idx[2]:  # unique
                cols = tuple(str(r[2]) for r in conn.execute(f"PRAGMA index_info({_quote(str(idx[1]))})"))
                sets.add(cols)
        unique[table] = frozenset(sets)
    return Shape(columns, unique)


@functools.lru_cache(maxsize=8)
def expected_shape(revision: str) -> Shape:
    """The schema the migrations make at ``revision``: an empty database migrated to it, looked at."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from desktop.core import migrate

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        migrate.upgrade(engine, revision)
        raw = engine.raw_connection()
        try:
            return shape_of(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        engine.dispose()


def schema_problems(found: Shape, expected: Shape) -> list[str]:
    """What ``found`` lacks (or has in the way) of ``expected``, in plain words; [] when it fits."""
    missing_tables = [t for t in expected.columns if t not in found.columns]
    problems: list[str] = []
    if len(missing_tables) == 1:
        problems.append(f"it has no table {missing_tables[0]}")
    elif missing_tables:
        shown = ", ".join(missing_tables[:3])
        problems.append(
            f"it lacks {len(missing_tables)} of the {len(expected.columns)} tables CiP Desk keeps, "
            f"such as {shown}"
        )
    for table, cols in expected.columns.items():
        have = found.columns.get(table)
        if have is None:
            continue
        lacking = [c for c in cols if c not in have]
        if lacking:
            problems.append(f"its table {table} has no column {', '.join(lacking[:3])}")
        in_the_way = [c for c, required in have.items() if required and c not in cols]
        if in_the_way:
            problems.append(f"its table {table} has a column CiP Desk does not fill ({in_the_way[0]})")
        for cols_set in expected.unique.get(table, frozenset()):
            if cols_set not in found.unique.get(table, frozenset()):
                problems.append(f"its table {table} does not keep {', '.join(cols_set)} unique")
    return problems


# ---------------------------------------------------------------------------------------------
# Looking inside a backup
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, to say before (and after) restoring it."""

    path: Path
    revision: str
    officers: int
    latest_duty: dt.date | None
    taken: dt.datetime  # from the file name when it is ours, else the file's modification time
    needs_upgrade: bool

    def describe(self) -> str:
        duty = f"latest duty {self.latest_duty:%d/%m/%Y}" if self.latest_duty else "no duties"
        people = "1 officer" if self.officers == 1 else f"{self.officers:,} officers"
        return f"backup of {self.taken:%d/%m/%Y %H:%M}: {people}, {duty}"


def _readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


_UNCHANGED = "Nothing was changed: the database is as it was."


def _not_ours(name: str, why: str) -> RestoreError:
    return RestoreError(
        f"{name} cannot be restored: it is not a complete CiP Desk database ({why}). {_UNCHANGED}"
    )


def _examine(conn: sqlite3.Connection, name: str, *, check: bool) -> tuple[str, int, Any]:
    """Check an open SQLite file as a CiP Desk database: (revision, officers, latest duty)."""
    from desktop.core import migrate

    try:
        if check:
            problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                log.warning("backup %s failed the integrity check: %s", name, problems[:3])
                raise RestoreError(
                    f"{name} is damaged (SQLite's integrity check found problems), so it cannot be "
                    f"restored. Choose an older backup. {_UNCHANGED}"
                )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise RestoreError(f"{name} is a SQLite file but not a CiP Desk database. {_UNCHANGED}")
        versions = [str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")]
        if len(versions) != 1:
            raise _not_ours(name, "it has no single CiP Desk version")
        revision = versions[0]
        if revision not in migrate.known_revisions():
            raise NewerDatabaseError(
                f"{name} was made by a newer version of CiP Desk (schema {revision}), or is not a "
                f"CiP Desk database. Install the newer version to restore it. {_UNCHANGED}"
            )
        problems = schema_problems(shape_of(conn), expected_shape(revision))
        if problems:
            log.warning("backup %s does not fit schema %s: %s", name, revision, problems)
            raise _not_ours(name, "; ".join(problems[:2]))
        officers = int(conn.execute("SELECT count(*) FROM officers").fetchone()[0])
        latest = conn.execute("SELECT max(date) FROM duties").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        log.warning("backup %s cannot be read: %s", name, exc)
        raise RestoreError(
            f"{name} is damaged or not a CiP Desk database, so it cannot be restored. {_UNCHANGED}"
        ) from exc
    return revision, officers, latest


def _sqlite_header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(16)


def inspect_backup(path: Path, *, check: bool = True) -> BackupInfo:
    """Check that ``path`` is an undamaged CiP Desk database this version can open: a SQLite file,
    SQLite's integrity check passed, and every table and column this version expects at the file's
    revision there (the expectation comes from the migrations themselves).

    Raises RestoreError (or NewerDatabaseError) with a plain sentence naming the file otherwise.
    ``check=False`` skips SQLite's integrity check (a quick look to describe a backup in a list).
    Never used on the live database (it opens the file to read its first bytes).
    """
    from desktop.core import migrate

    path = Path(path)
    if is_live_file(path):  # only SQLite may open it here (see desktop/core/db.py)
        raise RestoreError(
            f"{path.name} is the database CiP Desk has open; choose a backup file. {_UNCHANGED}"
        )
    if path.name.endswith(_SIDECARS):  # never opened: it may be the live database's own journal
        raise RestoreError(
            f"{path.name} is a journal file SQLite keeps beside a database, not a backup. {_UNCHANGED}"
        )
    if not path.exists():
        raise RestoreError(f"{path} does not exist. {_UNCHANGED}")
    if path.is_dir():
        raise RestoreError(f"{path} is a folder, not a CiP Desk backup file. {_UNCHANGED}")
    try:
        header = _sqlite_header(path)
    except OSError as exc:
        raise RestoreError(f"{path.name} cannot be read ({exc.strerror}). {_UNCHANGED}") from exc
    if header != b"SQLite format 3\x00":
        raise RestoreError(f"{path.name} is not a CiP Desk database (it is not a SQLite file). {_UNCHANGED}")
    try:
        conn = _readonly(path)
    except sqlite3.Error as exc:
        log.warning("backup %s cannot be opened: %s", path.name, exc)
        raise RestoreError(f"{path.name} cannot be opened as a database. {_UNCHANGED}") from exc
    try:
        revision, officers, latest = _examine(conn, path.name, check=check)
    finally:
        conn.close()
    m = _NAME.match(path.name)
    if m:
        taken = dt.datetime.strptime(m["stamp"], _STAMP)
    else:
        taken = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return BackupInfo(
        path=path,
        revision=revision,
        officers=officers,
        latest_duty=_day(latest),
        taken=taken,
        needs_upgrade=revision != migrate.head(),
    )


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def latest_good_backup(folder: Path, stem: str) -> BackupInfo | None:
    """The newest automatic backup that passes the checks of :func:`inspect_backup`."""
    for b in list_backups(folder, stem):
        try:
            return inspect_backup(b.path)
        except (RestoreError, DatabaseOpenError):
            continue
    return None


# ---------------------------------------------------------------------------------------------
# Restoring: the whole candidate checked on a private staged copy, then swapped in at once
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    safety_backup: Path | None

    def describe(self) -> str:
        return "Restored the " + self.info.describe() + "."


def _read_every_table(engine: Any) -> None:
    """Read the first and last rows of every table as the program does (dates, numbers, JSON):
    a file whose values this version cannot read fails here, not in the window."""
    from sqlalchemy import select

    from desktop.core.models import Base

    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            pk = list(table.primary_key.columns)
            conn.execute(query.limit(200)).all()
            if pk:
                conn.execute(query.order_by(*(c.desc() for c in pk)).limit(200)).all()


def prepare_restore(src: Path, folder: Path) -> tuple[BackupInfo, Path]:
    """Check the backup ``src`` as a whole on a private copy staged in ``folder``: SQLite's
    integrity check, the tables and columns of its revision, the migration to this version run on
    the copy, the tables and columns of this version after it, the default reference data, and
    every table read. Returns what it holds and the staged copy, ready to be swapped in (the
    caller removes it); RestoreError (or NewerDatabaseError) with a plain sentence otherwise, and
    then nothing is left behind."""
    from desktop.core import migrate, seed
    from desktop.core.db import make_engine
    from desktop.core.paths import db_url

    info = inspect_backup(src, check=False)
    name = Path(src).name
    staged = _private_temp(folder, "restore")
    try:
        try:
            sqlite_backup(Path(src), staged)
        except sqlite3.DatabaseError as exc:
            log.warning("backup %s cannot be copied: %s", name, exc)
            raise RestoreError(
                f"{name} is damaged, so it cannot be restored. Choose an older backup. {_UNCHANGED}"
            ) from exc
        conn = sqlite3.connect(str(staged))
        try:
            _examine(conn, name, check=True)
        finally:
            conn.close()
        engine = make_engine(db_url(str(staged)))
        try:
            try:
                if info.needs_upgrade:
                    migrate.upgrade(engine)
                conn = sqlite3.connect(str(staged))
                try:
                    problems = schema_problems(shape_of(conn), expected_shape(migrate.head()))
                finally:
                    conn.close()
                if problems:
                    raise _not_ours(name, "; ".join(problems[:2]))
                seed.ensure_seeded(Database(db_url(str(staged)), engine))
                _read_every_table(engine)
            except RestoreError:
                raise
            except Exception as exc:  # noqa: BLE001 - a migration or a read that fails on this file
                log.warning("backup %s cannot be brought up to this version: %s", name, exc)
                raise RestoreError(
                    f"{name} cannot be restored: it could not be brought up to this version of CiP Desk "
                    f"(it is damaged, or not a complete CiP Desk database). {_UNCHANGED}"
                ) from exc
        finally:
            engine.dispose()
        conn = sqlite3.connect(str(staged))
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except BaseException:
        _remove_temp(staged)
        raise
    return info, staged


def restore(db: Database, src: Path) -> RestoreResult:
    """Replace the data of ``db`` with the backup ``src``, once the whole backup has been checked
    on a staged copy (:func:`prepare_restore`).

    SQLite: the database is backed up first, then the staged copy is copied into the live file with
    SQLite's online backup API (one transaction, safe for the other connections of this process).
    PostgreSQL: every table is emptied and refilled from the staged copy in one transaction.
    On any failure the database is as it was, and the message says so.
    """
    live = db.sqlite_path
    src = Path(src)
    if live is not None:
        db.engine.dispose()  # this process's pooled connections reopen on the restored file
        result = restore_sqlite_file(live, src, backup_folder(db), in_use=True)
    else:
        if db.is_sqlite:
            raise RestoreError("This database lives in memory only; nothing can be restored into it.")
        info, staged = prepare_restore(src, Path(tempfile.gettempdir()))
        try:
            _copy_from_sqlite(staged, db)
        finally:
            _remove_temp(staged)
        result = RestoreResult(info, None)
    log.info("restored backup %s (%d officers)", src.name, result.info.officers)
    return result


def restore_sqlite_file(
    live: Path, src: Path, folder: Path | None = None, *, in_use: bool = False
) -> RestoreResult:
    """Check ``src`` on a staged copy beside ``live``, back ``live`` up into ``folder``, then copy the
    staged copy into ``live``.

    The caller holds the instance lock. ``in_use``: this process has connections to ``live`` (the
    window), so the file is only ever written through SQLite; otherwise (the command line, a
    damaged file at start) a live file too damaged for SQLite to write into is replaced whole.
    """
    live, src = Path(live), Path(src)
    if live.exists() and src.exists() and os.path.samefile(src, live):
        raise RestoreError(f"That file is the database itself; choose a backup file. {_UNCHANGED}")
    info, staged = prepare_restore(src, live.parent)
    try:
        safety = None
        if live.exists() and live.stat().st_size > 0:
            folder = folder or configured_folder_of(live)
            safety = _safety_copy(live, folder, in_use=in_use)
        kept = f" A copy of the database as it was is kept in {safety}." if safety else ""
        try:
            _swap_in(staged, live, in_use=in_use)
        except RestoreError as exc:
            raise RestoreError(f"{exc}{kept}") from exc
        except (sqlite3.Error, OSError) as exc:
            from desktop.core.errors import plain_message

            log.warning("restore of %s into the database failed: %s", src.name, exc)
            why = (plain_message(exc) or "The database file could not be written.").rstrip(".")
            raise RestoreError(
                f"Restoring {src.name} failed ({why[:1].lower()}{why[1:]}). {_UNCHANGED}{kept}"
            ) from exc
    finally:
        _remove_temp(staged)
    return RestoreResult(info, safety)


def _safety_copy(live: Path, folder: Path, *, in_use: bool) -> Path:
    """The database as it is, into the backup folder, before a restore replaces it."""
    try:
        return backup_path_before(live, "restore", folder)
    except sqlite3.OperationalError:
        raise  # locked by another program, or no room for the copy: nothing is replaced
    except sqlite3.DatabaseError:
        if in_use:
            raise
        # Too damaged for SQLite to read, and not open here: keep the damaged file byte for byte.
        import shutil

        stamp = dt.datetime.now().strftime(_STAMP)
        safety = folder / f"{live.stem}-damaged-{stamp}.sqlite"
        shutil.copyfile(live, safety)
        with contextlib.suppress(OSError):
            os.chmod(safety, 0o600)
        return safety


def _swap_in(staged: Path, live: Path, *, in_use: bool) -> None:
    """Copy the checked ``staged`` database into ``live`` in one step (other connections see the old
    or the new database, never a mix)."""
    if live.exists() and live.stat().st_size > 0:
        try:
            _backup_into(staged, live)
            return
        except sqlite3.OperationalError:
            raise  # busy, locked, disk full: the database is as it was
        except sqlite3.DatabaseError as exc:
            if in_use:
                raise
            log.warning("restore into the live file failed (%s); replacing the damaged file", exc)
    live.parent.mkdir(parents=True, exist_ok=True)
    for extra in _SIDECARS[1:]:
        Path(str(live) + extra).unlink(missing_ok=True)
    os.replace(staged, live)
    with contextlib.suppress(OSError):
        os.chmod(live, 0o600)


def _backup_into(staged_path: Path, live: Path) -> None:
    target = sqlite3.connect(str(live), timeout=10)
    try:
        target.execute("BEGIN IMMEDIATE")  # another program holding it says so, the copy never waits for ever
        target.rollback()
        live_page = target.execute("PRAGMA page_size").fetchone()[0]
        staged = sqlite3.connect(str(staged_path))
        try:
            if staged.execute("PRAGMA page_size").fetchone()[0] != live_page:
                staged.execute(f"PRAGMA page_size={int(live_page)}")
                staged.execute("VACUUM")
            staged.backup(target)
        finally:
            staged.close()
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":  # not seen; if ever, the safety copy is the way back
            log.error("the restored database failed its quick check: %s", check)
            raise RestoreError(
                "The restored database failed SQLite's check; restore the copy kept before the restore."
            )
    finally:
        target.close()


# ---------------------------------------------------------------------------------------------
# Between PostgreSQL and a SQLite file
# ---------------------------------------------------------------------------------------------


def _copy_to_sqlite(db: Database, dst: Path) -> Path:
    """Copy every row of a (PostgreSQL) database into a new SQLite file of the same schema."""
    from desktop.core import migrate
    from desktop.core.db import make_engine
    from desktop.core.paths import db_url

    state = migrate.state(db.engine)
    if state.current != state.head:
        raise CipDeskError("Open the database with this version of CiP Desk once before backing it up.")
    tmp = _private_temp(dst.parent, "partial")
    try:
        target = make_engine(db_url(str(tmp)))
        try:
            migrate.upgrade(target)
            _copy_rows(db.engine, target)
        finally:
            target.dispose()
        conn = sqlite3.connect(str(tmp))
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except BaseException:
        _remove_temp(tmp)
        raise
    return _move_into_place(tmp, dst)


def _copy_from_sqlite(staged: Path, db: Database) -> None:
    """Replace every row of ``db`` (PostgreSQL, at this version) with the rows of the checked
    staged copy ``staged`` (at this version too), in one transaction."""
    from desktop.core import migrate
    from desktop.core.db import make_engine
    from desktop.core.paths import db_url

    if migrate.state(db.engine).needs_upgrade:
        migrate.upgrade(db.engine)
    source = make_engine(db_url(str(staged)))
    try:
        _copy_rows(source, db.engine, replace=True)
    finally:
        source.dispose()


def _copy_rows(source, target, *, replace: bool = False) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import Integer, delete, func, insert, select, text

    from desktop.core.models import Base

    tables = Base.metadata.sorted_tables
    with source.connect() as src, target.begin() as dst:
        if replace:
            for table in reversed(tables):
                dst.execute(delete(table))
        for table in tables:
            result = src.execute(select(table))
            while True:
                chunk = result.fetchmany(2000)
                if not chunk:
                    break
                dst.execute(insert(table), [dict(row._mapping) for row in chunk])
        if target.dialect.name == "postgresql":
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer):
                    top = dst.scalar(select(func.max(pk[0])))
                    dst.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
                        {"t": table.name, "c": pk[0].name, "v": top or 1, "called": top is not None},
                    )

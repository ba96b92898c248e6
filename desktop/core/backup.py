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
import logging
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

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
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".partial-", suffix=".sqlite", dir=dst.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        sqlite_backup(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
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


def inspect_backup(path: Path, *, check: bool = True) -> BackupInfo:
    """Check that ``path`` is an undamaged CiP Desk database this version can open.

    Raises RestoreError (or NewerDatabaseError) with a plain sentence naming the file otherwise.
    ``check=False`` skips SQLite's integrity check (a quick look to describe a backup in a list).
    """
    from desktop.core import migrate

    path = Path(path)
    if not path.exists():
        raise RestoreError(f"{path} does not exist.")
    if is_live_file(path):  # only SQLite may open it here (see desktop/core/db.py)
        raise RestoreError(f"{path.name} is the database CiP Desk has open; choose a backup file.")
    if path.is_dir():
        raise RestoreError(f"{path} is a folder, not a CiP Desk backup file.")
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise RestoreError(
            f"{path.name} is not a CiP Desk database (it is not a SQLite file). Nothing was changed."
        )
    try:
        conn = _readonly(path)
    except sqlite3.Error as exc:
        raise RestoreError(f"{path.name} cannot be opened ({exc}). Nothing was changed.") from exc
    try:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")] if check else ["ok"]
            if problems != ["ok"]:
                raise RestoreError(
                    f"{path.name} is damaged (SQLite's integrity check failed: {problems[0]}). "
                    "Choose an older backup. Nothing was changed."
                )
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "officers" not in tables:
                raise RestoreError(
                    f"{path.name} is a SQLite file but not a CiP Desk database. Nothing was changed."
                )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None:
                raise RestoreError(f"{path.name} has no CiP Desk version. Nothing was changed.")
            revision = str(row[0])
            if revision not in migrate.known_revisions():
                raise NewerDatabaseError(
                    f"{path.name} was made by a newer version of CiP Desk (schema {revision}). "
                    "Install the newer version to restore it. Nothing was changed."
                )
            officers = int(conn.execute("SELECT count(*) FROM officers").fetchone()[0])
            latest = (
                conn.execute("SELECT max(date) FROM duties").fetchone()[0] if "duties" in tables else None
            )
        except sqlite3.DatabaseError as exc:
            raise RestoreError(
                f"{path.name} is damaged or not a CiP Desk database ({exc}). Nothing was changed."
            ) from exc
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
        latest_duty=dt.date.fromisoformat(str(latest)[:10]) if latest else None,
        taken=taken,
        needs_upgrade=revision != migrate.head(),
    )


def latest_good_backup(folder: Path, stem: str) -> BackupInfo | None:
    """The newest automatic backup that passes the checks of :func:`inspect_backup`."""
    for b in list_backups(folder, stem):
        try:
            return inspect_backup(b.path)
        except (RestoreError, DatabaseOpenError):
            continue
    return None


# ---------------------------------------------------------------------------------------------
# Restoring
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    safety_backup: Path | None

    def describe(self) -> str:
        return "Restored the " + self.info.describe() + "."


def restore(db: Database, src: Path) -> RestoreResult:
    """Replace the data of ``db`` with the backup ``src`` after checking it and backing up ``db``.

    SQLite: the checked backup is copied into the live file with the online backup API (one
    transaction, safe for other connections), then migrated to this version if it is older.
    PostgreSQL: every table is emptied and refilled from the backup in one transaction.
    """
    live = db.sqlite_path
    if live is not None:
        db.engine.dispose()  # this process's pooled connections reopen on the restored file
        result = restore_sqlite_file(live, Path(src), backup_folder(db))
    else:
        if db.is_sqlite:
            raise RestoreError("This database lives in memory only; nothing can be restored into it.")
        info = inspect_backup(src)
        _copy_from_sqlite(Path(src), db)
        result = RestoreResult(info, None)
    _finish(db)
    log.info("restored backup %s (%d officers)", Path(src).name, result.info.officers)
    return result


def restore_sqlite_file(live: Path, src: Path, folder: Path | None = None) -> RestoreResult:
    """Check ``src``, back up ``live`` (if it exists) into ``folder``, then copy ``src`` over ``live``.

    For a database that is not open here (the command line, or a damaged file at start-up); the
    caller holds the instance lock. The restored file may still need migrating (open it normally).
    """
    info = inspect_backup(src)
    if live.exists() and Path(src).resolve() == live.resolve():
        raise RestoreError("That file is the database itself; choose a backup file.")
    safety = None
    if live.exists() and live.stat().st_size > 0:
        folder = folder or configured_folder_of(live)
        try:
            safety = backup_path_before(live, "restore", folder)
        except sqlite3.OperationalError:
            raise  # locked by another program, or no room for the copy: nothing is replaced
        except sqlite3.DatabaseError:
            # Too damaged for SQLite to read: keep the damaged file as it is, byte for byte.
            import shutil

            stamp = dt.datetime.now().strftime(_STAMP)
            safety = folder / f"{live.stem}-damaged-{stamp}.sqlite"
            shutil.copyfile(live, safety)
            with contextlib.suppress(OSError):
                os.chmod(safety, 0o600)
    restore_file(Path(src), live)
    return RestoreResult(info, safety)


def restore_file(src: Path, live: Path) -> None:
    """Copy the SQLite database ``src`` over ``live``.

    The source is first copied to a private temporary file beside ``live`` (a consistent snapshot,
    its page size matched to the live file's), then copied into the live database with the online
    backup API in one step, so other connections see the old or the new database, never a mix. A
    live file too damaged for SQLite to write into is replaced whole instead (its -wal and -shm files
    removed first); the caller holds the instance lock, so no other copy has it open.
    """
    live.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite", dir=live.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        sqlite_backup(src, tmp)
        if live.exists() and live.stat().st_size > 0:
            try:
                _backup_into(tmp, live)
                return
            except sqlite3.DatabaseError as exc:
                log.warning("restore into the live file failed (%s); replacing the file", exc)
        for extra in (Path(str(live) + "-wal"), Path(str(live) + "-shm")):
            extra.unlink(missing_ok=True)
        os.replace(tmp, live)
        with contextlib.suppress(OSError):
            os.chmod(live, 0o600)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _backup_into(staged_path: Path, live: Path) -> None:
    target = sqlite3.connect(str(live), timeout=10)
    try:
        target.execute("BEGIN IMMEDIATE")  # another program holding it says so, the copy never waits for ever
        target.rollback()
        live_page = target.execute("PRAGMA page_size").fetchone()[0]
        staged = sqlite3.connect(str(staged_path))
        try:
            if staged.execute("PRAGMA page_size").fetchone()[0] != live_page:
                staged.execute("PRAGMA journal_mode=DELETE")
                staged.execute(f"PRAGMA page_size={int(live_page)}")
                staged.execute("VACUUM")
            staged.backup(target)
        finally:
            staged.close()
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"the restored database failed its check: {check}")
    finally:
        target.close()


def _finish(db: Database) -> None:
    """After a restore: bring an older backup's schema up to this version, fill missing defaults."""
    from desktop.core import migrate, seed

    state = migrate.state(db.engine)
    if state.needs_upgrade:
        migrate.upgrade(db.engine)
    seed.ensure_seeded(db)


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
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".partial-", suffix=".sqlite", dir=dst.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        target = make_engine(db_url(str(tmp)))
        try:
            migrate.upgrade(target)
            _copy_rows(db.engine, target)
        finally:
            target.dispose()
        with contextlib.suppress(OSError):
            for extra in (Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
                extra.unlink(missing_ok=True)
        conn = sqlite3.connect(str(tmp))
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        os.chmod(dst, 0o600)
    return dst


def _copy_from_sqlite(src: Path, db: Database) -> None:
    """Replace every row of ``db`` (PostgreSQL) with the rows of the SQLite backup ``src``."""
    from desktop.core import migrate
    from desktop.core.db import make_engine
    from desktop.core.paths import db_url

    staged_dir = Path(tempfile.mkdtemp(prefix="cipdesk-restore-"))
    staged = staged_dir / "backup.sqlite"
    try:
        sqlite_backup(src, staged)
        source = make_engine(db_url(str(staged)))
        try:
            if migrate.state(source).needs_upgrade:
                migrate.upgrade(source)
            if migrate.state(db.engine).needs_upgrade:
                migrate.upgrade(db.engine)
            _copy_rows(source, db.engine, replace=True)
        finally:
            source.dispose()
    finally:
        for p in staged_dir.iterdir():
            with contextlib.suppress(OSError):
                p.unlink()
        with contextlib.suppress(OSError):
            staged_dir.rmdir()


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

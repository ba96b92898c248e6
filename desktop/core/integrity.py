"""Is the database file sound? SQLite's ``PRAGMA quick_check`` on start, ``integrity_check`` on demand.

A PostgreSQL server looks after its own storage; the checks report it as sound.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.db import Database, connect_read_only

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked: str = "quick"  # "quick" or "full"
    path: Path | None = None

    def message(self) -> str:
        """A plain sentence (and the first few problems) for the window and the command line."""
        where = self.path.name if self.path else "The database"
        if self.ok:
            what = "full integrity check" if self.checked == "full" else "quick check"
            return f"{where} passed SQLite's {what}: no damage found."
        shown = "; ".join(self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        return (
            f"{where} is damaged: SQLite's check found problems ({shown}{more}). "
            "Restore the latest good backup; until then, do not make changes."
        )


def check_file(path: Path, *, full: bool = False, limit: int = 20) -> CheckResult:
    """Check a SQLite file without changing it.

    Only SQLite reads the file, through a read-only connection (never Python's ``open()``, which
    would drop this process's SQLite locks when the database is open here too).
    """
    pragma = "integrity_check" if full else "quick_check"
    kind = "full" if full else "quick"
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return CheckResult(False, [f"cannot read the file: {exc.strerror}"], kind, path)
    if size == 0:
        return CheckResult(True, [], kind, path)
    try:
        conn = connect_read_only(path)
        try:
            raw = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            return CheckResult(False, ["the file is not a SQLite database"], kind, path)
        return CheckResult(False, [str(exc)], kind, path)
    rows = [line.strip() for text in raw for line in text.splitlines()]
    rows = [line for line in rows if line and not line.startswith("***")] or raw
    ok = rows == ["ok"]
    if not ok:
        log.warning("integrity %s check failed for %s: %s", kind, path.name, rows[:3])
    return CheckResult(ok, [] if ok else rows, kind, path)


def quick_check(db: Database) -> CheckResult:
    """The start-up check (fast: no index cross-checks)."""
    return _check(db, full=False)


def integrity_check(db: Database) -> CheckResult:
    """The full check, on demand (File > Check database)."""
    return _check(db, full=True)


def _check(db: Database, *, full: bool) -> CheckResult:
    kind = "full" if full else "quick"
    path = db.sqlite_path
    if path is None:
        return CheckResult(True, [], kind, None)
    return check_file(path, full=full)

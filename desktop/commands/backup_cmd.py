"""``cipdesk backup OUT.sqlite``: a consistent copy of the database (SQLite online backup API).

The copy is checked with SQLite's full integrity check before it is reported good. A PostgreSQL
database is copied row by row into a new SQLite file of the same schema.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url


def _fail(message: str) -> int:
    print(f"cipdesk backup: {message}", file=sys.stderr)
    return 2


def run(args: Any) -> int:
    from desktop.core import backup, integrity
    from desktop.core.output_paths import OutputPathError, check_output_path

    try:
        out = check_output_path(args.out, example_name="cipdesk-backup.sqlite")
    except OutputPathError as exc:
        return _fail(f"{exc} Nothing was backed up.")
    url = args.db_url
    if url.startswith("sqlite"):
        name = make_url(url).database
        if not name or name == ":memory:":
            return _fail("an in-memory database cannot be backed up.")
        live = Path(name)
        if not live.exists() or live.stat().st_size == 0:
            return _fail(f"there is no database at {live}; nothing was backed up.")
        own = {live.resolve()} | {live.resolve().with_name(live.name + s) for s in ("-wal", "-shm", ".lock")}
        if out.exists() and out.resolve() in own:
            return _fail("the backup cannot replace the database itself; choose another file.")
        source_check = integrity.check_file(live)
        if any("locked" in p or "busy" in p for p in source_check.problems):
            return _fail(
                "the database is busy: another program holds it locked. Wait a moment and try again; "
                "nothing was backed up."
            )
        backup._atomic_sqlite_backup(live, out)
    else:
        from desktop.core.startup import open_database

        db = open_database(url, migrate_now=False)
        try:
            backup.backup_to(db, out)
        finally:
            db.dispose()
        source_check = integrity.CheckResult(True)
    copy_check = integrity.check_file(out, full=True)
    if not source_check.ok or not copy_check.ok:
        problems = "; ".join((source_check.problems or copy_check.problems)[:3])
        return _fail(
            f"the database is damaged ({problems}). A copy was written to {out}, but it may be "
            "damaged too: restore the latest good backup with 'cipdesk restore FILE'."
        )
    info = backup.inspect_backup(out)
    people = "1 officer" if info.officers == 1 else f"{info.officers:,} officers"
    duty = f"latest duty {info.latest_duty:%d/%m/%Y}" if info.latest_duty else "no duties"
    print(f"Backed up to {out}: {people}, {duty}; the copy passed SQLite's integrity check.")
    return 0

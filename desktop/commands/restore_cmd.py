"""``cipdesk restore IN.sqlite``: replace the database with a backup.

The file must be an undamaged CiP Desk database of a version this program can open; the current
database is backed up first; the window must not be open on it (the single-writer lock).
Exit 0 restored; 2 refused, nothing changed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url


def _fail(message: str) -> int:
    print(f"cipdesk restore: {message}", file=sys.stderr)
    return 2


def run(args: Any) -> int:
    from desktop.core import backup, instance_lock
    from desktop.core.errors import DatabaseOpenError
    from desktop.core.startup import open_database

    src = Path(args.src).expanduser()
    url = args.db_url
    try:
        backup.inspect_backup(src)
    except (backup.RestoreError, DatabaseOpenError) as exc:
        return _fail(str(exc))
    if url.startswith("sqlite"):
        name = make_url(url).database
        if not name or name == ":memory:":
            return _fail("an in-memory database cannot be restored into.")
        live = Path(name)
        lock = instance_lock.InstanceLock(live, what="cipdesk restore")
        try:
            lock.acquire()
        except instance_lock.DatabaseInUse as exc:
            return _fail(exc.for_command())
        try:
            result = backup.restore_sqlite_file(live, src)
            db = open_database(url)  # brings an older backup up to this version
            db.close()
        finally:
            lock.release()
        where = str(live)
    else:
        db = open_database(url)
        try:
            result = backup.restore(db, src)
        finally:
            db.dispose()
        where = make_url(url).render_as_string(hide_password=True)
    print(f"Restored {where} from the {result.info.describe()}.")
    if result.safety_backup is not None:
        print(f"The database as it was before is kept in {result.safety_backup}.")
    return 0

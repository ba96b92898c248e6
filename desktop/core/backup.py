"""Backups of the SQLite database with the online backup API (never a plain copy of a live file)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from desktop.core.db import Database, sqlite_backup

log = logging.getLogger(__name__)


def backup_folder(db: Database) -> Path:
    """The folder from settings (``backup_folder``), else ``backups`` in the user's data folder."""
    from desktop.core import settings
    from desktop.core.paths import default_backup_dir

    configured = settings.get(db, "backup_folder")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return default_backup_dir()


def backup_before(db: Database, why: str) -> Path | None:
    """A safety backup before risky work (import, undo, restore). None for non-SQLite databases."""
    src = db.sqlite_path
    if src is None or not src.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dst = backup_folder(db) / f"{src.stem}-before-{why}-{stamp}.sqlite"
    sqlite_backup(src, dst)
    log.info("backup before %s: %s", why, dst)
    return dst

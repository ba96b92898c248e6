"""Logging to a rotating file in the user's log folder, readable by its user only.

Log lines name officers by collar number at most, never by name or contact details, and never show
a database password (every URL's password is written as ***).
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

_configured = False
_path: Path | None = None


class _PrivateRotatingFileHandler(RotatingFileHandler):
    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        try:
            os.chmod(self.baseFilename, 0o600)
        except OSError:
            pass
        return stream


class _HidePasswords(logging.Formatter):
    """The usual line, with any database password in the message or its traceback hidden."""

    def format(self, record: logging.LogRecord) -> str:
        from desktop.core.errors import hide_passwords

        return hide_passwords(super().format(record))


def setup(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send log records to ``cipdesk.log`` (1 MB x 5). Returns the file, or None if unwritable."""
    global _configured, _path
    if _configured:
        return None
    from desktop.core.paths import log_dir

    # A log that cannot be written (a full disk) must never print its own traceback.
    logging.raiseExceptions = False
    try:
        folder = folder or log_dir()
        path = folder / "cipdesk.log"
        handler = _PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(_HidePasswords("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
    _path = path
    return path


def log_file() -> Path | None:
    """The log file in use (None before ``setup``, or when it could not be made)."""
    return _path

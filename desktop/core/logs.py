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


def redacted_traceback(exc: BaseException) -> str:
    """``exc``'s traceback for the log, without the exception messages: a message can quote a cell or
    a record (a name, a phone number), and the log must not hold personal data. The frames (file,
    line, code) and the exception types are kept, which is what finding the fault needs."""
    import traceback

    chain: list[traceback.TracebackException] = []
    te: traceback.TracebackException | None = traceback.TracebackException.from_exception(exc)
    while te is not None and len(chain) < 10:
        chain.append(te)
        te = te.__cause__ or (None if te.__suppress_context__ else te.__context__)
    parts = []
    for link in reversed(chain):
        kind = getattr(link, "exc_type_str", None) or getattr(link.exc_type, "__qualname__", "Exception")
        parts.append(
            "Traceback (most recent call last):\n"
            + "".join(link.stack.format())
            + f"{kind} (message not logged: it may quote personal data)\n"
        )
    return "\nThe above led to:\n\n".join(parts)


def log_file() -> Path | None:
    """The log file in use (None before ``setup``, or when it could not be made)."""
    return _path

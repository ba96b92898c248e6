"""Errors a user can meet, each with a plain sentence for the window and the command line."""

from __future__ import annotations


class CipDeskError(Exception):
    """A failure with a message fit to show a CiP officer as it is."""


class DatabaseOpenError(CipDeskError):
    """The database cannot be opened (not ours, not SQLite, a folder, an unreachable server)."""


class NewerDatabaseError(DatabaseOpenError):
    """The database was made by a newer CiP Desk; it is left untouched."""


class ValidationError(CipDeskError):
    """Bad input to a service. ``errors`` maps a field name to the reason, for the dialog."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class ConflictError(CipDeskError):
    """Someone else saved the record since it was read (optimistic locking)."""


class NotFoundError(CipDeskError):
    """The record asked for does not exist (any more)."""


def plain_message(exc: BaseException) -> str | None:
    """A plain sentence for known operational failures, else None (an unexpected bug)."""
    import errno
    import sqlite3

    from sqlalchemy.exc import OperationalError

    if isinstance(exc, CipDeskError):
        return str(exc)
    text = str(exc).lower()
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "The disk is full. Free some space and try again; nothing was saved."
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            where = f" ({exc.filename})" if exc.filename else ""
            return f"CiP Desk may not write to that folder{where}. Choose a folder you can write to."
    if isinstance(exc, OperationalError | sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return (
                "The database is busy: another CiP Desk window or program is saving to it. "
                "Wait a moment and try again."
            )
        if "readonly" in text or "read-only" in text:
            return "The database file is read-only. Check that you may write to its folder."
        if "disk" in text and "full" in text:
            return "The disk is full. Free some space and try again; nothing was saved."
        if "unable to open" in text:
            return "The database file cannot be opened. Check the path and that you may write there."
    return None


class Cancelled(CipDeskError):
    """The user pressed Cancel; the work stopped and nothing was written."""

    def __init__(self, message: str = "Cancelled: nothing was changed."):
        super().__init__(message)

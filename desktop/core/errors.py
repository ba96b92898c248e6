"""Errors a user can meet, each with a plain sentence for the window and the command line."""

from __future__ import annotations

import re


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


_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)
_PASSWORD_WORD = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def hide_passwords(text: str) -> str:
    """``text`` with the password of every URL in it shown as ***
    (``postgresql://cipdesk:***@host/db``), and any ``password=...`` too."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _PASSWORD_WORD.sub(r"\1***", text)


def _server(url: str | None) -> tuple[str, str]:
    """("host:port", the URL without its password) of a database URL, for a message."""
    if not url:
        return "the database server", "the database"
    try:
        from sqlalchemy.engine import make_url

        u = make_url(url)
        host = f"{u.host or 'localhost'}" + (f":{u.port}" if u.port else "")
        return host, u.render_as_string(hide_password=True)
    except Exception:  # not a URL we can read: say it as given, without a password
        return "the database server", hide_passwords(url)


def plain_message(exc: BaseException, *, url: str | None = None) -> str | None:
    """A plain sentence for a failure a user can cause or meet (``url``: the database in use, named
    without its password), else None (an unexpected bug)."""
    import errno
    import sqlite3

    from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError

    if isinstance(exc, CipDeskError):
        return hide_passwords(str(exc))
    text = str(exc).lower()
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory; nothing was saved. Close other programs and try again."
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return f"The disk is full{where}. Free some space and try again; nothing was saved."
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"CiP Desk may not write to that folder{where}. Choose a folder you can write to."
        if exc.errno == errno.ENOENT:
            return f"There is no such file or folder{where}. Check the path."
        if exc.errno == errno.ENOTDIR:
            return f"Part of that path is a file, not a folder{where}. Check the path."
        if exc.errno == errno.EISDIR:
            return f"That is a folder, not a file{where}. Give a file name."
        if exc.strerror:
            return f"The computer could not do it{where}: {exc.strerror}. Nothing was saved."
    if isinstance(exc, NoSuchModuleError) or (isinstance(exc, ArgumentError) and "url" in text):
        return (
            f"{_server(url)[1]} is not a database CiP Desk can use: give a file path, or a PostgreSQL URL "
            "(postgresql+psycopg:// then the user, password, server and database name)."
        )
    if isinstance(exc, DatabaseError | sqlite3.DatabaseError):
        host, where = _server(url)
        if "password authentication failed" in text or "authentication failed" in text:
            return f"The database server {host} refused the user name or password of {where}. Check them."
        if "does not exist" in text and "database" in text:
            return f"The database server {host} has no such database ({where}). Check its name."
        if "could not translate host name" in text or "name or service not known" in text:
            return f"The database server {host} is not known on this network ({where}). Check its name."
        if (
            "connection refused" in text
            or "timeout" in text
            or "could not connect" in text
            or ("connection" in text and "failed" in text)
        ):
            return (
                f"Cannot reach the database server {host} ({where}): it is not running, or not reachable "
                "from this computer. Nothing was changed."
            )
        if "locked" in text or "busy" in text:
            return (
                "The database is busy: another CiP Desk window or program is using it. "
                "Wait a moment and try again; nothing was changed."
            )
        if "readonly" in text or "read-only" in text:
            return "The database file is read-only. Check that you may write to its folder."
        if "disk" in text and "full" in text:
            return "The disk is full. Free some space and try again; nothing was saved."
        if "disk i/o error" in text:
            return (
                "Writing to the disk failed (it may be full); nothing was saved. Free some space and "
                "try again."
            )
        if "unable to open" in text:
            return "The database file cannot be opened. Check the path and that you may write there."
        if "malformed" in text or "not a database" in text or "file is encrypted" in text:
            return (
                "The database file is damaged, or is not a CiP Desk database. Restore the latest good "
                "backup (cipdesk restore FILE); nothing was changed."
            )
    return None


class Cancelled(CipDeskError):
    """The user pressed Cancel; the work stopped and nothing was written."""

    def __init__(self, message: str = "Cancelled: nothing was changed."):
        super().__init__(message)

"""Failures a user can meet get plain sentences; unexpected ones are logged and shown with details."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from desktop.core import logs
from desktop.core.errors import CipDeskError, ValidationError, plain_message


def _wrapped(message: str) -> OperationalError:
    """An sqlite3 error as SQLAlchemy hands it on."""
    return OperationalError("INSERT INTO duties ...", {}, sqlite3.OperationalError(message))


# -- plain_message ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        sqlite3.OperationalError("database or disk is full"),
        _wrapped("database or disk is full"),
    ],
)
def test_disk_full(exc):
    message = plain_message(exc)
    assert message is not None and "disk is full" in message and "nothing was saved" in message


@pytest.mark.parametrize(
    "exc", [sqlite3.OperationalError("database is locked"), _wrapped("database is locked")]
)
def test_locked_database(exc):
    message = plain_message(exc)
    assert message is not None and "busy" in message and "try again" in message


def test_a_really_locked_database_gets_the_plain_sentence(db, db_path):
    other = sqlite3.connect(str(db_path))
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(OperationalError) as info, db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=0")  # do not wait 5 s in a test
            conn.execute(text("UPDATE settings SET value = '\"x\"' WHERE key = 'force_name'"))
            conn.commit()
    finally:
        other.rollback()
        other.close()
    assert "busy" in plain_message(info.value)


@pytest.mark.parametrize("code", [errno.EACCES, errno.EPERM, errno.EROFS])
def test_read_only_folder_names_the_place(code):
    exc = PermissionError(code, os.strerror(code), "/srv/cip/cipdesk.sqlite")
    message = plain_message(exc)
    assert message is not None and "may not write" in message and "/srv/cip/cipdesk.sqlite" in message


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("attempt to write a readonly database"),
        _wrapped("attempt to write a readonly database"),
    ],
)
def test_read_only_database_file(exc):
    assert "read-only" in plain_message(exc)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_a_really_read_only_folder(tmp_path):
    from desktop.core.paths import db_url
    from desktop.core.startup import open_database

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(Exception) as info:
            open_database(db_url(str(folder / "cipdesk.sqlite")))
        assert "may not write" in (plain_message(info.value) or "")
    finally:
        folder.chmod(0o700)


def test_our_own_errors_speak_for_themselves_and_bugs_get_none():
    assert plain_message(CipDeskError("Collar number 4521 is already used.")) == (
        "Collar number 4521 is already used."
    )
    assert "surname" in plain_message(ValidationError({"surname": "Surname is required."}))
    assert plain_message(ValueError("unexpected")) is None
    assert plain_message(KeyError("collar")) is None
    assert plain_message(_wrapped("no such table: officers")) is None


# -- the crash handler ------------------------------------------------------------------------------


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    from desktop.ui import dialogs

    calls: list[dict] = []
    monkeypatch.setattr(
        dialogs,
        "error",
        lambda parent, title, message, details=None: calls.append(
            {"title": title, "text": message, "details": details}
        ),
    )
    return calls


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - we want the traceback
        return caught


def test_an_unexpected_error_is_logged_and_shown_with_details(shown, caplog):
    from desktop.app import _excepthook

    exc = _raise(ZeroDivisionError("hours per duty"))
    with caplog.at_level(logging.ERROR, logger="cipdesk"):
        _excepthook(type(exc), exc, exc.__traceback__)
    (record,) = [r for r in caplog.records if r.name == "cipdesk"]
    assert "ZeroDivisionError" in record.getMessage()
    assert "hours per duty" not in record.getMessage()  # a message may quote personal data
    assert "Traceback" in record.getMessage() and "_raise" in record.getMessage()
    (call,) = shown
    assert "Your saved data is safe" in call["text"]
    assert call["details"] and "ZeroDivisionError: hours per duty" in call["details"]
    assert "test_errors.py" in call["details"]


def test_a_known_failure_is_shown_in_plain_words_and_still_logged(shown, caplog):
    from desktop.app import _excepthook

    exc = _raise(OSError(errno.ENOSPC, "No space left on device"))
    with caplog.at_level(logging.WARNING, logger="cipdesk"):
        _excepthook(type(exc), exc, exc.__traceback__)
    (record,) = [r for r in caplog.records if r.name == "cipdesk"]
    assert record.levelno >= logging.WARNING
    assert "OSError" in record.getMessage()  # the kind of failure (the sentence may name officers)
    (call,) = shown
    assert "disk is full" in call["text"]
    assert "Traceback" not in call["text"]


# -- the log file ---------------------------------------------------------------------------------------


@pytest.fixture
def fresh_logging(monkeypatch):
    """logs.setup as on a first start, with the root logger put back afterwards."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    monkeypatch.setattr(logs, "_configured", False)
    yield
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_the_log_file_is_readable_by_its_user_only(tmp_path, fresh_logging):
    path = logs.setup(tmp_path)
    assert path == tmp_path / "cipdesk.log"
    logging.getLogger("cipdesk.test").info("import finished: collar 4521 updated")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "collar 4521 updated" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # a rotated log stays private too
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(path)]
    handler.doRollover()
    for file in (path, tmp_path / "cipdesk.log.1"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    assert logs.setup(tmp_path) is None, "set up once per process"


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path, fresh_logging):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    assert logs.setup(blocker) is None

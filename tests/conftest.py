"""Shared fixtures. Qt runs offscreen so tests need no display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop.core.db import Database, open_database  # noqa: E402
from desktop.core.paths import db_url  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cipdesk.sqlite"


@pytest.fixture
def db(db_path: Path, tmp_path: Path) -> Database:
    """A fresh, migrated and seeded SQLite database in a temporary folder."""
    database = open_database(db_url(str(db_path)), backup_dir=tmp_path / "backups")
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database, qapp):
    from desktop.ui.context import AppContext

    return AppContext(db)


@pytest.fixture(autouse=True)
def _no_real_dialogs(monkeypatch):
    """A test that reaches a real modal dialog would hang: fail loudly instead."""
    from desktop.ui import dialogs

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]!r}")

    for name in ("info", "warn", "error", "confirm", "ask_text", "open_file", "save_file", "open_folder"):
        monkeypatch.setattr(dialogs, name, refuse)

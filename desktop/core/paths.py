"""Where the database, backups and logs live (platformdirs), and how --db is resolved."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "CiPDesk"
APP_AUTHOR = "CiPDesk"


def data_dir_path() -> Path:
    """The user's data folder for CiP Desk (not created)."""
    return user_data_path(APP_NAME, APP_AUTHOR)


def data_dir() -> Path:
    path = data_dir_path()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    path = user_log_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, or bundled by PyInstaller."""
    import sys

    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def program_folder() -> Path:
    """The folder the program runs from (the checkout, or the unpacked application)."""
    import sys

    bundled = getattr(sys, "_MEIPASS", None)
    return Path(bundled).resolve() if bundled else Path(__file__).resolve().parents[2]


def resolve_db(arg: str | None) -> str:
    """``--db``, else ``CIPDESK_DB``, else ``cipdesk.sqlite`` in the user's data folder; as a URL."""
    value = arg or os.environ.get("CIPDESK_DB") or str(data_dir() / "cipdesk.sqlite")
    return db_url(value)


def db_url(value: str) -> str:
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())

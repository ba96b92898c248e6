"""What every tab gets: the database and a bus to say that data changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.db import Database


class AppContext(QObject):
    """``changed`` carries what changed: "officers", "duties", "pathway", "attachments",
    "qualifications", "settings", "imports", "returns" or "all". Tabs refresh on it."""

    changed = Signal(str)

    def __init__(self, db: Database):
        super().__init__()
        self.db = db

    def notify(self, what: str = "all") -> None:
        self.changed.emit(what)

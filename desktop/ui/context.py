"""What every tab gets: the database and a bus to say that data changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.db import Database


class AppContext(QObject):
    """``changed`` carries what changed: "officers", "duties", "pathway", "attachments",
    "qualifications", "settings", "imports", "returns" or "all". Tabs refresh on it.
    ``month_wanted`` carries a month (``YYYY-MM``) the month tabs (Hours, Returns) should show now,
    as after an import: the import's latest month."""

    changed = Signal(str)
    month_wanted = Signal(str)

    def __init__(self, db: Database):
        super().__init__()
        self.db = db

    def notify(self, what: str = "all") -> None:
        self.changed.emit(what)

    def show_month(self, month: str) -> None:
        self.month_wanted.emit(month)

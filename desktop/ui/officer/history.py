"""The History page of an officer's record: rank and status changes, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.core import roster, settings
from desktop.core.domain import STATUS_LABELS
from desktop.core.formats import uk_date
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import sentence
from desktop.ui.officer.page import RecordShownPage
from desktop.ui.officer.record_tables import fill_table, record_table


class HistoryPage(RecordShownPage):
    TITLE = "History"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Rank</b> (newest first)"))
        self.rank_table = record_table(["Rank", "From", "Acting", "Note"])
        layout.addWidget(self.rank_table, 1)
        layout.addWidget(QLabel("<b>Status</b> (newest first)"))
        self.status_table = record_table(["Status", "From", "Reason", "Note"])
        layout.addWidget(self.status_table, 1)
        if officer_id is not None:
            self.refresh()

    def show_record(self, record: roster.OfficerRecord) -> None:
        rank_names = dict(settings.ranks(self.ctx.db))
        fill_table(
            self.rank_table,
            [
                [
                    rank_names.get(h.value, h.value),
                    uk_date(h.effective) or "not dated (since joining)",
                    "Acting" if h.acting else "",
                    h.note or "",
                ]
                for h in reversed(record.rank_history)
            ]
            or [[rank_names.get(record["rank"], record["rank"]), "not dated", "", "no history recorded"]],
        )
        fill_table(
            self.status_table,
            [
                [
                    STATUS_LABELS.get(h.value, h.value),
                    uk_date(h.effective) or "not dated (since joining)",
                    sentence(h.reason or ""),
                    h.note or "",
                ]
                for h in reversed(record.status_history)
            ]
            or [
                [
                    STATUS_LABELS.get(record["status"], record["status"]),
                    "not dated",
                    "",
                    "no history recorded",
                ]
            ],
        )

"""The Legacy fields page of an officer's record: columns of imported spreadsheets that CiP Desk
does not know, kept as they were, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget, QVBoxLayout, QWidget

from desktop.core import roster
from desktop.ui.context import AppContext
from desktop.ui.officer.page import RecordShownPage
from desktop.ui.officer.record_tables import fill_table, record_table
from desktop.ui.widgets import EmptyState


class LegacyFieldsPage(RecordShownPage):
    """The fields in a table, or a sentence saying why there are none. ``table`` is None then."""

    TITLE = "Legacy fields"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.table: QTableWidget | None = None
        self.body: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        if officer_id is not None:
            self.refresh()

    def title(self) -> str:
        fields = self.officer_record.legacy_fields if self.officer_record is not None else []
        return f"{self.TITLE} ({len(fields)})" if fields else self.TITLE

    def show_record(self, record: roster.OfficerRecord) -> None:
        if self.body is not None:
            self.body.setParent(None)
            self.body.deleteLater()
        self.body = self._fields(record) if record.legacy_fields else self._none()
        self._layout.addWidget(self.body)

    def _none(self) -> QWidget:
        self.table = None
        return EmptyState(
            "No legacy fields. Columns of an imported spreadsheet that CiP Desk does not know are "
            "kept here, read-only, so nothing from the old roster is lost."
        )

    def _fields(self, record: roster.OfficerRecord) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(
            QLabel("Columns from imported spreadsheets that CiP Desk does not know, kept as they were.")
        )
        self.table = record_table(["Column", "Value"])
        fill_table(self.table, [[name, value or ""] for name, value in record.legacy_fields])
        layout.addWidget(self.table, 1)
        return body

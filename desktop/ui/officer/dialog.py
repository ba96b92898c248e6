"""One officer's record: a heading, then its pages (Details, History, Audit, Legacy fields,
Pathway, Qualifications, Attachments, Duties), then Record leaving, Save and Cancel.

Every page follows the one protocol of desktop/ui/officer/page.py; the dialog builds them, loads
the officer into each, and asks them whether anything is unsaved. This module is also the one way
to reach an officer from anywhere in the window:

    open_officer(parent, ctx, officer_id)   # True if anything was saved
    new_officer(parent, ctx)                # the new officer's id, or None
    record_leaving_dialog(parent, ctx, officer_id)
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.core import roster
from desktop.core.domain import STATUS_LABELS
from desktop.core.errors import NotFoundError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.officer.attachments_page import OfficerAttachmentsPage
from desktop.ui.officer.audit import AuditPage
from desktop.ui.officer.details import DetailsPage
from desktop.ui.officer.duties_page import OfficerDutiesPage
from desktop.ui.officer.fields import display_name
from desktop.ui.officer.history import HistoryPage
from desktop.ui.officer.leaving import record_leaving_dialog
from desktop.ui.officer.legacy import LegacyFieldsPage
from desktop.ui.officer.page import RecordPage
from desktop.ui.officer.pathway_page import OfficerPathwayPage
from desktop.ui.officer.qualifications_page import OfficerQualificationsPage
from desktop.ui.widgets import fit_to_screen

__all__ = ["OfficerDialog", "new_officer", "open_officer", "record_leaving_dialog"]

# The pages after Details, in their order; an officer not saved yet has Details only.
RECORD_PAGES: tuple[type[RecordPage], ...] = (
    HistoryPage,
    AuditPage,
    LegacyFieldsPage,
    OfficerPathwayPage,
    OfficerQualificationsPage,
    OfficerAttachmentsPage,
    OfficerDutiesPage,
)


class OfficerDialog(QDialog):
    """Add (``officer_id`` None) or edit one officer."""

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.record_pages: dict[str, RecordPage] = {}
        self.setMinimumSize(760, 520)
        self.resize(fit_to_screen(QSize(980, 720), self))
        self.details = DetailsPage(ctx, parent=self)
        self.details.officer_id = officer_id
        self._build()
        if officer_id is not None:
            self.load()
        else:
            self.setWindowTitle("New officer")
            self.heading.setText("New officer")
            self.sub_heading.setText("Collar number and surname are required; everything else can wait.")
            self.details.start_new()
        self.details.collar.setFocus()

    @property
    def officer_id(self) -> int | None:
        return self.details.officer_id

    @property
    def record(self) -> roster.OfficerRecord | None:
        return self.details.officer_record

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sub_heading = QLabel()
        self.sub_heading.setStyleSheet("color: #555555;")
        self.sub_heading.setWordWrap(True)
        outer.addWidget(self.heading)
        outer.addWidget(self.sub_heading)

        self.pages = QTabWidget()
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.details.general_error)
        self.pages.addTab(self.details, self.details.title())
        self.details.record_saved.connect(self._details_saved)
        self.details.reload_wanted.connect(self.load)
        self.details.errors_shown.connect(self._show_details)

        buttons = QHBoxLayout()
        self.leave_button = QPushButton("Record leaving…")
        self.leave_button.setToolTip("The officer left: record the date and reason (nothing is deleted)")
        self.leave_button.setAutoDefault(False)
        self.leave_button.clicked.connect(self.record_leaving)
        self.leave_button.setVisible(False)
        buttons.addWidget(self.leave_button)
        buttons.addStretch(1)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_and_close)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_and_close)

    def _build_record_pages(self) -> None:
        for cls in RECORD_PAGES:
            page = cls(self.ctx, parent=self)
            page.changed.connect(self._after_page_change)
            self.record_pages[cls.TITLE] = page
            self.pages.addTab(page, page.title())

    def all_pages(self) -> list[RecordPage]:
        return [self.details, *self.record_pages.values()]

    # -- loading ---------------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read the officer from the database and show it on every page."""
        assert self.officer_id is not None
        record = roster.get_officer(self.ctx.db, self.officer_id)
        self._show_heading(record)
        self.details.load(record)
        self.leave_button.setVisible(record["status"] != "left")
        if not self.record_pages:
            self._build_record_pages()
        for page in self.record_pages.values():
            page.load(record)
            self.pages.setTabText(self.pages.indexOf(page), page.title())

    def _show_heading(self, record: roster.OfficerRecord) -> None:
        values = record.values
        name = display_name(values)
        self.setWindowTitle(f"Officer {values['collar']} – {name}")
        self.heading.setText(f"{values['collar']}  {name}")
        when = ""
        if record.updated_at:
            when = roster.local_time(record.updated_at).strftime("%d/%m/%Y %H:%M")
        known = f"Known as {values['preferred_name']}.  " if values.get("preferred_name") else ""
        self.sub_heading.setText(
            f"{known}{self.details.rank_names.get(values['rank'], values['rank'])}, "
            f"{STATUS_LABELS.get(values['status'], values['status'])}.  "
            f"Last changed {when} by {record.updated_by or 'unknown'}."
        )

    def _after_page_change(self) -> None:
        """A page saved something that may have touched the officer row: Details follows it."""
        assert self.officer_id is not None
        self.details.follow(roster.get_officer(self.ctx.db, self.officer_id))
        self.ctx.notify("officers")

    def _show_details(self) -> None:
        self.pages.setCurrentWidget(self.details)

    def _details_saved(self) -> None:
        self.saved = True
        self.ctx.notify("officers")

    # -- state and actions -----------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return any(page.is_dirty() for page in self.all_pages())

    def save(self) -> bool:
        """Save every page's edits (only Details holds any); reasons show beside their fields.
        True when saved."""
        return all(page.save() for page in self.all_pages())

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def record_leaving(self) -> None:
        if self.record is None:
            return
        if self.is_dirty():
            if not dialogs.confirm(
                self,
                "Save changes first?",
                "You have changes that are not saved. Save them before recording leaving?",
                default_yes=True,
            ):
                return
            if not self.save():
                return
        assert self.record is not None
        record = record_leaving_dialog(self, self.ctx, self.record.id, version=self.record.version)
        if record is not None:
            self.saved = True
            self.load()

    def reject(self) -> None:
        if self.is_dirty() and not dialogs.confirm(
            self, "Discard changes?", "You have changes that are not saved. Close and discard them?"
        ):
            return
        super().reject()

    def sizeHint(self) -> QSize:  # noqa: N802
        return fit_to_screen(QSize(980, 720), self)


def open_officer(parent: QWidget | None, ctx: AppContext, officer_id: int | None) -> bool:
    """Show one officer's record (None: a new officer). True if anything was saved."""
    try:
        dialog = OfficerDialog(ctx, officer_id, parent)
    except NotFoundError as exc:
        dialogs.error(
            parent, "Officer not found", f"{exc} Someone may have removed it; the list is refreshed."
        )
        ctx.notify("officers")
        return False
    dialog.exec()
    return dialog.saved


def new_officer(parent: QWidget | None, ctx: AppContext) -> int | None:
    """Add an officer: the new officer's id once saved, else None."""
    dialog = OfficerDialog(ctx, None, parent)
    dialog.exec()
    return dialog.officer_id if dialog.saved else None

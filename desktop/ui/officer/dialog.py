"""One officer's record: add or edit every field, see rank/status history, the audit trail, legacy
fields, and (when colleagues' modules exist) pathway, qualifications, attachments and duties.

    open_officer(parent, ctx, officer_id)   # None: a new officer; True if anything was saved
    record_leaving_dialog(parent, ctx, officer_id)
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import re
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desktop.core import roster, settings
from desktop.core.domain import DRIVING_GRADES, LEAVING_REASONS, STATUS_LABELS, STATUSES
from desktop.core.errors import ConflictError, NotFoundError, ValidationError, plain_message
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.widgets import EmptyState, fit_to_screen

log = logging.getLogger(__name__)

# (page title, module, class) of pages colleagues add to an existing officer's record.
# Each class is constructed as cls(ctx, officer_id, parent); a missing module is skipped.
EXTRA_PAGES: tuple[tuple[str, str, str], ...] = (
    ("Pathway", "desktop.ui.officer.pathway_page", "OfficerPathwayPage"),
    ("Qualifications", "desktop.ui.officer.qualifications_page", "OfficerQualificationsPage"),
    ("Attachments", "desktop.ui.officer.attachments_page", "OfficerAttachmentsPage"),
    ("Duties", "desktop.ui.officer.duties_page", "OfficerDutiesPage"),
)

ERROR_STYLE = "color: #b3261e;"
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def display_name(values: dict[str, Any]) -> str:
    surname, forenames = values.get("surname") or "", values.get("forenames")
    return f"{surname}, {forenames}" if forenames else surname


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(text: str) -> dt.date | None:
    """A date typed by a UK user: ``03/04/2019`` (3 April), ``3/4/19``, ``2019-04-03``, ``3 Apr 2019``.

    Blank is None. Raises ValueError with a sentence to show next to the field."""
    text = text.strip()
    if not text:
        return None
    try:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
        if m:
            day, month, year = (int(g) for g in m.groups())
            if len(m.group(3)) == 2:
                year += 2000 if year <= dt.date.today().year % 100 + 10 else 1900
            return dt.date(year, month, day)
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})", text)
        if m and m.group(2).lower() in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        raise ValueError(f"{text} is not a real date.") from None
    raise ValueError(f"Cannot read {text!r} as a date: write it as dd/mm/yyyy, e.g. 03/04/2019.")


def _calendar_icon() -> QIcon:
    pix = QPixmap(16, 16)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setPen(QPen(QColor("#555555"), 1))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(1, 2, 13, 12)
    p.fillRect(2, 3, 12, 3, QColor("#c0392b"))
    p.setPen(QPen(QColor("#555555"), 1))
    for y in (8, 11):
        for x in (4, 7, 10):
            p.drawPoint(x, y)
            p.drawPoint(x + 1, y)
    p.end()
    return QIcon(pix)


class DateField(QWidget):
    """A date that may be blank: a line edit taking dd/mm/yyyy (placeholder says "not set") with a
    calendar button. ``date()`` raises ValueError for text that is not a date."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("not set (dd/mm/yyyy)")
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip(
            "Type a date as dd/mm/yyyy (or 3 Apr 2019), pick one from the calendar, or leave blank"
        )
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("not set (dd/mm/yyyy)") + 44)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.edit.editingFinished.connect(self._tidy)
        self.button = QToolButton()
        self.button.setIcon(_calendar_icon())
        self.button.setToolTip("Choose from a calendar")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self._pick)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def _tidy(self) -> None:
        """Show a readable date in the house format once typed (3/4/19 -> 03/04/2019)."""
        try:
            value = self.date()
        except ValueError:
            return
        if value is not None and self.edit.text() != format_date(value):
            self.edit.setText(format_date(value))

    def _pick(self) -> None:
        menu = QMenu(self)
        calendar = QCalendarWidget()
        calendar.setGridVisible(True)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        try:
            current = self.date()
        except ValueError:
            current = None
        day = current or dt.date.today()
        calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def chosen(qdate: QDate) -> None:
            self.set_date(dt.date(qdate.year(), qdate.month(), qdate.day()))
            menu.close()

        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self._menu = menu  # keep alive (and reachable from tests)

    def date(self) -> dt.date | None:
        return parse_date(self.edit.text())

    def set_date(self, value: dt.date | None) -> None:
        self.edit.setText(format_date(value))

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt style, for tests
        self.edit.setText(text)


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _with_error(widget: QWidget, error: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(" / ".join(value.splitlines()))
            if len(value) > 60 or "\n" in value:
                item.setToolTip(value)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount() - 1):
        if table.columnWidth(c) > 320:
            table.setColumnWidth(c, 320)


# --------------------------------------------------------------------------------------------------
# Audit wording
# --------------------------------------------------------------------------------------------------

ENTITY_LABELS = {
    "officers": "Record",
    "rank_changes": "Rank history",
    "status_changes": "Status history",
    "legacy_fields": "Legacy field",
    "stages_achieved": "Pathway stage",
    "officer_qualifications": "Qualification",
    "attachments": "Attachment",
    "duties": "Duty",
}
ACTION_WORDS = {"create": "added", "update": "changed", "delete": "removed"}
_HIDDEN_KEYS = {"id", "officer_id", "created_at", "updated_at", "updated_by", "version", "anonymised"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}).*)?$")


class AuditWords:
    """Turns audit events into sentences: field labels, dd/mm/yyyy dates, rank and status names."""

    def __init__(self, rank_names: dict[str, str]):
        self.rank_names = rank_names

    def value(self, field: str | None, text: str | None) -> str:
        if text is None or text == "":
            return "(blank)"
        if field == "rank":
            return self.rank_names.get(text, text)
        if field == "status":
            return STATUS_LABELS.get(text, text)
        m = _ISO_DATE.match(text)
        if m:
            day = f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
            return f"{day} {m.group(4)}:{m.group(5)}" if m.group(4) else day
        return text

    def label(self, key: str) -> str:
        return roster.FIELD_LABELS.get(key, sentence(key.replace("_", " ")))

    def snapshot(self, text: str | None) -> str:
        if not text:
            return ""
        try:
            values = json.loads(text)
        except ValueError:
            return text
        if not isinstance(values, dict):
            return text
        parts = [
            f"{self.label(k)}: {self.value(k, None if v is None else str(v))}"
            for k, v in values.items()
            if k not in _HIDDEN_KEYS and not k.endswith("_id")
        ]
        return "; ".join(parts)

    def describe(self, e: roster.AuditEntry) -> tuple[str, str]:
        """(what, change) for one event."""
        entity = ENTITY_LABELS.get(e.entity, sentence(e.entity.replace("_", " ")))
        if e.action == "update" and e.field:
            what = self.label(e.field) if e.entity == "officers" else f"{entity}: {self.label(e.field)}"
            return what, f"{self.value(e.field, e.old)} → {self.value(e.field, e.new)}"
        if e.entity == "officers" and e.action == "create":
            return "Record created", self.snapshot(e.new)
        word = ACTION_WORDS.get(e.action, e.action)
        return f"{entity} {word}", self.snapshot(e.new if e.action != "delete" else e.old)


# --------------------------------------------------------------------------------------------------
# Leaving
# --------------------------------------------------------------------------------------------------


class LeavingDialog(QDialog):
    """Record that an officer left: date, reason, note. The officer is kept, never deleted."""

    def __init__(self, ctx: AppContext, officer_id: int, version: int | None, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.version = version
        self.record: roster.OfficerRecord | None = None
        self.conflict: str | None = None
        self.setWindowTitle("Record leaving")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Record that <b>{title}</b> left. The record is kept (with its history and hours) and "
            "shows as Left; nothing is deleted."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.date = DateField()
        self.date.set_date(dt.date.today())
        self.reason = QComboBox()
        self.reason.addItem("Choose a reason…", None)
        for reason in LEAVING_REASONS:
            self.reason.addItem(sentence(reason), reason)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional, kept in the audit log")
        self.errors = {name: _error_label() for name in ("left_date", "leaving_reason", "note")}
        form.addRow("Leaving date:", _with_error(self.date, self.errors["left_date"]))
        form.addRow("Reason:", _with_error(self.reason, self.errors["leaving_reason"]))
        form.addRow("Note:", _with_error(self.note, self.errors["note"]))
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton("Record leaving")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(480, self.sizeHint().height())

    def show_errors(self, errors: dict[str, str]) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        for name, text in errors.items():
            label = self.errors.get(name, self.errors["note"])
            label.setText((label.text() + "\n" if label.text() else "") + text)
            label.setVisible(True)
        first = next((n for n in ("left_date", "leaving_reason") if n in errors), None)
        if first == "left_date":
            self.date.setFocus()
        elif first == "leaving_reason":
            self.reason.setFocus()

    def save(self) -> None:
        errors: dict[str, str] = {}
        try:
            when = self.date.date()
        except ValueError as exc:
            when = None
            errors["left_date"] = str(exc)
        if when is None and "left_date" not in errors:
            errors["left_date"] = "Enter the date the officer left."
        reason = self.reason.currentData()
        if not reason:
            errors["leaving_reason"] = "Choose why the officer left."
        if errors or when is None:
            self.show_errors(errors)
            return
        from desktop.ui.widgets import CANCELLED as _CANCELLED
        from desktop.ui.widgets import save_with_lock_reason

        try:
            record = save_with_lock_reason(
                self,
                lambda locked_reason: roster.record_leaving(
                    self.ctx.db,
                    self.officer_id,
                    when,
                    reason,
                    note=self.note.text().strip() or None,
                    version=self.version,
                    locked_reason=locked_reason,
                ),
            )
            if record is _CANCELLED:
                return
            self.record = record
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except ConflictError as exc:
            self.conflict = str(exc)
            self.reject()
            return
        except Exception as exc:
            message = plain_message(exc)
            if message is None:
                raise
            dialogs.error(self, "Cannot record leaving", message)
            return
        self.accept()


def record_leaving_dialog(
    parent: QWidget | None, ctx: AppContext, officer_id: int, *, version: int | None = None
) -> roster.OfficerRecord | None:
    """Ask for leaving date and reason and record it; the new record, or None if nothing changed."""
    try:
        current = roster.get_officer(ctx.db, officer_id)
    except NotFoundError as exc:
        dialogs.error(parent, "Record leaving", str(exc))
        return None
    name = f"{current['collar']} {display_name(current.values)}"
    dlg = LeavingDialog(ctx, officer_id, version if version is not None else current.version, name, parent)
    dlg.exec()
    if dlg.conflict:
        dialogs.error(parent, "Someone else changed this officer", dlg.conflict)
        return None
    if dlg.record is not None:
        ctx.notify("officers")
    return dlg.record


# --------------------------------------------------------------------------------------------------
# The officer dialog
# --------------------------------------------------------------------------------------------------

_FORM_ORDER = (
    "collar",
    "surname",
    "forenames",
    "preferred_name",
    "rank",
    "status",
    "effective",
    "team",
    "station",
    "joined",
    "attested",
    "independent_patrol",
    "left_date",
    "leaving_reason",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "employer",
    "esp",
    "driving",
    "notes",
)


class OfficerDialog(QDialog):
    """Add (``officer_id`` None) or edit one officer."""

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.record: roster.OfficerRecord | None = None
        self.saved = False
        self._loaded: dict[str, Any] = {}
        self.extra_pages: dict[str, QWidget] = {}
        self.ranks = settings.ranks(ctx.db)
        self.rank_names = dict(self.ranks)
        self.setMinimumSize(760, 520)
        self.resize(fit_to_screen(QSize(980, 720), self))
        self._build()
        if officer_id is not None:
            self.load()
        else:
            self.setWindowTitle("New officer")
            self.heading.setText("New officer")
            self.sub_heading.setText("Collar number and surname are required; everything else can wait.")
            self.status.setCurrentIndex(self.status.findData("active"))
            self._loaded = self._raw()
            self._sync_enabled()
        self.collar.setFocus()

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
        self.general_error = _error_label()
        outer.addWidget(self.general_error)

        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self._build_details()

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

    def _field(self, form: QFormLayout, name: str, widget: QWidget, label: str | None = None) -> None:
        error = _error_label()
        self.errors[name] = error
        self.widgets[name] = widget
        form.addRow((label or roster.FIELD_LABELS[name]) + ":", _with_error(widget, error))

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return form

    def _build_details(self) -> None:
        page = QWidget()
        columns = QHBoxLayout(page)

        left = QVBoxLayout()
        who = QGroupBox("Officer")
        form = self._form(who)
        self.collar = QLineEdit()
        self.collar.setMaxLength(32)
        self.collar.setPlaceholderText("e.g. 4521 or SC0452")
        self._field(form, "collar", self.collar)
        self.surname = QLineEdit()
        self.surname.setMaxLength(120)
        self._field(form, "surname", self.surname)
        self.forenames = QLineEdit()
        self.forenames.setMaxLength(160)
        self._field(form, "forenames", self.forenames)
        self.preferred_name = QLineEdit()
        self.preferred_name.setMaxLength(80)
        self.preferred_name.setPlaceholderText("if different, e.g. Bob")
        self._field(form, "preferred_name", self.preferred_name)
        self.rank = QComboBox()
        for code, name in self.ranks:
            self.rank.addItem(name, code)
        self._field(form, "rank", self.rank)
        self.status = QComboBox()
        for status in STATUSES:
            self.status.addItem(STATUS_LABELS.get(status, status), status)
        self._field(form, "status", self.status)

        # Shown when an existing officer's rank or status changes: from when, acting, why.
        self.change_box = QFrame()
        self.change_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.change_box.setStyleSheet("QFrame#change { background: #eef4fb; border-radius: 4px; }")
        self.change_box.setObjectName("change")
        change = QFormLayout(self.change_box)
        change.setContentsMargins(8, 6, 8, 6)
        self.change_label = QLabel()
        self.change_label.setWordWrap(True)
        change.addRow(self.change_label)
        self.effective = DateField()
        self.effective_error = _error_label()
        self.errors["effective"] = self.effective_error
        self.widgets["effective"] = self.effective
        change.addRow("Effective from:", _with_error(self.effective, self.effective_error))
        self.acting = QCheckBox("Acting rank (temporary promotion)")
        change.addRow("", self.acting)
        self.change_reason = QLineEdit()
        self.change_reason.setPlaceholderText("optional, kept in the history and audit log")
        change.addRow("Note:", self.change_reason)
        self.change_box.setVisible(False)
        form.addRow(self.change_box)

        self.team = self._suggest_combo("team")
        self._field(form, "team", self.team)
        self.station = self._suggest_combo("station")
        self._field(form, "station", self.station)
        left.addWidget(who)

        service = QGroupBox("Service")
        form = self._form(service)
        self.joined = DateField()
        self._field(form, "joined", self.joined)
        self.attested = DateField()
        self._field(form, "attested", self.attested)
        self.independent_patrol = DateField()
        self._field(form, "independent_patrol", self.independent_patrol)
        self.left_date = DateField()
        self._field(form, "left_date", self.left_date, "Left on")
        self.leaving_reason = QComboBox()
        self.leaving_reason.addItem("", None)
        for reason in LEAVING_REASONS:
            self.leaving_reason.addItem(sentence(reason), reason)
        self._field(form, "leaving_reason", self.leaving_reason)
        left.addWidget(service)
        left.addStretch(1)

        right = QVBoxLayout()
        personal = QGroupBox("Personal and contact")
        form = self._form(personal)
        self.date_of_birth = DateField()
        self._field(form, "date_of_birth", self.date_of_birth)
        self.phone = QLineEdit()
        self.phone.setMaxLength(40)
        self._field(form, "phone", self.phone)
        self.email = QLineEdit()
        self.email.setMaxLength(160)
        self._field(form, "email", self.email)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self._field(form, "address", self.address)
        right.addWidget(personal)

        work = QGroupBox("Employer and driving")
        form = self._form(work)
        self.employer = QLineEdit()
        self.employer.setMaxLength(160)
        self._field(form, "employer", self.employer)
        self.esp = QCheckBox("Employer Supported Policing (paid time for duty)")
        self._field(form, "esp", self.esp, "ESP")
        self.driving = QComboBox()
        self.driving.addItem("Not recorded", None)
        for grade in DRIVING_GRADES:
            self.driving.addItem(sentence(grade), grade)
        self._field(form, "driving", self.driving, "Driving grade")
        right.addWidget(work)

        notes_box = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.widgets["notes"] = self.notes
        self.errors["notes"] = _error_label()
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.errors["notes"])
        right.addWidget(notes_box, 1)

        columns.addLayout(left, 11)
        columns.addLayout(right, 9)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.pages.addTab(scroll, "Details")

        self.rank.currentIndexChanged.connect(self._sync_enabled)
        self.status.currentIndexChanged.connect(self._sync_enabled)

        # Tab order follows the form: left column, then right.
        chain = [
            self.collar,
            self.surname,
            self.forenames,
            self.preferred_name,
            self.rank,
            self.status,
            self.effective.edit,
            self.acting,
            self.change_reason,
            self.team,
            self.station,
            self.joined.edit,
            self.attested.edit,
            self.independent_patrol.edit,
            self.left_date.edit,
            self.leaving_reason,
            self.date_of_birth.edit,
            self.phone,
            self.email,
            self.address,
            self.employer,
            self.esp,
            self.driving,
            self.notes,
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _suggest_combo(self, column: str) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItem("")
        combo.addItems(roster.distinct_values(self.ctx.db, column))
        combo.setCurrentIndex(0)
        combo.lineEdit().setMaxLength(120)
        combo.lineEdit().setPlaceholderText("choose or type")
        completer = combo.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        return combo

    # -- loading --------------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read the officer from the database and show every page."""
        assert self.officer_id is not None
        self.record = roster.get_officer(self.ctx.db, self.officer_id)
        values = self.record.values
        name = display_name(values)
        self.setWindowTitle(f"Officer {values['collar']} – {name}")
        self.heading.setText(f"{values['collar']}  {name}")
        when = ""
        if self.record.updated_at:
            when = roster.local_time(self.record.updated_at).strftime("%d/%m/%Y %H:%M")
        known = f"Known as {values['preferred_name']}.  " if values.get("preferred_name") else ""
        self.sub_heading.setText(
            f"{known}{self.rank_names.get(values['rank'], values['rank'])}, "
            f"{STATUS_LABELS.get(values['status'], values['status'])}.  "
            f"Last changed {when} by {self.record.updated_by or 'unknown'}."
        )
        self._set_values(values)
        self.effective.set_date(dt.date.today())
        self.acting.setChecked(False)
        self.change_reason.clear()
        self.clear_errors()
        self._loaded = self._raw()
        self._sync_enabled()
        self.leave_button.setVisible(values["status"] != "left")
        self._build_record_pages()

    def _set_values(self, values: dict[str, Any]) -> None:
        for name in ("collar", "surname", "forenames", "preferred_name", "phone", "email", "employer"):
            widget = self.widgets[name]
            assert isinstance(widget, QLineEdit)
            widget.setText(values.get(name) or "")
            widget.setCursorPosition(0)
        for name in ("address", "notes"):
            widget = self.widgets[name]
            assert isinstance(widget, QPlainTextEdit)
            widget.setPlainText(values.get(name) or "")
        for name in ("joined", "attested", "independent_patrol", "left_date", "date_of_birth"):
            widget = self.widgets[name]
            assert isinstance(widget, DateField)
            widget.set_date(values.get(name))
        self._select(self.rank, values.get("rank"), self.rank_names.get(values.get("rank") or "", None))
        self._select(self.status, values.get("status"), STATUS_LABELS.get(values.get("status") or ""))
        self._select(
            self.leaving_reason, values.get("leaving_reason"), sentence(values.get("leaving_reason") or "")
        )
        self._select(self.driving, values.get("driving"), sentence(values.get("driving") or ""))
        self.team.setEditText(values.get("team") or "")
        self.station.setEditText(values.get("station") or "")
        self.esp.setChecked(bool(values.get("esp")))

    @staticmethod
    def _select(combo: QComboBox, value: Any, label: str | None) -> None:
        index = combo.findData(value)
        if index < 0 and value:  # a value not in today's list (an old rank code): keep it visible
            combo.addItem(label or str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def _build_record_pages(self) -> None:
        while self.pages.count() > 1:
            widget = self.pages.widget(1)
            self.pages.removeTab(1)
            widget.deleteLater()
        self.extra_pages.clear()
        assert self.record is not None and self.officer_id is not None
        self.pages.addTab(self._history_page(), "History")
        self.pages.addTab(self._audit_page(), "Audit")
        legacy_title = (
            f"Legacy fields ({len(self.record.legacy_fields)})"
            if self.record.legacy_fields
            else "Legacy fields"
        )
        self.pages.addTab(self._legacy_page(), legacy_title)
        for title, module, cls_name in EXTRA_PAGES:
            try:
                mod = importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
                continue
            page = getattr(mod, cls_name)(self.ctx, self.officer_id, self)
            if hasattr(page, "changed"):
                page.changed.connect(self._after_page_change)
            self.extra_pages[title] = page
            self.pages.addTab(page, title)

    def _after_page_change(self) -> None:
        """A page saved something that may have touched the officer row (recording attestation or
        independent patrol keeps those dates in step): take the new version, so the next Save is not
        refused as a conflict, and show the new dates without losing the user's unsaved edits."""
        assert self.officer_id is not None
        dirty = self.is_dirty()
        fresh = roster.get_officer(self.ctx.db, self.officer_id)
        self.record = fresh
        if not dirty:
            self._set_values(fresh.values)
            self._loaded = self._raw()
        else:
            for name in ("attested", "independent_patrol"):
                widget = self.widgets[name]
                assert isinstance(widget, DateField)
                if self._loaded.get(name) == self._raw().get(name):  # the user has not edited it
                    widget.set_date(fresh[name])
                    self._loaded[name] = self._raw()[name]
        self.ctx.notify("officers")

    def _history_page(self) -> QWidget:
        assert self.record is not None
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<b>Rank</b> (newest first)"))
        self.rank_table = _table(["Rank", "From", "Acting", "Note"])
        _fill(
            self.rank_table,
            [
                [
                    self.rank_names.get(h.value, h.value),
                    format_date(h.effective) or "not dated (since joining)",
                    "Acting" if h.acting else "",
                    h.note or "",
                ]
                for h in reversed(self.record.rank_history)
            ]
            or [
                [
                    self.rank_names.get(self.record["rank"], self.record["rank"]),
                    "not dated",
                    "",
                    "no history recorded",
                ]
            ],
        )
        layout.addWidget(self.rank_table, 1)
        layout.addWidget(QLabel("<b>Status</b> (newest first)"))
        self.status_table = _table(["Status", "From", "Reason", "Note"])
        _fill(
            self.status_table,
            [
                [
                    STATUS_LABELS.get(h.value, h.value),
                    format_date(h.effective) or "not dated (since joining)",
                    sentence(h.reason or ""),
                    h.note or "",
                ]
                for h in reversed(self.record.status_history)
            ]
            or [
                [
                    STATUS_LABELS.get(self.record["status"], self.record["status"]),
                    "not dated",
                    "",
                    "no history recorded",
                ]
            ],
        )
        layout.addWidget(self.status_table, 1)
        return page

    def _audit_page(self) -> QWidget:
        assert self.officer_id is not None
        page = QWidget()
        layout = QVBoxLayout(page)
        entries = roster.audit_history(self.ctx.db, self.officer_id)
        words = AuditWords(self.rank_names)
        note = QLabel(f"Every change to this officer, newest first ({len(entries):,}).")
        layout.addWidget(note)
        self.audit_table = _table(["When", "Who", "What", "Change", "Reason"])
        rows = []
        for e in entries:
            what, change = words.describe(e)
            rows.append(
                [roster.local_time(e.at).strftime("%d/%m/%Y %H:%M"), e.user, what, change, e.reason or ""]
            )
        _fill(self.audit_table, rows)
        layout.addWidget(self.audit_table, 1)
        return page

    def _legacy_page(self) -> QWidget:
        assert self.record is not None
        if not self.record.legacy_fields:
            self.legacy_table = None
            return EmptyState(
                "No legacy fields. Columns of an imported spreadsheet that CiP Desk does not know are "
                "kept here, read-only, so nothing from the old roster is lost."
            )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel("Columns from imported spreadsheets that CiP Desk does not know, kept as they were.")
        )
        self.legacy_table = _table(["Column", "Value"])
        _fill(self.legacy_table, [[name, value or ""] for name, value in self.record.legacy_fields])
        layout.addWidget(self.legacy_table, 1)
        return page

    # -- state ----------------------------------------------------------------------------------
    def _raw(self) -> dict[str, Any]:
        """What the form shows, as typed (for 'has anything changed?')."""
        raw: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QLineEdit):
                raw[name] = widget.text().strip()
            elif isinstance(widget, QPlainTextEdit):
                raw[name] = widget.toPlainText().strip()
            elif isinstance(widget, DateField):
                raw[name] = widget.text().strip()
            elif isinstance(widget, QComboBox):
                raw[name] = widget.currentText().strip() if widget.isEditable() else widget.currentData()
            elif isinstance(widget, QCheckBox):
                raw[name] = widget.isChecked()
        raw.pop("effective", None)
        return raw

    def is_dirty(self) -> bool:
        return self._raw() != self._loaded

    def _sync_enabled(self) -> None:
        leaving = self.status.currentData() == "left"
        for widget in (self.left_date, self.leaving_reason):
            widget.setEnabled(leaving)
        if self.record is None:
            self.change_box.setVisible(False)
            return
        rank_changed = self.rank.currentData() != self.record["rank"]
        status_changed = self.status.currentData() != self.record["status"]
        parts = []
        if rank_changed:
            parts.append(f"rank to {self.rank.currentText()}")
        if status_changed and not leaving:
            parts.append(f"status to {self.status.currentText()}")
        self.change_box.setVisible(bool(parts))
        self.acting.setVisible(rank_changed)
        if parts:
            self.change_label.setText(f"Changing {' and '.join(parts)}. From when?")
        if leaving and status_changed and not self.left_date.text():
            self.left_date.set_date(dt.date.today())

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        self.general_error.clear()
        self.general_error.setVisible(False)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each reason in red under its field; the first bad field gets the focus."""
        self.clear_errors()
        general = []
        for name, text in errors.items():
            label = self.errors.get(name)
            if label is None:
                general.append(text)
                continue
            label.setText(text)
            label.setVisible(True)
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.setVisible(True)
        first = next((n for n in _FORM_ORDER if n in errors and n in self.widgets), None)
        if first is not None:
            self.pages.setCurrentIndex(0)
            widget = self.widgets[first]
            if first == "effective":
                self.change_box.setVisible(True)
            widget.setFocus()
            scroll = self.pages.widget(0)
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(widget)

    def _collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values for the service, problems found before asking it)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        raw = self._raw()
        for name in roster.TEXT_FIELDS:
            if name in ("rank", "status", "leaving_reason", "driving"):
                combo = self.widgets[name]
                assert isinstance(combo, QComboBox)
                values[name] = combo.currentData()
            else:
                values[name] = raw.get(name) or None
        for name in roster.DATE_FIELDS:
            field = self.widgets[name]
            assert isinstance(field, DateField)
            try:
                values[name] = field.date()
            except ValueError as exc:
                problems[name] = str(exc)
        values["esp"] = self.esp.isChecked()
        if values["status"] != "left":
            values["left_date"] = None
            values["leaving_reason"] = None
            problems.pop("left_date", None)
        return values, problems

    def _changes(self, values: dict[str, Any]) -> dict[str, Any]:
        assert self.record is not None
        return {k: v for k, v in values.items() if v != self.record.values.get(k)}

    # -- actions ---------------------------------------------------------------------------------
    def save(self) -> bool:
        """Validate and save; errors show beside their fields. True when saved."""
        self.clear_errors()
        values, problems = self._collect()
        effective: dt.date | None = None
        if self.record is not None and self.change_box.isVisible():
            try:
                effective = self.effective.date()
            except ValueError as exc:
                problems["effective"] = str(exc)
            else:
                if effective is None:
                    problems["effective"] = "Enter the date the change takes effect."
        if problems:
            # Show the service's reasons for the other fields too, so the user fixes everything at once.
            readable = {k: v for k, v in values.items() if k not in problems}
            try:
                others = roster.check_officer(
                    self.ctx.db,
                    readable if self.record is None else self._changes(readable),
                    officer_id=None if self.record is None else self.record.id,
                )
            except Exception:  # only a courtesy: the date problems are shown anyway
                others = {}
            self.show_errors({**others, **problems})
            return False
        try:
            if self.record is None:
                from desktop.ui.widgets import CANCELLED as _CANCELLED
                from desktop.ui.widgets import save_with_lock_reason

                new_id = save_with_lock_reason(
                    self,
                    lambda locked_reason: roster.create_officer(
                        self.ctx.db, values, locked_reason=locked_reason
                    ),
                )
                if new_id is _CANCELLED:
                    return False
                self.officer_id = new_id
            else:
                changes = self._changes(values)
                if changes:
                    from desktop.ui.widgets import CANCELLED as _CANCELLED
                    from desktop.ui.widgets import save_with_lock_reason

                    record_id, version = self.record.id, self.record.version
                    record = save_with_lock_reason(
                        self,
                        lambda locked_reason: roster.update_officer(
                            self.ctx.db,
                            record_id,
                            changes,
                            version=version,
                            effective=effective,
                            acting=self.acting.isChecked() and self.acting.isVisible(),
                            reason=self.change_reason.text().strip() or None,
                            locked_reason=locked_reason,
                        ),
                    )
                    if record is _CANCELLED:
                        return False
                    self.record = record
                else:
                    return True
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ConflictError as exc:
            if dialogs.confirm(
                self,
                "Someone else changed this officer",
                f"{exc}\n\nReload the record now? The changes you typed here will be lost; "
                "choose No to keep them on screen (they are not saved).",
                default_yes=True,
            ):
                self.load()
            return False
        except Exception as exc:
            message = plain_message(exc)
            if message is None:
                raise
            dialogs.error(self, "Cannot save the officer", message)
            return False
        self.saved = True
        self.ctx.notify("officers")
        return True

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

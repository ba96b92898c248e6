"""Attachments tab: specialist units with places used and free, each unit's members, requests and
history, Request / Start / End an attachment with the rules checked live, and "Who could join?".

Also the shared pieces the officer's Attachments page uses: :class:`RowsModel`,
:class:`AttachmentDialog`, :class:`EndDialog`, :func:`open_officer`.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import attachments as att
from desktop.core.errors import CipDeskError, ValidationError, plain_message
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import (
    RIGHT_ALIGN,
    Column,
    ListTableModel,
    RowStyle,
    row_table,
    selected_row,
    set_column_widths,
)
from desktop.ui.widgets import (
    CANCELLED,
    ERROR_STYLE,
    HINT_STYLE,
    EmptyState,
    error_label,
    open_officer,
    save_with_lock_reason,
)

OK_STYLE = "color: #1e6b35;"
_GREY = QBrush(QColor("#7a7a7a"))
_RED = QBrush(QColor("#b3261e"))
_AMBER_BG = QBrush(QColor("#fff4d6"))


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(to_qdate(day or dt.date.today()))
    return edit


def show_error(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


def report_error(parent: QWidget, title: str, exc: BaseException) -> None:
    """A known failure in plain words; anything else is a bug and propagates."""
    message = plain_message(exc)
    if message is None:
        raise exc
    dialogs.error(parent, title, message)


# ---------------------------------------------------------------------------------------------
# A small read-only table over a Python list (sorted in Python, no proxy model)
# ---------------------------------------------------------------------------------------------


def make_table(model: ListTableModel) -> QTableView:
    view = row_table(model)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setWordWrap(False)
    return view


def _override_text(row: att.AttachmentRow) -> str:
    return "Yes" if row.override_reason else ""


def _override_tip(row: att.AttachmentRow) -> str | None:
    if not row.override_reason:
        return None
    return f"Overridden by {row.overridden_by or 'unknown'}:\n{row.override_reason}"


def _end_text(row: att.AttachmentRow) -> str:
    if row.end_date is None:
        return ""
    if row.state == "active" and row.end_date <= dt.date.today():
        return f"{format_date(row.end_date)} (due: end it)"
    return format_date(row.end_date)


def attachment_columns(*, unit: bool, officer: bool) -> list[Column]:
    cols: list[Column] = []
    if officer:
        cols += [
            Column("Collar no.", lambda r: r.collar),
            Column("Name", lambda r: r.officer_name),
            Column("Team", lambda r: r.team or ""),
        ]
    if unit:
        cols += [Column("Unit", lambda r: r.unit_name), Column("State", lambda r: r.state_label)]
    cols += [
        Column("Start", lambda r: format_date(r.start_date), sort=lambda r: r.start_date),
        Column(
            "End",
            _end_text,
            sort=lambda r: r.end_date,
            foreground=lambda r: (
                _RED if r.state == "active" and r.end_date and r.end_date <= dt.date.today() else None
            ),
        ),
        Column("Supervisor", lambda r: r.supervisor or ""),
        Column(
            "Override",
            _override_text,
            tip=_override_tip,
            foreground=lambda r: _RED if r.override_reason else None,
        ),
        Column("Note", lambda r: (r.note or "").replace("\n", " · "), tip=lambda r: r.note or None),
    ]
    return cols


# ---------------------------------------------------------------------------------------------
# Request / start dialog
# ---------------------------------------------------------------------------------------------


class AttachmentDialog(QDialog):
    """Request an attachment (or record one already started), start a requested one, or (``correct``)
    put right the dates or supervisor of one entered wrongly, with a reason.

    The rules are checked as the fields change and shown in plain words before saving. When a rule
    fails, saving needs "Override with reason".
    """

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        officer_id: int | None = None,
        unit_id: int | None = None,
        start: dt.date | None = None,
        attachment: att.AttachmentRow | None = None,
        correct: bool = False,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.attachment = attachment
        self.correcting = correct and attachment is not None
        self.starting = attachment is not None and not self.correcting
        self.failures: list[att.RuleFailure] = []
        self.result_row: att.AttachmentRow | None = None
        self.setWindowTitle(
            "Correct attachment"
            if self.correcting
            else "Start attachment"
            if self.starting
            else "Request attachment"
        )
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)

        self.officer = QComboBox()
        self.officer.setEditable(True)
        self.officer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.officer.setMaxVisibleItems(15)
        if attachment is not None:
            self.officer.addItem(f"{attachment.collar}  {attachment.officer_name}", attachment.officer_id)
            self.officer.setEnabled(False)
        else:
            for oid, label in att.officer_choices(ctx.db):
                self.officer.addItem(label, oid)
            self.officer.setCurrentIndex(-1)
            self.officer.lineEdit().setPlaceholderText("Type a collar number or name…")
            if officer_id is not None:
                idx = self.officer.findData(officer_id)
                if idx < 0:  # not serving: still show who it is
                    try:
                        from desktop.core import roster

                        rec = roster.get_officer(ctx.db, officer_id)
                        self.officer.addItem(f"{rec['collar']}  {rec['surname']} (not serving)", officer_id)
                        idx = self.officer.count() - 1
                    except CipDeskError:
                        idx = -1
                self.officer.setCurrentIndex(idx)
                self.officer.setEnabled(idx < 0)
        completer = QCompleter(self.officer.model(), self.officer)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.officer.setCompleter(completer)
        completer.activated.connect(self._completed)
        self.officer.lineEdit().editingFinished.connect(self._settle_officer)
        self.officer_error = error_label()
        form.addRow("&Officer:", self._with_error(self.officer, self.officer_error))

        self.unit = QComboBox()
        units = att.list_units(ctx.db, include_inactive=attachment is not None)
        for u in units:
            free = "no limit" if u.free is None else f"{u.free} of {u.capacity} free"
            self.unit.addItem(f"{u.label} — {free}", u.id)
        if attachment is not None:
            self.unit.setCurrentIndex(self.unit.findData(attachment.unit_id))
            self.unit.setEnabled(False)
        elif unit_id is not None:
            self.unit.setCurrentIndex(max(self.unit.findData(unit_id), 0))
        self.unit_error = error_label()
        form.addRow("&Unit:", self._with_error(self.unit, self.unit_error))

        first = attachment.start_date if attachment is not None else start
        if self.starting and attachment is not None and attachment.start_date > dt.date.today():
            first = dt.date.today()
        self.start = date_edit(first)
        self.start_error = error_label()
        form.addRow("&Start date:", self._with_error(self.start, self.start_error))

        end_row = QHBoxLayout()
        self.has_end = QCheckBox("Ends on")
        self.end = date_edit((first or dt.date.today()) + dt.timedelta(days=90))
        self.end.setEnabled(False)
        self.has_end.toggled.connect(self.end.setEnabled)
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.end, 1)
        if attachment is not None:
            self.has_end.setChecked(attachment.end_date is not None)
            if attachment.end_date:
                self.end.setDate(to_qdate(attachment.end_date))
            self.has_end.setEnabled(self.correcting and attachment.state != "ended")
            self.end.setEnabled(self.correcting and attachment.end_date is not None)
        self.end_error = error_label()
        end_box = QWidget()
        end_layout = QVBoxLayout(end_box)
        end_layout.setContentsMargins(0, 0, 0, 0)
        end_layout.addLayout(end_row)
        end_layout.addWidget(self.end_error)
        form.addRow("End date:", end_box)

        self.supervisor = QLineEdit(attachment.supervisor or "" if attachment else "")
        self.supervisor.setPlaceholderText("Who supervises the attachment in the unit")
        self.supervisor.setMaxLength(120)
        form.addRow("Su&pervisor:", self.supervisor)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(54)
        self.why = QLineEdit()
        self.why.setPlaceholderText("e.g. start date typed wrongly; the unit's record says 03/02/2025")
        self.why.setMaxLength(300)
        self.why_error = error_label()
        if self.correcting:
            form.addRow("&Why correct it:", self._with_error(self.why, self.why_error))
        else:
            form.addRow("&Note:", self.note)
        self.already_started = QCheckBox(
            "Already started: record it as active now (start date today or earlier)"
        )
        if attachment is None:
            form.addRow("", self.already_started)

        rules_frame = QFrame()
        rules_frame.setFrameShape(QFrame.Shape.StyledPanel)
        rules_layout = QVBoxLayout(rules_frame)
        title = QLabel("<b>Requirements check</b>")
        rules_layout.addWidget(title)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.rules.setTextFormat(Qt.TextFormat.RichText)
        self.rules.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rules_layout.addWidget(self.rules)
        self.override = QCheckBox("O&verride with reason (supervisor's decision, recorded and audited)")
        rules_layout.addWidget(self.override)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(
            "Why the rules above are set aside, e.g. approved by the Special Chief Officer"
        )
        self.reason.setEnabled(False)
        rules_layout.addWidget(self.reason)
        self.reason_error = error_label()
        rules_layout.addWidget(self.reason_error)
        self.override.toggled.connect(self._override_toggled)
        layout.addWidget(rules_frame)

        self.form_error = error_label()
        layout.addWidget(self.form_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.recheck)
        self.officer.currentIndexChanged.connect(self._schedule)
        self.officer.editTextChanged.connect(self._schedule)
        self.unit.currentIndexChanged.connect(self._schedule)
        self.start.dateChanged.connect(self._schedule)
        self.end.dateChanged.connect(self._schedule)
        self.has_end.toggled.connect(self._schedule)
        self.already_started.toggled.connect(self._update_button)
        self.recheck()
        if self.officer.isEnabled():
            self.officer.setFocus()
        else:
            self.start.setFocus()
        if self.correcting:
            self.save_button.setToolTip("The old and new values and your reason go to the audit log")

    @staticmethod
    def _with_error(widget: QWidget, label: QLabel) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lay.addWidget(label)
        return box

    # -- values ------------------------------------------------------------------------------------
    def _completed(self, text: str) -> None:
        idx = self.officer.findText(text, Qt.MatchFlag.MatchFixedString)
        if idx >= 0:
            self.officer.setCurrentIndex(idx)

    def _settle_officer(self) -> None:
        """A collar number typed and left: show the officer's full entry."""
        oid = self.officer_id()
        if oid is not None:
            idx = self.officer.findData(oid)
            if idx >= 0 and self.officer.currentText() != self.officer.itemText(idx):
                self.officer.setCurrentIndex(idx)
                self.officer.setEditText(self.officer.itemText(idx))

    def officer_id(self) -> int | None:
        text = self.officer.currentText().strip()
        if not text:
            return None
        idx = self.officer.currentIndex()
        if idx >= 0 and self.officer.itemText(idx).strip() == text:
            return int(self.officer.itemData(idx))
        idx = self.officer.findText(text, Qt.MatchFlag.MatchFixedString)
        if idx < 0:  # a bare collar number typed
            wanted = text.upper().replace(" ", "")
            for i in range(self.officer.count()):
                if self.officer.itemText(i).split("  ", 1)[0] == wanted:
                    idx = i
                    break
        return int(self.officer.itemData(idx)) if idx >= 0 else None

    def unit_id(self) -> int | None:
        data = self.unit.currentData()
        return int(data) if data is not None else None

    def start_date(self) -> dt.date:
        return from_qdate(self.start.date())

    def end_date(self) -> dt.date | None:
        return from_qdate(self.end.date()) if self.has_end.isChecked() else None

    # -- live check --------------------------------------------------------------------------------
    def _schedule(self, *_args: Any) -> None:
        self._timer.start()

    def recheck(self) -> None:
        """Check the rules for what is on screen now and show them."""
        self._timer.stop()
        show_error(self.form_error, None)
        oid, uid = self.officer_id(), self.unit_id()
        start, end = self.start_date(), self.end_date()
        show_error(self.officer_error, None)
        show_error(self.end_error, None)
        if end is not None and end < start:
            show_error(self.end_error, "The end date is before the start date.")
        if self.correcting and self.attachment is not None and self.attachment.state == "ended":
            self.failures = []
            self.rules.setStyleSheet(HINT_STYLE)
            self.rules.setText("This attachment has ended: only its dates are checked, not the unit's rules.")
            self._update_button()
            return
        if oid is None or uid is None:
            self.failures = []
            if self.officer.currentText().strip() and oid is None:
                show_error(self.officer_error, "No serving officer matches: choose one from the list.")
            self.rules.setStyleSheet(HINT_STYLE)
            self.rules.setText(
                "Choose an officer and a unit to see whether they meet the unit's requirements."
            )
            self._update_button()
            return
        try:
            self.failures = att.check_eligibility(
                self.ctx.db,
                oid,
                uid,
                start,
                end,
                ignore_attachment_id=self.attachment.id if self.attachment else None,
            )
        except CipDeskError as exc:
            self.failures = []
            self.rules.setStyleSheet(ERROR_STYLE)
            self.rules.setText(html.escape(str(exc)))
            self._update_button()
            return
        if self.failures:
            n = len(self.failures)
            items = "".join(f"<li>{html.escape(f.message)}</li>" for f in self.failures)
            self.rules.setStyleSheet(ERROR_STYLE)
            self.rules.setText(
                f"Breaks {n} rule{'s' if n != 1 else ''}:<ul style='margin-left:-20px'>{items}</ul>"
                "Change the dates, or a supervisor may override with a reason."
            )
        else:
            self.rules.setStyleSheet(OK_STYLE)
            self.rules.setText(
                f"✓ Meets every requirement of {html.escape(self.unit.currentText().split(' — ')[0])} "
                f"for a start on {att.fmt_date(start)}."
            )
        self._update_button()

    def _override_toggled(self, on: bool) -> None:
        self.reason.setEnabled(on)
        if on:
            self.reason.setFocus()
        show_error(self.reason_error, None)
        self._update_button()

    def _update_button(self, *_args: Any) -> None:
        self.override.setEnabled(bool(self.failures))
        if not self.failures and self.override.isChecked():
            self.override.setChecked(False)
        if self.correcting:
            text = "Save correction"
        elif self.starting:
            text = "Start attachment"
        elif self.already_started.isChecked():
            text = "Record as started"
        else:
            text = "Request attachment"
        if self.failures and self.override.isChecked():
            text += " with override"
        self.save_button.setText(text)

    # -- save ----------------------------------------------------------------------------------------
    def accept(self) -> None:
        self.recheck()
        oid, uid = self.officer_id(), self.unit_id()
        if oid is None:
            show_error(self.officer_error, "Choose an officer from the list (type a collar number or name).")
            self.officer.setFocus()
            return
        if uid is None:
            show_error(self.unit_error, "Choose a unit. Add units in Settings if the list is empty.")
            return
        reason = self.reason.text().strip() if self.override.isChecked() else ""
        if self.failures and not self.override.isChecked():
            show_error(
                self.form_error,
                "Not saved: the attachment breaks the rules above. Fix them, or tick Override and give a reason.",
            )
            return
        if self.failures and not reason:
            show_error(self.reason_error, "An override needs a reason: it is recorded with the attachment.")
            self.reason.setFocus()
            return
        note = self.note.toPlainText().strip() or None
        supervisor = self.supervisor.text().strip() or None
        if self.correcting and not self.why.text().strip():
            show_error(self.why_error, "Say why you are correcting it: the reason is kept in the audit log.")
            self.why.setFocus()
            return
        show_error(self.why_error, None)
        try:
            if self.correcting and self.attachment is not None:
                row, why = self.attachment, self.why.text()
                result = save_with_lock_reason(
                    self,
                    lambda locked: att.correct(
                        self.ctx.db,
                        row.id,
                        start_date=self.start_date(),
                        end_date=self.end_date(),
                        supervisor=supervisor,
                        reason=why,
                        override_reason=reason or None,
                        version=row.version,
                        locked_reason=locked,
                    ),
                )
                if result is CANCELLED:
                    show_error(
                        self.form_error, "Not saved: a signed-off month needs a reason for any change."
                    )
                    return
                self.result_row = result
            else:
                pending = self.attachment
                if pending is not None:
                    result = save_with_lock_reason(
                        self,
                        lambda locked: att.start(
                            self.ctx.db,
                            pending.id,
                            start_date=self.start_date(),
                            supervisor=supervisor,
                            note=note,
                            override_reason=reason or None,
                            version=pending.version,
                            locked_reason=locked,
                        ),
                    )
                else:
                    result = save_with_lock_reason(
                        self,
                        lambda locked: att.request(
                            self.ctx.db,
                            oid,
                            uid,
                            self.start_date(),
                            self.end_date(),
                            supervisor=supervisor,
                            note=note,
                            override_reason=reason or None,
                            active=self.already_started.isChecked(),
                            locked_reason=locked,
                        ),
                    )
                if result is CANCELLED:
                    show_error(
                        self.form_error, "Not saved: a signed-off month needs a reason for any change."
                    )
                    return
                self.result_row = result
        except att.EligibilityError as exc:  # someone saved in between: show the new state
            self.recheck()
            show_error(self.form_error, str(exc).split("\n", 1)[0] + ". See the rules above.")
            return
        except ValidationError as exc:
            targets = {
                "start": self.start_error,
                "end": self.end_error,
                "unit": self.unit_error,
                "reason": self.why_error,
            }
            rest = []
            for key, text in exc.errors.items():
                if key in targets:
                    show_error(targets[key], text)
                else:
                    rest.append(text)
            show_error(self.form_error, " ".join(rest) or None)
            return
        except CipDeskError as exc:
            show_error(self.form_error, str(exc))
            return
        self.ctx.notify("attachments")
        super().accept()


class EndDialog(QDialog):
    """End an active attachment, or withdraw a requested one."""

    def __init__(self, ctx: AppContext, row: att.AttachmentRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.result_row: att.AttachmentRow | None = None
        withdraw = row.state == "requested"
        self.setWindowTitle("Withdraw request" if withdraw else "End attachment")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = "request for" if withdraw else "attachment to"
        intro = QLabel(
            f"{html.escape(row.officer_label)}: {what} {html.escape(row.unit_name)}, "
            f"from {att.fmt_date(row.start_date)}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        today = dt.date.today()
        default = max(today, row.start_date) if withdraw else today
        self.end = date_edit(default)
        self.end_error = error_label()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.end)
        lay.addWidget(self.end_error)
        hint = (
            "The place is free from this date."
            if not withdraw
            else "A request withdrawn before it starts holds no place."
        )
        hint_label = QLabel(hint)
        hint_label.setStyleSheet(HINT_STYLE)
        lay.addWidget(hint_label)
        form.addRow("&End date:" if not withdraw else "&Withdrawn on:", box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why it ended (optional, kept with the attachment)")
        form.addRow("&Note:", self.note)
        self.form_error = error_label()
        layout.addWidget(self.form_error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Withdraw request" if withdraw else "End attachment")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            result = save_with_lock_reason(
                self,
                lambda locked: att.end(
                    self.ctx.db,
                    self.row.id,
                    end_date=from_qdate(self.end.date()),
                    note=self.note.text().strip() or None,
                    version=self.row.version,
                    locked_reason=locked,
                ),
            )
            if result is CANCELLED:
                show_error(self.form_error, "Not saved: a signed-off month needs a reason for any change.")
                return
            self.result_row = result
        except ValidationError as exc:
            show_error(self.end_error, exc.errors.get("end"))
            show_error(self.form_error, " ".join(v for k, v in exc.errors.items() if k != "end") or None)
            return
        except CipDeskError as exc:
            show_error(self.form_error, str(exc))
            return
        self.ctx.notify("attachments")
        super().accept()


# ---------------------------------------------------------------------------------------------
# Who could join?
# ---------------------------------------------------------------------------------------------


def candidate_columns(with_missing: bool) -> list[Column]:
    cols = [
        Column("Collar no.", lambda c: c.collar),
        Column("Name", lambda c: c.name),
        Column("Rank", lambda c: c.rank),
        Column("Team", lambda c: c.team or ""),
    ]
    if with_missing:
        cols.append(
            Column(
                "What is missing", lambda c: c.missing, tip=lambda c: "\n".join(f.message for f in c.failures)
            )
        )
    return cols


class WhoCouldJoinPanel(QWidget):
    """Serving officers who meet every requirement of a unit on a date, and who miss by one rule."""

    def __init__(self, tab: AttachmentsTab):
        super().__init__(tab)
        self.tab = tab
        self.unit_id: int | None = None
        self.result: att.JoinCandidates | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Starting on:"))
        self.on = date_edit()
        self._timer = QTimer(self)  # typing a date changes it digit by digit: wait for a pause
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        self.on.dateChanged.connect(lambda _d: self._timer.start())
        top.addWidget(self.on)
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(lambda: self.on.setDate(to_qdate(dt.date.today())))
        top.addWidget(self.today_button)
        top.addStretch(1)
        self.request_button = QPushButton("Request for selected officer…")
        self.request_button.clicked.connect(self._request)
        top.addWidget(self.request_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.eligible_model = ListTableModel(self, columns=candidate_columns(False))
        self.near_model = ListTableModel(self, columns=candidate_columns(True))
        self.eligible_view = make_table(self.eligible_model)
        self.near_view = make_table(self.near_model)
        self.eligible_title = QLabel()
        self.near_title = QLabel()
        for title, view in ((self.eligible_title, self.eligible_view), (self.near_title, self.near_view)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 4, 0, 0)
            lay.addWidget(title)
            lay.addWidget(view)
            split.addWidget(box)
            view.doubleClicked.connect(lambda _i, v=view: self._open(v))
            view.clicked.connect(lambda _i, v=view: self._clear_other(v))
        set_column_widths(self.eligible_view, (90, 220, 60, 160))
        set_column_widths(self.near_view, (90, 220, 60, 160))
        layout.addWidget(split, 1)

    def _clear_other(self, view: QTableView) -> None:
        other = self.near_view if view is self.eligible_view else self.eligible_view
        other.clearSelection()

    def current(self) -> att.Candidate | None:
        return selected_row(self.eligible_view) or selected_row(self.near_view)

    def set_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id

    def refresh(self) -> None:
        self._timer.stop()
        if self.unit_id is None:
            self.eligible_model.set_rows([])
            self.near_model.set_rows([])
            self.summary.setText("Choose a unit.")
            return
        on = from_qdate(self.on.date())
        result = att.who_could_join(self.tab.ctx.db, self.unit_id, on)
        self.result = result
        self.eligible_model.set_rows(result.eligible)
        self.near_model.set_rows(result.near)
        unit = result.unit.name
        self.eligible_title.setText(f"<b>Meet every requirement ({len(result.eligible)})</b>")
        self.near_title.setText(
            f"<b>Miss by one rule ({len(result.near)})</b> — double-click to open the officer"
        )
        text = (
            f"Of {result.considered} serving officers not already attached to {html.escape(unit)}, "
            f"{len(result.eligible)} could join on {att.fmt_date(on)} and {len(result.near)} miss by one rule."
        )
        if result.full is not None:
            text += (
                f"<br><span style='{ERROR_STYLE}'>{html.escape(result.full.message)} Nobody can join then "
                "without an override; those below who miss only this rule meet every other requirement. "
                "Try a later date, or end an attachment.</span>"
            )
        self.summary.setText(text)

    def _open(self, view: QTableView) -> None:
        cand = selected_row(view)
        if cand is not None and open_officer(self, self.tab.ctx, cand.officer_id):
            self.refresh()

    def _request(self) -> None:
        cand = self.current()
        if cand is None:
            dialogs.info(self, "Request attachment", "Select an officer in one of the lists first.")
            return
        self.tab.request_attachment(officer_id=cand.officer_id, start=from_qdate(self.on.date()))


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


def _places(u: att.UnitInfo) -> str:
    return "no limit" if u.capacity is None else str(u.capacity)


def unit_columns() -> list[Column]:
    return [
        Column(
            "Unit",
            lambda u: u.name + ("" if u.active else " (not in use)"),
            tip=lambda u: u.description or None,
        ),
        Column(
            "Places",
            _places,
            sort=lambda u: u.capacity if u.capacity is not None else 10**9,
            align=RIGHT_ALIGN,
        ),
        Column("Attached", lambda u: str(u.active_count), sort=lambda u: u.active_count, align=RIGHT_ALIGN),
        Column(
            "Requested", lambda u: str(u.requested_count), sort=lambda u: u.requested_count, align=RIGHT_ALIGN
        ),
        Column(
            "Free",
            lambda u: "—" if u.free is None else str(u.free),
            sort=lambda u: u.free if u.free is not None else 10**9,
            align=RIGHT_ALIGN,
            foreground=lambda u: _RED if u.free == 0 else None,
        ),
        Column("Requirements", lambda u: u.requirements_summary(), tip=lambda u: u.requirements_summary()),
    ]


class AttachmentsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.units: list[att.UnitInfo] = []
        self.detail: att.UnitAttachments | None = None
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.empty = EmptyState(
            "No specialist units yet. Add the units where Specials are attached (with their requirements "
            "and places) in Settings, then request attachments here.",
            "Open Settings…",
        )
        if self.empty.button is not None:
            self.empty.button.clicked.connect(self._open_settings)
        self.stack.addWidget(self.empty)

        page = QWidget()
        self.stack.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.request_button = QPushButton("&Request attachment…")
        self.request_button.setToolTip("Request an attachment to the selected unit (Ctrl+N)")
        self.request_button.clicked.connect(lambda: self.request_attachment())
        self.start_button = QPushButton("&Start attachment…")
        self.start_button.setToolTip("Start the selected requested attachment")
        self.start_button.clicked.connect(self.start_selected)
        self.end_button = QPushButton("&End attachment…")
        self.end_button.clicked.connect(self.end_selected)
        self.correct_button = QPushButton("Co&rrect…")
        self.correct_button.setToolTip("Put right the dates or supervisor of the selected attachment")
        self.correct_button.clicked.connect(self.correct_selected)
        self.open_button = QPushButton("&Open officer")
        self.open_button.clicked.connect(self.open_selected)
        self.show_inactive = QCheckBox("Show units not in use")
        self.show_inactive.toggled.connect(lambda _on: self.refresh())
        for w in (
            self.request_button,
            self.start_button,
            self.end_button,
            self.correct_button,
            self.open_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.show_inactive)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        self.unit_model = ListTableModel(self, columns=unit_columns())
        self.unit_model.row_style = RowStyle(foreground=lambda u: None if u.active else _GREY)
        self.unit_view = make_table(self.unit_model)
        set_column_widths(self.unit_view, (250, 70, 75, 85, 60))
        self.unit_view.selectionModel().selectionChanged.connect(lambda *_: self._unit_changed())
        split.addWidget(self.unit_view)

        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 6, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setWordWrap(True)
        rlay.addWidget(self.title)
        self.requirements = QLabel()
        self.requirements.setWordWrap(True)
        rlay.addWidget(self.requirements)
        self.pages = QTabWidget()
        rlay.addWidget(self.pages, 1)
        self.lists: dict[str, tuple[QStackedWidget, ListTableModel, QTableView, EmptyState]] = {}
        for key in ("current", "requested", "history"):
            model = ListTableModel(self, columns=attachment_columns(unit=False, officer=True))
            view = make_table(model)
            set_column_widths(view, (90, 230, 160, 90, 90, 180, 70))
            view.doubleClicked.connect(lambda _i: self.open_selected())
            view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
            empty = EmptyState("")
            stack = QStackedWidget()
            stack.addWidget(empty)
            stack.addWidget(view)
            self.lists[key] = (stack, model, view, empty)
            self.pages.addTab(stack, key.title())
        self.who = WhoCouldJoinPanel(self)
        self.pages.addTab(self.who, "Who could join?")
        self.pages.currentChanged.connect(self._page_changed)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([290, 470])

        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.request_attachment())
        self.refresh()

    # -- data ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.selected_unit_id()
        all_units = att.list_units(self.ctx.db)
        self.units = [u for u in all_units if u.active or self.show_inactive.isChecked() or u.used]
        if not all_units:
            self.stack.setCurrentWidget(self.empty)
            self.detail = None
            return
        self.stack.setCurrentIndex(1)
        self.unit_model.set_rows(self.units)
        row = next((i for i, u in enumerate(self.unit_model.rows) if u.id == keep), 0)
        if self.unit_model.rows:
            self.unit_view.selectRow(row)
        self._unit_changed()

    def selected_unit_id(self) -> int | None:
        unit = selected_row(self.unit_view) if hasattr(self, "unit_view") else None
        return unit.id if unit is not None else None

    def select_unit(self, unit_id: int) -> None:
        for i, u in enumerate(self.unit_model.rows):
            if u.id == unit_id:
                self.unit_view.selectRow(i)
                return

    def _unit_changed(self) -> None:
        unit_id = self.selected_unit_id()
        if unit_id is None:
            self.detail = None
            self.title.setText("Choose a unit")
            self.requirements.clear()
            for stack, model, _view, empty in self.lists.values():
                model.set_rows([])
                empty.set_text("Choose a unit on the left.")
                stack.setCurrentIndex(0)
            self.who.set_unit(None)
            self._update_buttons()
            return
        self.detail = att.unit_attachments(self.ctx.db, unit_id)
        u = self.detail.unit
        places = (
            f"{u.capacity} places: {u.active_count} attached, {u.requested_count} requested, {u.free} free"
            if u.capacity is not None
            else f"No limit on places: {u.active_count} attached, {u.requested_count} requested"
        )
        self.title.setText(html.escape(u.label) + ("" if u.active else " — not in use"))
        needs = u.requirements_summary()
        desc = f"<br>{html.escape(u.description)}" if u.description else ""
        self.requirements.setText(f"{places}.<br>Requires: {html.escape(needs)}.{desc}")
        name = u.name
        texts = {
            "current": f"Nobody is attached to {name} now. Request an attachment with Ctrl+N, "
            "or start a requested one.",
            "requested": f"No requests waiting for {name}. Request an attachment with Ctrl+N.",
            "history": f"No past attachments to {name} yet. Ended attachments are kept here.",
        }
        for key, rows in (
            ("current", self.detail.current),
            ("requested", self.detail.requested),
            ("history", self.detail.history),
        ):
            stack, model, _view, empty = self.lists[key]
            model.set_rows(rows)
            empty.set_text(texts[key])
            stack.setCurrentIndex(1 if rows else 0)
        self.pages.setTabText(0, f"Current members ({len(self.detail.current)})")
        self.pages.setTabText(1, f"Requested ({len(self.detail.requested)})")
        self.pages.setTabText(2, f"History ({len(self.detail.history)})")
        self.who.set_unit(unit_id)
        if self.pages.currentWidget() is self.who:
            self.who.refresh()
        self._update_buttons()

    def _page_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.who:
            self.who.refresh()
        self._update_buttons()

    def current_attachment(self) -> att.AttachmentRow | None:
        page = self.pages.currentWidget()
        for stack, _model, view, _empty in self.lists.values():
            if stack is page:
                row = selected_row(view)
                return row if isinstance(row, att.AttachmentRow) else None
        return None

    def _update_buttons(self) -> None:
        row = self.current_attachment()
        has_units = any(u.active for u in self.units)
        self.request_button.setEnabled(has_units)
        self.start_button.setEnabled(row is not None and row.state == "requested")
        self.end_button.setEnabled(row is not None and row.state != "ended")
        self.correct_button.setEnabled(row is not None)
        self.end_button.setText(
            "&Withdraw request…" if row is not None and row.state == "requested" else "&End attachment…"
        )
        on_who = self.pages.currentWidget() is self.who
        self.open_button.setEnabled(row is not None or on_who)

    # -- actions -------------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.refresh()

    def request_attachment(self, officer_id: int | None = None, start: dt.date | None = None) -> bool:
        unit_id = self.selected_unit_id()
        if unit_id is not None and not any(u.id == unit_id and u.active for u in self.units):
            unit_id = None
        dialog = AttachmentDialog(self.ctx, self, officer_id=officer_id, unit_id=unit_id, start=start)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_row is not None:
            self._changed()
            self.select_unit(dialog.result_row.unit_id)
            return True
        return False

    def start_selected(self) -> None:
        row = self.current_attachment()
        if row is None or row.state != "requested":
            return
        dialog = AttachmentDialog(self.ctx, self, attachment=row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def end_selected(self) -> None:
        row = self.current_attachment()
        if row is None or row.state == "ended":
            return
        if EndDialog(self.ctx, row, self).exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def correct_selected(self) -> None:
        row = self.current_attachment()
        if row is None:
            return
        if (
            AttachmentDialog(self.ctx, self, attachment=row, correct=True).exec()
            == QDialog.DialogCode.Accepted
        ):
            self._changed()

    def open_selected(self) -> None:
        if self.pages.currentWidget() is self.who:
            cand = self.who.current()
            if cand is not None and open_officer(self, self.ctx, cand.officer_id):
                self._changed()
            return
        row = self.current_attachment()
        if row is not None and open_officer(self, self.ctx, row.officer_id):
            self._changed()

    def _open_settings(self) -> None:
        try:
            module = importlib.import_module("desktop.ui.settings.dialog")
        except ModuleNotFoundError:
            dialogs.info(self, "Settings", "Settings are not available yet in this version.")
            return
        module.open_settings(self, self.ctx)
        self.refresh()

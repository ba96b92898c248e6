"""Request an attachment (or record one already started), start a requested one, or put right one
entered wrongly; the unit's rules are checked as the fields change."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core import attachments as att
from desktop.core import roster
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui.attachments.fields import date_edit, from_qdate, show_error, to_qdate
from desktop.ui.context import AppContext
from desktop.ui.widgets import (
    CANCELLED,
    ERROR_STYLE,
    HINT_STYLE,
    NOT_SAVED,
    error_label,
    save_with_lock_reason,
    with_error,
)

OK_STYLE = "color: #1e6b35;"


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
        self._build_officer(form, officer_id)
        self._build_unit(form, unit_id)
        self._build_dates(form, start)
        self._build_details(form)
        layout.addWidget(self._build_rules())
        self._build_buttons(layout)
        self._watch_fields()
        self.recheck()
        if self.officer.isEnabled():
            self.officer.setFocus()
        else:
            self.start.setFocus()
        if self.correcting:
            self.save_button.setToolTip("The old and new values and your reason go to the audit log")

    # -- building ----------------------------------------------------------------------------------
    def _build_officer(self, form: QFormLayout, officer_id: int | None) -> None:
        """The officer: fixed for an attachment on record, else chosen by collar number or name."""
        self.officer = QComboBox()
        self.officer.setEditable(True)
        self.officer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.officer.setMaxVisibleItems(15)
        if self.attachment is not None:
            self.officer.addItem(
                f"{self.attachment.collar}  {self.attachment.officer_name}", self.attachment.officer_id
            )
            self.officer.setEnabled(False)
        else:
            self._offer_officers(officer_id)
        completer = QCompleter(self.officer.model(), self.officer)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.officer.setCompleter(completer)
        completer.activated.connect(self._completed)
        self.officer.lineEdit().editingFinished.connect(self._settle_officer)
        self.officer_error = error_label()
        form.addRow("&Officer:", with_error(self.officer, self.officer_error))

    def _offer_officers(self, officer_id: int | None) -> None:
        """Every serving officer to choose from; ``officer_id`` (even one not serving) chosen already."""
        for oid, label in att.officer_choices(self.ctx.db):
            self.officer.addItem(label, oid)
        self.officer.setCurrentIndex(-1)
        self.officer.lineEdit().setPlaceholderText("Type a collar number or name…")
        if officer_id is None:
            return
        idx = self.officer.findData(officer_id)
        if idx < 0:  # not serving: still show who it is
            try:
                rec = roster.get_officer(self.ctx.db, officer_id)
                self.officer.addItem(f"{rec['collar']}  {rec['surname']} (not serving)", officer_id)
                idx = self.officer.count() - 1
            except CipDeskError:
                idx = -1
        self.officer.setCurrentIndex(idx)
        self.officer.setEnabled(idx < 0)

    def _build_unit(self, form: QFormLayout, unit_id: int | None) -> None:
        self.unit = QComboBox()
        units = att.list_units(self.ctx.db, include_inactive=self.attachment is not None)
        for u in units:
            free = "no limit" if u.free is None else f"{u.free} of {u.capacity} free"
            self.unit.addItem(f"{u.label} — {free}", u.id)
        if self.attachment is not None:
            self.unit.setCurrentIndex(self.unit.findData(self.attachment.unit_id))
            self.unit.setEnabled(False)
        elif unit_id is not None:
            self.unit.setCurrentIndex(max(self.unit.findData(unit_id), 0))
        self.unit_error = error_label()
        form.addRow("&Unit:", with_error(self.unit, self.unit_error))

    def _build_dates(self, form: QFormLayout, start: dt.date | None) -> None:
        """Start date (a request starting later is started today at the earliest) and an optional end."""
        attachment = self.attachment
        first = attachment.start_date if attachment is not None else start
        if self.starting and attachment is not None and attachment.start_date > dt.date.today():
            first = dt.date.today()
        self.start = date_edit(first)
        self.start_error = error_label()
        form.addRow("&Start date:", with_error(self.start, self.start_error))

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

    def _build_details(self, form: QFormLayout) -> None:
        """Supervisor; a note (or, when correcting, why); "already started" for a new one."""
        attachment = self.attachment
        self.supervisor = QLineEdit((attachment.supervisor or "") if attachment else "")
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
            form.addRow("&Why correct it:", with_error(self.why, self.why_error))
        else:
            form.addRow("&Note:", self.note)
        self.already_started = QCheckBox(
            "Already started: record it as active now (start date today or earlier)"
        )
        if attachment is None:
            form.addRow("", self.already_started)

    def _build_rules(self) -> QFrame:
        """The requirements check, and the supervisor's override with its reason."""
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
        return rules_frame

    def _build_buttons(self, layout: QVBoxLayout) -> None:
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

    def _watch_fields(self) -> None:
        """Check the rules again shortly after any field that they depend on changes."""
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
        ready = self._ready_to_save()
        if ready is None:
            return
        try:
            result = save_with_lock_reason(self, self._saving(*ready))
        except att.EligibilityError as exc:  # someone saved in between: show the new state
            self.recheck()
            show_error(self.form_error, str(exc).split("\n", 1)[0] + ". See the rules above.")
            return
        except ValidationError as exc:
            self._show_refusal(exc)
            return
        except CipDeskError as exc:
            show_error(self.form_error, str(exc))
            return
        if result is CANCELLED:
            show_error(self.form_error, NOT_SAVED)
            return
        self.result_row = result
        self.ctx.notify("attachments")
        super().accept()

    def _ready_to_save(self) -> tuple[int, int, str] | None:
        """(officer, unit, override reason) when the form can be saved; else None, the reason shown
        beside the field that needs it."""
        oid, uid = self.officer_id(), self.unit_id()
        if oid is None:
            show_error(self.officer_error, "Choose an officer from the list (type a collar number or name).")
            self.officer.setFocus()
            return None
        if uid is None:
            show_error(self.unit_error, "Choose a unit. Add units in Settings if the list is empty.")
            return None
        reason = self.reason.text().strip() if self.override.isChecked() else ""
        if self.failures and not self.override.isChecked():
            show_error(
                self.form_error,
                "Not saved: the attachment breaks the rules above. Fix them, or tick Override and give a reason.",
            )
            return None
        if self.failures and not reason:
            show_error(self.reason_error, "An override needs a reason: it is recorded with the attachment.")
            self.reason.setFocus()
            return None
        if self.correcting and not self.why.text().strip():
            show_error(self.why_error, "Say why you are correcting it: the reason is kept in the audit log.")
            self.why.setFocus()
            return None
        show_error(self.why_error, None)
        return oid, uid, reason

    def _saving(self, oid: int, uid: int, reason: str) -> Callable[[str | None], att.AttachmentRow]:
        """The service call this dialog makes (correct, start or request), given the reason for a
        signed-off month when one is needed."""
        note = self.note.toPlainText().strip() or None
        supervisor = self.supervisor.text().strip() or None
        override = reason or None
        db = self.ctx.db
        row = self.attachment
        if self.correcting and row is not None:
            why = self.why.text()
            return lambda locked: att.correct(
                db,
                row.id,
                start_date=self.start_date(),
                end_date=self.end_date(),
                supervisor=supervisor,
                reason=why,
                override_reason=override,
                version=row.version,
                locked_reason=locked,
            )
        if row is not None:
            return lambda locked: att.start(
                db,
                row.id,
                start_date=self.start_date(),
                supervisor=supervisor,
                note=note,
                override_reason=override,
                version=row.version,
                locked_reason=locked,
            )
        return lambda locked: att.request(
            db,
            oid,
            uid,
            self.start_date(),
            self.end_date(),
            supervisor=supervisor,
            note=note,
            override_reason=override,
            active=self.already_started.isChecked(),
            locked_reason=locked,
        )

    def _show_refusal(self, exc: ValidationError) -> None:
        """The service's reasons, each beside its field; the rest under the form."""
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

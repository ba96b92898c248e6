"""The Details page of an officer's record: every field, each with its reason in red under it.

It is the one page that holds edits until Save: ``is_dirty`` compares the form with what was
loaded, ``save`` checks and saves it (a new officer is created), and a change of rank or status
asks from when. ``record_saved`` fires after it wrote the officer; ``reload_wanted`` when the user
chose to reload after someone else's change; ``errors_shown`` when it shows reasons (bring it to
the front).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.core import roster, settings
from desktop.core.domain import DRIVING_GRADES, LEAVING_REASONS, STATUS_LABELS, STATUSES
from desktop.core.errors import ConflictError, ValidationError, plain_message
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import DateField, reason_label, sentence, with_reason
from desktop.ui.officer.page import RecordShownPage
from desktop.ui.widgets import CANCELLED, save_with_lock_reason

# The fields in the order of the form: the first with a reason gets the focus.
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


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _select(combo: QComboBox, value: Any, label: str | None) -> None:
    index = combo.findData(value)
    if index < 0 and value:  # a value not in today's list (an old rank code): keep it visible
        combo.addItem(label or str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


class DetailsPage(RecordShownPage):
    """Add (no record loaded) or edit one officer's details."""

    TITLE = "Details"
    record_saved = Signal()
    reload_wanted = Signal()
    errors_shown = Signal()

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        self.ranks = settings.ranks(ctx.db)
        self.rank_names = dict(self.ranks)
        self._loaded: dict[str, Any] = {}
        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        # Reasons that belong to no field; the dialog shows them under its tabs.
        self.general_error = reason_label()
        self._build()
        if officer_id is not None:
            self.refresh()

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        page = QWidget()
        columns = QHBoxLayout(page)
        left = QVBoxLayout()
        left.addWidget(self._officer_box())
        left.addWidget(self._service_box())
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self._personal_box())
        right.addWidget(self._work_box())
        right.addWidget(self._notes_box(), 1)
        columns.addLayout(left, 11)
        columns.addLayout(right, 9)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.rank.currentIndexChanged.connect(self._sync_enabled)
        self.status.currentIndexChanged.connect(self._sync_enabled)
        self._chain_tab_order()

    def _field(self, form: QFormLayout, name: str, widget: QWidget, label: str | None = None) -> None:
        error = reason_label()
        self.errors[name] = error
        self.widgets[name] = widget
        form.addRow((label or roster.FIELD_LABELS[name]) + ":", with_reason(widget, error))

    def _officer_box(self) -> QGroupBox:
        who = QGroupBox("Officer")
        form = _form(who)
        self.collar = _line(32, "e.g. 4521 or SC0452")
        self._field(form, "collar", self.collar)
        self.surname = _line(120)
        self._field(form, "surname", self.surname)
        self.forenames = _line(160)
        self._field(form, "forenames", self.forenames)
        self.preferred_name = _line(80, "if different, e.g. Bob")
        self._field(form, "preferred_name", self.preferred_name)
        self.rank = QComboBox()
        for code, name in self.ranks:
            self.rank.addItem(name, code)
        self._field(form, "rank", self.rank)
        self.status = QComboBox()
        for status in STATUSES:
            self.status.addItem(STATUS_LABELS.get(status, status), status)
        self._field(form, "status", self.status)
        form.addRow(self._change_box())
        self.team = self._suggest_combo("team")
        self._field(form, "team", self.team)
        self.station = self._suggest_combo("station")
        self._field(form, "station", self.station)
        return who

    def _change_box(self) -> QFrame:
        """Shown when an existing officer's rank or status changes: from when, acting, why."""
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
        self.effective_error = reason_label()
        self.errors["effective"] = self.effective_error
        self.widgets["effective"] = self.effective
        change.addRow("Effective from:", with_reason(self.effective, self.effective_error))
        self.acting = QCheckBox("Acting rank (temporary promotion)")
        change.addRow("", self.acting)
        self.change_reason = QLineEdit()
        self.change_reason.setPlaceholderText("optional, kept in the history and audit log")
        change.addRow("Note:", self.change_reason)
        self.change_box.setVisible(False)
        return self.change_box

    def _service_box(self) -> QGroupBox:
        service = QGroupBox("Service")
        form = _form(service)
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
        return service

    def _personal_box(self) -> QGroupBox:
        personal = QGroupBox("Personal and contact")
        form = _form(personal)
        self.date_of_birth = DateField()
        self._field(form, "date_of_birth", self.date_of_birth)
        self.phone = _line(40)
        self._field(form, "phone", self.phone)
        self.email = _line(160)
        self._field(form, "email", self.email)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self._field(form, "address", self.address)
        return personal

    def _work_box(self) -> QGroupBox:
        work = QGroupBox("Employer and driving")
        form = _form(work)
        self.employer = _line(160)
        self._field(form, "employer", self.employer)
        self.esp = QCheckBox("Employer Supported Policing (paid time for duty)")
        self._field(form, "esp", self.esp, "ESP")
        self.driving = QComboBox()
        self.driving.addItem("Not recorded", None)
        for grade in DRIVING_GRADES:
            self.driving.addItem(sentence(grade), grade)
        self._field(form, "driving", self.driving, "Driving grade")
        return work

    def _notes_box(self) -> QGroupBox:
        notes_box = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.widgets["notes"] = self.notes
        self.errors["notes"] = reason_label()
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.errors["notes"])
        return notes_box

    def _chain_tab_order(self) -> None:
        """Tab follows the form: the left column, then the right."""
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

    # -- loading ---------------------------------------------------------------------------------
    def start_new(self) -> None:
        """An empty form for a new officer, active by default."""
        self.status.setCurrentIndex(self.status.findData("active"))
        self._loaded = self._raw()
        self._sync_enabled()

    def show_record(self, record: roster.OfficerRecord) -> None:
        self._set_values(record.values)
        self.effective.set_date(dt.date.today())
        self.acting.setChecked(False)
        self.change_reason.clear()
        self.clear_errors()
        self._loaded = self._raw()
        self._sync_enabled()

    def follow(self, record: roster.OfficerRecord) -> None:
        """Another page saved the officer (recording attestation or independent patrol keeps those
        dates in step): take the new version, so the next Save is not refused as a conflict, and
        show the new dates without losing the user's unsaved edits."""
        dirty = self.is_dirty()
        self.officer_record = record
        if not dirty:
            self._set_values(record.values)
            self._loaded = self._raw()
            return
        for name in ("attested", "independent_patrol"):
            widget = self.widgets[name]
            assert isinstance(widget, DateField)
            if self._loaded.get(name) == self._raw().get(name):  # the user has not edited it
                widget.set_date(record[name])
                self._loaded[name] = self._raw()[name]

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
        _select(self.rank, values.get("rank"), self.rank_names.get(values.get("rank") or "", None))
        _select(self.status, values.get("status"), STATUS_LABELS.get(values.get("status") or ""))
        _select(
            self.leaving_reason, values.get("leaving_reason"), sentence(values.get("leaving_reason") or "")
        )
        _select(self.driving, values.get("driving"), sentence(values.get("driving") or ""))
        self.team.setEditText(values.get("team") or "")
        self.station.setEditText(values.get("station") or "")
        self.esp.setChecked(bool(values.get("esp")))

    # -- state -----------------------------------------------------------------------------------
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
        if self.officer_record is None:
            self.change_box.setVisible(False)
            return
        rank_changed = self.rank.currentData() != self.officer_record["rank"]
        status_changed = self.status.currentData() != self.officer_record["status"]
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
            self.errors_shown.emit()
            widget = self.widgets[first]
            if first == "effective":
                self.change_box.setVisible(True)
            widget.setFocus()
            self.scroll.ensureWidgetVisible(widget)

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
        assert self.officer_record is not None
        return {k: v for k, v in values.items() if v != self.officer_record.values.get(k)}

    # -- saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        """Check and save; reasons show beside their fields. True when saved (or nothing changed)."""
        self.clear_errors()
        values, problems = self._collect()
        effective = self._effective_date(problems)
        if problems:
            self._show_problems(values, problems)
            return False
        try:
            outcome = self._write(values, effective)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ConflictError as exc:
            self._offer_reload(str(exc))
            return False
        except Exception as exc:
            message = plain_message(exc)
            if message is None:
                raise
            dialogs.error(self, "Cannot save the officer", message)
            return False
        if outcome is None:
            return True
        if outcome:
            self.record_saved.emit()
        return outcome

    def _effective_date(self, problems: dict[str, str]) -> dt.date | None:
        """When a rank or status change takes effect (asked only when one changes), or None; a
        missing or unreadable date goes into ``problems``."""
        if self.officer_record is None or not self.change_box.isVisible():
            return None
        try:
            effective = self.effective.date()
        except ValueError as exc:
            problems["effective"] = str(exc)
            return None
        if effective is None:
            problems["effective"] = "Enter the date the change takes effect."
        return effective

    def _show_problems(self, values: dict[str, Any], problems: dict[str, str]) -> None:
        """The fields that cannot be read, with the service's reasons for the other fields too, so
        the user fixes everything at once."""
        readable = {k: v for k, v in values.items() if k not in problems}
        try:
            others = roster.check_officer(
                self.ctx.db,
                readable if self.officer_record is None else self._changes(readable),
                officer_id=None if self.officer_record is None else self.officer_record.id,
            )
        except Exception:  # only a courtesy: the date problems are shown anyway
            others = {}
        self.show_errors({**others, **problems})

    def _write(self, values: dict[str, Any], effective: dt.date | None) -> bool | None:
        """Create or update the officer: True when saved, False when a signed-off month needed a
        reason the user did not give, None when nothing had changed."""
        db = self.ctx.db
        if self.officer_record is None:
            new_id = save_with_lock_reason(
                self, lambda locked_reason: roster.create_officer(db, values, locked_reason=locked_reason)
            )
            if new_id is CANCELLED:
                return False
            self.officer_id = new_id
            return True
        changes = self._changes(values)
        if not changes:
            return None
        record_id, version = self.officer_record.id, self.officer_record.version
        record = save_with_lock_reason(
            self,
            lambda locked_reason: roster.update_officer(
                db,
                record_id,
                changes,
                version=version,
                effective=effective,
                acting=self.acting.isChecked() and self.acting.isVisible(),
                reason=self.change_reason.text().strip() or None,
                locked_reason=locked_reason,
            ),
        )
        if record is CANCELLED:
            return False
        self.officer_record = record
        return True

    def _offer_reload(self, conflict: str) -> None:
        if dialogs.confirm(
            self,
            "Someone else changed this officer",
            f"{conflict}\n\nReload the record now? The changes you typed here will be lost; "
            "choose No to keep them on screen (they are not saved).",
            default_yes=True,
        ):
            self.reload_wanted.emit()

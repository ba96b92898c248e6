"""The fields of one duty (date, times or hours, type, unit, note), and the collar box with
type-ahead that finds the officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.core import hours
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, normalise_collar
from desktop.ui.hours.common import ERROR_STYLE, date_text, show_message, type_label
from desktop.ui.widgets import error_label


class DutyForm(QWidget):
    """Fields of one duty with a red reason under each. ``collect()`` reads them as service data."""

    changed = Signal()

    def __init__(
        self,
        db: Database,
        *,
        with_date: bool = True,
        default_type: str = "patrol",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.base_date = dt.date.today()
        self.monthly_total = False
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.grid = grid
        self.errors: dict[str, QLabel] = {}
        self._row = 0

        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText("dd/mm/yyyy")
        self.date_edit.setToolTip(
            "Type 12, 12/5 or 12/05/2026; the month and year default to the last date used."
        )
        self.date_edit.setFixedWidth(110)
        self.date_hint = QLabel()
        self.date_hint.setStyleSheet("color: palette(mid);")
        if with_date:
            self._add_row("&Date", "date", self.date_edit, self.date_hint)

        self.start_edit = QLineEdit()
        self.start_edit.setPlaceholderText("hh:mm")
        self.start_edit.setFixedWidth(70)
        self.end_edit = QLineEdit()
        self.end_edit.setPlaceholderText("hh:mm")
        self.end_edit.setFixedWidth(70)
        self.hours_edit = QLineEdit()
        self.hours_edit.setPlaceholderText("or hours")
        self.hours_edit.setFixedWidth(70)
        self.hours_edit.setToolTip("Hours alone, when there are no start and end times (7.5 or 7:30).")
        times = QWidget()
        tl = QHBoxLayout(times)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.start_edit)
        self.to_label = QLabel("to")
        tl.addWidget(self.to_label)
        tl.addWidget(self.end_edit)
        self.or_label = QLabel("  or hours")
        tl.addWidget(self.or_label)
        tl.addWidget(self.hours_edit)
        self.hours_hint = QLabel()
        self.hours_hint.setStyleSheet("color: palette(mid);")
        self.times_label = self._add_row(
            "&Start", "start_time", times, self.hours_hint, extra_keys=("end_time", "hours")
        )
        self.times_label.setBuddy(self.start_edit)

        self.type_combo = QComboBox()
        for t in DUTY_TYPES:
            self.type_combo.addItem(type_label(t), t)
        self.type_combo.setToolTip(
            "Type the first letter to choose: Patrol, Response, Neighbourhood, Event, …"
        )
        self.type_combo.setCurrentIndex(max(0, DUTY_TYPES.index(default_type)))
        self._add_row("&Type", "duty_type", self.type_combo)

        self.unit_combo = QComboBox()
        self.unit_combo.addItem("(no unit)", 0)
        for uid, name in hours.units(db):
            self.unit_combo.addItem(name, uid)
        self.unit_combo.setToolTip("The specialist unit, for a specialist attachment duty.")
        self._add_row("&Unit", "unit_id", self.unit_combo)

        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("optional")
        self._add_row("N&ote", "note", self.note_edit)
        grid.setColumnStretch(1, 1)
        self.type_combo.setMinimumWidth(200)
        self.unit_combo.setMinimumWidth(200)
        self.note_edit.setMinimumWidth(300)

        for edit in (self.date_edit, self.start_edit, self.end_edit, self.hours_edit, self.note_edit):
            edit.textChanged.connect(self._update_hints)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self._type_changed()
        self._update_hints()

    def _add_row(
        self,
        label: str,
        key: str,
        widget: QWidget,
        hint: QWidget | None = None,
        extra_keys: tuple[str, ...] = (),
    ) -> QLabel:
        lab = QLabel(label)
        lab.setBuddy(widget)
        self.grid.addWidget(lab, self._row, 0)
        cell = QHBoxLayout()
        cell.setContentsMargins(0, 0, 0, 0)
        cell.addWidget(widget)
        if hint is not None:
            cell.addWidget(hint)
        cell.addStretch(1)
        self.grid.addLayout(cell, self._row, 1)
        err = error_label(ERROR_STYLE)
        self.grid.addWidget(err, self._row + 1, 1)
        for k in (key, *extra_keys):
            self.errors[k] = err
        self._row += 2
        return lab

    def first_field(self) -> QWidget:
        return (
            self.date_edit
            if self.date_edit.parent() is not None and self.date_edit.isVisibleTo(self)
            else self.start_edit
        )

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        if self.date_edit.isVisibleTo(self):
            out.append(self.date_edit)
        out += [
            self.start_edit,
            self.end_edit,
            self.hours_edit,
            self.type_combo,
            self.unit_combo,
            self.note_edit,
        ]
        return out

    def set_monthly_total(self, on: bool) -> None:
        """A monthly-total entry: only hours and note can change."""
        self.monthly_total = on
        for w in (
            self.start_edit,
            self.end_edit,
            self.to_label,
            self.or_label,
            self.type_combo,
            self.unit_combo,
        ):
            w.setEnabled(not on)
        self.date_edit.setEnabled(not on)
        self.hours_edit.setPlaceholderText("hours" if on else "or hours")

    def _type_changed(self) -> None:
        attachment = self.type_combo.currentData() == hours.ATTACHMENT_TYPE
        has_unit = self.unit_combo.currentData() not in (0, None)
        self.unit_combo.setEnabled(not self.monthly_total and (attachment or has_unit))
        self.changed.emit()

    def _update_hints(self) -> None:
        try:
            day = hours.parse_date_text(self.date_edit.text(), self.base_date)
            self.date_hint.setText(date_text(day) if day else "")
        except ValueError:
            self.date_hint.setText("")
        try:
            start = hours.parse_time_text(self.start_edit.text())
            end = hours.parse_time_text(self.end_edit.text())
        except ValueError:
            start = end = None
        text = ""
        if start and end and start != end:
            h = hours.duty_hours(start, end)
            text = f"= {hours.format_hours(h)} h" + (
                " (overnight, counts on the start date)" if end < start else ""
            )
        self.hours_hint.setText(text)
        self.hours_edit.setEnabled(
            self.monthly_total or not (self.start_edit.text().strip() or self.end_edit.text().strip())
        )
        self.changed.emit()

    # -- values ------------------------------------------------------------------------------
    def set_date(self, day: dt.date | None) -> None:
        if day is not None:
            self.base_date = day
            self.date_edit.setText(f"{day:%d/%m/%Y}")

    def set_type(self, duty_type: str) -> None:
        i = self.type_combo.findData(duty_type)
        if i >= 0:
            self.type_combo.setCurrentIndex(i)

    def set_record(self, rec: hours.DutyRecord) -> None:
        self.set_monthly_total(rec.is_monthly_total)
        self.set_date(rec.date)
        self.start_edit.setText(f"{rec.start_time:%H:%M}" if rec.start_time else "")
        self.end_edit.setText(f"{rec.end_time:%H:%M}" if rec.end_time else "")
        self.hours_edit.setText("" if rec.start_time else hours.format_hours(rec.hours))
        self.set_type(rec.duty_type)
        i = self.unit_combo.findData(rec.unit_id or 0)
        if i < 0 and rec.unit_id:
            self.unit_combo.addItem(rec.unit_name or f"Unit {rec.unit_id}", rec.unit_id)
            i = self.unit_combo.count() - 1
        self.unit_combo.setCurrentIndex(max(i, 0))
        self.note_edit.setText(rec.note or "")
        self._type_changed()

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Service data from the fields, and the reasons of fields that cannot be read."""
        errors: dict[str, str] = {}
        data: dict[str, Any] = {}
        try:
            data["date"] = hours.parse_date_text(self.date_edit.text(), self.base_date)
        except ValueError as exc:
            errors["date"] = str(exc)
        for key, edit in (("start_time", self.start_edit), ("end_time", self.end_edit)):
            try:
                data[key] = hours.parse_time_text(edit.text())
            except ValueError as exc:
                errors[key] = str(exc)
        try:
            data["hours"] = (
                hours.parse_hours_text(self.hours_edit.text()) if self.hours_edit.isEnabled() else None
            )
        except ValueError as exc:
            errors["hours"] = str(exc)
        if not self.monthly_total:
            data["duty_type"] = self.type_combo.currentData()
            data["unit_id"] = self.unit_combo.currentData() or None
        data["note"] = self.note_edit.text().strip() or None
        return data, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        shown: dict[int, list[str]] = {}
        for key, label in self.errors.items():
            if key in errors:
                shown.setdefault(id(label), []).append(errors[key])
        for label in set(self.errors.values()):
            show_message(label, " ".join(shown.get(id(label), [])))
        for key, widget in (
            ("date", self.date_edit),
            ("start_time", self.start_edit),
            ("end_time", self.end_edit),
            ("hours", self.hours_edit),
            ("duty_type", self.type_combo),
            ("unit_id", self.unit_combo),
        ):
            if key in errors:
                widget.setFocus()  # the cursor goes where the problem is
                break

    def clear_for_next(self) -> None:
        """After a save: clear times, hours and note; keep date, type and unit."""
        for edit in (self.start_edit, self.end_edit, self.hours_edit, self.note_edit):
            edit.clear()
        self.show_errors({})


# ---------------------------------------------------------------------------------------------
# Officer picker for the entry dialog
# ---------------------------------------------------------------------------------------------


class CollarEdit(QLineEdit):
    """The collar box: Enter submits (also when the type-ahead list is open, which would eat it)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            completer = self.completer()
            if completer is not None and completer.popup().isVisible():
                completer.popup().hide()
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class OfficerField(QWidget):
    """A collar number box with type-ahead on collar or name; says who it found beside it."""

    changed = Signal()

    def __init__(self, choices: list[hours.OfficerChoice], parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.by_collar = {c.collar: c for c in choices}
        self.by_label = {c.label: c for c in choices}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = CollarEdit()
        self.edit.setPlaceholderText("collar number or name")
        self.edit.setMaximumWidth(160)
        self.completer = QCompleter(QStringListModel([c.label for c in choices]), self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.who = QLabel()
        layout.addWidget(self.edit)
        layout.addWidget(self.who, 1)
        self.edit.textChanged.connect(self._update)

    def officer(self) -> hours.OfficerChoice | None:
        text = self.edit.text().strip()
        if not text:
            return None
        if text in self.by_label:
            return self.by_label[text]
        found = self.by_collar.get(normalise_collar(text))
        if found is not None:
            return found
        words = text.lower().split()
        matches = [c for c in self.choices if all(w in c.name.lower() for w in words)]
        return matches[0] if len(matches) == 1 else None

    def _update(self) -> None:
        choice = self.officer()
        text = self.edit.text().strip()
        if choice is not None:
            self.who.setStyleSheet("")
            extra = f"  ·  {choice.team}" if choice.team else ""
            if choice.left_date:
                extra += f"  (left {choice.left_date:%d/%m/%Y})"
            self.who.setText(f"<b>{choice.name}</b>{extra}")
        elif text:
            self.who.setStyleSheet("color: palette(mid);")
            self.who.setText("no officer with that collar number yet")
        else:
            self.who.setText("")
        self.changed.emit()

    def clear(self) -> None:
        self.edit.clear()

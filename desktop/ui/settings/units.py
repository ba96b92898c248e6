"""Settings page: specialist units and their requirements (embedded in the Settings dialog).

Each save goes through ``attachments.update_unit`` / ``create_unit`` (audited) and tells every tab
with ``ctx.notify("settings")``. Switching to another unit saves the one being edited first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core import attachments as att
from desktop.core.domain import DRIVING_GRADES
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.page import SettingsPage
from desktop.ui.widgets import HINT_STYLE, error_label

_NEW = -1


class UnitsSettingsPage(SettingsPage):
    """Add, edit, deactivate or delete units; their capacity and requirements."""

    TITLE = "Units"
    SAVES_ON_CLOSE = True  # as leaving a unit for another saves it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.units: list[att.UnitInfo] = []
        self.current_id: int | None = None  # _NEW for a unit not saved yet
        self._loading = False
        self._dirty = False

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._row_changed)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add unit")
        self.add_button.clicked.connect(self.add_unit)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_unit)
        self.active_button = QPushButton("Deac&tivate")
        self.active_button.clicked.connect(self.toggle_active)
        for b in (self.add_button, self.active_button, self.delete_button):
            buttons.addWidget(b)
        left.addLayout(buttons)
        layout.addLayout(left, 2)

        right = QVBoxLayout()
        form = QFormLayout()
        right.addLayout(form)
        self.errors: dict[str, QLabel] = {}

        def row(label: str, widget: QWidget, key: str, hint: str = "") -> None:
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(widget)
            if hint:
                h = QLabel(hint)
                h.setStyleSheet(HINT_STYLE)
                h.setWordWrap(True)
                lay.addWidget(h)
            err = error_label()
            lay.addWidget(err)
            self.errors[key] = err
            form.addRow(label, box)

        self.name = QLineEdit()
        self.name.setMaxLength(120)
        row("&Name:", self.name, "name")
        self.code = QLineEdit()
        self.code.setMaxLength(24)
        self.code.setPlaceholderText("Short code, e.g. RPU")
        row("&Code:", self.code, "code")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(50)
        row("Descri&ption:", self.description, "description")
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 999)
        self.capacity.setSpecialValueText("No limit")
        row(
            "&Places:", self.capacity, "capacity", "How many Specials may be attached (or requested) at once."
        )
        self.requires_ip = QCheckBox("Independent patrol status needed before the start date")
        row("Independent patrol:", self.requires_ip, "requires_independent_patrol")
        self.months = QSpinBox()
        self.months.setRange(0, 240)
        self.months.setSpecialValueText("No minimum")
        self.months.setSuffix(" months")
        row("Time since &IP:", self.months, "min_months_since_ip", "Minimum months since independent patrol.")
        self.driving = QComboBox()
        self.driving.addItem("No driving needed", 0)
        for level, grade in enumerate(DRIVING_GRADES[1:], start=1):
            self.driving.addItem(f"{grade.title()} or above", level)
        row("Minimum &driving:", self.driving, "min_driving_level")
        self.quals = QListWidget()
        self.quals.setMaximumHeight(150)
        row(
            "&Qualifications:",
            self.quals,
            "qualifications",
            "Tick those that must be valid on the attachment's start date.",
        )
        self.status = QLabel()
        self.status.setStyleSheet(HINT_STYLE)
        self.status.setWordWrap(True)
        right.addWidget(self.status)
        self.form_error = error_label()
        right.addWidget(self.form_error)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("&Save unit")
        self.save_button.clicked.connect(self.save)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        right.addStretch(1)
        layout.addLayout(right, 3)

        for w in (self.name, self.code):
            w.textEdited.connect(self._mark_dirty)
        self.description.textChanged.connect(self._mark_dirty)
        self.capacity.valueChanged.connect(self._mark_dirty)
        self.months.valueChanged.connect(self._mark_dirty)
        self.requires_ip.toggled.connect(self._mark_dirty)
        self.driving.currentIndexChanged.connect(self._mark_dirty)
        self.quals.itemChanged.connect(self._mark_dirty)
        self._saving = False
        ctx.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, what: str) -> None:
        """Qualification types or units changed elsewhere: reload, unless edits are pending here."""
        if (
            what in ("settings", "qualifications", "attachments", "all")
            and not self._saving
            and not self._dirty
        ):
            self.refresh()

    # -- loading -------------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.current_id
        self.units = att.list_units(self.ctx.db)
        self._loading = True
        self.list.clear()
        for u in self.units:
            item = QListWidgetItem(u.label + ("" if u.active else "  (not in use)"))
            item.setData(Qt.ItemDataRole.UserRole, u.id)
            if not u.active:
                item.setForeground(QBrush(QColor("#7a7a7a")))
            self.list.addItem(item)
        self.quals.clear()
        for tid, name, active in att.qualification_types(self.ctx.db):
            item = QListWidgetItem(name + ("" if active else " (not in use)"))
            item.setData(Qt.ItemDataRole.UserRole, tid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.quals.addItem(item)
        self._loading = False
        index = next((i for i, u in enumerate(self.units) if u.id == keep), 0 if self.units else -1)
        self.current_id = None
        self.list.setCurrentRow(index)
        if index < 0:
            self._show(None)

    def unit_by_id(self, unit_id: int | None) -> att.UnitInfo | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def _row_changed(self, row: int) -> None:
        if self._loading:
            return
        item = self.list.item(row) if row >= 0 else None
        new_id = int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        if new_id == self.current_id:
            return
        if self._dirty and not self.save():
            # stay on the unit with the problem: the reasons are shown beside the fields
            self._select_row_of(self.current_id)
            return
        self._show(self.unit_by_id(new_id))

    def _select_row_of(self, unit_id: int | None) -> None:
        self._loading = True
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == unit_id:
                self.list.setCurrentRow(i)
        self._loading = False

    def _show(self, u: att.UnitInfo | None) -> None:
        """Show unit ``u`` in the form (None: no unit, the form disabled)."""
        self._loading = True
        self.current_id = u.id if u is not None else None
        self._hide_reasons()
        self._fill_form(u)
        self._enable_form(u is not None)
        self.status.setText(self._describe(u))
        self.active_button.setText("Deac&tivate" if (u is None or u.active) else "Reac&tivate")
        self.active_button.setEnabled(u is not None)
        self.delete_button.setEnabled(u is not None and not u.attachment_count)
        self._loading = False
        self._set_dirty(False)

    def _hide_reasons(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.form_error.hide()

    def _fill_form(self, u: att.UnitInfo | None) -> None:
        """The unit's values, or a new unit's (independent patrol required, nothing else)."""
        self.name.setText(u.name if u else "")
        if u is None:
            self._fill_requirements("", "", 0, True, 0, 0, set())
            return
        self._fill_requirements(
            u.code or "",
            u.description or "",
            u.capacity or 0,
            u.requires_independent_patrol,
            u.min_months_since_ip or 0,
            u.min_driving_level or 0,
            set(u.qualification_ids),
        )

    def _fill_requirements(
        self,
        code: str,
        description: str,
        capacity: int,
        requires_ip: bool,
        months: int,
        driving: int,
        wanted: set[int],
    ) -> None:
        self.code.setText(code)
        self.description.setPlainText(description)
        self.capacity.setValue(capacity)
        self.requires_ip.setChecked(requires_ip)
        self.months.setValue(months)
        self.driving.setCurrentIndex(max(self.driving.findData(driving), 0))
        for i in range(self.quals.count()):
            item = self.quals.item(i)
            tid = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if tid in wanted else Qt.CheckState.Unchecked)

    def _enable_form(self, on: bool) -> None:
        for w in (
            self.name,
            self.code,
            self.description,
            self.capacity,
            self.requires_ip,
            self.months,
            self.driving,
            self.quals,
        ):
            w.setEnabled(on)

    @staticmethod
    def _describe(u: att.UnitInfo | None) -> str:
        if u is None:
            return "No units yet: add the units where Specials are attached with Add unit."
        if u.attachment_count:
            return (
                f"{u.active_count} attached and {u.requested_count} requested now; "
                f"{u.attachment_count} attachment{'s' if u.attachment_count != 1 else ''} on record, "
                "so this unit can be deactivated but not deleted."
            )
        return "No attachments on record yet."

    # -- editing -------------------------------------------------------------------------------------
    def _mark_dirty(self, *_args: Any) -> None:
        if not self._loading and self.current_id is not None:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty and self.current_id != _NEW)

    def is_dirty(self) -> bool:
        return self._dirty

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "code": self.code.text(),
            "description": self.description.toPlainText(),
            "capacity": self.capacity.value() or None,
            "requires_independent_patrol": self.requires_ip.isChecked(),
            "min_months_since_ip": self.months.value() or None,
            "min_driving_level": self.driving.currentData() or None,
            "qualification_ids": [
                int(self.quals.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.quals.count())
                if self.quals.item(i).checkState() == Qt.CheckState.Checked
            ],
        }

    def save(self) -> bool:
        """Save the unit on screen. True when saved (or nothing to save)."""
        if self.current_id is None or not self._dirty:
            return True
        self._hide_reasons()
        try:
            if self.current_id == _NEW:
                info = att.create_unit(self.ctx.db, self.values())
            else:
                info = att.update_unit(self.ctx.db, self.current_id, self.values())
        except ValidationError as exc:
            for key, text in exc.errors.items():
                label = self.errors.get(key, self.form_error)
                label.setText(text)
                label.show()
            return False
        except CipDeskError as exc:
            self.form_error.setText(str(exc))
            self.form_error.show()
            return False
        self._dirty = False
        self._notify()
        self.refresh(select_id=info.id)
        return True

    def _notify(self) -> None:
        self._saving = True
        try:
            self.ctx.notify("settings")
        finally:
            self._saving = False

    def revert(self) -> None:
        self._show(self.unit_by_id(self.current_id))

    def add_unit(self) -> None:
        if self._dirty and not self.save():
            return
        self._loading = True
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self._loading = False
        self._show(None)
        self.current_id = _NEW
        self._enable_form(True)
        self.status.setText("A new unit: fill in its name and requirements, then Save unit.")
        self.active_button.setEnabled(False)
        self.delete_button.setEnabled(False)
        self._set_dirty(True)
        self.name.setFocus()

    def toggle_active(self) -> None:
        u = self.unit_by_id(self.current_id)
        if u is None:
            return
        if self._dirty and not self.save():
            return
        try:
            att.set_unit_active(self.ctx.db, u.id, not u.active)
        except CipDeskError as exc:
            self.form_error.setText(str(exc))
            self.form_error.show()
            return
        self._notify()
        self.refresh(select_id=u.id)

    def delete_unit(self) -> None:
        u = self.unit_by_id(self.current_id)
        if u is None:
            return
        if not dialogs.confirm(self, "Delete unit", f"Delete {u.name}? It has never been used."):
            return
        try:
            att.delete_unit(self.ctx.db, u.id)
        except ValidationError as exc:
            self.form_error.setText(" ".join(exc.errors.values()))
            self.form_error.show()
            return
        self.current_id = None
        self._dirty = False
        self._notify()
        self.refresh()

"""Settings > Qualification types: add, edit, make inactive or delete, with their validity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import qualifications as quals
from desktop.core.domain import DRIVING_GRADES
from desktop.core.errors import CipDeskError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.page import SettingsPage, select_item, selected_item, settings_table, unselect


class QualTypesPage(SettingsPage):
    TITLE = "Qualification types"
    HEADERS = ("Qualification", "Valid for", "Category", "Active", "Records")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.types: list[quals.QualType] = []
        self.editing: int | None = None
        layout = QVBoxLayout(self)
        self.table = settings_table(self.HEADERS)
        layout.addWidget(self.table, 1)
        box = QGroupBox("Qualification type")
        self.box = box
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.validity = QSpinBox()
        self.validity.setRange(0, 600)
        self.validity.setSpecialValueText("Does not expire")
        self.validity.setSuffix(" months")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(["", "safety", "driving", "skill"])
        self.driving = QComboBox()
        self.driving.addItem("Not a driving grade", None)
        for level, grade in enumerate(DRIVING_GRADES[1:], start=1):
            self.driving.addItem(f"Driving grade: {grade}", level)
        self.active = QCheckBox("Active (offered when recording)")
        form.addRow("&Name:", self.name)
        form.addRow("&Valid for:", self.validity)
        form.addRow("&Category:", self.category)
        form.addRow("&Driving:", self.driving)
        form.addRow("", self.active)
        self.new_button = QPushButton("&New type")
        self.save_button = QPushButton("&Save type")
        self.delete_button = QPushButton("De&lete")
        self.add_outcome_rows(form, self.new_button, self.delete_button, self.save_button)
        layout.addWidget(box)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.new_button.clicked.connect(self.new)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        if select_id is None:
            select_id = self.editing
        self.types = quals.list_types(self.ctx.db)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.types))
        for r, t in enumerate(self.types):
            cells = (t.name, t.validity_text, t.category or "", "Yes" if t.active else "No", str(t.in_use))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not t.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        select_item(self.table, self.types, lambda t: t.id == select_id)
        self._show_selected()

    def selected(self) -> quals.QualType | None:
        return selected_item(self.table, self.types)

    def _show_selected(self) -> None:
        t = self.selected()
        self.error.hide()
        if t is None:
            self.new()
            return
        self.editing = t.id
        self.box.setTitle(f"Qualification type: {t.name}")
        self.name.setText(t.name)
        self.validity.setValue(t.validity_months or 0)
        self.category.setCurrentText(t.category or "")
        self.driving.setCurrentIndex(max(0, self.driving.findData(t.driving_level)))
        self.active.setChecked(t.active)
        self.active.setEnabled(True)
        self.delete_button.setEnabled(True)
        self.delete_button.setToolTip(
            f"Held in {t.in_use} record(s): it can only be made inactive." if t.in_use else "Delete this type"
        )
        self.save_button.setText("&Save type")

    def new(self) -> None:
        self.editing = None
        unselect(self.table)
        self.box.setTitle("New qualification type")
        self.name.clear()
        self.validity.setValue(12)
        self.category.setCurrentText("")
        self.driving.setCurrentIndex(0)
        self.active.setChecked(True)
        self.active.setEnabled(False)
        self.delete_button.setEnabled(False)
        self.save_button.setText("&Add type")
        self.error.hide()

    def save(self) -> bool:
        self.error.hide()
        self.status.clear()
        try:
            if self.editing is None:
                new_id = quals.add_type(
                    self.ctx.db,
                    self.name.text(),
                    self.validity.value() or None,
                    category=self.category.currentText(),
                    driving_level=self.driving.currentData(),
                )
                text = f"Added {' '.join(self.name.text().split())}."
            else:
                new_id = self.editing
                quals.update_type(
                    self.ctx.db,
                    self.editing,
                    name=self.name.text(),
                    validity_months=self.validity.value() or None,
                    category=self.category.currentText(),
                    driving_level=self.driving.currentData(),
                    active=self.active.isChecked(),
                )
                text = "Saved. Records already held keep their expiry dates."
        except CipDeskError as exc:
            self.show_reason(exc)
            return False
        self.show_done(text, new_id)
        return True

    def delete(self) -> None:
        t = self.selected()
        if t is None:
            return
        if not dialogs.confirm(self, "Delete qualification type", f"Delete the qualification type {t.name}?"):
            return
        try:
            quals.delete_type(self.ctx.db, t.id)
        except CipDeskError as exc:
            self.show_reason(exc)
            return
        self.editing = None
        self.show_done(f"Deleted {t.name}.")

"""Settings > General: force name, minimum hours, pathway in use, retention, expiry warning, backup folder."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway, settings
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.page import SettingsPage
from desktop.ui.widgets import OK_STYLE, error_label


class GeneralPage(SettingsPage):
    TITLE = "General"
    KEYS = (
        "force_name",
        "minimum_hours",
        "pathway",
        "retention_years",
        "expiry_warning_days",
        "backup_folder",
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.saved_values: dict[str, Any] = {}
        self._loading = True
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.force_name = QLineEdit()
        self.force_name.setMaxLength(120)
        self.force_error = error_label()
        self.minimum_hours = QSpinBox()
        self.minimum_hours.setRange(0, 200)
        self.minimum_hours.setSuffix(" hours a month")
        self.pathway = QComboBox()
        for key, name in pathway.list_pathways(ctx.db):
            self.pathway.addItem(name, key)
        self.pathway_note = QLabel(
            "Switching pathway changes the stages shown; stages recorded on the other pathway are kept."
        )
        self.pathway_note.setWordWrap(True)
        self.pathway_note.setStyleSheet("color: palette(placeholder-text);")
        self.retention = QSpinBox()
        self.retention.setRange(1, 100)
        self.retention.setSuffix(" years after leaving")
        self.warning = QSpinBox()
        self.warning.setRange(0, 365)
        self.warning.setSuffix(" days before expiry")
        folder_row = QHBoxLayout()
        self.backup_folder = QLineEdit()
        self.backup_folder.setPlaceholderText("Default: the CiP Desk data folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(browse)
        form.addRow("&Force name:", self.force_name)
        form.addRow("", self.force_error)
        form.addRow("&Minimum hours:", self.minimum_hours)
        form.addRow("&Pathway in use:", self.pathway)
        form.addRow("", self.pathway_note)
        form.addRow("&Keep leavers for:", self.retention)
        form.addRow("&Warn about expiry:", self.warning)
        folder_label = QLabel("Backup &folder:")
        folder_label.setBuddy(self.backup_folder)
        form.addRow(folder_label, folder_row)
        layout.addLayout(form)
        layout.addStretch(1)
        row = QHBoxLayout()
        self.status = QLabel()
        row.addWidget(self.status, 1)
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        for w in (self.force_name, self.backup_folder):
            w.textChanged.connect(self._edited)
        for s in (self.minimum_hours, self.retention, self.warning):
            s.valueChanged.connect(self._edited)
        self.pathway.currentIndexChanged.connect(self._edited)
        self.refresh()

    def refresh(self) -> None:
        self._loading = True
        values = settings.get_all(self.ctx.db)
        self.force_name.setText(str(values.get("force_name") or ""))
        self.minimum_hours.setValue(int(float(values.get("minimum_hours") or 0)))
        index = self.pathway.findData(values.get("pathway"))
        self.pathway.setCurrentIndex(max(0, index))
        self.retention.setValue(int(values.get("retention_years") or 6))
        self.warning.setValue(int(values.get("expiry_warning_days") or 0))
        self.backup_folder.setText(str(values.get("backup_folder") or ""))
        self.saved_values = self.values()
        self.status.clear()
        self._loading = False

    def values(self) -> dict[str, Any]:
        return {
            "force_name": " ".join(self.force_name.text().split()),
            "minimum_hours": self.minimum_hours.value(),
            "pathway": self.pathway.currentData(),
            "retention_years": self.retention.value(),
            "expiry_warning_days": self.warning.value(),
            "backup_folder": self.backup_folder.text().strip() or None,
        }

    def is_dirty(self) -> bool:
        return self.values() != self.saved_values

    def _edited(self) -> None:
        if self._loading:
            return
        self.force_error.hide()
        self.status.setStyleSheet("")
        self.status.setText("Unsaved changes" if self.is_dirty() else "")

    def browse(self) -> None:
        folder = dialogs.open_folder(self, "Folder for backups", self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def save(self) -> bool:
        values = self.values()
        if not values["force_name"]:
            self.force_error.setText("The force name is shown on every return: enter it.")
            self.force_error.show()
            self.force_name.setFocus()
            return False
        changed = {k: v for k, v in values.items() if v != self.saved_values.get(k)}
        for key, value in changed.items():
            settings.set_value(self.ctx.db, key, value)
        self.saved_values = values
        self.status.setStyleSheet(OK_STYLE)
        self.status.setText("Saved." if changed else "Nothing to save.")
        if changed:
            self.ctx.notify("settings")
        return True

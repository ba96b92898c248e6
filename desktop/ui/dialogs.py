"""Every message box and file dialog of the app goes through here, so tests patch one place.

Call these as ``dialogs.info(...)`` (module attribute), never ``from ... import info``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

EXCEL_FILTER = "Excel workbook (*.xlsx)"
SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv);;All files (*)"
PDF_FILTER = "PDF document (*.pdf)"
DATABASE_FILTER = "CiP Desk database (*.sqlite *.db);;All files (*)"


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
    """An error with optional copyable details (the 'Show Details...' box is selectable text)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setTextInteractionFlags(box.textInteractionFlags())
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    default = QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
    return QMessageBox.question(parent, title, text, buttons, default) == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text, or None if cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def open_file(
    parent: QWidget | None, title: str, filter: str = SPREADSHEET_FILTER, folder: str = ""
) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, filter)
    return path or None


def save_file(parent: QWidget | None, title: str, suggested: str, filter: str = EXCEL_FILTER) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter)
    return path or None


def open_folder(parent: QWidget | None, title: str, folder: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, folder)
    return path or None

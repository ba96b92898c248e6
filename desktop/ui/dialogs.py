"""Every message box and file dialog of the app goes through here, so tests patch one place.

Call these as ``dialogs.info(...)`` (module attribute), never ``from ... import info``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QModelIndex, QSettings, QSortFilterProxyModel
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFileSystemModel,
    QInputDialog,
    QMessageBox,
    QStyle,
    QWidget,
)

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


# ---------------------------------------------------------------------------------------------
# File dialogs
#
# Every file dialog is Qt's own (not the platform's) except on Windows, and never looks inside
# files: a dialog that "sniffs" a file to choose its icon or type opens and closes it, and closing
# any descriptor of the open database, its -wal or its -shm drops this process's SQLite locks (see
# desktop/core/db.py). So the dialogs use an icon provider that goes by the name alone, and hide the
# database's own files (and every SQLite -wal/-shm/-journal/lock file) from view. They start in the
# folder last used for that kind of file, else the user's Documents folder; never the program's
# folder or the data folder that holds the database.
# ---------------------------------------------------------------------------------------------

_HIDDEN_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


class _NameOnlyIcons(QAbstractFileIconProvider):
    """Icons and type names from the file name alone: nothing is opened to look inside."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        self._folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        self._file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._drive = style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self._computer = style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)

    def icon(self, what: object) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileInfo):
            return self._folder if what.isDir() else self._file
        if what == QAbstractFileIconProvider.IconType.Computer:
            return self._computer
        if what == QAbstractFileIconProvider.IconType.Drive:
            return self._drive
        if what == QAbstractFileIconProvider.IconType.File:
            return self._file
        return self._folder

    def type(self, info: QFileInfo) -> str:  # type: ignore[override]
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


class _HideDatabaseFiles(QSortFilterProxyModel):
    """The file list without the open database's files and SQLite's journal and lock files."""

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        model = self.sourceModel()
        index = model.index(row, 0, parent)
        name = str(model.data(index) or "")
        if name.endswith(_HIDDEN_SUFFIXES):
            return False
        if isinstance(model, QFileSystemModel):
            from desktop.core.db import is_live_file

            if is_live_file(model.filePath(index)):
                return False
        return True


def documents_folder() -> Path:
    """The user's Documents folder (made if missing), else their home folder."""
    from platformdirs import user_documents_path

    for folder in (user_documents_path(), Path.home()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if folder.is_dir():
            return folder
    return Path.home()


def _kind(filter: str) -> str:
    return {EXCEL_FILTER: "excel", PDF_FILTER: "pdf", DATABASE_FILTER: "database"}.get(filter, "spreadsheet")


def _settings() -> QSettings:
    return QSettings()


def _usable_start(folder: str | Path | None) -> Path | None:
    """``folder`` when it exists and is not where the live database lives, else None."""
    if not folder:
        return None
    path = Path(folder).expanduser()
    if not path.is_dir():
        return None
    from desktop.core.db import live_folders
    from desktop.core.paths import data_dir_path, program_folder

    try:
        resolved = path.resolve()
    except OSError:
        return None
    if resolved in live_folders() or resolved in (program_folder(), data_dir_path().resolve()):
        return None
    return resolved


def start_folder(kind: str, folder: str | Path | None = None) -> Path:
    """Where a dialog for ``kind`` opens: ``folder`` if given and usable, else the folder last used
    for that kind, else Documents."""
    return (
        _usable_start(folder)
        or _usable_start(str(_settings().value(f"dialogs/last_folder/{kind}", "") or ""))
        or documents_folder()
    )


def remember_folder(kind: str, chosen: str) -> None:
    folder = Path(chosen).parent if not Path(chosen).is_dir() else Path(chosen)
    _settings().setValue(f"dialogs/last_folder/{kind}", str(folder))


def file_dialog(
    parent: QWidget | None,
    title: str,
    filter: str,
    folder: Path,
    *,
    mode: str = "open",
    suggested: str = "",
) -> QFileDialog:
    """The file dialog every open, save and folder choice uses (see the comment above)."""
    dialog = QFileDialog(parent, title, str(folder), filter)
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(_NameOnlyIcons())
        dialog.setProxyModel(_HideDatabaseFiles(dialog))
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        if suggested:
            dialog.selectFile(suggested)
    elif mode == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    fit_to_screen(dialog)
    return dialog


def fit_to_screen(widget: QWidget) -> None:
    """Open no bigger than the screen's available area (a 1366x768 laptop)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    width = min(max(widget.sizeHint().width(), 640), room.width() - 40)
    height = min(max(widget.sizeHint().height(), 420), room.height() - 60)
    widget.resize(width, height)


def _chosen(dialog: QFileDialog, kind: str) -> str | None:
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return None
    files = dialog.selectedFiles()
    if not files:
        return None
    path = files[0]
    remember_folder(kind, path)
    return path


def open_file(
    parent: QWidget | None, title: str, filter: str = SPREADSHEET_FILTER, folder: str = ""
) -> str | None:
    kind = _kind(filter)
    return _chosen(file_dialog(parent, title, filter, start_folder(kind, folder)), kind)


def save_file(parent: QWidget | None, title: str, suggested: str, filter: str = EXCEL_FILTER) -> str | None:
    """``suggested``: a file name, or a full path whose folder is used when it is usable."""
    kind = _kind(filter)
    given = Path(suggested) if suggested else None
    folder = start_folder(kind, given.parent if given is not None and given.parent != Path(".") else None)
    name = given.name if given is not None else ""
    dialog = file_dialog(parent, title, filter, folder, mode="save", suggested=name)
    return _chosen(dialog, kind)


def open_folder(parent: QWidget | None, title: str, folder: str = "") -> str | None:
    dialog = file_dialog(parent, title, "", start_folder("folder", folder), mode="folder")
    return _chosen(dialog, "folder")

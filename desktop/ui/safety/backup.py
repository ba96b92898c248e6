"""File menu: Back up now, Restore from backup, Check database; and the start-up questions
(the database is open elsewhere; the database is damaged)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.core import backup, integrity
from desktop.core.errors import CipDeskError
from desktop.ui import dialogs
from desktop.ui.table_model import RIGHT_ALIGN, Column, ListTableModel, row_table
from desktop.ui.tasks import run_task

# ---------------------------------------------------------------------------------------------
# Start-up questions
# ---------------------------------------------------------------------------------------------


class _Question(QDialog):
    """An icon, a heading, a paragraph, and two buttons with plain labels (not Yes/No)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        heading: str,
        text: str,
        yes: str,
        no: str,
        icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxWarning,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        picture = QLabel()
        picture.setPixmap(self.style().standardIcon(icon).pixmap(40, 40))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(picture)
        words = QVBoxLayout()
        head = QLabel(heading)
        head.setWordWrap(True)
        head.setStyleSheet("font-weight: bold; font-size: 14px;")
        words.addWidget(head)
        body = QLabel(text)
        body.setWordWrap(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        words.addWidget(body)
        row.addLayout(words, 1)
        layout.addLayout(row)
        buttons = QDialogButtonBox()
        self.yes_button = buttons.addButton(yes, QDialogButtonBox.ButtonRole.AcceptRole)
        self.no_button = buttons.addButton(no, QDialogButtonBox.ButtonRole.RejectRole)
        self.yes_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def in_use_dialog(parent: QWidget | None, exc: Any) -> _Question:
    holder = exc.holder
    who = f"<b>{holder.user}</b> on the computer <b>{holder.machine}</b>" if holder else "another copy"
    since = f" ({holder.since_text.strip()})" if holder is not None and holder.since_text else ""
    text = (
        f"{exc.path.name} is open in CiP Desk by {who}{since}.<br><br>"
        "Only one copy of CiP Desk can make changes to a database at a time, so that nobody's work "
        "is overwritten. You can open it <b>read-only</b> to look things up and print, or close "
        "CiP Desk and try again once they have finished.<br><br>"
        f"<span style='color: gray'>Database: {exc.path}</span>"
    )
    return _Question(
        parent, "CiP Desk is already open", "This database is already in use", text, "Open read-only", "Close"
    )


def ask_open_read_only(parent: QWidget | None, exc: Any) -> bool:
    """The database is held by another copy: True to open it read-only, False to stop."""
    return in_use_dialog(parent, exc).exec() == QDialog.DialogCode.Accepted


def damaged_dialog(parent: QWidget | None, message: str, good: backup.BackupInfo) -> _Question:
    text = (
        f"{message}<br><br>The latest good backup is the <b>{good.describe()}</b>.<br><br>"
        "Restore it now? The damaged file is kept beside your backups. Changes made after that "
        "backup will need to be entered again."
        f"<br><br><span style='color: gray'>{good.path}</span>"
    )
    return _Question(
        parent,
        "The database is damaged",
        "CiP Desk found damage in the database",
        text,
        "Restore this backup",
        "Close",
        QStyle.StandardPixmap.SP_MessageBoxCritical,
    )


def ask_restore_damaged(parent: QWidget | None, message: str, good: backup.BackupInfo) -> bool:
    return damaged_dialog(parent, message, good).exec() == QDialog.DialogCode.Accepted


# ---------------------------------------------------------------------------------------------
# Back up now
# ---------------------------------------------------------------------------------------------


def _read_only(ctx: Any) -> bool:
    return bool(getattr(ctx.db, "read_only", False))


def backup_now(parent: QWidget | None, ctx: Any) -> None:
    db = ctx.db
    if db.sqlite_path is None:
        out = dialogs.save_file(
            parent, "Save a backup of the database", "cipdesk-backup.sqlite", dialogs.DATABASE_FILTER
        )
        if not out:
            return
        run_task(
            parent,
            "Backing up",
            lambda _p: backup.backup_to(db, Path(out)),
            on_done=lambda path: dialogs.info(parent, "Backed up", f"The database was saved to {path}."),
        )
        return

    def work(_progress: Any) -> Path | None:
        return backup.backup_before(db, "manual")

    def done(path: Path | None) -> None:
        if path is None:
            dialogs.error(parent, "Back up now", "There is no database file to back up yet.")
            return
        dialogs.info(
            parent,
            "Backed up",
            f"The database was backed up to:\n{path}\n\nCiP Desk keeps the last {backup.KEEP_LAST} "
            "backups in that folder and the last one of every month for a year. You can choose the "
            "folder (for example a network drive) in Settings.",
        )

    run_task(parent, "Backing up", work, on_done=done)


# ---------------------------------------------------------------------------------------------
# Restore from backup
# ---------------------------------------------------------------------------------------------


def _size_text(b: backup.BackupFile) -> str:
    try:
        size = b.path.stat().st_size
    except OSError:
        return "missing"
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


class BackupListModel(ListTableModel):
    columns = (
        Column("Taken", lambda b: f"{b.taken:%a %d/%m/%Y %H:%M}"),
        Column("Kind", lambda b: kind_text(b.why)),
        Column("Size", _size_text, align=RIGHT_ALIGN),
    )

    def __init__(self, rows: list[backup.BackupFile]):
        super().__init__()
        self.rows = rows


def kind_text(why: str) -> str:
    return {
        "daily": "Daily (first start of the day)",
        "manual": "Made with Back up now",
        "before-import": "Before an import",
        "before-undo": "Before undoing an import",
        "before-migration": "Before an upgrade of CiP Desk",
        "before-restore": "Before a restore",
        "before-anonymise": "Before anonymising",
    }.get(why, why.replace("-", " ").capitalize())


class RestoreDialog(QDialog):
    """Pick one of the automatic backups (or any file), see what it holds, restore it."""

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Restore from backup")
        self.resize(640, 460)
        self.chosen: Path | None = None
        layout = QVBoxLayout(self)
        try:
            self.folder: Path | None = backup.backup_folder(ctx.db)
            rows = backup.list_backups(self.folder, backup._stem(ctx.db))
        except CipDeskError as exc:
            self.folder, rows = None, []
            layout.addWidget(QLabel(str(exc)))
        intro = QLabel(
            "Choose the backup to go back to. The database as it is now is backed up first, so a "
            "restore can itself be undone by restoring that backup."
            + (f"<br><span style='color: gray'>Backups in {self.folder}</span>" if self.folder else "")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = BackupListModel(rows)
        self.table = row_table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self._restore_selected())
        self.empty = QLabel(
            "There are no automatic backups in this folder yet. Use “Choose a file…” to "
            "restore a backup kept somewhere else."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(mid); font-size: 14px; padding: 40px;")
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.details = QLabel(" ")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.restore_button.setDefault(True)
        self.file_button = QPushButton("Choose a file…")
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button.clicked.connect(self._restore_selected)
        self.file_button.clicked.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def _show(self, row: int) -> None:
        if row < 0 or row >= len(self.model.rows):
            self.details.setText(" ")
            self.restore_button.setEnabled(False)
            return
        try:
            info = backup.inspect_backup(self.model.rows[row].path, check=False)
        except CipDeskError as exc:
            self.details.setText(f"<span style='color: #b00020'>{exc}</span>")
            self.restore_button.setEnabled(False)
            return
        duty = f"latest duty {info.latest_duty:%d/%m/%Y}" if info.latest_duty else "no duties"
        older = " Made by an older version of CiP Desk: it will be upgraded." if info.needs_upgrade else ""
        self.details.setText(f"This backup holds <b>{info.officers:,} officers</b>, {duty}.{older}")
        self.restore_button.setEnabled(True)

    def _restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.chosen = self.model.rows[rows[0].row()].path
        self.accept()

    def _choose_file(self) -> None:
        path = dialogs.open_file(
            self, "Restore from a backup file", dialogs.DATABASE_FILTER, str(self.folder or "")
        )
        if path:
            self.chosen = Path(path)
            self.accept()


def choose_backup(parent: QWidget | None, ctx: Any) -> Path | None:
    """The restore dialog; the chosen file or None (module attribute: tests replace it)."""
    dialog = RestoreDialog(ctx, parent)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


def restore_backup(parent: QWidget | None, ctx: Any, path: Path | None = None) -> None:
    if _read_only(ctx):
        dialogs.info(
            parent,
            "Restore from backup",
            "This window is read-only because another copy of CiP Desk has the database open. "
            "Restore from that copy, or close it first.",
        )
        return
    path = path or choose_backup(parent, ctx)
    if path is None:
        return
    try:
        info = backup.inspect_backup(path, check=False)
    except CipDeskError as exc:
        dialogs.error(parent, "This file cannot be restored", str(exc))
        return
    duty = f"latest duty {info.latest_duty:%d/%m/%Y}" if info.latest_duty else "no duties"
    if not dialogs.confirm(
        parent,
        "Restore from backup",
        f"Replace the database with the backup of {info.taken:%d/%m/%Y %H:%M}?\n\n"
        f"It holds {info.officers:,} officers, {duty}. Anything entered since then will be gone "
        "from the database (the database as it is now is backed up first, so nothing is lost for good).",
    ):
        return
    db = ctx.db

    def done(result: backup.RestoreResult) -> None:
        ctx.notify("all")
        kept = (
            f"\n\nThe database as it was is kept in:\n{result.safety_backup}" if result.safety_backup else ""
        )
        dialogs.info(parent, "Backup restored", result.describe() + kept)

    run_task(parent, "Restoring the backup", lambda _p: backup.restore(db, path), on_done=done)


# ---------------------------------------------------------------------------------------------
# Check database
# ---------------------------------------------------------------------------------------------


def check_integrity(parent: QWidget | None, ctx: Any) -> None:
    db = ctx.db
    if db.sqlite_path is None:
        dialogs.info(
            parent,
            "Check database",
            "This database is on a PostgreSQL server, which checks its own storage. Nothing to check here.",
        )
        return

    def done(result: integrity.CheckResult) -> None:
        if result.ok:
            dialogs.info(parent, "Check database", result.message())
            return
        offer_latest_good(parent, ctx, result)

    run_task(parent, "Checking the database", lambda _p: integrity.integrity_check(db), on_done=done)


def offer_latest_good(parent: QWidget | None, ctx: Any, result: integrity.CheckResult) -> None:
    try:
        good = backup.latest_good_backup(backup.backup_folder(ctx.db), backup._stem(ctx.db))
    except CipDeskError:
        good = None
    if good is None or _read_only(ctx):
        dialogs.error(
            parent,
            "The database is damaged",
            result.message() + "\n\nNo good backup was found to restore. Ask your IT support for help.",
        )
        return
    if ask_restore_damaged(parent, result.message(), good):
        db = ctx.db

        def done(res: backup.RestoreResult) -> None:
            ctx.notify("all")
            dialogs.info(parent, "Backup restored", res.describe())

        run_task(parent, "Restoring the backup", lambda _p: backup.restore(db, good.path), on_done=done)

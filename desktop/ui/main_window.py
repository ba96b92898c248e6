"""The main window: tabs Roster, Pathway, Attachments, Hours, Returns, the File and Reports menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from desktop import __version__
from desktop.core import settings
from desktop.core.audit import current_user
from desktop.ui import dialogs
from desktop.ui.attachments.tab import AttachmentsTab
from desktop.ui.context import AppContext
from desktop.ui.hours.tab import HoursTab
from desktop.ui.pathway.tab import PathwayTab
from desktop.ui.reports.qualifications import show_expiring
from desktop.ui.returns.tab import ReturnsTab
from desktop.ui.roster.export import export_roster
from desktop.ui.roster.tab import RosterTab
from desktop.ui.safety.backup import backup_now, check_integrity, restore_backup
from desktop.ui.safety.data_protection import retention_review, subject_access_export
from desktop.ui.settings.dialog import open_settings
from desktop.ui.tasks import wait_for_all

MenuFunction = Callable[[QWidget, AppContext], Any]

# Each tab, in order.
TABS: tuple[tuple[str, Callable[[AppContext], QWidget]], ...] = (
    ("Roster", RosterTab),
    ("Pathway", PathwayTab),
    ("Attachments", AttachmentsTab),
    ("Hours", HoursTab),
    ("Returns", ReturnsTab),
)


# Importing a roster brings the spreadsheet readers and the importer, which starting the window
# does not need: they load when File > Import roster or Import history is first chosen.
def import_roster(parent: QWidget, ctx: AppContext) -> Any:
    from desktop.ui.importing.wizard import run_import_wizard

    return run_import_wizard(parent, ctx)


def import_history(parent: QWidget, ctx: AppContext) -> Any:
    from desktop.ui.importing.history import show_import_history

    return show_import_history(parent, ctx)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setMinimumSize(1000, 640)
        self.resize(1280, 800)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.tab_widgets: dict[str, QWidget] = {}
        for title, tab in TABS:
            widget = tab(ctx)
            self.tab_widgets[title] = widget
            self.tabs.addTab(widget, title)
        self._stale: set[str] = set()
        ctx.changed.connect(self._on_changed)
        self.tabs.currentChanged.connect(self._on_tab_shown)
        self._build_menus()
        self._update_title()
        where = ctx.db.sqlite_path or ctx.db.engine.url.render_as_string(hide_password=True)
        self.statusBar().addPermanentWidget(QLabel(f"{where}  ·  {current_user()}"))

    # -- menus ---------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot: Callable[[], object], shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _run(self, function: MenuFunction) -> Callable[[], object]:
        return lambda: function(self, self.ctx)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.import_action = self._action(
            file,
            "&Import roster…",
            self._run(import_roster),
            "Ctrl+I",
            "Import officers and hours from a spreadsheet",
        )
        self._action(file, "Import &history…", self._run(import_history))
        self._action(file, "&Export roster…", self._run(export_roster), "Ctrl+E")
        file.addSeparator()
        self._action(file, "&Back up now…", self._run(backup_now))
        self._action(file, "&Restore from backup…", self._run(restore_backup))
        self._action(file, "&Check database…", self._run(check_integrity))
        file.addSeparator()
        self._action(file, "Retention &review…", self._run(retention_review))
        self._action(file, "&Subject access export…", self._run(subject_access_export))
        file.addSeparator()
        self._action(file, "Se&ttings…", self._run(open_settings), "Ctrl+,")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        reports = bar.addMenu("&Reports")
        self._action(reports, "&Qualifications expiring or expired…", self._run(show_expiring))
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts…", self._shortcuts, "F1")
        self._action(help_menu, "&About CiP Desk", self._about)

    def _shortcuts(self) -> None:
        from desktop.ui.shortcuts import show_shortcuts

        self._shortcuts_dialog = show_shortcuts(self, self.tab_widgets)

    def _about(self) -> None:
        dialogs.info(
            self,
            "About CiP Desk",
            f"CiP Desk {__version__}\n\nThe Citizens in Policing desk: Special Constables' roster, "
            "pathway, attachments, hours and monthly returns. Works offline; your data stays on "
            "this computer.",
        )

    # -- refresh ---------------------------------------------------------------------------------
    def _on_changed(self, what: str) -> None:
        if what in ("settings", "all"):
            self._update_title()
        current = self.tabs.currentWidget()
        for widget in self.tab_widgets.values():
            if widget is current:
                widget.refresh()
            else:
                self._stale.add(id(widget))  # refresh when next shown

    def _on_tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if id(widget) in self._stale:
            self._stale.discard(id(widget))
            widget.refresh()

    def _update_title(self) -> None:
        self.setWindowTitle(f"CiP Desk — {settings.get(self.ctx.db, 'force_name')}")

    def closeEvent(self, event: QCloseEvent) -> None:
        wait_for_all(10_000)
        super().closeEvent(event)

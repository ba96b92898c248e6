"""The main window: tabs Roster, Pathway, Attachments, Hours, Returns, and the File menu."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from desktop import __version__
from desktop.core import settings
from desktop.core.audit import current_user
from desktop.ui import dialogs
from desktop.ui.context import AppContext

# (title, module, class) of each tab, in order.
TABS: tuple[tuple[str, str, str], ...] = (
    ("Roster", "desktop.ui.roster.tab", "RosterTab"),
    ("Pathway", "desktop.ui.pathway.tab", "PathwayTab"),
    ("Attachments", "desktop.ui.attachments.tab", "AttachmentsTab"),
    ("Hours", "desktop.ui.hours.tab", "HoursTab"),
    ("Returns", "desktop.ui.returns.tab", "ReturnsTab"),
)


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
        for title, module, cls in TABS:
            widget = getattr(importlib.import_module(module), cls)(ctx)
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

    def _call(self, module: str, func: str) -> Callable[[], object]:
        def run() -> object:
            try:
                mod = importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
                dialogs.info(self, "Not available yet", "This part of CiP Desk is not built yet.")
                return None
            return getattr(mod, func)(self, self.ctx)

        return run

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.import_action = self._action(
            file,
            "&Import roster…",
            self._call("desktop.ui.importing.wizard", "run_import_wizard"),
            "Ctrl+I",
            "Import officers and hours from a spreadsheet",
        )
        self._action(
            file, "Import &history…", self._call("desktop.ui.importing.history", "show_import_history")
        )
        self._action(
            file, "&Export roster…", self._call("desktop.ui.roster.export", "export_roster"), "Ctrl+E"
        )
        file.addSeparator()
        self._action(file, "&Back up now…", self._call("desktop.ui.safety.backup", "backup_now"))
        self._action(file, "&Restore from backup…", self._call("desktop.ui.safety.backup", "restore_backup"))
        self._action(file, "&Check database…", self._call("desktop.ui.safety.backup", "check_integrity"))
        file.addSeparator()
        self._action(
            file, "Retention &review…", self._call("desktop.ui.safety.data_protection", "retention_review")
        )
        self._action(
            file,
            "&Subject access export…",
            self._call("desktop.ui.safety.data_protection", "subject_access_export"),
        )
        file.addSeparator()
        self._action(file, "Se&ttings…", self._call("desktop.ui.settings.dialog", "open_settings"), "Ctrl+,")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        reports = bar.addMenu("&Reports")
        self._action(
            reports,
            "&Qualifications expiring or expired…",
            self._call("desktop.ui.reports.qualifications", "show_expiring"),
        )
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About CiP Desk", self._about)

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
        from desktop.ui.tasks import wait_for_all

        wait_for_all(10_000)
        super().closeEvent(event)

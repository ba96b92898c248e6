"""File > Settings: General, Pathway stages, Qualification types, Units and Ranks.

Each page is its own module behind the protocol of desktop/ui/settings/page.py, and saves its own
changes with its own button (audited like every change), then tells the window with
``ctx.notify("settings")``. The dialog lists the pages, saves the page shown on Ctrl+S, and on
closing lets each page save or ask about what is not saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.general import GeneralPage
from desktop.ui.settings.page import SettingsPage
from desktop.ui.settings.qualification_types import QualTypesPage
from desktop.ui.settings.ranks import RanksPage
from desktop.ui.settings.stages import StagesPage
from desktop.ui.settings.units import UnitsSettingsPage


class SettingsDialog(QDialog):
    PAGES: tuple[type[SettingsPage], ...] = (
        GeneralPage,
        StagesPage,
        QualTypesPage,
        UnitsSettingsPage,
        RanksPage,
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Settings")
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.general = GeneralPage(ctx)
        self.stages = StagesPage(ctx)
        self.qual_types = QualTypesPage(ctx)
        self.units = UnitsSettingsPage(ctx)
        self.ranks = RanksPage(ctx)
        self.pages: tuple[SettingsPage, ...] = (
            self.general,
            self.stages,
            self.qual_types,
            self.units,
            self.ranks,
        )
        for page in self.pages:
            self.nav.addItem(page.TITLE)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        bottom = QHBoxLayout()
        hint = QLabel("Each page saves with its own button; every change is kept in the audit log.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        bottom.addWidget(hint, 1)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+S"), self, self._save_current)

    def _save_current(self) -> None:
        self.pages[self.stack.currentIndex()].save()

    def reject(self) -> None:
        """Close: a page that saves on closing (Units) saves first, since that can fail and keep the
        dialog open; only then does a page whose edits would be lost (General) ask."""
        for page in self.pages:
            if page.SAVES_ON_CLOSE and page.is_dirty() and not page.save():
                return
        for page in self.pages:
            if (
                not page.SAVES_ON_CLOSE
                and page.is_dirty()
                and not dialogs.confirm(
                    self,
                    "Discard changes?",
                    f"The {page.TITLE} page has changes that are not saved. Close and discard them?",
                )
            ):
                return
        super().reject()


def open_settings(parent: QWidget | None, ctx: AppContext) -> SettingsDialog:
    dlg = SettingsDialog(ctx, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg

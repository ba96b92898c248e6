"""Settings > Ranks: the force's ranks, lowest first: add, rename, move (seniority), short codes, remove."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import ranks
from desktop.core.errors import CipDeskError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.page import SettingsPage, select_item, selected_item, settings_table, unselect


class RanksPage(SettingsPage):
    """The force's ranks, lowest first: add, rename, move (seniority), short codes, remove."""

    TITLE = "Ranks"

    HEADERS = ("Rank", "Short code", "Officers")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.rows: list[ranks.RankInfo] = []
        self.editing: str | None = None  # the code being edited; None: a new rank
        self._above: str | None = None  # a new rank goes just senior to this one
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Lowest rank first. Returns count officers by rank in this order, and the roster sorts "
            "by it; an import reads the short code or the name."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(hint)
        self.table = settings_table(self.HEADERS, fit_others=True)
        layout.addWidget(self.table, 1)
        moves = QHBoxLayout()
        self.up_button = QPushButton("Move &up")
        self.up_button.setToolTip("One step more junior")
        self.down_button = QPushButton("Move do&wn")
        self.down_button.setToolTip("One step more senior")
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        layout.addLayout(moves)

        self.box = QGroupBox("Rank")
        form = QFormLayout(self.box)
        self.name = QLineEdit()
        self.name.setMaxLength(ranks.MAX_NAME)
        self.name.setPlaceholderText("e.g. Deputy Chief Officer")
        self.code = QLineEdit()
        self.code.setMaxLength(ranks.MAX_CODE)
        self.code.setPlaceholderText("e.g. DCO")
        self.used = QLabel()
        self.used.setWordWrap(True)
        form.addRow("&Name:", self.name)
        form.addRow("Short &code:", self.code)
        form.addRow("", self.used)
        self.new_button = QPushButton("&New rank")
        self.remove_button = QPushButton("&Remove")
        self.save_button = QPushButton("&Save rank")
        self.add_outcome_rows(form, self.new_button, self.remove_button, self.save_button)
        layout.addWidget(self.box)

        self.table.itemSelectionChanged.connect(self._show_selected)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.new_button.clicked.connect(self.new)
        self.remove_button.clicked.connect(self.remove)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self, select_code: str | None = None) -> None:
        if select_code is None:
            select_code = self.editing
        self.rows = ranks.list_ranks(self.ctx.db)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, info in enumerate(self.rows):
            cells = (f"{r + 1}. {info.name}", info.code, f"{info.officers:,}")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)
        select_item(self.table, self.rows, lambda info: info.code == select_code)
        self._show_selected()

    def selected(self) -> ranks.RankInfo | None:
        return selected_item(self.table, self.rows)

    def _show_selected(self) -> None:
        info = self.selected()
        self.error.hide()
        if info is None:
            self.new()
            return
        index = self.rows.index(info)
        self.editing = info.code
        self.box.setTitle(f"Rank: {info.name}")
        self.name.setText(info.name)
        self.code.setText(info.code)
        self.code.setEnabled(not info.in_use)
        self.remove_button.setEnabled(not info.in_use and len(self.rows) > 1)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(index < len(self.rows) - 1)
        if info.in_use:
            who = "1 officer" if info.officers == 1 else f"{info.officers:,} officers"
            self.used.setText(
                f"Held by {who} (now or before): it can be renamed and moved, but not removed, "
                "and its short code stays."
            )
        else:
            self.used.setText("Nobody holds this rank: it can be changed or removed.")
        self.save_button.setText("&Save rank")

    def new(self) -> None:
        """Empty the form for a new rank, to go just above the one selected (or at the top)."""
        above = self.selected()
        self.editing = None
        self._above = above.code if above else None
        self.box.setTitle(f"New rank (senior to {above.name})" if above else "New rank (most senior)")
        unselect(self.table)
        self.name.clear()
        self.code.clear()
        self.code.setEnabled(True)
        self.used.setText("It goes in the list just above the rank that was selected; move it as needed.")
        self.remove_button.setEnabled(False)
        self.up_button.setEnabled(False)
        self.down_button.setEnabled(False)
        self.save_button.setText("&Add rank")
        self.error.hide()
        self.name.setFocus()

    def save(self) -> bool:
        self.status.clear()
        db = self.ctx.db
        name = " ".join(self.name.text().split())
        try:
            if self.editing is None:
                above = getattr(self, "_above", None) or (self.rows[-1].code if self.rows else None)
                code = ranks.add_rank(db, self.code.text(), name, above=above)
                text = f"Added {name} ({code})."
            else:
                code = self.editing
                info = next((r for r in self.rows if r.code == code), None)
                if info is not None and self.code.text().strip() != code:
                    code = ranks.change_code(db, code, self.code.text())
                if info is not None and name != info.name:
                    ranks.rename_rank(db, code, name)
                text = f"Saved {name} ({code})."
        except CipDeskError as exc:
            self.show_failure(exc)
            return False
        self.show_done(text, code)
        return True

    def move(self, delta: int) -> None:
        info = self.selected()
        if info is None:
            return
        direction = "down" if delta > 0 else "up"
        self.change(
            lambda: ranks.move_rank(self.ctx.db, info.code, delta),
            f"Moved {info.name} {direction}.",
            info.code,
        )

    def remove(self) -> None:
        info = self.selected()
        if info is None:
            return
        if not dialogs.confirm(self, "Remove rank", f"Remove the rank {info.name} ({info.code})?"):
            return
        if self.change(lambda: ranks.remove_rank(self.ctx.db, info.code), f"Removed {info.name}."):
            self.editing = None

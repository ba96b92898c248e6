"""Help > Keyboard shortcuts: every shortcut the window has, in one list.

The window's own part is read from the live menus and tabs when the list is shown, so it cannot go
stale: a menu item with a shortcut lists itself, and each tab's shortcuts are described below by
their keys (tests check that every shortcut a tab registers is described here). Dialogs' shortcuts
(duty entry, the officer record) are listed as they are documented in those dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.dialogs import fit_to_screen

# What each tab's shortcut does, by tab title and portable key text.
TAB_SHORTCUTS: dict[str, dict[str, str]] = {
    "Roster": {"Ctrl+F": "Search the roster", "Ctrl+N": "New officer"},
    "Pathway": {"Ctrl+R": "Record a stage for the ticked officers"},
    "Attachments": {"Ctrl+N": "Request an attachment"},
    "Hours": {
        "Ctrl+D": "Enter duties by keyboard",
        "Ctrl+F": "Search the officers shown",
        "Alt+Left": "The month before",
        "Alt+Right": "The month after",
    },
    "Returns": {"Alt+Left": "The month before", "Alt+Right": "The month after"},
}

# Shortcuts inside dialogs the window opens.
DIALOG_SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Enter duties", "Enter", "Accept the field's value and go to the next field; save the duty"),
    ("Enter duties", "Ctrl+Z", "Undo the last saved duty"),
    ("Officer record", "Ctrl+S", "Save and close"),
    ("Officer record: duties", "Insert", "Add a duty"),
    ("Officer record: duties", "Delete", "Delete the chosen duty"),
    ("Duties of a day", "Insert", "Add a duty"),
    ("Duties of a day", "Delete", "Delete the chosen duty"),
    ("Settings", "Ctrl+S", "Save the page shown"),
    ("Qualifications expiring", "Ctrl+E", "Save as Excel"),
)


def _keys(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def tab_shortcuts(tab: QWidget) -> list[str]:
    """The keys of the shortcuts a tab registers itself (not those of dialogs it opens)."""
    found = tab.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return sorted({_keys(shortcut.key()) for shortcut in found})


def all_shortcuts(window: QMainWindow, tabs: dict[str, QWidget]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for the menus, each tab and the dialogs."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        where = menu_action.text().replace("&", "")
        for action in menu.actions():
            if not action.shortcut().isEmpty():
                rows.append(
                    (f"{where} menu", _keys(action.shortcut()), action.text().replace("&", "").rstrip("…"))
                )
    for title, tab in tabs.items():
        described = TAB_SHORTCUTS.get(title, {})
        for keys in tab_shortcuts(tab):
            rows.append((f"{title} tab", keys, described.get(keys, "")))
    rows.extend(DIALOG_SHORTCUTS)
    return rows


def show_shortcuts(window: QMainWindow, tabs: dict[str, QWidget]) -> QDialog:
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    layout = QVBoxLayout(dialog)
    tree = QTreeWidget()
    tree.setHeaderLabels(["Where", "Keys", "What it does"])
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    for where, keys, what in all_shortcuts(window, tabs):
        native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys
        tree.addTopLevelItem(QTreeWidgetItem([where, native, what]))
    for column in range(2):
        tree.resizeColumnToContents(column)
    layout.addWidget(tree)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(640, 520)
    fit_to_screen(dialog)
    dialog.show()
    return dialog

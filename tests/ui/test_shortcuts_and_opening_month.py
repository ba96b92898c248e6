"""Help > Keyboard shortcuts lists every shortcut the window has, read from the live window."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidget

from desktop.ui import main_window, shortcuts


def test_the_list_names_every_tabs_shortcuts_and_the_month_keys(ctx, qtbot):
    window = main_window.MainWindow(ctx)
    qtbot.addWidget(window)
    rows = shortcuts.all_shortcuts(window, window.tab_widgets)
    for title, tab in window.tab_widgets.items():
        for keys in shortcuts.tab_shortcuts(tab):
            what = {k: w for where, k, w in rows if where == f"{title} tab"}[keys]
            assert what, f"{title} tab: {keys} is not described in the shortcuts list"
    assert ("Hours tab", "Alt+Left", "The month before") in rows
    assert ("Returns tab", "Alt+Right", "The month after") in rows
    assert ("Enter duties", "Ctrl+Z", "Undo the last saved duty") in rows
    assert ("File menu", "Ctrl+I", "Import roster") in rows


def test_help_menu_opens_the_list(ctx, qtbot):
    window = main_window.MainWindow(ctx)
    qtbot.addWidget(window)
    items = {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions() if a.text()}
    items["&Keyboard shortcuts…"].trigger()
    dialog = window._shortcuts_dialog
    qtbot.addWidget(dialog)
    tree = dialog.findChild(QTreeWidget)
    texts = [tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())]
    assert "Enter duties by keyboard" in texts and "The month after" in texts
    assert dialog.isVisible()


def test_after_an_import_hours_and_returns_show_its_latest_month(ctx, qtbot):
    import datetime as dt

    from desktop.core import hours, roster
    from desktop.ui.hours.tab import HoursTab
    from desktop.ui.returns.tab import ReturnsTab

    oid = roster.create_officer(ctx.db, {"collar": "7", "surname": "Able", "joined": dt.date(2020, 1, 1)})
    hours.add_duty(
        ctx.db, {"officer_id": oid, "date": dt.date(2024, 5, 3), "hours": 4.0, "duty_type": "patrol"}
    )
    hours_tab, returns_tab = HoursTab(ctx), ReturnsTab(ctx)
    qtbot.addWidget(hours_tab)
    qtbot.addWidget(returns_tab)
    assert hours_tab.month == "2024-05"  # where the work is, not an empty current month
    assert returns_tab.month_combo.currentData() == "2024-05"
    assert "Alt+Left" in hours_tab.month_combo.toolTip() and "Alt+Right" in returns_tab.month_combo.toolTip()
    ctx.show_month("2024-02")  # what the import wizard says when its import's hours end in February
    assert hours_tab.month == "2024-02"
    assert hours_tab.month_combo.currentData() == "2024-02"
    assert returns_tab.month_combo.currentData() == "2024-02"

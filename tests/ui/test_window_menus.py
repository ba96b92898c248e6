"""The window's File and Reports menus: every item runs the part of the window it names."""

from __future__ import annotations

from desktop.ui import main_window


def test_every_menu_item_runs_what_it_names(ctx, qtbot, monkeypatch):
    ran: list[tuple[str, object, object]] = []
    names = {
        "&Import roster…": "import_roster",
        "Import &history…": "import_history",
        "&Export roster…": "export_roster",
        "&Back up now…": "backup_now",
        "&Restore from backup…": "restore_backup",
        "&Check database…": "check_integrity",
        "Retention &review…": "retention_review",
        "&Subject access export…": "subject_access_export",
        "Se&ttings…": "open_settings",
        "&Qualifications expiring or expired…": "show_expiring",
    }
    for name in names.values():
        monkeypatch.setattr(main_window, name, lambda parent, c, name=name: ran.append((name, parent, c)))
    window = main_window.MainWindow(ctx)
    qtbot.addWidget(window)
    items = {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions() if a.text()}
    for text, name in names.items():
        items[text].trigger()
        assert ran[-1] == (name, window, ctx)
    assert len(ran) == len(names)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Roster",
        "Pathway",
        "Attachments",
        "Hours",
        "Returns",
    ]

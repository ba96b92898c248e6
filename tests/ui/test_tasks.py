"""Slow work off the UI thread: results, Cancel, failures, and a window closed before the work ends."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from desktop.core.errors import CipDeskError
from desktop.ui import dialogs, tasks


def test_result_comes_back_on_the_ui_thread(qtbot):
    seen = []
    main = threading.get_ident()

    def work(progress):
        progress(1, 2, "half way")
        return threading.get_ident()

    tasks.run_task(None, "Working", work, on_done=lambda r: seen.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    worker, done_on = seen[0]
    assert worker != main and done_on == main


def test_cancel_stops_the_work_at_its_next_report(qtbot):
    started, release, cancelled, done = threading.Event(), threading.Event(), [], []

    def work(progress):
        started.set()
        release.wait(5)
        progress(1, 10, "")  # raises Cancelled once the user pressed Cancel
        done.append(True)

    task = tasks.run_task(None, "Working", work, on_cancel=lambda: cancelled.append(True), show_dialog=False)
    started.wait(5)
    task.cancel_event.set()
    release.set()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=5000)
    assert done == []


def test_a_known_failure_is_shown_in_plain_words(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(
        dialogs, "error", lambda parent, title, text, details=None: shown.append((title, text))
    )

    def work(progress):
        raise CipDeskError("The file is not a spreadsheet.")

    tasks.run_task(None, "Importing", work, show_dialog=False)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [("Importing", "The file is not a spreadsheet.")]


def test_a_window_closed_before_the_work_ends_is_left_alone(qtbot):
    parent = QWidget()
    release, called = threading.Event(), []

    def work(progress):
        release.wait(5)
        return 1

    tasks.run_task(parent, "Working", work, on_done=called.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(parent), timeout=5000)
    release.set()
    assert tasks.wait_for_all(5000)
    qtbot.wait(50)
    assert called == []


def test_tab_leaves_a_row_table(qtbot):
    from desktop.ui.table_model import Column, ListTableModel, row_table

    class Model(ListTableModel):
        columns = (Column("A", str),)

    view = row_table(Model())
    qtbot.addWidget(view)
    assert not view.tabKeyNavigation()

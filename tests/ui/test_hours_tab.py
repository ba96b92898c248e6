"""Hours tab driven as a user drives it: the grid, keyboard duty entry, a day's duties, an event."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.core import hours, roster
from desktop.core.models import MonthLock
from desktop.ui import dialogs
from desktop.ui.hours import duty_dialogs, grid
from desktop.ui.hours import tab as hours_tab

D = dt.date


def officer(db, collar, surname, **extra) -> int:
    data = {"collar": collar, "surname": surname, "forenames": "Jo", "team": "Response A"}
    data.update({"joined": D(2020, 1, 1), "attested": D(2020, 3, 1)}, **extra)
    return roster.create_officer(db, data)


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_keys(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot, key) -> None:
    qtbot.keyClick(focused(), key)


@pytest.fixture
def tab(ctx, qtbot):
    widget = hours_tab.HoursTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def test_empty_state_without_officers(tab):
    assert tab.stack.currentWidget() is tab.empty
    assert "No officers yet" in tab.empty.label.text()
    assert "Import roster" in tab.empty.label.text()
    assert not tab.enter_button.isEnabled() and tab.open_entry() is None


def test_grid_model_content(db, qtbot):
    a = officer(db, "101", "Adams")
    officer(db, "99", "Zed", team="NPT")
    hours.add_duty(db, {"officer_id": a, "date": D(2026, 5, 2), "hours": 16})  # a Saturday
    model = grid.build_grid_model(db, "2026-05")
    assert model.rowCount() == 2 and model.columnCount() == 5 + 31
    assert [model.index(r, 0).data() for r in range(2)] == ["101", "99"]  # by name
    sat = model.first_day_col + 1
    assert model.headerData(sat, Qt.Orientation.Horizontal) == "2\nSa"
    assert model.index(0, sat).data() == "16"
    assert model.index(0, sat).data(Qt.ItemDataRole.BackgroundRole) is not None  # weekend shaded
    assert model.index(0, model.first_day_col + 3).data(Qt.ItemDataRole.BackgroundRole) is None  # Monday
    assert model.index(0, model.total_col).data() == "16"
    assert model.index(0, model.rag_col).data() == "Met"
    assert model.index(1, model.rag_col).data() == "Zero"
    colour = model.index(1, model.rag_col).data(Qt.ItemDataRole.BackgroundRole).color()
    assert colour == hours_tab.RAG_BACKGROUND["red"]
    model.sort(0, Qt.SortOrder.AscendingOrder)  # collar numbers in natural order
    assert [model.index(r, 0).data() for r in range(2)] == ["99", "101"]
    model.sort(model.total_col, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "101"
    model.set_filter(text="zed")
    assert model.rowCount() == 1
    model.set_filter(text="", team="NPT")
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["Zed, Jo"]


def test_grid_shows_monthly_total_column(db):
    a = officer(db, "101", "Adams")
    from sqlalchemy import insert

    from desktop.core.models import Duty

    with db.session() as s:
        s.execute(
            insert(Duty),
            [
                {
                    "officer_id": a,
                    "date": D(2026, 3, 1),
                    "hours": 20.0,
                    "duty_type": "patrol",
                    "is_monthly_total": True,
                    "source": "import",
                    "version": 1,
                }
            ],
        )
    model = grid.build_grid_model(db, "2026-03")
    assert model.monthly_col == 5 and model.headerData(5, Qt.Orientation.Horizontal) == "Monthly\nentry"
    assert model.index(0, 5).data() == "20"
    assert model.index(0, model.first_day_col).data() == ""  # not shown as a duty on the 1st
    assert model.index(0, model.total_col).data() == "20"
    assert "monthly total" in model.index(0, model.total_col).data(Qt.ItemDataRole.ToolTipRole)


def test_tab_month_picker_team_filter_and_search(db, tab):
    officer(db, "1", "Able")
    officer(db, "2", "Baker", team="NPT")
    tab.set_month("2026-02")
    assert tab.stack.currentWidget() is tab.view
    assert tab.month_combo.currentData() == "2026-02" and tab.model.n_days == 28
    assert "February 2026" in tab.summary.text() and "2 officers" in tab.summary.text()
    tab.prev_button.click()
    assert tab.month == "2026-01" and tab.model.n_days == 31
    tab.team_combo.setCurrentIndex(tab.team_combo.findData("NPT"))
    tab._team_changed()
    assert tab.model.rowCount() == 1
    tab.search.setText("nobody")
    assert tab.stack.currentWidget() is tab.empty and "matches" in tab.empty.label.text()
    tab.empty.button.click()
    assert tab.model.rowCount() == 2 and tab.stack.currentWidget() is tab.view
    tab.set_month("2019-06")  # before anyone joined
    assert "No officers were serving in June 2019" in tab.empty.label.text()


def test_keyboard_entry_twice_without_mouse(db, ctx, tab, qtbot):
    a = officer(db, "1001", "Ahmed")
    b = officer(db, "1002", "Brown")
    seen: list[str] = []
    ctx.changed.connect(seen.append)
    ctx.changed.connect(lambda _what: tab.refresh())  # as the main window does
    tab.set_month("2026-05")
    dlg = tab.open_entry()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: dlg.officer.edit.hasFocus())
    type_keys(qtbot, "1001")
    assert "Ahmed, Jo" in dlg.officer.who.text()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dlg.form.date_edit
    type_keys(qtbot, "9/5/2026")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "2200")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "0600")
    assert "8 h" in dlg.form.hours_hint.text() and "overnight" in dlg.form.hours_hint.text()
    press(qtbot, Qt.Key.Key_Return)
    # Saved, cleared for the next one; date kept; focus back on the collar.
    assert focused() is dlg.officer.edit and dlg.officer.edit.text() == ""
    assert dlg.form.date_edit.text() == "09/05/2026" and dlg.form.start_edit.text() == ""
    type_keys(qtbot, "1002")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)  # keep the date
    type_keys(qtbot, "9")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "1730")
    press(qtbot, Qt.Key.Key_Enter)
    assert dlg.just_entered.count() == 2
    assert "1002 Brown, Jo" in dlg.just_entered.item(0).text()
    first = hours.day_duties(db, a, D(2026, 5, 9))
    second = hours.day_duties(db, b, D(2026, 5, 9))
    assert [(d.hours, d.start_time, d.duty_type) for d in first] == [(8, dt.time(22), "patrol")]
    assert [(d.hours, d.end_time) for d in second] == [(8.5, dt.time(17, 30))]
    assert seen.count("duties") == 2
    # Undo the last one from the keyboard.
    qtbot.keyClick(dlg, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert hours.day_duties(db, b, D(2026, 5, 9)) == [] and dlg.just_entered.count() == 1
    # The grid follows (reload is debounced).
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2 and tab.model.grid.total_hours == 8)
    dlg.reject()
    assert tab.last_date == D(2026, 5, 9)


def test_entry_type_by_first_letter_and_reasons_in_red(db, tab, qtbot):
    officer(db, "1001", "Ahmed")
    tab.reload()  # the main window does this when officers change
    dlg = tab.open_entry()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: dlg.officer.edit.hasFocus())
    type_keys(qtbot, "4040")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "31/02/2026")
    press(qtbot, Qt.Key.Key_Return)
    assert "No officer has collar number 4040" in dlg.officer_error.text()
    assert "not a date that exists" in dlg.form.errors["date"].text()
    assert dlg.just_entered.count() == 0
    dlg.officer.edit.setText("1001")
    dlg.form.date_edit.setText("3/3/2026")
    dlg.form.start_edit.setText("10:00")
    dlg.form.end_edit.setText("10:00")
    dlg.save()
    assert "equals the start time" in dlg.form.errors["end_time"].text()
    dlg.form.type_combo.setFocus()
    qtbot.keyClick(dlg.form.type_combo, Qt.Key.Key_S)  # first letter chooses
    assert dlg.form.type_combo.currentData() == "specialist attachment"
    assert dlg.form.unit_combo.isEnabled()
    dlg.form.end_edit.setText("14:00")
    dlg.save()
    assert "needs its unit" in dlg.form.errors["unit_id"].text()
    dlg.form.unit_combo.setCurrentIndex(1)
    assert dlg.save() is not None
    assert dlg.form.type_combo.currentData() == "specialist attachment"  # type kept for the next


def test_locked_month_asks_a_reason(db, tab, qtbot, monkeypatch):
    a = officer(db, "1001", "Ahmed")
    with db.session() as s:
        s.add(MonthLock(month="2026-04", signed_off_by="test", figures={}))
    tab.set_month("2026-04")
    assert tab.banner.isVisible() and "signed off" in tab.banner.text()
    dlg = tab.open_entry()
    asked: list[str] = []

    def no_reason(parent, title, label, text=""):
        asked.append(label)
        return None

    monkeypatch.setattr(dialogs, "ask_text", no_reason)
    dlg.officer.edit.setText("1001")
    dlg.form.date_edit.setText("10/04/2026")
    dlg.form.hours_edit.setText("5")
    assert dlg.save() is None
    assert "April 2026 has been signed off" in asked[0]
    assert "needs a reason" in dlg.status.text()
    assert hours.day_duties(db, a, D(2026, 4, 10)) == []
    monkeypatch.setattr(dialogs, "ask_text", lambda *args, **kw: "Found a late paper return")
    rec = dlg.save()
    assert rec is not None and rec.hours == 5
    from sqlalchemy import select

    from desktop.core.models import AuditEvent

    with db.read() as s:
        reason = s.scalar(
            select(AuditEvent.reason).where(AuditEvent.entity == "duties", AuditEvent.entity_id == rec.id)
        )
    assert reason == "Found a late paper return"
    # A second duty of the same month in this run does not ask again.
    monkeypatch.setattr(dialogs, "ask_text", no_reason)
    dlg.officer.edit.setText("1001")
    dlg.form.hours_edit.setText("2")
    assert dlg.save() is not None and len(asked) == 1


def test_day_cell_opens_its_duties_with_add_edit_delete(db, tab, qtbot, monkeypatch):
    a = officer(db, "1001", "Ahmed")
    hours.add_duty(db, {"officer_id": a, "date": D(2026, 5, 4), "start_time": "09:00", "end_time": "13:00"})
    tab.set_month("2026-05")
    view = tab.view
    index = tab.model.index(0, tab.model.first_day_col + 3)
    assert index.data() == "4"
    view.setFocus()
    view.setCurrentIndex(index)
    opened: list = []
    original = hours_tab.DayDutiesDialog.open

    def remember(self):
        opened.append(self)
        original(self)

    monkeypatch.setattr(hours_tab.DayDutiesDialog, "open", remember)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(opened) == 1
    day = opened[0]
    assert day.list.topLevelItemCount() == 1 and "09:00–13:00" in day.list.topLevelItem(0).text(0)
    # Edit through the duty dialog.
    edit = duty_dialogs.DutyDialog(day.ctx, a, record=day.records[0], officer_label="Ahmed, Jo")
    edit.form.end_edit.setText("15:00")
    edit.save()
    assert edit.result() == edit.DialogCode.Accepted
    day.refresh()
    assert day.records[0].hours == 6
    # Add another.
    add = duty_dialogs.DutyDialog(day.ctx, a, day=D(2026, 5, 4))
    qtbot.addWidget(add)
    add.show()
    qtbot.waitExposed(add)
    add.activateWindow()
    add.form.hours_edit.setText("-3")
    add.save()  # refused: the cursor goes to the hours, where the problem is
    qtbot.waitUntil(lambda: add.form.hours_edit.hasFocus())
    add.form.hours_edit.setText("2")
    add.save()
    day.refresh()
    assert [r.hours for r in day.records] == [2, 6]
    # Delete (confirmed).
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    day.list.setCurrentItem(day.list.topLevelItem(0))
    day.delete()
    assert [r.hours for r in day.records] == [6]
    day.reject()


def test_event_duty_for_ticked_officers(db, tab, qtbot):
    a = officer(db, "1001", "Ahmed")
    b = officer(db, "1002", "Brown")
    officer(db, "1003", "Late", joined=D(2026, 6, 1), attested=None)
    tab.reload()
    dlg = tab.open_event()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: dlg.search.hasFocus())
    for collar in ("1001", "1002", "1003"):
        type_keys(qtbot, collar)
        press(qtbot, Qt.Key.Key_Return)  # the only match is ticked, the box cleared
    assert dlg.model.ticked == {a, b, 3}
    assert "3 ticked" in dlg.count.text()
    dlg.form.date_edit.setText("09/05/2026")
    dlg.form.start_edit.setText("18:00")
    dlg.form.end_edit.setText("23:00")
    dlg.save()
    assert "Saved 2 duties" in dlg.result_label.text()
    assert "before Jo Late joined" in dlg.result_label.text()
    assert dlg.model.ticked == {3}  # the refused one stays ticked
    assert [d.duty_type for d in hours.day_duties(db, a, D(2026, 5, 9))] == ["event"]
    assert [d.hours for d in hours.day_duties(db, b, D(2026, 5, 9))] == [5]
    dlg.reject()


def test_officer_duties_page(db, ctx, qtbot, monkeypatch):
    from desktop.ui.officer.duties_page import OfficerDutiesPage

    a = officer(db, "1001", "Ahmed")
    page = OfficerDutiesPage(ctx, a)
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.empty and "No duties recorded" in page.empty.label.text()
    today = dt.date.today()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    hours.add_duty(db, {"officer_id": a, "date": today, "hours": 3})
    hours.add_duty(db, {"officer_id": a, "date": last_month, "start_time": "22:00", "end_time": "06:00"})
    hours.add_duty(db, {"officer_id": a, "date": last_month, "hours": 2, "duty_type": "admin"})
    hours.add_duty(db, {"officer_id": a, "date": today.replace(year=today.year - 2), "hours": 5})
    page.refresh()
    assert page.tree.topLevelItemCount() == 2  # two months of the last 12
    newest, older = page.tree.topLevelItem(0), page.tree.topLevelItem(1)
    assert newest.text(2) == "3" and older.text(2) == "10" and older.text(1) == "2 duties"
    assert "13 hours in the last 12 months" in page.summary.text()
    page.period.setCurrentIndex(1)  # all duties
    assert page.tree.topLevelItemCount() == 3
    page.tree.setCurrentItem(page.tree.topLevelItem(1).child(0))
    rec = page.current()
    assert rec is not None
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.delete()
    assert len(page.records) == 3

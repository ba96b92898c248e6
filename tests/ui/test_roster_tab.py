"""The roster tab driven with qtbot: empty state, table, search, filters, count, sort by header, new
officer, open, record leaving, selection kept across refresh, import and drag-and-drop."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import insert, select

from desktop.core import roster
from desktop.core.models import OfficerQualification, QualificationType
from desktop.ui.officer import dialog as officer_dialog
from desktop.ui.officer.dialog import OfficerDialog
from desktop.ui.officer.leaving import LeavingDialog
from desktop.ui.roster.model import COLUMN_KEYS
from desktop.ui.roster.tab import RosterTab


def make(db, collar, surname, **extra):
    return roster.create_officer(db, {"collar": collar, "surname": surname, **extra})


@pytest.fixture
def tab(ctx, qtbot):
    widget = RosterTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 700)
    widget.show()
    return widget


@pytest.fixture
def force(ctx):
    db = ctx.db
    ids = {
        "able": make(db, "100", "Able", forenames="Zoë", team="Response A", joined=dt.date(2015, 1, 1)),
        "baker": make(
            db, "SC2", "Baker", forenames="Siân", rank="SSgt", team="Rural", joined=dt.date(2019, 1, 1)
        ),
        "cole": make(db, "4521", "Cole", team="Response A", status="LOA", joined=dt.date(2012, 1, 1)),
        "dean": make(
            db,
            "4522",
            "Dean",
            status="left",
            joined=dt.date(2010, 1, 1),
            left_date=dt.date(2020, 1, 1),
            leaving_reason="retired",
        ),
    }
    with db.session() as s:
        type_id = s.scalar(select(QualificationType.id).limit(1))
        s.execute(
            insert(OfficerQualification),
            [
                {
                    "officer_id": ids["baker"],
                    "type_id": type_id,
                    "achieved_on": dt.date.today() - dt.timedelta(days=400),
                    "expires_on": dt.date.today() - dt.timedelta(days=5),
                }
            ],
        )
    return ids


def shown(tab):
    return [tab.model.officer(r).surname for r in range(tab.model.rowCount())]


def test_empty_state_with_add_and_import(tab, monkeypatch, qtbot):
    assert tab.stack.currentWidget() is tab.empty
    assert "No officers yet" in tab.empty.label.text()
    assert tab.empty_add.isVisibleTo(tab) and tab.empty_import.isVisibleTo(tab)
    calls = []
    fake = types.ModuleType("desktop.ui.importing.wizard")
    fake.run_import_wizard = lambda parent, ctx, **kw: calls.append((parent, ctx, kw))
    monkeypatch.setitem(sys.modules, "desktop.ui.importing.wizard", fake)
    qtbot.mouseClick(tab.empty_import, Qt.MouseButton.LeftButton)
    assert calls == [(tab.window(), tab.ctx, {})]


def test_table_count_and_cells(tab, force):
    tab.refresh()
    assert tab.stack.currentWidget() is tab.table
    assert shown(tab) == ["Able", "Baker", "Cole"]  # serving by default
    assert tab.count_label.text() == "Showing 3 of 4 officers, 3 serving"
    model = tab.model
    r = model.row_of(force["baker"])
    assert model.display(r, "rank") == "Special Sergeant"
    assert model.display(r, "joined") == "01/01/2019"
    assert model.display(r, "quals") == "Expired"


def test_search_and_ctrl_f(tab, force, qtbot):
    tab.refresh()
    tab.table.setFocus()
    qtbot.keyClick(tab, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search.hasFocus()
    qtbot.keyClicks(tab.search, "sian")
    assert shown(tab) == ["Baker"]
    assert tab.count_label.text() == "Showing 1 of 4 officers, 3 serving"
    tab.search.setText("4521")
    assert shown(tab) == ["Cole"]
    tab.search.setText("zzz")
    assert shown(tab) == [] and "No officer matches" in tab.no_match.text()


def test_filters(tab, force):
    tab.refresh()
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("all"))
    assert shown(tab) == ["Able", "Baker", "Cole", "Dean"]
    assert tab.count_label.text() == "4 officers, 3 serving"
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("LOA"))
    assert shown(tab) == ["Cole"]
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("all"))
    tab.rank_filter.setCurrentIndex(tab.rank_filter.findData("SSgt"))
    assert shown(tab) == ["Baker"]
    tab.rank_filter.setCurrentIndex(0)
    tab.team_filter.setCurrentIndex(tab.team_filter.findData("Response A"))
    assert shown(tab) == ["Able", "Cole"]
    tab.team_filter.setCurrentIndex(0)
    tab.quals_filter.setChecked(True)
    assert shown(tab) == ["Baker"]
    assert tab.clear_button.isEnabled()
    tab.clear_filters()
    assert shown(tab) == ["Able", "Baker", "Cole"] and not tab.clear_button.isEnabled()


def test_team_filter_lists_teams_in_use(tab, force):
    tab.refresh()
    items = [tab.team_filter.itemText(i) for i in range(tab.team_filter.count())]
    assert items == ["All teams", "Response A", "Rural", "(no team)"]


def test_header_click_sorts(tab, force, qtbot):
    tab.refresh()
    header = tab.table.horizontalHeader()
    column = COLUMN_KEYS.index("joined")
    x = header.sectionViewportPosition(column) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    first = shown(tab)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert {tuple(first), tuple(shown(tab))} == {("Cole", "Able", "Baker"), ("Baker", "Able", "Cole")}


def test_new_officer_with_ctrl_n(tab, force, qtbot, monkeypatch):
    tab.refresh()

    def exec_(self: OfficerDialog) -> int:
        self.details.collar.setText("777")
        self.details.surname.setText("Evans")
        self.save_and_close()
        return int(self.result())

    monkeypatch.setattr(OfficerDialog, "exec", exec_)
    seen = []
    tab.ctx.changed.connect(seen.append)
    qtbot.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "Evans" in shown(tab)
    assert tab.model.officer(tab.table.currentIndex().row()).surname == "Evans"  # selected
    assert seen == ["officers"]


def test_new_officer_hidden_by_filter_clears_it(tab, force, monkeypatch):
    tab.refresh()
    tab.search.setText("Able")

    def exec_(self: OfficerDialog) -> int:
        self.details.collar.setText("778")
        self.details.surname.setText("Fox")
        self.save_and_close()
        return 1

    monkeypatch.setattr(OfficerDialog, "exec", exec_)
    tab.new_button.click()
    assert tab.search.text() == ""
    assert tab.model.officer(tab.table.currentIndex().row()).surname == "Fox"


def test_enter_and_double_click_open_the_selected_officer(tab, force, qtbot, monkeypatch):
    tab.refresh()
    opened = []
    monkeypatch.setattr(officer_dialog, "open_officer", lambda parent, ctx, oid: opened.append(oid) or False)
    assert not tab.open_button.isEnabled()
    tab.select_officer(force["cole"])
    assert tab.open_button.isEnabled()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == [force["cole"]]
    row = tab.model.row_of(force["able"])
    rect = tab.table.visualRect(tab.model.index(row, 1))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened[-1] == force["able"]


def test_edit_through_dialog_refreshes_and_keeps_selection(tab, force, monkeypatch):
    tab.refresh()

    def exec_(self: OfficerDialog) -> int:
        self.details.team.setEditText("Roads")
        self.save_and_close()
        return 1

    monkeypatch.setattr(OfficerDialog, "exec", exec_)
    tab.select_officer(force["baker"])
    tab.open_button.click()
    row = tab.model.row_of(force["baker"])
    assert tab.model.display(row, "team") == "Roads"
    assert tab.selected_id() == force["baker"]


def test_record_leaving_from_the_tab(tab, force, monkeypatch):
    tab.refresh()

    def exec_(self: LeavingDialog) -> int:
        self.date.setText("31/03/2024")
        self.reason.setCurrentIndex(self.reason.findData("resigned"))
        self.save()
        return 1

    monkeypatch.setattr(LeavingDialog, "exec", exec_)
    tab.select_officer(force["able"])
    assert tab.leave_button.isEnabled()
    tab.leave_button.click()
    assert "Able" not in shown(tab)  # serving filter hides the leaver
    assert tab.count_label.text() == "Showing 2 of 4 officers, 2 serving"
    record = roster.get_officer(tab.ctx.db, force["able"])
    assert (record["status"], record["left_date"], record["leaving_reason"]) == (
        "left",
        dt.date(2024, 3, 31),
        "resigned",
    )
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("left"))
    tab.select_officer(force["able"])
    assert not tab.leave_button.isEnabled()


def test_refresh_keeps_selection_and_filters(tab, force):
    tab.refresh()
    tab.team_filter.setCurrentIndex(tab.team_filter.findData("Response A"))
    tab.select_officer(force["cole"])
    make(tab.ctx.db, "999", "Aaron", team="Response A")
    tab.refresh()
    assert shown(tab) == ["Aaron", "Able", "Cole"]
    assert tab.selected_id() == force["cole"]
    assert tab.team_filter.currentData() == "Response A"


def test_drop_a_spreadsheet_starts_the_import(tab, monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("desktop.ui.importing.wizard")
    fake.run_import_wizard = lambda parent, ctx, **kw: calls.append(kw)
    monkeypatch.setitem(sys.modules, "desktop.ui.importing.wizard", fake)
    path = tmp_path / "Roster 2024.XLSX"
    path.write_bytes(b"")

    def drop(file):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(file))])
        event = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        tab.dropEvent(event)
        return event.isAccepted()

    assert drop(path)
    assert calls == [{"path": str(path)}]
    assert not drop(tmp_path / "notes.txt")
    assert len(calls) == 1

"""Ranks are force settings: added, renamed, put in order of seniority and given short codes in
Settings > Ranks; a rank someone holds stays; the import, the return and the roster follow the list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from desktop import importing as importer
from desktop.core import ranks, returns, roster, settings
from desktop.core.errors import ValidationError
from desktop.core.models import AuditEvent
from desktop.ui import dialogs

D = dt.date
DEFAULT = ["SC", "SSgt", "SInsp", "SChInsp", "SSupt", "SCO"]


def codes(db) -> list[str]:
    return [r.code for r in ranks.list_ranks(db)]


def test_ranks_start_as_shipped_and_can_be_added_renamed_and_ordered(db):
    assert codes(db) == DEFAULT
    assert ranks.add_rank(db, "ACO", "Assistant Chief Officer", above="SSupt") == "ACO"
    ranks.add_rank(db, " DCO ", "Deputy  Chief Officer", above="ACO")
    assert codes(db) == ["SC", "SSgt", "SInsp", "SChInsp", "SSupt", "ACO", "DCO", "SCO"]
    assert settings.ranks(db)[6] == ("DCO", "Deputy Chief Officer")
    ranks.rename_rank(db, "SCO", "Chief Officer of the Special Constabulary")
    ranks.move_rank(db, "DCO", -1)
    assert codes(db)[5:7] == ["DCO", "ACO"]
    ranks.reorder_ranks(db, ["SC", "SSgt", "SInsp", "SChInsp", "SSupt", "ACO", "DCO", "SCO"])
    assert codes(db)[5:7] == ["ACO", "DCO"]
    with pytest.raises(ValidationError, match="already the short code"):
        ranks.add_rank(db, "dco", "Another")
    with pytest.raises(ValidationError, match="already a rank"):
        ranks.add_rank(db, "XO", "assistant chief officer")
    with pytest.raises(ValidationError, match="no spaces"):
        ranks.add_rank(db, "A CO", "Area Chief Officer")
    with pytest.raises(ValidationError, match="needs a name"):
        ranks.add_rank(db, "Z", "  ")
    with db.read() as s:
        reasons = [e.reason for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "rank_defs"))]
    assert any("rank ACO (Assistant Chief Officer) added" == r for r in reasons)
    assert any(r == "rank SCO renamed" for r in reasons)
    assert any(r and "moved" in r for r in reasons)


def test_a_rank_in_use_cannot_be_removed_and_keeps_its_code(db):
    for n in range(3):
        roster.create_officer(db, {"collar": f"9{n}", "surname": "Held", "rank": "SChInsp"})
    oid = roster.create_officer(db, {"collar": "99", "surname": "Promoted"})
    roster.update_officer(db, oid, {"rank": "SSupt"})
    roster.update_officer(db, oid, {"rank": "SC"})  # SSupt is in their history now
    with pytest.raises(ValidationError) as held:
        ranks.remove_rank(db, "SChInsp")
    assert "3 officers hold it now or held it before" in held.value.errors["rank"]
    with pytest.raises(ValidationError, match="1 officer holds it"):
        ranks.remove_rank(db, "SSupt")
    with pytest.raises(ValidationError, match="its short code SChInsp stays"):
        ranks.change_code(db, "SChInsp", "SCI")
    # A rank nobody holds can be recoded and removed.
    assert ranks.change_code(db, "SInsp", "SI") == "SI"
    assert codes(db)[2] == "SI"
    ranks.remove_rank(db, "SI")
    assert "SI" not in codes(db)
    info = {r.code: r for r in ranks.list_ranks(db)}
    assert info["SChInsp"].officers == 3 and info["SC"].officers == 1


def _roll(tmp_path, rows) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "Rank", "Date Joined", "Mar-25"])
    for row in rows:
        ws.append(row)
    path = tmp_path / "roll.xlsx"
    wb.save(path)
    return str(path)


def test_a_rank_added_is_read_by_the_import_and_counted_in_the_return(db, tmp_path, capsys):
    from desktop import cli

    ranks.add_rank(db, "ACO", "Assistant Chief Officer", above="SSupt")
    ranks.add_rank(db, "DCO", "Deputy Chief Officer", above="ACO")
    path = _roll(
        tmp_path,
        [
            ["101", "Ash", "Deputy Chief Officer", "01/01/2015", 20],
            ["102", "Birch", "ACO", "01/01/2016", 18],
            ["103", "Cedar", "aco", "01/01/2017", 4],
            ["104", "Elm", "Special Constable", "01/01/2018", 16],
        ],
    )
    result = importer.run(db, path, backup=False)
    assert result.plan.counts["created"] == 4 and result.plan.counts["rejected"] == 0
    assert roster.get_officer(db, roster.find_by_collar(db, "101"))["rank"] == "DCO"
    f = returns.compute(db, "2025-03").to_json()
    assert list(f["headcount"]["by_rank"]) == ["SC", "SSgt", "SInsp", "SChInsp", "SSupt", "ACO", "DCO", "SCO"]
    assert f["headcount"]["by_rank"]["ACO"] == 2 and f["headcount"]["by_rank"]["DCO"] == 1
    assert f["rank_names"]["DCO"] == "Deputy Chief Officer"
    # The command line's JSON carries the same figures.
    capsys.readouterr()
    assert cli.main(["--db", db.url, "return", "2025-03", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["headcount"]["by_rank"]["ACO"] == 2 and printed["headcount"]["by_rank"]["DCO"] == 1
    assert {o["collar"]: o["rank"] for o in printed["officers"]}["101"] == "DCO"


def test_the_return_on_screen_names_the_new_rank(ctx, qtbot, tmp_path):
    from desktop.ui.returns.tab import ReturnsTab

    ranks.add_rank(ctx.db, "DCO", "Deputy Chief Officer", above="SSupt")
    importer.run(ctx.db, _roll(tmp_path, [["101", "Ash", "DCO", "01/01/2015", 20]]), backup=False)
    tab = ReturnsTab(ctx)
    qtbot.addWidget(tab)
    tab.show_month("2025-03")
    qtbot.waitUntil(lambda: not tab.busy and tab.figures is not None and tab.figures.month == "2025-03")
    text = tab.browser.toPlainText()
    assert "Deputy Chief Officer" in text and "DCO" in text


def test_the_import_knows_only_the_forces_ranks(db, tmp_path):
    ranks.remove_rank(db, "SChInsp")  # nobody holds it
    ranks.rename_rank(db, "SSupt", "Area Commander")
    path = _roll(
        tmp_path,
        [
            ["201", "Oak", "Chief Inspector", "01/01/2015", None],
            ["202", "Yew", "Area Commander", "01/01/2015", None],
        ],
    )
    plan = importer.plan(db, path)
    outcome = {r.collar: r for r in plan.rows}
    assert outcome["201"].outcome == "rejected"
    assert any(r["column"] == "Rank" for r in outcome["201"].reasons)
    assert outcome["202"].outcome == "created" and outcome["202"].values["rank"] == "SSupt"


def test_adding_a_rank_does_not_make_a_signed_off_month_differ(db):
    roster.create_officer(db, {"collar": "1", "surname": "Solo", "joined": D(2020, 1, 1)})
    returns.sign_off(db, "2025-03")
    ranks.add_rank(db, "DCO", "Deputy Chief Officer", above="SSupt")
    ranks.rename_rank(db, "SC", "Special Constable (volunteer)")
    assert returns.drift(db, "2025-03") == []


def test_the_roster_sorts_and_filters_by_the_forces_order(ctx, qtbot):
    from PySide6.QtCore import Qt

    from desktop.ui.roster.tab import RosterTab

    ranks.add_rank(ctx.db, "DCO", "Deputy Chief Officer", above="SSupt")
    for collar, rank in (("1", "SCO"), ("2", "DCO"), ("3", "SC")):
        roster.create_officer(ctx.db, {"collar": collar, "surname": f"S{collar}", "rank": rank})
    tab = RosterTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    filters = [tab.rank_filter.itemText(i) for i in range(tab.rank_filter.count())]
    assert filters[-2:] == ["Deputy Chief Officer", "Special Chief Officer"]
    model = tab.model
    column = next(
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "Rank"
    )
    model.sort(column, Qt.SortOrder.AscendingOrder)
    assert [model.officer(r).rank for r in range(model.rowCount())] == ["SC", "DCO", "SCO"]
    ranks.move_rank(ctx.db, "DCO", 1)  # now the most senior
    tab.refresh()
    model.sort(column, Qt.SortOrder.AscendingOrder)
    assert [model.officer(r).rank for r in range(model.rowCount())] == ["SC", "SCO", "DCO"]
    tab.rank_filter.setCurrentIndex(tab.rank_filter.findData("DCO"))
    assert [model.officer(r).collar for r in range(model.rowCount())] == ["2"]


def test_settings_ranks_page(ctx, qtbot, monkeypatch):
    from desktop.ui.settings.dialog import open_settings

    seen: list[str] = []
    ctx.changed.connect(seen.append)
    roster.create_officer(ctx.db, {"collar": "1", "surname": "Holder", "rank": "SSupt"})
    dlg = open_settings(None, ctx)
    qtbot.addWidget(dlg)
    assert dlg.PAGES[-1].TITLE == "Ranks"
    page = dlg.ranks
    assert [page.table.item(r, 1).text() for r in range(page.table.rowCount())] == DEFAULT
    # Add one just above Special Superintendent.
    page.table.selectRow(4)
    page.new()
    page.name.setText("Deputy Chief Officer")
    page.code.setText("DCO")
    assert page.save()
    assert codes(ctx.db) == ["SC", "SSgt", "SInsp", "SChInsp", "SSupt", "DCO", "SCO"]
    assert "Added Deputy Chief Officer (DCO)" in page.status.text() and "settings" in seen
    # Rename and recode the new one (nobody holds it); move it down (more senior).
    page.name.setText("Deputy Chief Officer (Specials)")
    page.code.setText("DCOS")
    assert page.save()
    page.move(1)
    assert codes(ctx.db)[-2:] == ["SCO", "DCOS"]
    # A held rank: the code cannot be changed and it cannot be removed.
    page.table.selectRow(4)
    assert page.selected().code == "SSupt"
    assert not page.code.isEnabled() and not page.remove_button.isEnabled()
    assert "Held by 1 officer" in page.used.text()
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.remove()
    assert page.error.isVisibleTo(page) and "1 officer holds it" in page.error.text()
    page.table.selectRow(6)
    page.remove()
    assert "DCOS" not in codes(ctx.db)

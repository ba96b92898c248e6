"""The return as an Excel workbook, opened with openpyxl and checked cell by cell."""

from __future__ import annotations

import copy
import datetime as dt

import openpyxl
import pytest

from desktop.core import returns, settings
from desktop.core.returns import ReturnFigures
from desktop.excel.return_export import export_return
from tests.helpers_returns import MONTH, build_march_2025


@pytest.fixture
def workbook(db, tmp_path):
    build_march_2025(db)
    figures = returns.compute(db, MONTH)
    out = tmp_path / "return.xlsx"
    export_return(figures, settings.get_all(db), out)
    return figures.to_json(), openpyxl.load_workbook(out)


def summary(ws):
    return {(r[0], r[1]): r[2] for r in ws.iter_rows(min_row=2, values_only=True)}


def test_sheets_and_headers(workbook):
    _, wb = workbook
    assert wb.sheetnames[:4] == ["Summary", "Officers", "Teams", "Units"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        head = ws["A1"]
        assert head.font.bold and head.fill.fgColor.rgb.endswith("1F3B5C")
        for col in range(1, ws.max_column + 1):
            letter = openpyxl.utils.get_column_letter(col)
            assert ws.column_dimensions[letter].width >= 8


def test_summary_cells(workbook):
    _, wb = workbook
    ws = wb["Summary"]
    assert [c.value for c in ws[1]] == ["Section", "Figure", "Value"]
    s = summary(ws)
    assert s[("Return", "Force")] == "Example Constabulary"
    assert s[("Return", "Month")] == dt.datetime(2025, 3, 1)
    assert s[("Return", "Figures as at")] == dt.datetime(2025, 3, 31)
    assert s[("Return", "Financial year from")] == dt.datetime(2024, 4, 1)
    assert s[("Headcount", "Serving officers at month end")] == 9
    assert s[("Headcount by rank", "Special Constable")] == 9
    assert s[("Headcount by status", "Leave of absence")] == 1
    assert s[("Hours", "Hours in the month")] == 49
    assert s[("Hours", "Financial year to date")] == 74
    assert s[("Hours by duty type", "Patrol")] == 28
    assert s[("Minimum hours", "Met")] == 2
    assert s[("Minimum hours", "Met (share)")] == pytest.approx(2 / 6)
    assert s[("Leavers by reason", "Resigned")] == 1
    month_cell = next(r[2] for r in ws.iter_rows(min_row=2) if r[1].value == "Month")
    assert month_cell.number_format == "mmmm yyyy"


def test_officers_cells(workbook):
    figures, wb = workbook
    ws = wb["Officers"]
    assert [c.value for c in ws[1]] == [
        "Collar number",
        "Name",
        "Rank",
        "Team",
        "Status",
        "Hours",
        "Year-to-date hours",
        "Minimum applies",
        "Against minimum",
    ]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert len(rows) == len(figures["officers"])
    adams = rows["1001"]
    assert [c.value for c in adams] == [
        "1001",
        "Adams, Amy",
        "SC",
        "Response A",
        "Active",
        16,
        20,
        "Yes",
        "Met",
    ]
    assert isinstance(adams[5].value, int | float)
    assert adams[8].fill.fgColor.rgb.endswith("C8E6C9")
    assert rows["1007"][8].value == "Below" and rows["1007"][8].fill.fgColor.rgb.endswith("FFE9A8")
    assert rows["1008"][8].value == "Zero" and rows["1008"][8].fill.fgColor.rgb.endswith("F8C7C7")
    assert rows["1005"][8].value == "n/a" and rows["1005"][7].value == "No"
    assert rows["1011"][3].value is None  # no team: an empty cell
    assert ws.auto_filter.ref == f"A1:I{len(rows) + 1}"


def test_teams_and_units(workbook):
    _, wb = workbook
    teams = {r[0]: r for r in wb["Teams"].iter_rows(min_row=2, values_only=True)}
    assert teams["Response A"] == ("Response A", 2, 29, 2, 1, 1, 0, 0.5)
    assert teams["(no team)"][6] == 1
    assert wb["Teams"]["H2"].number_format == "0%"
    units = {r[0]: r for r in wb["Units"].iter_rows(min_row=2, values_only=True)}
    assert units["Road Policing Unit"] == ("Road Policing Unit", 1, 1, 0, 8)
    assert units["Public Protection Unit"] == ("Public Protection Unit", 0, 0, 1, 0)


def test_details_have_real_dates(workbook):
    _, wb = workbook
    rows = list(wb["Details"].iter_rows(min_row=2, values_only=True))
    assert ("Joined", "1002", "Brown, Sam", dt.datetime(2025, 3, 1), "Stevenage NPT") in rows
    assert ("Left", "1003", "Clark, Sam", dt.datetime(2025, 3, 31), "resigned") in rows
    assert ("Qualification expired", "1001", "Adams, Amy", dt.datetime(2025, 3, 15), "First aid") in rows
    assert wb["Details"]["D2"].number_format == "dd/mm/yyyy"


def test_formula_like_text_stays_text(db, tmp_path):
    build_march_2025(db)
    figures = copy.deepcopy(returns.compute(db, MONTH).to_json())
    figures["officers"][0]["name"] = '=HYPERLINK("http://x")'
    figures["officers"][0]["team"] = "+Team"
    out = tmp_path / "r.xlsx"
    export_return(ReturnFigures.from_json(figures), {"force_name": "@Force"}, out)
    wb = openpyxl.load_workbook(out)
    assert wb["Officers"]["B2"].value == '=HYPERLINK("http://x")'
    assert wb["Officers"]["B2"].data_type == "s"
    assert wb["Officers"]["D2"].value == "+Team"
    assert summary(wb["Summary"])[("Return", "Force")] == "@Force"

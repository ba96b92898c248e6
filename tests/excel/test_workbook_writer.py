"""The one workbook writer every export goes through: text a user typed stays text, control
characters are left out, dates and numbers stay real, headers are styled and frozen, widths fit what
the cells show, and the file is saved privately in one step."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core import roster
from desktop.core.roster_export import roster_table
from desktop.excel.writer import BOLD, DATE, DATE_TIME, Book, banner


def _book_with(values: list[object]) -> Book:
    book = Book(title="A test", creator="CiP Desk")
    sheet = book.sheet("Values")
    sheet.header(["Value"])
    sheet.rows([[v] for v in values])
    return book


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    risky = ['=HYPERLINK("http://x")', "+44 7700 900123", "-5 days", "@team", "plain"]
    out = _book_with(risky).save(tmp_path / "risky.xlsx")
    ws = load_workbook(out)["Values"]
    cells = [ws.cell(r, 1) for r in range(2, 7)]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


def test_control_characters_are_left_out_of_text(tmp_path: Path) -> None:
    out = _book_with(["Smith\x07", "O'Brien\x00\x1f"]).save(tmp_path / "bell.xlsx")
    ws = load_workbook(out)["Values"]
    assert [ws["A2"].value, ws["A3"].value] == ["Smith", "O'Brien"]


def test_dates_and_numbers_stay_real_and_a_named_format_wins(tmp_path: Path) -> None:
    book = Book()
    sheet = book.sheet("Dates")
    sheet.put(1, 1, dt.date(2025, 3, 31))
    sheet.put(1, 2, dt.datetime(2025, 3, 31, 9, 15))
    sheet.put(1, 3, dt.date(2025, 3, 1), "mmmm yyyy")
    sheet.put(1, 4, 7.5)
    sheet.rows([[0.25, "n/a"]], first_row=2, formats={1: "0%", 2: "0%"})
    ws = load_workbook(book.save(tmp_path / "dates.xlsx"))["Dates"]
    assert ws["A1"].is_date and ws["A1"].number_format == DATE
    assert ws["B1"].value == dt.datetime(2025, 3, 31, 9, 15) and ws["B1"].number_format == DATE_TIME
    assert ws["C1"].number_format == "mmmm yyyy"
    assert ws["D1"].value == 7.5 and ws["D1"].data_type == "n"
    assert ws["A2"].number_format == "0%" and ws["B2"].number_format == "General"  # text keeps General


def test_headers_are_styled_frozen_filtered_and_columns_fit_what_they_show(tmp_path: Path) -> None:
    book = Book()
    plain = book.sheet("Plain", fit=True)
    plain.header(["Collar number", "Notes"], BOLD)
    plain.rows([["4521", "x" * 100], ["12", None]])
    plain.fit_widths(2)
    plain.freeze("A2")
    plain.filters(2, 2)
    coloured = book.sheet("Coloured")
    coloured.header(["Team"], banner("1F3B5C", vertical="center"))
    wb = load_workbook(book.save(tmp_path / "styled.xlsx"))
    assert wb.sheetnames == ["Plain", "Coloured"]
    ws = wb["Plain"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B3"
    assert ws.column_dimensions["A"].width == len("Collar number") + 2
    assert ws.column_dimensions["B"].width == 60  # the widest a column is made
    head = wb["Coloured"]["A1"]
    assert head.font.bold and head.font.color.rgb.endswith("FFFFFF")
    assert head.fill.fgColor.rgb.endswith("1F3B5C") and head.alignment.vertical == "center"


def test_a_workbook_is_private_and_a_failed_save_leaves_the_file_that_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        target = _book_with(["first"]).save(tmp_path / "out.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    book = _book_with(["second"])

    def fails(filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(book.wb, "save", fails)
    with pytest.raises(OSError):
        book.save(target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_the_roster_rows_come_from_the_database_as_plain_values(db) -> None:
    roster.create_officer(
        db,
        {"collar": "4521", "surname": "Smith", "forenames": "Jo", "joined": dt.date(2019, 4, 3), "esp": True},
    )
    table = roster_table(db)
    assert table.header[:5] == ["Collar number", "Surname", "Forenames", "Rank", "Status"]
    (row,) = table.rows
    assert row[:5] == ["4521", "Smith", "Jo", "Special Constable", "Active"]
    assert row[7] == dt.date(2019, 4, 3) and row[15] == "Yes"

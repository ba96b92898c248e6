"""Roster headers written over two rows with merged cells: names merged down, group titles merged
across with the real column names under them (desktop.excel.headers.header_block)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from desktop.core.db import Database
from desktop.excel.headers import find_header_row, header_block, is_two_row_header, map_columns
from desktop.excel.reader import open_workbook
from desktop.importing.words import load_synonyms
from tests.helpers_import import write_csv

SYN = load_synonyms()


def write_merged(
    path: Path, cells: dict[str, Any], merges: list[str], data: list[list[Any]], first_data_row: int
) -> Path:
    """An .xlsx (sheet "Roster") with ``cells`` set by reference, ``merges`` merged (openpyxl keeps
    the top-left value only, as Excel does) and ``data`` rows from ``first_data_row`` (1-based)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Roster"
    for ref, value in cells.items():
        ws[ref] = value
    for rng in merges:
        ws.merge_cells(rng)
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            ws.cell(row=first_data_row + i, column=j + 1, value=value)
    wb.save(path)
    return path


def decide(rows: list[list[Any]], hdr: int | None = None) -> tuple[list[tuple[str, str]], int]:
    """What the import's decide step does with the header: (header text, target) per column and the
    0-based index of the last header row."""
    if hdr is None:
        found = find_header_row(rows, SYN)
        assert found is not None
        hdr = found
    header, last = header_block(rows, SYN, hdr)
    width = max(len(r) for r in rows)
    return [(c.header, c.target) for c in map_columns(header, SYN, width)], last


DATA = [
    [4521, "Smith", "Ann", dt.date(2019, 4, 3), 12, 5],
    ["SC0452", "O'Neil", "Zoë", dt.date(2020, 1, 31), "", 7.5],
]


def reviewer_roster(tmp_path: Path, months_in_lower_row: bool = True) -> list[list[Any]]:
    """The reviewer's example: title in row 1; "Collar No." merged down over rows 3-4; "Name" merged
    across over Surname and Forename(s); "Date Joined" merged down; "Hours 2023" merged across over
    Apr-23 and May-23; data from row 5."""
    cells: dict[str, Any] = {
        "A1": "Special Constabulary roster 2023",
        "A3": "Collar No.",
        "B3": "Name",
        "B4": "Surname",
        "C4": "Forename(s)",
        "D3": "Date Joined",
        "E3": "Hours 2023",
    }
    if months_in_lower_row:
        cells.update({"E4": "Apr-23", "F4": "May-23"})
    merges = ["A3:A4", "B3:C3", "D3:D4", "E3:F3"]
    return open_workbook(write_merged(tmp_path / "r.xlsx", cells, merges, DATA, 5)).rows("Roster")


def test_reviewer_example_maps_every_column_and_data_starts_at_row_5(tmp_path: Path) -> None:
    rows = reviewer_roster(tmp_path)
    # The lower row names more columns, so it is the row find_header_row picks.
    assert find_header_row(rows, SYN) == 3
    columns, last = decide(rows)
    assert [t for _, t in columns] == [
        "collar",
        "surname",
        "forenames",
        "joined",
        "month:2023-04",
        "month:2023-05",
    ]
    assert [h for h, _ in columns][:4] == ["Collar No.", "Surname", "Forename(s)", "Date Joined"]
    assert last == 3  # sheet row 4 is the last header row: data from sheet row 5
    assert rows[last + 1][:2] == [4521.0, "Smith"]


def test_group_title_row_detected_and_names_in_the_row_below(tmp_path: Path) -> None:
    # Without months under "Hours 2023" the upper row wins the header search (first of equals):
    # the importer used to take row 4 (Surname, Forename(s)) as a data row.
    rows = reviewer_roster(tmp_path, months_in_lower_row=False)
    assert find_header_row(rows, SYN) == 2
    columns, last = decide(rows)
    assert [t for _, t in columns][:4] == ["collar", "surname", "forenames", "joined"]
    # "Hours 2023" names no month and nothing under it does: kept as a legacy field, not dropped.
    assert columns[4] == ("Hours 2023", "legacy")
    assert columns[5] == ("Column F", "legacy")
    assert last == 3


def test_either_row_of_the_block_gives_the_same_answer(tmp_path: Path) -> None:
    # The importer reports the last header row; given back as --header-row it finds the same block.
    rows = reviewer_roster(tmp_path)
    assert decide(rows, 2) == decide(rows, 3)
    assert header_block(rows, SYN, 2) == header_block(rows, SYN, 3)


def test_months_as_date_cells_under_a_title_merged_across_three_columns(tmp_path: Path) -> None:
    cells: dict[str, Any] = {
        "A2": "Warrant No",
        "B2": "SURNAME",
        "C2": "First Name(s)",
        "D2": "Duty hours 2026",
        "D3": dt.datetime(2026, 4, 1),
        "E3": dt.datetime(2026, 5, 1),
        "F3": dt.datetime(2026, 6, 1),
    }
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:F2"]
    data = [[101, "Patel", "Ravi", 10, 0, 7.25]]
    rows = open_workbook(write_merged(tmp_path / "m.xlsx", cells, merges, data, 4)).rows("Roster")
    columns, last = decide(rows)
    assert columns == [
        ("Warrant No", "collar"),
        ("SURNAME", "surname"),
        ("First Name(s)", "forenames"),
        ("April 2026", "month:2026-04"),
        ("May 2026", "month:2026-05"),
        ("June 2026", "month:2026-06"),
    ]
    assert last == 2 and rows[last + 1][1] == "Patel"


def test_three_columns_merged_across_and_unknown_columns_keep_a_clear_name(tmp_path: Path) -> None:
    cells: dict[str, Any] = {
        "A1": "Collar No.",
        "B1": "Name",  # over three columns
        "B2": "Surname",
        "C2": "Forename(s)",
        "D2": "Known As",
        "E1": "Contact",
        "E2": "Mobile",
        "F2": "Work phone",  # unknown: "Contact / Work phone"
        "G1": "Vetting ref",  # unknown, merged down: its own text
        "H1": "2022",
        "H2": "Duties",
        "I2": "Arrests",
        "J1": "2023",
        "J2": "Duties",  # a second "Duties": the group keeps the two legacy fields apart
        "K2": "Reason rejected",  # ignored column under no title
    }
    merges = ["A1:A2", "B1:D1", "E1:F1", "G1:G2", "H1:I1"]
    data = [[7, "Brown", "Li", "Lee", "07700900123", "0123", "V-9", 3, 1, 4, ""]]
    rows = open_workbook(write_merged(tmp_path / "g.xlsx", cells, merges, data, 3)).rows("Roster")
    columns, last = decide(rows)
    assert columns == [
        ("Collar No.", "collar"),
        ("Surname", "surname"),
        ("Forename(s)", "forenames"),
        ("Known As", "preferred_name"),
        ("Mobile", "phone"),
        ("Contact / Work phone", "legacy"),
        ("Vetting ref", "legacy"),
        ("2022 / Duties", "legacy"),
        ("2022 / Arrests", "legacy"),
        ("2023 / Duties", "legacy"),
        ("Reason rejected", "ignore"),
    ]
    assert last == 1


def test_two_row_header_in_a_csv(tmp_path: Path) -> None:
    # No merges in a CSV, but the same shape: blanks under names, blanks right of group titles.
    rows_in = [
        ["Roster"],
        ["Collar", "Name", "", "Hours", "", "Notes"],
        ["", "Surname", "First Name", "Apr 26", "May 26", ""],
        ["SC1", "Khan", "Aisha", "4", "", "ok"],
    ]
    wb = open_workbook(write_csv(tmp_path / "r.csv", rows_in))
    rows = wb.rows(wb.sheet_names[0])
    columns, last = decide(rows)
    assert [t for _, t in columns] == [
        "collar",
        "surname",
        "forenames",
        "month:2026-04",
        "month:2026-05",
        "notes",
    ]
    assert last == 2


@pytest.mark.parametrize(
    "below",
    [
        [4521, "Smith", "Ann", "01/04/2019"],  # an ordinary data row
        ["", "Smith", "Ann", ""],  # no collar number: still a data row (surname under Surname)
        ["", "", "", dt.date(2019, 4, 3)],  # a date under Joined
        ["Total", "", "", ""],  # totals row
        ["", "", "Forename", ""],  # a word that names a column, but under a named column
        ["", "", "", "", "12", "Apr-26"],  # hours typed as text: data, not a header
    ],
)
def test_one_row_header_comes_back_unchanged(below: list[Any]) -> None:
    rows: list[list[Any]] = [
        # A title with a date cell (a month) over a blank header cell is not an upper header row.
        ["Roster at", "", "", "", dt.date(2026, 5, 1)],
        ["Collar", "Surname", "Forename", "Joined", "", ""],
        below,
    ]
    assert header_block(rows, SYN, 1) == (rows[1], 1)


def test_the_row_above_must_name_a_field_where_the_header_is_blank() -> None:
    header = ["Collar", "Surname", "", "Apr-26"]
    assert not is_two_row_header(["Special Constables"], header, SYN)  # title over column A
    assert not is_two_row_header(["", "", "", "2026"], header, SYN)  # a group title alone
    assert not is_two_row_header(["", "", "", ""], header, SYN)
    assert is_two_row_header(["", "", "Rank", "Hours"], header, SYN)


def test_importer_plans_the_reviewer_example(db: Database, tmp_path: Path) -> None:
    from desktop import importing as importer

    reviewer_roster(tmp_path)
    p = importer.plan(db, tmp_path / "r.xlsx")
    assert p.counts["rejected"] == 0, [r.reason_text for r in p.rejected_rows]
    assert p.counts["created"] == 2
    assert [r.row_number for r in p.rows] == [5, 6]
    assert [r.collar for r in p.rows] == ["4521", "SC0452"]
    assert any(r.hours == {"2023-04": 12.0, "2023-05": 5.0} for r in p.rows)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

KNOWN = ["Surname", "Forename(s)", "Rank", "Date Joined", "Station", "Notes", "Apr-26", "May 2026"]
UNKNOWN = ["Vetting ref", "Shoe size", "Locker", "Misc"]
VALUES = st.one_of(
    st.just(""),
    st.integers(0, 500).map(float),
    st.sampled_from(["Smith", "O'Neil", "Y", "PC", "Anytown", "SC12"]),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
)
HEADER_CELL = st.one_of(st.sampled_from(KNOWN + UNKNOWN), st.just(""))


@settings(max_examples=150, deadline=None)
@given(
    rest=st.lists(HEADER_CELL, min_size=1, max_size=8),
    collar_at=st.integers(0, 8),
    collar=st.one_of(st.integers(1, 99999).map(float), st.from_regex(r"SC\d{3,5}", fullmatch=True)),
    data=st.lists(VALUES, max_size=9),
    above=st.sampled_from([[], ["Roster"], ["Special Constables", "", "Updated"]]),
)
def test_any_one_row_header_over_a_data_row_comes_back_unchanged(
    rest: list[Any], collar_at: int, collar: Any, data: list[Any], above: list[Any]
) -> None:
    header = list(rest)
    at = min(collar_at, len(header))
    header.insert(at, "Collar No.")
    row = list(data) + [""] * (len(header) - len(data))
    row[at] = collar
    rows = [above, header, row]
    assert header_block(rows, SYN, 1) == (header, 1)


FLAT = [
    ("Collar No.", "collar"),
    ("Surname", "surname"),
    ("Forename(s)", "forenames"),
    ("Rank", "rank"),
    ("Date Joined", "joined"),
    ("Apr-26", "month:2026-04"),
    ("May-26", "month:2026-05"),
]


@settings(max_examples=150, deadline=None)
@given(
    down=st.lists(st.booleans(), min_size=len(FLAT), max_size=len(FLAT)),
    group_starts=st.lists(st.booleans(), min_size=len(FLAT), max_size=len(FLAT)),
)
def test_a_flat_header_split_over_two_rows_maps_the_same(down: list[bool], group_starts: list[bool]) -> None:
    """Split a known header: some names stay in the upper row (merged down), the rest go to the
    lower row under group titles (a title where a group starts, blanks to its right)."""
    upper: list[Any] = []
    lower: list[Any] = []
    for (name, _), stays, starts in zip(FLAT, down, group_starts, strict=True):
        upper.append(name if stays else "Group" if starts else "")
        lower.append("" if stays else name)
    # A two-row header: the upper row keeps at least one field (not only months), the lower names one.
    assume(
        any(stays and not target.startswith("month:") for (_, target), stays in zip(FLAT, down, strict=True))
    )
    assume(not all(down))
    rows = [["Title"], upper, lower, [1.0, "Smith", "Ann", "PC", dt.date(2020, 1, 1), 3.0, 4.0]]
    for hdr in (1, 2):
        columns, last = decide(rows, hdr)
        assert [t for _, t in columns] == [t for _, t in FLAT]
        assert last == 2
    assert header_block(rows, SYN, 1) == header_block(rows, SYN, 2)

"""Reading roster files of every kind, and refusing the ones that cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.excel.read_worker import detect_delimiter
from desktop.excel.reader import FileRefused, open_workbook
from tests.helpers_import import write_csv, write_encrypted, write_ods, write_xls, write_xlsx

ROWS = [
    ["Collar", "Surname", "Joined", "Hours"],
    [4521, "O'Neil", dt.date(2019, 4, 3), 12.5],
    ["SC0452", "Zoë Brontë", dt.date(2020, 1, 31), 0],
]


def test_xlsx_rows_start_at_a1_with_hidden_rows_and_columns(tmp_path: Path) -> None:
    rows = [["Title"], [], *ROWS]
    path = write_xlsx(tmp_path / "r.xlsx", rows, hidden_rows=(4,), hidden_cols=("B",))
    wb = open_workbook(path)
    got = wb.rows("Roster")
    assert got[0][0] == "Title"
    assert got[2][:2] == ["Collar", "Surname"]
    assert got[3][:3] == [4521.0, "O'Neil", dt.date(2019, 4, 3)]  # hidden row 4, hidden column B


def test_formula_gives_its_cached_value(tmp_path: Path) -> None:
    rows = [ROWS[0], [4521, "Smith", dt.date(2019, 4, 3), "=4*3"]]
    path = write_xlsx(tmp_path / "f.xlsx", rows, cached={"D2": 12})
    assert open_workbook(path).rows("Roster")[1][3] == 12.0


def test_formula_without_cached_value_reads_empty(tmp_path: Path) -> None:
    # openpyxl never calculates; a workbook saved without cached values (never opened in Excel)
    # reads as an empty cell, which imports as "no hours" rather than a wrong number.
    rows = [ROWS[0], [4521, "Smith", dt.date(2019, 4, 3), "=4*3"]]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    assert open_workbook(path).rows("Roster")[1][3] == ""


def test_xls_and_ods(tmp_path: Path) -> None:
    for path in (write_xls(tmp_path / "r.xls", ROWS), write_ods(tmp_path / "r.ods", ROWS)):
        wb = open_workbook(path)
        assert wb.sheet_names == ["Roster"]
        rows = wb.rows("Roster")
        assert rows[1][1] == "O'Neil" and rows[2][1] == "Zoë Brontë"
        assert rows[1][2] == dt.date(2019, 4, 3)
        assert float(rows[1][0]) == 4521


def test_workbook_with_the_wrong_extension_still_reads(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "r.xls", ROWS)
    renamed = path.rename(tmp_path / "really-an-xls.xlsx")
    assert open_workbook(renamed).rows("Roster")[1][1] == "O'Neil"


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"), ("cp1252", "\t"), ("cp1252", ",")]
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [["Collar", "Surname", "Joined"], ["4521", "O'Neil", "03/04/2019"], ["4522", "Zoë Brontë", ""]]
    path = write_csv(tmp_path / "r.csv", rows, encoding=encoding, delimiter=delimiter)
    wb = open_workbook(path)
    assert wb.kind == "csv" and wb.sheet_names == ["r"]
    got = wb.rows("r")
    assert got[0] == ["Collar", "Surname", "Joined"]
    assert got[2][1] == "Zoë Brontë"


def test_delimiter_detection_ignores_commas_inside_values() -> None:
    assert detect_delimiter('Collar;Surname;Notes\n1;Smith;"a, b"\n2;Jones;c\n') == ";"
    assert detect_delimiter("Collar\tSurname\n1\tSmith, J\n") == "\t"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: write_encrypted(p / "locked.xlsx"), "password-protected"),
        (lambda p: _truncated(p), "damaged or incomplete"),
        (lambda p: _text_named_xlsx(p), "plain text"),
        (lambda p: _empty_file(p), "empty"),
        (lambda p: _binary_junk(p), "not a spreadsheet"),
    ],
)
def test_refused_files_say_why_in_one_sentence(tmp_path: Path, make, words: str) -> None:
    path = make(tmp_path)
    with pytest.raises(FileRefused, match=words) as info:
        open_workbook(path)
    assert path.name in str(info.value)
    assert "Traceback" not in str(info.value)


def test_sheet_not_found_names_the_sheets(tmp_path: Path) -> None:
    wb = open_workbook(write_xlsx(tmp_path / "r.xlsx", ROWS))
    with pytest.raises(FileRefused, match="no sheet called 'Nope'. Its sheets are: Roster"):
        wb.rows("Nope")


def _truncated(folder: Path) -> Path:
    whole = write_xlsx(folder / "whole.xlsx", ROWS).read_bytes()
    path = folder / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _text_named_xlsx(folder: Path) -> Path:
    path = folder / "notes.xlsx"
    path.write_text("Collar,Surname\n4521,Smith\n", encoding="utf-8")
    return path


def _empty_file(folder: Path) -> Path:
    path = folder / "nothing.xlsx"
    path.write_bytes(b"")
    return path


def _binary_junk(folder: Path) -> Path:
    path = folder / "photo.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    return path

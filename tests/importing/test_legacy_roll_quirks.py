"""What a second reader found importing ugly rosters: totals rows worded otherwise, sheet names in
another case, other sheets not mentioned, updates not spelt out on the command line, collar numbers
that lost (or gained) leading zeros, and dates no record can have."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import importing as importer
from desktop.cli import main
from desktop.core import roster
from desktop.core.errors import ValidationError
from desktop.core.paths import db_url
from desktop.core.startup import open_database
from tests.helpers_import import use_tmp_backups, write_xlsx

HEADER = ["Collar No.", "Surname", "Forenames", "Date Joined", "Apr-25"]


def reasons(plan, row_number):
    row = next(r for r in plan.rows if r.row_number == row_number)
    return [r["why"] for r in row.reasons]


def outcome(plan, row_number):
    return next(r for r in plan.rows if r.row_number == row_number).outcome


def test_totals_rows_in_other_words_are_skipped(db, tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            HEADER,
            ["4521", "Smith", "Jo", "01/02/2020", 12],
            ["TOTAL HOURS", None, None, None, 12],
            ["Sub-total (A team)", None, None, None, 12],
            ["Average", None, None, None, 12],
            ["  grand TOTAL ", None, None, None, 36],
        ],
    )
    plan = importer.plan(db, path)
    assert [outcome(plan, n) for n in (3, 4, 5, 6)] == ["skipped"] * 4
    assert plan.counts["rejected"] == 0 and plan.counts["created"] == 1


def test_a_sheet_named_in_another_case_is_found_and_other_sheets_are_mentioned(tmp_path, capsys):
    path = write_xlsx(
        tmp_path / "multi.xlsx",
        [HEADER, ["4521", "Smith", "Jo", "01/02/2020", 12]],
        sheet="Leavers",
        before={
            "Instructions": [["Fill in the roster"]],
            "Roster": [HEADER, ["1", "A", "B", "01/02/2020", 1]],
        },
    )
    dbfile = tmp_path / "cli.sqlite"
    db = open_database(db_url(str(dbfile)), backup_dir=tmp_path / "backups")
    use_tmp_backups(db, tmp_path / "backups")
    db.dispose()
    assert main(["--db", str(dbfile), "import", str(path), "--sheet", "leavers", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "sheet 'Leavers'" in err
    assert "the workbook also has 'Instructions', 'Roster' (import one with --sheet)" in err


def test_the_command_line_spells_out_each_update(tmp_path, capsys):
    dbfile = tmp_path / "cli.sqlite"
    db = open_database(db_url(str(dbfile)), backup_dir=tmp_path / "backups")
    use_tmp_backups(db, tmp_path / "backups")
    roster.create_officer(
        db, {"collar": "4521", "surname": "O'Brien", "forenames": "Jo", "joined": dt.date(2020, 2, 1)}
    )
    db.dispose()
    path = write_xlsx(tmp_path / "u.xlsx", [HEADER, ["4521", "O'Brien-Walsh", "Jo", "01/02/2020", 12]])
    assert main(["--db", str(dbfile), "import", str(path), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "u.xlsx row 2, 4521 O'Brien-Walsh, Jo: would change Surname: O'Brien → O'Brien-Walsh" in err
    assert "Hours April 2025: (blank) → 12" in err


def test_leading_zeros_do_not_make_a_second_officer(db, tmp_path):
    roster.create_officer(db, {"collar": "0611", "surname": "Ó Súilleabháin", "joined": dt.date(2020, 2, 1)})
    path = write_xlsx(
        tmp_path / "z.xlsx",
        [
            HEADER,
            [611, "Ó Súilleabháin", "Dónal", "01/02/2020", 10],  # Excel dropped the zero
            ["04521", "Smith", "Jo", "01/02/2020", 12],
            ["4521", "Smith", "Jo", "01/02/2020", 12],
        ],
    )
    plan = importer.plan(db, path)
    assert outcome(plan, 2) == "updated"
    row2 = next(r for r in plan.rows if r.row_number == 2)
    assert row2.collar == "0611" and "collar" not in row2.changes  # kept as stored
    assert outcome(plan, 3) == "created"
    assert reasons(plan, 4) == [
        "collar number 4521 is already used by row 3 of this file (as 04521: leading zeros do not count)"
    ]
    importer.run(db, path)
    assert roster.find_by_collar(db, "611") is None and roster.find_by_collar(db, "0611") is not None
    with pytest.raises(ValidationError) as clash:
        roster.create_officer(db, {"collar": "611", "surname": "Other"})
    assert "as 0611: leading zeros do not count" in clash.value.errors["collar"]


def test_dates_no_record_can_have_import_with_a_warning_naming_the_cell(db, tmp_path):
    """Such a date exists and can be read, so it is not a reason to reject: it imports as written,
    with a warning asking for it to be checked."""
    future = dt.date.today() + dt.timedelta(days=400)
    path = write_xlsx(
        tmp_path / "d.xlsx",
        [
            [*HEADER, "DOB"],
            ["1", "Serial", "A", 1, None, None],  # a cell holding 1 reads as 01/01/1900
            ["2", "Future", "B", future.strftime("%d/%m/%Y"), None, None],
            ["3", "Young", "C", "01/02/2020", None, "01/01/2010"],
            ["4", "Fine", "D", "01/02/2020", None, "01/01/1990"],
        ],
    )
    plan = importer.plan(db, path)

    def warned(row: int) -> list[str]:
        return [w["why"] for w in next(r for r in plan.rows if r.row_number == row).warnings]

    assert [outcome(plan, n) for n in (2, 3, 4, 5)] == ["created"] * 4
    assert warned(2) == ["is before 1950, which cannot be right: imported as written, to be checked"]
    assert warned(3) == ["is in the future: imported as written, to be checked"]
    assert warned(4) == ["makes them 10 when they joined on 01/02/2020: imported as written, to be checked"]
    assert warned(5) == []
    row3 = next(r for r in plan.rows if r.row_number == 3)
    assert row3.warnings[0]["column"] == "Date Joined" and row3.warnings[0]["value"] == future.strftime(
        "%d/%m/%Y"
    )
    assert row3.values["joined"] == future
    assert plan.summary()["warnings"] == 3


def test_the_roster_refuses_such_dates_but_still_saves_other_changes_to_an_old_record(db):
    with pytest.raises(ValidationError) as bad:
        roster.create_officer(
            db, {"collar": "9", "surname": "New", "joined": dt.date.today() + dt.timedelta(days=30)}
        )
    assert "is in the future" in bad.value.errors["joined"]
    oid = roster.create_officer(db, {"collar": "8", "surname": "Old", "joined": dt.date(2020, 2, 1)})
    # A date of birth stored before this rule (written straight to the database here).
    from desktop.core.models import Officer

    with db.session() as s:
        s.get(Officer, oid).date_of_birth = dt.date(2012, 1, 1)
    roster.update_officer(db, oid, {"phone": "01234 567890"})  # untouched odd date: still saves
    assert roster.check_officer(db, {"date_of_birth": dt.date(2011, 1, 1)}, officer_id=oid)[
        "date_of_birth"
    ] == ("Date of birth 01/01/2011 makes them 9 when they joined on 01/02/2020: check the date.")


@pytest.mark.parametrize(
    "text",
    ["Wednesday 3 April 2019", "Wed, 3 Apr 2019", "April 3, 2019", "Apr 3rd 2019", "3rd of April 2019",
     "2019/04/03", "2019.04.03", "03/04/2019", "3 April 2019"],
)  # fmt: skip
def test_more_ways_of_writing_a_date_are_read(text):
    from desktop.excel.values import parse_date

    assert parse_date(text) == dt.date(2019, 4, 3)


@pytest.mark.parametrize(("text", "hours"), [("-", None), ("n/a", None), ("7h30", 7.5), ("7 h 30 min", 7.5)])
def test_hours_written_as_a_dash_or_7h30(text, hours):
    from desktop.excel.values import parse_number

    assert parse_number(text) == hours


def test_a_column_typed_month_first_refuses_the_dates_that_read_both_ways(db, tmp_path):
    path = write_xlsx(
        tmp_path / "us.xlsx",
        [
            HEADER,
            ["1", "Able", "A", "04/15/2019", None],
            ["2", "Baker", "B", "04/03/2019", None],
            ["3", "Cole", "C", "05/05/2019", None],  # the same either way
            ["4", "Drew", "D", "3 Apr 2019", None],
        ],
    )
    plan = importer.plan(db, path)
    assert reasons(plan, 2) == ["'04/15/2019' is not a date: there is no month 15 (dates are read day first)"]
    assert reasons(plan, 3) == [
        "could be 4 March or 3 April: this column also has month-first dates such as 04/15/2019 (row 2); "
        "write the month as a word (3 Apr 2019)"
    ]
    assert outcome(plan, 4) == "created" and outcome(plan, 5) == "created"
    # A day-first column is read as before.
    uk = write_xlsx(
        tmp_path / "uk.xlsx",
        [HEADER, ["1", "Able", "A", "15/04/2019", None], ["2", "B", "B", "04/03/2019", None]],
    )
    plan = importer.plan(db, uk)
    assert next(r for r in plan.rows if r.row_number == 3).values["joined"] == dt.date(2019, 3, 4)

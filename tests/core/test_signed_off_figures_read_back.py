"""Figures stored when a month was signed off read back as they were stored, whichever version of
CiP Desk stored them: in the figures shown, on the command line, in the printout and the workbook."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from desktop import cli
from desktop.commands.return_cmd import summary_text
from desktop.core import returns, settings
from desktop.core.models import MonthLock
from desktop.core.returns import ReturnFigures, SignedOff
from desktop.excel.return_export import export_return
from desktop.reports import return_report
from tests.helpers_returns import MONTH, build_march_2025

# The March 2025 figures of tests.helpers_returns.build_march_2025 exactly as the first version of
# the return stored them when the month was signed off (its own code run on that force).
FIRST_VERSION = json.loads(
    (
        Path(__file__).resolve().parents[1] / "data" / "return_figures_stored_by_the_first_version.json"
    ).read_text("utf-8")
)
SIGNED_AT = dt.datetime(2025, 4, 3, 10, 12)


def store(db, figures, note=None):
    """Sign the month off as an earlier version did: its figures stored as they were."""
    with db.session(reason="signed off by an earlier version") as s:
        s.add(
            MonthLock(
                month=MONTH, signed_off_by="jsmith", signed_off_at=SIGNED_AT, figures=figures, note=note
            )
        )


def test_figures_stored_by_the_first_version_read_back_identically(db):
    build_march_2025(db)
    store(db, FIRST_VERSION, note="checked")
    shown = returns.view(db, MONTH)
    assert shown.signed_off == SignedOff("jsmith", SIGNED_AT, "checked")
    figures = shown.figures.to_json()
    assert figures == FIRST_VERSION
    assert list(figures) == list(FIRST_VERSION)  # the keys in the order they were stored
    assert json.dumps(figures, ensure_ascii=False) == json.dumps(FIRST_VERSION, ensure_ascii=False)
    # Today's data on the same force gives the same figures: no drift.
    assert shown.drift == []
    # Read as typed figures, they are the stored values.
    f = shown.figures
    assert f.minimum_hours == 16.0 and f.headcount.total == 9 and f.hours.total == 49.0
    assert f.compliance.met == FIRST_VERSION["compliance"]["met"] == 2
    assert [o.collar for o in f.officers] == [o["collar"] for o in FIRST_VERSION["officers"]]
    assert f.leavers[0].date == dt.date.fromisoformat(FIRST_VERSION["leavers"][0]["date"])


def test_the_command_line_prints_them_as_stored(db, db_path, capsys):
    build_march_2025(db)
    store(db, FIRST_VERSION)
    assert cli.main(["--db", str(db_path), "return", MONTH, "--json"]) == 0
    out = capsys.readouterr()
    signed = {"by": "jsmith", "at": "03/04/2025 10:12", "note": None}
    assert out.out == json.dumps({**FIRST_VERSION, "signed_off": signed}, ensure_ascii=False) + "\n"
    assert "today's data gives the same figures" in out.err


def test_figures_with_keys_missing_or_unknown_read_back(db, tmp_path, qapp):
    """A version that stored fewer keys, or keys this one does not know: what is there reads back,
    unknown keys are kept, and what is missing is told from the rest or left out."""
    older = copy.deepcopy(FIRST_VERSION)
    for key in ("qualifications", "units", "teams", "rank_names", "first_day", "as_at", "year_start"):
        del older[key]
    for row in older["officers"]:
        del row["applies"], row["status"]
    older["headcount"]["by_station"] = {"Stevenage": 3}
    older["force_code"] = "HT"
    build_march_2025(db)
    store(db, older)

    f = returns.locked(db, MONTH)
    assert f.qualifications is None
    assert (f.first_day, f.as_at, f.year_start) == (
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 31),
        dt.date(2024, 4, 1),
    )
    assert [o.applies for o in f.officers] == [o["applies"] for o in FIRST_VERSION["officers"]]
    assert [u.to_json() for u in f.units] == FIRST_VERSION["units"]  # from the attachments and hours
    assert f.teams == [] and f.headcount.total == 9
    written = f.to_json()
    assert written["headcount"]["by_station"] == {"Stevenage": 3} and written["force_code"] == "HT"
    assert "qualifications" not in written
    for key in ("month", "minimum_hours", "headcount", "joiners", "leavers", "hours", "attachments", "notes"):
        assert written[key] == older[key], key

    # Every output reads them; the section that version did not report is left out.
    force = settings.get_all(db)
    html = return_report.build_html(f, force)
    assert "<h2>Qualifications</h2>" not in html and "Headcount at month end" in html
    text = summary_text(f, "Example Constabulary")
    assert "Serving officers at month end: 9" in text and "Qualifications" not in text
    out = tmp_path / "older.xlsx"
    export_return(f, force, out)
    sections = {
        row[0] for row in openpyxl.load_workbook(out)["Summary"].iter_rows(min_row=2, values_only=True)
    }
    assert "Headcount" in sections and "Qualifications" not in sections
    assert return_report.write_pdf(f, force, tmp_path / "older.pdf") >= 1


@pytest.mark.parametrize("month", [MONTH, "2025-02", "2024-12"])
def test_todays_figures_read_back_from_their_json_unchanged(db, month):
    build_march_2025(db)
    figures = returns.compute(db, month)
    data = figures.to_json()
    assert ReturnFigures.from_json(data) == figures
    assert json.dumps(ReturnFigures.from_json(data).to_json()) == json.dumps(data)


def test_a_month_not_signed_off_shows_todays_figures(db):
    build_march_2025(db)
    shown = returns.view(db, MONTH)
    assert shown.signed_off is None and shown.drift == []
    assert shown.figures == returns.compute(db, MONTH)
    assert list(shown.to_json())[-1] == "signed_off" and shown.to_json()["signed_off"] is None


def test_a_signed_off_month_shows_its_stored_figures_and_what_differs_today(db):
    from tests.helpers_returns import duty

    ids = build_march_2025(db)
    returns.sign_off(db, MONTH, "ok")
    duty(db, ids["green"], dt.date(2025, 3, 12), 8.5, duty_type="patrol")
    shown = returns.view(db, MONTH)
    assert shown.figures.hours.total == 49.0 and shown.signed_off.note == "ok"
    assert {d["path"]: (d["stored"], d["now"]) for d in shown.drift}["hours.total"] == (49.0, 57.5)
    assert shown.drift == returns.drift(db, MONTH)


def test_a_return_stored_before_leavers_with_only_year_to_date_hours_were_listed_shows_no_drift(
    db, db_path, capsys
):
    """Such rows are how the return is laid out now, not a change in the month's records: neither
    the figures shown (the Returns tab) nor the command line report them."""
    from desktop.core import hours, roster

    stay = roster.create_officer(db, {"collar": "1", "surname": "Stays", "joined": dt.date(2020, 1, 1)})
    gone = roster.create_officer(db, {"collar": "2", "surname": "Goes", "joined": dt.date(2020, 1, 1)})
    for oid, day in ((stay, dt.date(2025, 6, 3)), (gone, dt.date(2025, 4, 9))):
        hours.add_duty(db, {"officer_id": oid, "date": day, "hours": 6, "duty_type": "patrol"})
    roster.record_leaving(db, gone, dt.date(2025, 5, 1), "resigned")
    older = returns.compute(db, "2025-06").to_json()
    older["officers"] = [r for r in older["officers"] if r["collar"] != "2"]
    with db.session(reason="signed off by an earlier version") as s:
        s.add(MonthLock(month="2025-06", signed_off_by="jsmith", signed_off_at=SIGNED_AT, figures=older))
    assert returns.view(db, "2025-06").drift == []
    assert cli.main(["--db", str(db_path), "return", "2025-06"]) == 0
    assert "today's data gives the same figures" in capsys.readouterr().err

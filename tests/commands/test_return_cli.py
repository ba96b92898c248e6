"""``cipdesk return``: the JSON contract of docs/cli.md, the human summary, the files, the errors."""

from __future__ import annotations

import json

import pytest

from desktop import cli
from desktop.core import returns
from tests.helpers_returns import MONTH, build_march_2025, duty


@pytest.fixture
def built(db, db_path):
    ids = build_march_2025(db)
    return ids, str(db_path)


def run_json(capsys, path, *extra):
    code = cli.main(["--db", path, "return", MONTH, "--json", *extra])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_json_keys_and_types(built, capsys):
    _, path = built
    code, data, _ = run_json(capsys, path)
    assert code == 0
    assert set(data) >= {
        "month",
        "minimum_hours",
        "headcount",
        "joiners",
        "leavers",
        "hours",
        "compliance",
        "inactive_3_months",
        "independent_patrol",
        "attachments",
        "officers",
    }
    assert data["month"] == "2025-03"
    assert isinstance(data["minimum_hours"], int | float)
    assert set(data["headcount"]) >= {"total", "by_rank", "by_status", "by_team"}
    assert set(data["hours"]) >= {"total", "by_team", "by_duty_type", "by_unit", "year_to_date"}
    assert set(data["compliance"]) >= {"applies", "met", "below", "zero"}
    assert set(data["independent_patrol"]) >= {"total", "new"}
    assert set(data["attachments"]) >= {"active_by_unit", "started", "ended"}
    for value in data["hours"].values():
        assert isinstance(value, int | float | dict)
    assert all(isinstance(v, int | float) for v in data["hours"]["by_team"].values())
    assert isinstance(data["hours"]["total"], float) and data["hours"]["total"] == 49.0
    assert set(data["headcount"]["by_rank"]) >= {"SC", "SSgt", "SInsp", "SChInsp", "SSupt", "SCO"}
    assert set(data["headcount"]["by_status"]) <= {
        "applicant",
        "in training",
        "active",
        "LOA",
        "suspended",
        "left",
    }
    for row in data["officers"]:
        assert set(row) >= {"collar", "name", "rank", "team", "hours", "ytd_hours", "rag"}
        assert row["rag"] in {"red", "amber", "green", "grey"}
        assert isinstance(row["hours"], int | float) and isinstance(row["ytd_hours"], int | float)
        assert isinstance(row["collar"], str)
    assert data["compliance"] == {"applies": 6, "met": 2, "below": 1, "zero": 3}
    assert isinstance(data["joiners"], list) and data["joiners_count"] == 1
    assert data["signed_off"] is None


def test_human_summary(built, capsys):
    _, path = built
    assert cli.main(["--db", path, "return", MONTH]) == 0
    out = capsys.readouterr().out
    assert "monthly return for March 2025" in out
    assert "Serving officers at month end: 9" in out
    assert "met 2 (33%), below 1, zero 3" in out


def test_files(built, capsys, tmp_path):
    _, path = built
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    assert cli.main(["--db", path, "return", MONTH, "--pdf", str(pdf), "--xlsx", str(xlsx)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert xlsx.stat().st_size > 0
    err = capsys.readouterr().err
    assert f"Wrote {pdf}" in err and f"Wrote {xlsx}" in err


@pytest.mark.parametrize("month", ["2025-13", "March 2025", "25-3"])
def test_bad_month(db, db_path, capsys, month):
    assert cli.main(["--db", str(db_path), "return", month]) == 2
    err = capsys.readouterr().err
    assert "is not a month: write it as YYYY-MM" in err


def test_locked_month_shows_stored_figures_and_warns(built, db, capsys):
    ids, path = built
    returns.sign_off(db, MONTH, "ok")
    import datetime as dt

    duty(db, ids["green"], dt.date(2025, 3, 12), 8.5)
    code, data, err = run_json(capsys, path)
    assert code == 0
    assert data["hours"]["total"] == 49.0  # as signed off
    assert data["signed_off"]["note"] == "ok"
    assert "today's data differs" in err and "Hours › total: 49 when signed off, 57.5 now" in err

"""The monthly return service: every figure on hand-built data whose right answer is known."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import month_locks, returns, roster, settings
from desktop.core.errors import ConflictError
from tests.helpers_returns import MONTH, build_march_2025, duty, officer


@pytest.fixture
def march(db):
    ids = build_march_2025(db)
    return ids, returns.compute(db, MONTH).to_json()


def rows_by_collar(figures):
    return {row["collar"]: row for row in figures["officers"]}


def test_cli_keys_are_all_present(march):
    _, f = march
    for key in (
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
    ):
        assert key in f
    assert set(f["headcount"]) >= {"total", "by_rank", "by_status", "by_team"}
    assert set(f["hours"]) >= {"total", "by_team", "by_duty_type", "by_unit", "year_to_date"}
    assert set(f["compliance"]) >= {"applies", "met", "below", "zero"}
    assert set(f["independent_patrol"]) >= {"total", "new"}
    assert set(f["attachments"]) >= {"active_by_unit", "started", "ended"}
    for row in f["officers"]:
        assert set(row) >= {"collar", "name", "rank", "team", "hours", "ytd_hours", "rag"}
    assert f["month"] == "2025-03"
    assert f["minimum_hours"] == 16


def test_headcount_as_at_month_end(march):
    _, f = march
    hc = f["headcount"]
    # serving on 31/3: Adams, Brown (joined 1/3), Evans (LOA), Fox, Green, Hughes, Irwin, Jones, King.
    # Clark left on 31/3 and Davies on 1/3: a leaving date on or before month end means left.
    assert hc["total"] == 9
    assert hc["by_rank"]["SC"] == 9  # Hughes is promoted only in April
    assert hc["by_rank"]["SSgt"] == 0
    assert list(hc["by_rank"])[:3] == ["SC", "SSgt", "SInsp"]  # lowest first
    assert hc["by_status"] == {"applicant": 0, "in training": 2, "active": 6, "LOA": 1, "suspended": 0}
    assert hc["by_team"] == {"Response A": 2, "Response B": 3, "Stevenage NPT": 3, "(no team)": 1}


def test_joiners_and_leavers_on_first_and_last_day(march):
    _, f = march
    assert [(j["collar"], j["date"]) for j in f["joiners"]] == [("1002", "2025-03-01")]
    assert f["joiners_count"] == 1
    leavers = {lv["collar"]: lv for lv in f["leavers"]}
    assert leavers["1003"]["date"] == "2025-03-31" and leavers["1003"]["reason"] == "resigned"
    assert leavers["1004"]["date"] == "2025-03-01" and leavers["1004"]["reason"] == "joined the regulars"
    assert f["leavers_count"] == 2
    assert f["leavers_by_reason"]["resigned"] == 1
    assert f["leavers_by_reason"]["joined the regulars"] == 1
    assert f["leavers_by_reason"]["retired"] == 0


def test_hours_in_month(march):
    _, f = march
    h = f["hours"]
    # Adams 16, Clark 5 (before leaving), Green 8 (overnight 31/3 -> 1/4), Jones 20 (monthly total)
    assert h["total"] == 49.0
    assert isinstance(h["total"], float)
    assert h["by_team"] == {"Response A": 29.0, "Stevenage NPT": 20.0}
    assert h["by_duty_type"]["patrol"] == 28.0
    assert h["by_duty_type"]["response"] == 13.0
    assert h["by_duty_type"]["specialist attachment"] == 8.0
    assert h["by_duty_type"]["event"] == 0.0
    assert h["by_unit"] == {"Road Policing Unit": 8.0}
    # financial year from 1/4/2024: Adams 4+16, Clark 5, Green 8+8, Hughes 7, Irwin 6, Jones 20
    assert h["year_to_date"] == 74.0


def test_per_officer_rows_and_rag(march):
    _, f = march
    rows = rows_by_collar(f)
    assert rows["1001"]["hours"] == 16.0 and rows["1001"]["rag"] == "green"  # exactly the minimum
    assert rows["1001"]["ytd_hours"] == 20.0  # 1/4/2024 counts, 31/3/2024 does not
    assert rows["1007"]["hours"] == 8.0 and rows["1007"]["rag"] == "amber"  # overnight on its start date
    assert rows["1007"]["ytd_hours"] == 16.0
    assert rows["1010"]["hours"] == 20.0 and rows["1010"]["rag"] == "green"  # monthly total
    assert rows["1008"]["rag"] == "red" and rows["1008"]["rank"] == "SC"  # rank as at month end
    assert rows["1009"]["rag"] == "red"
    assert rows["1011"]["rag"] == "red"  # LOA only from April
    assert rows["1005"]["rag"] == "grey" and rows["1005"]["status"] == "LOA"
    assert rows["1006"]["rag"] == "grey"  # attested after month end
    assert rows["1002"]["rag"] == "grey"  # in training, not attested
    assert rows["1003"]["rag"] == "grey" and rows["1003"]["hours"] == 5.0  # left in M, hours still shown
    assert "1004" not in rows  # left on the 1st, no hours: not on the return
    assert sum(r["hours"] for r in f["officers"]) == f["hours"]["total"]
    assert [r["name"] for r in f["officers"]][:2] == ["Adams, Amy", "Brown, Sam"]


def test_compliance_and_inactive(march):
    _, f = march
    assert f["compliance"] == {"applies": 6, "met": 2, "below": 1, "zero": 3}
    assert [i["collar"] for i in f["inactive_3_months"]] == ["1008", "1011"]
    assert f["inactive_3_months_count"] == 2


def test_minimum_hours_setting(db, march):
    settings.set_value(db, "minimum_hours", 20)
    f = returns.compute(db, MONTH).to_json()
    assert f["minimum_hours"] == 20
    assert f["compliance"] == {"applies": 6, "met": 1, "below": 2, "zero": 3}


def test_independent_patrol(march):
    _, f = march
    assert f["independent_patrol"]["total"] == 2  # Adams (2021) and Jones (15/3/2025)
    assert f["independent_patrol"]["new"] == 1
    assert f["independent_patrol"]["new_officers"][0]["collar"] == "1010"


def test_attachments(march):
    _, f = march
    a = f["attachments"]
    assert a["active_by_unit"]["Road Policing Unit"] == 1
    assert a["active_by_unit"]["Rural Operational Support Team"] == 1  # requested one not counted
    assert a["active_by_unit"]["Public Protection Unit"] == 0  # ended on 20/3
    assert a["active_total"] == 2
    assert a["started"] == [
        {"collar": "1001", "name": "Adams, Amy", "unit": "Road Policing Unit", "date": "2025-03-10"}
    ]
    assert a["ended"] == [
        {"collar": "1010", "name": "Jones, Sam", "unit": "Public Protection Unit", "date": "2025-03-20"}
    ]
    units = {u["unit"]: u for u in f["units"]}
    assert units["Road Policing Unit"] == {
        "unit": "Road Policing Unit",
        "active": 1,
        "started": 1,
        "ended": 0,
        "hours": 8.0,
    }


def test_qualifications(march):
    _, f = march
    q = f["qualifications"]
    assert [(r["collar"], r["qualification"], r["expires"]) for r in q["expired"]] == [
        ("1001", "First aid", "2025-03-15")
    ]
    assert [(r["collar"], r["qualification"]) for r in q["expiring_60_days"]] == [
        ("1010", "Officer safety training")
    ]
    assert q["expired_count"] == 1 and q["expiring_count"] == 1  # Irwin renewed: neither


def test_teams_detail(march):
    _, f = march
    teams = {t["team"]: t for t in f["teams"]}
    assert teams["Response A"] == {
        "team": "Response A",
        "headcount": 2,
        "hours": 29.0,
        "applies": 2,
        "met": 1,
        "below": 1,
        "zero": 0,
    }
    assert teams["(no team)"]["zero"] == 1
    assert [t["team"] for t in f["teams"]][-1] == "(no team)"


def test_history_without_dates_counts_from_joining(db):
    oid = officer(db, "2001", "Legacy", joined=dt.date(2010, 1, 1), attested=dt.date(2010, 2, 1))
    with db.session() as s:
        from desktop.core.models import RankChange

        for rc in s.query(RankChange).filter_by(officer_id=oid):
            rc.effective = None
    roster.update_officer(db, oid, {"rank": "SInsp"}, effective=dt.date(2024, 6, 1))
    assert returns.compute(db, "2024-05").to_json()["officers"][0]["rank"] == "SC"
    assert returns.compute(db, "2024-06").to_json()["officers"][0]["rank"] == "SInsp"


def test_before_anyone_joined(db):
    officer(db, "3001", "Late", joined=dt.date(2024, 1, 1), attested=dt.date(2024, 2, 1))
    f = returns.compute(db, "2020-01").to_json()
    assert f["headcount"]["total"] == 0
    assert f["officers"] == []
    assert f["compliance"] == {"applies": 0, "met": 0, "below": 0, "zero": 0}


def test_missing_dates_are_noted(db):
    officer(db, "4001", "Undated")
    f = returns.compute(db, "2025-03").to_json()
    assert f["headcount"]["total"] == 1
    assert f["officers"][0]["rag"] == "red"
    assert any("no joining date" in n for n in f["notes"])
    assert any("no attestation date" in n for n in f["notes"])


@pytest.mark.parametrize("text", ["2025-13", "March", "", "25-03", "2025/03", "0999-01"])
def test_bad_month(db, text):
    with pytest.raises(returns.MonthError) as info:
        returns.compute(db, text)
    assert "YYYY-MM" in str(info.value)


def test_month_helpers():
    assert returns.parse_month(" 2025-3 ") == "2025-03"
    assert returns.month_label("2025-03") == "March 2025"
    assert returns.shift_month("2025-01", -1) == "2024-12"
    assert returns.shift_month("2024-12", 1) == "2025-01"


def test_sign_off_lock_and_drift(db, march):
    ids, figures = march
    assert returns.locked(db, MONTH) is None
    assert returns.drift(db, MONTH) == []
    stored = returns.sign_off(db, MONTH, "checked by SCO").to_json()
    assert stored == figures
    info = returns.lock_info(db, MONTH)
    assert info["note"] == "checked by SCO" and info["signed_off_by"]
    assert returns.locked(db, MONTH).to_json() == figures
    assert month_locks.signed_off(db) == {MONTH}
    assert returns.drift(db, MONTH) == []

    # a late duty for Green changes the total, the team, the duty type and Green's own row
    duty(db, ids["green"], dt.date(2025, 3, 12), 8.5, duty_type="patrol")
    diffs = {d["path"]: (d["stored"], d["now"]) for d in returns.drift(db, MONTH)}
    assert diffs["hours.total"] == (49.0, 57.5)
    assert diffs["hours.by_team.Response A"] == (29.0, 37.5)
    assert diffs["officers.1007.hours"] == (8.0, 16.5)
    assert diffs["officers.1007.rag"] == ("amber", "green")
    assert diffs["compliance.met"] == (2, 3)
    lines = returns.summarise(returns.drift(db, MONTH))
    assert lines[0].startswith("Hours › total: 49 when signed off, 57.5 now")
    # the stored figures are kept as signed off
    assert returns.locked(db, MONTH).to_json()["hours"]["total"] == 49.0

    with pytest.raises(ConflictError) as err:
        returns.sign_off(db, MONTH)
    assert "already signed off" in str(err.value)


def test_drift_new_officer_is_one_difference(db, march):
    returns.sign_off(db, MONTH)
    # Back-dated into the signed-off month: allowed with a reason (without one it is refused).
    roster.create_officer(
        db,
        {"collar": "5001", "surname": "Newcomer", "forenames": "Sam", "joined": dt.date(2025, 3, 20)},
        locked_reason="paperwork arrived late",
    )
    paths = [d["path"] for d in returns.drift(db, MONTH)]
    assert "officers.5001" in paths
    assert not any(p.startswith("officers.5001.") for p in paths)
    assert "headcount.total" in paths and "joiners.5001" in paths


def test_applicant_without_joining_date_is_not_serving(db):
    officer(db, "6001", "Applicant", status="applicant")
    f = returns.compute(db, "2025-03").to_json()
    assert f["headcount"]["total"] == 0
    assert f["officers"] == []

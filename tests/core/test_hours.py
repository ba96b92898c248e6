"""Hours service: duties added, validated, edited, deleted and audited; the month grid and its RAG."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, select

from desktop.core import hours, month_locks, roster, settings
from desktop.core.errors import ValidationError
from desktop.core.models import AuditEvent, Duty, MonthLock, Unit

D = dt.date
T = dt.time


def officer(db, collar="4521", surname="Smith", **extra) -> int:
    data = {
        "collar": collar,
        "surname": surname,
        "forenames": "Jo",
        "team": "Response A",
        "joined": D(2020, 1, 1),
        "attested": D(2020, 3, 1),
    }
    data.update(extra)
    return roster.create_officer(db, data)


def unit_id(db) -> int:
    with db.read() as s:
        return s.scalar(select(Unit.id).order_by(Unit.name).limit(1))


def lock(db, month: str) -> None:
    with db.session() as s:
        s.add(MonthLock(month=month, signed_off_by="test", figures={}))


def audit_rows(db, entity_id: int | None = None) -> list:
    cols = (AuditEvent.entity_id, AuditEvent.officer_id, AuditEvent.action, AuditEvent.field)
    cols += (AuditEvent.old, AuditEvent.new, AuditEvent.reason)
    with db.read() as s:
        q = select(*cols).where(AuditEvent.entity == "duties").order_by(AuditEvent.id)
        if entity_id is not None:
            q = q.where(AuditEvent.entity_id == entity_id)
        return list(s.execute(q).all())


# -- parsing and pure rules ---------------------------------------------------------------------


def test_duty_hours_overnight_and_same_day():
    assert hours.duty_hours(T(22, 0), T(6, 0)) == 8
    assert hours.duty_hours(T(9, 0), T(17, 30)) == 8.5
    assert hours.duty_hours(T(23, 30), T(0, 15)) == 0.75
    with pytest.raises(ValueError):
        hours.duty_hours(T(9, 0), T(9, 0))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("22:00", T(22)),
        ("2200", T(22)),
        ("22", T(22)),
        ("6", T(6)),
        ("630", T(6, 30)),
        ("06.30", T(6, 30)),
        ("24:00", T(0)),
        ("", None),
    ],
)
def test_parse_time_text(text, expected):
    assert hours.parse_time_text(text) == expected


@pytest.mark.parametrize("text", ["25:00", "12:60", "noon", "1:2:3"])
def test_parse_time_text_refuses(text):
    with pytest.raises(ValueError):
        hours.parse_time_text(text)


def test_parse_date_text_uk_and_shorthand():
    base = D(2026, 5, 20)
    assert hours.parse_date_text("3", base) == D(2026, 5, 3)
    assert hours.parse_date_text("3/4", base) == D(2026, 4, 3)
    assert hours.parse_date_text("03/04/26", base) == D(2026, 4, 3)
    assert hours.parse_date_text("03/04/2019", base) == D(2019, 4, 3)
    assert hours.parse_date_text("2019-04-03", base) == D(2019, 4, 3)
    with pytest.raises(ValueError, match="exists"):
        hours.parse_date_text("31/02/2020", base)


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59))
def test_duty_hours_always_between_0_and_24(h1, m1, h2, m2):
    if (h1, m1) == (h2, m2):
        return
    value = hours.duty_hours(T(h1, m1), T(h2, m2))
    assert 0 < value < 24


def test_rag_rule():
    assert hours.rag_status(16, 16, True) == "green"
    assert hours.rag_status(15.75, 16, True) == "amber"
    assert hours.rag_status(0, 16, True) == "red"
    assert hours.rag_status(40, 16, False) == "grey"


# -- adding -------------------------------------------------------------------------------------


def test_overnight_duty_counts_8_hours_on_start_date(db):
    oid = officer(db)
    rec = hours.add_duty(
        db, {"officer_id": oid, "date": D(2026, 5, 31), "start_time": "22:00", "end_time": "06:00"}
    )
    assert rec.hours == 8 and rec.date == D(2026, 5, 31) and rec.duty_type == "patrol"
    assert "overnight" in rec.times_text
    may = hours.month_grid(db, "2026-05")
    june = hours.month_grid(db, "2026-06")
    assert may.rows[0].days[30] == 8 and may.rows[0].total == 8
    assert june.rows[0].total == 0


def test_hours_only_duty(db):
    oid = officer(db)
    rec = hours.add_duty(
        db, {"officer_id": oid, "date": D(2026, 5, 2), "hours": "7.5", "duty_type": "training"}
    )
    assert rec.hours == 7.5 and rec.start_time is None and rec.end_time is None


@pytest.mark.parametrize(
    "data,field,words",
    [
        ({"start_time": "09:00", "end_time": "09:00"}, "end_time", "equals the start"),
        ({"hours": 0}, "hours", "more than 0"),
        ({"hours": -2}, "hours", "more than 0"),
        ({"hours": 24.5}, "hours", "24 hours"),
        ({"hours": 4, "date": D(2019, 12, 31)}, "date", "before Jo Smith joined (01/01/2020)"),
        ({"hours": 4, "duty_type": "karaoke"}, "duty_type", "Unknown duty type 'karaoke'"),
        ({"hours": 4, "duty_type": "specialist attachment"}, "unit_id", "needs its unit"),
        ({"start_time": "09:00"}, "end_time", "end time"),
        ({}, "hours", "start and end times, or the hours"),
        ({"hours": 4, "date": None}, "date", "Enter the date"),
        ({"start_time": "09:00", "end_time": "17:00", "hours": 7}, "hours", "is 8 hours, not 7"),
    ],
)
def test_validation_reasons(db, data, field, words):
    oid = officer(db)
    full = {"officer_id": oid, "date": D(2026, 5, 2), **data}
    with pytest.raises(ValidationError) as info:
        hours.add_duty(db, full)
    assert words in info.value.errors[field]
    assert hours.validate_duty(db, full)[field] == info.value.errors[field]
    with db.read() as s:
        assert s.scalar(select(Duty.id)) is None


def test_date_after_leaving_refused_but_leaving_day_allowed(db):
    oid = officer(db, status="left", left_date=D(2026, 5, 10), leaving_reason="resigned")
    hours.add_duty(db, {"officer_id": oid, "date": D(2026, 5, 10), "hours": 3})
    with pytest.raises(ValidationError) as info:
        hours.add_duty(db, {"officer_id": oid, "date": D(2026, 5, 11), "hours": 3})
    assert info.value.errors == {"date": "11/05/2026 is after Jo Smith left (10/05/2026)."}


def test_attachment_duty_with_unit(db):
    oid = officer(db)
    uid = unit_id(db)
    rec = hours.add_duty(
        db,
        {
            "officer_id": oid,
            "date": D(2026, 5, 2),
            "hours": 6,
            "duty_type": "specialist attachment",
            "unit_id": uid,
        },
    )
    assert rec.unit_id == uid and rec.unit_name and rec.unit_name in rec.type_text


def test_event_duty_for_many_with_refusals(db):
    a = officer(db, "1001", "Ahmed")
    b = officer(db, "1002", "Brown")
    late = officer(db, "1003", "Late", joined=D(2026, 6, 1), attested=None)
    gone = officer(db, "1004", "Gone", status="left", left_date=D(2026, 4, 30), leaving_reason="retired")
    result = hours.add_event_duties(
        db,
        [a, b, late, gone],
        {"date": D(2026, 5, 9), "start_time": "18:00", "end_time": "02:00", "note": "Carnival"},
    )
    assert sorted(r.collar for r in result.saved) == ["1001", "1002"]
    assert all(r.hours == 8 and r.duty_type == "event" and r.note == "Carnival" for r in result.saved)
    refused = {r.collar: r for r in result.refused}
    assert set(refused) == {"1003", "1004"}
    assert "before Jo Late joined" in refused["1003"].text
    assert "after Jo Gone left" in refused["1004"].errors["date"]
    # A fault in the duty itself refuses the whole event.
    with pytest.raises(ValidationError) as info:
        hours.add_event_duties(db, [a, b], {"date": D(2026, 5, 9), "hours": 30})
    assert set(info.value.errors) == {"hours"}
    with pytest.raises(ValidationError):
        hours.add_event_duties(db, [], {"date": D(2026, 5, 9), "hours": 3})
    with db.read() as s:
        assert len(s.scalars(select(Duty)).all()) == 2


# -- edit and delete ----------------------------------------------------------------------------


def test_edit_and_delete_are_audited(db):
    oid = officer(db)
    rec = hours.add_duty(
        db, {"officer_id": oid, "date": D(2026, 5, 2), "start_time": "09:00", "end_time": "17:00"}
    )
    created = audit_rows(db, rec.id)
    assert [e.action for e in created] == ["create"] and created[0].officer_id == oid
    edited = hours.update_duty(db, rec.id, {"end_time": "18:30", "note": "Late call"}, version=rec.version)
    assert edited.hours == 9.5 and edited.note == "Late call"
    changes = {(e.field, e.old, e.new) for e in audit_rows(db, rec.id) if e.action == "update"}
    assert ("end_time", "17:00:00", "18:30:00") in changes
    assert ("hours", "8", "9.5") in changes
    assert ("note", None, "Late call") in changes
    # Hours alone turn it into an hours-only duty.
    again = hours.update_duty(db, rec.id, {"hours": 4})
    assert (again.hours, again.start_time, again.end_time) == (4, None, None)
    # A stale version is refused.
    from desktop.core.errors import ConflictError

    with pytest.raises(ConflictError):
        hours.update_duty(db, rec.id, {"hours": 5}, version=rec.version)
    with pytest.raises(ValidationError) as info:
        hours.update_duty(db, rec.id, {"hours": 0})
    assert "hours" in info.value.errors
    hours.delete_duty(db, rec.id)
    deleted = [e for e in audit_rows(db, rec.id) if e.action == "delete"]
    assert len(deleted) == 1 and '"hours": "4"' in deleted[0].old
    assert hours.list_duties(db, oid, D(2026, 1, 1), D(2026, 12, 31)) == []


def test_list_and_day_duties(db):
    oid = officer(db)
    hours.add_duty(db, {"officer_id": oid, "date": D(2026, 5, 2), "start_time": "18:00", "end_time": "22:00"})
    hours.add_duty(db, {"officer_id": oid, "date": D(2026, 5, 2), "start_time": "08:00", "end_time": "10:00"})
    hours.add_duty(db, {"officer_id": oid, "date": D(2026, 6, 1), "hours": 3})
    day = hours.day_duties(db, oid, D(2026, 5, 2))
    assert [d.start_time for d in day] == [T(8), T(18)]
    assert len(hours.list_duties(db, oid, D(2026, 5, 1), D(2026, 6, 30))) == 3
    assert hours.officer_month_totals(db, oid, D(2026, 1, 1), D(2026, 12, 31)) == {"2026-05": 6, "2026-06": 3}


# -- locked months ------------------------------------------------------------------------------


def test_locked_month_needs_a_reason(db):
    oid = officer(db)
    rec = hours.add_duty(db, {"officer_id": oid, "date": D(2026, 4, 3), "hours": 5})
    lock(db, "2026-04")
    assert month_locks.is_signed_off(db, "2026-04") and not month_locks.is_signed_off(db, "2026-05")
    data = {"officer_id": oid, "date": D(2026, 4, 4), "hours": 5}
    with pytest.raises(hours.LockedMonthError, match="April 2026 has been signed off") as info:
        hours.add_duty(db, data)
    assert info.value.month == "2026-04"
    with pytest.raises(hours.LockedMonthError):
        hours.add_duty(db, data, reason="   ")
    with pytest.raises(hours.LockedMonthError):
        hours.update_duty(db, rec.id, {"hours": 6})
    with pytest.raises(hours.LockedMonthError):  # moving a duty out of a locked month
        hours.update_duty(db, rec.id, {"date": D(2026, 5, 3)})
    with pytest.raises(hours.LockedMonthError):
        hours.delete_duty(db, rec.id)
    with pytest.raises(hours.LockedMonthError):
        hours.add_event_duties(db, [oid], data)
    assert len(hours.list_duties(db, oid, D(2026, 4, 1), D(2026, 4, 30))) == 1

    new = hours.add_duty(db, data, reason="Paper return found late")
    hours.update_duty(db, rec.id, {"hours": 6}, reason="Typo on the sheet")
    hours.delete_duty(db, new.id, reason="Entered twice")
    reasons = {(e.entity_id, e.action, e.reason) for e in audit_rows(db)}
    assert (new.id, "create", "Paper return found late") in reasons
    assert (rec.id, "update", "Typo on the sheet") in reasons
    assert (new.id, "delete", "Entered twice") in reasons
    assert hours.month_grid(db, "2026-04").locked


# -- the month grid -----------------------------------------------------------------------------


def test_month_grid_content_and_rag(db):
    met = officer(db, "1", "Exact")
    below = officer(db, "2", "Below")
    officer(db, "3", "Zero")
    loa = officer(db, "4", "Leave")
    roster.update_officer(db, loa, {"status": "LOA"}, effective=D(2026, 5, 20))
    late_attest = officer(db, "5", "Trainee", attested=D(2026, 6, 2), status="in training")
    officer(db, "6", "Future", joined=D(2026, 6, 1), attested=None)
    officer(db, "7", "Former", status="left", left_date=D(2026, 4, 30), leaving_reason="resigned")
    officer(db, "8", "Leaver", status="left", left_date=D(2026, 5, 15), leaving_reason="resigned", team="NPT")
    hours.add_duty(db, {"officer_id": met, "date": D(2026, 5, 1), "start_time": "09:00", "end_time": "17:00"})
    hours.add_duty(db, {"officer_id": met, "date": D(2026, 5, 1), "hours": 2})
    hours.add_duty(
        db, {"officer_id": met, "date": D(2026, 5, 30), "start_time": "22:00", "end_time": "04:00"}
    )
    hours.add_duty(db, {"officer_id": below, "date": D(2026, 5, 3), "hours": 15.5})
    hours.add_duty(db, {"officer_id": loa, "date": D(2026, 5, 3), "hours": 4})
    hours.add_duty(db, {"officer_id": late_attest, "date": D(2026, 5, 4), "hours": 20})
    hours.add_duty(db, {"officer_id": met, "date": D(2026, 6, 1), "hours": 9})  # next month: not counted

    grid = hours.month_grid(db, "2026-05")
    assert grid.days == 31 and grid.minimum_hours == 16 and not grid.locked
    rows = {r.collar: r for r in grid.rows}
    assert set(rows) == {"1", "2", "3", "4", "5", "8"}  # future joiner and earlier leaver not shown
    assert rows["1"].days[0] == 10 and rows["1"].days[29] == 6 and rows["1"].total == 16
    assert sum(rows["1"].days) == 16
    assert {c: r.rag for c, r in rows.items()} == {
        "1": "green",
        "2": "amber",
        "3": "red",
        "4": "grey",
        "5": "grey",
        "8": "grey",
    }
    assert "leave of absence" in rows["4"].rag_reason
    assert "not attested" in rows["5"].rag_reason
    assert rows["8"].last_day == 15 and rows["1"].first_day == 1
    assert grid.counts() == {"green": 1, "amber": 1, "red": 1, "grey": 3}
    assert grid.total_hours == 16 + 15.5 + 4 + 20
    assert grid.teams == ["NPT", "Response A"]
    only = hours.month_grid(db, "2026-05", team="NPT")
    assert [r.collar for r in only.rows] == ["8"] and only.teams == grid.teams
    # LOA began after April ended: April's minimum applies (zero hours, red).
    april = {r.collar: r.rag for r in hours.month_grid(db, "2026-04").rows}
    assert april["4"] == "red"
    # The same rule as the monthly return, officer by officer.
    from desktop.core import returns

    figures = returns.compute(db, "2026-05").to_json()
    assert {o["collar"]: o["rag"] for o in figures["officers"]} == {c: rows[c].rag for c in "12345"}
    # The minimum is a setting.
    settings.set_value(db, "minimum_hours", 10)
    assert {r.collar: r.rag for r in hours.month_grid(db, "2026-05").rows}["2"] == "green"


def test_month_grid_shows_monthly_total_entries(db):
    oid = officer(db)
    hours.add_duty(db, {"officer_id": oid, "date": D(2026, 3, 1), "hours": 4})
    with db.session() as s:
        s.execute(
            insert(Duty),
            [
                {
                    "officer_id": oid,
                    "date": D(2026, 3, 1),
                    "hours": 20.0,
                    "duty_type": "patrol",
                    "is_monthly_total": True,
                    "source": "import",
                    "version": 1,
                },
            ],
        )
    grid = hours.month_grid(db, "2026-03")
    row = grid.rows[0]
    assert row.monthly_total == 20 and row.days[0] == 4 and row.total == 24 and row.rag == "green"
    # The monthly total is not a duty of the 1st; it is listed with the month.
    assert [d.hours for d in hours.day_duties(db, oid, D(2026, 3, 1))] == [4]
    listed = hours.list_duties(db, oid, D(2026, 3, 1), D(2026, 3, 31))
    assert [(d.is_monthly_total, d.type_text) for d in listed][0] == (True, "Monthly total")


def test_month_grid_empty_database(db):
    grid = hours.month_grid(db, "2026-02")
    assert grid.rows == [] and grid.days == 28 and grid.officers_in_database == 0

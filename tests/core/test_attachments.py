"""Specialist units and attachments: eligibility rules, request/start/end, overrides, who could join,
unit settings. Every rule alone, all together, and at its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.core import attachments as att
from desktop.core import audit, roster
from desktop.core.errors import ConflictError, ValidationError
from desktop.core.models import AuditEvent
from tests.helpers_attachments import START, give, officer, qtype, qualified, unit

D = dt.date


def codes(failures) -> list[str]:
    return sorted(f.code for f in failures)


# -- every rule alone ----------------------------------------------------------------------------


def test_fully_qualified_officer_is_eligible(db):
    u, o = unit(db), qualified(db)
    assert att.check_eligibility(db, o, u, START) == []


def test_independent_patrol_missing(db):
    u, o = unit(db), qualified(db, independent_patrol=None)
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.INDEPENDENT_PATROL]
    assert "4521 Patel, Asha has no independent patrol date" in failures[0].message
    assert "Test Unit" in failures[0].message and "1 Jun 2025" in failures[0].message


def test_independent_patrol_after_start_date(db):
    u, o = unit(db, min_months_since_ip=None), qualified(db, independent_patrol=D(2025, 6, 2))
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.INDEPENDENT_PATROL]
    assert "2 Jun 2025, after the start date 1 Jun 2025" in failures[0].message
    # on the day itself it counts
    assert att.check_eligibility(db, o, u, D(2025, 6, 2)) == []


def test_qualification_missing(db):
    u = unit(db)
    o = officer(db)
    give(db, o, "Officer safety training", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "Driving: response", D(2024, 1, 1), D(2027, 1, 1))
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.QUALIFICATION_MISSING]
    assert failures[0].message.startswith("4521 Patel, Asha has no First aid qualification")


def test_qualification_expired_before_start(db):
    u = unit(db)
    o = officer(db)
    give(db, o, "Officer safety training", D(2024, 5, 1), D(2025, 5, 31))  # the day before the start
    give(db, o, "First aid", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "Driving: response", D(2024, 1, 1), D(2027, 1, 1))
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.QUALIFICATION_EXPIRED]
    assert (
        "Officer safety training expired on 31 May 2025, before the start date 1 Jun 2025"
        in failures[0].message
    )


def test_qualification_expiring_on_start_date_is_valid(db):
    u = unit(db)
    o = officer(db)
    give(db, o, "Officer safety training", D(2024, 6, 1), START)  # last valid day = start date
    give(db, o, "First aid", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "Driving: response", D(2024, 1, 1), D(2027, 1, 1))
    assert att.check_eligibility(db, o, u, START) == []
    assert codes(att.check_eligibility(db, o, u, START + dt.timedelta(days=1))) == [att.QUALIFICATION_EXPIRED]


def test_qualification_expiring_before_a_future_start(db):
    """Valid today but expiring before a start date next year: refused, worded in the future."""
    today = dt.date.today()
    u = unit(db, min_driving_level=None, qualification_ids=[qtype(db, "First aid")])
    o = officer(db)
    give(db, o, "First aid", today - dt.timedelta(days=30), today + dt.timedelta(days=10))
    failures = att.check_eligibility(db, o, u, today + dt.timedelta(days=40))
    assert codes(failures) == [att.QUALIFICATION_EXPIRED]
    assert "First aid expires on" in failures[0].message


def test_qualification_achieved_after_start_date(db):
    u = unit(db, min_driving_level=None, qualification_ids=[qtype(db, "First aid")])
    o = officer(db)
    give(db, o, "First aid", D(2025, 6, 2), D(2026, 6, 2))
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.QUALIFICATION_MISSING]
    assert "achieved First aid only on 2 Jun 2025, after the start date" in failures[0].message


def test_renewal_counts_even_when_an_older_record_expired(db):
    u = unit(db, min_driving_level=None, qualification_ids=[qtype(db, "First aid")])
    o = officer(db)
    give(db, o, "First aid", D(2023, 1, 1), D(2024, 1, 1))
    give(db, o, "First aid", D(2024, 1, 1), D(2025, 12, 31))
    assert att.check_eligibility(db, o, u, START) == []


def test_qualification_that_never_expires(db):
    u = unit(db, min_driving_level=None, qualification_ids=[qtype(db, "ICT skills")])
    o = officer(db)
    give(db, o, "ICT skills", D(2015, 1, 1), None)
    assert att.check_eligibility(db, o, u, START) == []


def test_driving_grade_too_low_from_qualifications(db):
    u = unit(db)
    o = officer(db, driving="pursuit")  # the roster text is ignored once records exist
    give(db, o, "Officer safety training", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "First aid", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "Driving: basic", D(2024, 1, 1), D(2029, 1, 1))
    give(db, o, "Driving: advanced", D(2020, 1, 1), D(2023, 1, 1))  # expired: does not count
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.DRIVING_GRADE]
    assert (
        "driving grade is basic" in failures[0].message and "needs response or above" in failures[0].message
    )


def test_driving_grade_falls_back_to_roster_text_without_records(db):
    u = unit(db)
    o = officer(db, driving="Response")
    give(db, o, "Officer safety training", D(2025, 1, 1), D(2026, 1, 1))
    give(db, o, "First aid", D(2025, 1, 1), D(2026, 1, 1))
    assert att.check_eligibility(db, o, u, START) == []
    roster.update_officer(db, o, {"driving": "basic"})
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.DRIVING_GRADE]
    assert "roster's Driving field" in failures[0].message


def test_expired_driving_records_do_not_fall_back_to_text(db):
    u = unit(db, qualification_ids=[])
    o = officer(db, driving="advanced")
    give(db, o, "Driving: response", D(2020, 1, 1), D(2023, 1, 1))
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.DRIVING_GRADE]
    assert "no driving qualification is valid on 1 Jun 2025" in failures[0].message


def test_too_soon_after_independent_patrol_and_exact_boundary(db):
    u = unit(db)
    o = qualified(db, independent_patrol=D(2024, 12, 1))
    # 6 months after 1 Dec 2024 is 1 Jun 2025: exactly the minimum is allowed
    assert att.check_eligibility(db, o, u, D(2025, 6, 1)) == []
    failures = att.check_eligibility(db, o, u, D(2025, 5, 31))
    assert codes(failures) == [att.TOO_SOON_AFTER_IP]
    assert "earliest start is 1 Jun 2025" in failures[0].message


def test_minimum_months_clamps_to_month_end(db):
    u = unit(db, min_months_since_ip=1, min_driving_level=None, qualification_ids=[])
    o = officer(db, attested=D(2020, 1, 1), independent_patrol=D(2025, 1, 31))
    assert codes(att.check_eligibility(db, o, u, D(2025, 2, 27))) == [att.TOO_SOON_AFTER_IP]
    assert att.check_eligibility(db, o, u, D(2025, 2, 28)) == []


def test_officer_not_serving(db):
    u = unit(db)
    o = qualified(db)
    roster.update_officer(db, o, {"status": "suspended"})
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == [att.NOT_SERVING]
    assert "is suspended" in failures[0].message
    roster.record_leaving(db, o, D(2025, 3, 1), "resigned")
    assert "has left" in att.check_eligibility(db, o, u, START)[0].message


def test_unit_without_requirements_accepts_a_new_officer(db):
    u = unit(
        db,
        name="Open unit",
        capacity=None,
        requires_independent_patrol=False,
        min_months_since_ip=None,
        min_driving_level=None,
        qualification_ids=[],
    )
    o = officer(db, independent_patrol=None)
    assert att.check_eligibility(db, o, u, START) == []


# -- all together --------------------------------------------------------------------------------


def test_every_failure_is_reported_together(db):
    u = unit(db, capacity=1)
    other = qualified(db, "9000", surname="Other")
    att.request(db, other, u, D(2025, 1, 1))  # fills the only place
    o = officer(db, independent_patrol=D(2025, 3, 1), driving="basic")
    give(db, o, "Officer safety training", D(2024, 1, 1), D(2025, 1, 1))
    att.request(db, o, u, D(2025, 5, 1), override_reason="Pilot placement")  # overlapping own attachment
    roster.update_officer(db, o, {"status": "suspended"})
    failures = att.check_eligibility(db, o, u, START)
    assert codes(failures) == sorted(
        [
            att.NOT_SERVING,
            att.TOO_SOON_AFTER_IP,
            att.QUALIFICATION_EXPIRED,
            att.QUALIFICATION_MISSING,
            att.DRIVING_GRADE,
            att.OVERLAP,
            att.UNIT_FULL,
        ]
    )
    assert all(f.message and f.short for f in failures)


# -- overlap ---------------------------------------------------------------------------------------


def test_overlap_with_requested_and_active_attachment(db):
    u, o = unit(db, capacity=None), qualified(db)
    first = att.request(db, o, u, D(2025, 6, 1), D(2025, 9, 1))
    assert codes(att.check_eligibility(db, o, u, D(2025, 8, 31))) == [att.OVERLAP]
    # ends on 1 Sep: a new attachment may start that day, and may end on the first's start day
    assert att.check_eligibility(db, o, u, D(2025, 9, 1)) == []
    assert att.check_eligibility(db, o, u, D(2025, 5, 1), D(2025, 6, 1)) == []
    assert codes(att.check_eligibility(db, o, u, D(2025, 5, 1), D(2025, 6, 2))) == [att.OVERLAP]
    # open-ended new one before it overlaps
    failures = att.check_eligibility(db, o, u, D(2025, 1, 1))
    assert codes(failures) == [att.OVERLAP]
    assert (
        "already has a requested attachment to Test Unit from 1 Jun 2025 to 1 Sep 2025" in failures[0].message
    )
    # the attachment itself does not count when ignored (starting it)
    assert att.check_eligibility(db, o, u, D(2025, 6, 1), ignore_attachment_id=first.id) == []


def test_overlap_with_ended_attachment_by_its_end_date(db):
    u, o = unit(db, capacity=None), qualified(db)
    a = att.request(db, o, u, D(2025, 1, 1), active=True)
    att.end(db, a.id, end_date=D(2025, 3, 1))
    assert codes(att.check_eligibility(db, o, u, D(2025, 2, 28))) == [att.OVERLAP]
    assert att.check_eligibility(db, o, u, D(2025, 3, 1)) == []


def test_other_unit_is_not_an_overlap(db):
    u1, o = unit(db, capacity=None), qualified(db)
    u2 = unit(db, name="Second", capacity=None)
    att.request(db, o, u1, START)
    assert att.check_eligibility(db, o, u2, START) == []


# -- capacity over time --------------------------------------------------------------------------


def test_capacity_exactly_full_and_one_below(db):
    u = unit(db, capacity=2)
    a, b, c = (qualified(db, c) for c in ("1001", "1002", "1003"))
    att.request(db, a, u, D(2025, 1, 1), active=True)
    assert att.check_eligibility(db, c, u, START) == []  # 1 of 2 taken
    att.request(db, b, u, D(2025, 2, 1))
    failures = att.check_eligibility(db, c, u, START)
    assert codes(failures) == [att.UNIT_FULL]
    assert "Test Unit is full on 1 Jun 2025: 2 of 2 places taken" in failures[0].message


def test_ended_attachment_frees_its_place_from_its_end_date(db):
    u = unit(db, capacity=1)
    a, b = qualified(db, "1001"), qualified(db, "1002")
    first = att.request(db, a, u, D(2025, 1, 1), active=True)
    att.end(db, first.id, end_date=D(2025, 5, 31))
    assert codes(att.check_eligibility(db, b, u, D(2025, 5, 30))) == [att.UNIT_FULL]
    assert att.check_eligibility(db, b, u, D(2025, 5, 31)) == []


def test_a_future_request_holds_its_place_from_its_start(db):
    u = unit(db, capacity=1)
    a, b = qualified(db, "1001"), qualified(db, "1002")
    att.request(db, a, u, D(2025, 9, 1))
    # b may be attached until 1 Sep, not open-ended past it
    assert att.check_eligibility(db, b, u, START, D(2025, 9, 1)) == []
    failures = att.check_eligibility(db, b, u, START)
    assert codes(failures) == [att.UNIT_FULL]
    assert "full from 1 Sep 2025" in failures[0].message


def test_unit_without_capacity_is_never_full(db):
    u = unit(db, capacity=None)
    for i in range(5):
        att.request(db, qualified(db, f"10{i}"), u, START)
    assert att.check_eligibility(db, qualified(db, "2000"), u, START) == []


# -- request / start / end, overrides --------------------------------------------------------------


def test_request_refused_without_override_lists_every_rule(db):
    u = unit(db)
    o = officer(db, independent_patrol=None)
    with pytest.raises(att.EligibilityError) as err:
        att.request(db, o, u, START)
    assert {f.code for f in err.value.failures} == {
        att.INDEPENDENT_PATROL,
        att.QUALIFICATION_MISSING,
        att.DRIVING_GRADE,
    }
    assert "breaks 4 rules" in str(err.value) and "override" in str(err.value)
    assert isinstance(err.value, ValidationError)
    assert att.officer_attachments(db, o) == []
    # a blank reason is no reason
    with pytest.raises(att.EligibilityError):
        att.request(db, o, u, START, override_reason="   ")


def test_override_with_reason_is_saved_and_audited(db):
    u = unit(db)
    o = officer(db, independent_patrol=None)
    row = att.request(
        db, o, u, START, supervisor="Insp Jones", override_reason="Chief Officer approved pilot"
    )
    assert row.state == "requested"
    assert "Chief Officer approved pilot" in row.override_reason
    assert att.INDEPENDENT_PATROL in row.override_reason
    assert row.overridden_by == audit.current_user()
    with db.read() as s:
        events = [
            (e.action, e.officer_id, e.reason, e.new)
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.entity == "attachments", AuditEvent.entity_id == row.id)
            )
        ]
    assert [(action, officer_id) for action, officer_id, _r, _n in events] == [("create", o)]
    reason, new = events[0][2], events[0][3]
    assert reason.startswith("Supervisor override: Chief Officer approved pilot")
    assert "no independent patrol date" in reason
    assert "Chief Officer approved pilot" in new


def test_no_override_recorded_when_nothing_fails(db):
    u, o = unit(db), qualified(db)
    row = att.request(db, o, u, START, override_reason="just in case")
    assert row.override_reason is None and row.overridden_by is None


def test_start_checks_again_and_end_frees_the_place(db):
    u, o = unit(db, capacity=1), qualified(db)
    req = att.request(db, o, u, START, supervisor="Sgt Ray", note="Asked at review")
    started = att.start(db, req.id, version=req.version)
    assert started.state == "active" and started.start_date == START
    assert att.get_unit(db, u).active_count == 1
    ended = att.end(db, req.id, end_date=D(2025, 12, 1), note="Placement complete")
    assert ended.state == "ended" and ended.end_date == D(2025, 12, 1)
    assert "Placement complete" in ended.note
    with db.read() as s:
        fields = {
            e.field
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.entity == "attachments", AuditEvent.action == "update")
            )
        }
    assert {"state", "end_date"} <= fields


def test_start_refused_when_rules_now_fail_then_overridden(db):
    u = unit(db)
    o = qualified(db, expires=D(2026, 1, 1))
    req = att.request(db, o, u, START)
    # first aid now lapses before a later start date
    with pytest.raises(att.EligibilityError) as err:
        att.start(db, req.id, start_date=D(2026, 1, 2))
    assert [f.code for f in err.value.failures] == [att.QUALIFICATION_EXPIRED, att.QUALIFICATION_EXPIRED]
    assert "not started" in str(err.value)
    row = att.start(db, req.id, start_date=D(2026, 1, 2), override_reason="Renewal booked next week")
    assert row.state == "active" and "Renewal booked" in row.override_reason


def test_start_and_end_guard_dates_and_states(db):
    u, o = unit(db, capacity=None), qualified(db)
    future = dt.date.today() + dt.timedelta(days=30)
    req = att.request(db, o, u, future)
    with pytest.raises(ValidationError, match="in the future"):
        att.start(db, req.id)
    with pytest.raises(ValidationError, match="has not started yet"):
        att.request(db, o, u, future, active=True)
    with pytest.raises(ValidationError, match="before the start date"):
        att.request(db, o, u, START, D(2025, 5, 1))
    withdrawn = att.end(db, req.id)  # withdrawing a future request: holds no place at all
    assert withdrawn.end_date == future and "Request withdrawn" in withdrawn.note
    with pytest.raises(ValidationError, match="already ended"):
        att.end(db, req.id)
    with pytest.raises(ValidationError, match="Only a requested attachment"):
        att.start(db, req.id)


def test_stale_version_is_a_conflict(db):
    u, o = unit(db), qualified(db)
    req = att.request(db, o, u, START)
    att.start(db, req.id)
    with pytest.raises(ConflictError):
        att.end(db, req.id, version=req.version)


def test_unit_and_officer_lists(db):
    u = unit(db, capacity=3)
    a, b, c = (
        qualified(db, "1001", surname="Adams"),
        qualified(db, "1002", surname="Brown"),
        qualified(db, "1003"),
    )
    att.request(db, a, u, D(2025, 1, 1), active=True)
    att.request(db, b, u, dt.date.today() + dt.timedelta(days=5))
    old = att.request(db, c, u, D(2025, 1, 1), active=True)
    att.end(db, old.id, end_date=D(2025, 2, 1))
    lists = att.unit_attachments(db, u)
    assert [r.collar for r in lists.current] == ["1001"]
    assert [r.collar for r in lists.requested] == ["1002"]
    assert [r.collar for r in lists.history] == ["1003"]
    info = lists.unit
    assert (info.active_count, info.requested_count, info.free, info.attachment_count) == (1, 1, 1, 3)
    units = {x.id: x for x in att.list_units(db)}
    assert units[u].free == 1
    again = att.request(db, c, u, D(2025, 2, 1), active=True)
    mine = att.officer_attachments(db, c)
    assert [r.id for r in mine] == [again.id, old.id]
    assert mine[0].unit_name == "Test Unit"


# -- who could join ------------------------------------------------------------------------------


def test_who_could_join_lists_eligible_and_near_misses(db):
    u = unit(db, capacity=3)
    good = qualified(db, "1001", surname="Able")
    no_aid = officer(db, "1002", surname="Baker")
    give(db, no_aid, "Officer safety training", D(2025, 1, 1), D(2026, 1, 1))
    give(db, no_aid, "Driving: response", D(2024, 1, 1), D(2027, 1, 1))
    two_short = officer(db, "1003", surname="Cole", independent_patrol=None, driving="basic")
    give(db, two_short, "Officer safety training", D(2025, 1, 1), D(2026, 1, 1))
    give(db, two_short, "First aid", D(2025, 1, 1), D(2026, 1, 1))
    member = qualified(db, "1004", surname="Dale")
    att.request(db, member, u, D(2025, 1, 1), active=True)
    gone = qualified(db, "1005", surname="Evans")
    roster.update_officer(db, gone, {"status": "suspended"})

    result = att.who_could_join(db, u, START)
    assert [c.officer_id for c in result.eligible] == [good]
    assert [(c.officer_id, [f.code for f in c.failures]) for c in result.near] == [
        (no_aid, [att.QUALIFICATION_MISSING])
    ]
    assert result.near[0].missing == "No First aid"
    assert result.full is None
    assert result.considered == 3  # member already attached, suspended left out


def test_who_could_join_when_full_shows_who_misses_only_capacity(db):
    u = unit(db, capacity=1)
    member, waiting = qualified(db, "1001"), qualified(db, "1002")
    att.request(db, member, u, D(2025, 1, 1), active=True)
    result = att.who_could_join(db, u, START)
    assert result.eligible == []
    assert result.full is not None and result.full.code == att.UNIT_FULL
    assert [(c.officer_id, c.failures[0].code) for c in result.near] == [(waiting, att.UNIT_FULL)]


def test_who_could_join_uses_few_queries(db):
    """The rules run in Python: the query count does not grow with the number of officers."""
    from sqlalchemy import event

    u = unit(db)
    for i in range(30):
        qualified(db, f"30{i:02d}")
    count = 0

    def before(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        result = att.who_could_join(db, u, START)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert result.full is not None or len(result.eligible) == 30
    assert count <= 12


# -- units in Settings ---------------------------------------------------------------------------


def test_seeded_units_with_requirements(db):
    units = {x.code: x for x in att.list_units(db)}
    rpu = units["RPU"]
    assert rpu.capacity == 8 and rpu.min_months_since_ip == 6 and rpu.min_driving_level == 2
    assert rpu.qualification_names == ["First aid", "Officer safety training"]
    assert rpu.requirements_summary() == (
        "Independent patrol for 6+ months; Driving: response or above; First aid; Officer safety training"
    )
    assert len(units) == 10


def test_unit_edits_persist_and_are_audited(db):
    u = unit(db)
    ict = qtype(db, "ICT skills")
    info = att.update_unit(
        db,
        u,
        {
            "name": "  Cyber Volunteers ",
            "code": "cy v",
            "capacity": "",
            "min_months_since_ip": 0,
            "min_driving_level": 0,
            "requires_independent_patrol": False,
            "qualification_ids": [ict],
        },
        reason="Force review 2025",
    )
    assert (info.name, info.code, info.capacity, info.min_months_since_ip, info.min_driving_level) == (
        "Cyber Volunteers",
        "CYV",
        None,
        None,
        None,
    )
    assert info.qualification_names == ["ICT skills"] and not info.requires_independent_patrol
    again = att.get_unit(db, u)
    assert again.qualification_ids == [ict]
    with db.read() as s:
        changes = {
            (e.entity, e.action, e.field)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.reason == "Force review 2025"))
        }
    assert ("units", "update", "name") in changes and ("units", "update", "capacity") in changes
    assert ("unit_requirements", "create", None) in changes
    assert ("unit_requirements", "delete", None) in changes


def test_unit_validation(db):
    u = unit(db)
    with pytest.raises(ValidationError) as err:
        att.create_unit(db, {"name": " ", "capacity": 0, "min_driving_level": 9, "min_months_since_ip": "x"})
    assert set(err.value.errors) == {"name", "capacity", "min_driving_level", "min_months_since_ip"}
    with pytest.raises(ValidationError, match="already a unit called"):
        att.create_unit(db, {"name": "test unit"})
    with pytest.raises(ValidationError, match="already a unit called"):
        att.update_unit(db, u, {"name": "Road Policing Unit"})


def test_unit_with_attachments_cannot_be_deleted_only_deactivated(db):
    u, o = unit(db), qualified(db)
    att.request(db, o, u, START)
    with pytest.raises(ValidationError, match="1 attachment on record, so it cannot be deleted"):
        att.delete_unit(db, u)
    assert att.set_unit_active(db, u, False).active is False
    with pytest.raises(ValidationError, match="no longer in use"):
        att.request(db, qualified(db, "2000"), u, START)
    spare = unit(db, name="Spare")
    att.delete_unit(db, spare)
    assert spare not in {x.id for x in att.list_units(db)}
    with db.read() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.entity == "units", AuditEvent.action == "delete"))


# -- correcting an attachment entered wrongly ----------------------------------------------------


def test_correct_dates_needs_a_reason_rechecks_the_rules_and_is_audited(db):
    uid = unit(db)
    oid = qualified(db)
    row = att.request(db, oid, uid, START, active=True)
    with pytest.raises(ValidationError) as no_reason:
        att.correct(db, row.id, start_date=D(2025, 6, 3), end_date=None, supervisor=None, reason=" ")
    assert "Say why" in no_reason.value.errors["reason"]
    # Six months after independent patrol (15/01/2021) is the rule: a start in March 2021 breaks it.
    with pytest.raises(att.EligibilityError) as broken:
        att.correct(db, row.id, start_date=D(2021, 3, 1), end_date=None, supervisor=None, reason="typo")
    assert "not saved" in str(broken.value)
    fixed = att.correct(
        db, row.id, start_date=D(2025, 6, 3), end_date=None, supervisor="PS Grey", reason="form says 3rd"
    )
    assert (fixed.start_date, fixed.supervisor, fixed.state) == (D(2025, 6, 3), "PS Grey", "active")
    with db.read() as s:
        events = s.execute(
            select(AuditEvent.field, AuditEvent.reason).where(
                AuditEvent.entity == "attachments", AuditEvent.action == "update"
            )
        ).all()
    assert {f for f, _r in events} >= {"start_date", "supervisor"}
    assert all(r == "form says 3rd" for _f, r in events)
    with pytest.raises(ConflictError):  # an old version: someone corrected it meanwhile
        att.correct(
            db, row.id, start_date=START, end_date=None, supervisor=None, reason="x", version=row.version
        )


def test_correcting_a_started_attachment_in_a_signed_off_month_needs_a_reason(db):
    from desktop.core import returns
    from desktop.core.hours import LockedMonthError

    uid = unit(db)
    oid = qualified(db)
    row = att.request(db, oid, uid, START, active=True)
    returns.sign_off(db, "2025-06")
    with pytest.raises(LockedMonthError, match="June 2025"):
        att.correct(db, row.id, start_date=D(2025, 6, 10), end_date=None, supervisor=None, reason="typo")
    att.correct(
        db,
        row.id,
        start_date=D(2025, 6, 10),
        end_date=None,
        supervisor=None,
        reason="typo",
        locked_reason="agreed with the SCO",
    )
    assert att.get_attachment(db, row.id).start_date == D(2025, 6, 10)
    # The supervisor alone moves no figure: no reason for the signed-off month needed.
    att.correct(db, row.id, start_date=D(2025, 6, 10), end_date=None, supervisor="PS Grey", reason="name")


def test_correcting_an_ended_attachment_keeps_an_end_date_in_the_past(db):
    uid = unit(db)
    oid = qualified(db)
    row = att.request(db, oid, uid, START, active=True)
    att.end(db, row.id, end_date=D(2025, 9, 1))
    with pytest.raises(ValidationError) as no_end:
        att.correct(db, row.id, start_date=START, end_date=None, supervisor=None, reason="x")
    assert "needs its end date" in no_end.value.errors["end"]
    future = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as later:
        att.correct(db, row.id, start_date=START, end_date=future, supervisor=None, reason="x")
    assert "in the future" in later.value.errors["end"]
    fixed = att.correct(db, row.id, start_date=START, end_date=D(2025, 8, 29), supervisor=None, reason="x")
    assert (fixed.state, fixed.end_date) == ("ended", D(2025, 8, 29))

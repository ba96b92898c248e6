"""The demo-data generator: deterministic, internally consistent, and shaped like a real force."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.core import demo, qualifications, roster
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, LEAVING_REASONS, STATUSES, is_serving, month_bounds
from desktop.core.errors import Cancelled, CipDeskError
from desktop.core.models import (
    Attachment,
    AuditEvent,
    Duty,
    Officer,
    OfficerQualification,
    Pathway,
    PathwayStage,
    RankChange,
    Setting,
    StageAchieved,
    StatusChange,
    Unit,
)
from desktop.core.paths import db_url
from desktop.core.startup import open_database

TODAY = dt.date(2026, 5, 14)
OFFICERS = 60
TABLES = (Officer, RankChange, StatusChange, StageAchieved, OfficerQualification, Attachment, Duty)


def _make(tmp_path: Path, name: str, **kwargs) -> tuple[Database, dict[str, int]]:
    database = open_database(db_url(str(tmp_path / name)), backup_dir=tmp_path / "backups")
    options = {"officers": OFFICERS, "years": 1, "seed": 7, "today": TODAY} | kwargs
    return database, demo.generate(database, **options)


@pytest.fixture(scope="module")
def force(tmp_path_factory) -> tuple[Database, dict[str, int]]:
    database, counts = _make(tmp_path_factory.mktemp("demo"), "force.sqlite")
    yield database, counts
    database.dispose()


@pytest.fixture(scope="module")
def data(force) -> dict[str, list]:
    database, _ = force
    with database.read() as s:
        # Plain rows (attribute access by column name): ORM objects expire when the read ends.
        return {model.__tablename__: s.execute(select(*model.__table__.columns)).all() for model in TABLES}


def _dump(database: Database) -> dict[str, list[tuple]]:
    out = {}
    with database.read() as s:
        for model in TABLES:
            cols = [c for c in model.__table__.columns]
            out[model.__tablename__] = [tuple(r) for r in s.execute(select(*cols).order_by(cols[0]))]
        out["audit"] = [
            tuple(r)
            for r in s.execute(
                select(AuditEvent.at, AuditEvent.entity, AuditEvent.new, AuditEvent.reason)
                .where(AuditEvent.action == "demo")
                .order_by(AuditEvent.id)
            )
        ]
    return out


def test_same_seed_and_day_give_identical_databases(force, tmp_path):
    database, counts = force
    other, other_counts = _make(tmp_path, "again.sqlite")
    try:
        assert other_counts == counts
        assert _dump(other) == _dump(database)
        changed, _ = _make(tmp_path, "seed8.sqlite", seed=8)
        assert _dump(changed)["officers"] != _dump(database)["officers"]
        changed.dispose()
    finally:
        other.dispose()


def test_counts_match_the_rows_written(force):
    database, counts = force
    assert counts["officers"] == OFFICERS
    with database.read() as s:
        for key, model in (
            ("officers", Officer),
            ("rank_changes", RankChange),
            ("status_changes", StatusChange),
            ("stages_achieved", StageAchieved),
            ("qualifications", OfficerQualification),
            ("attachments", Attachment),
            ("duties", Duty),
        ):
            assert s.scalar(select(func.count()).select_from(model)) == counts[key], key
        demo_events = s.execute(
            select(AuditEvent.entity, AuditEvent.reason).where(AuditEvent.action == "demo")
        ).all()
    assert counts["duties"] > OFFICERS * 12  # a year of duties for most of them
    assert len(demo_events) == counts["audit_events"] <= 10  # a summary, not one event per row
    assert {e.entity for e in demo_events} >= {"officers", "duties"}
    assert all(str(OFFICERS) in (e.reason or "") for e in demo_events)


def test_a_force_of_every_kind_of_officer(data):
    officers = data["officers"]
    statuses = Counter(o.status for o in officers)
    assert set(statuses) <= set(STATUSES)
    assert statuses["active"] > len(officers) / 2
    assert statuses["left"] >= 3 and statuses["in training"] >= 1
    ranks = Counter(o.rank for o in officers if o.status != "left")
    assert ranks["SC"] > 0.8 * sum(ranks.values())
    assert ranks["SCO"] == 1 and 1 <= ranks["SSgt"] <= 10
    # Leavers have a date and a reason; nobody else has either.
    for o in officers:
        assert (o.status == "left") == (o.left_date is not None) == (o.leaving_reason is not None)
        if o.leaving_reason:
            assert o.leaving_reason in LEAVING_REASONS
    # Unique collar numbers, both styles; names that exercise apostrophes, hyphens or accents.
    collars = [o.collar for o in officers]
    assert len(set(collars)) == len(collars)
    assert any(c.isdigit() and len(c) == 4 for c in collars) and any(c.startswith("SC") for c in collars)
    assert len({o.team for o in officers if o.team}) >= 8
    assert all(o.email is None or "@" in o.email for o in officers)


def test_bigger_force_has_realistic_rank_shares_and_awkward_names(tmp_path):
    database, _ = _make(tmp_path, "big.sqlite", officers=300, years=1)
    try:
        with database.read() as s:
            rows = s.execute(select(Officer.rank, Officer.status, Officer.surname, Officer.forenames)).all()
    finally:
        database.dispose()
    serving = [r for r in rows if r.status not in ("left", "applicant")]
    ranks = Counter(r.rank for r in serving)
    n = len(serving)
    assert 0.05 < ranks["SSgt"] / n < 0.11
    assert 0.015 < ranks["SInsp"] / n < 0.05
    assert 1 <= ranks["SChInsp"] <= 6 and 1 <= ranks["SSupt"] <= 2 and ranks["SCO"] == 1
    names = " ".join(f"{r.surname} {r.forenames}" for r in rows)
    assert "'" in names and "-" in names and any(ord(ch) > 127 for ch in names)


def test_history_matches_the_current_rank_and_status(data):
    ranks = defaultdict(list)
    for r in data["rank_changes"]:
        ranks[r.officer_id].append(r)
    statuses = defaultdict(list)
    for c in data["status_changes"]:
        statuses[c.officer_id].append(c)
    for o in data["officers"]:
        rh = sorted(ranks[o.id], key=lambda r: (r.effective, r.id))
        sh = sorted(statuses[o.id], key=lambda c: (c.effective, c.id))
        assert rh and sh, o.collar
        assert rh[-1].rank == o.rank and rh[0].rank == "SC"
        assert sh[-1].status == o.status
        assert [r.effective for r in rh] == sorted(r.effective for r in rh)
        assert all(r.effective <= TODAY for r in rh) and all(c.effective <= TODAY for c in sh)
        if o.joined:
            assert rh[0].effective == o.joined
        if o.status == "left":
            assert (sh[-1].effective, sh[-1].reason) == (o.left_date, o.leaving_reason)
        if o.attested:
            assert any(c.status == "active" and c.effective == o.attested for c in sh)
        else:
            assert o.status in ("applicant", "in training", "left")


def test_pathway_progress_in_order_and_matching_the_officer(force, data):
    database, _ = force
    with database.read() as s:
        key = s.get(Setting, "pathway").value
        pathway = s.scalar(select(Pathway).where(Pathway.key == key))
        stages = {
            st.id: st
            for st in s.execute(
                select(*PathwayStage.__table__.columns).where(PathwayStage.pathway_id == pathway.id)
            ).all()
        }
    by_code = {st.code: st for st in stages.values()}
    achieved = defaultdict(dict)
    for a in data["stages_achieved"]:
        assert a.stage_id in stages, "only stages of the pathway in use"
        achieved[a.officer_id][stages[a.stage_id].code] = a.achieved_on
    ip_stage = next(st for st in stages.values() if st.is_independent_patrol)
    att_stage = next(st for st in stages.values() if st.is_attestation)
    assert any(ip_stage.code in got for got in achieved.values())
    for o in data["officers"]:
        got = achieved[o.id]
        for code, when in got.items():
            for pre in by_code[code].prerequisites:
                assert pre in got and got[pre] <= when, (o.collar, code, pre)
        positions = sorted(by_code[c].position for c in got)
        assert positions == list(range(len(positions))), "no gaps: stages in order"
        in_order = [
            got[st.code] for st in sorted(stages.values(), key=lambda st: st.position) if st.code in got
        ]
        assert in_order == sorted(in_order)
        assert o.independent_patrol == got.get(ip_stage.code)
        assert o.attested == got.get(att_stage.code)
        if o.left_date:
            assert all(when < o.left_date for when in got.values())


def test_duties_only_while_serving_and_not_on_leave(data):
    officers = {o.id: o for o in data["officers"]}
    off = defaultdict(list)  # LOA / suspended periods
    for oid, changes in _by_officer(data["status_changes"]).items():
        changes.sort(key=lambda c: (c.effective, c.id))
        for this, nxt in zip(changes, [*changes[1:], None], strict=True):
            if this.status in ("LOA", "suspended"):
                off[oid].append((this.effective, nxt.effective if nxt else TODAY + dt.timedelta(days=1)))
    attachments = _by_officer(data["attachments"])
    assert data["duties"]
    for d in data["duties"]:
        o = officers[d.officer_id]
        assert is_serving(o.joined, o.left_date, d.date), (o.collar, d.date)
        assert d.date < TODAY
        assert not any(a <= d.date < b for a, b in off[o.id]), (o.collar, d.date)
        assert d.duty_type in DUTY_TYPES and d.source == "demo" and not d.is_monthly_total
        if o.attested is None or d.date < o.attested:
            assert d.duty_type == "training"
        if d.duty_type == "specialist attachment":
            assert any(
                a.unit_id == d.unit_id
                and a.state != "requested"
                and a.start_date <= d.date
                and (a.end_date is None or d.date <= a.end_date)
                for a in attachments[o.id]
            )
        else:
            assert d.unit_id is None
        if d.start_time is not None:
            start = d.start_time.hour * 60 + d.start_time.minute
            end = d.end_time.hour * 60 + d.end_time.minute
            assert (end - start) % (24 * 60) == round(d.hours * 60)
        assert 0 < d.hours <= 12
    assert any(d.start_time and d.end_time < d.start_time for d in data["duties"]), "some overnight duties"


def test_hours_spread_like_a_real_force(data):
    """Of officers the minimum applies to, most give 16-40 hours a month; some less, some none."""
    month = "2026-04"
    first, last = month_bounds(month)
    hours = Counter()
    for d in data["duties"]:
        if first <= d.date <= last:
            hours[d.officer_id] += d.hours
    applies = [o for o in data["officers"] if o.attested and o.attested <= last and o.status == "active"]
    assert len(applies) >= 25
    values = [hours[o.id] for o in applies]
    in_band = sum(16 <= h <= 40 for h in values)
    assert in_band > 0.45 * len(values)
    assert any(0 < h < 16 for h in values)
    # Over the year, zero months happen for some serving officers.
    months_with_hours = defaultdict(set)
    for d in data["duties"]:
        months_with_hours[d.officer_id].add((d.date.year, d.date.month))
    assert any(len(months_with_hours[o.id]) < 12 for o in applies)


def test_qualifications_attachments_and_roster_on_the_demo(force, data):
    database, _ = force
    flags = qualifications.officer_flags(database, on=TODAY)
    assert "expired" in flags.values() and "expiring" in flags.values()
    assert len(flags) < len(data["officers"])
    for q in data["officer_qualifications"]:
        assert q.expires_on is None or q.expires_on > q.achieved_on
    with database.read() as s:
        capacity = {u.id: u.capacity for u in s.scalars(select(Unit))}
    active = Counter(a.unit_id for a in data["attachments"] if a.state == "active")
    assert active, "some officers are on attachment now"
    assert all(n <= (capacity[u] or n) for u, n in active.items())
    officers = {o.id: o for o in data["officers"]}
    for a in data["attachments"]:
        assert a.state in ("requested", "active", "ended")
        assert (a.end_date is not None) == (a.state == "ended")
        o = officers[a.officer_id]
        assert o.independent_patrol is not None and o.independent_patrol <= a.start_date
    rows = roster.list_officers(database, hours_month="2026-04")
    assert len(rows) == OFFICERS
    assert sum(r.hours_last_month > 0 for r in rows) > OFFICERS / 2


def test_refuses_a_database_that_already_has_officers(force):
    database, counts = force
    with pytest.raises(CipDeskError, match="already holds"):
        demo.generate(database, officers=5, years=1, today=TODAY)
    with database.read() as s:
        assert s.scalar(select(func.count(Officer.id))) == counts["officers"]


def test_progress_is_reported_and_cancel_writes_nothing(db):
    seen = []

    def progress(done, total, text):
        seen.append((done, total, text))
        if "duties" in text.lower():
            raise Cancelled()

    with pytest.raises(Cancelled):
        demo.generate(db, officers=120, years=1, today=TODAY, progress=progress)
    assert seen and all(0 <= done <= total for done, total, _ in seen)
    with db.read() as s:
        assert s.scalar(select(func.count(Officer.id))) == 0
        assert s.scalar(select(func.count(Duty.id))) == 0
    counts = demo.generate(db, officers=10, years=1, today=TODAY, progress=lambda *a: seen.append(a))
    assert counts["officers"] == 10 and seen[-1][0] == seen[-1][1]


def test_the_older_pathway_is_followed_when_chosen(db):
    from desktop.core import settings

    settings.set_value(db, "pathway", "older")
    demo.generate(db, officers=40, years=1, today=TODAY)
    with db.read() as s:
        keys = set(
            s.scalars(
                select(Pathway.key)
                .join(PathwayStage, PathwayStage.pathway_id == Pathway.id)
                .join(StageAchieved, StageAchieved.stage_id == PathwayStage.id)
            )
        )
        ips = s.scalar(select(PathwayStage.id).where(PathwayStage.code == "ips"))
        ip_officers = s.execute(select(Officer.id, Officer.independent_patrol)).all()
        ip_dates = dict(
            s.execute(
                select(StageAchieved.officer_id, StageAchieved.achieved_on).where(
                    StageAchieved.stage_id == ips
                )
            ).all()
        )
    assert keys == {"older"}
    assert {oid: ip for oid, ip in ip_officers if ip} == ip_dates


@pytest.mark.parametrize("kwargs", [{"officers": 0}, {"years": 0}])
def test_nonsense_sizes_are_refused_plainly(db, kwargs):
    with pytest.raises(CipDeskError, match="must be between"):
        demo.generate(db, today=TODAY, **kwargs)


def _by_officer(rows) -> dict[int, list]:
    out = defaultdict(list)
    for r in rows:
        out[r.officer_id].append(r)
    return out

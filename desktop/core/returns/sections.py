"""``compute(db, "YYYY-MM")``: every figure of a month's return, worked out a section at a time.

The steps, in order: read the month's facts from the database (``facts.read_facts``); see each
officer as at month end (``_Person``: rank, status, serving, hours, whether the minimum applies);
then each section of the return from those people and facts. The rules are in the package docstring.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core import compliance
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, LEAVING_REASONS, NOT_RECORDED, STATUSES
from desktop.core.formats import full_name, month_label
from desktop.core.returns.facts import MonthFacts, Period, read_facts
from desktop.core.returns.figures import (
    AttachmentMove,
    Attachments,
    Compliance,
    Headcount,
    Hours,
    Inactive,
    IndependentPatrol,
    Joiner,
    Leaver,
    NewPatrol,
    OfficerRow,
    QualificationDue,
    Qualifications,
    ReturnFigures,
    TeamRow,
    units_table,
)
from desktop.core.returns.months import parse_month

NO_TEAM = "(no team)"
SERVING_STATUSES = tuple(s for s in STATUSES if s != "left")
# Reasons every return lists, zeros included; "not recorded" (a leaver imported without a reason)
# shows only when a leaver has it, so returns signed off before it existed keep their figures.
_LISTED_REASONS = tuple(r for r in LEAVING_REASONS if r != NOT_RECORDED)


def compute(db: Database, month: str) -> ReturnFigures:
    """Every figure of the monthly return for ``month`` (``YYYY-MM``; MonthError when unreadable)."""
    period = Period.of(parse_month(month))
    facts = read_facts(db, period)
    people = [_person(o, facts) for o in facts.officers]
    # Listed: who served at month end, and anyone else whose hours are in this return's figures
    # (this month or this financial year), so the year-to-date column adds up to the total.
    listed = [p for p in people if p.serving or p.hours != 0 or p.ytd_hours]
    serving = [p for p in listed if p.serving]
    team_hours = _team_hours(people)
    leavers = _leavers(people, facts)
    hours = _hours(facts, team_hours)
    attachments = _attachments(facts, people)
    return ReturnFigures(
        month=period.month,
        minimum_hours=facts.minimum_hours,
        headcount=_headcount(serving, facts.ranks),
        joiners=_joiners(people, period),
        leavers=leavers,
        leavers_by_reason=_leavers_by_reason(leavers),
        hours=hours,
        compliance=_compliance(listed),
        inactive_3_months=[
            Inactive(collar=p.collar, name=p.name, rank=p.rank, team=p.team) for p in listed if p.inactive
        ],
        independent_patrol=_independent_patrol(people, period),
        attachments=attachments,
        qualifications=_qualifications(facts, people),
        officers=[_officer_row(p) for p in listed],
        teams=_teams(listed, team_hours),
        units=units_table(attachments, hours),
        rank_names={code: name for code, name in facts.ranks},
        first_day=period.first,
        as_at=period.last,
        year_start=period.year_start,
        notes=_notes(period, serving),
    )


def _h(value: float | None) -> float:
    """Hours as the figures hold them: a float rounded to 2 places."""
    return round(float(value or 0.0), 2)


def _name(surname: str, forenames: str | None) -> str:
    return full_name(surname, forenames)


def _team_key(team: str) -> tuple[bool, str, str]:
    """Teams by name, ignoring case, "(no team)" last."""
    return (team == NO_TEAM, team.lower(), team)


# ---------------------------------------------------------------------------------------------
# Each officer as at month end
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    id: int
    collar: str
    name: str  # "Surname, Forenames"
    team: str | None  # as recorded
    rank: str  # held at month end
    status: str  # held at month end; "left" once the leaving date has passed
    joined: dt.date | None
    left_date: dt.date | None
    leaving_reason: str | None
    serving: bool  # joined by month end (or no joining date, see the rules) and not left by then
    hours: float  # in the month
    ytd_hours: float  # in the financial year up to month end
    independent_patrol: dt.date | None  # from the roster, else the pathway's stage
    applies: bool  # the minimum hours apply to them this month
    assumed_attested: bool  # ... only because no attestation date is recorded
    rag: str
    inactive: bool  # the minimum applies and they did no hours in the last three months

    @property
    def team_key(self) -> str:
        return self.team or NO_TEAM


def _person(o: Any, facts: MonthFacts) -> _Person:
    last = facts.period.last
    status = facts.status_at.get(o.id, o.status)
    left = o.left_date is not None and o.left_date <= last
    if left:
        status = "left"
    # no joining date (legacy rosters): serving unless left, or still an applicant (not yet joined)
    joined_ok = o.joined <= last if o.joined is not None else status not in ("left", "applicant")
    serving = joined_ok and not left and status != "left"
    attested = o.attested or facts.attested.get(o.id)
    applies = (
        serving
        and compliance.minimum_applies(
            joined=o.joined, left=o.left_date, attested=attested, status_at_end=status, month_end=last
        )[0]
    )
    hours = facts.hours.month.get(o.id, 0.0)
    return _Person(
        id=o.id,
        collar=o.collar,
        name=_name(o.surname, o.forenames),
        team=o.team,
        rank=facts.rank_at.get(o.id, o.rank),
        status=status,
        joined=o.joined,
        left_date=o.left_date,
        leaving_reason=o.leaving_reason,
        serving=serving,
        hours=hours,
        ytd_hours=facts.hours.year.get(o.id, 0.0),
        independent_patrol=o.independent_patrol or facts.independent_patrol.get(o.id),
        applies=applies,
        assumed_attested=applies and attested is None,
        rag=compliance.rag_status(hours, facts.minimum_hours, applies),
        inactive=applies and o.id not in facts.hours.active_3_months,
    )


# ---------------------------------------------------------------------------------------------
# The sections
# ---------------------------------------------------------------------------------------------


def _headcount(serving: Sequence[_Person], ranks: list[tuple[str, str]]) -> Headcount:
    """Serving officers by rank (every rank of the force, lowest first), status and team."""
    by_rank = Counter(p.rank for p in serving)
    by_status = Counter(p.status for p in serving)
    by_team = Counter(p.team_key for p in serving)
    rank_counts = {code: by_rank.get(code, 0) for code, _ in ranks}
    for code in sorted(set(by_rank) - set(rank_counts)):
        rank_counts[code] = by_rank[code]
    return Headcount(
        total=sum(by_rank.values()),
        by_rank=rank_counts,
        by_status={st: by_status.get(st, 0) for st in SERVING_STATUSES},
        by_team={t: by_team[t] for t in sorted(by_team, key=_team_key)},
    )


def _joiners(people: Sequence[_Person], period: Period) -> list[Joiner]:
    return [
        Joiner(collar=p.collar, name=p.name, date=p.joined, rank=p.rank, team=p.team)
        for p in people
        if period.holds(p.joined)
    ]


def _leavers(people: Sequence[_Person], facts: MonthFacts) -> list[Leaver]:
    """Who left in the month, by the dated status history (a leaver who later rejoined still left
    that month), else by the leaving date; the reason from either, else "other"."""
    out = []
    for p in people:
        left = facts.left_in_month.get(p.id)
        if left is None and p.left_date is not None and facts.period.holds(p.left_date):
            left = (p.left_date, p.leaving_reason or facts.leaving_reasons.get(p.id))
        if left is not None:
            day, reason = left
            out.append(
                Leaver(
                    collar=p.collar,
                    name=p.name,
                    date=day,
                    reason=reason or p.leaving_reason or "other",
                    rank=p.rank,
                    team=p.team,
                )
            )
    return out


def _leavers_by_reason(leavers: Sequence[Leaver]) -> dict[str, int]:
    """Leavers by reason: every listed reason (zeros too), then any other reason a leaver has."""
    reasons = {lv.reason for lv in leavers}
    return {
        reason: sum(1 for lv in leavers if lv.reason == reason)
        for reason in _LISTED_REASONS + tuple(sorted(reasons - set(_LISTED_REASONS)))
    }


def _team_hours(people: Sequence[_Person]) -> defaultdict[str, float]:
    """Each team's hours in the month (an officer's hours count in their team at month end)."""
    hours: defaultdict[str, float] = defaultdict(float)
    for p in people:
        hours[p.team_key] += p.hours
    return hours


def _hours(facts: MonthFacts, team_hours: dict[str, float]) -> Hours:
    by_duty_type = {kind: 0.0 for kind in DUTY_TYPES}
    for kind, total in facts.hours.by_duty_type.items():
        by_duty_type[kind] = by_duty_type.get(kind, 0.0) + total
    teams = sorted((t for t, h in team_hours.items() if h), key=_team_key)
    return Hours(
        total=_h(sum(facts.hours.month.values())),
        by_team={t: _h(team_hours[t]) for t in teams},
        by_duty_type={k: _h(v) for k, v in by_duty_type.items()},
        by_unit={name: _h(total) for name, total in sorted(facts.hours.by_unit.items())},
        year_to_date=_h(sum(facts.hours.year.values())),
    )


def _compliance(listed: Sequence[_Person]) -> Compliance:
    rags = Counter(p.rag for p in listed if p.applies)
    return Compliance(applies=sum(rags.values()), met=rags["green"], below=rags["amber"], zero=rags["red"])


def _independent_patrol(people: Sequence[_Person], period: Period) -> IndependentPatrol:
    """Serving officers with independent patrol status at month end; anyone who gained it in the month."""
    new = [
        NewPatrol(collar=p.collar, name=p.name, date=p.independent_patrol)
        for p in people
        if period.holds(p.independent_patrol)
    ]
    total = sum(
        1
        for p in people
        if p.serving and p.independent_patrol is not None and p.independent_patrol <= period.last
    )
    return IndependentPatrol(total=total, new=len(new), new_officers=new)


def _attachments(facts: MonthFacts, people: Sequence[_Person]) -> Attachments:
    """Attachments active at month end by unit (every active unit, zeros too), started and ended."""
    rows = facts.attachments
    who = {p.id: p for p in people}
    active_by_unit = {u: 0 for u in rows.active_units}
    active_by_unit.update(rows.active_by_unit)

    def moves(found: list[tuple[int, str, dt.date | None]]) -> list[AttachmentMove]:
        return [
            AttachmentMove(collar=who[oid].collar, name=who[oid].name, unit=unit, date=day)
            for oid, unit, day in found
            if oid in who
        ]

    return Attachments(active_by_unit=active_by_unit, started=moves(rows.started), ended=moves(rows.ended))


def _qualifications(facts: MonthFacts, people: Sequence[_Person]) -> Qualifications:
    """Qualifications of serving officers expired at month end or expiring within the warning days,
    soonest first."""
    who = {p.id: p for p in people}
    serving = {p.id for p in people if p.serving}
    expired: list[QualificationDue] = []
    expiring: list[QualificationDue] = []
    for oid, name, expires in sorted(
        facts.qualifications, key=lambda r: (r[2], who[r[0]].name if r[0] in who else "", r[1])
    ):
        if oid not in serving or expires is None:
            continue
        due = QualificationDue(
            collar=who[oid].collar, name=who[oid].name, qualification=name, expires=expires
        )
        (expired if expires < facts.period.last else expiring).append(due)
    return Qualifications(expired=expired, expiring_60_days=expiring, warning_days=facts.warning_days)


def _officer_row(p: _Person) -> OfficerRow:
    return OfficerRow(
        collar=p.collar,
        name=p.name,
        rank=p.rank,
        team=p.team,
        status=p.status,
        hours=_h(p.hours),
        ytd_hours=_h(p.ytd_hours),
        rag=p.rag,
        applies=p.applies,
    )


def _teams(listed: Sequence[_Person], team_hours: dict[str, float]) -> list[TeamRow]:
    """One row a team with serving officers or hours: headcount, hours and the minimum-hours counts."""
    headcount = Counter(p.team_key for p in listed if p.serving)
    rags: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for p in listed:
        if p.applies:
            rags[p.team_key][p.rag] += 1
    teams = sorted(set(headcount) | {t for t, h in team_hours.items() if h}, key=_team_key)
    return [
        TeamRow(
            team=t,
            headcount=headcount[t],
            hours=_h(team_hours.get(t, 0.0)),
            applies=sum(rags[t].values()),
            met=rags[t]["green"],
            below=rags[t]["amber"],
            zero=rags[t]["red"],
        )
        for t in teams
    ]


def _notes(period: Period, serving: Sequence[_Person]) -> list[str]:
    """Plain sentences about what the figures could not know: a month not over, gaps in the records."""
    notes: list[str] = []
    today = dt.date.today()
    label = month_label(period.month)
    if period.first > today:
        notes.append(
            f"{label} has not started yet: these figures show only who is on the roster, "
            "and no hours can have been recorded."
        )
    elif period.last >= today:
        notes.append(
            f"{label} is not over yet: figures as at {today:%d/%m/%Y}, with the hours recorded so far."
        )
    no_joined = sum(1 for p in serving if p.joined is None)
    if no_joined:
        plural = no_joined != 1
        notes.append(
            f"{no_joined} serving officer{'s have' if plural else ' has'} no joining date and "
            f"{'are' if plural else 'is'} counted as serving."
        )
    assumed = sum(1 for p in serving if p.assumed_attested)
    if assumed:
        notes.append(
            f"{assumed} active officer{'s have' if assumed != 1 else ' has'} no attestation "
            "date; the minimum hours are applied to them as attested."
        )
    return notes

"""Career pathway: the force's stages, each officer's progress, the board and the SCO's counts.

The pathway in use is the setting ``pathway`` (a ``Pathway.key``). A stage is *met* by an officer
when it is recorded (``StageAchieved``), when it is the attestation / independent-patrol stage and
the roster holds that date (``Officer.attested`` / ``Officer.independent_patrol``, e.g. after a
legacy import), or when a later stage that depends on it is met (date unknown). An officer is *at*
the met stage that comes last in the pathway's order; *next* is the first stage not met.

Recording the attestation or independent-patrol stage keeps the roster date in step, and removing
or correcting the record does too. Every write is audited by the ORM hook; corrections and
removals carry the user's reason.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.core import month_locks, settings
from desktop.core.db import Database
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.formats import full_name, uk_date
from desktop.core.models import Officer, Pathway, PathwayStage, StageAchieved


def fmt(day: dt.date | None) -> str:
    return uk_date(day, "date unknown")


# ---------------------------------------------------------------------------------------------
# Plain data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    id: int
    code: str
    name: str
    position: int
    is_independent_patrol: bool
    is_attestation: bool
    prerequisites: tuple[str, ...]
    target_days: int | None
    in_use: int = 0  # officers with this stage recorded


@dataclass
class PathwayInfo:
    id: int
    key: str
    name: str
    stages: list[Stage]

    _requires: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def by_code(self, code: str) -> Stage | None:
        return next((st for st in self.stages if st.code == code), None)

    def by_id(self, stage_id: int) -> Stage | None:
        return next((st for st in self.stages if st.id == stage_id), None)

    @property
    def ip_stage(self) -> Stage | None:
        return next((st for st in self.stages if st.is_independent_patrol), None)

    @property
    def attestation_stage(self) -> Stage | None:
        return next((st for st in self.stages if st.is_attestation), None)

    def requires(self, code: str) -> set[str]:
        """Every stage code ``code`` depends on, directly or through other stages."""
        cached = self._requires.get(code)
        if cached is not None:
            return set(cached)
        out: set[str] = set()
        stack = [code]
        while stack:
            st = self.by_code(stack.pop())
            for p in st.prerequisites if st else ():
                if p not in out:
                    out.add(p)
                    stack.append(p)
        self._requires[code] = frozenset(out)
        return out


@dataclass
class Entry:
    """One stage of an officer: recorded (``id``), from the roster's dates, or implied by a later one."""

    stage_id: int
    stage_code: str
    stage_name: str
    achieved_on: dt.date | None
    source: str  # "record" | "roster" | "implied"
    id: int | None = None
    assessor: str | None = None
    note: str | None = None


@dataclass
class Progress:
    officer_id: int
    collar: str
    name: str
    joined: dt.date | None
    pathway: PathwayInfo
    entries: list[Entry]  # met stages, in pathway order
    current: Stage | None
    since: dt.date | None
    next: Stage | None
    days_at_stage: int | None
    overdue: bool


@dataclass
class Card:
    officer_id: int
    collar: str
    name: str
    team: str | None
    joined: dt.date | None
    stage_code: str | None  # None: no stage yet
    since: dt.date | None
    days: int | None
    target_days: int | None
    overdue: bool


@dataclass
class BoardColumn:
    stage: Stage | None  # None: serving officers with no stage recorded yet
    cards: list[Card]

    @property
    def title(self) -> str:
        return self.stage.name if self.stage else "No stage yet"


@dataclass
class Counts:
    at_stage: dict[str, int]  # stage code -> officers at it
    not_started: int
    median_days_to_ip: float | None  # over officers reaching IP in the last 12 months
    ip_in_last_year: int
    longest_waiting: list[Card]


@dataclass
class Board:
    pathway: PathwayInfo
    columns: list[BoardColumn]
    counts: Counts
    teams: list[str] = field(default_factory=list)
    intakes: list[str] = field(default_factory=list)  # "YYYY-MM", newest first
    total: int = 0


@dataclass
class BulkLine:
    officer_id: int
    collar: str
    name: str
    ok: bool
    reason: str | None = None


@dataclass
class BulkResult:
    recorded: list[int]
    refused: list[BulkLine]


# ---------------------------------------------------------------------------------------------
# The pathway and its stages
# ---------------------------------------------------------------------------------------------


def list_pathways(db: Database) -> list[tuple[str, str]]:
    """Every pathway as (key, name)."""
    with db.read() as s:
        return [(p.key, p.name) for p in s.scalars(select(Pathway).order_by(Pathway.id))]


def _pathway_row(s: Session, key: str | None) -> Pathway:
    """The pathway ``key``; if that key is unknown (settings edited by hand), the first pathway."""
    row = s.scalar(select(Pathway).where(Pathway.key == key)) if key else None
    if row is None:
        row = s.scalar(select(Pathway).order_by(Pathway.id).limit(1))
    if row is None:
        raise NotFoundError("No pathway is set up. Restore the default pathways from resources.")
    return row


def _info(s: Session, p: Pathway) -> PathwayInfo:
    ids = [st.id for st in p.stages]
    used: dict[int, int] = {}
    if ids:
        used = dict(
            s.execute(  # type: ignore[arg-type]
                select(StageAchieved.stage_id, func.count())
                .where(StageAchieved.stage_id.in_(ids))
                .group_by(StageAchieved.stage_id)
            ).all()
        )
    stages = [
        Stage(
            id=st.id,
            code=st.code,
            name=st.name,
            position=st.position,
            is_independent_patrol=bool(st.is_independent_patrol),
            is_attestation=bool(st.is_attestation),
            prerequisites=tuple(st.prerequisites or ()),
            target_days=st.target_days,
            in_use=used.get(st.id, 0),
        )
        for st in sorted(p.stages, key=lambda x: (x.position, x.id))
    ]
    return PathwayInfo(id=p.id, key=p.key, name=p.name, stages=stages)


def in_use_key(db: Database) -> str:
    return str(settings.get(db, "pathway") or "college")


def get_pathway(db: Database, key: str | None = None) -> PathwayInfo:
    """The pathway ``key``, by default the one in use (setting ``pathway``)."""
    key = key or in_use_key(db)
    with db.read() as s:
        return _info(s, _pathway_row(s, key))


def _stage_row(s: Session, stage_id: int) -> PathwayStage:
    st = s.get(PathwayStage, stage_id)
    if st is None:
        raise NotFoundError(f"No pathway stage with id {stage_id}: it may have been removed.")
    return st


def _ordered(p: Pathway) -> list[PathwayStage]:
    return sorted(p.stages, key=lambda x: (x.position, x.id))


def _renumber(stages: list[PathwayStage]) -> None:
    for pos, st in enumerate(stages):
        if st.position != pos:
            st.position = pos


def _slug(name: str, taken: Iterable[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:32] or "stage"
    taken = set(taken)
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"name": "A stage needs a name."})
    if len(text) > 120:
        raise ValidationError({"name": "A stage name can be at most 120 characters."})
    return text


def _clean_target(days: int | None) -> int | None:
    if days is None or days == 0:
        return None
    if days < 0:
        raise ValidationError({"target_days": "Target days cannot be negative."})
    return int(days)


def add_stage(
    db: Database,
    name: str,
    *,
    after_id: int | None = None,
    target_days: int | None = None,
    pathway_key: str | None = None,
) -> int:
    """Add a stage at the end (or just after ``after_id``); it depends on the stage before it."""
    name = _clean_name(name)
    target = _clean_target(target_days)
    with db.session() as s:
        p = _pathway_row(s, pathway_key or in_use_key(db))
        stages = _ordered(p)
        if any(st.name.lower() == name.lower() for st in stages):
            raise ValidationError({"name": f"The pathway already has a stage called {name!r}."})
        index = len(stages)
        if after_id is not None:
            index = next((i + 1 for i, st in enumerate(stages) if st.id == after_id), index)
        prev = stages[index - 1] if index > 0 else None
        new = PathwayStage(
            code=_slug(name, (st.code for st in stages)),
            name=name,
            position=index,
            prerequisites=[prev.code] if prev else [],
            target_days=target,
            is_independent_patrol=False,
            is_attestation=False,
        )
        p.stages.append(new)
        stages.insert(index, new)
        _renumber(stages)
        s.flush()
        return new.id


def rename_stage(db: Database, stage_id: int, name: str) -> None:
    name = _clean_name(name)
    with db.session() as s:
        st = _stage_row(s, stage_id)
        for other in st.pathway.stages:
            if other.id != st.id and other.name.lower() == name.lower():
                raise ValidationError({"name": f"The pathway already has a stage called {name!r}."})
        if st.name != name:
            st.name = name


def set_target_days(db: Database, stage_id: int, days: int | None) -> None:
    target = _clean_target(days)
    with db.session() as s:
        st = _stage_row(s, stage_id)
        if st.target_days != target:
            st.target_days = target


def _mark(db: Database, stage_id: int, attr: str) -> None:
    with db.session() as s:
        st = _stage_row(s, stage_id)
        for other in st.pathway.stages:
            want = other.id == st.id
            if bool(getattr(other, attr)) != want:
                setattr(other, attr, want)


def set_independent_patrol_stage(db: Database, stage_id: int) -> None:
    """Mark ``stage_id`` as the pathway's one independent-patrol stage (unmarks the others)."""
    _mark(db, stage_id, "is_independent_patrol")


def set_attestation_stage(db: Database, stage_id: int) -> None:
    _mark(db, stage_id, "is_attestation")


def set_prerequisites(db: Database, stage_id: int, codes: Iterable[str]) -> None:
    """The stages that must be achieved first: earlier stages of the same pathway."""
    wanted = list(dict.fromkeys(codes))
    with db.session() as s:
        st = _stage_row(s, stage_id)
        stages = {x.code: x for x in st.pathway.stages}
        for code in wanted:
            other = stages.get(code)
            if other is None:
                raise ValidationError({"prerequisites": f"There is no stage {code!r} in this pathway."})
            if other.id == st.id:
                raise ValidationError({"prerequisites": f"{st.name} cannot depend on itself."})
            if (other.position, other.id) > (st.position, st.id):
                raise ValidationError(
                    {
                        "prerequisites": f"{st.name} cannot depend on {other.name}, which comes after it. "
                        "Move the stages first."
                    }
                )
        if list(st.prerequisites or []) != wanted:
            st.prerequisites = wanted


def reorder_stages(db: Database, ordered_ids: list[int]) -> None:
    """Put the pathway's stages in this order. A stage must stay after every stage it depends on."""
    with db.session() as s:
        if not ordered_ids:
            return
        first = _stage_row(s, ordered_ids[0])
        stages = {st.id: st for st in first.pathway.stages}
        if set(ordered_ids) != set(stages) or len(ordered_ids) != len(stages):
            raise ValidationError({"order": "The new order must list every stage of the pathway once."})
        seen: set[str] = set()
        by_code = {st.code: st for st in stages.values()}
        for sid in ordered_ids:
            st = stages[sid]
            for p in st.prerequisites or []:
                if p in by_code and p not in seen:
                    raise ValidationError(
                        {"order": f"{st.name} depends on {by_code[p].name}, so it must come after it."}
                    )
            seen.add(st.code)
        _renumber([stages[sid] for sid in ordered_ids])


def move_stage(db: Database, stage_id: int, delta: int) -> None:
    """Move a stage up (-1) or down (+1) in the order, keeping dependencies in order."""
    with db.read() as s:
        st = _stage_row(s, stage_id)
        ids = [x.id for x in _ordered(st.pathway)]
    i = ids.index(stage_id)
    j = max(0, min(len(ids) - 1, i + delta))
    if i == j:
        return
    ids.insert(j, ids.pop(i))
    reorder_stages(db, ids)


def remove_stage(db: Database, stage_id: int) -> None:
    """Remove a stage nobody has recorded. Stages that depended on it take over its prerequisites."""
    with db.session() as s:
        st = _stage_row(s, stage_id)
        used = s.scalar(select(func.count()).where(StageAchieved.stage_id == stage_id)) or 0
        if used:
            people = "officer" if used == 1 else "officers"
            raise ValidationError(
                {
                    "stage": f"{st.name} cannot be removed: it is recorded for {used} {people}. "
                    "Rename it instead, or correct those officers' records first."
                }
            )
        if st.is_independent_patrol:
            raise ValidationError(
                {
                    "stage": f"{st.name} is the independent-patrol stage. "
                    "Mark another stage as independent patrol first."
                }
            )
        p = st.pathway
        for other in p.stages:
            prereqs = list(other.prerequisites or [])
            if st.code in prereqs:
                spliced = [c for c in prereqs if c != st.code]
                for c in st.prerequisites or []:
                    if c not in spliced:
                        spliced.append(c)
                other.prerequisites = spliced
        p.stages.remove(st)
        s.delete(st)
        _renumber([x for x in _ordered(p) if x.id != stage_id])


# ---------------------------------------------------------------------------------------------
# Officers' progress
# ---------------------------------------------------------------------------------------------


@dataclass
class _Officer:
    id: int
    collar: str
    surname: str
    forenames: str | None
    team: str | None
    joined: dt.date | None
    attested: dt.date | None
    independent_patrol: dt.date | None
    left_date: dt.date | None
    status: str

    @property
    def name(self) -> str:
        return full_name(self.surname, self.forenames)


_OFFICER_COLS = (
    Officer.id,
    Officer.collar,
    Officer.surname,
    Officer.forenames,
    Officer.team,
    Officer.joined,
    Officer.attested,
    Officer.independent_patrol,
    Officer.left_date,
    Officer.status,
)


def _officer(s: Session, officer_id: int) -> _Officer:
    row = s.execute(select(*_OFFICER_COLS).where(Officer.id == officer_id)).first()
    if row is None:
        raise NotFoundError(f"No officer with id {officer_id}.")
    return _Officer(**row._asdict())


def _met(pw: PathwayInfo, o: _Officer, records: dict[int, _Rec]) -> dict[str, Entry]:
    """Stage code -> entry for every stage the officer has met (see the module docstring)."""
    met: dict[str, Entry] = {}
    for st in pw.stages:
        rec = records.get(st.id)
        if rec is not None:
            met[st.code] = Entry(
                st.id, st.code, st.name, rec.achieved_on, "record", rec.id, rec.assessor, rec.note
            )
        elif st.is_attestation and o.attested:
            met[st.code] = Entry(st.id, st.code, st.name, o.attested, "roster")
        elif st.is_independent_patrol and o.independent_patrol:
            met[st.code] = Entry(st.id, st.code, st.name, o.independent_patrol, "roster")
    for code in list(met):
        for p in pw.requires(code):
            if p not in met:
                pst = pw.by_code(p)
                if pst is not None:
                    met[p] = Entry(pst.id, pst.code, pst.name, None, "implied")
    return met


@dataclass
class _Rec:
    id: int
    achieved_on: dt.date
    assessor: str | None
    note: str | None


def _position(pw: PathwayInfo, o: _Officer, met: dict[str, Entry], today: dt.date) -> Card:
    current: Stage | None = None
    for st in pw.stages:
        if st.code in met:
            current = st
    since = met[current.code].achieved_on if current else None
    days = (today - since).days if since else None
    target = current.target_days if current else None
    return Card(
        officer_id=o.id,
        collar=o.collar,
        name=o.name,
        team=o.team,
        joined=o.joined,
        stage_code=current.code if current else None,
        since=since,
        days=days,
        target_days=target,
        overdue=bool(target and days is not None and days > target),
    )


def _records_for(s: Session, pw: PathwayInfo, officer_ids: list[int] | None) -> dict[int, dict[int, _Rec]]:
    q = select(
        StageAchieved.officer_id,
        StageAchieved.stage_id,
        StageAchieved.id,
        StageAchieved.achieved_on,
        StageAchieved.assessor,
        StageAchieved.note,
    ).where(StageAchieved.stage_id.in_([st.id for st in pw.stages]))
    if officer_ids is not None:
        q = q.where(StageAchieved.officer_id.in_(officer_ids))
    out: dict[int, dict[int, _Rec]] = {}
    for oid, sid, rid, on, assessor, note in s.execute(q):
        out.setdefault(oid, {})[sid] = _Rec(rid, on, assessor, note)
    return out


def officer_progress(db: Database, officer_id: int, *, today: dt.date | None = None) -> Progress:
    """Where the officer stands on the pathway in use: stages met, current, next, days, overdue."""
    today = today or dt.date.today()
    pw = get_pathway(db)
    with db.read() as s:
        o = _officer(s, officer_id)
        records = _records_for(s, pw, [officer_id]).get(officer_id, {})
    met = _met(pw, o, records)
    card = _position(pw, o, met, today)
    current = pw.by_code(card.stage_code) if card.stage_code else None
    nxt = next((st for st in pw.stages if st.code not in met), None)
    return Progress(
        officer_id=o.id,
        collar=o.collar,
        name=o.name,
        joined=o.joined,
        pathway=pw,
        entries=[met[st.code] for st in pw.stages if st.code in met],
        current=current,
        since=card.since,
        next=nxt,
        days_at_stage=card.days,
        overdue=card.overdue,
    )


def _refusal(
    pw: PathwayInfo,
    stage: Stage,
    o: _Officer,
    met: dict[str, Entry],
    on: dt.date,
    today: dt.date,
    *,
    ignore_entry: int | None = None,
) -> str | None:
    """Why ``stage`` cannot be recorded for the officer on ``on``, in plain words, or None."""
    have = met.get(stage.code)
    if have is not None and have.source == "record" and have.id != ignore_entry:
        return f"{stage.name} is already recorded ({fmt(have.achieved_on)}). Correct that entry instead."
    if on > today:
        return f"{fmt(on)} is in the future. Record a stage on or after the day it happens."
    if o.joined and on < o.joined:
        return f"{fmt(on)} is before {o.name} joined ({fmt(o.joined)})."
    if o.left_date and on > o.left_date:
        return f"{fmt(on)} is after {o.name} left ({fmt(o.left_date)})."
    missing = [pw.by_code(c) for c in stage.prerequisites if c not in met]
    names = [m.name for m in missing if m is not None]
    if names:
        return f"{' and '.join(names)} must be recorded first."
    for code in stage.prerequisites:
        prev = met.get(code)
        if prev is not None and prev.achieved_on and prev.achieved_on > on:
            return f"{stage.name} cannot be before {prev.stage_name} ({fmt(prev.achieved_on)})."
    for code, later in met.items():
        if code == stage.code or later.achieved_on is None or later.id == ignore_entry and later.id:
            continue
        if stage.code in pw.requires(code) and later.achieved_on < on:
            return f"{stage.name} cannot be after {later.stage_name} ({fmt(later.achieved_on)})."
    return None


def _sync_roster(s: Session, stage: Stage, officer_id: int, old: dt.date | None, new: dt.date | None) -> None:
    """Keep Officer.attested / Officer.independent_patrol in step with the stage record."""
    attr = (
        "attested" if stage.is_attestation else "independent_patrol" if stage.is_independent_patrol else None
    )
    if attr is None:
        return
    o = s.get(Officer, officer_id)
    if o is None:
        return
    current = getattr(o, attr)
    if new is not None:
        if current != new:
            setattr(o, attr, new)
    elif current is not None and (old is None or current == old):
        setattr(o, attr, None)


def _clean_text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _stage_in_use(pw: PathwayInfo, stage_id: int) -> Stage:
    stage = pw.by_id(stage_id)
    if stage is None:
        raise ValidationError({"stage": f"That stage is not part of the pathway in use ({pw.name})."})
    return stage


def record_stage(
    db: Database,
    officer_id: int,
    stage_id: int,
    on: dt.date,
    assessor: str | None = None,
    note: str | None = None,
    *,
    today: dt.date | None = None,
    locked_reason: str | None = None,
) -> int:
    """Record that the officer achieved ``stage_id`` on ``on``; ValidationError says why not,
    LockedMonthError when it changes a signed-off month's figures and no ``locked_reason`` is given."""
    today = today or dt.date.today()
    pw = get_pathway(db)
    stage = _stage_in_use(pw, stage_id)
    with db.session() as s:
        o = _officer(s, officer_id)
        records = _records_for(s, pw, [officer_id]).get(officer_id, {})
        why = _refusal(pw, stage, o, _met(pw, o, records), on, today)
        if why:
            raise ValidationError({"achieved_on": why})
        with month_locks.guard(s, [officer_id], locked_reason):
            row = StageAchieved(
                officer_id=officer_id,
                stage_id=stage_id,
                achieved_on=on,
                assessor=_clean_text(assessor),
                note=_clean_text(note),
            )
            s.add(row)
            _sync_roster(s, stage, officer_id, None, on)
        return row.id


def _entry_row(s: Session, entry_id: int) -> StageAchieved:
    row = s.get(StageAchieved, entry_id)
    if row is None:
        raise NotFoundError("That stage entry no longer exists: someone may have removed it.")
    return row


def _need_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {"reason": "Say why you are changing this entry (it is kept in the audit log)."}
        )
    return text


def correct_entry(
    db: Database,
    entry_id: int,
    *,
    on: dt.date,
    assessor: str | None,
    note: str | None,
    reason: str,
    today: dt.date | None = None,
    locked_reason: str | None = None,
) -> None:
    """Correct a recorded stage's date, assessor or note; the reason goes to the audit log.
    A new date that changes a signed-off month's figures also needs ``locked_reason``."""
    why_text = _need_reason(reason)
    today = today or dt.date.today()
    pw = get_pathway(db)
    with db.session(reason=why_text) as s:
        row = _entry_row(s, entry_id)
        stage = pw.by_id(row.stage_id)
        if stage is None:
            raise ValidationError({"stage": "That entry belongs to a pathway that is not in use."})
        o = _officer(s, row.officer_id)
        records = _records_for(s, pw, [o.id]).get(o.id, {})
        why = _refusal(pw, stage, o, _met(pw, o, records), on, today, ignore_entry=row.id)
        if why:
            raise ValidationError({"achieved_on": why})
        old = row.achieved_on
        with month_locks.guard(s, [o.id], locked_reason):
            if row.achieved_on != on:
                row.achieved_on = on
            if row.assessor != _clean_text(assessor):
                row.assessor = _clean_text(assessor)
            if row.note != _clean_text(note):
                row.note = _clean_text(note)
            if old != on:
                _sync_roster(s, stage, o.id, old, on)


def remove_entry(db: Database, entry_id: int, *, reason: str, locked_reason: str | None = None) -> None:
    """Remove a recorded stage (a mistake); refused while a later recorded stage depends on it, and
    without ``locked_reason`` when it changes a signed-off month's figures."""
    why_text = _need_reason(reason)
    pw = get_pathway(db)
    with db.session(reason=why_text) as s:
        row = _entry_row(s, entry_id)
        stage = pw.by_id(row.stage_id)
        if stage is not None:
            records = _records_for(s, pw, [row.officer_id]).get(row.officer_id, {})
            for sid in records:
                later = pw.by_id(sid)
                if later is not None and stage.code in pw.requires(later.code):
                    raise ValidationError(
                        {"stage": f"{later.name} depends on {stage.name}: remove {later.name} first."}
                    )
        with month_locks.guard(s, [row.officer_id], locked_reason):
            if stage is not None:
                _sync_roster(s, stage, row.officer_id, row.achieved_on, None)
            s.delete(row)


# ---------------------------------------------------------------------------------------------
# Bulk record
# ---------------------------------------------------------------------------------------------


def preview_bulk(
    db: Database,
    officer_ids: Iterable[int],
    stage_id: int,
    on: dt.date,
    *,
    today: dt.date | None = None,
) -> list[BulkLine]:
    """For each officer: would recording ``stage_id`` on ``on`` be accepted, and if not why."""
    today = today or dt.date.today()
    ids = list(dict.fromkeys(officer_ids))
    pw = get_pathway(db)
    stage = _stage_in_use(pw, stage_id)
    with db.read() as s:
        officers = {
            row.id: _Officer(**row._asdict())
            for row in s.execute(select(*_OFFICER_COLS).where(Officer.id.in_(ids)))
        }
        records = _records_for(s, pw, ids)
    lines = []
    for oid in ids:
        o = officers.get(oid)
        if o is None:
            lines.append(BulkLine(oid, "", "(removed)", False, "This officer no longer exists."))
            continue
        met = _met(pw, o, records.get(oid, {}))
        why = _refusal(pw, stage, o, met, on, today)
        lines.append(BulkLine(oid, o.collar, o.name, why is None, why))
    return lines


def record_bulk(
    db: Database,
    officer_ids: Iterable[int],
    stage_id: int,
    on: dt.date,
    assessor: str | None = None,
    note: str | None = None,
    *,
    today: dt.date | None = None,
    locked_reason: str | None = None,
) -> BulkResult:
    """Record the stage for every officer it is accepted for (one transaction); the rest are refused.
    LockedMonthError (nothing recorded) when that changes a signed-off month and no reason is given."""
    today = today or dt.date.today()
    ids = list(dict.fromkeys(officer_ids))
    pw = get_pathway(db)
    stage = _stage_in_use(pw, stage_id)
    recorded: list[int] = []
    refused: list[BulkLine] = []
    with db.session(reason=f"bulk record: {stage.name} on {fmt(on)}") as s:
        officers = {
            row.id: _Officer(**row._asdict())
            for row in s.execute(select(*_OFFICER_COLS).where(Officer.id.in_(ids)))
        }
        records = _records_for(s, pw, ids)
        with month_locks.guard(s, officers, locked_reason):
            for oid in ids:
                o = officers.get(oid)
                if o is None:
                    refused.append(BulkLine(oid, "", "(removed)", False, "This officer no longer exists."))
                    continue
                why = _refusal(pw, stage, o, _met(pw, o, records.get(oid, {})), on, today)
                if why:
                    refused.append(BulkLine(oid, o.collar, o.name, False, why))
                    continue
                s.add(
                    StageAchieved(
                        officer_id=oid,
                        stage_id=stage.id,
                        achieved_on=on,
                        assessor=_clean_text(assessor),
                        note=_clean_text(note),
                    )
                )
                _sync_roster(s, stage, oid, None, on)
                recorded.append(oid)
    return BulkResult(recorded, refused)


# ---------------------------------------------------------------------------------------------
# The board and the counts
# ---------------------------------------------------------------------------------------------


def intake_label(month: str) -> str:
    """ "2024-04" -> "April 2024"."""
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1).strftime("%B %Y")


def board(
    db: Database,
    *,
    team: str | None = None,
    intake: str | None = None,
    today: dt.date | None = None,
    longest: int = 10,
) -> Board:
    """Serving officers placed at their current stage (filters: team, intake = joining "YYYY-MM")."""
    today = today or dt.date.today()
    pw = get_pathway(db)
    with db.read() as s:
        rows = s.execute(
            select(*_OFFICER_COLS)
            .where(Officer.status != "left", Officer.anonymised.is_(False))
            .order_by(Officer.surname, Officer.forenames, Officer.collar)
        ).all()
        records = _records_for(s, pw, None)
        first_year = today - dt.timedelta(days=365)
        ip_rows = s.execute(
            select(Officer.joined, Officer.independent_patrol, Officer.team).where(
                Officer.independent_patrol > first_year,
                Officer.independent_patrol <= today,
                Officer.joined.is_not(None),
            )
        ).all()
    officers = [_Officer(**r._asdict()) for r in rows]
    teams = sorted({o.team for o in officers if o.team})
    intakes = sorted({f"{o.joined:%Y-%m}" for o in officers if o.joined}, reverse=True)
    if team:
        officers = [o for o in officers if o.team == team]
    if intake:
        officers = [o for o in officers if o.joined and f"{o.joined:%Y-%m}" == intake]
    columns: dict[str | None, BoardColumn] = {None: BoardColumn(None, [])}
    for st in pw.stages:
        columns[st.code] = BoardColumn(st, [])
    for o in officers:
        card = _position(pw, o, _met(pw, o, records.get(o.id, {})), today)
        columns[card.stage_code].cards.append(card)
    ip = pw.ip_stage
    waiting = [
        c
        for code, col in columns.items()
        if code is not None and (ip is None or code != ip.code)
        for c in col.cards
        if c.days is not None
    ]
    waiting.sort(key=lambda c: (-(c.days or 0), c.name))
    spans = [
        (ipd - joined).days
        for joined, ipd, ip_team in ip_rows
        if ipd is not None
        and joined is not None
        and ipd >= joined
        and (not team or ip_team == team)
        and (not intake or f"{joined:%Y-%m}" == intake)
    ]
    counts = Counts(
        at_stage={st.code: len(columns[st.code].cards) for st in pw.stages},
        not_started=len(columns[None].cards),
        median_days_to_ip=float(statistics.median(spans)) if spans else None,
        ip_in_last_year=len(spans),
        longest_waiting=waiting[:longest],
    )
    return Board(
        pathway=pw,
        columns=list(columns.values()),
        counts=counts,
        teams=teams,
        intakes=intakes,
        total=len(officers),
    )

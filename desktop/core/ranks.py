"""The force's ranks: a settings list (short code, name, seniority), first copied from
``resources/ranks.json``, then the force's own.

Officers and their rank history hold the short code; the return counts by code in seniority order
(lowest first), the roster sorts and filters by it, and the import reads both the code and the name.
A rank held by anyone (now or in their history) keeps its code and cannot be removed; it can be
renamed and moved. Every change is audited like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from desktop.core.db import Database
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.models import Officer, RankChange, RankDef

MAX_CODE = 16
MAX_NAME = 80
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.&-]*$")


@dataclass(frozen=True)
class RankInfo:
    code: str
    name: str
    position: int  # 0 is the lowest
    officers: int  # officers who hold it now or held it before

    @property
    def in_use(self) -> bool:
        return self.officers > 0


def _holders(s: Session) -> dict[str, int]:
    """Code -> how many officers hold it now or in their history."""
    pairs = union(
        select(Officer.rank.label("rank"), Officer.id.label("oid")),
        select(RankChange.rank.label("rank"), RankChange.officer_id.label("oid")),
    ).subquery()
    rows = s.execute(select(pairs.c.rank, func.count(func.distinct(pairs.c.oid))).group_by(pairs.c.rank))
    return {code: int(n) for code, n in rows}


def _ordered(s: Session) -> list[RankDef]:
    return list(s.scalars(select(RankDef).order_by(RankDef.position, RankDef.code)))


def list_ranks(db: Database) -> list[RankInfo]:
    """Every rank, lowest first, with how many officers hold (or held) it."""
    with db.read() as s:
        held = _holders(s)
        return [RankInfo(r.code, r.name, n, held.get(r.code, 0)) for n, r in enumerate(_ordered(s))]


def lowest(s: Session) -> str:
    """The code of the lowest rank (a new officer's rank when none is given)."""
    code = s.scalar(select(RankDef.code).order_by(RankDef.position, RankDef.code).limit(1))
    return code or "SC"


def _row(s: Session, code: str) -> RankDef:
    row = s.get(RankDef, code)
    if row is None:
        raise NotFoundError(
            f"There is no rank {code!r}: someone may have removed it. Close Settings and open it again."
        )
    return row


def _clean_name(s: Session, name: str, code: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"name": "A rank needs a name, e.g. Deputy Chief Officer."})
    if len(text) > MAX_NAME:
        raise ValidationError({"name": f"A rank's name can be at most {MAX_NAME} characters."})
    clash = s.scalar(select(RankDef).where(func.lower(RankDef.name) == text.lower()))
    if clash is not None and clash.code != code:
        raise ValidationError({"name": f"{clash.name} is already a rank (short code {clash.code})."})
    return text


def _clean_code(s: Session, code: str, current: str | None) -> str:
    text = (code or "").strip()
    if not text:
        raise ValidationError(
            {"code": "A rank needs a short code, e.g. DCO (it is what returns and exports show)."}
        )
    if len(text) > MAX_CODE:
        raise ValidationError({"code": f"A short code can be at most {MAX_CODE} characters."})
    if not _CODE.match(text):
        raise ValidationError(
            {"code": f"{text!r} cannot be a short code: use letters and digits (and / . - &), no spaces."}
        )
    for other in s.scalars(select(RankDef)):
        if other.code.lower() == text.lower() and other.code != current:
            raise ValidationError({"code": f"{other.code} is already the short code of {other.name}."})
    return text


def _renumber(rows: list[RankDef]) -> None:
    for pos, row in enumerate(rows):
        if row.position != pos:
            row.position = pos


def add_rank(db: Database, code: str, name: str, *, above: str | None = None) -> str:
    """Add a rank just senior to ``above`` (a code), or as the most senior; returns its code."""
    with db.session() as s:
        text = _clean_code(s, code, None)
        full = _clean_name(s, name, None)
        rows = _ordered(s)
        at = len(rows)
        if above is not None:
            at = next((i + 1 for i, r in enumerate(rows) if r.code == above), len(rows))
        s.info["audit_reason"] = f"rank {text} ({full}) added"
        row = RankDef(code=text, name=full, position=at)
        rows.insert(at, row)
        s.add(row)
        _renumber(rows)
        return text


def rename_rank(db: Database, code: str, name: str) -> None:
    with db.session() as s:
        row = _row(s, code)
        full = _clean_name(s, name, code)
        if row.name != full:
            s.info["audit_reason"] = f"rank {code} renamed"
            row.name = full


def change_code(db: Database, code: str, new_code: str) -> str:
    """Give a rank nobody holds another short code (a held rank's code is in its officers' records
    and in returns already printed, so it stays)."""
    with db.session() as s:
        row = _row(s, code)
        text = _clean_code(s, new_code, code)
        if text == code:
            return code
        held = _holders(s).get(code, 0)
        if held:
            raise ValidationError(
                {
                    "code": f"{row.name} is held by {_officers(held)}, so its short code {code} stays. Rename it instead."
                }
            )
        s.info["audit_reason"] = f"rank {code} now {text}"
        name, position = row.name, row.position
        s.delete(row)
        s.flush()
        s.add(RankDef(code=text, name=name, position=position))
        return text


def _officers(n: int) -> str:
    return "1 officer" if n == 1 else f"{n:,} officers"


def move_rank(db: Database, code: str, delta: int) -> None:
    """Move a rank ``delta`` places in seniority (+1: one step more senior)."""
    with db.session() as s:
        rows = _ordered(s)
        i = next((n for n, r in enumerate(rows) if r.code == code), None)
        if i is None:
            raise NotFoundError(f"There is no rank {code!r}.")
        j = max(0, min(len(rows) - 1, i + delta))
        if i == j:
            return
        s.info["audit_reason"] = f"rank {code} moved {'up' if j > i else 'down'} in seniority"
        rows.insert(j, rows.pop(i))
        _renumber(rows)


def reorder_ranks(db: Database, codes: list[str]) -> None:
    """Put every rank in this order, lowest first."""
    with db.session() as s:
        rows = {r.code: r for r in _ordered(s)}
        if sorted(codes) != sorted(rows):
            raise ValidationError(
                {"order": "The list of ranks changed meanwhile. Close Settings and open it again."}
            )
        s.info["audit_reason"] = "ranks put in a new order of seniority"
        _renumber([rows[c] for c in codes])


def remove_rank(db: Database, code: str) -> None:
    """Remove a rank nobody holds or held (ValidationError says how many do)."""
    with db.session() as s:
        row = _row(s, code)
        held = _holders(s).get(code, 0)
        if held:
            raise ValidationError(
                {
                    "rank": f"{row.name} cannot be removed: {_officers(held)} "
                    f"{'holds' if held == 1 else 'hold'} it now or held it before. "
                    "Rename it or move it instead."
                }
            )
        rows = _ordered(s)
        if len(rows) == 1:
            raise ValidationError({"rank": "The force needs at least one rank."})
        s.info["audit_reason"] = f"rank {code} ({row.name}) removed"
        s.delete(row)
        _renumber([r for r in rows if r.code != code])

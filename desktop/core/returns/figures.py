"""The figures of a monthly return, typed: one dataclass per section, one per kind of listed row.

``ReturnFigures.to_json()`` is the JSON the command line prints and a sign-off stores: the same keys
in the same order, dates as ISO text, hours as numbers. ``ReturnFigures.from_json()`` reads that JSON
back, as this version writes it and as any earlier version stored it when a month was signed off:

- a key it does not know is kept (``extra``) and written back after the known ones;
- a key that is missing takes the value an empty return has (no rows, zero counts), except where it
  can be told from the rest: the month's dates from the month, the units table from the attachments
  and hours by unit, an officer's "minimum applies" from the officer's red/amber/green;
- ``qualifications`` missing stays ``None`` (that version did not report them; nothing is shown);
- values are kept as stored (a minimum of ``16.0`` stays ``16.0``), so stored figures written out
  again are the same text.

Every class maps to JSON the same way (``_Json``): one key a field, in the order of the fields,
named as the field; a date as ISO text; a section or row by its own ``to_json``. The counts that
stand beside a list in the JSON (``joiners_count``, ``attachments.started_count``...) are the lengths
of those lists: properties here, named in the class's ``KEYS`` where the JSON holds them.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

from desktop.core.domain import financial_year_start, month_bounds

Json = dict[str, Any]

# How a sign-off's time is written in the figures shown and printed (the command line's JSON too).
SIGNED_AT_FORMAT = "%d/%m/%Y %H:%M"
DEFAULT_MINIMUM_HOURS = 16.0  # the setting's default, for figures stored without it


@dataclass(kw_only=True)
class _Json:
    """A part of the figures and its JSON (see the module docstring)."""

    # The JSON keys in order, where they are not simply the fields (counts kept beside their lists).
    KEYS: ClassVar[tuple[str, ...]] = ()
    extra: Json = field(default_factory=dict)  # keys this version does not know, kept as stored

    def to_json(self) -> Json:
        keys, _ = _plan(type(self))
        out = {key: _encode(getattr(self, key)) for key in keys}
        out.update(self.extra)
        return out

    @classmethod
    def from_json(cls, d: Json) -> Self:
        """Read what is there; a missing key keeps the field's default."""
        keys, readers = _plan(cls)
        values = {name: read(d[name]) for name, read in readers.items() if name in d}
        return cls(**values, extra={k: v for k, v in d.items() if k not in keys})


_Reader = Callable[[Any], Any]
_PLANS: dict[type, tuple[tuple[str, ...], dict[str, _Reader]]] = {}


def _plan(cls: type[_Json]) -> tuple[tuple[str, ...], dict[str, _Reader]]:
    """The JSON keys of ``cls`` in order, and how each field's JSON value is read (by the field's
    type); worked out once a class."""
    plan = _PLANS.get(cls)
    if plan is None:
        names = [f.name for f in fields(cls) if f.name != "extra"]
        hints = typing.get_type_hints(cls)
        plan = _PLANS[cls] = (cls.KEYS or tuple(names), {n: _reader(hints[n]) for n in names})
    return plan


def _encode(value: Any) -> Any:
    if isinstance(value, _Json):
        return value.to_json()
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _reader(hint: Any) -> _Reader:
    if isinstance(hint, types.UnionType):  # "X | None"
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    kind = typing.get_origin(hint) or hint
    if kind is list:
        row = typing.get_args(hint)[0]
        if isinstance(row, type) and issubclass(row, _Json):
            return lambda v: [row.from_json(x) for x in v or []]
        return lambda v: list(v or [])
    if kind is dict:
        return lambda v: dict(v or {})
    if kind is dt.date:
        return lambda v: dt.date.fromisoformat(v) if v else None
    if isinstance(kind, type) and issubclass(kind, _Json):
        return lambda v: None if v is None else kind.from_json(v)
    return lambda v: v


# ---------------------------------------------------------------------------------------------
# Rows of the lists
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Row(_Json):
    """A row naming an officer: every list of the return starts with these two."""

    collar: str = ""
    name: str = ""  # "Surname, Forenames"


@dataclass(kw_only=True)
class Joiner(_Row):
    date: dt.date | None = None
    rank: str | None = None
    team: str | None = None


@dataclass(kw_only=True)
class Leaver(_Row):
    date: dt.date | None = None
    reason: str = ""
    rank: str | None = None
    team: str | None = None


@dataclass(kw_only=True)
class Inactive(_Row):
    """An officer the minimum applies to with no hours in the last three months."""

    rank: str | None = None
    team: str | None = None


@dataclass(kw_only=True)
class NewPatrol(_Row):
    """An officer who gained independent patrol status in the month."""

    date: dt.date | None = None


@dataclass(kw_only=True)
class AttachmentMove(_Row):
    """An attachment started, or ended, in the month."""

    unit: str = ""
    date: dt.date | None = None


@dataclass(kw_only=True)
class QualificationDue(_Row):
    """A serving officer's qualification expired at month end, or expiring soon after."""

    qualification: str = ""
    expires: dt.date | None = None


@dataclass(kw_only=True)
class OfficerRow(_Row):
    """One officer of the per-officer table: serving at month end, or with hours in the return."""

    rank: str | None = None
    team: str | None = None
    status: str = ""
    hours: float = 0.0
    ytd_hours: float = 0.0
    rag: str = "grey"  # red, amber, green; grey where the minimum does not apply
    applies: bool = False

    @classmethod
    def from_json(cls, d: Json) -> Self:
        row = super().from_json(d)
        if "applies" not in d:
            row.applies = row.rag != "grey"
        return row


@dataclass(kw_only=True)
class TeamRow(_Json):
    """A team with serving officers or hours: its headcount, hours and minimum-hours counts."""

    team: str = ""
    headcount: int = 0
    hours: float = 0.0
    applies: int = 0
    met: int = 0
    below: int = 0
    zero: int = 0


@dataclass(kw_only=True)
class UnitRow(_Json):
    """A specialist unit: attachments active at month end, started and ended in it, and its hours."""

    unit: str = ""
    active: int = 0
    started: int = 0
    ended: int = 0
    hours: float = 0.0


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Headcount(_Json):
    """Serving officers at month end."""

    total: int = 0
    by_rank: dict[str, int] = field(default_factory=dict)  # rank code -> officers, lowest rank first
    by_status: dict[str, int] = field(default_factory=dict)
    by_team: dict[str, int] = field(default_factory=dict)


@dataclass(kw_only=True)
class Hours(_Json):
    """Hours in the month, and in the financial year up to its end."""

    total: float = 0.0
    by_team: dict[str, float] = field(default_factory=dict)  # teams with hours only
    by_duty_type: dict[str, float] = field(default_factory=dict)
    by_unit: dict[str, float] = field(default_factory=dict)
    year_to_date: float = 0.0


@dataclass(kw_only=True)
class Compliance(_Json):
    """The minimum hours: how many it applies to, and of those how many met it, fell below, did none."""

    applies: int = 0
    met: int = 0
    below: int = 0
    zero: int = 0


@dataclass(kw_only=True)
class IndependentPatrol(_Json):
    total: int = 0  # serving officers with independent patrol status at month end
    new: int = 0  # gained it in the month
    new_officers: list[NewPatrol] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: Json) -> Self:
        ip = super().from_json(d)
        if "new" not in d:
            ip.new = len(ip.new_officers)
        return ip


@dataclass(kw_only=True)
class Attachments(_Json):
    KEYS = ("active_by_unit", "active_total", "started", "started_count", "ended", "ended_count")
    active_by_unit: dict[str, int] = field(default_factory=dict)  # every active unit, zeros included
    started: list[AttachmentMove] = field(default_factory=list)
    ended: list[AttachmentMove] = field(default_factory=list)

    @property
    def active_total(self) -> int:
        return sum(self.active_by_unit.values())

    @property
    def started_count(self) -> int:
        return len(self.started)

    @property
    def ended_count(self) -> int:
        return len(self.ended)


@dataclass(kw_only=True)
class Qualifications(_Json):
    """Qualifications of serving officers expired at month end or expiring within ``warning_days``."""

    KEYS = ("expired", "expiring_60_days", "expired_count", "expiring_count", "warning_days")
    expired: list[QualificationDue] = field(default_factory=list)
    expiring_60_days: list[QualificationDue] = field(default_factory=list)  # within warning_days
    warning_days: int = 60

    @property
    def expired_count(self) -> int:
        return len(self.expired)

    @property
    def expiring_count(self) -> int:
        return len(self.expiring_60_days)


@dataclass(frozen=True)
class SignedOff:
    """Who signed the month off, when, and their note. Not part of the stored figures: it comes from
    the sign-off record, and the command line's JSON carries it as ``signed_off``."""

    by: str
    at: dt.datetime
    note: str | None = None

    @property
    def when(self) -> str:
        """The day and time, as shown and printed ("03/04/2025 10:12")."""
        return self.at.strftime(SIGNED_AT_FORMAT)

    def to_json(self) -> Json:
        return {"by": self.by, "at": self.when, "note": self.note}

    @classmethod
    def from_json(cls, d: Json) -> SignedOff:
        return cls(
            by=d.get("by") or "", at=dt.datetime.strptime(d["at"], SIGNED_AT_FORMAT), note=d.get("note")
        )


# ---------------------------------------------------------------------------------------------
# The return
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ReturnFigures(_Json):
    """Every figure of one month's return (see the package docstring for the rules)."""

    KEYS = (
        "month",
        "minimum_hours",
        "headcount",
        "joiners",
        "joiners_count",
        "leavers",
        "leavers_count",
        "leavers_by_reason",
        "hours",
        "compliance",
        "inactive_3_months",
        "inactive_3_months_count",
        "independent_patrol",
        "attachments",
        "qualifications",  # not written when None
        "officers",
        "teams",
        "units",
        "rank_names",
        "first_day",
        "as_at",
        "year_start",
        "notes",
    )
    month: str  # YYYY-MM
    minimum_hours: float = DEFAULT_MINIMUM_HOURS
    headcount: Headcount = field(default_factory=Headcount)
    joiners: list[Joiner] = field(default_factory=list)
    leavers: list[Leaver] = field(default_factory=list)
    leavers_by_reason: dict[str, int] = field(default_factory=dict)
    hours: Hours = field(default_factory=Hours)
    compliance: Compliance = field(default_factory=Compliance)
    inactive_3_months: list[Inactive] = field(default_factory=list)
    independent_patrol: IndependentPatrol = field(default_factory=IndependentPatrol)
    attachments: Attachments = field(default_factory=Attachments)
    qualifications: Qualifications | None = None
    officers: list[OfficerRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)  # for the Teams sheet and table
    units: list[UnitRow] = field(default_factory=list)  # for the Units sheet and table
    rank_names: dict[str, str] = field(default_factory=dict)  # rank code -> name
    first_day: dt.date
    as_at: dt.date  # the month's last day
    year_start: dt.date  # 1 April of the financial year
    notes: list[str] = field(default_factory=list)  # gaps in the data that affected the figures
    signed_off: SignedOff | None = None  # set on the stored figures of a signed-off month

    @property
    def joiners_count(self) -> int:
        return len(self.joiners)

    @property
    def leavers_count(self) -> int:
        return len(self.leavers)

    @property
    def inactive_3_months_count(self) -> int:
        return len(self.inactive_3_months)

    def team_hours(self) -> dict[str, float]:
        """Hours by team for a chart, teams without hours included (a bar of 0 says something too)."""
        if self.teams:
            return {t.team: float(t.hours) for t in self.teams}
        return dict(self.hours.by_team)

    def to_json(self, *, signed_off: bool = False) -> Json:
        """The figures as stored and printed by ``cipdesk return --json``; ``signed_off=True`` adds
        the ``signed_off`` key the command line prints (null for a month not signed off)."""
        out = super().to_json()
        if self.qualifications is None:
            del out["qualifications"]
        if signed_off:
            out["signed_off"] = self.signed_off.to_json() if self.signed_off else None
        return out

    @classmethod
    def from_json(cls, d: Json) -> Self:
        """Figures from their JSON, of this version or stored by an earlier one (module docstring)."""
        data = dict(d)
        signed = data.pop("signed_off", None)
        first, last = month_bounds(data["month"])
        for key, day in (("first_day", first), ("as_at", last)):
            data[key] = data.get(key) or day.isoformat()
        data["year_start"] = (
            data.get("year_start") or financial_year_start(dt.date.fromisoformat(data["as_at"])).isoformat()
        )
        figures = super().from_json(data)
        if "units" not in data:
            figures.units = units_table(figures.attachments, figures.hours)
        if isinstance(signed, dict):
            figures.signed_off = SignedOff.from_json(signed)
        return figures


def units_table(attachments: Attachments, hours: Hours) -> list[UnitRow]:
    """One row a unit: every active unit (as ``active_by_unit`` lists them), then any other unit
    with an attachment started or ended in the month or with hours, by name."""
    started = Counter(a.unit for a in attachments.started)
    ended = Counter(a.unit for a in attachments.ended)
    names = list(attachments.active_by_unit)
    names += sorted((set(started) | set(ended) | set(hours.by_unit)) - set(names))
    return [
        UnitRow(
            unit=u,
            active=attachments.active_by_unit.get(u, 0),
            started=started.get(u, 0),
            ended=ended.get(u, 0),
            hours=hours.by_unit.get(u, 0.0),
        )
        for u in names
    ]

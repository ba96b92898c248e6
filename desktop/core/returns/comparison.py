"""Drift: how today's data differs from the figures stored when a month was signed off, as a list
of differences and in plain words.

The figures are compared as their JSON: every number, and every row of a list, by key. Lists of
officers are compared by collar number (teams by name, units by name), so one new officer is one
difference, not a shifted list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypedDict

from desktop.core.db import Database
from desktop.core.returns.figures import ReturnFigures
from desktop.core.returns.sections import compute
from desktop.core.returns.signoff import locked


class Difference(TypedDict):
    path: str  # "hours.total", "officers.1007.hours"
    parts: list[str]  # the path's parts (a team or unit name may hold a dot)
    stored: Any  # as signed off; None when it was not there then
    now: Any  # today; None when it is no longer there


_SKIP = {"notes", "rank_names", "signed_off"}
_ROW_KEYS = ("qualification", "unit")


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Rows of officers (by collar[/qualification|unit]), teams or units as a dict by key, so that
    one new row is one difference; None for other lists."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    if all("collar" in i for i in items):
        field = "collar"
    elif all("team" in i for i in items):
        field = "team"
    elif all("unit" in i for i in items):
        field = "unit"
    else:
        return None
    out: dict[str, Any] = {}
    for item in items:
        key = str(item[field])
        if field == "collar":
            for extra in _ROW_KEYS:
                if extra in item:
                    key += f"/{item[extra]}"
        while key in out:
            key += "+"
        out[key] = item
    return out


def _diff(stored: Any, now: Any, parts: list[str], out: list[Difference]) -> None:
    if isinstance(stored, list) and isinstance(now, list):
        ks, kn = _keyed(stored), _keyed(now)
        if (ks is not None or not stored) and (kn is not None or not now) and (ks or kn):
            stored, now = ks or {}, kn or {}
    if isinstance(stored, dict) and isinstance(now, dict):
        for key in list(stored) + [k for k in now if k not in stored]:
            if not parts and key in _SKIP:
                continue
            sub = [*parts, str(key)]
            if key not in stored or key not in now:
                if _zero(stored.get(key, now.get(key))):
                    continue  # a rank, unit or team added or removed since, counted nowhere then or now
                _found(out, sub, stored.get(key), now.get(key))
            else:
                _diff(stored[key], now[key], sub, out)
        return
    if isinstance(stored, int | float) and isinstance(now, int | float) and not isinstance(stored, bool):
        if abs(float(stored) - float(now)) > 0.005:
            _found(out, parts, stored, now)
        return
    if stored != now:
        _found(out, parts, stored, now)


def _found(out: list[Difference], parts: list[str], stored: Any, now: Any) -> None:
    out.append(Difference(path=".".join(parts), parts=parts, stored=stored, now=now))


def _zero(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(float(value)) < 0.005


def differences(stored: Mapping[str, Any], now: Mapping[str, Any]) -> list[Difference]:
    """Every difference between two sets of figures as {path, stored, now}.

    Lists of officers are compared by collar number, so one new officer is one difference.
    """
    out: list[Difference] = []
    _diff(stored, now, [], out)
    return out


def drift_between(stored: ReturnFigures, now: ReturnFigures) -> list[Difference]:
    """How ``now`` differs from the ``stored`` figures of a signed-off month.

    Returns signed off before leavers with only year-to-date hours were listed do not list them:
    such a row is how the return is laid out now, not a change in the month's records.
    """
    held = {r.collar for r in stored.officers}
    current = now.to_json()
    current["officers"] = [
        r.to_json() for r in now.officers if r.collar in held or r.status != "left" or r.hours
    ]
    return differences(stored.to_json(), current)


def drift(db: Database, month: str) -> list[Difference]:
    """How today's figures differ from those signed off for ``month`` ([] if none or not locked)."""
    stored = locked(db, month)
    if stored is None:
        return []
    return drift_between(stored, compute(db, month))


_LABELS = {
    "headcount": "Headcount",
    "total": "total",
    "by_rank": "by rank",
    "by_status": "by status",
    "by_team": "by team",
    "by_duty_type": "by duty type",
    "by_unit": "by unit",
    "year_to_date": "year to date",
    "hours": "Hours",
    "ytd_hours": "year-to-date hours",
    "joiners": "Joiners",
    "joiners_count": "Joiners",
    "leavers": "Leavers",
    "leavers_count": "Leavers",
    "leavers_by_reason": "Leavers by reason",
    "compliance": "Minimum hours",
    "applies": "applies to",
    "met": "met",
    "below": "below",
    "zero": "zero",
    "inactive_3_months": "Inactive 3 months",
    "inactive_3_months_count": "Inactive 3 months",
    "independent_patrol": "Independent patrol",
    "new": "new",
    "new_officers": "new",
    "attachments": "Attachments",
    "active_by_unit": "active",
    "active_total": "active",
    "started": "started",
    "started_count": "started",
    "ended": "ended",
    "ended_count": "ended",
    "qualifications": "Qualifications",
    "expired": "expired",
    "expired_count": "expired",
    "expiring_60_days": "expiring",
    "expiring_count": "expiring",
    "officers": "Officer",
    "teams": "Team",
    "units": "Unit",
    "rag": "red/amber/green",
    "minimum_hours": "Minimum hours",
    "headcount_": "headcount",
}


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return f"{len(value)} entries"
    if isinstance(value, dict):
        for key in ("name", "team", "unit"):
            if key in value:
                return str(value[key])
        return "a record"
    return str(value)


_ROW_NAMES = {"officers": "Officer", "teams": "Team", "units": "Unit"}


def describe(diff: Difference) -> str:
    """One difference in words: ``Hours › total: 312.5 when signed off, 320.5 now``."""
    parts = list(diff.get("parts") or diff["path"].split("."))
    if parts[0] in _ROW_NAMES and len(parts) > 1:
        words = [f"{_ROW_NAMES[parts[0]]} {parts[1]}"] + [_LABELS.get(p, p).lower() for p in parts[2:]]
    else:
        words = [_LABELS.get(parts[0], parts[0])] + [_LABELS.get(p, p) for p in parts[1:]]
    if diff["stored"] is None and isinstance(diff["now"], dict):
        return f"{' › '.join(words)}: new since sign-off"
    if diff["now"] is None and isinstance(diff["stored"], dict):
        return f"{' › '.join(words)}: no longer there"
    return f"{' › '.join(words)}: {_show(diff['stored'])} when signed off, {_show(diff['now'])} now"


# Paths that say the same thing as another path, so a summary lists each change once.
_ECHO = re.compile(
    r"^(teams|units|officers|joiners|leavers|inactive_3_months|attachments\.(started|ended)"
    r"|qualifications\.(expired|expiring_60_days)|independent_patrol\.new_officers)\."
)


def summarise(diffs: list[Difference], limit: int = 8) -> list[str]:
    """The most telling differences in words: totals first, then per-officer changes."""
    headline = [d for d in diffs if not _ECHO.match(d["path"])]
    detail = [d for d in diffs if _ECHO.match(d["path"])]
    lines = [describe(d) for d in headline + detail][:limit]
    if len(diffs) > limit:
        lines.append(f"… and {len(diffs) - limit} more differences.")
    return lines

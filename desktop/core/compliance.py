"""The minimum-hours rule of the monthly return, in one place for the return, the Hours grid and
anything else that colours an officer red, amber, green or grey.

It applies to officers attested by month end, serving at month end, and not on leave of absence or
suspended then. Legacy gaps are read the same way everywhere: no joining date counts as serving
unless the status is "left"; no attestation date counts as attested when active, on LOA or suspended
at month end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def rag_status(hours: float, minimum: float, applies: bool) -> str:
    """The minimum-hours status of the monthly return: grey where the minimum does not apply,
    else green (hours >= minimum), amber (0 < hours < minimum) or red (zero)."""
    if not applies:
        return "grey"
    if hours >= minimum - 1e-9:
        return "green"
    if hours > 1e-9:
        return "amber"
    return "red"


def status_on(changes: Iterable[tuple[dt.date | None, str]], day: dt.date, fallback: str) -> str:
    """The status held on ``day`` from dated changes ((effective, status), oldest first; an undated
    change holds since joining). When every change is dated after ``day`` the earliest one is taken
    (the first status known), and ``fallback`` (the current status) when there is no change at all."""
    held: str | None = None
    earliest: str | None = None
    for effective, status in changes:
        if effective is None or effective <= day:
            held = status
        elif earliest is None:
            earliest = status
    return held if held is not None else earliest if earliest is not None else fallback


def minimum_applies(
    *,
    joined: dt.date | None,
    left: dt.date | None,
    attested: dt.date | None,
    status_at_end: str,
    month_end: dt.date,
) -> tuple[bool, str]:
    """Whether the minimum hours apply for the month ending ``month_end``, and why (or why not).

    It applies to officers attested by
    month end, serving at month end, and not on leave of absence or suspended then. Legacy gaps are
    read as the return reads them: no joining date counts as serving unless the status is "left";
    no attestation date counts as attested when active, on LOA or suspended at month end.
    """
    if (left is not None and left <= month_end) or status_at_end == "left":
        return False, "left by the end of the month"
    if joined is not None and joined > month_end:
        return False, "joined after the month ended"
    note = ""
    if attested is not None:
        if attested > month_end:
            return False, "not attested by the end of the month"
    elif status_at_end not in ("active", "LOA", "suspended"):
        return False, "not attested (no attestation date recorded)"
    else:
        note = " (no attestation date recorded: counted as attested)"
    if status_at_end == "LOA":
        return False, "on leave of absence at the end of the month"
    if status_at_end == "suspended":
        return False, "suspended at the end of the month"
    return True, note

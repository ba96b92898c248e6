"""The dates of one row against each other and against the officer's status.

A rejection for dates out of order (attested, independent patrol or left before joining; independent
patrol before attestation); warnings for odd dates imported as written, and for leavers: a leaving
date with another status makes the officer a leaver, a status that would undo a leaving already
recorded is not applied, a leaver with no date or no reason is imported and listed to follow up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.core.domain import NOT_RECORDED, STATUS_LABELS
from desktop.core.formats import uk_date
from desktop.core.roster import implausible_dates
from desktop.importing.model import RowDraft, reason
from desktop.importing.words import FIELD_LABEL


class _Columns:
    """The column a field was read from, by its header as written (the field's label when the sheet
    has no such column)."""

    def __init__(self, header_of: dict[str, str]):
        self.header_of = header_of

    def __call__(self, fld: str) -> str:
        return self.header_of.get(fld, FIELD_LABEL.get(fld, fld))


def check_order(row: RowDraft, header_of: dict[str, str], today: dt.date) -> None:
    """Dates out of order (a rejection); odd dates and leavers without a date or reason (warnings).

    May change the row's values (and ``row.merged``): a leaver with no recorded reason gets "not
    recorded"; a leaving date in the row with another status makes the officer a leaver; a status
    that would undo a leaving already recorded is not applied."""
    header = _Columns(header_of)
    _warn_implausible_dates(row, header, today)
    _reject_dates_out_of_order(row, header)
    if not ("status" in row.values or "left_date" in row.values or row.old is None):
        return
    if _status_against_leaving_date(row, header) != "left":
        return
    _warn_leaver_without_date(row, header, today)
    _record_missing_leaving_reason(row, header)


def _warn_implausible_dates(row: RowDraft, header: _Columns, today: dt.date) -> None:
    """A date no record can have (before 1950, in the future, an age under 16 at joining): imported
    as written, with a warning, when the row gives it (a date of birth also when it gives joining)."""
    vals, merged = row.values, row.merged
    for fld, why in implausible_dates(merged, today).items():
        if fld in vals or (fld == "date_of_birth" and "joined" in vals):
            row.warnings.append(
                reason(header(fld), uk_date(merged[fld]), f"{why}: imported as written, to be checked")
            )


def _reject_dates_out_of_order(row: RowDraft, header: _Columns) -> None:
    merged = row.merged
    joined, attested = merged.get("joined"), merged.get("attested")
    ip, left = merged.get("independent_patrol"), merged.get("left_date")

    def reject(fld: str, why: str) -> None:
        # Blame the column the row gives: the later date's, else the joining or attestation date's.
        col = fld if fld in row.values else next((f for f in ("joined", "attested") if f in row.values), fld)
        value = merged.get(col)
        row.reasons.append(reason(header(col), uk_date(value) if value else "", why))

    if attested and joined and attested < joined:
        reject("attested", f"attested ({uk_date(attested)}) before joining ({uk_date(joined)})")
    if ip and joined and ip < joined:
        reject("independent_patrol", f"independent patrol ({uk_date(ip)}) before joining ({uk_date(joined)})")
    elif ip and attested and ip < attested:
        reject(
            "independent_patrol",
            f"independent patrol ({uk_date(ip)}) before attestation ({uk_date(attested)})",
        )
    if left and joined and left < joined:
        reject("left_date", f"left ({uk_date(left)}) before joining ({uk_date(joined)})")


def _status_against_leaving_date(row: RowDraft, header: _Columns) -> Any:
    """The status the row leaves the officer with, where it and a leaving date disagree: a leaving
    date in the row makes them a leaver; one already held keeps them one."""
    vals, merged, old = row.values, row.merged, row.old
    status = merged.get("status")
    left = merged.get("left_date")
    if status == "left" or not left or "status" not in vals:
        return status
    said = row.status_text or STATUS_LABELS.get(str(status), str(status))
    if "left_date" in vals:
        # A leaving date is entered when someone leaves; a status column is often not kept up.
        vals["status"] = merged["status"] = "left"
        row.warnings.append(
            reason(
                header("status"),
                said,
                f"the row gives a leaving date ({uk_date(left)}): taken as left on that date",
            )
        )
        return "left"
    # The officer left before (the date is held): a status alone does not undo that.
    del vals["status"]
    merged["status"] = status = old["status"] if old else "left"
    row.warnings.append(
        reason(
            header("status"),
            said,
            f"the officer left on {uk_date(left)}: status not changed (record a rejoining in their record)",
        )
    )
    return status


def _warn_leaver_without_date(row: RowDraft, header: _Columns, today: dt.date) -> None:
    old = row.old
    if row.merged.get("left_date") or not ("status" in row.values or old is None):
        return
    if old is None:
        why = (
            "a leaver with no leaving date: imported as left with the date not recorded, so not "
            "counted as serving in any month (add the date in their record)"
        )
    elif old.get("status") != "left":
        why = (
            f"a leaver with no leaving date: recorded as left from {uk_date(today)}, the day of this "
            "import (add the date in their record)"
        )
    else:
        why = "a leaver with no leaving date recorded (add the date in their record)"
    row.warnings.append(reason(header("left_date"), "", why))


def _record_missing_leaving_reason(row: RowDraft, header: _Columns) -> None:
    if row.merged.get("leaving_reason"):
        return
    row.values["leaving_reason"] = row.merged["leaving_reason"] = NOT_RECORDED
    row.warnings.append(
        reason(
            header("leaving_reason"),
            "",
            'no leaving reason given: recorded as "Not recorded", to follow up (Roster: '
            '"Leaving reason not recorded")',
        )
    )

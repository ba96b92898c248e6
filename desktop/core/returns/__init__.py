"""The monthly return: one service for the Returns tab, the printout, the Excel export and
``cipdesk return``.

- ``figures``: the return's figures, typed (``ReturnFigures``, one dataclass per section), with the
  JSON the command line prints and a sign-off stores, read back tolerantly from any earlier version.
- ``sections``: ``compute``, today's figures for a month, a section at a time, from what ``facts``
  reads from the database.
- ``signoff``: signing a month off (its figures stored and kept), and reading them back.
- ``comparison``: the drift, how today's data differs from a signed-off month's stored figures, and
  the differences in plain words.
- ``month_view``: ``view``, what to show for a month: the stored figures and the drift when it is
  signed off, else today's figures.
- ``months``: ``YYYY-MM`` read, stepped, the months a return can be made for, and the month the
  Hours and Returns tabs open on (``opening_month``: the latest with hours).

Rules (all as at the last day of the month): rank and status come from the dated history (a change
without a date counts from joining); serving = joined on or before month end and not left by then;
an officer with no joining date counts as serving unless left or an applicant (legacy rosters), and
an officer with no attestation date counts as attested when active, on LOA or suspended at month
end; both are reported in ``notes``. The minimum hours apply to officers attested by month end,
serving, and not on LOA or suspended. Duties count on their start date; monthly totals on the 1st of
their month. The per-officer table lists who served at month end and anyone else with hours this
month or this financial year (so its year-to-date column adds up to the year's total). Leavers by
reason list every leaving reason, zeros included, except "not recorded", listed only when a leaver
has it. Hours are floats rounded to 2 places; ranks by short code; statuses as domain.STATUSES.
"""

from desktop.core.returns.comparison import Difference, describe, differences, drift, drift_between, summarise
from desktop.core.returns.figures import OfficerRow, ReturnFigures, SignedOff
from desktop.core.returns.month_view import ReturnView, view
from desktop.core.returns.months import (
    MonthError,
    available_months,
    month_label,
    opening_month,
    parse_month,
    shift_month,
)
from desktop.core.returns.sections import NO_TEAM, SERVING_STATUSES, compute
from desktop.core.returns.signoff import LockInfo, lock_info, locked, sign_off

__all__ = [
    "NO_TEAM",
    "SERVING_STATUSES",
    "Difference",
    "LockInfo",
    "MonthError",
    "OfficerRow",
    "ReturnFigures",
    "ReturnView",
    "SignedOff",
    "available_months",
    "drift_between",
    "compute",
    "describe",
    "differences",
    "drift",
    "lock_info",
    "locked",
    "month_label",
    "opening_month",
    "parse_month",
    "shift_month",
    "sign_off",
    "summarise",
    "view",
]

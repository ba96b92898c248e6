"""The legacy roster import, above ``desktop.core`` (the database) and ``desktop.excel`` (the files).

    result = plan(db, "roster.xlsx")            # reads and decides, writes nothing (preview, --dry-run)
    batch = run(db, "roster.xlsx")              # decides again inside one transaction and writes
    undo_batch(db, batch.batch_id)              # restores what the batch changed, removes what it made

Every row of the sheet below the header ends as created, updated, unchanged, skipped (blank or
totals row) or rejected (with every reason: column, value, why), numbered as the sheet numbers it.
A row is rejected only for a few reasons (no collar number, no surname, a date that cannot be read
or does not exist, a value that cannot be mapped, negative or impossible hours, dates out of order,
a collar number used by an earlier row); any other doubt imports the row with a *warning* (column,
value, what was assumed), e.g. a leaver with no recorded reason gets the reason "not recorded".
Every cell is fitted to what the database keeps before anything is written (control characters
removed, over-long text cut), so SQLite and PostgreSQL store the same thing. An empty cell never
blanks a stored value. Unknown columns become legacy fields. Month columns of hours become one
monthly-total duty per officer and month (dated the 1st, type patrol, source import); importing
again replaces that entry. Writes are bulk Core statements, audited by hand.

The modules, by step:

- ``sheet``: which sheet and header row (or the file is refused); ``words``: the value words;
- ``decide``: :func:`plan`, reading the sheet and deciding every row, with ``held`` (what the
  database holds), ``rows`` (one row's steps), ``cells`` (each column's parser) and ``order`` (dates
  and leavers); ``model``: the plan's shapes;
- ``preview``: what the preview warns of; ``write``: :func:`run`; ``bulk``: fast inserts;
- ``undo``: :func:`undo_batch`; ``batches``: the history and remembered column mappings;
- ``texts``: outcomes in words; ``rejects``: the rejected rows and warnings workbooks.
"""

from desktop.importing.batches import (
    BatchInfo,
    batch_rows,
    count_officers,
    list_batches,
    remember_mapping,
    remembered_mapping,
)
from desktop.importing.decide import plan
from desktop.importing.model import IMPORTED, OUTCOMES, ImportPlan, ImportResult, RowPlan
from desktop.importing.preview import signed_off_changes, signed_off_months, totals_over_duties
from desktop.importing.sheet import choose_sheet, locate_header
from desktop.importing.undo import UndoRefused, can_undo, undo_batch, undo_check
from desktop.importing.write import run

__all__ = [
    "IMPORTED",
    "OUTCOMES",
    "BatchInfo",
    "ImportPlan",
    "ImportResult",
    "RowPlan",
    "UndoRefused",
    "batch_rows",
    "can_undo",
    "choose_sheet",
    "count_officers",
    "list_batches",
    "locate_header",
    "plan",
    "remember_mapping",
    "remembered_mapping",
    "run",
    "signed_off_changes",
    "signed_off_months",
    "totals_over_duties",
    "undo_batch",
    "undo_check",
]

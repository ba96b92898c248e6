"""File > Export roster…: the roster as a workbook, written off the UI thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.tasks import run_task


def export_roster(parent: QWidget | None, ctx: AppContext) -> None:
    suggested = f"CiP roster {dt.date.today():%Y-%m-%d}.xlsx"
    path = dialogs.save_file(parent, "Export roster", suggested)
    if not path:
        return
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    db = ctx.db

    def work(progress: Any) -> int:
        from desktop.core.roster_export import roster_table
        from desktop.excel.roster_export import export_roster as write

        return write(roster_table(db), path, progress)

    def done(count: int) -> None:
        dialogs.info(parent, "Roster exported", f"{count:,} officers exported to {path}.")

    run_task(parent, "Exporting the roster", work, on_done=done)

"""``cipdesk import FILE [--sheet NAME] [--dry-run] [--rejects OUT.xlsx] [--json]`` (CLI.md).

Exit 0: every row accounted for, none rejected; 1: some rows rejected (the rest imported unless
--dry-run); 2: the file was refused and nothing changed. Messages go to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from desktop.core import importer, month_locks
from desktop.core.db import open_database
from desktop.core.import_text import row_details
from desktop.excel.reader import FileRefused

# Updated rows named one by one on the command line, old → new (the rest are counted).
SHOW_UPDATES = 50


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def run(args: Any) -> int:
    db = open_database(args.db_url)
    try:
        try:
            if args.dry_run:
                plan = importer.plan(db, args.file, sheet=args.sheet)
                batch = None
            else:
                result = importer.run(db, args.file, sheet=args.sheet)
                plan, batch = result.plan, result.batch_id
        except FileRefused as exc:
            _say(f"cipdesk import: {exc} Nothing was changed.")
            return 2
        for row in plan.rejected_rows:
            for r in row.reasons:
                where = f", column {r['column']!r}" if r["column"] else ""
                value = f", value {r['value']!r}" if r["value"] else ""
                _say(f"{plan.file_name} row {row.row_number}{where}{value}: {r['why']}.")
        updated = [r for r in plan.rows if r.outcome == "updated"]
        for row in updated[:SHOW_UPDATES]:
            _say(
                f"{plan.file_name} row {row.row_number}, {row.collar} {row.name}: "
                f"{'would change' if args.dry_run else 'changed'} {row_details(row)}."
            )
        if len(updated) > SHOW_UPDATES:
            _say(
                f"... and {len(updated) - SHOW_UPDATES} more updated rows "
                "(every change is listed in the window's import preview and kept with the import)."
            )
        if args.rejects and plan.rejected_rows:
            from desktop.excel.rejects import write_rejects

            write_rejects(args.rejects, plan)
            _say(f"Rejected rows saved to {args.rejects}.")
        for collar, month, hours in importer.totals_over_duties(db, plan):
            _say(
                f"Warning: {plan.file_name}: the {month} total for {collar} is added to {hours:g} hours of "
                "duties already recorded that month; check they are not counted twice."
            )
        locked = importer.signed_off_changes(db, plan) if args.dry_run else result.signed_off
        if locked:
            _say(
                f"Warning: {plan.file_name} {'would change' if args.dry_run else 'changed'} the figures of "
                f"signed-off months ({', '.join(sorted(locked))}). {month_locks.describe(locked)} Their "
                "returns keep the figures as signed off and show the difference."
            )
        counts = plan.counts
        verb = "Would import" if args.dry_run else "Imported"
        _say(
            f"{verb} {plan.file_name}, sheet {plan.sheet!r} (header row {plan.header_row}): "
            f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['skipped']} skipped, {counts['rejected']} rejected, "
            f"{plan.hours_entries} hours entries."
            + ("" if batch is None else f" Import batch {batch}.")
            + (" Nothing was written (dry run)." if args.dry_run else "")
        )
        others = [n for n in plan.sheet_names if n != plan.sheet]
        if others:
            names = ", ".join(repr(n) for n in others)
            _say(
                f"Only sheet {plan.sheet!r} was read; the workbook also has {names} (import one with --sheet)."
            )
        if args.json:
            print(json.dumps(plan.summary(batch), ensure_ascii=False))
        return 1 if counts["rejected"] else 0
    finally:
        db.dispose()

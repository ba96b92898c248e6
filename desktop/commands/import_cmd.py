"""``cipdesk import FILE [--sheet NAME] [--dry-run] [--rejects OUT.xlsx] [--json]`` (docs/cli.md).

Exit 0: every row accounted for, none rejected; 1: some rows rejected (the rest imported unless
--dry-run); 2: the file was refused and nothing changed. Messages go to stderr: the rejections, then
the warnings (what was assumed to import a row), one line each naming file, row, column and value.
With --json a refused file still prints one object on stdout: {"file", "refused"}.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from desktop import importing as importer
from desktop.commands import database
from desktop.core import month_locks
from desktop.core.output_paths import OutputPathError, check_output_path
from desktop.excel.reader import FileRefused
from desktop.importing.texts import row_details

# Updated rows named one by one on the command line, old → new (the rest are counted).
SHOW_UPDATES = 50


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _refused(args: Any, sentence: str) -> int:
    """A refused file: one sentence on stderr (and one object on stdout with --json); exit 2."""
    _say(f"cipdesk import: {sentence}")
    if args.json:
        print(json.dumps({"file": args.file, "refused": sentence}, ensure_ascii=False))
    return 2


def _line(file_name: str, row: int, r: dict[str, str], prefix: str = "") -> str:
    where = f", column {r['column']!r}" if r["column"] else ""
    value = f", value {r['value']!r}" if r["value"] else ""
    return f"{prefix}{file_name} row {row}{where}{value}: {r['why']}."


def run(args: Any) -> int:
    if args.rejects:  # checked before any work: a bad path must not come after a saved import
        try:
            check_output_path(args.rejects, example_name="rejected rows.xlsx", not_same_as=[args.file])
        except OutputPathError as exc:
            return _refused(args, f"{exc} Nothing was imported.")
    stack = contextlib.ExitStack()
    try:
        db = stack.enter_context(
            database.for_reading(args.db_url, "cipdesk import --dry-run")
            if args.dry_run
            else database.for_writing(args.db_url, "cipdesk import")
        )
    except database.Refused as exc:
        return _refused(args, str(exc))
    with stack:
        try:
            if args.dry_run:
                plan = importer.plan(db, args.file, sheet=args.sheet)
                batch = None
            else:
                result = importer.run(db, args.file, sheet=args.sheet)
                plan, batch = result.plan, result.batch_id
        except FileRefused as exc:
            return _refused(args, f"{exc} Nothing was changed.")
        for row in plan.rejected_rows:
            for r in row.reasons:
                _say(_line(plan.file_name, row.row_number, r))
        for row in plan.warned_rows:
            for r in row.warnings:
                _say(_line(plan.file_name, row.row_number, r, "Warning: "))
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
            from desktop.core.errors import plain_message
            from desktop.importing.rejects import write_rejects

            try:
                write_rejects(args.rejects, plan)
                _say(f"Rejected rows saved to {args.rejects}.")
            except OSError as exc:  # checked first, so only a full disk or the like comes here
                done = (
                    "Nothing was written (dry run)"
                    if batch is None
                    else f"The import was saved (batch {batch})"
                )
                _say(
                    f"cipdesk import: {done}, but the rejected rows could not be saved to {args.rejects}: "
                    f"{plain_message(exc) or exc.strerror or exc}"
                )
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
            f"{plan.hours_entries} hours entries; {plan.warning_count} imported with warnings."
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

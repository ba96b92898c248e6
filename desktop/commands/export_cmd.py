"""``cipdesk export roster OUT.xlsx``: the roster as a workbook (docs/cli.md)."""

from __future__ import annotations

import sys
from typing import Any

from desktop.commands import database
from desktop.core.output_paths import OutputPathError, check_output_path


def run(args: Any) -> int:
    if args.what != "roster":  # the parser only allows roster
        print(f"cipdesk export: cannot export {args.what!r}.", file=sys.stderr)
        return 2
    try:
        check_output_path(args.out, example_name="roster.xlsx")
    except OutputPathError as exc:
        print(f"cipdesk export: {exc} Nothing was written.", file=sys.stderr)
        return 2
    from desktop.core.roster_export import roster_table
    from desktop.excel.roster_export import export_roster

    with database.for_reading(args.db_url, "cipdesk export") as db:
        count = export_roster(roster_table(db), args.out)
    print(f"Exported {count} officers to {args.out}.", file=sys.stderr)
    return 0

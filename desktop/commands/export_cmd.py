"""``cipdesk export roster OUT.xlsx``: the roster as a workbook (CLI.md)."""

from __future__ import annotations

import sys
from typing import Any

from desktop.commands import database


def run(args: Any) -> int:
    if args.what != "roster":  # the parser only allows roster
        print(f"cipdesk export: cannot export {args.what!r}.", file=sys.stderr)
        return 2
    from desktop.excel.roster_export import export_roster

    with database.for_reading(args.db_url, "cipdesk export") as db:
        count = export_roster(db, args.out)
    print(f"Exported {count} officers to {args.out}.", file=sys.stderr)
    return 0

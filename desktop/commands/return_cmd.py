"""``cipdesk return YYYY-MM [--pdf OUT.pdf] [--xlsx OUT.xlsx] [--json]`` (CLI.md).

For a signed-off month the stored figures are used (as printed), with a ``signed_off`` key, and a
line on stderr says whether today's data differs. Exit 0 on success, 2 for a month that cannot be
read or a file that cannot be written.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def figures_for(db: Any, month: str) -> tuple[dict[str, Any], list[str]]:
    """The figures to show for ``month``: stored ones for a locked month, else today's; plus warnings."""
    from desktop.core import returns

    info = returns.lock_info(db, month)
    if info is None:
        figures = returns.compute(db, month)
        figures["signed_off"] = None
        return figures, []
    figures = dict(info["figures"])
    figures["signed_off"] = {
        "by": info["signed_off_by"],
        "at": info["signed_off_at"].strftime("%d/%m/%Y %H:%M"),
        "note": info["note"],
    }
    diffs = returns.differences(info["figures"], returns.compute(db, month))
    label = returns.month_label(month)
    if diffs:
        lines = [f"{label} was signed off; today's data differs in {len(diffs)} figure(s):"]
        lines += ["  " + line for line in returns.summarise(diffs)]
    else:
        lines = [f"{label} was signed off; today's data gives the same figures."]
    return figures, lines


def run(args: Any) -> int:
    from desktop.commands import database
    from desktop.core import returns, settings
    from desktop.core.errors import plain_message
    from desktop.core.output_paths import OutputPathError, check_output_path

    try:
        month = returns.parse_month(args.month)
    except returns.MonthError as exc:
        print(f"cipdesk return: {exc}", file=sys.stderr)
        return 2
    try:  # both files checked before any work, so neither is written when one cannot be
        if args.pdf:
            check_output_path(args.pdf, example_name=f"return {month}.pdf")
        if args.xlsx:
            check_output_path(args.xlsx, example_name=f"return {month}.xlsx")
    except OutputPathError as exc:
        print(f"cipdesk return: {exc} Nothing was written.", file=sys.stderr)
        return 2
    with database.for_reading(args.db_url, "cipdesk return") as db:
        figures, warnings = figures_for(db, month)
        force = settings.get_all(db)
        for line in warnings:
            print(line, file=sys.stderr)
        if args.pdf:
            from desktop.reports.return_report import write_pdf

            try:
                pages = write_pdf(figures, force, args.pdf)
            except OSError as exc:
                print(
                    f"cipdesk return: cannot write {args.pdf}: {plain_message(exc) or exc}", file=sys.stderr
                )
                return 2
            print(f"Wrote {args.pdf} ({pages} page{'s' if pages != 1 else ''}).", file=sys.stderr)
        if args.xlsx:
            from desktop.excel.return_export import export_return

            try:
                export_return(figures, force, args.xlsx)
            except OSError as exc:
                print(
                    f"cipdesk return: cannot write {args.xlsx}: {plain_message(exc) or exc}", file=sys.stderr
                )
                return 2
            print(f"Wrote {args.xlsx}.", file=sys.stderr)
        if args.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            print(summary_text(figures, force.get("force_name")))
        return 0


def summary_text(f: dict[str, Any], force: str | None = None) -> str:
    from desktop.core.returns import month_label
    from desktop.reports.charts import fmt_hours

    comp = f["compliance"]
    ip = f["independent_patrol"]
    att = f["attachments"]
    q = f.get("qualifications") or {}
    applies = comp["applies"]
    pct = f" ({round(100 * comp['met'] / applies)}%)" if applies else ""
    lines = [
        f"{force + ': ' if force else ''}monthly return for {month_label(f['month'])}",
        f"  Serving officers at month end: {f['headcount']['total']:,}",
        f"  Joined: {len(f['joiners'])}   Left: {len(f['leavers'])}",
        f"  Hours in the month: {fmt_hours(f['hours']['total'])}   "
        f"financial year to date: {fmt_hours(f['hours']['year_to_date'])}",
        f"  Minimum {fmt_hours(f['minimum_hours'])} hours applies to {applies:,}: met {comp['met']:,}{pct}, "
        f"below {comp['below']:,}, zero {comp['zero']:,}",
        f"  No hours for three months: {len(f['inactive_3_months'])}",
        f"  Independent patrol: {ip['total']:,} ({ip['new']} new)",
        f"  Attachments active at month end: {sum(att['active_by_unit'].values())}   "
        f"started: {len(att['started'])}   ended: {len(att['ended'])}",
    ]
    if q:
        lines.append(
            f"  Qualifications expired: {len(q['expired'])}   expiring within "
            f"{q.get('warning_days', 60)} days: {len(q['expiring_60_days'])}"
        )
    signed = f.get("signed_off")
    if signed:
        lines.append(f"  Signed off by {signed['by']} on {signed['at']}")
    for note in f.get("notes", []):
        lines.append(f"  Note: {note}")
    return "\n".join(lines)

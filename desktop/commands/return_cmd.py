"""``cipdesk return YYYY-MM [--pdf OUT.pdf] [--xlsx OUT.xlsx] [--json]``.

For a signed-off month the stored figures are used (as printed), with a ``signed_off`` key, and a
line on stderr says whether today's data differs. Exit 0 on success, 2 for a month that cannot be
read or a file that cannot be written.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.core.returns import ReturnFigures, ReturnView


def drift_lines(shown: ReturnView) -> list[str]:
    """For a signed-off month, whether today's data gives the same figures, and if not how it differs."""
    from desktop.core import returns

    if shown.signed_off is None:
        return []
    label = returns.month_label(shown.figures.month)
    if not shown.drift:
        return [f"{label} was signed off; today's data gives the same figures."]
    lines = [f"{label} was signed off; today's data differs in {len(shown.drift)} figure(s):"]
    return lines + ["  " + line for line in returns.summarise(shown.drift)]


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
        shown = returns.view(db, month)
        figures = shown.figures
        force = settings.get_all(db)
        for line in drift_lines(shown):
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
            print(json.dumps(shown.to_json(), ensure_ascii=False))
        else:
            print(summary_text(figures, force.get("force_name")))
        return 0


def summary_text(f: ReturnFigures, force: str | None = None) -> str:
    from desktop.core.formats import hours_text
    from desktop.core.returns import month_label

    comp, ip, att, q = f.compliance, f.independent_patrol, f.attachments, f.qualifications
    pct = f" ({round(100 * comp.met / comp.applies)}%)" if comp.applies else ""
    lines = [
        f"{force + ': ' if force else ''}monthly return for {month_label(f.month)}",
        f"  Serving officers at month end: {f.headcount.total:,}",
        f"  Joined: {f.joiners_count}   Left: {f.leavers_count}",
        f"  Hours in the month: {hours_text(f.hours.total)}   "
        f"financial year to date: {hours_text(f.hours.year_to_date)}",
        f"  Minimum {hours_text(f.minimum_hours)} hours applies to {comp.applies:,}: met {comp.met:,}{pct}, "
        f"below {comp.below:,}, zero {comp.zero:,}",
        f"  No hours for three months: {f.inactive_3_months_count}",
        f"  Independent patrol: {ip.total:,} ({ip.new} new)",
        f"  Attachments active at month end: {att.active_total}   "
        f"started: {len(att.started)}   ended: {len(att.ended)}",
    ]
    if q is not None:
        lines.append(
            f"  Qualifications expired: {len(q.expired)}   expiring within "
            f"{q.warning_days} days: {len(q.expiring_60_days)}"
        )
    if f.signed_off:
        lines.append(f"  Signed off by {f.signed_off.by} on {f.signed_off.when}")
    for note in f.notes:
        lines.append(f"  Note: {note}")
    return "\n".join(lines)

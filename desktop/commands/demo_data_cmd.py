"""``cipdesk [--db ...] demo-data [--officers N] [--years Y] [--seed S]``: fill a database with a demo force.

Safety: demo officers must never mix with a real force's records, so this refuses (exit 2, nothing
changed) when the database already holds officers, and when no database was named at all (no
``--db`` and no ``CIPDESK_DB``), because the default database in the data folder is the user's own.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from desktop.commands import database
from desktop.core import demo


def _where(db_url: str) -> str:
    from desktop.core.errors import hide_passwords

    return db_url[len("sqlite:///") :] if db_url.startswith("sqlite:///") else hide_passwords(db_url)


def _progress_printer() -> Any:
    """A one-line progress display on a terminal; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int, text: str) -> None:
        percent = int(100 * done / total) if total else 100
        if percent != last[0]:
            last[0] = percent
            print(f"\r{percent:3d}%  {text:<40}", end="", file=sys.stderr, flush=True)

    return show


def run(args: Any) -> int:
    prog = "cipdesk demo-data"
    if not 1 <= args.officers <= demo.MAX_OFFICERS:
        print(f"{prog}: --officers must be between 1 and {demo.MAX_OFFICERS:,}.", file=sys.stderr)
        return 2
    if not 1 <= args.years <= demo.MAX_YEARS:
        print(f"{prog}: --years must be between 1 and {demo.MAX_YEARS}.", file=sys.stderr)
        return 2
    named = getattr(args, "db", None) or os.environ.get("CIPDESK_DB")
    if not named:
        print(
            f"{prog}: demo data is not written into your own database ({_where(args.db_url)}). "
            "Name a new file for the demo, for example: cipdesk --db demo.sqlite demo-data",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    path = database.sqlite_file(args.db_url)
    if path is not None and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            print(f"{prog}: cannot create the folder {path.parent} ({exc.strerror}).", file=sys.stderr)
            return 2
    with database.for_writing(args.db_url, "cipdesk demo-data") as db:
        from sqlalchemy import func, select

        from desktop.core.models import Officer

        with db.read() as s:
            existing = int(s.scalar(select(func.count(Officer.id))) or 0)
        if existing:
            print(
                f"{prog}: {_where(args.db_url)} already holds {existing:,} officers; demo data goes only "
                "into an empty database, so nothing was changed. Name a new file with --db.",
                file=sys.stderr,
            )
            return 2
        progress = _progress_printer()
        counts = demo.generate(
            db, officers=args.officers, years=args.years, seed=args.seed, progress=progress
        )
        if progress is not None:
            print("\r" + " " * 48 + "\r", end="", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(
        f"{prog}: wrote {counts['officers']:,} officers, {counts['duties']:,} duties, "
        f"{counts['qualifications']:,} qualifications, {counts['attachments']:,} attachments and "
        f"{counts['stages_achieved']:,} pathway stages ({args.years} years, seed {args.seed}) "
        f"to {_where(args.db_url)} in {elapsed:.1f} s.",
        file=sys.stderr,
    )
    return 0

"""Monthly return speed on a demo force of 2,000 officers and 5 years of duties.

Measured: the return's figures for one month (target < 0.5 s), the PDF of that return (< 3 s), and
the Hours grid for one month built and shown (< 1 s; ``desktop.ui.hours.grid.build_grid_model``).
The demo database is made once with ``desktop.core.demo.generate(db, officers=2000, years=5, seed=1)``
and kept in the temp folder (delete it to rebuild). Each figure is the best of three runs after a
warm-up run, so a busy shared machine does not decide it.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OFFICERS = 2000
YEARS = 5
TODAY = dt.date(2026, 5, 15)  # fixed, so the cached database and the month measured agree
MONTH = "2026-04"
DUTIES = 1_000_000  # about a million duty rows
CACHE = Path(tempfile.gettempdir()) / f"cipdesk_bench_returns_{OFFICERS}x{YEARS}_1m.sqlite"
TARGETS = {"figures": 0.5, "pdf": 3.0, "grid": 1.0}


def demo_database() -> Any:
    from desktop.core.paths import db_url
    from desktop.core.startup import open_database

    backups = Path(tempfile.gettempdir()) / "cipdesk_bench_returns_backups"
    if not CACHE.exists():
        part = CACHE.with_suffix(".part")
        part.unlink(missing_ok=True)
        db = open_database(db_url(str(part)), backup_dir=backups)
        from desktop.core import demo

        started = time.perf_counter()
        demo.generate(db, officers=OFFICERS, years=YEARS, seed=1, today=TODAY)
        added = top_up_duties(db)
        print(
            f"   made the demo database in {time.perf_counter() - started:.1f} s "
            f"({added:,} extra duties to reach {DUTIES:,}): {CACHE}",
            flush=True,
        )
        db.dispose()
        os.replace(part, CACHE)
    return open_database(db_url(str(CACHE)), backup_dir=backups)


def top_up_duties(db: Any) -> int:
    """demo.generate writes about 150 duties per officer over 5 years; add short duties spread over
    the same years (bulk Core inserts, source "bench") until the table holds DUTIES rows."""
    import random

    from sqlalchemy import func, insert, select

    from desktop.core.domain import DUTY_TYPES
    from desktop.core.models import Duty, Officer

    rng = random.Random(5)
    start = TODAY.replace(year=TODAY.year - YEARS)
    with db.session() as s:
        have = s.scalar(select(func.count(Duty.id))) or 0
        people = [
            (joined, left)
            for joined, left in s.execute(select(Officer.joined, Officer.left_date))
            if joined is not None
        ]
        ids = [oid for (oid,) in s.execute(select(Officer.id).where(Officer.joined.is_not(None)))]
        # per month, the officers serving in it; each extra duty: a uniform day, an officer serving then
        serving: dict[tuple[int, int], list[int]] = {}
        day = start
        while day <= TODAY:
            serving[(day.year, day.month)] = [
                oid
                for oid, (joined, left) in zip(ids, people, strict=True)
                if joined <= day and (left is None or left > day)
            ]
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        need = max(DUTIES - have, 0)
        conn = s.connection()
        batch: list[dict[str, Any]] = []
        lo, hi = start.toordinal(), TODAY.toordinal()
        for n in range(need):
            when = dt.date.fromordinal(rng.randint(lo, hi))
            who = serving.get((when.year, when.month)) or ids
            batch.append(
                {
                    "officer_id": who[rng.randrange(len(who))],
                    "date": when,
                    "hours": rng.choice((2.0, 3.0, 4.0, 4.5, 6.0, 8.0)),
                    "duty_type": DUTY_TYPES[rng.randrange(5)],
                    "is_monthly_total": False,
                    "source": "bench",
                    "version": 1,
                }
            )
            if len(batch) == 50_000 or n == need - 1:
                conn.execute(insert(Duty), batch)
                batch = []
    return need


def best_of(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU seconds of ``runs`` runs after a warm-up run.

    CPU time (this process) is printed beside wall-clock time: on a shared machine the wall clock
    also measures everyone else's work."""
    result = fn()  # warm-up: caches, imports, fonts
    wall = cpu = float("inf")
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, result


def line(what: str, wall: float, cpu: float, target: float, extra: str = "") -> bool:
    ok = wall < target
    print(
        f"   {what:<44} {wall:6.3f} s (CPU {cpu:5.3f} s)   target < {target:.1f} s  {'ok' if ok else 'MISSED'}{extra}",
        flush=True,
    )
    return ok


def main() -> bool:
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from desktop.core import returns, settings
    from desktop.core.models import Duty, Officer
    from desktop.reports import return_report

    app = QApplication.instance() or QApplication([])  # widgets for the grid; the PDF needs only a GUI app
    db = demo_database()
    ok = True
    try:
        with db.read() as s:
            duties = s.scalar(select(func.count(Duty.id))) or 0
            officers = s.scalar(select(func.count(Officer.id))) or 0
        print(f"   database: {officers:,} officers, {duties:,} duties; month {MONTH}", flush=True)

        wall, cpu, figures = best_of(lambda: returns.compute(db, MONTH))
        ok &= line(
            "return figures for one month",
            wall,
            cpu,
            TARGETS["figures"],
            f"   ({len(figures.officers):,} officer rows, {figures.hours.total:,.0f} hours)",
        )

        force = settings.get_all(db)
        out = Path(tempfile.gettempdir()) / "cipdesk_bench_return.pdf"
        wall, cpu, pages = best_of(lambda: return_report.write_pdf(figures, force, out), runs=2)
        ok &= line("return PDF (A4)", wall, cpu, TARGETS["pdf"], f"   ({pages} pages)")

        try:
            from desktop.ui.hours.grid import build_grid_model
        except ImportError:
            print("   Hours grid: skipped (desktop.ui.hours.grid.build_grid_model is not there yet)")
        else:
            from PySide6.QtWidgets import QTableView

            view = QTableView()
            view.resize(1200, 700)

            def grid() -> Any:
                model = build_grid_model(db, MONTH)
                view.setModel(model)
                view.show()
                app.processEvents()  # type: ignore[union-attr]
                return model

            wall, cpu, model = best_of(grid)
            ok &= line(
                "Hours grid for one month, built and shown",
                wall,
                cpu,
                TARGETS["grid"],
                f"   ({model.rowCount():,} rows)",
            )
            view.close()
    finally:
        db.dispose()
    return ok

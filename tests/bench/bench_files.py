"""Hostile and broken files: how fast and how lean the import refuses them, and what the guarded
reader costs on an honest roster.

1. The findings, one generated file each (a value in cell XFD1048576, a truncated .xls that makes
   python-calamine panic, a 400 MB shared string, a damaged .xls asking for 2.4 GB, an 8 MB header
   cell, a CSV field over the csv module's limit): exit code, time, peak memory of the command and
   of its reading process. Goal: refused (exit 2) in seconds (< 10 s), each process < 300 MB.
2. The fuzz run: mutants of generated workbooks and CSV files through ``cipdesk import``. Goals:
   exit 0/1/2 only, no traceback, the database unchanged on every refusal, the slowest file < 10 s,
   each process < 300 MB.
3. The reader on the 20,000-row roster of bench_import (22 columns): python-calamine alone in this
   process against the guarded read (a child process, bounds, rows sent in chunks), best of 3.
   Goal: at most 0.25 s more.
Peak memory is each process's own VmHWM (Linux), the interpreter and libraries included.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests import fuzz_import
from tests import helpers_hostile as hostile
from tests.bench.bench_import import bare_read, make_roster

FUZZ_MUTANTS = 400
GOAL_SECONDS = 10.0
GOAL_MB = 300.0
GOAL_READ_EXTRA = 0.25


def findings(folder: Path) -> list[fuzz_import.Mutant]:
    folder.mkdir(parents=True, exist_ok=True)
    made = [
        ("value in cell XFD1048576", hostile.far_cell_xlsx(folder / "far-cell.xlsx")),
        ("truncated .xls (panic)", hostile.truncated_xls(folder / "truncated.xls")),
        ("400 MB shared string", hostile.giant_string_xlsx(folder / "giant-string.xlsx")),
        ("damaged .xls (2.4 GB range)", hostile.damaged_xls(folder / "damaged.xls")),
        ("8 MB header cell", hostile.long_header_xlsx(folder / "long-header.xlsx")),
        ("CSV field of 200,000 characters", hostile.long_field_csv(folder / "long-field.csv")),
    ]
    return [fuzz_import.Mutant(path, "finding", what) for what, path in made]


def guarded_read(path: Path) -> float:
    from desktop.excel.reader import open_workbook

    started = time.perf_counter()
    wb = open_workbook(path)
    try:
        rows = wb.rows("Roster")
    finally:
        wb.close()
    took = time.perf_counter() - started
    assert len(rows) > 20_000
    return took


def main() -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        found = findings(folder / "findings")
        outcomes, _stray = fuzz_import.run_mutants(found, folder / "findings-run", workers=1)
        by_file = {o.file: o for o in outcomes}
        print("   the findings (goal: exit 2, < 10 s, each process < 300 MB):")
        for m in found:
            o = by_file[str(m.path)]
            good = o.code == 2 and not o.changed and o.seconds < GOAL_SECONDS
            good = good and max(o.parent_mb, o.reader_mb) < GOAL_MB and "Traceback" not in o.stderr
            ok = ok and good
            stopped = o.reader_mb == 0 and "needs more memory" in o.stderr
            reader_text = "ended by its memory limit" if stopped else f"{o.reader_mb:4.0f} MB"
            print(
                f"     {m.how:<33} {m.path.stat().st_size / 1024:7.0f} KB  exit {o.code}  {o.seconds:5.2f} s  "
                f"command {o.parent_mb:4.0f} MB, reader {reader_text}{'' if good else '  MISSED'}"
            )

        started = time.perf_counter()
        mutants = fuzz_import.make_mutants(folder / "mutants", FUZZ_MUTANTS, seed=16)
        outcomes, stray = fuzz_import.run_mutants(mutants, folder / "fuzz-run", workers=2)
        took = time.perf_counter() - started
    s = fuzz_import.summary(outcomes)
    codes = ", ".join(f"exit {k}: {v}" for k, v in s["by_code"].items())
    only_012 = set(s["by_code"]) <= {"0", "1", "2"}
    clean = s["tracebacks"] == 0 and "Traceback" not in stray and "panicked" not in stray
    print(
        f"   fuzz: {s['mutants']} mutants of generated .xlsx/.xls/.ods/.csv files in {took:.0f} s (2 processes)"
    )
    print(f"     outcomes: {codes} (goal: 0, 1 or 2 only){'' if only_012 else '  MISSED'}")
    print(
        f"     tracebacks: {s['tracebacks']} (goal 0); database changed on a refusal: {s['changed_on_refusal']} (goal 0)"
    )
    print(f"     slowest file: {s['worst_seconds']:.2f} s, {s['worst_file']} (goal < {GOAL_SECONDS:.0f} s)")
    print(
        f"     peak memory: command {s['worst_parent_mb']:.0f} MB, reader {s['worst_reader_mb']:.0f} MB "
        f"(goal < {GOAL_MB:.0f} MB each)"
    )
    ok = ok and only_012 and clean and s["changed_on_refusal"] == 0
    ok = (
        ok and s["worst_seconds"] < GOAL_SECONDS and max(s["worst_parent_mb"], s["worst_reader_mb"]) < GOAL_MB
    )

    from desktop.excel import reader

    path = make_roster()
    bare_read(path)  # warm the file cache
    bare = min(bare_read(path) for _ in range(3))
    reader.peak_kb_seen = 0
    guarded = min(guarded_read(path) for _ in range(3))
    extra = guarded - bare
    print(
        f"   reading the 20,000-row roster: python-calamine alone {bare:.2f} s, guarded reader {guarded:.2f} s"
    )
    print(
        f"     cost of the guard: +{extra:.2f} s (goal <= +{GOAL_READ_EXTRA:.2f} s); reading process peak "
        f"{reader.peak_kb_seen / 1024:.0f} MB"
    )
    return ok and extra <= GOAL_READ_EXTRA


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)

"""Import speed: a generated 20,000-row roster with 12 month columns, into an empty database.

Measured in the same run: python-calamine reading the file alone, and the whole import (read, check,
write 20,000 officers and 240,000 hour entries). Target: import <= 4x the bare read.
Peak memory of the import: measured in a fresh subprocess that only opens the database and runs
the import, as ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (the whole process's peak resident
set, interpreter and libraries included). Target < 200 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 20_000
MONTHS = 12
CACHE = Path(tempfile.gettempdir()) / f"cipdesk_bench_roster_{ROWS}x{MONTHS}.xlsx"
TARGET_RATIO = 4.0
TARGET_MB = 200.0


def make_roster(path: Path = CACHE) -> Path:
    """Write the roster once (openpyxl write-only) and keep it in the temp folder."""
    if path.exists():
        return path
    from openpyxl import Workbook

    rnd = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Roster")
    ws.append(["Special Constabulary roster"])
    ws.append([])
    months = [dt.date(2025, 4, 1) + dt.timedelta(days=31 * i) for i in range(MONTHS)]
    months = [m.replace(day=1) for m in months]
    ws.append(
        [
            "Collar No.",
            "Surname",
            "Forenames",
            "Rank",
            "Status",
            "Team",
            "Station",
            "Date Joined",
            "Attested",
            "Mobile",
            "Email",
            "Employer",
            "Locker",
        ]
        + months
    )
    ranks = ["SC"] * 12 + ["Spec Sgt", "S/Insp"]
    statuses = ["Active"] * 10 + ["LOA", "In training", "IPS"]
    teams = [f"Response {c}" for c in "ABCDE"] + ["Stevenage NPT", "Watford NPT"]
    for i in range(ROWS):
        joined = dt.date(2010, 1, 1) + dt.timedelta(days=rnd.randrange(5000))
        attested = joined + dt.timedelta(days=rnd.randrange(30, 200))
        ws.append(
            [
                str(10000 + i),
                rnd.choice(["Smith", "Jones", "O'Neil", "Taylor", "Brown", "Évans"]) + str(i),
                rnd.choice(["John", "Siân", "Amy", "Zoë", "Raj"]),
                rnd.choice(ranks),
                rnd.choice(statuses),
                rnd.choice(teams),
                "Hatfield",
                joined if i % 3 else joined.strftime("%d/%m/%Y"),
                attested,
                f"07700 9{i:05d}",
                f"officer{i}@example.org",
                rnd.choice(["Tesco", "NHS", "", "Council"]),
                str(i % 400),
            ]
            + [rnd.choice([0, 4, 8, 12, 16, 16.5, 24, 30]) for _ in range(MONTHS)]
        )
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def bare_read(path: Path) -> float:
    import python_calamine as pc

    started = time.perf_counter()
    with path.open("rb") as fh:
        book = pc.CalamineWorkbook.from_filelike(fh)
        rows = book.get_sheet_by_name("Roster").to_python(skip_empty_area=False)
    took = time.perf_counter() - started
    assert len(rows) == ROWS + 3
    return took


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from desktop.core.startup import open_database
from desktop.core.paths import db_url
from desktop import importing as importer
from desktop.core import settings
folder = Path(sys.argv[2])
db = open_database(db_url(str(folder / "bench.sqlite")), backup_dir=folder / "backups")
settings.set_value(db, "backup_folder", str(folder / "backups"))
started = time.perf_counter()
result = importer.run(db, sys.argv[1])
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": took, "peak_mb": peak, "counts": result.plan.counts,
                  "hours": result.plan.hours_entries}))
"""


FLOOR = r"""
import json, sys, time
from pathlib import Path
from desktop.core.startup import open_database
from desktop.core.paths import db_url
from desktop import importing as importer
folder = Path(sys.argv[1])
db = open_database(db_url(str(folder / "floor.sqlite")), backup_dir=folder / "backups")
rows = [(o, f"2025-{m:02d}-01", 16.0) for o in range(1, 20001) for m in range(1, 13)]
with db.engine.connect() as conn:
    raw = conn.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    started = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany(
        "INSERT INTO officers (id, collar, surname, forenames, rank, status, team, joined, esp, "
        "anonymised, created_at, updated_at, version) VALUES (?, ?, ?, 'Amy', 'SC', 'active', "
        "'Response A', '2015-04-01', 0, 0, '2026-01-01 00:00:00.000000', "
        "'2026-01-01 00:00:00.000000', 1)",
        [(o, str(10000 + o), f"Smith{o}") for o in range(1, 20001)],
    )
    raw.executemany(
        "INSERT INTO duties (officer_id, date, hours, duty_type, is_monthly_total, source, "
        "import_batch_id, created_at, version) VALUES (?, ?, ?, 'patrol', 1, 'import', 1, "
        "'2026-01-01 00:00:00.000000', 1)",
        rows,
    )
    raw.execute("COMMIT")
    print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def hours_rows_alone() -> float:
    """SQLite alone storing 20,000 bare officer rows and their 240,000 hour entries as the import
    does (no reading, checking, history, audit or import record): what no Python change wins back."""
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [sys.executable, "-c", FLOOR, folder], check=True, capture_output=True, text=True
        )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def import_once(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), folder],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> bool:
    path = make_roster()
    bare_read(path)  # warm the file cache
    reads = [bare_read(path) for _ in range(3)]
    read = min(reads)
    run = import_once(path)
    floor = min(hours_rows_alone() for _ in range(2))
    ratio = run["seconds"] / read
    counts = run["counts"]
    ok_rows = counts["created"] == ROWS and run["hours"] == ROWS * MONTHS
    print(f"   roster: {ROWS:,} rows x {MONTHS} month columns ({path})")
    print(f"   calamine read alone: {read:.2f} s (best of 3)")
    print(
        f"   whole import: {run['seconds']:.2f} s, {counts['created']:,} officers, {run['hours']:,} hour entries"
    )
    print(f"   ratio: {ratio:.1f}x the bare read (target <= {TARGET_RATIO:.0f}x)")
    print(
        f"   of which SQLite alone needs {floor:.2f} s ({floor / read:.1f}x the read) to store "
        f"{ROWS:,} bare officer rows and {ROWS * MONTHS:,} hour rows with their indexes"
    )
    print(
        f"   peak memory: {run['peak_mb']:.0f} MB (ru_maxrss of a subprocess that only imports; "
        f"target < {TARGET_MB:.0f} MB)"
    )
    return ok_rows and ratio <= TARGET_RATIO and run["peak_mb"] < TARGET_MB


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)

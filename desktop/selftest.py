"""``cipdesk --self-test``: check this installation end to end, touching none of the user's data.

In a temporary folder: create a database and run the migrations, import a small generated roster
workbook, compute a monthly return, write it as a PDF, back the database up and check it. Prints one
line and exits 0 when every step worked; otherwise names the step that failed and exits 1.
Used by ``make package`` on the built program (``dist/<name>/<name> --self-test``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

MONTH = "2025-04"


def _workbook(path: Path) -> int:
    """A legacy-style roster: a title row, officers with a joining date and April 2025's hours."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    ws.append(["Self-test roster"])
    ws.append(["Collar No.", "Surname", "First Name(s)", "Rank", "Team", "Date Joined", "Apr-25"])
    people = [
        ("4521", "O'Brien", "Siân", "SC", "Response A", dt.date(2019, 4, 3), 18.5),
        ("4522", "Smith-Jones", "Amy", "SSgt", "Response A", dt.date(2015, 9, 1), 9),
        ("SC0452", "Ng", "Li", "SC", "Stevenage NPT", dt.date(2021, 1, 10), 0),
        ("4600", "Ødegård", "Jo", "SC", "Stevenage NPT", dt.date(2022, 6, 30), 24),
    ]
    for row in people:
        ws.append(list(row))
    wb.save(path)
    return len(people)


def run_self_test() -> int:
    from desktop import __version__

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="cipdesk-selftest-"))
    step = "starting"
    try:
        step = "creating the database and running the migrations"
        from desktop.core import migrate, settings
        from desktop.core.paths import db_url
        from desktop.core.startup import open_database

        db = open_database(db_url(str(folder / "selftest.sqlite")), backup_dir=folder / "backups")
        settings.set_value(db, "backup_folder", str(folder / "backups"))
        assert migrate.state(db.engine).current == migrate.head(), "the schema is not at this version"

        step = "importing a generated workbook"
        from desktop import importing as importer

        expected = _workbook(folder / "roster.xlsx")
        result = importer.run(db, folder / "roster.xlsx")
        created = result.plan.count("created")
        assert created == expected, f"{created} of {expected} officers were created"

        step = "computing the monthly return"
        from desktop.core import returns

        figures = returns.compute(db, MONTH)
        total = float(figures.hours.total)
        assert abs(total - 51.5) < 1e-6, f"the return shows {total} hours, not 51.5"

        step = "writing the return as a PDF"
        from desktop.reports import return_report

        pdf = folder / "return.pdf"
        pages = return_report.write_pdf(figures, settings.get_all(db), pdf)
        assert pdf.read_bytes()[:5] == b"%PDF-" and pages >= 1, "the PDF is empty"

        step = "backing up and checking the database"
        from desktop.core import backup, integrity

        copy = backup.backup_before(db, "manual")
        assert copy is not None and backup.inspect_backup(copy).officers == expected
        assert integrity.integrity_check(db).ok, "the database failed its integrity check"
        db.dispose()
    except Exception as exc:  # noqa: BLE001 - report any failure as the step that failed
        print(f"CiP Desk {__version__} self-test FAILED while {step}: {exc}", file=sys.stderr)
        traceback.print_exc()
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - started
    print(
        f"CiP Desk {__version__} self-test passed in {seconds:.1f} s: migrations, import of {created} officers, "
        f"return for April 2025 ({total:g} hours), PDF of {pages} page{'s' if pages != 1 else ''}, backup checked."
    )
    return 0

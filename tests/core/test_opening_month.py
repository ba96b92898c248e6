"""The month the Hours and Returns tabs open on: the latest month with hours, never an empty month
after it, and after an import that import's latest month."""

from __future__ import annotations

import datetime as dt

from desktop.core import hours, returns, roster
from desktop.core.models import Duty, ImportBatch

TODAY = dt.date(2026, 12, 2)


def _officer(db, collar="1"):
    return roster.create_officer(db, {"collar": collar, "surname": "Able", "joined": dt.date(2020, 1, 1)})


def _duty(db, oid, day, h=4.0):
    hours.add_duty(db, {"officer_id": oid, "date": day, "hours": h, "duty_type": "patrol"})


def test_with_no_hours_it_is_the_last_month_that_is_over(db):
    assert returns.opening_month(db, today=TODAY) == "2026-11"
    _officer(db)
    assert returns.opening_month(db, today=TODAY, ended=True) == "2026-11"


def test_it_is_the_latest_month_with_hours_not_an_empty_one_after_it(db):
    oid = _officer(db)
    _duty(db, oid, dt.date(2026, 3, 14))
    _duty(db, oid, dt.date(2026, 6, 2))
    assert returns.opening_month(db, today=TODAY) == "2026-06"
    assert returns.opening_month(db, today=TODAY, ended=True) == "2026-06"


def test_hours_this_month_open_hours_on_it_and_the_return_on_the_last_finished_month(db):
    oid = _officer(db)
    _duty(db, oid, dt.date(2026, 10, 5))
    _duty(db, oid, dt.date(2026, 12, 1))
    assert returns.opening_month(db, today=TODAY) == "2026-12"
    assert returns.opening_month(db, today=TODAY, ended=True) == "2026-10"


def test_a_duty_dated_in_a_later_month_is_passed_over(db):
    oid = _officer(db)
    _duty(db, oid, dt.date(2026, 9, 5))
    with db.session() as s:  # a typed year, as an old roster may hold
        s.add(Duty(officer_id=oid, date=dt.date(2031, 1, 5), hours=4.0, source="import"))
    assert returns.opening_month(db, today=TODAY) == "2026-09"


def test_after_an_import_it_is_that_imports_latest_month(db):
    oid = _officer(db)
    _duty(db, oid, dt.date(2026, 8, 5))  # typed in the window, later than the import's hours
    with db.session() as s:
        batch = ImportBatch(file_name="roll.xlsx", sheet="Roster", sha256="0" * 64)
        s.add(batch)
        s.flush()
        for month in (2, 4):
            s.add(
                Duty(
                    officer_id=oid,
                    date=dt.date(2026, month, 1),
                    hours=10.0,
                    is_monthly_total=True,
                    source="import",
                    import_batch_id=batch.id,
                )
            )
        batch_id = batch.id
    assert returns.opening_month(db, batch_id=batch_id, today=TODAY) == "2026-04"
    # an import without hours: where the work is
    assert returns.opening_month(db, batch_id=batch_id + 1, today=TODAY) == "2026-08"

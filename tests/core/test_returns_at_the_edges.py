"""Figures a Special Chief Officer signs: cases found in review, each with the right answer."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import attachments, hours, returns, roster, settings


def officer(db, collar, **extra):
    values = {
        "collar": collar,
        "surname": f"Officer{collar}",
        "joined": dt.date(2020, 1, 1),
        "attested": dt.date(2020, 2, 1),
        **extra,
    }
    return roster.create_officer(db, values)


def test_a_leaver_entered_in_the_dialog_still_counts_in_months_before_they_left(db):
    officer(db, "1")
    officer(db, "2", status="left", left_date=dt.date(2024, 6, 30), leaving_reason="resigned")
    may = returns.compute(db, "2023-05").to_json()
    assert may["headcount"]["total"] == 2
    assert {o["collar"] for o in may["officers"]} == {"1", "2"}
    june = returns.compute(db, "2024-06").to_json()
    assert [lv["collar"] for lv in june["leavers"]] == ["2"] and june["headcount"]["total"] == 1


def test_a_leaver_who_rejoined_is_still_a_leaver_of_that_month(db):
    oid = officer(db, "1")
    roster.record_leaving(db, oid, dt.date(2022, 3, 15), "resigned")
    roster.update_officer(db, oid, {"status": "active"}, effective=dt.date(2023, 1, 10))
    march = returns.compute(db, "2022-03").to_json()
    assert [(lv["collar"], lv["date"], lv["reason"]) for lv in march["leavers"]] == [
        ("1", "2022-03-15", "resigned")
    ]


def _attachment_figures(db, month):
    figures = returns.compute(db, month).to_json()["attachments"]
    return figures["active_by_unit"], len(figures["started"]), len(figures["ended"])


def test_a_withdrawn_request_is_neither_started_nor_ended_and_an_end_on_the_last_day_is_not_active(db):
    oid = officer(db, "1", independent_patrol=dt.date(2020, 3, 1))
    unit = next(u for u in attachments.list_units(db) if u.name == "Prisoner Handling")
    # Prisoner Handling needs safety training and first aid: override with a reason for the test.
    req = attachments.request(db, oid, unit.id, dt.date(2025, 3, 10), override_reason="test set-up")
    attachments.end(db, req.id, end_date=dt.date(2025, 3, 20))  # withdrawn: it never started
    real = attachments.request(
        db, oid, unit.id, dt.date(2025, 3, 21), override_reason="test set-up", active=True
    )
    attachments.end(db, real.id, end_date=dt.date(2025, 3, 31))
    active, started, ended = _attachment_figures(db, "2025-03")
    assert (started, ended) == (1, 1)
    assert sum(active.values()) == 0  # its place was free from 31 March


def test_nan_and_infinite_hours_are_refused_plainly(db):
    with pytest.raises(ValueError, match="not a number of hours"):
        hours.parse_hours_text("nan")
    with pytest.raises(ValueError, match="not a number of hours"):
        hours.parse_hours_text("inf")


def test_a_minimum_of_zero_hours_is_a_setting_not_a_blank(db):
    settings.set_value(db, "minimum_hours", 0)
    assert returns.compute(db, "2025-03").to_json()["minimum_hours"] == 0


def test_future_leaving_rank_change_and_duty_are_refused_in_plain_words(db):
    from desktop.core.errors import ValidationError

    oid = officer(db, "1")
    later = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as leaving:
        roster.record_leaving(db, oid, later, "resigned")
    assert "in the future" in leaving.value.errors["left_date"]
    with pytest.raises(ValidationError) as promotion:
        roster.update_officer(db, oid, {"rank": "SSgt"}, effective=later)
    assert "in the future" in promotion.value.errors["effective"]
    assert roster.get_officer(db, oid)["rank"] == "SC" and roster.get_officer(db, oid)["status"] == "active"
    with pytest.raises(ValidationError) as duty:
        hours.add_duty(db, {"officer_id": oid, "date": later, "hours": 4, "duty_type": "patrol"})
    assert "in the future" in duty.value.errors["date"]


def test_a_back_dated_change_into_a_signed_off_month_needs_a_reason(db):
    from desktop.core.hours import LockedMonthError

    oid = officer(db, "1")
    returns.sign_off(db, "2025-03")
    with pytest.raises(LockedMonthError, match="March 2025 has been signed off"):
        roster.record_leaving(db, oid, dt.date(2025, 3, 10), "resigned")
    with pytest.raises(LockedMonthError):
        roster.update_officer(db, oid, {"rank": "SSgt"}, effective=dt.date(2024, 12, 1))
    roster.update_officer(db, oid, {"phone": "01234 567890"})  # not dated: no reason needed
    roster.record_leaving(db, oid, dt.date(2025, 3, 10), "resigned", locked_reason="late paperwork")
    assert roster.get_officer(db, oid)["status"] == "left"
    assert any(e.reason and "late paperwork" in e.reason for e in roster.audit_history(db, oid))


def test_an_import_into_a_signed_off_month_is_named_and_carries_its_reason(db, tmp_path):
    from openpyxl import Workbook

    from desktop import importing as importer

    officer(db, "4521")
    returns.sign_off(db, "2025-03")
    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "Mar-25", "Apr-25"])
    ws.append(["4521", "Officer4521", 12, 9])
    path = tmp_path / "hours.xlsx"
    wb.save(path)
    assert importer.signed_off_months(db, importer.plan(db, path)) == ["2025-03"]
    importer.run(db, path, lock_reason="figures corrected by the team leader")
    oid = roster.find_by_collar(db, "4521")
    assert any(
        e.reason and "figures corrected by the team leader" in e.reason for e in roster.audit_history(db, oid)
    )


def test_the_leaving_dialog_asks_why_for_a_signed_off_month(ctx, qtbot, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.officer.leaving import LeavingDialog

    oid = officer(ctx.db, "1")
    returns.sign_off(ctx.db, "2025-03")
    asked = []
    monkeypatch.setattr(dialogs, "ask_text", lambda parent, title, label, text="": asked.append(label) or "")
    dlg = LeavingDialog(ctx, oid, roster.get_officer(ctx.db, oid).version, "Officer1")
    qtbot.addWidget(dlg)
    dlg.date.setText("10/03/2025")
    dlg.reason.setCurrentIndex(dlg.reason.findData("resigned"))
    dlg.save()
    assert asked and "signed off" in asked[0]
    assert roster.get_officer(ctx.db, oid)["status"] == "active"  # no reason given: nothing saved
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "late paperwork")
    dlg.save()
    assert roster.get_officer(ctx.db, oid)["status"] == "left"


def test_a_monthly_total_over_recorded_duties_is_named_before_it_counts_twice(db, tmp_path):
    from openpyxl import Workbook

    from desktop import importing as importer

    oid = officer(db, "4521")
    for day in (9, 10):
        hours.add_duty(
            db, {"officer_id": oid, "date": dt.date(2025, 4, day), "hours": 8, "duty_type": "patrol"}
        )
    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "Apr-25", "May-25"])
    ws.append(["4521", "Officer4521", 3, 8])
    path = tmp_path / "hours.xlsx"
    wb.save(path)
    assert importer.totals_over_duties(db, importer.plan(db, path)) == [("4521", "2025-04", 16.0)]


def test_a_new_officer_back_dated_into_a_signed_off_month_needs_a_reason(db, tmp_path):
    from openpyxl import Workbook

    from desktop import importing as importer
    from desktop.core.hours import LockedMonthError

    returns.sign_off(db, "2025-03")
    with pytest.raises(LockedMonthError):
        officer(db, "1")  # joined 2020: in the headcount of March 2025
    roster.create_officer(db, {"collar": "2", "surname": "New", "joined": dt.date(2025, 4, 1)})  # after it
    oid = roster.create_officer(
        db, {"collar": "3", "surname": "Late", "joined": dt.date(2020, 1, 1)}, locked_reason="found on file"
    )
    assert any(e.reason == "found on file" for e in roster.audit_history(db, oid))
    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "Date Joined"])
    ws.append(["4", "Imported", "01/02/2021"])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert importer.signed_off_months(db, importer.plan(db, path)) == ["2025-03"]


def _stage(db, code):
    from desktop.core import pathway

    st = pathway.get_pathway(db).by_code(code)
    assert st is not None
    return st.id


def _to_phase1(db, oid):
    from desktop.core import pathway

    for code, day in (("application", 10), ("vetting", 11), ("phase1", 12)):
        pathway.record_stage(db, oid, _stage(db, code), dt.date(2024, 1, day))


def test_a_back_dated_attestation_or_ip_stage_into_a_signed_off_month_needs_a_reason(db):
    from desktop.core import pathway
    from desktop.core.hours import LockedMonthError

    oid = roster.create_officer(db, {"collar": "7", "surname": "Late", "joined": dt.date(2024, 1, 10)})
    _to_phase1(db, oid)
    returns.sign_off(db, "2025-03")
    # Attested in February 2025: March's "attested by month end" figures would change.
    with pytest.raises(LockedMonthError, match="March 2025 has been signed off"):
        pathway.record_stage(db, oid, _stage(db, "attestation"), dt.date(2025, 2, 1))
    assert roster.get_officer(db, oid)["attested"] is None
    entry = pathway.record_stage(
        db, oid, _stage(db, "attestation"), dt.date(2025, 2, 1), locked_reason="form found late"
    )
    assert roster.get_officer(db, oid)["attested"] == dt.date(2025, 2, 1)
    assert any(e.reason and "form found late" in e.reason for e in roster.audit_history(db, oid))
    # Correcting it to a later date also moves March's figures; removing it too.
    with pytest.raises(LockedMonthError):
        pathway.correct_entry(db, entry, on=dt.date(2025, 4, 2), assessor=None, note=None, reason="typo")
    pathway.correct_entry(
        db, entry, on=dt.date(2025, 4, 2), assessor=None, note=None, reason="typo", locked_reason="agreed"
    )
    assert roster.get_officer(db, oid)["attested"] == dt.date(2025, 4, 2)
    # After the signed-off month: no reason needed.
    pathway.correct_entry(db, entry, on=dt.date(2025, 4, 3), assessor=None, note=None, reason="typo")
    pathway.correct_entry(
        db, entry, on=dt.date(2025, 2, 1), assessor=None, note=None, reason="typo", locked_reason="agreed"
    )
    # Removing an attestation dated before the signed-off month takes the officer out of its figures.
    with pytest.raises(LockedMonthError):
        pathway.remove_entry(db, entry, reason="wrong officer")
    pathway.remove_entry(db, entry, reason="wrong officer", locked_reason="agreed with the SCO")
    assert roster.get_officer(db, oid)["attested"] is None


def test_stages_that_do_not_count_in_a_return_need_no_reason(db):
    from desktop.core import pathway

    oid = roster.create_officer(db, {"collar": "8", "surname": "Early", "joined": dt.date(2024, 1, 10)})
    returns.sign_off(db, "2025-03")
    pathway.record_stage(db, oid, _stage(db, "application"), dt.date(2024, 1, 10))
    assert len(pathway.officer_progress(db, oid).entries) == 1


def test_bulk_attestation_into_a_signed_off_month_records_nobody_without_a_reason(db):
    from desktop.core import pathway
    from desktop.core.hours import LockedMonthError

    ids = [
        roster.create_officer(db, {"collar": c, "surname": "S" + c, "joined": dt.date(2024, 1, 10)})
        for c in ("11", "12")
    ]
    for oid in ids:
        _to_phase1(db, oid)
    returns.sign_off(db, "2025-03")
    with pytest.raises(LockedMonthError):
        pathway.record_bulk(db, ids, _stage(db, "attestation"), dt.date(2025, 3, 20))
    assert all(roster.get_officer(db, oid)["attested"] is None for oid in ids)
    result = pathway.record_bulk(
        db, ids, _stage(db, "attestation"), dt.date(2025, 3, 20), locked_reason="ceremony paperwork late"
    )
    assert sorted(result.recorded) == sorted(ids)
    assert all(roster.get_officer(db, oid)["attested"] == dt.date(2025, 3, 20) for oid in ids)


def test_the_pathway_page_asks_why_before_changing_a_signed_off_month(ctx, qtbot, monkeypatch):
    from PySide6.QtCore import QDate

    from desktop.ui import dialogs
    from desktop.ui.officer.pathway_page import OfficerPathwayPage

    oid = roster.create_officer(ctx.db, {"collar": "9", "surname": "Page", "joined": dt.date(2024, 1, 10)})
    _to_phase1(ctx.db, oid)
    returns.sign_off(ctx.db, "2025-03")
    page = OfficerPathwayPage(ctx, oid)
    qtbot.addWidget(page)
    page.stage.setCurrentIndex(page.stage.findText("Attestation"))
    page.date.setDate(QDate(2025, 2, 1))
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_text", lambda parent, title, label, text="": asked.append(label) or None
    )
    assert not page.record()
    assert asked and "March 2025 has been signed off" in asked[0]
    assert not page.error.isVisibleTo(page)  # cancelled: nothing saved, nothing wrong
    assert roster.get_officer(ctx.db, oid)["attested"] is None
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "form found late")
    assert page.record()
    assert roster.get_officer(ctx.db, oid)["attested"] == dt.date(2025, 2, 1)


def test_a_return_for_a_month_not_over_says_so_and_cannot_be_signed_off(db):
    from desktop.core.errors import ValidationError

    today = dt.date.today()
    this_month = f"{today.year:04d}-{today.month:02d}"
    later = dt.date(today.year + 1, today.month, 1)
    notes = returns.compute(db, this_month).to_json()["notes"]
    assert any("is not over yet: figures as at " + today.strftime("%d/%m/%Y") in n for n in notes)
    notes = returns.compute(db, f"{later.year:04d}-{later.month:02d}").to_json()["notes"]
    assert any("has not started yet" in n for n in notes)
    with pytest.raises(ValidationError, match="is not over yet"):
        returns.sign_off(db, this_month)


def _six_hours_each_and_officer_2_left_in_may(db):
    stay = officer(db, "1")
    gone = officer(db, "2")
    for oid, day in ((stay, dt.date(2025, 6, 3)), (gone, dt.date(2025, 4, 9))):
        hours.add_duty(db, {"officer_id": oid, "date": day, "hours": 6, "duty_type": "patrol"})
    roster.record_leaving(db, gone, dt.date(2025, 5, 1), "resigned")


def test_an_officer_who_left_earlier_in_the_year_is_listed_so_year_to_date_adds_up(db):
    _six_hours_each_and_officer_2_left_in_may(db)
    f = returns.compute(db, "2025-06").to_json()
    rows = {r["collar"]: r for r in f["officers"]}
    assert rows["2"]["status"] == "left" and rows["2"]["ytd_hours"] == 6 and rows["2"]["hours"] == 0
    assert sum(r["ytd_hours"] for r in f["officers"]) == f["hours"]["year_to_date"] == 12


def test_a_return_signed_off_before_such_rows_were_listed_shows_no_drift(db):
    from desktop.core.models import MonthLock

    _six_hours_each_and_officer_2_left_in_may(db)
    returns.sign_off(db, "2025-06")
    with db.session() as s:  # as an older version stored it: without the leaver's row
        lock = s.query(MonthLock).one()
        figures = dict(lock.figures)
        figures["officers"] = [r for r in figures["officers"] if r["collar"] != "2"]
        lock.figures = figures
    assert returns.drift(db, "2025-06") == []

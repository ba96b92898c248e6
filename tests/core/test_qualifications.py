"""Qualifications: types, records and renewals, expiry boundaries, expiring list and its Excel export."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.core import qualifications as q
from desktop.core import roster, settings
from desktop.core.errors import ValidationError
from desktop.core.models import AuditEvent
from desktop.excel.qualifications_export import HEADERS, export_expiring

D = dt.date
TODAY = D(2025, 6, 30)


def officer(db, collar="1", surname="Smith", **extra) -> int:
    return roster.create_officer(db, {"collar": collar, "surname": surname, "joined": D(2020, 1, 1), **extra})


def tid(db, name: str) -> int:
    return next(t.id for t in q.list_types(db) if t.name == name)


def test_default_types_ship_with_validity(db):
    types = {t.name: t for t in q.list_types(db)}
    assert types["Officer safety training"].validity_months == 12
    assert types["Officer safety training"].validity_text == "1 year"
    assert types["Driving: basic"].validity_text == "5 years"
    assert types["ICT skills"].validity_months is None
    assert types["ICT skills"].validity_text == "Does not expire"


def test_record_computes_expiry_with_month_arithmetic(db):
    oid = officer(db)
    q.record(db, oid, tid(db, "First aid"), D(2024, 2, 29), "St John", today=TODAY)
    q.record(db, oid, tid(db, "ICT skills"), D(2024, 1, 31), today=TODAY)
    recs = {r.type_name: r for r in q.officer_qualifications(db, oid, on=TODAY)}
    assert recs["First aid"].expires_on == D(2025, 2, 28)
    assert recs["First aid"].status == "expired" and recs["First aid"].note == "St John"
    assert recs["ICT skills"].expires_on is None and recs["ICT skills"].status == "no_expiry"
    with pytest.raises(ValidationError, match="already recorded"):
        q.record(db, oid, tid(db, "First aid"), D(2024, 2, 29), today=TODAY)
    with pytest.raises(ValidationError, match="in the future"):
        q.record(db, oid, tid(db, "First aid"), D(2025, 7, 1), today=TODAY)


@pytest.mark.parametrize(
    ("expires", "status"),
    [
        (TODAY - dt.timedelta(days=1), "expired"),
        (TODAY, "expiring"),  # still valid on the day it expires
        (TODAY + dt.timedelta(days=60), "expiring"),
        (TODAY + dt.timedelta(days=61), "valid"),
        (None, "no_expiry"),
    ],
)
def test_status_boundaries(expires, status):
    assert q.status_of(expires, TODAY, 60) == status


def test_expiry_today_and_sixty_days_against_flags_and_list(db):
    ost = tid(db, "Officer safety training")  # 12 months
    today_one = officer(db, "1", "Today")
    sixty = officer(db, "2", "Sixty")
    sixty_one = officer(db, "3", "SixtyOne")
    gone = officer(db, "4", "Gone")
    q.record(db, today_one, ost, D(2024, 6, 30), today=TODAY)  # expires 30/06/2025 = today
    q.record(db, sixty, ost, D(2024, 8, 29), today=TODAY)  # expires 29/08/2025 = today + 60
    q.record(db, sixty_one, ost, D(2024, 8, 30), today=TODAY)  # today + 61
    q.record(db, gone, ost, D(2024, 6, 29), today=TODAY)  # expired yesterday
    flags = q.officer_flags(db, TODAY)
    assert flags == {today_one: "expiring", sixty: "expiring", gone: "expired"}
    rows = q.expiring(db, on=TODAY)
    assert [(r.name, r.status, r.days_left) for r in rows] == [
        ("Gone", "expired", -1),
        ("Today", "expiring", 0),
        ("Sixty", "expiring", 60),
    ]
    settings.set_value(db, "expiry_warning_days", 61)
    assert len(q.expiring(db, on=TODAY)) == 4
    assert q.officer_flags(db, TODAY)[sixty_one] == "expiring"


def test_renewal_clears_the_old_expiry_and_keeps_history(db):
    oid = officer(db)
    ost = tid(db, "Officer safety training")
    q.record(db, oid, ost, D(2024, 6, 1), today=TODAY)
    assert q.officer_flags(db, TODAY) == {oid: "expired"}
    with pytest.raises(ValidationError, match=r"after the last Officer safety training \(01/06/2024\)"):
        q.renew(db, oid, ost, D(2024, 6, 1), today=TODAY)
    q.renew(db, oid, ost, D(2025, 6, 2), "refresher", today=TODAY)
    assert q.officer_flags(db, TODAY) == {}
    assert q.expiring(db, on=TODAY) == []
    history = [r for r in q.officer_qualifications(db, oid, on=TODAY) if r.type_id == ost]
    assert [(r.achieved_on, r.expires_on, r.current) for r in history] == [
        (D(2025, 6, 2), D(2026, 6, 2), True),
        (D(2024, 6, 1), D(2025, 6, 1), False),
    ]


def test_leavers_left_out_of_the_expiring_list(db):
    oid = officer(db)
    q.record(db, oid, tid(db, "First aid"), D(2024, 1, 1), today=TODAY)
    roster.record_leaving(db, oid, D(2025, 1, 1), "resigned")
    assert q.expiring(db, on=TODAY) == []
    assert len(q.expiring(db, on=TODAY, include_leavers=True)) == 1


def test_types_crud_and_type_in_use_only_deactivated(db):
    new = q.add_type(db, "  Taser  ", 12, category="safety")
    types = {t.name: t for t in q.list_types(db)}
    assert types["Taser"].validity_months == 12 and types["Taser"].active
    with pytest.raises(ValidationError, match="already a qualification type"):
        q.add_type(db, "taser", None)
    q.update_type(db, new, name="Taser (conducted energy device)", validity_months=18, category="safety")
    oid = officer(db)
    q.record(db, oid, new, D(2025, 1, 1), today=TODAY)
    assert q.officer_qualifications(db, oid, on=TODAY)[0].expires_on == D(2026, 7, 1)
    with pytest.raises(ValidationError, match="cannot be deleted: officers hold 1 record"):
        q.delete_type(db, new)
    q.set_type_active(db, new, False)
    assert new not in [t.id for t in q.list_types(db, include_inactive=False)]
    with pytest.raises(ValidationError, match="no longer in use"):
        q.record(db, oid, new, D(2025, 2, 1), today=TODAY)
    with pytest.raises(ValidationError, match="required by"):
        q.delete_type(db, tid(db, "ICT skills"))  # Cyber Crime requires it
    spare = q.add_type(db, "Language: Welsh (spoken)", None)
    q.delete_type(db, spare)
    assert "Language: Welsh (spoken)" not in [t.name for t in q.list_types(db)]


def test_remove_record_needs_a_reason_and_is_audited(db):
    oid = officer(db)
    rid = q.record(db, oid, tid(db, "First aid"), D(2025, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="Say why"):
        q.remove_record(db, rid, reason="")
    q.remove_record(db, rid, reason="wrong officer")
    assert q.officer_qualifications(db, oid) == []
    with db.read() as s:
        reasons = s.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.entity == "officer_qualifications", AuditEvent.action == "delete"
            )
        ).all()
    assert reasons == ["wrong officer"]


def test_expiring_export_opens_with_openpyxl(db, tmp_path):
    a = officer(db, "1", "=cmd|' /C calc'!A0", team="Response A")
    b = officer(db, "2", "Jones")
    q.record(db, a, tid(db, "First aid"), D(2024, 6, 1), today=TODAY)
    q.record(db, b, tid(db, "Officer safety training"), D(2024, 8, 1), today=TODAY)
    rows = q.expiring(db, on=TODAY)
    path = export_expiring(rows, tmp_path / "quals.xlsx", on=TODAY, window=60)
    wb = load_workbook(path)
    ws = wb["Qualifications"]
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H3"
    assert ws["A1"].font.bold
    first = [c.value for c in ws[2]]
    assert first[0] == "1" and first[1].startswith("=cmd") and ws["B2"].data_type == "s"
    assert first[2] == "Response A" and first[3] == "First aid"
    assert first[4] == dt.datetime(2024, 6, 1) and first[5] == dt.datetime(2025, 6, 1)
    assert ws["F2"].number_format == "DD/MM/YYYY"
    assert first[6:] == ["Expired", -29]
    assert [c.value for c in ws[3]][6:] == ["Expiring", 32]
    assert "As at 30/06/2025" in wb["About"]["A2"].value

"""Every change to an officer writes audit events: who, when, field, old and new value, reason."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from desktop.core import audit, roster
from desktop.core.models import AuditEvent


def events(db, officer_id):
    with db.read() as s:
        return s.execute(
            select(*AuditEvent.__table__.c).where(AuditEvent.officer_id == officer_id).order_by(AuditEvent.id)
        ).all()


def test_create_is_audited_with_a_snapshot(db):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=5)
    oid = roster.create_officer(db, {"collar": "4521", "surname": "O'Brien", "joined": dt.date(2020, 1, 2)})
    evs = events(db, oid)
    created = [e for e in evs if e.entity == "officers"]
    assert len(created) == 1
    e = created[0]
    assert (e.action, e.entity_id, e.user) == ("create", oid, audit.current_user())
    assert e.at >= before
    snapshot = json.loads(e.new)
    assert (
        snapshot["collar"] == "4521"
        and snapshot["surname"] == "O'Brien"
        and snapshot["joined"] == "2020-01-02"
    )
    # The first rank and status history rows are audited too, under the same officer.
    assert {e.entity for e in evs} >= {"rank_changes", "status_changes"}


def test_update_writes_field_old_new_who_when_reason(db):
    oid = roster.create_officer(db, {"collar": "1", "surname": "Smith", "team": "Response A"})
    roster.update_officer(db, oid, {"team": "Rural", "phone": "0123", "surname": "Smith"}, reason="posted")
    updates = [e for e in events(db, oid) if e.action == "update"]
    assert sorted((e.field, e.old, e.new, e.reason) for e in updates) == [
        ("phone", None, "0123", "posted"),
        ("team", "Response A", "Rural", "posted"),
    ]
    assert all(e.user == audit.current_user() and e.machine for e in updates)


def test_no_audit_line_for_housekeeping_or_unchanged(db):
    oid = roster.create_officer(db, {"collar": "1", "surname": "Smith"})
    count = len(events(db, oid))
    roster.update_officer(db, oid, {"surname": "Smith"})
    assert len(events(db, oid)) == count
    roster.update_officer(db, oid, {"esp": True})
    fields = [e.field for e in events(db, oid)[count:]]
    assert fields == ["esp"]  # not version/updated_at/updated_by


def test_rank_change_and_leaving_are_audited(db):
    oid = roster.create_officer(db, {"collar": "1", "surname": "Smith", "joined": dt.date(2015, 1, 1)})
    roster.update_officer(db, oid, {"rank": "SSgt"}, effective=dt.date(2020, 1, 1), reason="promoted")
    roster.record_leaving(db, oid, dt.date(2024, 3, 31), "retired", note="long service")
    evs = events(db, oid)
    rank = [e for e in evs if e.field == "rank"]
    assert [(e.old, e.new, e.reason) for e in rank] == [("SC", "SSgt", "promoted")]
    leaving = {
        e.field: (e.old, e.new, e.reason)
        for e in evs
        if e.entity == "officers" and e.reason == "long service"
    }
    assert leaving == {
        "status": ("active", "left", "long service"),
        "left_date": (None, "2024-03-31", "long service"),
        "leaving_reason": (None, "retired", "long service"),
    }


def test_audit_history_newest_first_for_the_record_page(db):
    oid = roster.create_officer(db, {"collar": "1", "surname": "Smith"})
    other = roster.create_officer(db, {"collar": "2", "surname": "Jones"})
    roster.update_officer(db, oid, {"phone": "1"})
    roster.update_officer(db, oid, {"phone": "2"})
    roster.update_officer(db, other, {"phone": "9"})
    history = roster.audit_history(db, oid)
    phone = [(h.old, h.new) for h in history if h.field == "phone"]
    assert phone == [("1", "2"), (None, "1")]
    assert all(h.user == audit.current_user() for h in history)
    assert history[-1].action == "create"
    assert not any(h.new == "9" for h in history)


def test_event_row_for_bulk_writes():
    row = audit.event_row(
        "officers", 3, "import", field="joined", old=None, new=dt.date(2020, 1, 2), officer_id=3
    )
    assert row["new"] == "2020-01-02" and row["old"] is None and row["user"] == audit.current_user()
    assert audit.as_text(True) == "yes" and audit.as_text(4.0) == "4"

"""Officers, units and qualifications for the attachment tests (service and window alike)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.core import attachments as att
from desktop.core import roster
from desktop.core.models import OfficerQualification, QualificationType

D = dt.date
START = D(2025, 6, 1)


def qtype(db, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(QualificationType.id).where(QualificationType.name == name))


def give(db, officer_id: int, name: str, achieved: dt.date, expires: dt.date | None) -> None:
    tid = qtype(db, name)
    with db.session() as s:
        s.add(
            OfficerQualification(officer_id=officer_id, type_id=tid, achieved_on=achieved, expires_on=expires)
        )


def officer(db, collar: str = "4521", surname: str = "Patel", **extra) -> int:
    data = {
        "collar": collar,
        "surname": surname,
        "forenames": "Asha",
        "joined": D(2020, 1, 1),
        "attested": D(2020, 3, 1),
        "independent_patrol": D(2021, 1, 15),
        "team": "Response A",
    }
    data.update(extra)
    return roster.create_officer(db, data)


def unit(db, **extra) -> int:
    data = {
        "name": "Test Unit",
        "code": "TU",
        "capacity": 2,
        "requires_independent_patrol": True,
        "min_months_since_ip": 6,
        "min_driving_level": 2,
        "qualification_ids": [qtype(db, "Officer safety training"), qtype(db, "First aid")],
    }
    data.update(extra)
    return att.create_unit(db, data).id


def qualified(db, collar: str = "4521", *, expires: dt.date = D(2040, 1, 1), **extra) -> int:
    """An officer meeting every requirement of ``unit()`` on START (and until ``expires``)."""
    oid = officer(db, collar, **extra)
    give(db, oid, "Officer safety training", D(2025, 1, 1), expires)
    give(db, oid, "First aid", D(2025, 1, 1), expires)
    give(db, oid, "Driving: response", D(2024, 1, 1), D(2027, 1, 1))
    return oid

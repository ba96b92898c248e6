"""A small hand-built force whose March 2025 return is known figure by figure (tests of the return)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from desktop.core import roster
from desktop.core.db import Database
from desktop.core.models import Attachment, Duty, OfficerQualification, QualificationType, Unit

D = dt.date
MONTH = "2025-03"


def officer(db: Database, collar: str, surname: str, **values: Any) -> int:
    data = {"collar": collar, "surname": surname, "forenames": values.pop("forenames", "Sam")}
    data.update(values)
    return roster.create_officer(db, data)


def duty(db: Database, oid: int, day: dt.date, hours: float, **values: Any) -> None:
    with db.session() as s:
        s.add(Duty(officer_id=oid, date=day, hours=hours, **values))


def unit_id(db: Database, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(Unit.id).where(Unit.name == name))


def qual_id(db: Database, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(QualificationType.id).where(QualificationType.name == name))


def build_march_2025(db: Database) -> dict[str, int]:
    """Officers A..K with the return's hard cases; the expected March 2025 figures are in the tests."""
    ids: dict[str, int] = {}
    ids["adams"] = officer(
        db,
        "1001",
        "Adams",
        forenames="Amy",
        team="Response A",
        joined=D(2020, 1, 1),
        attested=D(2020, 6, 1),
        independent_patrol=D(2021, 1, 1),
    )
    ids["brown"] = officer(
        db, "1002", "Brown", team="Stevenage NPT", joined=D(2025, 3, 1), status="in training"
    )
    ids["clark"] = officer(
        db, "1003", "Clark", team="Response A", joined=D(2019, 1, 1), attested=D(2019, 3, 1)
    )
    ids["davies"] = officer(
        db, "1004", "Davies", team="Response A", joined=D(2018, 1, 1), attested=D(2018, 3, 1)
    )
    ids["evans"] = officer(
        db, "1005", "Evans", team="Response B", joined=D(2019, 1, 1), attested=D(2019, 3, 1)
    )
    ids["fox"] = officer(
        db,
        "1006",
        "Fox",
        team="Stevenage NPT",
        joined=D(2024, 12, 1),
        attested=D(2025, 4, 2),
        status="in training",
    )
    ids["green"] = officer(
        db, "1007", "Green", team="Response A", joined=D(2022, 1, 1), attested=D(2022, 5, 1)
    )
    ids["hughes"] = officer(
        db, "1008", "Hughes", team="Response B", joined=D(2015, 1, 1), attested=D(2015, 5, 1)
    )
    ids["irwin"] = officer(
        db, "1009", "Irwin", team="Response B", joined=D(2016, 1, 1), attested=D(2016, 5, 1)
    )
    ids["jones"] = officer(
        db,
        "1010",
        "Jones",
        team="Stevenage NPT",
        joined=D(2023, 1, 1),
        attested=D(2023, 5, 1),
        independent_patrol=D(2025, 3, 15),
    )
    ids["king"] = officer(db, "1011", "King", team=None, joined=D(2017, 1, 1), attested=D(2017, 5, 1))

    # leavers on the last and the first day of the month
    roster.record_leaving(db, ids["clark"], D(2025, 3, 31), "resigned")
    roster.record_leaving(db, ids["davies"], D(2025, 3, 1), "joined the regulars")
    # LOA since February; King goes on LOA only in April (active at month end)
    roster.update_officer(db, ids["evans"], {"status": "LOA"}, effective=D(2025, 2, 10))
    roster.update_officer(db, ids["king"], {"status": "LOA"}, effective=D(2025, 4, 10))
    # promoted after month end: a Special Constable in the March return
    roster.update_officer(db, ids["hughes"], {"rank": "SSgt"}, effective=D(2025, 4, 5))

    rpu = unit_id(db, "Road Policing Unit")
    # Adams: exactly 16 in March (8 patrol + 8 on the RPU); YTD across April: 31/3/2024 is last year
    duty(db, ids["adams"], D(2025, 3, 3), 8, duty_type="patrol")
    duty(db, ids["adams"], D(2025, 3, 20), 8, duty_type="specialist attachment", unit_id=rpu)
    duty(db, ids["adams"], D(2024, 3, 31), 6, duty_type="patrol")
    duty(db, ids["adams"], D(2024, 4, 1), 4, duty_type="patrol")
    # Clark: 5 hours before leaving on the 31st
    duty(db, ids["clark"], D(2025, 3, 10), 5, duty_type="response")
    # Green: overnight 31/3 22:00 -> 1/4 06:00 counts in March; 28/2 -> 1/3 counts in February
    duty(
        db,
        ids["green"],
        D(2025, 3, 31),
        8,
        duty_type="response",
        start_time=dt.time(22, 0),
        end_time=dt.time(6, 0),
    )
    duty(
        db,
        ids["green"],
        D(2025, 2, 28),
        8,
        duty_type="response",
        start_time=dt.time(20, 0),
        end_time=dt.time(4, 0),
    )
    # Hughes: nothing since December (inactive), some hours in the financial year
    duty(db, ids["hughes"], D(2024, 12, 5), 7, duty_type="event")
    # Irwin: nothing in March, but hours in February
    duty(db, ids["irwin"], D(2025, 2, 3), 6, duty_type="patrol")
    # Jones: a legacy monthly total for March
    duty(db, ids["jones"], D(2025, 3, 1), 20, duty_type="patrol", is_monthly_total=True, source="import")
    # a duty in April does not count in March
    duty(db, ids["adams"], D(2025, 4, 1), 9, duty_type="patrol")

    ppu = unit_id(db, "Public Protection Unit")
    rost = unit_id(db, "Rural Operational Support Team")
    with db.session() as s:
        s.add(Attachment(officer_id=ids["adams"], unit_id=rpu, start_date=D(2025, 3, 10), state="active"))
        s.add(
            Attachment(
                officer_id=ids["jones"],
                unit_id=ppu,
                start_date=D(2024, 6, 1),
                end_date=D(2025, 3, 20),
                state="ended",
            )
        )
        s.add(Attachment(officer_id=ids["irwin"], unit_id=rost, start_date=D(2023, 1, 1), state="active"))
        s.add(Attachment(officer_id=ids["green"], unit_id=rost, start_date=D(2025, 3, 5), state="requested"))
        first_aid, ost = qual_id(db, "First aid"), qual_id(db, "Officer safety training")
        s.add(
            OfficerQualification(
                officer_id=ids["adams"],
                type_id=first_aid,
                achieved_on=D(2024, 3, 15),
                expires_on=D(2025, 3, 15),
            )
        )
        s.add(
            OfficerQualification(
                officer_id=ids["jones"], type_id=ost, achieved_on=D(2024, 5, 1), expires_on=D(2025, 5, 1)
            )
        )
        s.add(
            OfficerQualification(
                officer_id=ids["irwin"],
                type_id=first_aid,
                achieved_on=D(2024, 1, 1),
                expires_on=D(2025, 1, 1),
            )
        )
        s.add(
            OfficerQualification(
                officer_id=ids["irwin"],
                type_id=first_aid,
                achieved_on=D(2025, 1, 2),
                expires_on=D(2026, 1, 2),
            )
        )
    return ids

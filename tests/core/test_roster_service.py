"""Roster service on a temporary database: create, update, validation, history, leaving, conflicts, hours."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from desktop.core import roster
from desktop.core.errors import ConflictError, NotFoundError, ValidationError
from desktop.core.models import Duty


def make(db, collar="4521", surname="Smith", **extra):
    return roster.create_officer(db, {"collar": collar, "surname": surname, **extra})


def test_fresh_database_is_seeded(db):
    from desktop.core import settings

    assert settings.get(db, "minimum_hours") == 16
    assert [code for code, _ in settings.ranks(db)][:2] == ["SC", "SSgt"]


def test_create_normalises_and_lists(db):
    oid = make(db, " sc 0452 ", "O'Brien", forenames="Siân", preferred_name="  ")
    rows = roster.list_officers(db)
    assert [(r.id, r.collar, r.name, r.rank, r.status, r.preferred_name) for r in rows] == [
        (oid, "SC0452", "O'Brien, Siân", "SC", "active", None)
    ]
    assert roster.find_by_collar(db, "sc0452") == oid
    assert roster.find_by_collar(db, "9999") is None


def test_create_keeps_every_field(db):
    values = {
        "collar": "4521",
        "surname": "Jones",
        "forenames": "Mary Ann",
        "preferred_name": "Annie",
        "rank": "SSgt",
        "status": "LOA",
        "team": "Response A",
        "station": "Stevenage",
        "joined": dt.date(2018, 1, 2),
        "attested": dt.date(2018, 3, 1),
        "independent_patrol": dt.date(2019, 1, 1),
        "date_of_birth": dt.date(1990, 5, 6),
        "phone": "01234 567890",
        "email": "mary@example.org",
        "address": "1 High St\nHitchin",
        "employer": "Acme Ltd",
        "esp": True,
        "driving": "response",
        "notes": "Speaks Welsh",
    }
    record = roster.get_officer(db, roster.create_officer(db, values))
    for key, value in values.items():
        assert record[key] == value, key
    assert record["left_date"] is None
    # Rank and status without a date are taken to have held since joining.
    assert [(h.value, h.effective) for h in record.rank_history] == [("SSgt", dt.date(2018, 1, 2))]
    assert [(h.value, h.effective) for h in record.status_history] == [("LOA", dt.date(2018, 1, 2))]


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"collar": "", "surname": "Smith"}, "collar", "required"),
        ({"collar": "1", "surname": " "}, "surname", "required"),
        ({"collar": "1", "surname": "S", "rank": "General"}, "rank", "Unknown rank"),
        ({"collar": "1", "surname": "S", "status": "retired"}, "status", "Unknown status"),
        (
            {"collar": "1", "surname": "S", "joined": dt.date(2020, 1, 1), "attested": dt.date(2019, 1, 1)},
            "attested",
            "before joining",
        ),
        (
            {
                "collar": "1",
                "surname": "S",
                "attested": dt.date(2020, 1, 1),
                "independent_patrol": dt.date(2019, 1, 1),
            },
            "independent_patrol",
            "before attestation",
        ),
        (
            {
                "collar": "1",
                "surname": "S",
                "joined": dt.date(2020, 1, 1),
                "status": "left",
                "left_date": dt.date(2019, 1, 1),
                "leaving_reason": "resigned",
            },
            "left_date",
            "before joining",
        ),
        ({"collar": "1", "surname": "S", "status": "left"}, "leaving_reason", "leaving reason"),
        ({"collar": "1", "surname": "S", "left_date": dt.date(2020, 1, 1)}, "status", "status Left"),
        ({"collar": "1", "surname": "S", "email": "not an email"}, "email", "email address"),
        (
            {"collar": "1", "surname": "S", "date_of_birth": dt.date.today() + dt.timedelta(days=3)},
            "date_of_birth",
            "future",
        ),
        (
            {
                "collar": "1",
                "surname": "S",
                "joined": dt.date(2020, 1, 1),
                "date_of_birth": dt.date(2021, 1, 1),
            },
            "date_of_birth",
            "joining",
        ),
    ],
)
def test_validation_names_the_field(db, data, field, words):
    with pytest.raises(ValidationError) as info:
        roster.create_officer(db, data)
    assert field in info.value.errors
    assert words.lower() in info.value.errors[field].lower()
    assert roster.list_officers(db) == []


def test_every_problem_is_reported_at_once(db):
    with pytest.raises(ValidationError) as info:
        roster.create_officer(db, {"collar": "", "surname": "", "email": "x"})
    assert set(info.value.errors) == {"collar", "surname", "email"}


def test_collar_must_be_unique(db):
    make(db, "4521", "Smith", forenames="Jo")
    with pytest.raises(ValidationError) as info:
        make(db, " 4521 ", "Brown")
    assert info.value.errors["collar"] == "Collar number 4521 is already used by Smith, Jo."
    other = make(db, "4522", "Brown")
    with pytest.raises(ValidationError):
        roster.update_officer(db, other, {"collar": "4521"})


def test_check_officer_reports_without_saving(db):
    oid = make(db, "1", "Smith", joined=dt.date(2020, 1, 1))
    assert roster.check_officer(db, {"collar": "1", "surname": ""}) == {
        "collar": "Collar number 1 is already used by Smith.",
        "surname": "Surname is required.",
    }
    assert roster.check_officer(db, {"attested": dt.date(2019, 1, 1)}, officer_id=oid) == {
        "attested": "Attested before joining: check both dates."
    }
    assert roster.check_officer(db, {"surname": "Jones"}, officer_id=oid) == {}
    assert roster.get_officer(db, oid)["surname"] == "Smith"


def test_update_changes_only_given_fields(db):
    oid = make(db, team="Response A", phone="1")
    before = roster.get_officer(db, oid)
    after = roster.update_officer(db, oid, {"team": "Response B"}, version=before.version)
    assert after["team"] == "Response B"
    assert after["phone"] == "1"
    assert after.version == before.version + 1
    # Nothing changed: no new version.
    same = roster.update_officer(db, oid, {"team": "Response B"}, version=after.version)
    assert same.version == after.version


def test_rank_and_status_changes_are_dated_history(db):
    oid = make(db, joined=dt.date(2015, 6, 1))
    roster.update_officer(
        db, oid, {"rank": "SSgt"}, effective=dt.date(2020, 4, 1), acting=True, reason="cover"
    )
    roster.update_officer(db, oid, {"status": "LOA"}, effective=dt.date(2021, 1, 1))
    record = roster.get_officer(db, oid)
    assert [(h.value, h.effective, h.acting, h.note) for h in record.rank_history] == [
        ("SC", dt.date(2015, 6, 1), False, None),
        ("SSgt", dt.date(2020, 4, 1), True, "cover"),
    ]
    assert [(h.value, h.effective) for h in record.status_history] == [
        ("active", dt.date(2015, 6, 1)),
        ("LOA", dt.date(2021, 1, 1)),
    ]
    assert record["rank"] == "SSgt" and record["status"] == "LOA"


def test_change_without_date_is_dated_today(db):
    oid = make(db)
    record = roster.update_officer(db, oid, {"rank": "SInsp"})
    assert record.rank_history[-1].effective == dt.date.today()


def test_change_cannot_predate_the_current_one(db):
    oid = make(db, joined=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as info:
        roster.update_officer(db, oid, {"rank": "SSgt"}, effective=dt.date(2019, 1, 1))
    assert "01/01/2020" in info.value.errors["effective"]
    with pytest.raises(ValidationError) as info:
        roster.update_officer(db, oid, {"status": "LOA"}, effective=dt.date(2019, 1, 1))
    assert "effective" in info.value.errors
    assert roster.get_officer(db, oid)["rank"] == "SC"


def test_record_leaving_keeps_the_officer(db):
    oid = make(db, joined=dt.date(2015, 6, 1))
    version = roster.get_officer(db, oid).version
    record = roster.record_leaving(
        db, oid, dt.date(2024, 3, 31), "joined the regulars", note="PC now", version=version
    )
    assert record["status"] == "left"
    assert record["left_date"] == dt.date(2024, 3, 31)
    assert record["leaving_reason"] == "joined the regulars"
    last = record.status_history[-1]
    assert (last.value, last.effective, last.reason) == ("left", dt.date(2024, 3, 31), "joined the regulars")
    rows = roster.list_officers(db)
    assert [(r.id, r.serving) for r in rows] == [(oid, False)]


def test_leaving_validation(db):
    oid = make(db, joined=dt.date(2015, 6, 1))
    with pytest.raises(ValidationError) as info:
        roster.record_leaving(db, oid, dt.date(2014, 1, 1), "resigned")
    assert "left_date" in info.value.errors
    with pytest.raises(ValidationError) as info:
        roster.record_leaving(db, oid, dt.date(2020, 1, 1), "bored")
    assert "leaving_reason" in info.value.errors
    assert roster.get_officer(db, oid)["status"] == "active"


def test_rejoining_clears_the_leaving_date_but_keeps_history(db):
    oid = make(db, joined=dt.date(2015, 6, 1))
    roster.record_leaving(db, oid, dt.date(2020, 1, 1), "resigned")
    record = roster.update_officer(db, oid, {"status": "active"}, effective=dt.date(2022, 1, 1))
    assert record["left_date"] is None and record["leaving_reason"] is None
    assert [h.value for h in record.status_history] == ["active", "left", "active"]


def test_stale_version_is_a_conflict_not_an_overwrite(db):
    oid = make(db)
    mine = roster.get_officer(db, oid)
    roster.update_officer(db, oid, {"phone": "111"}, version=mine.version)  # someone else saves
    with pytest.raises(ConflictError) as info:
        roster.update_officer(db, oid, {"phone": "222"}, version=mine.version)
    assert "since you opened it" in str(info.value)
    assert "4521 Smith" in str(info.value)
    assert roster.get_officer(db, oid)["phone"] == "111"
    with pytest.raises(ConflictError):
        roster.record_leaving(db, oid, dt.date.today(), "resigned", version=mine.version)


def test_unknown_officer(db):
    with pytest.raises(NotFoundError):
        roster.get_officer(db, 999)
    with pytest.raises(NotFoundError):
        roster.update_officer(db, 999, {"surname": "X"})


def test_hours_last_month_is_one_month_only(db):
    a = make(db, "1", "Able")
    b = make(db, "2", "Baker")
    make(db, "3", "Charlie")
    with db.session() as s:
        s.execute(
            insert(Duty),
            [
                {"officer_id": a, "date": dt.date(2024, 3, 1), "hours": 8.0},
                {"officer_id": a, "date": dt.date(2024, 3, 31), "hours": 4.5},
                {"officer_id": a, "date": dt.date(2024, 4, 1), "hours": 100.0},
                {"officer_id": a, "date": dt.date(2024, 2, 29), "hours": 100.0},
                {"officer_id": b, "date": dt.date(2024, 3, 15), "hours": 16.0},
            ],
        )
    rows = {r.collar: r.hours_last_month for r in roster.list_officers(db, hours_month="2024-03")}
    assert rows == {"1": 12.5, "2": 16.0, "3": 0.0}
    assert roster.last_month(dt.date(2024, 4, 15)) == "2024-03"
    assert roster.last_month(dt.date(2024, 1, 1)) == "2023-12"


def test_distinct_values_and_legacy_fields(db):
    a = make(db, "1", "A", team="Response A", station="Hitchin")
    make(db, "2", "B", team="Rural")
    make(db, "3", "C")
    assert roster.distinct_values(db, "team") == ["Response A", "Rural"]
    assert roster.distinct_values(db, "station") == ["Hitchin"]
    roster.set_legacy_field(db, a, "Locker", "12")
    roster.set_legacy_field(db, a, "Locker", "14")
    roster.set_legacy_field(db, a, "Boots", None)
    assert roster.get_officer(db, a).legacy_fields == [("Boots", None), ("Locker", "14")]


def test_list_officers_many_rows_in_one_go(db):
    """Rows come with their hours from one aggregate, for every officer including leavers."""
    for i in range(30):
        make(db, str(i), f"Officer{i:02d}")
    rows = roster.list_officers(db)
    assert len(rows) == 30
    assert [r.surname for r in rows] == sorted(r.surname for r in rows)

from desktop.core import roster, settings


def test_fresh_database_is_seeded(db):
    assert settings.get(db, "minimum_hours") == 16
    assert [code for code, _ in settings.ranks(db)][:2] == ["SC", "SSgt"]


def test_create_and_list_officer(db):
    oid = roster.create_officer(db, {"collar": " sc 0452 ", "surname": "O'Brien", "forenames": "Siân"})
    rows = roster.list_officers(db)
    assert [(r.id, r.collar, r.name) for r in rows] == [(oid, "SC0452", "O'Brien, Siân")]

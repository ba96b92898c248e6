"""The shared database: CiP Desk on PostgreSQL (skipped unless CIPDESK_TEST_PG gives a URL).

The whole suite's ``db`` tests also run on PostgreSQL then (see conftest); these are the ones that
only make sense with two users on one server.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from desktop.core import backup, roster
from desktop.core.db import Database, make_engine
from desktop.core.errors import ConflictError


def _second_user(db: Database) -> Database:
    """Another user's copy of CiP Desk on the same server (its own engine and connections)."""
    return Database(db.url, make_engine(db.url))


def test_concurrent_edit_conflict_on_postgresql(pg_db, monkeypatch):
    oid = roster.create_officer(pg_db, {"collar": "4521", "surname": "Smith", "team": "Response A"})
    mine = roster.get_officer(pg_db, oid)
    other = _second_user(pg_db)
    try:
        theirs = roster.get_officer(other, oid)
        assert theirs.version == mine.version
        # the other user saves first, as "jbloggs"
        from desktop.core import audit

        with monkeypatch.context() as m:
            m.setattr(audit, "current_user", lambda: "jbloggs")
            roster.update_officer(other, oid, {"team": "Response B"}, version=theirs.version)
        # my save, based on what I read before, is refused and names who changed it and when
        with pytest.raises(ConflictError) as err:
            roster.update_officer(pg_db, oid, {"phone": "01234 567890"}, version=mine.version)
        text = str(err.value)
        assert "changed by jbloggs at " in text and "Reload" in text
        record = roster.get_officer(pg_db, oid)
        assert record["team"] == "Response B" and record["phone"] is None  # nothing overwritten
        # after reloading, my change goes through
        roster.update_officer(pg_db, oid, {"phone": "01234 567890"}, version=record.version)
        assert roster.get_officer(other, oid)["phone"] == "01234 567890"
    finally:
        other.dispose()


def test_racing_saves_one_wins_one_is_refused(pg_db):
    """Two saves at the same moment (both read version 1): exactly one is refused."""
    oid = roster.create_officer(pg_db, {"collar": "1", "surname": "Race"})
    version = roster.get_officer(pg_db, oid).version
    engines = [Database(pg_db.url, make_engine(pg_db.url)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(database: Database, team: str) -> None:
        barrier.wait()
        try:
            roster.update_officer(database, oid, {"team": team}, version=version)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(d, t)) for d, t in zip(engines, ("A", "B"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in engines:
        d.dispose()
    assert sorted(outcomes) == ["refused", "saved"]
    assert roster.get_officer(pg_db, oid).version == version + 1


def test_backup_and_restore_through_a_sqlite_file(pg_db, tmp_path):
    oid = roster.create_officer(pg_db, {"collar": "1", "surname": "Kept", "joined": dt.date(2020, 1, 1)})
    roster.set_legacy_field(pg_db, oid, "Shoe size", "9")
    saved = backup.backup_to(pg_db, tmp_path / "pg.sqlite")
    info = backup.inspect_backup(saved)
    assert info.officers == 1
    roster.create_officer(pg_db, {"collar": "2", "surname": "Later"})
    result = backup.restore(pg_db, saved)
    assert result.info.officers == 1
    assert [r.collar for r in roster.list_officers(pg_db)] == ["1"]
    # ids keep counting after the restored rows (sequences reset)
    new = roster.create_officer(pg_db, {"collar": "3", "surname": "After"})
    assert new > oid
    assert roster.get_officer(pg_db, oid).legacy_fields == [("Shoe size", "9")]


def test_command_line_backup_of_postgresql(pg_db, tmp_path, capsys):
    from desktop import cli

    roster.create_officer(pg_db, {"collar": "1", "surname": "A"})
    out = tmp_path / "copy.sqlite"
    assert cli.main(["--db", pg_db.url, "backup", str(out)]) == 0
    assert "1 officer" in capsys.readouterr().out
    assert cli.main(["--db", pg_db.url, "restore", str(out)]) == 0
    assert "Restored" in capsys.readouterr().out

"""Opening databases: migrations from empty and from the first revision, backups before migrating,
refusing what is not ours (newer, foreign, not SQLite) without touching it, and file safety."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from desktop.core import migrate, roster
from desktop.core.db import make_engine
from desktop.core.errors import DatabaseOpenError, NewerDatabaseError, plain_message
from desktop.core.models import Base
from desktop.core.paths import db_url
from desktop.core.startup import open_database


def _version(path: Path) -> str | None:
    con = sqlite3.connect(str(path))
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upgrade_an_empty_database_to_head_matches_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(db_url(str(tmp_path / "empty.sqlite")))
    try:
        assert migrate.state(engine).current is None
        migrate.upgrade(engine)
        state = migrate.state(engine)
        assert state.current == migrate.head() and not state.needs_upgrade
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


RELEASED = sorted(migrate.known_revisions() - {migrate.head()})


@pytest.mark.parametrize("revision", RELEASED)
def test_a_database_made_by_every_earlier_revision_opens_and_keeps_its_data(tmp_path, revision):
    path = tmp_path / "first.sqlite"
    engine = make_engine(db_url(str(path)))
    migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO officers (collar, surname, forenames, rank, status, joined, esp, anonymised, "
                "created_at, updated_at, version) VALUES ('4521', 'O''Brien', 'Siân', 'SC', 'active', "
                "'2019-04-03', 0, 0, '2020-01-01 00:00:00', '2020-01-01 00:00:00', 1)"
            )
        )
    engine.dispose()
    assert _version(path) == revision

    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    try:
        assert migrate.state(db.engine).current == migrate.head()
        rows = roster.list_officers(db)
        assert [(r.collar, r.name, str(r.joined)) for r in rows] == [("4521", "O'Brien, Siân", "2019-04-03")]
        # and it works as a database of this version: add an officer beside the old one
        roster.create_officer(db, {"collar": "SC0001", "surname": "Nowak"})
        assert len(roster.list_officers(db)) == 2
    finally:
        db.dispose()


@pytest.fixture
def next_version(tmp_path, monkeypatch):
    """Call to switch to this version's migrations plus one more revision, as the next CiP Desk would
    ship them; returns the revision the databases of this version are at."""

    def switch() -> str:
        folder = tmp_path / "next-migrations"
        shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
        previous = migrate.head()
        (folder / "versions" / "9990_test_next.py").write_text(
            "from alembic import op\n\n"
            f"revision = '9990_test'\ndown_revision = '{previous}'\nbranch_labels = None\n"
            "depends_on = None\n\n\n"
            "def upgrade():\n    op.create_index('ix_test_officers_email', 'officers', ['email'])\n\n\n"
            "def downgrade():\n    op.drop_index('ix_test_officers_email', 'officers')\n",
            encoding="utf-8",
        )
        monkeypatch.setattr(migrate, "MIGRATIONS", folder)
        return previous

    return switch


def test_an_older_database_is_backed_up_before_it_is_migrated(tmp_path, next_version):
    path = tmp_path / "force.sqlite"
    backups = tmp_path / "backups"
    db = open_database(db_url(str(path)), backup_dir=backups)
    roster.create_officer(db, {"collar": "4521", "surname": "Smith-Jones"})
    db.dispose()
    assert _files(backups) == [], "a new database needs no backup"

    old_head = next_version()  # the same file opened by the next version
    db = open_database(db_url(str(path)), backup_dir=backups)
    try:
        assert _version(path) == "9990_test"
        assert [r.collar for r in roster.list_officers(db)] == ["4521"]
    finally:
        db.dispose()
    (backup,) = _files(backups)
    assert "before-migration" in backup.name and backup.suffix == ".sqlite"
    assert _version(backup) == old_head, "the backup is the database as it was before migrating"
    con = sqlite3.connect(str(backup))
    assert con.execute("SELECT collar FROM officers").fetchall() == [("4521",)]
    con.close()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    roster.create_officer(db, {"collar": "4521", "surname": "Müller"})
    db.dispose()
    con = sqlite3.connect(str(path))
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()

    with pytest.raises(NewerDatabaseError) as info:
        open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    message = plain_message(info.value)
    assert message and "newer version of CiP Desk" in message and "nothing was changed" in message
    assert path.read_bytes() == before
    assert _version(path) == "9999_from_the_future"
    assert _files(tmp_path / "backups") == []


def test_a_sqlite_file_of_another_program_is_refused_plainly(tmp_path):
    path = tmp_path / "contacts.db"
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE people (name TEXT, phone TEXT)")
    con.execute("INSERT INTO people VALUES ('Jo', '07700 900123')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError) as info:
        open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    assert "not made by CiP Desk" in plain_message(info.value)
    assert "Traceback" not in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]


@pytest.mark.parametrize(
    "content", [b"Collar,Surname\r\n4521,Smith\r\n", b"PK\x03\x04 not really a workbook"]
)
def test_a_file_that_is_not_sqlite_is_refused_plainly(tmp_path, content):
    path = tmp_path / "roster.sqlite"
    path.write_bytes(content)
    with pytest.raises(DatabaseOpenError) as info:
        open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    message = plain_message(info.value)
    assert str(path) in message and "not a CiP Desk database" in message
    assert path.read_bytes() == content


def test_an_empty_file_is_taken_as_a_new_database(tmp_path):
    path = tmp_path / "new.sqlite"
    path.touch()
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    try:
        assert migrate.state(db.engine).current == migrate.head()
    finally:
        db.dispose()


def test_a_folder_is_refused_plainly(tmp_path):
    with pytest.raises(DatabaseOpenError, match="is a folder"):
        open_database(db_url(str(tmp_path)))


def test_the_database_file_is_readable_by_its_user_only(db, db_path):
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    roster.create_officer(db, {"collar": "1", "surname": "Ward"})
    for extra in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        if extra.exists():
            assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra.name


def test_a_new_folder_for_the_database_is_private(tmp_path):
    path = tmp_path / "new" / "place" / "cipdesk.sqlite"
    db = open_database(db_url(str(path)), backup_dir=tmp_path / "backups")
    db.dispose()
    assert path.exists()
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


@pytest.mark.sqlite_only
def test_wal_and_foreign_keys_are_on(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO duties (officer_id, date, hours, duty_type, is_monthly_total, source, "
                "created_at, version) VALUES (999, '2026-01-01', 4, 'patrol', 0, 'manual', "
                "'2026-01-01 00:00:00', 1)"
            )
        )

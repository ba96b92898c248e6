"""Data protection: retention review, anonymisation (figures kept, personal data gone), subject access."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from desktop import importing as importer
from desktop.core import data_protection as dp
from desktop.core import returns, roster, settings
from desktop.core.models import AuditEvent, Duty, ImportRow, LegacyField, MonthLock, Officer
from desktop.excel.subject_access import write_subject_access

TODAY = dt.date(2026, 6, 15)
PERSONAL = (
    "Featherstone",
    "Siobhán",
    "siobhan@example.org",
    "07700 900123",
    "12 Acacia Avenue",
    "Tesco",
    "knee",
)


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def folder(db, tmp_path) -> Path:
    path = tmp_path / "backups"
    settings.set_value(db, "backup_folder", str(path))
    return path


def _leaver(db, collar: str, left: dt.date, **extra) -> int:
    data = {
        "collar": collar,
        "surname": "Featherstone",
        "forenames": "Siobhán",
        "email": "siobhan@example.org",
        "phone": "07700 900123",
        "address": "12 Acacia Avenue",
        "employer": "Tesco",
        "notes": "Bad knee",
        "date_of_birth": dt.date(1980, 5, 1),
        "joined": dt.date(2010, 1, 4),
        "attested": dt.date(2010, 6, 1),
        "team": "Response A",
        "status": "left",
        "left_date": left,
        "leaving_reason": "resigned",
        **extra,
    }
    oid = roster.create_officer(db, data)
    roster.set_legacy_field(db, oid, "Next of kin", "Mary Featherstone 07700 900999")
    return oid


def _duties(db, oid: int, days: list[dt.date], hours: float = 5.0) -> None:
    with db.session() as s:
        for day in days:
            s.add(
                Duty(officer_id=oid, date=day, hours=hours, duty_type="patrol", note="took the knee to A&E")
            )


def test_retention_review_lists_leavers_past_the_period(db):
    old = _leaver(db, "100", dt.date(2019, 6, 14))
    _leaver(db, "101", dt.date(2020, 6, 16))  # left less than 6 years before TODAY
    roster.create_officer(db, {"collar": "102", "surname": "Serving"})
    rows = dp.retention_due(db, TODAY)
    assert [(r.id, r.collar, r.left_date, r.due) for r in rows] == [
        (old, "100", dt.date(2019, 6, 14), dt.date(2025, 6, 14))
    ]
    assert rows[0].name == "Featherstone, Siobhán" and rows[0].years_since_leaving(TODAY) == 7.0
    settings.set_value(db, "retention_years", 2)
    assert [r.collar for r in dp.retention_due(db, TODAY)] == ["100", "101"]
    dp.anonymise(db, [old], make_backup=False)
    assert [r.collar for r in dp.retention_due(db, TODAY)] == ["101"]


def _without_names(figures):
    """The return's figures with every personal name taken out (names are not figures)."""
    if isinstance(figures, dict):
        return {k: _without_names(v) for k, v in figures.items() if k != "name"}
    if isinstance(figures, list):
        return [_without_names(v) for v in figures]
    return figures


def _recollared(figures, old: str, new: str):
    """The figures with one officer's collar number written as another."""
    if isinstance(figures, dict):
        return {
            k: (new if k == "collar" and v == old else _recollared(v, old, new)) for k, v in figures.items()
        }
    if isinstance(figures, list):
        return [_recollared(v, old, new) for v in figures]
    return figures


def test_anonymise_keeps_return_figures_and_removes_personal_data(db, folder):
    leaver = _leaver(db, "100", dt.date(2019, 3, 31))
    other = _leaver(db, "200", dt.date(2019, 3, 31), surname="Keepme", email="keep@example.org")
    serving = roster.create_officer(db, {"collar": "300", "surname": "Active", "joined": dt.date(2015, 1, 1)})
    days = [dt.date(2019, 1, 5), dt.date(2019, 1, 20), dt.date(2019, 2, 2), dt.date(2019, 3, 30)]
    for oid in (leaver, other, serving):
        _duties(db, oid, days)
    returns.sign_off(db, "2019-02")
    months = ("2019-01", "2019-02", "2019-03", "2019-04")
    before = {m: returns.compute(db, m).to_json() for m in months}
    assert any(o["collar"] == "100" for o in before["2019-03"]["officers"])

    assert dp.anonymise(db, [leaver], reason="retention review 2026") == 1
    after = {m: returns.compute(db, m).to_json() for m in months}
    for m in months:  # the same figures, the collar number 100 now the token
        assert _without_names(after[m]) == _without_names(_recollared(before[m], "100", "ANON-0001")), m
    row = next(o for o in after["2019-03"]["officers"] if o["collar"] == "ANON-0001")
    assert row["name"] == "Anonymised" and row["hours"] == 5.0

    record = roster.get_officer(db, leaver)
    assert record["surname"] == "Anonymised" and record["collar"] == "ANON-0001"
    for name in dp.PERSONAL_FIELDS:
        assert record[name] is None, name
    assert (record["joined"], record["left_date"], record["team"], record["status"]) == (
        dt.date(2010, 1, 4),
        dt.date(2019, 3, 31),
        "Response A",
        "left",
    )
    with db.read() as s:
        o = s.get(Officer, leaver)
        assert o.anonymised
        assert not list(s.scalars(select(LegacyField).where(LegacyField.officer_id == leaver)))
        assert all(n is None for n in s.scalars(select(Duty.note).where(Duty.officer_id == leaver)))
        assert s.scalar(select(Duty.note).where(Duty.officer_id == other)) == "took the knee to A&E"
        trail = [
            dict(action=e.action, field=e.field, old=e.old, new=e.new, reason=e.reason, user=e.user)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.officer_id == leaver))
        ]
        lock_figures = s.scalar(select(MonthLock.figures).where(MonthLock.month == "2019-02"))
        lock_events = list(s.scalars(select(AuditEvent.new).where(AuditEvent.entity == "month_locks")))
    text = json.dumps([[e["old"], e["new"]] for e in trail], ensure_ascii=False)
    for value in PERSONAL + ("Mary", "A&E"):
        assert value not in text, value
    marks = [e for e in trail if e["action"] == "anonymise"]
    assert len(marks) == 1 and marks[0]["reason"] == "retention review 2026" and marks[0]["user"]
    assert any(e["field"] == "surname" and e["new"] == "Anonymised" for e in trail)
    create = next(
        e for e in trail if e["action"] == "create" and e["new"] and '"collar": "ANON-0001"' in e["new"]
    )
    assert '"left_date": "2019-03-31"' in create["new"]  # figures stay readable in the trail
    # the signed-off return keeps its figures; only the name and collar number went, there and in
    # its audit snapshot
    names = {o["collar"]: o["name"] for o in lock_figures["officers"]}
    assert names["ANON-0001"] == "Anonymised" and names["200"] == "Keepme, Siobhán" and "100" not in names
    assert _without_names(lock_figures) == _without_names(_recollared(before["2019-02"], "100", "ANON-0001"))
    assert returns.drift(db, "2019-02") == []
    assert lock_events and all("Featherstone, Siobhán" not in (new or "") for new in lock_events)
    # the other leaver is untouched
    assert roster.get_officer(db, other)["email"] == "keep@example.org"
    # a backup was made first, and anonymising again does nothing
    if db.is_sqlite:  # a PostgreSQL server is backed up by its administrators
        assert any("-before-anonymise-" in p.name for p in folder.iterdir())
    assert dp.anonymise(db, [leaver], make_backup=False) == 0


def test_anonymise_redacts_imported_rows(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "First Name(s)", "Date Joined", "Email", "Next of kin"])
    ws.append(["4521", "Featherstone", "Siobhán", "04/01/2010", "siobhan@example.org", "Mary Featherstone"])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    result = importer.run(db, path, backup=False)
    assert result.plan.count("created") == 1
    oid = roster.find_by_collar(db, "4521")
    roster.record_leaving(db, oid, dt.date(2018, 1, 1), "resigned")
    dp.anonymise(db, [oid], make_backup=False)
    with db.read() as s:
        rows = [
            (r.original, r.changes) for r in s.scalars(select(ImportRow).where(ImportRow.officer_id == oid))
        ]
        trail = [[e.old, e.new] for e in s.scalars(select(AuditEvent).where(AuditEvent.officer_id == oid))]
    assert rows and all(original is None for original, _ in rows)
    text = json.dumps(trail, ensure_ascii=False) + json.dumps([c for _, c in rows], ensure_ascii=False)
    for value in ("Featherstone", "Siobhán", "siobhan@example.org", "Mary"):
        assert value not in text, value


def test_subject_access_export_contents(db, tmp_path):
    oid = _leaver(db, "4521", dt.date(2024, 1, 31), notes='=HYPERLINK("http://x")')
    roster.update_officer(db, oid, {"phone": "01234 567890"}, reason="phoned in")
    _duties(db, oid, [dt.date(2023, 5, 1), dt.date(2023, 5, 9)], hours=4.5)
    roster.create_officer(db, {"collar": "999", "surname": "Someoneelse"})
    out = write_subject_access(dp.subject_access_data(db, oid), tmp_path / "sar.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "About this export",
        "Details",
        "Rank history",
        "Status history",
        "Pathway",
        "Qualifications",
        "Attachments",
        "Duties",
        "Legacy fields",
        "Imports",
        "Audit trail",
    ]
    details = {r[0]: r[1] for r in wb["Details"].iter_rows(min_row=2, values_only=True)}
    assert details["Collar number"] == "4521" and details["Surname"] == "Featherstone"
    assert details["Email"] == "siobhan@example.org" and details["Phone"] == "01234 567890"
    assert details["Left"].date() == dt.date(2024, 1, 31)
    notes_cell = next(c for c in wb["Details"]["A"] if c.value == "Notes").offset(column=1)
    assert notes_cell.value == '=HYPERLINK("http://x")' and notes_cell.data_type == "s"
    duties = list(wb["Duties"].iter_rows(min_row=2, values_only=True))
    assert [(d[0].date(), d[3]) for d in duties] == [(dt.date(2023, 5, 1), 4.5), (dt.date(2023, 5, 9), 4.5)]
    assert list(wb["Legacy fields"].iter_rows(min_row=2, values_only=True)) == [
        ("Next of kin", "Mary Featherstone 07700 900999")
    ]
    statuses = [r[0] for r in wb["Status history"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["active", "left"]  # entered as a leaver: serving from joining until leaving
    trail = list(wb["Audit trail"].iter_rows(min_row=2, values_only=True))
    assert any(r[5] == "phone" and r[7] == "01234 567890" and r[8] == "phoned in" for r in trail)
    assert list(wb["Pathway"].iter_rows(min_row=2, values_only=True)) == [("None held.", None, None, None)]
    assert "Someoneelse" not in json.dumps([list(ws.values) for ws in wb.worksheets], default=str)


def test_retention_review_window(ctx, db, qtbot, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import data_protection as ui

    first = _leaver(db, "100", dt.date(2015, 1, 1))
    _leaver(db, "101", dt.date(2016, 1, 1))
    dialog = ui.RetentionReview(ctx, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2 and not dialog.anonymise_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.anonymise_button.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text, **_k: asked.append(text) or True)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(dp, "anonymise", lambda d, ids, **k: _real_anonymise(d, ids, make_backup=False))
    dialog.anonymise_selected()
    qtbot.waitUntil(lambda: bool(told))
    assert "100 Featherstone, Siobhán (left 01/01/2015)" in asked[0]
    assert told == ["1 officer was anonymised."]
    assert roster.get_officer(db, first)["surname"] == "Anonymised"
    assert [r.collar for r in dialog.model.rows] == ["101"]


_real_anonymise = dp.anonymise


def test_retention_review_empty(ctx, qtbot):
    from desktop.ui.safety import data_protection as ui

    dialog = ui.RetentionReview(ctx, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert "No leaver is past the 6-year retention period" in dialog.empty.label.text()


def test_subject_access_window(ctx, db, qtbot, tmp_path, monkeypatch):
    from desktop.ui import dialogs
    from desktop.ui.safety import data_protection as ui

    oid = _leaver(db, "4521", dt.date(2024, 1, 31))
    roster.create_officer(db, {"collar": "4522", "surname": "Other"})
    chooser = ui.ChooseOfficer(ctx)
    qtbot.addWidget(chooser)
    chooser.edit.setText("4521")
    assert chooser.officer_id == oid and chooser.ok.isEnabled()
    chooser.edit.setText("452")
    assert chooser.officer_id is None and "2 officers match" in chooser.feedback.text()
    chooser.edit.setText("feath")
    assert chooser.officer_id == oid
    chooser.edit.setText("zzz")
    assert chooser.officer_id is None and "No officer matches" in chooser.feedback.text()

    monkeypatch.setattr(ui, "choose_officer", lambda _p, _c: oid)
    suggested: list[str] = []
    out = tmp_path / "export"

    def save_file(_p, _t, name, _f):
        suggested.append(name)
        return str(out)

    monkeypatch.setattr(dialogs, "save_file", save_file)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: told.append(text))
    ui.subject_access_export(None, ctx)
    qtbot.waitUntil(lambda: bool(told))
    assert suggested[0].startswith("Subject access 4521 Featherstone ")
    assert Path(str(out) + ".xlsx").exists() and "personal data" in told[0]


def test_logs_name_no_one(db, qapp, caplog, monkeypatch):
    """Database errors carry no values (hide_parameters); refused actions log only their kind."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from desktop import app
    from desktop.core.errors import ValidationError
    from desktop.ui import dialogs

    with pytest.raises(IntegrityError) as err:
        with db.session() as s:
            s.add(Officer(collar="1", surname="Featherstone", email="siobhan@example.org"))
            s.add(Officer(collar="1", surname="Featherstone", email="siobhan@example.org"))
    assert "Featherstone" not in str(err.value) and "siobhan" not in str(err.value)
    monkeypatch.setattr(dialogs, "error", lambda *a, **k: None)
    with caplog.at_level(logging.INFO):
        exc = ValidationError({"collar": "Collar number 1 is already used by Featherstone, Siobhán."})
        app._excepthook(ValidationError, exc, None)
    assert caplog.records and "Featherstone" not in caplog.text


# Everything that identified the officer of the next test, as it was written somewhere.
OLD_VALUES = (
    "ZX4520",  # the collar number first imported
    "ZX4521",  # and as corrected
    "Featherstone",
    "Siobhán",
    "07700 900123",
    "07700 900456",  # a phone number held before
    "siobhan@example.org",
    "12 Acacia Avenue",
    "Letchworth",
    "Acme Widgets",
    "1980-05-01",
    "01/05/1980",
    "Mary Featherstone",
)


def _every_text_value(db) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every text or JSON column of every table."""
    from sqlalchemy import JSON, String, Text

    from desktop.core.models import Base

    found = []
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in s.execute(select(*columns)) if columns else ():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                        found.append((table.name, column.name, text))
    return found


def test_anonymised_officer_leaves_no_old_value_anywhere_in_the_database(db, tmp_path):
    from desktop.core import attachments as att
    from desktop.core import hours, pathway
    from desktop.core import qualifications as quals

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Collar No.",
            "Surname",
            "First Name(s)",
            "Date Joined",
            "Attested",
            "DOB",
            "Mobile",
            "Email",
            "Address",
            "Employer",
            "Next of kin",
            "Jan-19",
            "Feb-19",
        ]
    )
    ws.append(
        [
            "ZX4520",
            "Featherstone",
            "Siobhán",
            "04/01/2010",
            "01/06/2010",
            "01/05/1980",
            "07700 900456",
            "siobhan@example.org",
            "12 Acacia Avenue, Letchworth",
            "Acme Widgets Ltd",
            "Mary Featherstone",
            12,
            9,
        ]
    )
    ws.append(
        ["ZX9000", "Keepme", "Jo", "04/01/2012", "01/06/2012", None, None, None, None, None, None, 10, 10]
    )
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    importer.run(db, path, backup=False)
    oid = roster.find_by_collar(db, "ZX4520")
    keep = roster.find_by_collar(db, "ZX9000")
    roster.update_officer(db, oid, {"collar": "ZX4521"}, reason="typo in Featherstone's collar number")
    roster.update_officer(db, oid, {"phone": "07700 900123"}, reason="Siobhán phoned in from 07700 900123")
    roster.update_officer(db, oid, {"team": "Response A"}, reason="ZX4521 moved to Response A")
    roster.set_legacy_field(db, oid, "Hobby", "Featherstone family choir")
    quals.record(
        db,
        oid,
        next(t.id for t in quals.list_types(db) if t.name == "First aid"),
        dt.date(2018, 5, 1),
        "Siobhán passed with St John",
    )
    stage = pathway.get_pathway(db).by_code("application")
    pathway.record_stage(
        db,
        oid,
        stage.id,
        dt.date(2010, 1, 4),
        assessor="Insp Mary Featherstone",
        note="Featherstone applied online",
    )
    unit = att.list_units(db)[0]
    att.request(
        db,
        oid,
        unit.id,
        dt.date(2018, 6, 1),
        active=True,
        supervisor="PS Grey",
        override_reason="Featherstone has years on the unit",
    )
    hours.add_duty(
        db,
        {
            "officer_id": oid,
            "date": dt.date(2019, 2, 10),
            "hours": 4,
            "duty_type": "patrol",
            "note": "Siobhán covered the fête",
        },
    )
    roster.record_leaving(db, oid, dt.date(2019, 3, 31), "resigned", note="Featherstone moved to Letchworth")
    returns.sign_off(db, "2019-02")
    # A later roll: the same collar number with a date that cannot be read is rejected with her cells.
    ws.delete_rows(2)
    ws.append(
        [
            "ZX4521",
            "Featherstone",
            "Siobhán",
            "31/02/2010",
            None,
            "01/05/1980",
            "07700 900123",
            "siobhan@example.org",
            None,
            None,
            None,
            None,
            None,
        ]
    )
    wb.save(path)
    importer.run(db, path, backup=False)

    months = ("2019-01", "2019-02", "2019-03")
    before = {m: returns.compute(db, m).to_json() for m in months}
    everything = " ".join(text for *_, text in _every_text_value(db))
    assert all(value in everything for value in OLD_VALUES)  # the test sees them before

    assert dp.anonymise(db, [oid], make_backup=False) == 1
    left = [
        (table, column, value)
        for table, column, text in _every_text_value(db)
        for value in OLD_VALUES
        if value.lower() in text.lower()
    ]
    assert left == [], "\n".join(f"{table}.{column} still holds {value!r}" for table, column, value in left)
    # A token that identifies no one, the figures unchanged.
    assert roster.get_officer(db, oid)["collar"] == "ANON-0001"
    for m in months:
        now = returns.compute(db, m).to_json()
        assert _without_names(now) == _without_names(_recollared(before[m], "ZX4521", "ANON-0001")), m
        assert now["hours"]["total"] == before[m]["hours"]["total"]
    assert returns.drift(db, "2019-02") == []
    assert roster.get_officer(db, keep)["surname"] == "Keepme"
    # The next one gets the next token.
    roster.record_leaving(db, keep, dt.date(2019, 3, 31), "retired")
    dp.anonymise(db, [keep], make_backup=False)
    assert roster.get_officer(db, keep)["collar"] == "ANON-0002"

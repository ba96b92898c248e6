"""Every editable field of every record kind against signed-off months: a reason is asked for exactly
when the change would alter a signed-off month's figures, and then for exactly those months.

The judge is the return itself: each change is tried without a reason, then the figures of the
signed-off months (as ``returns.compute`` gives them, notes included) are compared before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from desktop import importing as importer
from desktop.core import attachments as att
from desktop.core import hours, month_locks, pathway, returns, roster
from desktop.core import qualifications as quals
from desktop.core.models import Unit
from desktop.core.month_locks import LockedMonthError

D = dt.date
SIGNED = ("2025-03", "2025-06")
TODAY = dt.date.today()


def figures(db) -> dict[str, dict[str, Any]]:
    out = {}
    for month in SIGNED:
        f = returns.compute(db, month).to_json()
        f.pop("rank_names")  # labels of the rank codes, not figures
        out[month] = f
    return out


def changed_months(before, after) -> list[str]:
    return [
        m
        for m in SIGNED
        if returns.differences(before[m], after[m]) or before[m]["notes"] != after[m]["notes"]
    ]


class Walk:
    """Tries each change without a reason; the return decides whether one was needed."""

    def __init__(self, db):
        self.db = db
        self.asked: dict[str, list[str]] = {}
        self.free: list[str] = []

    def __call__(self, label: str, expect: list[str] | None, change: Callable[[str | None], Any]) -> Any:
        before = figures(self.db)
        try:
            result = change(None)
        except LockedMonthError as exc:
            assert figures(self.db) == before, f"{label}: refused, yet something was saved"
            result = change(f"walk: {label}")
            after = figures(self.db)
            moved = changed_months(before, after)
            assert exc.months == moved, f"{label}: asked for {exc.months}, the figures of {moved} changed"
            assert "has been signed off" in str(exc) and exc.aspects
            self.asked[label] = exc.months
        else:
            moved = changed_months(before, figures(self.db))
            assert moved == [], f"{label}: saved without a reason, yet changed the figures of {moved}"
            self.free.append(label)
        assert (moved or None) == expect, f"{label}: expected {expect}, the figures of {moved} changed"
        return result


def officer(db, collar: str, surname: str, **values: Any) -> int:
    return roster.create_officer(db, {"collar": collar, "surname": surname, "forenames": "Sam", **values})


def type_id(db, name: str) -> int:
    return next(t.id for t in quals.list_types(db) if t.name == name)


def unit_id(db, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(Unit.id).where(Unit.name == name))


def stage_id(db, code: str) -> int:
    st = pathway.get_pathway(db).by_code(code)
    assert st is not None
    return st.id


def version(db, oid: int) -> int:
    return roster.get_officer(db, oid).version


def duty(db, oid: int, day: dt.date, hours_: float = 6.0) -> int:
    return hours.add_duty(db, {"officer_id": oid, "date": day, "hours": hours_, "duty_type": "patrol"}).id


@pytest.fixture
def force(db):
    """Officers in, out of and around the two signed-off months; then March and June 2025 signed off."""
    ids = {
        "in": officer(
            db,
            "1001",
            "Adams",
            team="Response A",
            station="Hitchin",
            phone="01234 000001",
            joined=D(2020, 1, 1),
            attested=D(2020, 6, 1),
            independent_patrol=D(2021, 1, 1),
            date_of_birth=D(1990, 1, 1),
        ),
        "later": officer(db, "1002", "Brown", team="Response B", joined=D(2025, 9, 1)),
        "gone": officer(
            db,
            "1003",
            "Clark",
            team="Response B",
            joined=D(2015, 1, 1),
            status="left",
            left_date=D(2024, 1, 31),
            leaving_reason="resigned",
        ),
        "trainee": officer(db, "1004", "Davies", team="Response A", joined=D(2024, 1, 10)),
        "roster": officer(db, "1005", "Evans", joined=D(2018, 1, 1), attested=D(2018, 6, 1)),
        "leaver": officer(db, "1006", "Fox", joined=D(2019, 1, 1), attested=D(2019, 6, 1)),
        "newest": officer(db, "1007", "Green", joined=D(2025, 10, 1)),
    }
    for code, day in (("application", 10), ("vetting", 11), ("phase1", 12)):
        pathway.record_stage(db, ids["trainee"], stage_id(db, code), D(2024, 1, day))
    duty(db, ids["in"], D(2025, 3, 10))
    duty(db, ids["in"], D(2025, 6, 10), 5)
    duty(db, ids["later"], D(2025, 10, 10))
    quals.record(db, ids["in"], type_id(db, "First aid"), D(2024, 4, 15))  # expires 15/04/2025
    quals.record(db, ids["in"], type_id(db, "Officer safety training"), D(2024, 10, 1))
    rpu = att.request(
        db, ids["in"], unit_id(db, "Road Policing Unit"), D(2024, 6, 1), active=True, override_reason="test"
    )
    ids["rpu"] = rpu.id
    for month in SIGNED:
        returns.sign_off(db, month)
    return ids


def test_every_field_of_every_record_needs_a_reason_exactly_when_a_signed_off_month_changes(db, force):
    ids, walk = force, Walk(db)
    a = ids["in"]
    both = list(SIGNED)

    # -- officer fields ----------------------------------------------------------------------------
    for name, value in (
        ("phone", "07700 900001"),
        ("email", "adams@example.org"),
        ("address", "1 High Street"),
        ("employer", "Tesco"),
        ("esp", True),
        ("driving", "response"),
        ("notes", "Prefers nights"),
        ("station", "Stevenage"),
        ("preferred_name", "Sammy"),
        ("date_of_birth", D(1991, 2, 2)),
    ):
        walk(name, None, lambda r, n=name, v=value: roster.update_officer(db, a, {n: v}, locked_reason=r))
    walk("legacy field", None, lambda r: roster.set_legacy_field(db, a, "Shoe size", "9"))
    for name, value in (
        ("team", "Rural"),
        ("surname", "Adamson"),
        ("forenames", "Samantha"),
        ("collar", "1101"),
    ):
        walk(name, both, lambda r, n=name, v=value: roster.update_officer(db, a, {n: v}, locked_reason=r))
    # The same fields of officers who are in neither month: no reason.
    for who in ("gone", "later"):
        for name, value in (("team", "Rural"), ("surname", "Other"), ("collar", f"2{ids[who]:03d}")):
            walk(
                f"{name} of {who}",
                None,
                lambda r, w=who, n=name, v=value: roster.update_officer(db, ids[w], {n: v}, locked_reason=r),
            )
    walk(
        "leaving reason of gone",
        None,
        lambda r: roster.update_officer(db, ids["gone"], {"leaving_reason": "retired"}, locked_reason=r),
    )

    # -- service dates: only a move across a month's end (or into the month) counts ----------------
    walk(
        "joined earlier",
        None,
        lambda r: roster.update_officer(db, a, {"joined": D(2019, 6, 1)}, locked_reason=r),
    )
    walk(
        "attested earlier",
        None,
        lambda r: roster.update_officer(db, a, {"attested": D(2019, 12, 1)}, locked_reason=r),
    )
    walk(
        "independent patrol later",
        None,
        lambda r: roster.update_officer(db, a, {"independent_patrol": D(2021, 3, 1)}, locked_reason=r),
    )
    e = ids["roster"]
    walk(
        "independent patrol in June",
        ["2025-06"],
        lambda r: roster.update_officer(db, e, {"independent_patrol": D(2025, 6, 10)}, locked_reason=r),
    )
    walk(
        "attested after March",
        ["2025-03"],
        lambda r: roster.update_officer(db, e, {"attested": D(2025, 4, 1)}, locked_reason=r),
    )
    walk(
        "joined moved into March",
        both,
        lambda r: roster.update_officer(db, ids["later"], {"joined": D(2025, 3, 15)}, locked_reason=r),
    )

    # -- rank and status history -----------------------------------------------------------------
    walk(
        "rank from May",
        ["2025-06"],
        lambda r: roster.update_officer(db, a, {"rank": "SSgt"}, effective=D(2025, 5, 1), locked_reason=r),
    )
    walk("rank from today", None, lambda r: roster.update_officer(db, a, {"rank": "SInsp"}, locked_reason=r))
    walk(
        "status from February",
        both,
        lambda r: roster.update_officer(db, e, {"status": "LOA"}, effective=D(2025, 2, 15), locked_reason=r),
    )
    walk(
        "status from today",
        None,
        lambda r: roster.update_officer(db, e, {"status": "active"}, locked_reason=r),
    )

    # -- leaving and new officers ------------------------------------------------------------------
    walk(
        "leaving in March",
        both,
        lambda r: roster.record_leaving(db, ids["leaver"], D(2025, 3, 20), "resigned", locked_reason=r),
    )
    walk(
        "leaving today",
        None,
        lambda r: roster.record_leaving(db, ids["newest"], TODAY, "resigned", locked_reason=r),
    )
    walk(
        "new officer who served",
        both,
        lambda r: roster.create_officer(
            db, {"collar": "1008", "surname": "Hughes", "joined": D(2020, 1, 1)}, locked_reason=r
        ),
    )
    walk(
        "new officer who joined later",
        None,
        lambda r: roster.create_officer(
            db, {"collar": "1009", "surname": "Irwin", "joined": D(2025, 8, 1)}, locked_reason=r
        ),
    )

    # -- pathway stages ----------------------------------------------------------------------------
    t = ids["trainee"]
    attestation, qsc = stage_id(db, "attestation"), stage_id(db, "qsc")
    entry = walk(
        "attestation in February",
        both,
        lambda r: pathway.record_stage(db, t, attestation, D(2025, 2, 1), locked_reason=r),
    )
    walk(
        "attestation corrected within February",
        None,
        lambda r: pathway.correct_entry(
            db, entry, on=D(2025, 2, 3), assessor="Sgt Bell", note="ceremony", reason="typo", locked_reason=r
        ),
    )
    walk(
        "attestation corrected to April",
        ["2025-03"],
        lambda r: pathway.correct_entry(
            db, entry, on=D(2025, 4, 2), assessor="Sgt Bell", note=None, reason="typo", locked_reason=r
        ),
    )
    walk(
        "attestation removed",
        both,  # March counts them as attested again, June's note on missing attestation dates changes
        lambda r: pathway.remove_entry(db, entry, reason="wrong officer", locked_reason=r),
    )
    walk(
        "attestation again",
        both,
        lambda r: pathway.record_stage(db, t, attestation, D(2025, 2, 1), locked_reason=r),
    )
    for code, day in (("aps", D(2025, 4, 1)), ("dps", D(2025, 4, 2)), ("phase2", D(2025, 4, 3))):
        walk(
            code,
            None,
            lambda r, c=code, d=day: pathway.record_stage(db, t, stage_id(db, c), d, locked_reason=r),
        )
    ip = walk(
        "independent patrol stage in June",
        ["2025-06"],
        lambda r: pathway.record_stage(db, t, qsc, D(2025, 6, 5), assessor="Sgt Bell", locked_reason=r),
    )
    walk(
        "its assessor",
        None,
        lambda r: pathway.correct_entry(
            db, ip, on=D(2025, 6, 5), assessor="Insp Cole", note="good", reason="name", locked_reason=r
        ),
    )
    walk(
        "its date within June",
        ["2025-06"],
        lambda r: pathway.correct_entry(
            db, ip, on=D(2025, 6, 20), assessor="Insp Cole", note=None, reason="typo", locked_reason=r
        ),
    )
    walk(
        "its removal", ["2025-06"], lambda r: pathway.remove_entry(db, ip, reason="too soon", locked_reason=r)
    )

    # -- qualifications ----------------------------------------------------------------------------
    first_aid = walk(
        "first aid renewed in March",
        both,
        lambda r: quals.record(db, a, type_id(db, "First aid"), D(2025, 3, 1), locked_reason=r),
    )
    walk(
        "a skill that never expires",
        None,
        lambda r: quals.record(db, a, type_id(db, "ICT skills"), D(2024, 5, 1), locked_reason=r),
    )
    walk(
        "a qualification achieved today",
        None,
        lambda r: quals.record(db, a, type_id(db, "Driving: basic"), TODAY, locked_reason=r),
    )
    walk(
        "first aid record removed",
        both,
        lambda r: quals.remove_record(db, first_aid, reason="entered twice", locked_reason=r),
    )
    walk(
        "first aid of an officer who joined later",
        None,
        lambda r: quals.record(db, ids["newest"], type_id(db, "First aid"), D(2025, 10, 2), locked_reason=r),
    )

    # -- attachments -------------------------------------------------------------------------------
    ppu, rost = unit_id(db, "Public Protection Unit"), unit_id(db, "Rural Operational Support Team")
    walk(
        "supervisor corrected",
        None,
        lambda r: att.correct(
            db,
            ids["rpu"],
            start_date=D(2024, 6, 1),
            end_date=None,
            supervisor="PS Grey",
            reason="name",
            override_reason="test",
            locked_reason=r,
        ),
    )
    walk(
        "start corrected in the same year",
        None,
        lambda r: att.correct(
            db,
            ids["rpu"],
            start_date=D(2024, 7, 1),
            end_date=None,
            supervisor="PS Grey",
            reason="typo",
            override_reason="test",
            locked_reason=r,
        ),
    )
    request = walk(
        "a request",
        None,
        lambda r: att.request(db, a, ppu, D(2025, 7, 1), override_reason="test", locked_reason=r),
    )
    walk(
        "the request started in July",
        None,
        lambda r: att.start(db, request.id, override_reason="test", locked_reason=r),
    )
    walk("it ended today", None, lambda r: att.end(db, request.id, end_date=TODAY, locked_reason=r))
    rost_row = walk(
        "one recorded as started in March",
        both,
        lambda r: att.request(
            db, e, rost, D(2025, 3, 5), active=True, override_reason="test", locked_reason=r
        ),
    )
    walk(
        "it ended in June",
        ["2025-06"],
        lambda r: att.end(db, rost_row.id, end_date=D(2025, 6, 15), locked_reason=r),
    )
    walk(
        "its end corrected within June",
        ["2025-06"],
        lambda r: att.correct(
            db,
            rost_row.id,
            start_date=D(2025, 3, 5),
            end_date=D(2025, 6, 16),
            supervisor=None,
            reason="typo",
            locked_reason=r,
        ),
    )

    # -- duties and hours --------------------------------------------------------------------------
    march = walk(
        "a duty in March",
        ["2025-03"],
        lambda r: hours.add_duty(
            db, {"officer_id": a, "date": D(2025, 3, 12), "hours": 4, "duty_type": "patrol"}, reason=r
        ),
    )
    walk(
        "a duty in April (June's year to date)",
        ["2025-06"],
        lambda r: hours.add_duty(
            db, {"officer_id": a, "date": D(2025, 4, 12), "hours": 4, "duty_type": "patrol"}, reason=r
        ),
    )
    walk(
        "a duty in January (March's year and last three months)",
        ["2025-03"],
        lambda r: hours.add_duty(
            db, {"officer_id": a, "date": D(2025, 1, 20), "hours": 4, "duty_type": "patrol"}, reason=r
        ),
    )
    walk(
        "a duty in August",
        None,
        lambda r: hours.add_duty(
            db, {"officer_id": a, "date": D(2025, 8, 12), "hours": 4, "duty_type": "patrol"}, reason=r
        ),
    )
    walk(
        "a duty a year before",
        None,
        lambda r: hours.add_duty(
            db, {"officer_id": a, "date": D(2024, 3, 15), "hours": 4, "duty_type": "patrol"}, reason=r
        ),
    )
    walk("its note", None, lambda r: hours.update_duty(db, march.id, {"note": "football match"}, reason=r))
    walk(
        "its day within March",
        None,
        lambda r: hours.update_duty(db, march.id, {"date": D(2025, 3, 13)}, reason=r),
    )
    walk("its type", ["2025-03"], lambda r: hours.update_duty(db, march.id, {"duty_type": "event"}, reason=r))
    walk("its hours", ["2025-03"], lambda r: hours.update_duty(db, march.id, {"hours": 5}, reason=r))
    walk(
        "its times, the same five hours",
        None,
        lambda r: hours.update_duty(db, march.id, {"start_time": "09:00", "end_time": "14:00"}, reason=r),
    )
    walk(
        "its times, longer",
        ["2025-03"],
        lambda r: hours.update_duty(db, march.id, {"start_time": "09:00", "end_time": "15:30"}, reason=r),
    )
    walk("its unit", ["2025-03"], lambda r: hours.update_duty(db, march.id, {"unit_id": ppu}, reason=r))
    walk("its removal", ["2025-03"], lambda r: hours.delete_duty(db, march.id, reason=r))
    walk(
        "an event in March",
        ["2025-03"],
        lambda r: hours.add_event_duties(
            db, [a, ids["newest"]], {"date": D(2025, 3, 14), "hours": 3}, reason=r
        ),
    )

    # The walk asked where it should, and only there.
    assert {"team", "surname", "forenames", "collar", "a duty in March"} <= set(walk.asked)
    assert {"phone", "email", "address", "employer", "station", "legacy field", "its note"} <= set(walk.free)


def test_the_reason_is_kept_with_the_change(db, force):
    roster.update_officer(db, force["in"], {"team": "Rural"}, locked_reason="posted in March, entered late")
    events = [e for e in roster.audit_history(db, force["in"]) if e.field == "team"]
    assert events and events[0].reason == "posted in March, entered late"


def test_the_refusal_names_every_month_and_what_changes(db, force):
    with pytest.raises(LockedMonthError) as info:
        roster.update_officer(db, force["in"], {"team": "Rural"})
    assert info.value.months == ["2025-03", "2025-06"]
    text = str(info.value)
    assert text.startswith("March 2025 has been signed off and locked, and so has June 2025")
    assert "headcount" in text and "hours" in text and "Give a reason" in text


def test_an_import_names_the_signed_off_months_it_changes_and_what(db, force, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Collar No.", "Surname", "First name", "Team", "Phone", "Apr-25", "Aug-25"])
    ws.append(["1001", "Adams", "Sam", "Response A", "01234 999999", None, 8])  # phone, August: no month
    ws.append(["1002", "Brown", "Sam", "Response B", None, None, None])  # as held
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert importer.signed_off_months(db, importer.plan(db, path)) == []
    ws.append(["1003", "Clark", "Sam", "Rural", None, None, None])  # a leaver of 2024: in no month
    ws.append(["1005", "Evans", "Sam", "Rural", None, None, None])  # serving in both: its team counts
    wb.save(path)
    assert importer.signed_off_changes(db, importer.plan(db, path)) == {
        "2025-03": ["headcount", "row"],
        "2025-06": ["headcount", "row"],
    }
    ws.append(["1004", "Davies", "Sam", "Response A", None, 10, None])  # April hours: June's year to date
    ws.append(["1010", "Jones", "Sam", None, None, None, None])  # new, no joining date: serving in both
    wb.save(path)
    plan = importer.plan(db, path)
    touched = importer.signed_off_changes(db, plan)
    assert sorted(touched) == ["2025-03", "2025-06"] and "hours" in touched["2025-06"]
    before = figures(db)
    result = importer.run(db, path, backup=False, lock_reason="roster of record")
    assert result.signed_off == touched
    assert changed_months(before, figures(db)) == sorted(touched)


def test_the_officer_window_and_the_qualifications_page_ask_why(ctx, qtbot, monkeypatch, force):
    from PySide6.QtCore import QDate

    from desktop.ui import dialogs
    from desktop.ui.officer.dialog import OfficerDialog
    from desktop.ui.officer.qualifications_page import OfficerQualificationsPage

    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "ask_text", lambda parent, title, label, text="": asked.append(label) or None
    )
    dlg = OfficerDialog(ctx, force["in"])
    qtbot.addWidget(dlg)
    dlg.details.team.setEditText("Rural")
    dlg.details.phone.setText("07700 900123")
    dlg.save_and_close()
    assert asked and "March 2025 has been signed off" in asked[0] and "June 2025" in asked[0]
    assert roster.get_officer(ctx.db, force["in"])["team"] == "Response A"  # no reason: nothing saved

    page = OfficerQualificationsPage(ctx, force["in"])
    qtbot.addWidget(page)
    page.type.setCurrentIndex(page.type.findData(type_id(ctx.db, "First aid")))
    page.date.setDate(QDate(2025, 3, 1))
    asked.clear()
    assert not page.record()
    assert asked and "qualifications" in asked[0]
    assert len(quals.officer_qualifications(ctx.db, force["in"])) == 2
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "certificate found late")
    assert page.record()
    assert len(quals.officer_qualifications(ctx.db, force["in"])) == 3


def test_no_signed_off_month_means_no_question(db):
    oid = officer(db, "1", "Solo", joined=D(2020, 1, 1))
    assert month_locks.signed_off(db) == set()
    roster.update_officer(db, oid, {"team": "Rural"})
    hours.add_duty(db, {"officer_id": oid, "date": D(2025, 3, 3), "hours": 2, "duty_type": "patrol"})


def test_undoing_an_import_that_a_signed_off_month_counts_asks_why(ctx, qtbot, monkeypatch, tmp_path):
    from openpyxl import Workbook

    from desktop.ui import dialogs, tasks
    from desktop.ui.importing.history import show_import_history

    wb = Workbook()
    wb.active.append(["Collar No.", "Surname", "Date Joined", "Mar-25"])
    wb.active.append(["3001", "Late", "01/01/2020", 12])
    path = tmp_path / "roll.xlsx"
    wb.save(path)
    batch = importer.run(ctx.db, path, backup=False).batch_id
    returns.sign_off(ctx.db, "2025-03")
    with pytest.raises(LockedMonthError, match="March 2025 has been signed off"):
        importer.undo_batch(ctx.db, batch, backup=False)
    assert roster.find_by_collar(ctx.db, "3001") is not None  # nothing undone

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(
        dialogs,
        "ask_text",
        lambda parent, title, label, text="": asked.append(label) or "wrong file imported",
    )
    dialog = show_import_history(None, ctx)
    qtbot.addWidget(dialog)
    dialog.view.selectRow(0)
    dialog.undo_btn.click()
    qtbot.waitUntil(lambda: bool(dialog.model.rows) and dialog.model.rows[0].undone, timeout=10_000)
    tasks.wait_for_all()
    assert asked and "March 2025 has been signed off" in asked[0]
    assert roster.find_by_collar(ctx.db, "3001") is None

"""The officer record dialog driven with qtbot: add, edit, validation next to the field, dated rank and
status changes, history, audit, legacy fields, leaving, conflicts, Escape and Enter."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.core import roster
from desktop.ui import dialogs
from desktop.ui.officer import dialog as officer_dialog
from desktop.ui.officer.dialog import OfficerDialog
from desktop.ui.officer.fields import DateField, parse_date
from desktop.ui.officer.leaving import LeavingDialog
from desktop.ui.officer.page import RecordPage


def make(db, collar="4521", surname="Smith", **extra):
    return roster.create_officer(db, {"collar": collar, "surname": surname, **extra})


def dialog(qtbot, ctx, officer_id=None) -> OfficerDialog:
    dlg = OfficerDialog(ctx, officer_id)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def error_text(dlg, field) -> str:
    label = dlg.details.errors[field]
    return label.text() if label.isVisibleTo(dlg) else ""


@pytest.fixture
def notes(ctx):
    seen: list[str] = []
    ctx.changed.connect(seen.append)
    return seen


def test_parse_date_reads_uk_dates():
    assert parse_date("03/04/2019") == dt.date(2019, 4, 3)
    assert parse_date(" 3/4/19 ") == dt.date(2019, 4, 3)
    assert parse_date("3.4.2019") == dt.date(2019, 4, 3)
    assert parse_date("2019-04-03") == dt.date(2019, 4, 3)
    assert parse_date("3 Apr 2019") == dt.date(2019, 4, 3)
    assert parse_date("3rd April 2019") == dt.date(2019, 4, 3)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("31/02/2020")
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date("next week")


def test_date_field_blank_and_tidy(qtbot):
    field = DateField()
    qtbot.addWidget(field)
    assert field.date() is None and "not set" in field.edit.placeholderText()
    field.setText("3/4/19")
    field.edit.editingFinished.emit()
    assert field.text() == "03/04/2019"
    field.set_date(None)
    assert field.text() == "" and field.date() is None


def test_add_officer(ctx, qtbot, notes):
    dlg = dialog(qtbot, ctx)
    assert dlg.windowTitle() == "New officer"
    assert dlg.pages.count() == 1  # no history/audit/extra pages before it exists
    assert dlg.details.status.currentData() == "active"
    dlg.details.collar.setText(" sc 0452 ")
    dlg.details.surname.setText("O'Brien-Smythe")
    dlg.details.forenames.setText("Siân")
    dlg.details.rank.setCurrentIndex(dlg.details.rank.findData("SSgt"))
    dlg.details.team.setEditText("Response A")
    dlg.details.joined.setText("01/04/2019")
    dlg.details.esp.setChecked(True)
    dlg.details.driving.setCurrentIndex(dlg.details.driving.findData("response"))
    dlg.details.address.setPlainText("1 High St\nHitchin")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.saved and dlg.result() == dlg.DialogCode.Accepted
    record = roster.get_officer(ctx.db, dlg.officer_id)
    assert record["collar"] == "SC0452" and record["surname"] == "O'Brien-Smythe"
    assert record["rank"] == "SSgt" and record["team"] == "Response A"
    assert record["joined"] == dt.date(2019, 4, 1) and record["esp"] is True
    assert record["driving"] == "response" and record["address"] == "1 High St\nHitchin"
    assert notes == ["officers"]


def test_validation_shows_reason_next_to_field(ctx, qtbot):
    make(ctx.db, "4521", "Smith", forenames="Jo")
    dlg = dialog(qtbot, ctx)
    dlg.details.collar.setText("4521")
    dlg.details.joined.setText("01/02/2020")
    dlg.details.attested.setText("01/01/2019")
    dlg.details.email.setText("jo at home")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.saved and dlg.isVisible()
    assert error_text(dlg, "collar") == "Collar number 4521 is already used by Smith, Jo."
    assert error_text(dlg, "surname") == "Surname is required."
    assert "before joining" in error_text(dlg, "attested")
    assert "email" in error_text(dlg, "email")
    assert error_text(dlg, "forenames") == ""
    assert dlg.focusWidget() is dlg.details.collar  # the first bad field
    # The error label sits with its field (same container), not in a popup.
    assert dlg.details.errors["surname"].parentWidget() is dlg.details.surname.parentWidget()
    dlg.details.collar.setText("4522")
    dlg.details.surname.setText("Brown")
    dlg.details.attested.setText("")
    dlg.details.email.setText("")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.saved
    assert not dlg.details.errors["collar"].isVisibleTo(dlg)


def test_unreadable_date_is_shown_with_the_other_problems(ctx, qtbot):
    dlg = dialog(qtbot, ctx)
    dlg.details.collar.setText("1")
    dlg.details.independent_patrol.setText("31/02/2021")
    dlg.save()
    assert error_text(dlg, "independent_patrol") == "31/02/2021 is not a real date."
    assert error_text(dlg, "surname") == "Surname is required."
    assert roster.list_officers(ctx.db) == []


def test_edit_officer_and_audit_page(ctx, qtbot, notes):
    oid = make(ctx.db, team="Response A")
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.windowTitle() == "Officer 4521 – Smith"
    assert [dlg.pages.tabText(i) for i in range(4)] == ["Details", "History", "Audit", "Legacy fields"]
    assert dlg.details.team.currentText() == "Response A"
    assert not dlg.is_dirty()
    dlg.details.team.setEditText("Rural")
    dlg.details.phone.setText("01234 567890")
    assert dlg.is_dirty()
    dlg.save_and_close()
    assert dlg.saved
    record = roster.get_officer(ctx.db, oid)
    assert record["team"] == "Rural" and record["phone"] == "01234 567890"
    assert notes == ["officers"]
    again = dialog(qtbot, ctx, oid)
    table = again.record_pages["Audit"].table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    team = next(r for r in rows if r[2] == "Team")
    assert team[3] == "Response A → Rural"
    assert team[1] and team[0].count("/") == 2  # who, and when as dd/mm/yyyy hh:mm
    assert any(r[2] == "Record created" for r in rows)


def test_rank_change_asks_for_effective_date_and_keeps_history(ctx, qtbot):
    oid = make(ctx.db, joined=dt.date(2015, 6, 1))
    dlg = dialog(qtbot, ctx, oid)
    assert not dlg.details.change_box.isVisibleTo(dlg)
    dlg.details.rank.setCurrentIndex(dlg.details.rank.findData("SSgt"))
    assert dlg.details.change_box.isVisibleTo(dlg) and dlg.details.acting.isVisibleTo(dlg)
    assert dlg.details.effective.date() == dt.date.today()
    dlg.details.effective.setText("01/04/2020")
    dlg.details.acting.setChecked(True)
    dlg.details.change_reason.setText("cover for Sgt Jones")
    assert dlg.save()
    history = roster.get_officer(ctx.db, oid).rank_history
    assert [(h.value, h.effective, h.acting, h.note) for h in history][-1] == (
        "SSgt",
        dt.date(2020, 4, 1),
        True,
        "cover for Sgt Jones",
    )
    dlg.load()
    table = dlg.record_pages["History"].rank_table
    assert [table.item(0, c).text() for c in range(4)] == [
        "Special Sergeant",
        "01/04/2020",
        "Acting",
        "cover for Sgt Jones",
    ]
    assert table.item(1, 0).text() == "Special Constable" and table.item(1, 1).text() == "01/06/2015"


def test_status_change_before_current_one_is_refused_next_to_the_date(ctx, qtbot):
    oid = make(ctx.db, joined=dt.date(2015, 6, 1))
    dlg = dialog(qtbot, ctx, oid)
    dlg.details.status.setCurrentIndex(dlg.details.status.findData("LOA"))
    assert dlg.details.change_box.isVisibleTo(dlg) and not dlg.details.acting.isVisibleTo(dlg)
    dlg.details.effective.setText("01/01/2010")
    assert not dlg.save()
    assert "cannot take effect before 01/06/2015" in error_text(dlg, "effective")
    dlg.details.effective.setText("")
    assert not dlg.save()
    assert error_text(dlg, "effective") == "Enter the date the change takes effect."
    dlg.details.effective.setText("01/01/2024")
    assert dlg.save()
    assert [(h.value, h.effective) for h in roster.get_officer(ctx.db, oid).status_history][-1] == (
        "LOA",
        dt.date(2024, 1, 1),
    )


def test_left_fields_enabled_only_for_left_status(ctx, qtbot):
    dlg = dialog(qtbot, ctx)
    assert not dlg.details.left_date.isEnabled() and not dlg.details.leaving_reason.isEnabled()
    dlg.details.status.setCurrentIndex(dlg.details.status.findData("left"))
    assert dlg.details.left_date.isEnabled() and dlg.details.leaving_reason.isEnabled()


def fill_leaving(date_text: str, reason: str, note: str = ""):
    def exec_(self: LeavingDialog) -> int:
        self.date.setText(date_text)
        self.reason.setCurrentIndex(self.reason.findData(reason))
        self.note.setText(note)
        self.save()
        return int(self.result())

    return exec_


def test_record_leaving_from_the_dialog(ctx, qtbot, monkeypatch, notes):
    oid = make(ctx.db, joined=dt.date(2015, 6, 1))
    monkeypatch.setattr(LeavingDialog, "exec", fill_leaving("31/03/2024", "joined the regulars", "now a PC"))
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.leave_button.isVisibleTo(dlg)
    qtbot.mouseClick(dlg.leave_button, Qt.MouseButton.LeftButton)
    record = roster.get_officer(ctx.db, oid)
    assert (record["status"], record["left_date"], record["leaving_reason"]) == (
        "left",
        dt.date(2024, 3, 31),
        "joined the regulars",
    )
    assert dlg.saved and notes == ["officers"]
    assert dlg.details.status.currentData() == "left" and dlg.details.left_date.text() == "31/03/2024"
    assert not dlg.leave_button.isVisibleTo(dlg)
    assert roster.list_officers(ctx.db)[0].id == oid  # never deleted


def test_leaving_dialog_validation(ctx, qtbot):
    oid = make(ctx.db, joined=dt.date(2015, 6, 1))
    dlg = LeavingDialog(ctx, oid, None, "4521 Smith")
    qtbot.addWidget(dlg)
    dlg.save()
    assert dlg.errors["leaving_reason"].text() == "Choose why the officer left."
    dlg.reason.setCurrentIndex(dlg.reason.findData("resigned"))
    dlg.date.setText("01/01/2010")
    dlg.save()
    assert "before joining" in dlg.errors["left_date"].text()
    assert roster.get_officer(ctx.db, oid)["status"] == "active"


def test_conflict_offers_reload_never_overwrites(ctx, qtbot, monkeypatch):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    roster.update_officer(ctx.db, oid, {"phone": "111"})  # someone else saves meanwhile
    dlg.details.phone.setText("222")
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append(text) or True)
    assert not dlg.save()
    assert "since you opened it" in asked[0]
    assert roster.get_officer(ctx.db, oid)["phone"] == "111"
    assert dlg.details.phone.text() == "111"  # reloaded
    dlg.details.phone.setText("333")
    assert dlg.save()
    assert roster.get_officer(ctx.db, oid)["phone"] == "333"


def test_escape_asks_only_when_something_changed(ctx, qtbot, monkeypatch):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()  # nothing changed: no question

    dlg = dialog(qtbot, ctx, oid)
    dlg.details.surname.setText("Smyth")
    answers = [False, True]
    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "confirm", lambda parent, title, text, **kw: asked.append(title) or answers.pop(0)
    )
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.isVisible() and asked == ["Discard changes?"]
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()
    assert roster.get_officer(ctx.db, oid)["surname"] == "Smith"


def test_enter_in_a_line_edit_saves(ctx, qtbot):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    dlg.activateWindow()
    dlg.details.phone.setFocus()
    dlg.details.phone.setText("999")
    qtbot.keyClick(dlg.details.phone, Qt.Key.Key_Return)
    assert dlg.saved and not dlg.isVisible()
    assert roster.get_officer(ctx.db, oid)["phone"] == "999"


def test_legacy_fields_page(ctx, qtbot):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.record_pages["Legacy fields"].table is None
    assert "No legacy fields" in dlg.pages.widget(3).findChild(QLabel).text()
    roster.set_legacy_field(ctx.db, oid, "Locker No", "A12")
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.pages.tabText(3) == "Legacy fields (1)"
    table = dlg.record_pages["Legacy fields"].table
    assert [table.item(0, c).text() for c in range(2)] == ["Locker No", "A12"]
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers


class FakePage(RecordPage):
    TITLE = "Fake"


def test_record_pages_follow_the_page_list(ctx, qtbot, monkeypatch):
    monkeypatch.setattr(officer_dialog, "RECORD_PAGES", (*officer_dialog.RECORD_PAGES, FakePage))
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    titles = [dlg.pages.tabText(i) for i in range(dlg.pages.count())]
    assert titles[-1] == "Fake"
    assert dlg.record_pages["Fake"].officer_id == oid
    assert dialog(qtbot, ctx).pages.count() == 1  # a new officer has no extra pages


def test_every_record_page_loads_the_officer_and_holds_no_unsaved_edits(ctx, qtbot):
    oid = make(ctx.db, joined=dt.date(2020, 1, 1))
    dlg = dialog(qtbot, ctx, oid)
    assert list(dlg.record_pages) == [
        "History",
        "Audit",
        "Legacy fields",
        "Pathway",
        "Qualifications",
        "Attachments",
        "Duties",
    ]
    for page in dlg.all_pages():
        assert page.officer_id == oid and page.officer_record is not None and page.officer_record.id == oid
        assert not page.is_dirty() and page.save()
    dlg.details.phone.setText("01234 567890")
    assert dlg.details.is_dirty() and dlg.is_dirty()
    roster.update_officer(ctx.db, oid, {"surname": "Smyth"}, version=dlg.record.version)
    dlg.load()
    assert all(page.officer_record["surname"] == "Smyth" for page in dlg.all_pages())
    assert not dlg.is_dirty()


def test_long_names_are_shown_whole(ctx, qtbot):
    oid = make(
        ctx.db, "SC0001", "Featherstonehaugh-Montgomery-Smythe", forenames="Alexandra Wilhelmina Siân Bethany"
    )
    dlg = dialog(qtbot, ctx, oid)
    assert "Featherstonehaugh-Montgomery-Smythe, Alexandra Wilhelmina Siân Bethany" in dlg.heading.text()
    assert dlg.heading.wordWrap()


def test_open_officer_returns_whether_saved(ctx, qtbot, monkeypatch):
    oid = make(ctx.db)
    monkeypatch.setattr(OfficerDialog, "exec", lambda self: 0)
    assert officer_dialog.open_officer(None, ctx, oid) is False
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text, details=None: errors.append(text))
    assert officer_dialog.open_officer(None, ctx, 999) is False
    assert "No officer with id 999" in errors[0]


def test_a_page_that_changes_the_officer_does_not_make_the_next_save_a_conflict(ctx, qtbot):
    """Recording attestation on the Pathway page updates the officer row (and its version): the dialog
    follows it, shows the new date, and keeps the user's unsaved edit."""
    from desktop.core import pathway

    oid = make(ctx.db, joined=dt.date(2024, 1, 1))
    stages = {s.code: s.id for s in pathway.get_pathway(ctx.db).stages}
    for code, day in (("application", 2), ("vetting", 3), ("phase1", 4)):
        pathway.record_stage(ctx.db, oid, stages[code], dt.date(2024, 1, day))
    dlg = dialog(qtbot, ctx, oid)
    dlg.details.phone.setText("01234 567890")  # an unsaved edit on Details
    page = dlg.record_pages["Pathway"]
    pathway.record_stage(ctx.db, oid, stages["attestation"], dt.date(2024, 2, 1))
    page.changed.emit()
    assert dlg.details.widgets["attested"].date() == dt.date(2024, 2, 1)
    assert dlg.details.phone.text() == "01234 567890"
    dlg.save_and_close()
    assert dlg.saved
    record = roster.get_officer(ctx.db, oid)
    assert record["phone"] == "01234 567890" and record["attested"] == dt.date(2024, 2, 1)

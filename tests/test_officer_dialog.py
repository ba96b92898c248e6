"""The officer record dialog driven with qtbot: add, edit, validation next to the field, dated rank and
status changes, history, audit, legacy fields, leaving, conflicts, Escape and Enter."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.core import roster
from desktop.ui import dialogs
from desktop.ui.officer import dialog as officer_dialog
from desktop.ui.officer.dialog import DateField, LeavingDialog, OfficerDialog, parse_date


def make(db, collar="4521", surname="Smith", **extra):
    return roster.create_officer(db, {"collar": collar, "surname": surname, **extra})


def dialog(qtbot, ctx, officer_id=None) -> OfficerDialog:
    dlg = OfficerDialog(ctx, officer_id)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def error_text(dlg, field) -> str:
    label = dlg.errors[field]
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
    assert dlg.status.currentData() == "active"
    dlg.collar.setText(" sc 0452 ")
    dlg.surname.setText("O'Brien-Smythe")
    dlg.forenames.setText("Siân")
    dlg.rank.setCurrentIndex(dlg.rank.findData("SSgt"))
    dlg.team.setEditText("Response A")
    dlg.joined.setText("01/04/2019")
    dlg.esp.setChecked(True)
    dlg.driving.setCurrentIndex(dlg.driving.findData("response"))
    dlg.address.setPlainText("1 High St\nHitchin")
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
    dlg.collar.setText("4521")
    dlg.joined.setText("01/02/2020")
    dlg.attested.setText("01/01/2019")
    dlg.email.setText("jo at home")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.saved and dlg.isVisible()
    assert error_text(dlg, "collar") == "Collar number 4521 is already used by Smith, Jo."
    assert error_text(dlg, "surname") == "Surname is required."
    assert "before joining" in error_text(dlg, "attested")
    assert "email" in error_text(dlg, "email")
    assert error_text(dlg, "forenames") == ""
    assert dlg.focusWidget() is dlg.collar  # the first bad field
    # The error label sits with its field (same container), not in a popup.
    assert dlg.errors["surname"].parentWidget() is dlg.surname.parentWidget()
    dlg.collar.setText("4522")
    dlg.surname.setText("Brown")
    dlg.attested.setText("")
    dlg.email.setText("")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.saved
    assert not dlg.errors["collar"].isVisibleTo(dlg)


def test_unreadable_date_is_shown_with_the_other_problems(ctx, qtbot):
    dlg = dialog(qtbot, ctx)
    dlg.collar.setText("1")
    dlg.independent_patrol.setText("31/02/2021")
    dlg.save()
    assert error_text(dlg, "independent_patrol") == "31/02/2021 is not a real date."
    assert error_text(dlg, "surname") == "Surname is required."
    assert roster.list_officers(ctx.db) == []


def test_edit_officer_and_audit_page(ctx, qtbot, notes):
    oid = make(ctx.db, team="Response A")
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.windowTitle() == "Officer 4521 – Smith"
    assert [dlg.pages.tabText(i) for i in range(4)] == ["Details", "History", "Audit", "Legacy fields"]
    assert dlg.team.currentText() == "Response A"
    assert not dlg.is_dirty()
    dlg.team.setEditText("Rural")
    dlg.phone.setText("01234 567890")
    assert dlg.is_dirty()
    dlg.save_and_close()
    assert dlg.saved
    record = roster.get_officer(ctx.db, oid)
    assert record["team"] == "Rural" and record["phone"] == "01234 567890"
    assert notes == ["officers"]
    again = dialog(qtbot, ctx, oid)
    table = again.audit_table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    team = next(r for r in rows if r[2] == "Team")
    assert team[3] == "Response A → Rural"
    assert team[1] and team[0].count("/") == 2  # who, and when as dd/mm/yyyy hh:mm
    assert any(r[2] == "Record created" for r in rows)


def test_rank_change_asks_for_effective_date_and_keeps_history(ctx, qtbot):
    oid = make(ctx.db, joined=dt.date(2015, 6, 1))
    dlg = dialog(qtbot, ctx, oid)
    assert not dlg.change_box.isVisibleTo(dlg)
    dlg.rank.setCurrentIndex(dlg.rank.findData("SSgt"))
    assert dlg.change_box.isVisibleTo(dlg) and dlg.acting.isVisibleTo(dlg)
    assert dlg.effective.date() == dt.date.today()
    dlg.effective.setText("01/04/2020")
    dlg.acting.setChecked(True)
    dlg.change_reason.setText("cover for Sgt Jones")
    assert dlg.save()
    history = roster.get_officer(ctx.db, oid).rank_history
    assert [(h.value, h.effective, h.acting, h.note) for h in history][-1] == (
        "SSgt",
        dt.date(2020, 4, 1),
        True,
        "cover for Sgt Jones",
    )
    dlg.load()
    table = dlg.rank_table
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
    dlg.status.setCurrentIndex(dlg.status.findData("LOA"))
    assert dlg.change_box.isVisibleTo(dlg) and not dlg.acting.isVisibleTo(dlg)
    dlg.effective.setText("01/01/2010")
    assert not dlg.save()
    assert "cannot take effect before 01/06/2015" in error_text(dlg, "effective")
    dlg.effective.setText("")
    assert not dlg.save()
    assert error_text(dlg, "effective") == "Enter the date the change takes effect."
    dlg.effective.setText("01/01/2024")
    assert dlg.save()
    assert [(h.value, h.effective) for h in roster.get_officer(ctx.db, oid).status_history][-1] == (
        "LOA",
        dt.date(2024, 1, 1),
    )


def test_left_fields_enabled_only_for_left_status(ctx, qtbot):
    dlg = dialog(qtbot, ctx)
    assert not dlg.left_date.isEnabled() and not dlg.leaving_reason.isEnabled()
    dlg.status.setCurrentIndex(dlg.status.findData("left"))
    assert dlg.left_date.isEnabled() and dlg.leaving_reason.isEnabled()


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
    assert dlg.status.currentData() == "left" and dlg.left_date.text() == "31/03/2024"
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
    dlg.phone.setText("222")
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append(text) or True)
    assert not dlg.save()
    assert "since you opened it" in asked[0]
    assert roster.get_officer(ctx.db, oid)["phone"] == "111"
    assert dlg.phone.text() == "111"  # reloaded
    dlg.phone.setText("333")
    assert dlg.save()
    assert roster.get_officer(ctx.db, oid)["phone"] == "333"


def test_escape_asks_only_when_something_changed(ctx, qtbot, monkeypatch):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()  # nothing changed: no question

    dlg = dialog(qtbot, ctx, oid)
    dlg.surname.setText("Smyth")
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
    dlg.phone.setFocus()
    dlg.phone.setText("999")
    qtbot.keyClick(dlg.phone, Qt.Key.Key_Return)
    assert dlg.saved and not dlg.isVisible()
    assert roster.get_officer(ctx.db, oid)["phone"] == "999"


def test_legacy_fields_page(ctx, qtbot):
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.legacy_table is None
    assert "No legacy fields" in dlg.pages.widget(3).findChild(QLabel).text()
    roster.set_legacy_field(ctx.db, oid, "Locker No", "A12")
    dlg = dialog(qtbot, ctx, oid)
    assert dlg.pages.tabText(3) == "Legacy fields (1)"
    assert [dlg.legacy_table.item(0, c).text() for c in range(2)] == ["Locker No", "A12"]
    assert dlg.legacy_table.editTriggers() == dlg.legacy_table.EditTrigger.NoEditTriggers


class FakePage(QWidget):
    def __init__(self, ctx, officer_id, parent=None):
        super().__init__(parent)
        self.officer_id = officer_id


def test_extra_pages_load_when_their_module_exists(ctx, qtbot, monkeypatch):
    monkeypatch.setattr(
        officer_dialog,
        "EXTRA_PAGES",
        (("Missing", "desktop.ui.no_such_page_module", "Nope"), ("Fake", __name__, "FakePage")),
    )
    oid = make(ctx.db)
    dlg = dialog(qtbot, ctx, oid)
    titles = [dlg.pages.tabText(i) for i in range(dlg.pages.count())]
    assert "Missing" not in titles and titles[-1] == "Fake"
    assert dlg.extra_pages["Fake"].officer_id == oid
    assert dialog(qtbot, ctx).pages.count() == 1  # a new officer has no extra pages


def test_extra_page_module_with_a_broken_import_is_not_hidden(ctx, qtbot, monkeypatch):
    import sys

    broken = types.ModuleType("desktop_test_broken_page")

    def boom(name):
        raise ModuleNotFoundError("No module named 'somelib'", name="somelib")

    monkeypatch.setitem(sys.modules, "desktop_test_broken_page", broken)
    monkeypatch.setattr(officer_dialog.importlib, "import_module", boom)
    monkeypatch.setattr(officer_dialog, "EXTRA_PAGES", (("Broken", "desktop_test_broken_page", "X"),))
    oid = make(ctx.db)
    with pytest.raises(ModuleNotFoundError):
        OfficerDialog(ctx, oid)


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
    dlg.phone.setText("01234 567890")  # an unsaved edit on Details
    page = dlg.extra_pages["Pathway"]
    pathway.record_stage(ctx.db, oid, stages["attestation"], dt.date(2024, 2, 1))
    page.changed.emit()
    assert dlg.widgets["attested"].date() == dt.date(2024, 2, 1)
    assert dlg.phone.text() == "01234 567890"
    dlg.save_and_close()
    assert dlg.saved
    record = roster.get_officer(ctx.db, oid)
    assert record["phone"] == "01234 567890" and record["attested"] == dt.date(2024, 2, 1)

"""The Attachments tab, its dialogs, the officer's Attachments page and the units Settings page,
driven with qtbot."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from desktop.core import attachments as att
from desktop.core.models import AuditEvent
from desktop.ui.attachments import tab as tabmod
from desktop.ui.attachments.end_dialog import EndDialog
from desktop.ui.attachments.fields import to_qdate
from desktop.ui.attachments.request_dialog import AttachmentDialog
from desktop.ui.attachments.tab import AttachmentsTab
from desktop.ui.officer.attachments_page import OfficerAttachmentsPage
from desktop.ui.settings.units import UnitsSettingsPage
from tests.helpers_attachments import give, officer, qualified, unit

TODAY = dt.date.today()


@pytest.fixture
def small(db):
    """Only one unit (capacity 2) and three officers: two qualified, one without independent patrol."""
    for u in att.list_units(db):
        att.delete_unit(db, u.id)
    uid = unit(db, name="Road Policing Unit", code="RPU", capacity=2)
    a = qualified(db, "1001", surname="Able")
    b = qualified(db, "1002", surname="Baker")
    c = officer(db, "1003", surname="Cole", independent_patrol=None)
    give(db, c, "Officer safety training", dt.date(2025, 1, 1), dt.date(2040, 1, 1))
    give(db, c, "First aid", dt.date(2025, 1, 1), dt.date(2040, 1, 1))
    give(db, c, "Driving: response", dt.date(2025, 1, 1), dt.date(2040, 1, 1))
    return {"unit": uid, "able": a, "baker": b, "cole": c}


def auto_accept(monkeypatch, cls, setup=None):
    """Make ``cls.exec`` fill the dialog with ``setup`` and press its OK button instead of blocking."""
    seen = []

    def fake_exec(self):
        seen.append(self)
        if setup is not None:
            setup(self)
        self.accept()
        return int(self.result())

    monkeypatch.setattr(cls, "exec", fake_exec)
    return seen


def notifications(ctx):
    got: list[str] = []
    ctx.changed.connect(got.append)
    return got


# -- the tab -------------------------------------------------------------------------------------


def test_empty_state_when_there_are_no_units(ctx, db, qtbot):
    for u in att.list_units(db):
        att.delete_unit(db, u.id)
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.stack.currentWidget() is tab.empty
    assert "No specialist units yet" in tab.empty.label.text()
    assert tab.empty.button is not None and tab.empty.button.text() == "Open Settings…"


def test_units_listed_with_places_and_requirements(ctx, db, qtbot):
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    model = tab.unit_model
    assert model.rowCount() == 10
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    rpu = names.index("Road Policing Unit")
    assert [model.index(rpu, c).data() for c in range(5)] == ["Road Policing Unit", "8", "0", "0", "8"]
    assert "Driving: response or above" in model.index(rpu, 5).data()
    # the lists of the first unit are empty with a sentence saying what to do
    stack, _model, _view, empty = tab.lists["current"]
    assert stack.currentWidget() is empty and "Nobody is attached" in empty.label.text()


def test_unit_members_requested_and_history(ctx, db, qtbot, small):
    u = small["unit"]
    att.request(db, small["able"], u, dt.date(2025, 7, 1), active=True, supervisor="PS Grey")
    att.request(db, small["baker"], u, TODAY + dt.timedelta(days=7))
    old = att.request(db, small["cole"], u, dt.date(2025, 1, 1), override_reason="Trial")
    att.end(db, old.id, end_date=dt.date(2025, 2, 1))
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    assert tab.selected_unit_id() == u
    assert [tab.unit_model.index(0, c).data() for c in range(5)] == ["Road Policing Unit", "2", "1", "1", "0"]
    assert tab.pages.tabText(0) == "Current members (1)"
    assert tab.pages.tabText(1) == "Requested (1)"
    assert tab.pages.tabText(2) == "History (1)"
    assert "2 places: 1 attached, 1 requested, 0 free" in tab.requirements.text()
    _stack, model, _view, _empty = tab.lists["history"]
    assert model.index(0, 0).data() == "1003"
    override_col = [c.title for c in model.columns].index("Override")
    assert model.index(0, override_col).data() == "Yes"
    assert "Trial" in model.index(0, override_col).data(Qt.ItemDataRole.ToolTipRole)
    # sorting is done on the model's own list
    _stack, cur, _view, _empty = tab.lists["current"]
    cur.sort(1, Qt.SortOrder.DescendingOrder)
    assert cur.rowCount() == 1


def test_request_start_and_end_through_the_tab(ctx, db, qtbot, monkeypatch, small):
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    got = notifications(ctx)

    def fill(dialog):
        dialog.officer.setEditText("1001")  # a collar number typed
        dialog.officer.lineEdit().editingFinished.emit()
        assert dialog.officer.currentText().startswith("1001  Able, Asha")
        dialog.start.setDate(to_qdate(TODAY))
        dialog.supervisor.setText("PS Grey")
        dialog.recheck()
        assert dialog.failures == []
        assert dialog.rules.text().startswith("✓ Meets every requirement of Road Policing Unit")

    auto_accept(monkeypatch, AttachmentDialog, fill)
    assert tab.request_attachment()
    assert "attachments" in got
    assert tab.pages.tabText(1) == "Requested (1)"
    tab.pages.setCurrentIndex(1)
    _stack, _model, view, _empty = tab.lists["requested"]
    view.selectRow(0)
    assert tab.start_button.isEnabled() and tab.end_button.text() == "&Withdraw request…"
    tab.start_selected()
    assert tab.pages.tabText(0) == "Current members (1)"
    tab.pages.setCurrentIndex(0)
    tab.lists["current"][2].selectRow(0)
    assert tab.end_button.isEnabled() and not tab.start_button.isEnabled()
    auto_accept(monkeypatch, EndDialog, lambda d: d.note.setText("Placement complete"))
    tab.end_selected()
    assert tab.pages.tabText(2) == "History (1)"
    (row,) = att.officer_attachments(db, small["able"])
    assert (row.state, row.end_date, row.supervisor) == ("ended", TODAY, "PS Grey")
    assert "Placement complete" in row.note


def test_request_dialog_shows_failing_rules_and_needs_a_reason(ctx, db, qtbot, small):
    dialog = AttachmentDialog(ctx, None, unit_id=small["unit"])
    qtbot.addWidget(dialog)
    assert "Choose an officer and a unit" in dialog.rules.text()
    dialog.officer.setCurrentIndex(dialog.officer.findData(small["cole"]))
    dialog.recheck()
    assert [f.code for f in dialog.failures] == [att.INDEPENDENT_PATROL]
    assert "Breaks 1 rule" in dialog.rules.text()
    assert "1003 Cole, Asha has no independent patrol date" in dialog.rules.text()
    assert dialog.override.isEnabled()
    # saving without override: refused, in the dialog, nothing written
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "breaks the rules above" in dialog.form_error.text() and dialog.form_error.isVisibleTo(dialog)
    assert att.officer_attachments(db, small["cole"]) == []
    # override without a reason: the reason field says so
    dialog.override.setChecked(True)
    assert dialog.save_button.text() == "Request attachment with override"
    dialog.accept()
    assert "needs a reason" in dialog.reason_error.text()
    assert att.officer_attachments(db, small["cole"]) == []
    dialog.reason.setText("IPS assessment passed, paperwork pending")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    (row,) = att.officer_attachments(db, small["cole"])
    assert "IPS assessment passed" in row.override_reason and row.overridden_by
    with db.read() as s:
        reason = s.scalar(
            select(AuditEvent.reason).where(
                AuditEvent.entity == "attachments", AuditEvent.entity_id == row.id
            )
        )
    assert reason.startswith("Supervisor override: IPS assessment passed")


def test_request_dialog_checks_dates_and_unknown_officer(ctx, db, qtbot, small):
    dialog = AttachmentDialog(ctx, None, unit_id=small["unit"])
    qtbot.addWidget(dialog)
    dialog.officer.setEditText("nobody like this")
    dialog.recheck()
    assert "No serving officer matches" in dialog.officer_error.text()
    dialog.accept()
    assert "Choose an officer from the list" in dialog.officer_error.text()
    dialog.officer.setCurrentIndex(dialog.officer.findData(small["able"]))
    dialog.has_end.setChecked(True)
    dialog.end.setDate(to_qdate(TODAY - dt.timedelta(days=1)))
    dialog.recheck()
    assert "before the start date" in dialog.end_error.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "before the start date" in dialog.end_error.text()


def test_full_unit_is_shown_in_the_dialog_and_the_unit_combo(ctx, db, qtbot, small):
    u = small["unit"]
    att.request(db, small["able"], u, dt.date(2025, 7, 1), active=True)
    att.request(db, small["baker"], u, dt.date(2025, 7, 1), active=True)
    other = qualified(db, "1004", surname="Dale")
    dialog = AttachmentDialog(ctx, None, officer_id=other, unit_id=u)
    qtbot.addWidget(dialog)
    assert not dialog.officer.isEnabled()
    assert dialog.unit.currentText() == "Road Policing Unit (RPU) — 0 of 2 free"
    assert [f.code for f in dialog.failures] == [att.UNIT_FULL]
    assert "Road Policing Unit is full on" in dialog.rules.text()


def test_who_could_join_page(ctx, db, qtbot, monkeypatch, small):
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    tab.pages.setCurrentWidget(tab.who)
    who = tab.who
    assert [c.collar for c in who.eligible_model.rows] == ["1001", "1002"]
    assert [c.collar for c in who.near_model.rows] == ["1003"]
    assert who.near_model.index(0, 4).data() == "No independent patrol"
    assert "Of 3 serving officers" in who.summary.text()
    assert who.eligible_title.text() == "<b>Meet every requirement (2)</b>"
    # open the officer from the list (the roster colleague's dialog)
    opened = []
    monkeypatch.setattr(tabmod, "open_officer", lambda parent, ctx, oid: opened.append(oid) or False)
    who.near_view.selectRow(0)
    tab.open_selected()
    assert opened == [small["cole"]]

    # request for the selected officer from here, prefilled
    def fill(dialog):
        assert dialog.officer_id() == small["able"]
        assert dialog.unit_id() == small["unit"]

    who.near_view.clearSelection()
    who.eligible_view.selectRow(0)
    seen = auto_accept(monkeypatch, AttachmentDialog, fill)
    who.request_button.click()
    assert len(seen) == 1
    assert [c.collar for c in who.eligible_model.rows] == ["1002"]


def test_refresh_keeps_the_selected_unit(ctx, db, qtbot):
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    tab.unit_view.selectRow(4)
    chosen = tab.selected_unit_id()
    tab.refresh()
    assert tab.selected_unit_id() == chosen
    att.set_unit_active(db, chosen, False)
    tab.refresh()
    assert chosen not in [u.id for u in tab.unit_model.rows]
    tab.show_inactive.setChecked(True)
    assert chosen in [u.id for u in tab.unit_model.rows]


# -- the officer's page ----------------------------------------------------------------------------


def test_officer_page_lists_and_requests(ctx, db, qtbot, monkeypatch, small):
    page = OfficerAttachmentsPage(ctx, small["able"])
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.empty

    def fill(dialog):
        assert not dialog.officer.isEnabled() and dialog.officer_id() == small["able"]
        dialog.unit.setCurrentIndex(dialog.unit.findData(small["unit"]))
        dialog.already_started.setChecked(True)
        dialog.recheck()

    auto_accept(monkeypatch, AttachmentDialog, fill)
    assert page.request_attachment()
    assert page.stack.currentWidget() is page.view
    assert page.model.index(0, 0).data() == "Road Policing Unit"
    assert page.model.index(0, 1).data() == "Active"
    assert page.summary.text() == "1 active, 0 requested, 1 in all"
    page.view.selectRow(0)
    assert page.end_button.isEnabled() and not page.start_button.isEnabled()
    auto_accept(monkeypatch, EndDialog)
    page.end_selected()
    assert page.model.index(0, 1).data() == "Ended"


# -- units in Settings ---------------------------------------------------------------------------


def _select(page: UnitsSettingsPage, name: str) -> None:
    for i in range(page.list.count()):
        if page.list.item(i).text().startswith(name):
            page.list.setCurrentRow(i)
            return
    raise AssertionError(name)


def test_settings_edit_persists_audited_and_notifies(ctx, db, qtbot):
    page = UnitsSettingsPage(ctx)
    qtbot.addWidget(page)
    got = notifications(ctx)
    _select(page, "Cyber Crime")
    assert page.capacity.value() == 4 and not page.save_button.isEnabled()
    page.capacity.setValue(6)
    page.months.setValue(3)
    page.driving.setCurrentIndex(page.driving.findData(1))
    for i in range(page.quals.count()):
        item = page.quals.item(i)
        if item.text() == "Language: Welsh":
            item.setCheckState(Qt.CheckState.Checked)
    assert page.is_dirty()
    assert page.save()
    assert got == ["settings"]
    info = next(u for u in att.list_units(db) if u.name == "Cyber Crime")
    assert (info.capacity, info.min_months_since_ip, info.min_driving_level) == (6, 3, 1)
    assert info.qualification_names == ["ICT skills", "Language: Welsh"]
    with db.read() as s:
        fields = set(
            s.scalars(
                select(AuditEvent.field).where(AuditEvent.entity == "units", AuditEvent.entity_id == info.id)
            )
        )
    assert {"capacity", "min_months_since_ip", "min_driving_level"} <= fields
    # "No limit" is the bottom of the spin box
    page.capacity.setValue(0)
    page.save()
    assert att.get_unit(db, info.id).capacity is None


def test_settings_validation_shown_beside_the_field(ctx, db, qtbot):
    page = UnitsSettingsPage(ctx)
    qtbot.addWidget(page)
    _select(page, "Cyber Crime")
    page.name.setText("Road Policing Unit")
    page._mark_dirty()
    assert not page.save()
    assert "already a unit called" in page.errors["name"].text() and page.errors["name"].isVisibleTo(page)
    # switching unit with a problem stays on it
    _select(page, "Warrants and Bail")
    assert page.name.text() == "Road Policing Unit"
    page.revert()
    assert page.name.text() == "Cyber Crime"


def test_settings_add_deactivate_and_delete(ctx, db, qtbot, monkeypatch):
    page = UnitsSettingsPage(ctx)
    qtbot.addWidget(page)
    page.add_unit()
    page.name.setText("Roads Crime Team")
    page.code.setText("rct")
    page.capacity.setValue(5)
    assert page.save()
    info = next(u for u in att.list_units(db) if u.name == "Roads Crime Team")
    assert (info.code, info.capacity, info.requires_independent_patrol) == ("RCT", 5, True)
    assert page.list.currentItem().text() == "Roads Crime Team (RCT)"
    # never used: can be deleted
    assert page.delete_button.isEnabled()
    monkeypatch.setattr("desktop.ui.dialogs.confirm", lambda *a, **k: True)
    page.delete_unit()
    assert all(u.name != "Roads Crime Team" for u in att.list_units(db))
    # used: deactivate only
    o = qualified(db, "5000")
    rpu = next(u for u in att.list_units(db) if u.code == "RPU")
    att.request(db, o, rpu.id, TODAY)
    page.refresh(select_id=rpu.id)
    assert not page.delete_button.isEnabled()
    assert "can be deactivated but not deleted" in page.status.text()
    page.toggle_active()
    assert att.get_unit(db, rpu.id).active is False
    assert page.list.currentItem().text().endswith("(not in use)")
    assert page.active_button.text() == "Reac&tivate"


def test_who_could_join_follows_the_date(ctx, db, qtbot, small):
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    tab.pages.setCurrentWidget(tab.who)
    assert tab.who.eligible_model.rowCount() == 2
    tab.who.on.setDate(to_qdate(dt.date(2024, 12, 31)))  # before their first aid and safety training
    qtbot.waitUntil(lambda: tab.who.eligible_model.rowCount() == 0, timeout=3000)
    assert tab.who.near_model.rowCount() == 0
    assert "0 could join on 31 Dec 2024" in tab.who.summary.text()


def test_settings_page_follows_new_qualification_types(ctx, db, qtbot):
    from desktop.core.models import QualificationType

    page = UnitsSettingsPage(ctx)
    qtbot.addWidget(page)
    before = page.quals.count()
    with db.session() as s:
        s.add(QualificationType(name="Taser", validity_months=12))
    ctx.notify("qualifications")
    assert page.quals.count() == before + 1


def test_correct_an_attachment_from_the_tab_and_the_officer_page(ctx, db, qtbot, monkeypatch, small):
    row = att.request(db, small["able"], small["unit"], TODAY - dt.timedelta(days=20), active=True)
    tab = AttachmentsTab(ctx)
    qtbot.addWidget(tab)
    tab.pages.setCurrentIndex(0)
    tab.lists["current"][2].selectRow(0)
    assert tab.correct_button.isEnabled()

    def no_reason(dialog):
        assert dialog.windowTitle() == "Correct attachment" and not dialog.officer.isEnabled()
        assert dialog.save_button.text() == "Save correction"
        dialog.start.setDate(to_qdate(TODAY - dt.timedelta(days=21)))

    seen = auto_accept(monkeypatch, AttachmentDialog, no_reason)
    tab.correct_selected()
    assert seen[0].why_error.isVisibleTo(seen[0]) and "Say why" in seen[0].why_error.text()
    assert att.get_attachment(db, row.id).start_date == row.start_date  # nothing saved

    def with_reason(dialog):
        dialog.start.setDate(to_qdate(TODAY - dt.timedelta(days=21)))
        dialog.why.setText("started a day earlier")

    auto_accept(monkeypatch, AttachmentDialog, with_reason)
    tab.correct_selected()
    assert att.get_attachment(db, row.id).start_date == TODAY - dt.timedelta(days=21)

    page = OfficerAttachmentsPage(ctx, small["able"])
    qtbot.addWidget(page)
    page.view.selectRow(0)
    assert page.correct_button.isEnabled()

    def supervisor(dialog):
        dialog.supervisor.setText("PS Grey")
        dialog.why.setText("supervisor left out")

    auto_accept(monkeypatch, AttachmentDialog, supervisor)
    page.correct_selected()
    assert att.get_attachment(db, row.id).supervisor == "PS Grey"

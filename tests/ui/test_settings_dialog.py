"""Settings dialog driven with qtbot: edits persist, stages and qualification types, units page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.core import pathway, roster, settings
from desktop.core import qualifications as quals
from desktop.core.models import AuditEvent
from desktop.ui import dialogs


def open_dialog(ctx, qtbot):
    from desktop.ui.settings.dialog import open_settings

    dlg = open_settings(None, ctx)
    qtbot.addWidget(dlg)
    return dlg


def test_general_settings_persist_and_are_audited(ctx, qtbot, monkeypatch, tmp_path):
    seen = []
    ctx.changed.connect(seen.append)
    dlg = open_dialog(ctx, qtbot)
    page = dlg.general
    assert page.force_name.text() == "Example Constabulary"
    page.force_name.setText("   ")
    assert not page.save()
    assert page.force_error.isVisibleTo(page) and "force name" in page.force_error.text()
    page.force_name.setText("Hertfordshire  Constabulary")
    page.minimum_hours.setValue(20)
    page.pathway.setCurrentIndex(page.pathway.findData("older"))
    page.retention.setValue(7)
    page.warning.setValue(45)
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(tmp_path))
    page.browse()
    assert page.status.text() == "Unsaved changes"
    assert page.save()
    assert page.status.text() == "Saved."
    assert seen == ["settings"]
    values = settings.get_all(ctx.db)
    assert values["force_name"] == "Hertfordshire Constabulary"
    assert values["minimum_hours"] == 20 and values["retention_years"] == 7
    assert values["pathway"] == "older" and values["expiry_warning_days"] == 45
    assert values["backup_folder"] == str(tmp_path)
    assert pathway.get_pathway(ctx.db).key == "older"
    with ctx.db.read() as s:
        fields = {
            (e.entity, e.field, e.new)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "settings"))
        }
    assert ("settings", "value", "20") in fields
    # A fresh dialog shows the saved values.
    again = open_dialog(ctx, qtbot)
    assert again.general.force_name.text() == "Hertfordshire Constabulary"
    assert again.general.warning.value() == 45 and not again.general.is_dirty()


def test_close_with_unsaved_general_changes_asks(ctx, qtbot, monkeypatch):
    dlg = open_dialog(ctx, qtbot)
    dlg.general.minimum_hours.setValue(10)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: asked.append(a[1]) or False)
    dlg.reject()
    assert asked == ["Discard changes?"] and dlg.isVisible()
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    dlg.reject()
    assert not dlg.isVisible()
    assert settings.get(ctx.db, "minimum_hours") == 16


def test_stage_page_add_rename_target_ip_prereqs_reorder(ctx, qtbot, monkeypatch):
    dlg = open_dialog(ctx, qtbot)
    page = dlg.stages
    dlg.nav.setCurrentRow(1)
    assert page.list.rowCount() == 8
    page.list.selectRow(5)  # DPS
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Response driving course")
    page.add()
    pw = pathway.get_pathway(ctx.db)
    assert [s.code for s in pw.stages][5:7] == ["dps", "response_driving_course"]
    assert page.selected().name == "Response driving course"
    page.name.setText("Driving course")
    page.target.setValue(30)
    page.save()
    st = pathway.get_pathway(ctx.db).by_code("response_driving_course")
    assert st.name == "Driving course" and st.target_days == 30 and st.prerequisites == ("dps",)
    assert "Saved Driving course." == page.status.text()
    # Prerequisites: untick DPS, tick APS, then the stage may move above DPS.
    for i in range(page.prereqs.count()):
        item = page.prereqs.item(i)
        from PySide6.QtCore import Qt

        want = item.data(Qt.ItemDataRole.UserRole) == "aps"
        item.setCheckState(Qt.CheckState.Checked if want else Qt.CheckState.Unchecked)
    page.save()
    page.move(-1)
    assert [s.code for s in pathway.get_pathway(ctx.db).stages][4:7] == [
        "aps",
        "response_driving_course",
        "dps",
    ]
    # Moving above its prerequisite is refused with the plain reason beside the list.
    page.move(-1)
    assert page.error.isVisibleTo(page) and "depends on Accompanied patrol status (APS)" in page.error.text()
    # Mark it the independent-patrol stage.
    page.is_ip.setChecked(True)
    page.save()
    assert pathway.get_pathway(ctx.db).ip_stage.code == "response_driving_course"
    assert not page.is_ip.isEnabled()


def test_stage_in_use_cannot_be_removed_from_the_dialog(ctx, qtbot, monkeypatch):
    oid = roster.create_officer(ctx.db, {"collar": "1", "surname": "A", "joined": dt.date(2024, 1, 1)})
    pathway.record_stage(
        ctx.db, oid, pathway.get_pathway(ctx.db).by_code("application").id, dt.date(2024, 1, 2)
    )
    dlg = open_dialog(ctx, qtbot)
    page = dlg.stages
    page.list.selectRow(0)
    assert "Recorded for 1 officer" in page.used.text()
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.remove()
    assert "cannot be removed: it is recorded for 1 officer" in page.error.text()
    assert len(pathway.get_pathway(ctx.db).stages) == 8
    page.list.selectRow(6)  # Phase 2 learning: nobody has it
    page.remove()
    assert page.status.text() == "Removed Phase 2 learning."
    assert [s.code for s in pathway.get_pathway(ctx.db).stages][-2:] == ["dps", "qsc"]
    # The other pathway can be edited too.
    page.pathway.setCurrentIndex(page.pathway.findData("older"))
    assert page.list.rowCount() == 6 and "Tutor phase" in page.list.item(4, 0).text()
    page.list.selectRow(4)
    page.target.setValue(120)
    assert page.save()
    assert page.pathway.currentData() == "older" and page.list.rowCount() == 6  # stays on the edited pathway
    assert pathway.get_pathway(ctx.db, "older").by_code("tutor_pac").target_days == 120
    assert pathway.get_pathway(ctx.db).key == "college"


def test_qualification_types_page(ctx, qtbot, monkeypatch):
    dlg = open_dialog(ctx, qtbot)
    page = dlg.qual_types
    page.new()
    page.name.setText("Taser")
    page.validity.setValue(0)
    assert page.validity.text() == "Does not expire"
    page.validity.setValue(12)
    page.category.setCurrentText("safety")
    assert page.save()
    taser = next(t for t in quals.list_types(ctx.db) if t.name == "Taser")
    assert taser.validity_months == 12 and taser.category == "safety" and taser.active
    assert page.selected().name == "Taser"
    # Duplicate name refused beside the form.
    page.new()
    page.name.setText("taser")
    assert not page.save()
    assert "already a qualification type" in page.error.text()
    # Held type: delete refused, deactivation works.
    oid = roster.create_officer(ctx.db, {"collar": "1", "surname": "A"})
    quals.record(ctx.db, oid, taser.id, dt.date.today())
    page.refresh(taser.id)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    page.delete()
    assert "cannot be deleted" in page.error.text() and "Untick Active" in page.error.text()
    page.active.setChecked(False)
    page.validity.setValue(0)
    assert page.save()
    taser = next(t for t in quals.list_types(ctx.db) if t.name == "Taser")
    assert not taser.active and taser.validity_months is None


def test_units_page_is_embedded_or_explained(ctx, qtbot, monkeypatch):
    dlg = open_dialog(ctx, qtbot)
    try:
        from desktop.ui.settings.units import UnitsSettingsPage
    except ModuleNotFoundError:
        from desktop.ui.widgets import EmptyState

        assert isinstance(dlg.units, EmptyState)
    else:
        assert isinstance(dlg.units, UnitsSettingsPage)
    assert [dlg.nav.item(i).text() for i in range(dlg.nav.count())] == [
        "General",
        "Pathway stages",
        "Qualification types",
        "Units",
        "Ranks",
    ]


def test_closing_saves_the_unit_being_edited_before_asking_about_general(ctx, qtbot, monkeypatch):
    from desktop.core import attachments as att

    dlg = open_dialog(ctx, qtbot)
    units = dlg.units
    row = next(i for i in range(units.list.count()) if units.list.item(i).text().startswith("Cyber Crime"))
    units.list.setCurrentRow(row)
    units.capacity.setValue(7)
    dlg.general.minimum_hours.setValue(10)
    assert [p.is_dirty() for p in dlg.pages] == [True, False, False, True, False]
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    dlg.reject()
    assert next(u for u in att.list_units(ctx.db) if u.name == "Cyber Crime").capacity == 7
    assert asked == ["The General page has changes that are not saved. Close and discard them?"]
    assert dlg.isVisible() and settings.get(ctx.db, "minimum_hours") == 16


def test_ctrl_s_saves_the_page_shown(ctx, qtbot):
    from PySide6.QtCore import Qt

    dlg = open_dialog(ctx, qtbot)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    dlg.general.force_name.setText("Kent Police")
    qtbot.keyClick(dlg.general.force_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert settings.get(ctx.db, "force_name") == "Kent Police" and not dlg.general.is_dirty()

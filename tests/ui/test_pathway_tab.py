"""Pathway tab, officer pathway / qualifications pages and the expiring report, driven with qtbot."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from desktop.core import pathway, roster
from desktop.core import qualifications as quals
from desktop.core.formats import uk_date
from desktop.ui import dialogs

D = dt.date


def officer(db, collar, surname, joined=D(2024, 1, 10), **extra) -> int:
    return roster.create_officer(db, {"collar": collar, "surname": surname, "joined": joined, **extra})


def sid(db, code):
    return pathway.get_pathway(db).by_code(code).id


def record(db, oid, *codes):
    dates = iter(D(2024, 2, d) for d in range(1, 28))
    for code in codes:
        pathway.record_stage(db, oid, sid(db, code), next(dates), "Sgt A")


def column(tab, code):
    return next(c for c in tab.columns if (c.column.stage.code if c.column.stage else None) == code)


def test_empty_state_when_no_officers(ctx, qtbot):
    from desktop.ui.pathway.tab import PathwayTab

    tab = PathwayTab(ctx)
    qtbot.addWidget(tab)
    assert tab.stack.currentWidget() is tab.empty
    assert "No serving officers yet" in tab.empty.label.text()
    assert not tab.bulk_button.isEnabled()


def test_board_columns_cards_counts_and_filters(ctx, qtbot):
    db = ctx.db
    a = officer(db, "1", "Alpha", team="Response A")
    b = officer(db, "2", "Bravo", team="Response B", joined=D(2024, 1, 20))
    officer(db, "3", "Charlie", team="Response A", joined=D(2023, 5, 1))
    record(db, a, "application", "vetting", "phase1")
    record(db, b, "application")
    from desktop.ui.pathway.tab import PathwayTab

    tab = PathwayTab(ctx)
    qtbot.addWidget(tab)
    assert tab.stack.currentWidget() is tab.scroll
    assert [c.column.title for c in tab.columns][:3] == ["No stage yet", "Application", "Vetting"]
    assert [c.name for c in column(tab, "phase1").model.cards] == ["Alpha"]
    assert [c.name for c in column(tab, "application").model.cards] == ["Bravo"]
    assert [c.name for c in column(tab, None).model.cards] == ["Charlie"]
    p1 = column(tab, "phase1")
    assert "1 officer" in p1.subtitle.text() and "1 overdue" in p1.subtitle.text()  # target 180 days
    assert "3</b> serving officers" in tab.counts.text() and "Waiting longest: Bravo (2)" in tab.counts.text()
    tip = p1.model.data(p1.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "Overdue: the target is 180 days" in tip
    # Team filter
    tab.team.setCurrentIndex(tab.team.findData("Response A"))
    assert sum(len(c.model.cards) for c in tab.columns) == 2
    # Intake filter (joining month) on top
    tab.intake.setCurrentIndex(tab.intake.findData("2023-05"))
    assert [c.name for col in tab.columns for c in col.model.cards] == ["Charlie"]
    assert tab.intake.currentText() == "May 2023"
    tab.team.setCurrentIndex(tab.team.findData("Response B"))
    assert tab.stack.currentWidget() is tab.no_match
    tab.no_match.button.click()
    assert sum(len(c.model.cards) for c in tab.columns) == 3
    tab.search.setText("brav")
    assert [c.name for col in tab.columns for c in col.model.cards] == ["Bravo"]
    # The delegate paints without error and gives a card size.
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitExposed(tab)
    tab.grab()


def test_bulk_record_from_the_board_with_refusals(ctx, qtbot, monkeypatch):
    db = ctx.db
    ready = [officer(db, str(n), f"Ready{n}") for n in range(3)]
    for oid in ready:
        record(db, oid, "application", "vetting", "phase1")
    early = officer(db, "9", "Early")
    record(db, early, "application")
    from desktop.ui.pathway.tab import PathwayTab

    tab = PathwayTab(ctx)
    qtbot.addWidget(tab)
    column(tab, "phase1").view.selectAll()
    column(tab, "application").view.selectAll()
    assert sorted(tab.selected_ids()) == sorted([*ready, early])
    assert tab.bulk_button.text() == "&Record stage for 4 selected…"
    seen = []
    ctx.changed.connect(seen.append)
    dlg = tab.bulk_record()
    qtbot.addWidget(dlg)
    assert dlg.stage.currentText() == "Attestation"  # the stage after the column most selected sit in
    dlg.date.setDate(QDate(2024, 6, 1))
    assert [line.ok for line in dlg.preview.lines] == [False, True, True, True]  # refusals listed first
    assert "3</b> will be recorded" in dlg.summary.text() and "1 refused" in dlg.summary.text()
    assert dlg.preview.data(dlg.preview.index(0, 2)) == "Refused: Phase 1 learning must be recorded first."
    assert dlg.ok.text() == "Record for 3 officers"
    dlg.assessor.setText("SCO Smith")
    dlg.ok.click()
    assert dlg.result_value is not None and sorted(dlg.result_value.recorded) == sorted(ready)
    assert "pathway" in seen
    assert sorted(c.officer_id for c in column(tab, "attestation").model.cards) == sorted(ready)
    assert roster.get_officer(db, ready[0])["attested"] == D(2024, 6, 1)


def test_double_click_opens_the_officer(ctx, qtbot, monkeypatch):
    oid = officer(ctx.db, "1", "Alpha")
    opened = []
    import desktop.ui.pathway.tab as mod

    monkeypatch.setattr(mod, "open_officer", lambda parent, c, officer_id: opened.append(officer_id))
    tab = mod.PathwayTab(ctx)
    qtbot.addWidget(tab)
    col = column(tab, None)
    col.view.doubleClicked.emit(col.model.index(0))
    assert opened == [oid]


def test_board_stays_light_with_two_thousand_officers(ctx, qtbot):
    from sqlalchemy import insert

    from desktop.core.models import Officer

    rows = [
        dict(collar=f"SC{n}", surname=f"Name{n}", joined=D(2024, 1, 1), status="active", rank="SC", version=1)
        for n in range(2000)
    ]
    with ctx.db.engine.begin() as conn:
        conn.execute(insert(Officer), rows)
    from desktop.ui.pathway.tab import PathwayTab

    tab = PathwayTab(ctx)
    qtbot.addWidget(tab)
    assert len(column(tab, None).model.cards) == 2000
    # One list view per column, not one widget per officer.
    assert len(tab.findChildren(type(tab.columns[0].view))) == len(tab.columns)


# -- officer pages -----------------------------------------------------------------------------


def test_officer_pathway_page_record_correct_remove(ctx, qtbot, monkeypatch):
    db = ctx.db
    oid = officer(db, "1", "Alpha")
    from desktop.ui.officer.pathway_page import OfficerPathwayPage

    page = OfficerPathwayPage(ctx, oid)
    qtbot.addWidget(page)
    assert "No stage recorded yet" in page.heading.text() and "Next: <b>Application" in page.heading.text()
    assert page.stage.currentText() == "Application"
    # A refused stage shows the plain reason beside the form.
    page.stage.setCurrentIndex(page.stage.findText("Attestation"))
    page.date.setDate(QDate(2024, 3, 1))
    assert not page.record()
    assert page.error.isVisibleTo(page) and "must be recorded first" in page.error.text()
    page.stage.setCurrentIndex(page.stage.findText("Application"))
    page.date.setDate(QDate(2024, 1, 10))
    page.assessor.setText("Sgt A")
    assert page.record()
    assert "Recorded Application on 10/01/2024" in page.done.text()
    assert page.stage.currentText() == "Vetting"
    assert page.model.data(page.model.index(0, 1)) == "10/01/2024"
    assert page.model.data(page.model.index(1, 1)) == "Next"
    # Correct with a reason
    page.table.selectRow(0)
    assert page.correct_button.isEnabled()
    dlg = page.correct_selected()
    qtbot.addWidget(dlg)
    dlg.date.setDate(QDate(2024, 1, 12))
    dlg.ok.click()
    assert dlg.reason_error.isVisibleTo(dlg) and "Say why" in dlg.reason_error.text()
    dlg.reason.setText("form said 12th")
    dlg.ok.click()
    assert page.model.data(page.model.index(0, 1)) == "12/01/2024"
    # Remove with a reason
    page.table.selectRow(0)
    dlg = page.remove_selected()
    qtbot.addWidget(dlg)
    dlg.reason.setText("wrong officer")
    dlg.ok.click()
    assert pathway.officer_progress(db, oid).entries == []
    assert [e.reason for e in roster.audit_history(db, oid) if e.entity == "stages_achieved"][:2] == [
        "wrong officer",
        "form said 12th",
    ]


def test_officer_pathway_page_shows_roster_dates(ctx, qtbot):
    oid = officer(ctx.db, "1", "Alpha", attested=D(2024, 5, 1))
    from desktop.ui.officer.pathway_page import OfficerPathwayPage

    page = OfficerPathwayPage(ctx, oid)
    qtbot.addWidget(page)
    assert "At <b>Attestation</b> since 01/05/2024" in page.heading.text()
    assert page.model.data(page.model.index(3, 3)) == "Date from the roster (no stage record)"
    page.table.selectRow(3)
    assert not page.correct_button.isEnabled()


def test_officer_quals_page_record_renew_history(ctx, qtbot, monkeypatch):
    db = ctx.db
    oid = officer(db, "1", "Alpha")
    from desktop.ui.officer.qualifications_page import OfficerQualificationsPage

    page = OfficerQualificationsPage(ctx, oid)
    qtbot.addWidget(page)
    assert "No qualifications recorded yet" in page.summary.text()
    first_aid = next(t.id for t in page.types if t.name == "First aid")
    page.type.setCurrentIndex(page.type.findData(first_aid))
    today = dt.date.today()
    old = today - dt.timedelta(days=400)
    page.date.setDate(QDate(old))
    assert page.expiry.text().startswith(uk_date(quals.add_months(old, 12)))
    assert page.record()
    assert "1 expired" in page.summary.text()
    idx = page.current_model.index(0, 3)
    assert page.current_model.data(idx).startswith("Expired")
    assert page.current_model.data(idx, Qt.ItemDataRole.BackgroundRole).name() == "#f8d7da"
    # Renew: the button fills the form; the page renews.
    page.current.selectRow(0)
    page.renew_selected()
    assert page.type.currentData() == first_aid and page.record_button.text() == "&Renew"
    page.date.setDate(QDate(today - dt.timedelta(days=330)))  # expires in about 35 days: amber
    assert page.record()
    assert "1 expiring within 60 days" in page.summary.text()
    page.current.selectRow(0)
    assert [r.current for r in page.history_model.rows] == [True, False]
    assert page.history_model.data(page.history_model.index(1, 3)) == "Renewed"
    assert (
        page.current_model.data(page.current_model.index(0, 3), Qt.ItemDataRole.BackgroundRole).name()
        == "#fff3cd"
    )
    # Remove with a reason via the dialog helper.
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "typed on the wrong officer")
    assert page.remove_selected()
    assert len(page.records) == 1


# -- the expiring report -----------------------------------------------------------------------


def test_expiring_report_filters_and_exports(ctx, qtbot, monkeypatch, tmp_path):
    db = ctx.db
    today = dt.date.today()
    a = officer(db, "1", "Alpha", team="Response A")
    b = officer(db, "2", "Bravo", team="Response B")
    fa = next(t.id for t in quals.list_types(db) if t.name == "First aid")
    quals.record(db, a, fa, quals.add_months(today, -12) - dt.timedelta(days=3))  # expired 3 days ago
    quals.record(db, b, fa, quals.add_months(today, -12) + dt.timedelta(days=10))  # 10 days left
    from desktop.ui.reports.qualifications import show_expiring

    dlg = show_expiring(None, ctx)
    qtbot.addWidget(dlg)
    assert [r.name for r in dlg.model.rows] == ["Alpha", "Bravo"]
    assert dlg.model.data(dlg.model.index(0, 6)) == "Expired 3 days ago"
    assert dlg.model.data(dlg.model.index(1, 6)) == "Expires in 10 days"
    dlg.show_combo.setCurrentIndex(dlg.show_combo.findData("expiring"))
    assert [r.name for r in dlg.model.rows] == ["Bravo"]
    dlg.show_combo.setCurrentIndex(0)
    dlg.team.setCurrentIndex(dlg.team.findData("Response A"))
    assert [r.name for r in dlg.model.rows] == ["Alpha"]
    dlg.team.setCurrentIndex(0)
    dlg.model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in dlg.model.rows] == ["Bravo", "Alpha"]
    out = tmp_path / "expiring"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(out))
    done = []
    monkeypatch.setattr(dialogs, "info", lambda parent, title, text: done.append(text))
    dlg.export()
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert "Saved 2 rows" in done[0]
    ws = load_workbook(tmp_path / "expiring.xlsx")["Qualifications"]
    assert [ws.cell(row=r, column=2).value for r in (2, 3)] == ["Bravo", "Alpha"]
    dlg.window.setValue(5)
    assert [r.name for r in dlg.model.rows] == ["Alpha"]
    dlg.search.setText("nobody")
    assert dlg.stack.currentWidget() is dlg.empty and not dlg.export_button.isEnabled()


def test_enter_in_the_page_form_records_instead_of_closing_the_officer_dialog(ctx, qtbot):
    from desktop.ui.officer.pathway_page import OfficerPathwayPage

    oid = officer(ctx.db, "1", "Alpha")
    page = OfficerPathwayPage(ctx, oid)
    qtbot.addWidget(page)
    page.date.setDate(QDate(2024, 1, 10))
    qtbot.keyClick(page.note, Qt.Key.Key_Return)
    assert [e.stage_code for e in pathway.officer_progress(ctx.db, oid).entries] == ["application"]

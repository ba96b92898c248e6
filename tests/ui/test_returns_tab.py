"""The Returns tab driven with qtbot: month picker, figures on screen, files, sign-off and drift."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt

from desktop.core import returns, roster
from desktop.ui import dialogs, tasks
from desktop.ui.returns.tab import OfficersModel, ReturnsTab
from tests.helpers_returns import MONTH, build_march_2025, duty


def wait_loaded(qtbot, tab, month):
    qtbot.waitUntil(
        lambda: not tab.busy and tab.figures is not None and tab.figures.month == month, timeout=10_000
    )


@pytest.fixture
def tab(ctx, db, qtbot):
    build_march_2025(db)
    widget = ReturnsTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show_month(MONTH)
    wait_loaded(qtbot, widget, MONTH)
    return widget


def test_empty_state(ctx, qtbot):
    widget = ReturnsTab(ctx)
    qtbot.addWidget(widget)
    assert widget.stack.currentWidget() is widget.empty
    assert "No officers yet" in widget.empty.label.text()
    assert not widget.pdf_button.isEnabled() and not widget.sign_button.isEnabled()


def test_defaults_to_last_month(ctx, db, qtbot):
    roster.create_officer(db, {"collar": "1", "surname": "Solo", "joined": dt.date(2020, 1, 1)})
    widget = ReturnsTab(ctx)
    qtbot.addWidget(widget)
    assert widget.month == roster.last_month()
    wait_loaded(qtbot, widget, roster.last_month())


def test_figures_on_screen(tab):
    assert tab.stack.currentWidget() is tab.pages
    assert tab.cards["headcount"][0].text() == "9"
    assert tab.cards["hours"][0].text() == "49"
    assert tab.cards["ytd"][0].text() == "74"
    assert tab.cards["met"][0].text() == "33%"
    assert tab.cards["joiners"][0].text() == "1" and tab.cards["leavers"][0].text() == "2"
    text = tab.browser.toPlainText()
    for expected in (
        "Headcount at month end",
        "Response A",
        "Clark, Sam",
        "resigned",
        "Road Policing Unit",
        "No hours for three months (2)",
        "First aid",
    ):
        assert expected in text
    assert tab.compliance_chart.compliance == {"applies": 6, "met": 2, "below": 1, "zero": 3}
    assert dict(tab.team_chart.items)["Response A"] == 29.0
    assert tab.pages.tabText(1) == "Officers (10)"
    assert tab.banner.isHidden()


def test_officer_table_filters_and_sorts(tab):
    model = tab.model
    assert model.rowCount() == 10
    tab.rag_filter.setCurrentIndex(tab.rag_filter.findData("red"))
    assert sorted(r["collar"] for r in model.rows) == ["1008", "1009", "1011"]
    assert tab.shown.text() == "3 of 10 shown"
    tab.rag_filter.setCurrentIndex(0)
    tab.search.setText("stevenage")
    assert {r["name"] for r in model.rows} == {"Brown, Sam", "Fox, Sam", "Jones, Sam"}
    tab.search.clear()
    model.sort(5, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 1)) == "Jones, Sam"
    assert model.data(model.index(0, 5)) == "20"
    assert model.data(model.index(0, 7)) == "Met"
    assert model.data(model.index(0, 7), Qt.ItemDataRole.BackgroundRole).name() == "#c8e6c9"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None


def test_officers_model_natural_collar_sort():
    model = OfficersModel()
    rows = [
        dict(collar=c, name=c, rank="SC", team=None, status="active", hours=0.0, ytd_hours=0.0, rag="grey")
        for c in ("10", "9", "SC1", "100")
    ]
    model.set_rows(rows)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [r["collar"] for r in model.rows] == ["9", "10", "100", "SC1"]


def test_month_steps(tab, qtbot):
    tab.earlier.click()
    wait_loaded(qtbot, tab, "2025-02")
    assert tab.cards["hours"][0].text() == "14"  # February: Green 8 (overnight from 28/2) + Irwin 6
    tab.later.click()
    wait_loaded(qtbot, tab, MONTH)


def test_save_pdf_and_excel(tab, qtbot, qapp, tmp_path, monkeypatch):
    pdf = tmp_path / "march"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(pdf))
    tab.pdf_button.click()
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: "Saved" in tab.status.text(), timeout=10_000)
    assert (tmp_path / "march.pdf").read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "march.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(xlsx))
    tab.excel_button.click()
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: str(xlsx) in tab.status.text(), timeout=10_000)
    assert openpyxl.load_workbook(xlsx)["Summary"]["A1"].value == "Section"


def test_cancelled_save_does_nothing(tab, monkeypatch, tmp_path):
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: None)
    tab.pdf_button.click()
    tab.excel_button.click()
    assert tab.status.isHidden()
    assert list(tmp_path.glob("*.pdf")) == []


def test_sign_off_then_drift_banner(tab, db, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **k: asked.append(text) or True)
    assert tab.sign_button.isEnabled()
    tab.sign_button.click()
    assert "Sign off the return for March 2025?" in asked[0]
    assert returns.locked(db, MONTH) is not None
    wait_loaded(qtbot, tab, MONTH)
    qtbot.waitUntil(lambda: tab.lock is not None)
    assert not tab.banner.isHidden()
    assert "March 2025 is signed off" in tab.banner.text()
    assert "same figures" in tab.banner.text()
    assert not tab.sign_button.isEnabled()
    assert "(signed off)" in tab.month_combo.currentText()

    duty(db, tab.ctx.db and roster.find_by_collar(db, "1007"), dt.date(2025, 3, 12), 8.5)
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.busy and bool(tab.diffs), timeout=10_000)
    text = tab.banner.text()
    assert "differs in" in text and "Hours › total: 49 when signed off, 57.5 now" in text
    assert tab.cards["hours"][0].text() == "49"  # the stored figures are shown


def test_sign_off_declined(tab, db, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    tab.sign_button.click()
    assert returns.locked(db, MONTH) is None


def test_current_month_cannot_be_signed_off(tab, qtbot):
    this_month = dt.date.today().strftime("%Y-%m")
    tab.show_month(this_month)
    wait_loaded(qtbot, tab, this_month)
    assert not tab.sign_button.isEnabled()
    assert "has not ended yet" in tab.sign_button.toolTip()

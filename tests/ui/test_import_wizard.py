"""The import wizard driven through every page to the summary, and the history window's Undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop import importing as importer
from desktop.core import roster
from desktop.ui import dialogs, tasks
from desktop.ui.importing.wizard import ImportWizard, PreviewModel, row_details, run_import_wizard
from tests.helpers_import import messy_rows, use_tmp_backups, write_encrypted, write_xlsx


@pytest.fixture
def wctx(ctx, tmp_path: Path):
    use_tmp_backups(ctx.db, tmp_path / "backups")
    return ctx


def settle(qtbot, wizard: ImportWizard) -> None:
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10_000)


def test_wizard_through_to_the_summary(qtbot, wctx, tmp_path: Path, monkeypatch) -> None:
    path = write_xlsx(tmp_path / "messy.xlsx", messy_rows())
    notified: list[str] = []
    wctx.changed.connect(notified.append)
    wizard = run_import_wizard(None, wctx, str(path))
    assert wizard is not None
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    # Page 1: the sheet and the detected header row.
    assert wizard.sheet_combo.currentText() == "Roster"
    assert wizard.header_spin.value() == 4
    assert "row 4" in wizard.file_hint.text()
    wizard.go_next()
    settle(qtbot, wizard)
    # Page 2: columns.
    assert wizard.stack.currentIndex() == 1
    targets = [c.currentData() for c in wizard.column_combos]
    assert targets[:3] == ["collar", "surname", "forenames"] and targets[10] == "legacy"
    assert targets[11] == "month:2026-04"
    wizard.column_combos[10].setCurrentIndex(wizard.column_combos[10].findData("ignore"))  # Shoe size
    wizard.go_next()
    settle(qtbot, wizard)
    # Page 3: the unknown rank.
    assert wizard.stack.currentIndex() == 2
    fld, text, combo = wizard.value_combos[0]
    assert (fld, text) == ("rank", "Special Bobby")
    combo.setCurrentIndex(combo.findData("SC"))
    wizard.go_next()
    settle(qtbot, wizard)
    # Page 4: preview; row 9 is still rejected for its date and hours, not its rank.
    assert wizard.stack.currentIndex() == 3
    model = wizard.preview_model
    assert model.rowCount() == 10
    row9 = next(r for r in model.rows if r.row_number == 9)
    assert "rank" not in row_details(row9).lower()
    assert "there is no 31 February 2020" in row_details(row9)
    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findData("rejected"))
    assert model.rowCount() == 4
    wizard.go_next()  # Import
    settle(qtbot, wizard)
    # Page 5: summary.
    assert wizard.stack.currentIndex() == 4
    assert "4</b> new officers" in wizard.summary_label.text()
    assert "all" in notified
    assert roster.find_by_collar(wctx.db, "4521") is not None
    oid = roster.find_by_collar(wctx.db, "4521")
    assert roster.get_officer(wctx.db, oid).legacy_fields == []  # Shoe size ignored
    # The mapping is remembered for a file with the same headings.
    remembered = importer.remembered_mapping(wctx.db, messy_rows()[3])
    assert remembered is not None and remembered[10] == "ignore"
    saved = tmp_path / "rejects.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(saved))
    said: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda parent, title, text: said.append(text))
    wizard.save_rejects_btn.click()
    assert saved.exists() and "4 rejected rows saved" in said[0]
    assert wizard.next_btn.text() == "&Close"


def test_wizard_shows_a_refused_file_in_plain_words(qtbot, wctx, tmp_path: Path) -> None:
    wizard = run_import_wizard(None, wctx, str(write_encrypted(tmp_path / "locked.xlsx")))
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    assert "password-protected" in wizard.error.text()
    wizard.go_next()
    assert "Choose a file" in wizard.error.text()


def test_preview_model_handles_many_rows(qapp) -> None:
    rows = [importer.RowPlan(i + 2, "created", str(i), f"Name {i}") for i in range(20_000)]
    model = PreviewModel()
    model.set_rows(rows)
    assert model.rowCount() == 20_000
    assert model.data(model.index(19_999, 3)) == "Name 19999"
    model.set_rows(rows, "rejected")
    assert model.rowCount() == 0


def test_file_menu_without_a_path_asks_for_one(qtbot, wctx, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "open_file", lambda *a, **k: None)
    assert run_import_wizard(None, wctx) is None


def test_history_lists_batches_and_undoes_with_confirmation(qtbot, wctx, tmp_path: Path, monkeypatch) -> None:
    from desktop.ui.importing.history import show_import_history

    header = ["Collar", "Surname", "Rank"]
    first = importer.run(wctx.db, write_xlsx(tmp_path / "a.xlsx", [header, ["1", "A", "SC"]])).batch_id
    importer.run(wctx.db, write_xlsx(tmp_path / "b.xlsx", [header, ["1", "A", "Spec Sgt"], ["2", "B", "SC"]]))
    dialog = show_import_history(None, wctx)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2
    assert dialog.model.data(dialog.model.index(0, 2)) == "b.xlsx"
    dialog.view.selectRow(1)  # the older import: a later one changed the same officer
    assert not dialog.undo_btn.isEnabled()
    assert "Undo import" in dialog.reason.text() and "first" in dialog.reason.text()
    dialog.view.selectRow(0)
    assert dialog.undo_btn.isEnabled()
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    dialog.undo_btn.click()
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: dialog.model.rows and dialog.model.rows[0].undone, timeout=10_000)
    assert roster.find_by_collar(wctx.db, "2") is None
    assert importer.can_undo(wctx.db, first) is None


def test_history_empty_state(qtbot, wctx) -> None:
    from desktop.ui.importing.history import show_import_history

    dialog = show_import_history(None, wctx)
    qtbot.addWidget(dialog)
    assert dialog.stack.currentWidget() is dialog.empty


def test_export_roster_from_the_menu(qtbot, wctx, tmp_path: Path, monkeypatch) -> None:
    from desktop.ui.roster.export import export_roster

    importer.run(wctx.db, write_xlsx(tmp_path / "m.xlsx", messy_rows()))
    out = tmp_path / "out"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(out))
    said: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda parent, title, text: said.append(text))
    export_roster(None, wctx)
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said == [f"4 officers exported to {out}.xlsx."]
    assert (tmp_path / "out.xlsx").exists()


def test_wizard_imports_leavers_without_reasons_and_shows_the_warnings(
    qtbot, wctx, tmp_path: Path, monkeypatch
) -> None:
    from openpyxl import load_workbook

    from desktop.core.domain import NOT_RECORDED
    from desktop.importing.rejects import WARNING_HEADER
    from desktop.ui.importing.wizard import WARNING_COLOUR, WARNINGS
    from desktop.ui.roster.model import REASON_NOT_RECORDED
    from desktop.ui.roster.tab import RosterTab

    rows = [
        ["Collar No.", "Surname", "Forenames", "Status", "Date Joined", "Date Left", "Jun-26"],
        ["101", "Ahmed", "Sara", "Left", "01/02/2018", "15/05/2026", 6],
        ["102", "Brown", "Tom", "Left", "01/02/2019", "10/06/2026", 4],
        ["103", "Clark", "Ann", "Active", "01/02/2019", None, 20],
        [None, "Nocollar", "Ann", "Active", "01/02/2019", None, 20],
    ]
    wizard = run_import_wizard(None, wctx, str(write_xlsx(tmp_path / "roll.xlsx", rows)))
    assert wizard is not None
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    for _page in range(2):  # file, columns (no unknown values: straight to the preview)
        wizard.go_next()
        settle(qtbot, wizard)
    assert wizard.stack.currentIndex() == 3
    model = wizard.preview_model
    assert "2 with warnings" in wizard.counts_label.text()
    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findData(WARNINGS))
    assert [r.row_number for r in model.rows] == [2, 3]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color() == WARNING_COLOUR
    assert "Warning: Leaving reason: no leaving reason given" in model.data(model.index(0, 4))
    wizard.filter_combo.setCurrentIndex(wizard.filter_combo.findData("rejected"))
    assert [r.row_number for r in model.rows] == [5]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color() != WARNING_COLOUR
    wizard.go_next()  # Import
    settle(qtbot, wizard)
    summary = wizard.summary_label.text()
    assert "<b>2</b> rows imported with warnings" in summary
    assert "2 leavers came without a leaving reason" in summary and "Leaving reason not recorded" in summary
    assert (
        roster.get_officer(wctx.db, roster.find_by_collar(wctx.db, "101"))["leaving_reason"] == NOT_RECORDED
    )

    saved = tmp_path / "warnings.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: str(saved))
    said: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda parent, title, text: said.append(text))
    assert wizard.save_warnings_btn.isEnabled()
    wizard.save_warnings_btn.click()
    assert said == [f"2 rows with warnings saved to {saved}."]
    got = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert got[0][:2] == (WARNING_HEADER, "Collar No.") and [r[1] for r in got[1:]] == ["101", "102"]

    # The roster lists them for follow-up.
    tab = RosterTab(wctx)
    qtbot.addWidget(tab)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData(REASON_NOT_RECORDED))
    assert tab.status_filter.currentText() == "Leaving reason not recorded"
    assert sorted(tab.model.officer(i).collar for i in range(tab.model.rowCount())) == ["101", "102"]


def test_wizard_refuses_a_file_with_no_header_as_the_command_line_does(qtbot, wctx, tmp_path: Path) -> None:
    from desktop.excel.reader import FileRefused

    path = write_xlsx(tmp_path / "numbers.xlsx", [[4521, 12, 3], [4522, 8, 0], [4523, 16, 4]])
    with pytest.raises(FileRefused) as service:
        importer.plan(wctx.db, path)
    wizard = run_import_wizard(None, wctx, str(path))
    assert wizard is not None
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    assert wizard.error.text() == str(service.value)  # the command line's sentence
    assert not wizard.next_btn.isEnabled()
    assert wizard.raw_model.rowCount() == 3  # the rows are shown, to see why
    wizard.header_spin.setValue(2)  # choosing a row does not get round it
    wizard.go_next()
    settle(qtbot, wizard)
    assert wizard.stack.currentIndex() == 0 and wizard.error.text() == str(service.value)
    assert importer.count_officers(wctx.db) == 0 and importer.list_batches(wctx.db) == []


def test_wizard_refuses_a_sheet_with_no_header_but_offers_the_others(qtbot, wctx, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx", [["Collar", "Surname"], ["1", "A"]], before={"Notes": [["Just notes"], [1, 2]]}
    )
    wizard = run_import_wizard(None, wctx, str(path))
    assert wizard is not None
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    assert wizard.sheet_combo.currentText() == "Roster" and wizard.next_btn.isEnabled()
    wizard.load_sheet("Notes")
    settle(qtbot, wizard)
    assert "No header row found in the first 20 rows of sheet 'Notes'" in wizard.error.text()
    assert not wizard.next_btn.isEnabled() and "choose another sheet" in wizard.file_hint.text()
    wizard.load_sheet("Roster")
    settle(qtbot, wizard)
    assert wizard.next_btn.isEnabled() and wizard.refusal is None

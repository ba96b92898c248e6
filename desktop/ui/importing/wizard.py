"""File > Import roster…: the import wizard.

Pages: 1 file and sheet (with the first rows, to see and correct the header row; a file with no
header is refused, as the command line refuses it) · 2 columns (what each column imports as) ·
3 values (map ranks/statuses the synonyms do not know) · 4 preview (every row's outcome, reasons,
old → new, and warnings in their own colour) · 5 summary (counts, Save rejected rows…, Save
warnings…).
Reading and checking run off the UI thread (run_task) with progress and Cancel.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import importing as importer
from desktop.core import month_locks, returns, settings
from desktop.core.domain import DRIVING_GRADES, LEAVING_REASONS, NOT_RECORDED, STATUS_LABELS, STATUSES
from desktop.core.formats import month_label
from desktop.excel.headers import IGNORE, LEGACY, column_letter, header_block
from desktop.excel.reader import FileRefused, Workbook, open_workbook
from desktop.excel.values import cell_text
from desktop.importing.texts import row_details, warning_details
from desktop.importing.words import FIELD_TARGETS, load_synonyms, target_label
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.table_model import RIGHT_ALIGN, Column, ListTableModel, RowStyle
from desktop.ui.tasks import run_task

OUTCOME_LABEL = {
    "created": "New officer",
    "updated": "Updated",
    "unchanged": "No change",
    "skipped": "Skipped",
    "rejected": "Rejected",
}
OUTCOME_COLOUR = {
    "created": QColor("#e3f4e1"),
    "updated": QColor("#e2ecfa"),
    "unchanged": None,
    "skipped": QColor("#eeeeee"),
    "rejected": QColor("#fbe0de"),
}
# Imported rows that carry warnings (something was assumed): their own colour and filter.
WARNINGS = "warnings"
WARNING_COLOUR = QColor("#fff1c2")
FIELD_NAMES = {"rank": "Rank", "status": "Status", "leaving_reason": "Leaving reason", "driving": "Driving"}
STEP_TITLES = ["1  File and sheet", "2  Columns", "3  Values", "4  Check rows", "5  Done"]


class PreviewModel(ListTableModel):
    """Every row of the plan; filters its own list (no proxy: 20,000 rows stay quick)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.all: list[importer.RowPlan] = []
        self.rows: list[importer.RowPlan] = []
        self._details: dict[int, str] = {}  # by id() of the row plan, worked out when first shown
        self.columns = (
            Column("Row", lambda r: str(r.row_number), align=RIGHT_ALIGN),
            Column("Outcome", lambda r: OUTCOME_LABEL[r.outcome]),
            Column("Collar", lambda r: r.collar or ""),
            Column("Name", lambda r: r.name),
            Column("What happens", self._row_details, tip=lambda r: self._row_details(r).replace("; ", "\n")),
        )
        self.row_style = RowStyle(background=_outcome_fill, foreground=_outcome_text)

    def set_rows(self, rows: list[importer.RowPlan], outcome: str | None = None) -> None:  # type: ignore[override]
        """Show ``rows``: all, those of one outcome, or (``WARNINGS``) the imported rows with warnings."""
        self.beginResetModel()
        self.all = rows
        self._details = {}
        if outcome == WARNINGS:
            self.rows = [r for r in rows if r.warnings and r.outcome in importer.IMPORTED]
        else:
            self.rows = [r for r in rows if outcome is None or r.outcome == outcome]
        self.endResetModel()

    def details(self, i: int) -> str:
        return self._row_details(self.rows[i])

    def _row_details(self, row: importer.RowPlan) -> str:
        text = self._details.get(id(row))
        if text is None:
            text = row_details(row)
            if row.warnings and row.outcome in importer.IMPORTED:
                text += f"; {warning_details(row)}"
            self._details[id(row)] = text
        return text


_OUTCOME_FILL = {outcome: QBrush(colour) for outcome, colour in OUTCOME_COLOUR.items() if colour is not None}
_WARNING_FILL = QBrush(WARNING_COLOUR)
_QUIET_TEXT = QBrush(QColor("#666666"))


def _outcome_fill(row: importer.RowPlan) -> QBrush | None:
    """An imported row with warnings in the warnings' colour, else its outcome's."""
    if row.warnings and row.outcome in importer.IMPORTED:
        return _WARNING_FILL
    return _OUTCOME_FILL.get(row.outcome)


def _outcome_text(row: importer.RowPlan) -> QBrush | None:
    return _QUIET_TEXT if row.outcome in ("unchanged", "skipped") else None


class RawRowsModel(ListTableModel):
    """The first rows of the sheet as they are (a row is its number and its cells), the header row
    in bold and the rows above it greyed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[int, list[Any]]] = []
        self.header_row = 0  # 1-based; 0 for none
        self.width = 0
        bold = QFont()
        bold.setBold(True)
        header_fill = QBrush(QColor("#fff2c4"))
        above = QBrush(QColor("#888888"))
        self.row_style = RowStyle(
            font=lambda r: bold if r[0] == self.header_row else None,
            background=lambda r: header_fill if r[0] == self.header_row else None,
            foreground=lambda r: above if r[0] < self.header_row else None,
        )

    def set_rows(self, rows: list[list[Any]], header_row: int) -> None:  # type: ignore[override]
        self.beginResetModel()
        self.rows = list(enumerate(rows, start=1))
        self.width = min(max((len(r) for r in rows), default=0), 40)
        self.columns = tuple(Column(column_letter(c), _cell(c)) for c in range(self.width))
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, header_row: int) -> None:
        self.header_row = header_row
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.width - 1))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)


def _cell(c: int) -> Any:
    """Column ``c``'s cell of a raw row, as text (a short row has none)."""
    return lambda r: cell_text(r[1][c]) if c < len(r[1]) else ""


class ImportWizard(QDialog):
    def __init__(self, ctx: AppContext, path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.wb: Workbook | None = None
        self.plan: importer.ImportPlan | None = None
        self.result: importer.ImportResult | None = None
        self.mapping: dict[int, str] | None = None
        self.value_map: dict[str, dict[str, str]] = {}
        self.refusal: str | None = None  # why the sheet shown cannot be imported (no header found)
        self.busy = False
        self.setWindowTitle("Import roster")
        self.resize(1100, 700)
        self.setSizeGripEnabled(True)

        outer = QVBoxLayout(self)
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.steps)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        self.back_btn = QPushButton("< &Back")
        self.next_btn = QPushButton("&Next >")
        self.cancel_btn = QPushButton("Cancel")
        buttons.addStretch(1)
        for b in (self.back_btn, self.next_btn, self.cancel_btn):
            buttons.addWidget(b)
        outer.addLayout(buttons)
        self.back_btn.clicked.connect(self.go_back)
        self.next_btn.clicked.connect(self.go_next)
        self.cancel_btn.clicked.connect(self.reject)
        self.next_btn.setDefault(True)

        self._build_file_page()
        self._build_columns_page()
        self._build_values_page()
        self._build_preview_page()
        self._build_summary_page()
        self.show_page(0)
        self.load_file(path)

    # -- pages -------------------------------------------------------------------------------
    def _build_file_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel("File:"))
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        row.addWidget(self.file_edit, 1)
        self.browse_btn = QPushButton("Choose another &file…")
        self.browse_btn.clicked.connect(self.choose_file)
        row.addWidget(self.browse_btn)
        lay.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("&Sheet:"))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(220)
        row.itemAt(0).widget().setBuddy(self.sheet_combo)  # type: ignore[union-attr]
        self.sheet_combo.activated.connect(lambda _i: self.load_sheet(self.sheet_combo.currentText()))
        row.addWidget(self.sheet_combo)
        row.addSpacing(24)
        label = QLabel("&Header row:")
        row.addWidget(label)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 20)
        label.setBuddy(self.header_spin)
        self.header_spin.valueChanged.connect(self._header_changed)
        row.addWidget(self.header_spin)
        row.addStretch(1)
        lay.addLayout(row)
        self.file_hint = QLabel()
        self.file_hint.setWordWrap(True)
        lay.addWidget(self.file_hint)
        self.raw_model = RawRowsModel(self)
        self.raw_view = QTableView()
        self.raw_view.setModel(self.raw_model)
        self.raw_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.raw_view.horizontalHeader().setDefaultSectionSize(110)
        self.raw_view.clicked.connect(lambda idx: self.header_spin.setValue(idx.row() + 1))
        lay.addWidget(self.raw_view, 1)
        self.stack.addWidget(page)

    def _build_columns_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.columns_hint = QLabel(
            "Check what each column of the sheet imports as. Columns CiP Desk does not know are kept "
            "with each officer as a legacy field (shown in their record and exported); choose "
            "Ignore to leave a column out."
        )
        self.columns_hint.setWordWrap(True)
        lay.addWidget(self.columns_hint)
        self.columns_table = QTableWidget(0, 4)
        self.columns_table.setHorizontalHeaderLabels(
            ["Column", "Heading in the file", "First values", "Imports as"]
        )
        self.columns_table.verticalHeader().hide()
        self.columns_table.verticalHeader().setDefaultSectionSize(30)
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.columns_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.columns_table.setColumnWidth(1, 200)
        self.columns_table.setColumnWidth(3, 240)
        lay.addWidget(self.columns_table, 1)
        self.column_combos: list[QComboBox] = []
        self.stack.addWidget(page)

    def _build_values_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.values_hint = QLabel()
        self.values_hint.setWordWrap(True)
        lay.addWidget(self.values_hint)
        self.values_table = QTableWidget(0, 4)
        self.values_table.setHorizontalHeaderLabels(["Column", "Value in the file", "Rows", "Import as"])
        self.values_table.verticalHeader().hide()
        self.values_table.verticalHeader().setDefaultSectionSize(30)
        self.values_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.values_table.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.values_table.setColumnWidth(0, 150)
        self.values_table.setColumnWidth(3, 260)
        lay.addWidget(self.values_table, 1)
        self.value_combos: list[tuple[str, str, QComboBox]] = []
        self.stack.addWidget(page)

    def _build_preview_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        top = QHBoxLayout()
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        top.addWidget(self.counts_label, 1)
        top.addWidget(QLabel("Show:"))
        self.filter_combo = QComboBox()
        self.filter_combo.addItem("All rows", None)
        for key in importer.OUTCOMES:
            self.filter_combo.addItem(OUTCOME_LABEL[key] if key != "created" else "New officers", key)
        self.filter_combo.addItem("With warnings", WARNINGS)
        self.filter_combo.currentIndexChanged.connect(self._filter)
        top.addWidget(self.filter_combo)
        lay.addLayout(top)
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.verticalHeader().hide()
        self.preview_view.verticalHeader().setDefaultSectionSize(22)
        hh = self.preview_view.horizontalHeader()
        hh.setStretchLastSection(True)
        for col, width in enumerate((50, 95, 90, 200)):
            self.preview_view.setColumnWidth(col, width)
        lay.addWidget(self.preview_view, 1)
        self.detail_label = QLabel("Select a row to read everything about it here.")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setStyleSheet("padding: 4px; border: 1px solid #ccc; background: #fafafa;")
        lay.addWidget(self.detail_label)
        self.preview_view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)
        self.previous_label.setStyleSheet("color: #8a5a00;")
        lay.addWidget(self.previous_label)
        self.stack.addWidget(page)

    def _build_summary_page(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary_label)
        row = QHBoxLayout()
        self.save_rejects_btn = QPushButton("&Save rejected rows…")
        self.save_rejects_btn.clicked.connect(self.save_rejects)
        row.addWidget(self.save_rejects_btn)
        self.save_warnings_btn = QPushButton("Save &warnings…")
        self.save_warnings_btn.setToolTip("The rows imported with warnings, each with what was assumed")
        self.save_warnings_btn.clicked.connect(self.save_warnings)
        row.addWidget(self.save_warnings_btn)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.stack.addWidget(page)

    # -- navigation ----------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        parts = []
        for i, title in enumerate(STEP_TITLES):
            parts.append(f"<b>{title}</b>" if i == index else f"<span style='color:#888'>{title}</span>")
        self.steps.setText("&nbsp;&nbsp;›&nbsp;&nbsp;".join(parts))
        self.back_btn.setVisible(0 < index < 4)
        self.next_btn.setText({3: "&Import", 4: "&Close"}.get(index, "&Next >"))
        self.cancel_btn.setVisible(index < 4)
        self.set_error("")

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def go_back(self) -> None:
        index = self.stack.currentIndex()
        if index == 3 and not self.value_combos:
            index -= 1
        self.show_page(max(0, index - 1))

    def go_next(self) -> None:
        if self.busy:
            return
        index = self.stack.currentIndex()
        if index == 0:
            if self.wb is None:
                self.set_error("Choose a file to import first.")
                return
            if self.refusal is not None:
                self.set_error(self.refusal)
                return
            self.check(after="columns")
        elif index == 1:
            self.mapping = self.current_mapping()
            self.check(after="values")
        elif index == 2:
            self.value_map = self.current_value_map()
            self.check(after="preview")
        elif index == 3:
            self.do_import()
        else:
            self.accept()

    # -- page 1: file and sheet -----------------------------------------------------------------
    def choose_file(self) -> None:
        path = dialogs.open_file(
            self, "Import roster", folder=str(Path(self.path).parent) if self.path else ""
        )
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        self.path = path
        self.file_edit.setText(path)
        if self.wb is not None:
            self.wb.close()
        self.wb = None
        self.mapping = None
        self.value_map = {}
        self.sheet_combo.clear()
        self.raw_model.set_rows([], 0)

        def work(progress: Any) -> Workbook:
            progress(0, 0, f"Opening {Path(path).name}")
            return open_workbook(path)

        def done(wb: Workbook) -> None:
            self.wb = wb
            self.sheet_combo.addItems(wb.sheet_names)
            self.load_sheet(None)

        self._run("Opening the file", work, done)

    def load_sheet(self, sheet: str | None) -> None:
        wb = self.wb
        if wb is None:
            return
        self.mapping = None
        self.value_map = {}
        self.refusal = None
        syn = load_synonyms()

        def work(progress: Any) -> tuple[str, list[list[Any]], int | None, str | None]:
            progress(0, 0, "Reading the sheet")
            # The service decides whether the file has a header, as it does for the command line.
            try:
                name, found = importer.locate_header(wb, syn, sheet, progress)
            except FileRefused as exc:
                name = sheet or wb.sheet_names[0]
                try:
                    rows = wb.rows(name, progress)
                except FileRefused:
                    rows = []
                return name, [list(r) for r in rows[:20]], None, str(exc)
            return name, [list(r) for r in wb.rows(name, progress)[:20]], found, None

        def done(result: tuple[str, list[list[Any]], int | None, str | None]) -> None:
            name, rows, found, refusal = result
            self.sheet_combo.setCurrentText(name)
            self.raw_model.set_rows(rows, found + 1 if found is not None else 0)
            self.header_spin.blockSignals(True)
            self.header_spin.setValue((found or 0) + 1)
            self.header_spin.blockSignals(False)
            self.refusal = refusal
            if refusal is not None:
                others = len(wb.sheet_names) > 1
                self.file_hint.setText(
                    "This sheet cannot be imported: "
                    + ("choose another sheet, or " if others else "")
                    + "add a row of column headings (such as Collar number and Surname) to the file."
                )
                self.set_error(refusal)
                self.next_btn.setEnabled(False)
            else:
                self.file_hint.setText(
                    f"The headings are in row {(found or 0) + 1} (highlighted); rows above it are ignored. "
                    "If that is wrong, click the right row or change the number."
                )

        self._run("Reading the sheet", work, done)

    def _header_changed(self, value: int) -> None:
        self.raw_model.set_header_row(value)
        self.mapping = None

    # -- checking ------------------------------------------------------------------------------
    def check(self, *, after: str) -> None:
        wb = self.wb
        if wb is None:
            return
        sheet = self.sheet_combo.currentText()
        header_row = self.header_spin.value()
        mapping = self.mapping
        value_map = dict(self.value_map)
        db = self.ctx.db

        def work(progress: Any) -> importer.ImportPlan:
            nonlocal mapping
            if mapping is None:
                rows = wb.rows(sheet, progress)
                if header_row <= len(rows):
                    header, _last = header_block(rows, load_synonyms(), header_row - 1)
                    mapping = importer.remembered_mapping(db, header)
            return importer.plan(
                db,
                wb.path,
                sheet=sheet,
                header_row=header_row,
                mapping=mapping,
                value_map=value_map,
                progress=progress,
                workbook=wb,
            )

        def done(plan: importer.ImportPlan) -> None:
            self.plan = plan
            self.mapping = {c.index: c.target for c in plan.columns}
            if after == "columns":
                self.fill_columns(plan)
                self.show_page(1)
            elif after == "values" and plan.unknown_values:
                self.fill_values(plan)
                self.show_page(2)
            else:
                if after == "values":
                    self.value_combos = []
                self.fill_preview(plan)
                self.show_page(3)

        self._run("Checking the rows", work, done)

    def _run(self, title: str, work: Any, done: Any) -> None:
        self.busy = True
        self.next_btn.setEnabled(False)

        def finished(result: Any) -> None:
            self.busy = False
            self.next_btn.setEnabled(True)
            done(result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.next_btn.setEnabled(True)
            from desktop.core.errors import plain_message

            self.set_error(plain_message(exc) or f"{title} failed unexpectedly: {exc}")

        def cancelled() -> None:
            self.busy = False
            self.next_btn.setEnabled(True)
            self.set_error("Cancelled: nothing was changed.")

        run_task(self, title, work, on_done=finished, on_error=failed, on_cancel=cancelled)

    # -- page 2: columns -------------------------------------------------------------------------
    def fill_columns(self, plan: importer.ImportPlan) -> None:
        rows = self.wb.rows(plan.sheet) if self.wb else []
        samples = rows[plan.header_row : plan.header_row + 40]
        self.columns_table.setRowCount(len(plan.columns))
        self.column_combos = []
        for i, col in enumerate(plan.columns):
            self.columns_table.setItem(i, 0, QTableWidgetItem(col.letter))
            self.columns_table.setItem(i, 1, QTableWidgetItem(col.header))
            seen: list[str] = []
            for r in samples:
                text = cell_text(r[col.index]) if col.index < len(r) else ""
                if text and text not in seen:
                    seen.append(text)
                if len(seen) == 3:
                    break
            self.columns_table.setItem(i, 2, QTableWidgetItem(", ".join(seen) or "(empty)"))
            combo = QComboBox()
            for key, label in FIELD_TARGETS:
                combo.addItem(label, key)
            if col.month:
                combo.addItem(target_label(col.target), col.target)
            combo.insertSeparator(combo.count())
            combo.addItem("Keep as legacy field", LEGACY)
            combo.addItem("Ignore", IGNORE)
            combo.setCurrentIndex(max(0, combo.findData(col.target)))
            self.columns_table.setCellWidget(i, 3, combo)
            self.column_combos.append(combo)

    def current_mapping(self) -> dict[int, str]:
        assert self.plan is not None
        return {
            col.index: combo.currentData()
            for col, combo in zip(self.plan.columns, self.column_combos, strict=True)
        }

    # -- page 3: values --------------------------------------------------------------------------
    def choices(self, fld: str) -> list[tuple[str, str]]:
        if fld == "rank":
            return [(name, code) for code, name in settings.ranks(self.ctx.db)]
        if fld == "status":
            return [(STATUS_LABELS[s], s) for s in STATUSES]
        if fld == "leaving_reason":
            return [(r.capitalize(), r) for r in LEAVING_REASONS]
        return [(g.capitalize(), g) for g in DRIVING_GRADES]

    def fill_values(self, plan: importer.ImportPlan) -> None:
        items = [(fld, text, n) for fld, found in plan.unknown_values.items() for text, n in found.items()]
        self.values_hint.setText(
            f"{len(items)} value{'s' if len(items) != 1 else ''} in the file {'are' if len(items) != 1 else 'is'} "
            "not known to CiP Desk. Choose what each one means; rows left as “Reject these rows” are "
            "listed as rejected so you can correct them in the spreadsheet."
        )
        self.values_table.setRowCount(len(items))
        self.value_combos = []
        for i, (fld, text, n) in enumerate(items):
            self.values_table.setItem(i, 0, QTableWidgetItem(FIELD_NAMES.get(fld, fld)))
            self.values_table.setItem(i, 1, QTableWidgetItem(text))
            count = QTableWidgetItem(str(n))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.values_table.setItem(i, 2, count)
            combo = QComboBox()
            combo.addItem("Reject these rows", None)
            for label, value in self.choices(fld):
                combo.addItem(label, value)
            chosen = self.value_map.get(fld, {}).get(text)
            if chosen:
                combo.setCurrentIndex(max(0, combo.findData(chosen)))
            self.values_table.setCellWidget(i, 3, combo)
            self.value_combos.append((fld, text, combo))

    def current_value_map(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {k: dict(v) for k, v in self.value_map.items()}
        for fld, text, combo in self.value_combos:
            value = combo.currentData()
            if value:
                out.setdefault(fld, {})[text] = value
        return out

    # -- page 4: preview -----------------------------------------------------------------------
    def fill_preview(self, plan: importer.ImportPlan) -> None:
        self.filter_combo.blockSignals(True)
        self.filter_combo.setCurrentIndex(0)
        self.filter_combo.blockSignals(False)
        self.preview_model.set_rows(plan.rows)
        c = plan.counts
        self.counts_label.setText(
            f"<b>{plan.file_name}</b>, sheet “{plan.sheet}”, {len(plan.rows):,} rows below the headings in row "
            f"{plan.header_row}: <b>{c['created']:,}</b> new officers, <b>{c['updated']:,}</b> updated, "
            f"{c['unchanged']:,} already up to date, {c['skipped']:,} skipped (blank or totals), "
            f"<b style='color:#b00020'>{c['rejected']:,} rejected</b>; "
            f"<b style='color:#8a5a00'>{plan.warning_count:,} with warnings</b> (imported, with what was "
            f"assumed: shown in yellow); {plan.hours_entries:,} monthly hours entries. Nothing is saved "
            "until you press Import."
        )
        prev = plan.previous_batch
        if prev:
            when = prev["started_at"].strftime("%d/%m/%Y %H:%M")
            self.previous_label.setText(
                f"This same file was imported on {when} (import {prev['id']}). Importing it again "
                "changes only what differs; nothing is added twice."
            )
        else:
            self.previous_label.setText("")
        self.locked_changes = importer.signed_off_changes(self.ctx.db, plan)
        self.locked_months = sorted(self.locked_changes)
        if self.locked_months:
            self.previous_label.setText(
                (self.previous_label.text() + "<br>" if self.previous_label.text() else "")
                + "<b style='color:#b00020'>This import changes the figures of signed-off "
                f"month{'s' if len(self.locked_months) > 1 else ''}: "
                f"{html.escape(month_locks.describe(self.locked_changes))}</b> Their returns were "
                "printed as they were; you will be asked why before importing."
            )
        overlap = importer.totals_over_duties(self.ctx.db, plan)
        if overlap:
            shown = "; ".join(
                f"{collar} {month_label(month)} ({hours:g} h)" for collar, month, hours in overlap[:5]
            )
            more = f" and {len(overlap) - 5:,} more" if len(overlap) > 5 else ""
            self.previous_label.setText(
                (self.previous_label.text() + "<br>" if self.previous_label.text() else "")
                + f"<b>{len(overlap):,} monthly total{'s' if len(overlap) != 1 else ''} will be added to "
                f"duties already recorded in the same month</b>: {shown}{more}. Check these are not "
                "the same hours counted twice."
            )
        self.next_btn.setEnabled(c["created"] + c["updated"] > 0 or True)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.preview_model.rows):
            return
        row = self.preview_model.rows[current.row()]
        text = self.preview_model.details(current.row()).replace("; ", "\n")
        self.detail_label.setText(f"Row {row.row_number} — {OUTCOME_LABEL[row.outcome]}\n{text}")

    def _filter(self) -> None:
        if self.plan is not None:
            self.preview_model.set_rows(self.plan.rows, self.filter_combo.currentData())

    # -- import -------------------------------------------------------------------------------------
    def do_import(self) -> None:
        plan = self.plan
        if plan is None:
            return
        db = self.ctx.db
        sheet, header_row, mapping, value_map = (
            plan.sheet,
            plan.header_row,
            self.mapping,
            dict(self.value_map),
        )
        header = list(plan.header)
        lock_reason = None
        if getattr(self, "locked_months", None):
            lock_reason = dialogs.ask_text(
                self,
                "Signed-off months",
                f"This import changes the figures of signed-off months. "
                f"{month_locks.describe(self.locked_changes)} Their returns were printed "
                "with the figures as they were.\n\nIf the import must go ahead, say why (kept in the "
                "audit log):",
            )
            if lock_reason is None or not lock_reason.strip():
                return

        def work(progress: Any) -> tuple[importer.ImportResult, str]:
            result = importer.run(
                db,
                plan.path,
                sheet=sheet,
                header_row=header_row,
                mapping=mapping,
                value_map=value_map,
                progress=progress,
                expected_sha256=plan.sha256,
                lock_reason=lock_reason,
            )
            if mapping:
                importer.remember_mapping(db, header, mapping)
            # the Hours and Returns tabs move to the import's latest month of hours
            return result, returns.opening_month(db, batch_id=result.batch_id)

        def done(outcome: tuple[importer.ImportResult, str]) -> None:
            result, month = outcome
            self.result = result
            self.plan = result.plan
            self.ctx.notify("all")
            self.ctx.show_month(month)
            self.fill_summary(result)
            self.show_page(4)

        self._run("Importing the roster", work, done)

    # -- page 5: summary ---------------------------------------------------------------------------
    def fill_summary(self, result: importer.ImportResult) -> None:
        p = result.plan
        c = p.counts

        def s_(count: int) -> str:
            return "" if count == 1 else "s"

        hours = p.hours_entries
        warned = p.warning_count
        unrecorded = sum(
            1
            for r in p.rows
            if r.outcome in ("created", "updated")
            and r.values.get("leaving_reason") == NOT_RECORDED
            and (r.outcome == "created" or "leaving_reason" in r.changes)
        )
        lines = [
            f"<h3>Imported {p.file_name}</h3>",
            f"<p>Sheet “{p.sheet}”, {len(p.rows):,} row{s_(len(p.rows))} (import {result.batch_id}).</p><ul>",
            f"<li><b>{c['created']:,}</b> new officer{s_(c['created'])}</li>",
            f"<li><b>{c['updated']:,}</b> officer{s_(c['updated'])} updated</li>",
            f"<li>{c['unchanged']:,} already up to date</li>",
            f"<li>{c['skipped']:,} row{s_(c['skipped'])} skipped (blank or totals rows)</li>",
            f"<li><b>{c['rejected']:,}</b> row{s_(c['rejected'])} rejected</li>",
            f"<li><b>{warned:,}</b> row{s_(warned)} imported with warnings</li>",
            f"<li>{hours:,} monthly hours entr{'y' if hours == 1 else 'ies'} saved</li></ul>",
        ]
        if c["rejected"]:
            lines.append(
                "<p>Rejected rows were not imported. Save them as a workbook, correct them (the reason is in "
                "the first column) and import that workbook.</p>"
            )
        if warned:
            lines.append(
                "<p>Rows with warnings were imported with something assumed (for example a leaver with no "
                "leaving reason is recorded as “Not recorded”). Save warnings… lists them with what was "
                "assumed, to check.</p>"
            )
        if unrecorded:
            lines.append(
                f"<p>{unrecorded:,} leaver{s_(unrecorded)} came without a leaving reason: the Roster's "
                "status filter “Leaving reason not recorded” lists them to follow up.</p>"
            )
        lines.append("<p>You can undo this import from File &gt; Import history.</p>")
        self.summary_label.setText("".join(lines))
        self.save_rejects_btn.setEnabled(bool(c["rejected"]))
        self.save_warnings_btn.setEnabled(bool(warned))

    def save_rejects(self) -> None:
        from desktop.importing.rejects import write_rejects

        self._save_rows("Save rejected rows", "rejected rows", write_rejects)

    def save_warnings(self) -> None:
        from desktop.importing.rejects import write_warnings

        self._save_rows("Save warnings", "rows with warnings", write_warnings)

    def _save_rows(self, title: str, what: str, write: Any) -> None:
        """Ask where, then write the workbook of ``what`` (the original rows and why)."""
        if self.plan is None:
            return
        source = Path(self.plan.path)
        path = dialogs.save_file(self, title, str(source.with_name(f"{source.stem} - {what}.xlsx")))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        from desktop.core.errors import plain_message
        from desktop.core.output_paths import OutputPathError, check_output_path

        try:
            check_output_path(path, not_same_as=[self.plan.path])
            count = write(path, self.plan)
        except (OSError, OutputPathError) as exc:
            dialogs.error(self, title, plain_message(exc) or f"Could not save {path}: {exc}")
            return
        dialogs.info(self, title, f"{count} {what} saved to {path}.")

    def done(self, r: int) -> None:  # noqa: D102 - closes the workbook with the dialog
        if self.wb is not None:
            self.wb.close()
            self.wb = None
        super().done(r)


def run_import_wizard(
    parent: QWidget | None, ctx: AppContext, path: str | None = None
) -> ImportWizard | None:
    """File > Import roster… (and a file dropped on the Roster tab, with ``path``)."""
    if path is None:
        path = dialogs.open_file(parent, "Import roster")
        if not path:
            return None
    wizard = ImportWizard(ctx, path, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard

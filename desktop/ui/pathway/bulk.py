"""Record one stage for several officers, after a preview of who would be refused and why."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway
from desktop.core.errors import CipDeskError
from desktop.ui.context import AppContext
from desktop.ui.pathway.board import RED
from desktop.ui.table_model import Column, ListTableModel
from desktop.ui.widgets import CANCELLED, save_with_lock_reason


def _result_text(line: pathway.BulkLine) -> str:
    return "Will be recorded" if line.ok else f"Refused: {line.reason}"


class PreviewModel(ListTableModel):
    """Who a bulk recording would record, and who it would refuse and why (refusals first)."""

    columns = (
        Column("Collar", lambda line: line.collar, tip=lambda line: line.collar),
        Column("Name", lambda line: line.name, tip=lambda line: line.name),
        Column(
            "Result",
            _result_text,
            tip=_result_text,
            foreground=lambda line: QColor("#1e7b34") if line.ok else RED,
        ),
    )

    @property
    def lines(self) -> list[pathway.BulkLine]:
        return self.rows

    def set_lines(self, lines: list[pathway.BulkLine]) -> None:
        self.set_rows(sorted(lines, key=lambda x: (x.ok, x.name)))  # refusals first


class BulkRecordDialog(QDialog):
    """Record one stage for several officers, after a preview of who would be refused and why."""

    def __init__(
        self, ctx: AppContext, officer_ids: list[int], parent: QWidget | None = None, *, stage_id=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_ids = officer_ids
        self.result_value: pathway.BulkResult | None = None
        self.setWindowTitle("Record a stage for several officers")
        self.resize(640, 520)
        self.pw = pathway.get_pathway(ctx.db)
        layout = QVBoxLayout(self)
        n = len(officer_ids)
        layout.addWidget(QLabel(f"{n} officer{'s' if n != 1 else ''} selected on the board."))
        form = QFormLayout()
        self.stage = QComboBox()
        for st in self.pw.stages:
            self.stage.addItem(st.name, st.id)
        if stage_id is not None:
            self.stage.setCurrentIndex(max(0, self.stage.findData(stage_id)))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.assessor = QLineEdit()
        self.assessor.setPlaceholderText("e.g. Special Chief Inspector Ahmed")
        self.note = QLineEdit()
        self.note.setPlaceholderText("e.g. attestation ceremony at headquarters")
        form.addRow("&Stage:", self.stage)
        form.addRow("&Date:", self.date)
        form.addRow("&Assessor:", self.assessor)
        form.addRow("&Note:", self.note)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.preview)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED.name()};")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self._record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.stage.currentIndexChanged.connect(self.update_preview)
        self.date.dateChanged.connect(self.update_preview)
        self.update_preview()

    def chosen(self) -> tuple[int, dt.date]:
        return int(self.stage.currentData()), self.date.date().toPython()

    def update_preview(self) -> None:
        stage_id, on = self.chosen()
        lines = pathway.preview_bulk(self.ctx.db, self.officer_ids, stage_id, on)
        self.preview.set_lines(lines)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        good = sum(1 for x in lines if x.ok)
        bad = len(lines) - good
        text = f"<b>{good}</b> will be recorded"
        if bad:
            text += (
                f", <b style='color:{RED.name()}'>{bad} refused</b> (reasons below; they are left unchanged)"
            )
        self.summary.setText(text + ".")
        self.ok.setText(f"Record for {good} officer{'s' if good != 1 else ''}")
        self.ok.setEnabled(good > 0)

    def _record(self) -> None:
        stage_id, on = self.chosen()
        try:
            result = save_with_lock_reason(
                self,
                lambda locked: pathway.record_bulk(
                    self.ctx.db,
                    self.officer_ids,
                    stage_id,
                    on,
                    self.assessor.text(),
                    self.note.text(),
                    locked_reason=locked,
                ),
            )
            if result is CANCELLED:
                return
            self.result_value = result
        except CipDeskError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()

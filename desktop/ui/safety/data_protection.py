"""File menu: Retention review (anonymise leavers past the retention period) and Subject access export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import data_protection as dp
from desktop.core import roster
from desktop.core.domain import STATUS_LABELS
from desktop.excel.subject_access import write_subject_access
from desktop.ui import dialogs
from desktop.ui.table_model import Column, ListTableModel, row_table
from desktop.ui.tasks import run_task
from desktop.ui.widgets import EmptyState

# ---------------------------------------------------------------------------------------------
# Retention review
# ---------------------------------------------------------------------------------------------


class RetentionModel(ListTableModel):
    columns = (
        Column("Collar", lambda r: r.collar),
        Column("Name", lambda r: r.name),
        Column("Rank", lambda r: r.rank),
        Column("Team", lambda r: r.team or ""),
        Column("Left", lambda r: f"{r.left_date:%d/%m/%Y}"),
        Column("Leaving reason", lambda r: (r.leaving_reason or "").capitalize()),
        Column("Retention ended", lambda r: f"{r.due:%d/%m/%Y}"),
    )

    def __init__(self, rows: list[dp.RetentionRow]):
        super().__init__()
        self.rows = rows


class RetentionReview(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.setWindowTitle("Retention review")
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        self.years = dp.retention_years(ctx.db)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.model = RetentionModel([])
        self.table = row_table(self.model, QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        layout.addWidget(self.table, 1)
        self.empty = EmptyState("")
        layout.addWidget(self.empty, 1)
        self.what = QLabel(
            "Anonymising removes the name (shown as “Anonymised”), forenames, contact details, address, "
            "date of birth, employer, notes and spreadsheet columns kept from imports, and their "
            "personal values in the audit trail. It keeps the collar number, hours and duties, dates "
            "of service, rank and status history, pathway, qualifications and attachments, so past "
            "returns do not change. A backup is made first."
        )
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        buttons = QDialogButtonBox()
        self.anonymise_button = buttons.addButton(
            "Anonymise selected…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.select_all_button = buttons.addButton("Select all", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        self.anonymise_button.clicked.connect(self.anonymise_selected)
        self.select_all_button.clicked.connect(self.table.selectAll)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.refresh()

    def refresh(self) -> None:
        rows = dp.retention_due(self.ctx.db, self.today)
        self.model.set_rows(rows)
        years = f"{self.years} year" + ("s" if self.years != 1 else "")
        period = f"{self.years}-year"
        if rows:
            people = "1 officer" if len(rows) == 1 else f"{len(rows):,} officers"
            self.intro.setText(
                f"<b>{people} left more than {years} ago</b> (the retention period in Settings). "
                "Review them and anonymise those whose records the force no longer needs."
            )
        else:
            self.intro.setText(f"The retention period is {years} after leaving (Settings).")
            self.empty.set_text(
                f"No leaver is past the {period} retention period: nothing to review.\n"
                "Officers appear here once that long has passed since their leaving date."
            )
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.what.setVisible(bool(rows))
        self.anonymise_button.setVisible(bool(rows))
        self.select_all_button.setVisible(bool(rows))
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = len(self.table.selectionModel().selectedRows())
        self.anonymise_button.setEnabled(chosen > 0)
        self.anonymise_button.setText(
            f"Anonymise {chosen} selected…" if chosen > 1 else "Anonymise selected…"
        )
        self.select_all_button.setEnabled(bool(self.model.rows))

    def selected(self) -> list[dp.RetentionRow]:
        return [self.model.rows[i.row()] for i in sorted(self.table.selectionModel().selectedRows())]

    def anonymise_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        names = "\n".join(f"  {r.collar} {r.name} (left {r.left_date:%d/%m/%Y})" for r in chosen[:8])
        more = f"\n  … and {len(chosen) - 8} more" if len(chosen) > 8 else ""
        people = "this officer" if len(chosen) == 1 else f"these {len(chosen)} officers"
        if not dialogs.confirm(
            self,
            "Anonymise",
            f"Anonymise {people}?\n\n{names}{more}\n\nTheir collar number becomes a token such as "
            "ANON-0001, and their names, contact details, notes and other personal details are removed "
            "for good, from the audit trail and past imports too. Hours, dates of service and ranks are "
            "kept, so old returns still add up. A backup is made first; the change is recorded in the "
            "audit trail.",
        ):
            return
        ids = [r.id for r in chosen]
        db = self.ctx.db

        def done(count: int) -> None:
            self.ctx.notify("officers")
            self.refresh()
            dialogs.info(
                self,
                "Anonymised",
                "1 officer was anonymised." if count == 1 else f"{count} officers were anonymised.",
            )

        run_task(self, "Anonymising", lambda _p: dp.anonymise(db, ids), on_done=done)


def retention_review(parent: QWidget | None, ctx: Any) -> None:
    RetentionReview(ctx, parent).exec()


# ---------------------------------------------------------------------------------------------
# Subject access export
# ---------------------------------------------------------------------------------------------


class ChooseOfficer(QDialog):
    """Type a collar number or any part of a name; the list narrows as you type."""

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Subject access export")
        self.setMinimumWidth(520)
        self.officer_id: int | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Export everything CiP Desk holds about one officer (details, rank and status history, "
            "pathway, qualifications, attachments, duties, imported rows and the audit trail) to one "
            "Excel workbook, for a subject access request."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Officer (collar number or name):"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("e.g. 4521 or Smith")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.feedback = QLabel(" ")
        self.feedback.setWordWrap(True)
        layout.addWidget(self.feedback)
        self.choices: dict[str, int] = {}
        for r in roster.list_officers(ctx.db):
            status = STATUS_LABELS.get(r.status, r.status)
            self.choices[f"{r.collar} — {r.name} ({status})"] = r.id
        completer = QCompleter(QStringListModel(sorted(self.choices)), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._pick)
        self.edit.setCompleter(completer)
        self.edit.textChanged.connect(self._typed)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(False)
        self.ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if not self.choices:
            self.feedback.setText("There are no officers in the database yet.")
            self.edit.setEnabled(False)

    def _pick(self, text: str) -> None:
        self.edit.setText(text)

    def _typed(self, text: str) -> None:
        text = text.strip()
        self.officer_id = self.choices.get(text)
        if self.officer_id is None and text:
            needle = text.lower()
            matches = [k for k in self.choices if needle in k.lower()]
            exact = [k for k in matches if k.split(" — ", 1)[0].lower() == needle]
            if len(exact) == 1 or len(matches) == 1:
                self.officer_id = self.choices[(exact or matches)[0]]
                self.feedback.setText(f"<b>{(exact or matches)[0]}</b>")
            elif matches:
                self.feedback.setText(
                    f"{len(matches)} officers match; keep typing or pick one from the list."
                )
            else:
                self.feedback.setText(f"<span style='color:#b00020'>No officer matches “{text}”.</span>")
        elif self.officer_id is not None:
            self.feedback.setText(f"<b>{text}</b>")
        else:
            self.feedback.setText(" ")
        self.ok.setEnabled(self.officer_id is not None)


def choose_officer(parent: QWidget | None, ctx: Any) -> int | None:
    """The officer to export, or None (module attribute: tests replace it)."""
    dialog = ChooseOfficer(ctx, parent)
    return dialog.officer_id if dialog.exec() == QDialog.DialogCode.Accepted else None


def subject_access_export(parent: QWidget | None, ctx: Any) -> None:
    officer_id = choose_officer(parent, ctx)
    if officer_id is None:
        return
    record = roster.get_officer(ctx.db, officer_id)
    safe_name = "".join(ch for ch in str(record["surname"]) if ch.isalnum() or ch in " -'")
    suggested = f"Subject access {record['collar']} {safe_name} {dt.date.today():%Y-%m-%d}.xlsx"
    out = dialogs.save_file(parent, "Save the subject access export", suggested, dialogs.EXCEL_FILTER)
    if not out:
        return
    if not out.lower().endswith(".xlsx"):
        out += ".xlsx"
    db = ctx.db

    def done(path: Any) -> None:
        dialogs.info(
            parent,
            "Subject access export",
            f"Saved {path}.\n\nIt holds every record CiP Desk keeps about {record['collar']}, one sheet "
            "for each kind. It contains personal data: store and send it securely.",
        )

    run_task(
        parent,
        "Exporting the record",
        lambda _p: write_subject_access(dp.subject_access_data(db, officer_id), out),
        on_done=done,
    )

"""File > Settings: General, Pathway stages, Qualification types, Units and Ranks.

Each page saves its own changes with its own button (audited like every change) and then tells
the window with ``ctx.notify("settings")``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway, ranks, settings
from desktop.core import qualifications as quals
from desktop.core.domain import DRIVING_GRADES
from desktop.core.errors import CipDeskError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.widgets import OK_STYLE, EmptyState, error_label, error_text

# ---------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------


class GeneralPage(QWidget):
    KEYS = (
        "force_name",
        "minimum_hours",
        "pathway",
        "retention_years",
        "expiry_warning_days",
        "backup_folder",
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved_values: dict[str, Any] = {}
        self._loading = True
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.force_name = QLineEdit()
        self.force_name.setMaxLength(120)
        self.force_error = error_label()
        self.minimum_hours = QSpinBox()
        self.minimum_hours.setRange(0, 200)
        self.minimum_hours.setSuffix(" hours a month")
        self.pathway = QComboBox()
        for key, name in pathway.list_pathways(ctx.db):
            self.pathway.addItem(name, key)
        self.pathway_note = QLabel(
            "Switching pathway changes the stages shown; stages recorded on the other pathway are kept."
        )
        self.pathway_note.setWordWrap(True)
        self.pathway_note.setStyleSheet("color: palette(placeholder-text);")
        self.retention = QSpinBox()
        self.retention.setRange(1, 100)
        self.retention.setSuffix(" years after leaving")
        self.warning = QSpinBox()
        self.warning.setRange(0, 365)
        self.warning.setSuffix(" days before expiry")
        folder_row = QHBoxLayout()
        self.backup_folder = QLineEdit()
        self.backup_folder.setPlaceholderText("Default: the CiP Desk data folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(browse)
        form.addRow("&Force name:", self.force_name)
        form.addRow("", self.force_error)
        form.addRow("&Minimum hours:", self.minimum_hours)
        form.addRow("&Pathway in use:", self.pathway)
        form.addRow("", self.pathway_note)
        form.addRow("&Keep leavers for:", self.retention)
        form.addRow("&Warn about expiry:", self.warning)
        folder_label = QLabel("Backup &folder:")
        folder_label.setBuddy(self.backup_folder)
        form.addRow(folder_label, folder_row)
        layout.addLayout(form)
        layout.addStretch(1)
        row = QHBoxLayout()
        self.status = QLabel()
        row.addWidget(self.status, 1)
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        for w in (self.force_name, self.backup_folder):
            w.textChanged.connect(self._edited)
        for s in (self.minimum_hours, self.retention, self.warning):
            s.valueChanged.connect(self._edited)
        self.pathway.currentIndexChanged.connect(self._edited)
        self.refresh()

    def refresh(self) -> None:
        self._loading = True
        values = settings.get_all(self.ctx.db)
        self.force_name.setText(str(values.get("force_name") or ""))
        self.minimum_hours.setValue(int(float(values.get("minimum_hours") or 0)))
        index = self.pathway.findData(values.get("pathway"))
        self.pathway.setCurrentIndex(max(0, index))
        self.retention.setValue(int(values.get("retention_years") or 6))
        self.warning.setValue(int(values.get("expiry_warning_days") or 0))
        self.backup_folder.setText(str(values.get("backup_folder") or ""))
        self.saved_values = self.values()
        self.status.clear()
        self._loading = False

    def values(self) -> dict[str, Any]:
        return {
            "force_name": " ".join(self.force_name.text().split()),
            "minimum_hours": self.minimum_hours.value(),
            "pathway": self.pathway.currentData(),
            "retention_years": self.retention.value(),
            "expiry_warning_days": self.warning.value(),
            "backup_folder": self.backup_folder.text().strip() or None,
        }

    def is_dirty(self) -> bool:
        return self.values() != self.saved_values

    def _edited(self) -> None:
        if self._loading:
            return
        self.force_error.hide()
        self.status.setStyleSheet("")
        self.status.setText("Unsaved changes" if self.is_dirty() else "")

    def browse(self) -> None:
        folder = dialogs.open_folder(self, "Folder for backups", self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def save(self) -> bool:
        values = self.values()
        if not values["force_name"]:
            self.force_error.setText("The force name is shown on every return: enter it.")
            self.force_error.show()
            self.force_name.setFocus()
            return False
        changed = {k: v for k, v in values.items() if v != self.saved_values.get(k)}
        for key, value in changed.items():
            settings.set_value(self.ctx.db, key, value)
        self.saved_values = values
        self.status.setStyleSheet(OK_STYLE)
        self.status.setText("Saved." if changed else "Nothing to save.")
        if changed:
            self.ctx.notify("settings")
        return True


# ---------------------------------------------------------------------------------------------
# Pathway stages
# ---------------------------------------------------------------------------------------------


class StagesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.info: pathway.PathwayInfo | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Pathway:")
        self.pathway = QComboBox()
        label.setBuddy(self.pathway)
        top.addWidget(label)
        top.addWidget(self.pathway, 1)
        layout.addLayout(top)

        body = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QTableWidget(0, 3)
        self.list.setHorizontalHeaderLabels(("Stage", "Target", "Recorded"))
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(False)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.remove_button = QPushButton("&Remove")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        left.addLayout(buttons)
        body.addLayout(left, 5)

        box = QGroupBox("Selected stage")
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.target = QSpinBox()
        self.target.setRange(0, 3650)
        self.target.setSpecialValueText("No target")
        self.target.setSuffix(" days")
        self.target.setToolTip(
            "Officers at this stage longer than this are flagged overdue (e.g. tutor phase 112)"
        )
        self.is_ip = QCheckBox("This is the independent-patrol stage")
        self.is_ip.setToolTip("Specialist attachments require it. Exactly one stage has it.")
        self.is_attestation = QCheckBox("This is the attestation stage")
        self.prereqs = QListWidget()
        self.prereqs.setToolTip("Stages that must be achieved first (earlier stages only)")
        self.used = QLabel()
        self.used.setWordWrap(True)
        form.addRow("&Name:", self.name)
        form.addRow("&Target:", self.target)
        form.addRow("", self.is_ip)
        form.addRow("", self.is_attestation)
        form.addRow("Needs &first:", self.prereqs)
        form.addRow("", self.used)
        self.save_button = QPushButton("&Save stage")
        form.addRow("", self.save_button)
        body.addWidget(box, 4)
        layout.addLayout(body, 1)
        self.error = error_label()
        self.status = QLabel()
        self.status.setStyleSheet(OK_STYLE)
        layout.addWidget(self.error)
        layout.addWidget(self.status)

        self.pathway.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list.itemSelectionChanged.connect(self._show_selected)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.save_button.clicked.connect(self.save)
        self._fill_pathways()
        self.refresh()

    def _fill_pathways(self) -> None:
        in_use = pathway.in_use_key(self.ctx.db)
        keep = self.pathway.currentData() or in_use
        self.pathway.blockSignals(True)
        self.pathway.clear()
        for key, name in pathway.list_pathways(self.ctx.db):
            self.pathway.addItem(f"{name} (in use)" if key == in_use else name, key)
        self.pathway.setCurrentIndex(max(0, self.pathway.findData(keep)))
        self.pathway.blockSignals(False)

    def refresh(self, select_id: int | None = None) -> None:
        if select_id is None:
            st = self.selected()
            select_id = st.id if st else None
        self.info = pathway.get_pathway(self.ctx.db, self.pathway.currentData())
        self.list.blockSignals(True)
        self.list.setRowCount(len(self.info.stages))
        for n, st in enumerate(self.info.stages):
            marks = [
                m for m, on in (("IP", st.is_independent_patrol), ("attestation", st.is_attestation)) if on
            ]
            name = QTableWidgetItem(f"{n + 1}. {st.name}" + (f"  [{', '.join(marks)}]" if marks else ""))
            name.setData(Qt.ItemDataRole.UserRole, st.id)
            name.setToolTip(st.name + ("\nIndependent-patrol stage" if st.is_independent_patrol else ""))
            self.list.setItem(n, 0, name)
            self.list.setItem(n, 1, QTableWidgetItem(f"{st.target_days} days" if st.target_days else "—"))
            self.list.setItem(n, 2, QTableWidgetItem(f"{st.in_use:,}"))
        self.list.blockSignals(False)
        row = next((i for i, st in enumerate(self.info.stages) if st.id == select_id), 0)
        if self.info.stages:
            self.list.selectRow(row)
        self._show_selected()

    def selected(self) -> pathway.Stage | None:
        if self.info is None:
            return None
        rows = self.list.selectionModel().selectedRows()
        item = self.list.item(rows[0].row(), 0) if rows else None
        return self.info.by_id(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _show_selected(self) -> None:
        st = self.selected()
        self.error.hide()
        enabled = st is not None
        for w in (self.name, self.target, self.is_ip, self.is_attestation, self.prereqs, self.save_button):
            w.setEnabled(enabled)
        self.remove_button.setEnabled(enabled)
        row = self.list.selectionModel().selectedRows()[0].row() if enabled else -1
        self.up_button.setEnabled(enabled and row > 0)
        self.down_button.setEnabled(enabled and row < self.list.rowCount() - 1)
        self.prereqs.clear()
        if st is None or self.info is None:
            self.name.clear()
            self.used.clear()
            return
        self.name.setText(st.name)
        self.target.setValue(st.target_days or 0)
        self.is_ip.setChecked(st.is_independent_patrol)
        self.is_ip.setEnabled(not st.is_independent_patrol)  # move it by ticking another stage
        self.is_attestation.setChecked(st.is_attestation)
        self.is_attestation.setEnabled(not st.is_attestation)
        for other in self.info.stages:
            if other.position >= st.position:
                break
            item = QListWidgetItem(other.name)
            item.setData(Qt.ItemDataRole.UserRole, other.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if other.code in st.prerequisites else Qt.CheckState.Unchecked
            )
            self.prereqs.addItem(item)
        if st.in_use:
            who = "1 officer" if st.in_use == 1 else f"{st.in_use} officers"
            self.used.setText(f"Recorded for {who}: it can be renamed but not removed.")
        else:
            self.used.setText("Not recorded for anyone yet.")

    def _fail(self, exc: CipDeskError) -> None:
        self.status.clear()
        self.error.setText(error_text(exc))
        self.error.show()

    def _done(self, text: str, select_id: int | None = None) -> None:
        self.refresh(select_id)
        self.error.hide()
        self.status.setText(text)
        self.ctx.notify("settings")

    def add(self) -> None:
        name = dialogs.ask_text(
            self, "Add a stage", "Name of the new stage (it goes after the selected one):"
        )
        if name is None:
            return
        st = self.selected()
        try:
            new_id = pathway.add_stage(
                self.ctx.db, name, after_id=st.id if st else None, pathway_key=self.pathway.currentData()
            )
        except CipDeskError as exc:
            self._fail(exc)
            return
        self._done(f"Added {' '.join(name.split())}.", new_id)

    def remove(self) -> None:
        st = self.selected()
        if st is None:
            return
        if not dialogs.confirm(self, "Remove stage", f"Remove the stage {st.name} from the pathway?"):
            return
        try:
            pathway.remove_stage(self.ctx.db, st.id)
        except CipDeskError as exc:
            self._fail(exc)
            return
        self._done(f"Removed {st.name}.")

    def move(self, delta: int) -> None:
        st = self.selected()
        if st is None:
            return
        try:
            pathway.move_stage(self.ctx.db, st.id, delta)
        except CipDeskError as exc:
            self._fail(exc)
            return
        self._done(f"Moved {st.name} {'up' if delta < 0 else 'down'}.", st.id)

    def save(self) -> bool:
        st = self.selected()
        if st is None:
            return False
        codes = [
            self.prereqs.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.prereqs.count())
            if self.prereqs.item(i).checkState() == Qt.CheckState.Checked
        ]
        db = self.ctx.db
        try:
            if self.name.text().strip() != st.name:
                pathway.rename_stage(db, st.id, self.name.text())
            if (self.target.value() or None) != st.target_days:
                pathway.set_target_days(db, st.id, self.target.value() or None)
            if self.is_ip.isChecked() and not st.is_independent_patrol:
                pathway.set_independent_patrol_stage(db, st.id)
            if self.is_attestation.isChecked() and not st.is_attestation:
                pathway.set_attestation_stage(db, st.id)
            if tuple(codes) != st.prerequisites:
                pathway.set_prerequisites(db, st.id, codes)
        except CipDeskError as exc:
            self.refresh(st.id)
            self._fail(exc)
            return False
        self._done(f"Saved {' '.join(self.name.text().split())}.", st.id)
        return True


# ---------------------------------------------------------------------------------------------
# Qualification types
# ---------------------------------------------------------------------------------------------


class QualTypesPage(QWidget):
    HEADERS = ("Qualification", "Valid for", "Category", "Active", "Records")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.types: list[quals.QualType] = []
        self.editing: int | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        box = QGroupBox("Qualification type")
        self.box = box
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.validity = QSpinBox()
        self.validity.setRange(0, 600)
        self.validity.setSpecialValueText("Does not expire")
        self.validity.setSuffix(" months")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(["", "safety", "driving", "skill"])
        self.driving = QComboBox()
        self.driving.addItem("Not a driving grade", None)
        for level, grade in enumerate(DRIVING_GRADES[1:], start=1):
            self.driving.addItem(f"Driving grade: {grade}", level)
        self.active = QCheckBox("Active (offered when recording)")
        form.addRow("&Name:", self.name)
        form.addRow("&Valid for:", self.validity)
        form.addRow("&Category:", self.category)
        form.addRow("&Driving:", self.driving)
        form.addRow("", self.active)
        self.error = error_label()
        form.addRow("", self.error)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setStyleSheet(OK_STYLE)
        row.addWidget(self.status, 1)
        self.new_button = QPushButton("&New type")
        self.save_button = QPushButton("&Save type")
        self.delete_button = QPushButton("De&lete")
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        row.addWidget(self.save_button)
        form.addRow(row)
        layout.addWidget(box)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.new_button.clicked.connect(self.new)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        if select_id is None:
            select_id = self.editing
        self.types = quals.list_types(self.ctx.db)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.types))
        for r, t in enumerate(self.types):
            cells = (t.name, t.validity_text, t.category or "", "Yes" if t.active else "No", str(t.in_use))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not t.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        row = next((i for i, t in enumerate(self.types) if t.id == select_id), None)
        if row is not None:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        self._show_selected()

    def selected(self) -> quals.QualType | None:
        rows = self.table.selectionModel().selectedRows()
        return self.types[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        t = self.selected()
        self.error.hide()
        if t is None:
            self.new()
            return
        self.editing = t.id
        self.box.setTitle(f"Qualification type: {t.name}")
        self.name.setText(t.name)
        self.validity.setValue(t.validity_months or 0)
        self.category.setCurrentText(t.category or "")
        self.driving.setCurrentIndex(max(0, self.driving.findData(t.driving_level)))
        self.active.setChecked(t.active)
        self.active.setEnabled(True)
        self.delete_button.setEnabled(True)
        self.delete_button.setToolTip(
            f"Held in {t.in_use} record(s): it can only be made inactive." if t.in_use else "Delete this type"
        )
        self.save_button.setText("&Save type")

    def new(self) -> None:
        self.editing = None
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.box.setTitle("New qualification type")
        self.name.clear()
        self.validity.setValue(12)
        self.category.setCurrentText("")
        self.driving.setCurrentIndex(0)
        self.active.setChecked(True)
        self.active.setEnabled(False)
        self.delete_button.setEnabled(False)
        self.save_button.setText("&Add type")
        self.error.hide()

    def save(self) -> bool:
        self.error.hide()
        self.status.clear()
        try:
            if self.editing is None:
                new_id = quals.add_type(
                    self.ctx.db,
                    self.name.text(),
                    self.validity.value() or None,
                    category=self.category.currentText(),
                    driving_level=self.driving.currentData(),
                )
                text = f"Added {' '.join(self.name.text().split())}."
            else:
                new_id = self.editing
                quals.update_type(
                    self.ctx.db,
                    self.editing,
                    name=self.name.text(),
                    validity_months=self.validity.value() or None,
                    category=self.category.currentText(),
                    driving_level=self.driving.currentData(),
                    active=self.active.isChecked(),
                )
                text = "Saved. Records already held keep their expiry dates."
        except CipDeskError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return False
        self.refresh(new_id)
        self.status.setText(text)
        self.ctx.notify("settings")
        return True

    def delete(self) -> None:
        t = self.selected()
        if t is None:
            return
        if not dialogs.confirm(self, "Delete qualification type", f"Delete the qualification type {t.name}?"):
            return
        try:
            quals.delete_type(self.ctx.db, t.id)
        except CipDeskError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return
        self.editing = None
        self.refresh()
        self.status.setText(f"Deleted {t.name}.")
        self.ctx.notify("settings")


# ---------------------------------------------------------------------------------------------
# Ranks
# ---------------------------------------------------------------------------------------------


class RanksPage(QWidget):
    """The force's ranks, lowest first: add, rename, move (seniority), short codes, remove."""

    HEADERS = ("Rank", "Short code", "Officers")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ranks.RankInfo] = []
        self.editing: str | None = None  # the code being edited; None: a new rank
        self._above: str | None = None  # a new rank goes just senior to this one
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Lowest rank first. Returns count officers by rank in this order, and the roster sorts "
            "by it; an import reads the short code or the name."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(hint)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        moves = QHBoxLayout()
        self.up_button = QPushButton("Move &up")
        self.up_button.setToolTip("One step more junior")
        self.down_button = QPushButton("Move do&wn")
        self.down_button.setToolTip("One step more senior")
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        layout.addLayout(moves)

        self.box = QGroupBox("Rank")
        form = QFormLayout(self.box)
        self.name = QLineEdit()
        self.name.setMaxLength(ranks.MAX_NAME)
        self.name.setPlaceholderText("e.g. Deputy Chief Officer")
        self.code = QLineEdit()
        self.code.setMaxLength(ranks.MAX_CODE)
        self.code.setPlaceholderText("e.g. DCO")
        self.used = QLabel()
        self.used.setWordWrap(True)
        form.addRow("&Name:", self.name)
        form.addRow("Short &code:", self.code)
        form.addRow("", self.used)
        self.error = error_label()
        form.addRow("", self.error)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setStyleSheet(OK_STYLE)
        row.addWidget(self.status, 1)
        self.new_button = QPushButton("&New rank")
        self.remove_button = QPushButton("&Remove")
        self.save_button = QPushButton("&Save rank")
        row.addWidget(self.new_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.save_button)
        form.addRow(row)
        layout.addWidget(self.box)

        self.table.itemSelectionChanged.connect(self._show_selected)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.new_button.clicked.connect(self.new)
        self.remove_button.clicked.connect(self.remove)
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self, select_code: str | None = None) -> None:
        if select_code is None:
            select_code = self.editing
        self.rows = ranks.list_ranks(self.ctx.db)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, info in enumerate(self.rows):
            cells = (f"{r + 1}. {info.name}", info.code, f"{info.officers:,}")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)
        row = next((i for i, info in enumerate(self.rows) if info.code == select_code), None)
        if row is not None:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        self._show_selected()

    def selected(self) -> ranks.RankInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        info = self.selected()
        self.error.hide()
        if info is None:
            self.new()
            return
        index = self.rows.index(info)
        self.editing = info.code
        self.box.setTitle(f"Rank: {info.name}")
        self.name.setText(info.name)
        self.code.setText(info.code)
        self.code.setEnabled(not info.in_use)
        self.remove_button.setEnabled(not info.in_use and len(self.rows) > 1)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(index < len(self.rows) - 1)
        if info.in_use:
            who = "1 officer" if info.officers == 1 else f"{info.officers:,} officers"
            self.used.setText(
                f"Held by {who} (now or before): it can be renamed and moved, but not removed, "
                "and its short code stays."
            )
        else:
            self.used.setText("Nobody holds this rank: it can be changed or removed.")
        self.save_button.setText("&Save rank")

    def new(self) -> None:
        """Empty the form for a new rank, to go just above the one selected (or at the top)."""
        above = self.selected()
        self.editing = None
        self._above = above.code if above else None
        self.box.setTitle(f"New rank (senior to {above.name})" if above else "New rank (most senior)")
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.name.clear()
        self.code.clear()
        self.code.setEnabled(True)
        self.used.setText("It goes in the list just above the rank that was selected; move it as needed.")
        self.remove_button.setEnabled(False)
        self.up_button.setEnabled(False)
        self.down_button.setEnabled(False)
        self.save_button.setText("&Add rank")
        self.error.hide()
        self.name.setFocus()

    def _fail(self, exc: CipDeskError) -> None:
        self.status.clear()
        self.error.setText(error_text(exc))
        self.error.show()

    def _done(self, text: str, code: str | None) -> None:
        self.refresh(code)
        self.error.hide()
        self.status.setText(text)
        self.ctx.notify("settings")

    def save(self) -> bool:
        self.status.clear()
        db = self.ctx.db
        name = " ".join(self.name.text().split())
        try:
            if self.editing is None:
                above = getattr(self, "_above", None) or (self.rows[-1].code if self.rows else None)
                code = ranks.add_rank(db, self.code.text(), name, above=above)
                text = f"Added {name} ({code})."
            else:
                code = self.editing
                info = next((r for r in self.rows if r.code == code), None)
                if info is not None and self.code.text().strip() != code:
                    code = ranks.change_code(db, code, self.code.text())
                if info is not None and name != info.name:
                    ranks.rename_rank(db, code, name)
                text = f"Saved {name} ({code})."
        except CipDeskError as exc:
            self._fail(exc)
            return False
        self._done(text, code)
        return True

    def move(self, delta: int) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            ranks.move_rank(self.ctx.db, info.code, delta)
        except CipDeskError as exc:
            self._fail(exc)
            return
        self._done(f"Moved {info.name} {'down' if delta > 0 else 'up'}.", info.code)

    def remove(self) -> None:
        info = self.selected()
        if info is None:
            return
        if not dialogs.confirm(self, "Remove rank", f"Remove the rank {info.name} ({info.code})?"):
            return
        try:
            ranks.remove_rank(self.ctx.db, info.code)
        except CipDeskError as exc:
            self._fail(exc)
            return
        self.editing = None
        self._done(f"Removed {info.name}.", None)


# ---------------------------------------------------------------------------------------------
# The dialog
# ---------------------------------------------------------------------------------------------


def _units_page(ctx: AppContext) -> QWidget:
    try:
        from desktop.ui.settings.units import UnitsSettingsPage
    except ModuleNotFoundError as exc:
        if exc.name != "desktop.ui.settings.units":
            raise
        return EmptyState("Specialist units cannot be edited in this version of CiP Desk.")
    return UnitsSettingsPage(ctx)


class SettingsDialog(QDialog):
    PAGES = ("General", "Pathway stages", "Qualification types", "Units", "Ranks")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Settings")
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.general = GeneralPage(ctx)
        self.stages = StagesPage(ctx)
        self.qual_types = QualTypesPage(ctx)
        self.units = _units_page(ctx)
        self.ranks = RanksPage(ctx)
        for title, page in zip(
            self.PAGES, (self.general, self.stages, self.qual_types, self.units, self.ranks), strict=True
        ):
            self.nav.addItem(title)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        bottom = QHBoxLayout()
        hint = QLabel("Each page saves with its own button; every change is kept in the audit log.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        bottom.addWidget(hint, 1)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+S"), self, self._save_current)
        ctx.changed.connect(self._on_changed)

    def _on_changed(self, what: str) -> None:
        if what == "settings":  # e.g. the pathway in use changed: mark it "(in use)" on the stages page
            self.stages._fill_pathways()
            self.stages.refresh()

    def _save_current(self) -> None:
        page = self.stack.currentWidget()
        save = getattr(page, "save", None)
        if callable(save):
            save()

    def reject(self) -> None:
        # Unit edits save on leaving the unit; an unsaved unit is saved (or its reason shown) here too.
        if getattr(self.units, "has_unsaved_changes", lambda: False)() and not self.units.save():
            return
        if self.general.is_dirty() and not dialogs.confirm(
            self,
            "Discard changes?",
            "The General page has changes that are not saved. Close and discard them?",
        ):
            return
        super().reject()


def open_settings(parent: QWidget | None, ctx: AppContext) -> SettingsDialog:
    dlg = SettingsDialog(ctx, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg

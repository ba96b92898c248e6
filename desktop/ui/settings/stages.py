"""Settings > Pathway stages: add, rename, reorder, targets, prerequisites, the independent-patrol and
attestation stages, of either pathway."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import pathway
from desktop.core.errors import CipDeskError
from desktop.ui import dialogs
from desktop.ui.context import AppContext
from desktop.ui.settings.page import SettingsPage, settings_table
from desktop.ui.widgets import OK_STYLE, error_label


class StagesPage(SettingsPage):
    TITLE = "Pathway stages"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
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
        self.list = settings_table(("Stage", "Target", "Recorded"), fit_others=True)
        self.list.setWordWrap(False)
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
        ctx.changed.connect(self._on_changed)

    def _on_changed(self, what: str) -> None:
        if what == "settings":  # e.g. the pathway in use changed: mark it "(in use)" in the list
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
            self.show_failure(exc)
            return
        self.show_done(f"Added {' '.join(name.split())}.", new_id)

    def remove(self) -> None:
        st = self.selected()
        if st is None:
            return
        if not dialogs.confirm(self, "Remove stage", f"Remove the stage {st.name} from the pathway?"):
            return
        self.change(lambda: pathway.remove_stage(self.ctx.db, st.id), f"Removed {st.name}.")

    def move(self, delta: int) -> None:
        st = self.selected()
        if st is None:
            return
        direction = "up" if delta < 0 else "down"
        self.change(
            lambda: pathway.move_stage(self.ctx.db, st.id, delta), f"Moved {st.name} {direction}.", st.id
        )

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
            self.show_failure(exc)
            return False
        self.show_done(f"Saved {' '.join(self.name.text().split())}.", st.id)
        return True

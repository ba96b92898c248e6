"""End an active attachment, or withdraw a requested one."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core import attachments as att
from desktop.core.errors import CipDeskError, ValidationError
from desktop.ui.attachments.fields import date_edit, from_qdate, show_error
from desktop.ui.context import AppContext
from desktop.ui.widgets import CANCELLED, HINT_STYLE, NOT_SAVED, error_label, save_with_lock_reason


class EndDialog(QDialog):
    """End an active attachment, or withdraw a requested one."""

    def __init__(self, ctx: AppContext, row: att.AttachmentRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.result_row: att.AttachmentRow | None = None
        withdraw = row.state == "requested"
        self.setWindowTitle("Withdraw request" if withdraw else "End attachment")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = "request for" if withdraw else "attachment to"
        intro = QLabel(
            f"{html.escape(row.officer_label)}: {what} {html.escape(row.unit_name)}, "
            f"from {att.fmt_date(row.start_date)}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        today = dt.date.today()
        default = max(today, row.start_date) if withdraw else today
        self.end = date_edit(default)
        self.end_error = error_label()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.end)
        lay.addWidget(self.end_error)
        hint = (
            "The place is free from this date."
            if not withdraw
            else "A request withdrawn before it starts holds no place."
        )
        hint_label = QLabel(hint)
        hint_label.setStyleSheet(HINT_STYLE)
        lay.addWidget(hint_label)
        form.addRow("&End date:" if not withdraw else "&Withdrawn on:", box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why it ended (optional, kept with the attachment)")
        form.addRow("&Note:", self.note)
        self.form_error = error_label()
        layout.addWidget(self.form_error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Withdraw request" if withdraw else "End attachment")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            result = save_with_lock_reason(
                self,
                lambda locked: att.end(
                    self.ctx.db,
                    self.row.id,
                    end_date=from_qdate(self.end.date()),
                    note=self.note.text().strip() or None,
                    version=self.row.version,
                    locked_reason=locked,
                ),
            )
            if result is CANCELLED:
                show_error(self.form_error, NOT_SAVED)
                return
            self.result_row = result
        except ValidationError as exc:
            show_error(self.end_error, exc.errors.get("end"))
            show_error(self.form_error, " ".join(v for k, v in exc.errors.items() if k != "end") or None)
            return
        except CipDeskError as exc:
            show_error(self.form_error, str(exc))
            return
        self.ctx.notify("attachments")
        super().accept()

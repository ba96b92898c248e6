"""The Audit page of an officer's record: every change to the officer, in words, newest first."""

from __future__ import annotations

import json
import re

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.core import roster, settings
from desktop.core.domain import STATUS_LABELS
from desktop.ui.context import AppContext
from desktop.ui.officer.fields import sentence
from desktop.ui.officer.page import RecordPage
from desktop.ui.officer.record_tables import fill_table, record_table

ENTITY_LABELS = {
    "officers": "Record",
    "rank_changes": "Rank history",
    "status_changes": "Status history",
    "legacy_fields": "Legacy field",
    "stages_achieved": "Pathway stage",
    "officer_qualifications": "Qualification",
    "attachments": "Attachment",
    "duties": "Duty",
}
ACTION_WORDS = {"create": "added", "update": "changed", "delete": "removed"}
_HIDDEN_KEYS = {"id", "officer_id", "created_at", "updated_at", "updated_by", "version", "anonymised"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}).*)?$")


class AuditWords:
    """Turns audit events into sentences: field labels, dd/mm/yyyy dates, rank and status names."""

    def __init__(self, rank_names: dict[str, str]):
        self.rank_names = rank_names

    def value(self, field: str | None, text: str | None) -> str:
        if text is None or text == "":
            return "(blank)"
        if field == "rank":
            return self.rank_names.get(text, text)
        if field == "status":
            return STATUS_LABELS.get(text, text)
        m = _ISO_DATE.match(text)
        if m:
            day = f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
            return f"{day} {m.group(4)}:{m.group(5)}" if m.group(4) else day
        return text

    def label(self, key: str) -> str:
        return roster.FIELD_LABELS.get(key, sentence(key.replace("_", " ")))

    def snapshot(self, text: str | None) -> str:
        if not text:
            return ""
        try:
            values = json.loads(text)
        except ValueError:
            return text
        if not isinstance(values, dict):
            return text
        parts = [
            f"{self.label(k)}: {self.value(k, None if v is None else str(v))}"
            for k, v in values.items()
            if k not in _HIDDEN_KEYS and not k.endswith("_id")
        ]
        return "; ".join(parts)

    def describe(self, e: roster.AuditEntry) -> tuple[str, str]:
        """(what, change) for one event."""
        entity = ENTITY_LABELS.get(e.entity, sentence(e.entity.replace("_", " ")))
        if e.action == "update" and e.field:
            what = self.label(e.field) if e.entity == "officers" else f"{entity}: {self.label(e.field)}"
            return what, f"{self.value(e.field, e.old)} → {self.value(e.field, e.new)}"
        if e.entity == "officers" and e.action == "create":
            return "Record created", self.snapshot(e.new)
        word = ACTION_WORDS.get(e.action, e.action)
        return f"{entity} {word}", self.snapshot(e.new if e.action != "delete" else e.old)


class AuditPage(RecordPage):
    """Every change to the officer, newest first: when, who, what, the change and its reason."""

    TITLE = "Audit"

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(ctx, officer_id, parent)
        layout = QVBoxLayout(self)
        self.note = QLabel()
        layout.addWidget(self.note)
        self.table = record_table(["When", "Who", "What", "Change", "Reason"])
        layout.addWidget(self.table, 1)
        if officer_id is not None:
            self.refresh()

    def refresh(self) -> None:
        assert self.officer_id is not None
        entries = roster.audit_history(self.ctx.db, self.officer_id)
        words = AuditWords(dict(settings.ranks(self.ctx.db)))
        self.note.setText(f"Every change to this officer, newest first ({len(entries):,}).")
        rows = []
        for e in entries:
            what, change = words.describe(e)
            rows.append(
                [roster.local_time(e.at).strftime("%d/%m/%Y %H:%M"), e.user, what, change, e.reason or ""]
            )
        fill_table(self.table, rows)

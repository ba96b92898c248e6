"""The one protocol every page of an officer's record follows; the dialog knows its pages only
through it.

    TITLE, title()  the tab's text (a page may add a count: "Legacy fields (3)")
    load(record)    show this officer; the dialog calls it on opening and after every reload
    refresh()       read the page's own data again
    is_dirty()      edits typed on the page and not saved yet
    save()          save them: True when saved, or when there was nothing to save
    changed         emitted after the page saved something of the officer's

Pages that save as they go (pathway, qualifications, attachments, duties) are never dirty;
only Details holds edits until Save.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.core import roster
from desktop.ui.context import AppContext


class RecordPage(QWidget):
    """One tab of an officer's record. Built with an officer id it shows that officer at once (as
    the pages do when used on their own); the dialog builds its pages empty and calls ``load``."""

    changed = Signal()
    TITLE = ""

    def __init__(self, ctx: AppContext, officer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.officer_id = officer_id
        self.officer_record: roster.OfficerRecord | None = None

    def title(self) -> str:
        return self.TITLE

    def load(self, record: roster.OfficerRecord) -> None:
        self.officer_record = record
        self.officer_id = record.id
        self.refresh()

    def refresh(self) -> None:
        """Read again what the page shows (the officer is ``officer_id``)."""

    def is_dirty(self) -> bool:
        return False

    def save(self) -> bool:
        return True


class RecordShownPage(RecordPage):
    """A page that shows the officer's record itself (details, history, legacy fields): ``show_record``
    puts a record on the page; ``refresh`` reads the record again."""

    def load(self, record: roster.OfficerRecord) -> None:
        self.officer_record = record
        self.officer_id = record.id
        self.show_record(record)

    def refresh(self) -> None:
        assert self.officer_id is not None
        self.load(roster.get_officer(self.ctx.db, self.officer_id))

    def show_record(self, record: roster.OfficerRecord) -> None:
        raise NotImplementedError

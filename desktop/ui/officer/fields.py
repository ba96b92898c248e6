"""What the officer's forms are made of: a date typed the UK way (or picked from a calendar) that
may be blank, the red reason under a field, the words of a record, and the "record" row of the
pages that record as they go (Enter runs it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from desktop.core.formats import DateError, full_name, parse_uk_date, uk_date
from desktop.ui.widgets import OK_STYLE, error_label, with_error


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def display_name(values: dict[str, Any]) -> str:
    return full_name(values.get("surname"), values.get("forenames"))


def parse_date(text: str) -> dt.date | None:
    """A date typed by a UK user: ``03/04/2019`` (3 April), ``3/4/19``, ``2019-04-03``, ``3 Apr 2019``
    (the one UK date reader, desktop.core.formats).

    Blank is None. Raises ValueError with a sentence to show next to the field."""
    text = text.strip()
    try:
        return parse_uk_date(text)
    except DateError as exc:
        if exc.impossible:
            raise ValueError(f"{text} is not a real date.") from None
        raise ValueError(
            f"Cannot read {text!r} as a date: write it as dd/mm/yyyy, e.g. 03/04/2019."
        ) from None


def _calendar_icon() -> QIcon:
    pix = QPixmap(16, 16)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setPen(QPen(QColor("#555555"), 1))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(1, 2, 13, 12)
    p.fillRect(2, 3, 12, 3, QColor("#c0392b"))
    p.setPen(QPen(QColor("#555555"), 1))
    for y in (8, 11):
        for x in (4, 7, 10):
            p.drawPoint(x, y)
            p.drawPoint(x + 1, y)
    p.end()
    return QIcon(pix)


class DateField(QWidget):
    """A date that may be blank: a line edit taking dd/mm/yyyy (placeholder says "not set") with a
    calendar button. ``date()`` raises ValueError for text that is not a date."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("not set (dd/mm/yyyy)")
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip(
            "Type a date as dd/mm/yyyy (or 3 Apr 2019), pick one from the calendar, or leave blank"
        )
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("not set (dd/mm/yyyy)") + 44)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.edit.editingFinished.connect(self._tidy)
        self.button = QToolButton()
        self.button.setIcon(_calendar_icon())
        self.button.setToolTip("Choose from a calendar")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self._pick)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def _tidy(self) -> None:
        """Show a readable date in the house format once typed (3/4/19 -> 03/04/2019)."""
        try:
            value = self.date()
        except ValueError:
            return
        if value is not None and self.edit.text() != uk_date(value):
            self.edit.setText(uk_date(value))

    def _pick(self) -> None:
        menu = QMenu(self)
        calendar = QCalendarWidget()
        calendar.setGridVisible(True)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        try:
            current = self.date()
        except ValueError:
            current = None
        day = current or dt.date.today()
        calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def chosen(qdate: QDate) -> None:
            self.set_date(dt.date(qdate.year(), qdate.month(), qdate.day()))
            menu.close()

        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self._menu = menu  # keep alive (and reachable from tests)

    def date(self) -> dt.date | None:
        return parse_date(self.edit.text())

    def set_date(self, value: dt.date | None) -> None:
        self.edit.setText(uk_date(value))

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt style, for tests
        self.edit.setText(text)


def reason_label() -> QLabel:
    """The red reason under a field of the officer's forms (its text can be copied)."""
    return error_label(selectable=True)


def with_reason(widget: QWidget, reason: QLabel) -> QWidget:
    return with_error(widget, reason, spacing=1)


class EnterRuns(QObject):
    """Enter in a page's form runs the page's action instead of the officer dialog's Save button."""

    def __init__(self, action: Any, parent: QObject):
        super().__init__(parent)
        self.action = action

    @classmethod
    def on(cls, action: Any, parent: QObject, fields: Sequence[QWidget]) -> EnterRuns:
        """Enter in any of ``fields`` runs ``action``."""
        enter = cls(action, parent)
        for field in fields:
            field.installEventFilter(enter)
        return enter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.action()
            return True
        return False


def record_row(form: QFormLayout, button: QPushButton, action: Any) -> QLabel:
    """The last row of a page's "record" form: a green line saying what was recorded, then the
    button that runs ``action``. Returns the green line."""
    done = QLabel()
    done.setStyleSheet(OK_STYLE)
    button.clicked.connect(action)
    row = QHBoxLayout()
    row.addWidget(done, 1)
    row.addWidget(button)
    form.addRow(row)
    return done

"""What the Hours modules share: day and duty-type words, the minimum-hours colours, and the
red or green line that says what happened."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

RAG_BACKGROUND = {
    "green": QColor("#c6e8c0"),
    "amber": QColor("#fbd99a"),
    "red": QColor("#f5b7b1"),
    "grey": QColor("#e3e3e3"),
}
RAG_TEXT = {"green": "Met", "amber": "Below", "red": "Zero", "grey": "n/a"}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"


def type_label(duty_type: str) -> str:
    return duty_type[:1].upper() + duty_type[1:]


def date_text(day: dt.date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day:%d/%m/%Y}"


def show_message(label: QLabel, text: str | None, ok: bool = False) -> None:
    """``text`` in ``label``, red (or green when ``ok``); the label hides when there is none."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text or "")
    label.setVisible(bool(text))

"""Reading the cells of one column: the parser each field's column gets, and the words a cell is
shown by in a reason or a warning.

A parser takes a cell as the reader gave it and returns the value to keep (None: nothing to keep),
or raises BadValue with the plain reason. The collar number, dates and mapped values (rank, status,
leaving reason, driving grade) are read strictly (see decide's REJECT_UNREADABLE); a column of dates
that holds a date written month first ("04/15/2019") refuses the dates in it that read both ways.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from desktop.core.domain import normalise_collar
from desktop.core.formats import MONTH_NAMES, day_month_parts
from desktop.core.roster import DATE_FIELDS
from desktop.excel.headers import Column
from desktop.excel.values import (
    CONTROL_CHARS,
    BadValue,
    cell_text,
    norm,
    parse_date,
    parse_phone,
    parse_text,
    strip_control_chars,
)
from desktop.importing.limits import LEGACY_NAME_LIMIT
from desktop.importing.words import MAPPED_VALUE_FIELDS, WHAT, Synonyms, ValueWords, parse_bool

CONTROL_REMOVED = "hidden control characters removed (they cannot be shown, printed or exported)"
CONTROL_IN_COLLAR = "has hidden control characters, so it is not a collar number as written: type it again"
NOT_HOURS = "is not a number of hours"
SHOWN_VALUE_LIMIT = 60
# How a damaged cell or a program writes a number that is not one: impossible hours.
NOT_FINITE = {"nan", "-nan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity"}
# What a status cell that also records independent patrol ("IPS") reads as, before it is applied.
INDEPENDENT_STATUS = "__ips__"

Parser = Callable[[Any], Any]


def shown(value: Any) -> str:
    """A cell for a message: its text, control characters removed, cut to a readable length."""
    text = cell_text(value)
    if CONTROL_CHARS.search(text):
        text = strip_control_chars(text)
    return text if len(text) <= SHOWN_VALUE_LIMIT else text[: SHOWN_VALUE_LIMIT - 1] + "…"


def field_parser(target: str, words: ValueWords, syn: Synonyms) -> Parser:
    """The parser of a column mapped to the officer field ``target``."""
    if target == "collar":
        return _collar
    if target in DATE_FIELDS:
        return _date
    if target == "esp":
        return lambda v: parse_bool(v, syn)
    if target == "phone":
        return parse_phone
    if target == "email":
        return _email
    if target in MAPPED_VALUE_FIELDS:
        return _mapped(target, words, syn.independent)
    return parse_text


def _collar(v: Any) -> str | None:
    if type(v) is str and v.isalnum():  # no spaces or dots: normalise_collar only upper-cases
        return v.upper()
    if type(v) is float and not math.isfinite(v):  # a damaged number cell
        raise BadValue(f"{cell_text(v)} is not a collar number")
    return normalise_collar(v) or None


def _date(v: Any) -> dt.date | None:
    if type(v) is dt.date:
        return v
    return parse_date(v)


def _email(v: Any) -> str | None:
    text = parse_text(v)
    return text.replace(" ", "") if text else None


def _mapped(target: str, words: ValueWords, independent: set[str]) -> Parser:
    """A rank, status, leaving reason or driving grade: a known word, or BadValue."""
    what = WHAT[target]

    def mapped(v: Any) -> str | None:
        text = parse_text(v)
        if text is None:
            return None
        found = words.find(target, text)
        if found is None and target == "status" and norm(text) in independent:
            return INDEPENDENT_STATUS
        if found is None:
            raise BadValue(f"unknown {what} {text!r}: map it to a known {what} or correct the cell")
        return found

    return mapped


def month_first_hint(rows: Sequence[Sequence[Any]], index: int, first_row: int) -> tuple[int, str] | None:
    """The first cell of a date column that can only be month first ("04/15/2019"), as (sheet row,
    text); None when the column has none. Such a column was typed the American way."""
    for i, raw in enumerate(rows):
        if index < len(raw):
            parts = day_month_parts(raw[index])
            if parts is not None and parts[0] <= 12 < parts[1] <= 31:
                return first_row + i, str(raw[index]).strip()
    return None


def refuse_ambiguous(parse: Parser, row: int, example: str) -> Parser:
    """In a column with month-first dates, a date that reads both ways ("04/03/2019") is refused
    rather than guessed."""

    def guarded(v: Any) -> Any:
        parts = day_month_parts(v)
        if parts is not None and parts[0] <= 12 and parts[1] <= 12 and parts[0] != parts[1]:
            d, m = parts
            raise BadValue(
                f"could be {d} {MONTH_NAMES[m - 1]} or {m} {MONTH_NAMES[d - 1]}: this column also has "
                f"month-first dates such as {example} (row {row}); write the month as a word (3 Apr 2019)"
            )
        return parse(v)

    return guarded


def column_parsers(
    columns: Sequence[Column],
    words: ValueWords,
    syn: Synonyms,
    data_rows: Sequence[Sequence[Any]],
    first_row: int,
) -> list[tuple[Column, Parser]]:
    """Each officer-field column with its parser; a date column typed month first refuses the dates
    in it that read both ways (``first_row``: the sheet row of ``data_rows[0]``)."""
    parsers = [(c, field_parser(c.target, words, syn)) for c in columns]
    for i, (c, parse) in enumerate(parsers):
        if c.target in DATE_FIELDS:
            hint = month_first_hint(data_rows, c.index, first_row)
            if hint is not None:
                parsers[i] = (c, refuse_ambiguous(parse, *hint))
    return parsers


def legacy_specs(columns: list[Column]) -> list[tuple[int, str, str | None]]:
    """(column index, legacy field name, warning or None) for the columns kept as legacy fields.

    The name is the header as written, without control characters and cut to what the database
    holds; a second column with the same name is told apart by its letter, so no cell of it is lost.
    """
    out: list[tuple[int, str, str | None]] = []
    used: set[str] = set()
    for c in columns:
        name = strip_control_chars(c.header).strip() or f"Column {c.letter}"
        note = None
        if len(name) > LEGACY_NAME_LIMIT:
            name = name[:LEGACY_NAME_LIMIT].rstrip()
            note = (
                f"the column heading is longer than the {LEGACY_NAME_LIMIT} characters kept: the value is "
                "kept under its first characters"
            )
        if name in used:
            tag = f" (column {c.letter})"
            name = name[: LEGACY_NAME_LIMIT - len(tag)] + tag
        used.add(name)
        out.append((c.index, name, note))
    return out

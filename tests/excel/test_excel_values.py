"""Value parsers of legacy spreadsheets: dates (day first, never month first), month headers, numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.excel.values import (
    BadValue,
    parse_date,
    parse_month,
    parse_number,
    serial_to_date,
)
from desktop.importing.words import load_synonyms, parse_bool

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAME = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@given(dates)
def test_every_written_form_of_a_date_reads_as_that_date(day: dt.date) -> None:
    forms = [
        day,
        dt.datetime.combine(day, dt.time()),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}",
        f"{day.day} {MONTH_NAME[day.month - 1]} {day.year}",
        day.isoformat(),
        float(excel_serial(day)),
        excel_serial(day),
        f" {day.day:02d}/{day.month:02d}/{day.year} ",
    ]
    for form in forms:
        assert parse_date(form) == day, form


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_two_digit_years_read_in_this_century_when_near(day: dt.date) -> None:
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d}") == day


def test_never_month_first() -> None:
    assert parse_date("03/04/2019") == dt.date(2019, 4, 3)
    with pytest.raises(BadValue, match="no month 13"):
        parse_date("12/13/2019")  # an American date is refused, not guessed


def test_impossible_dates_say_why() -> None:
    with pytest.raises(BadValue, match="there is no 31 February 2020"):
        parse_date("31/02/2020")
    with pytest.raises(BadValue, match="not a date"):
        parse_date("last spring")
    with pytest.raises(BadValue):
        parse_date(True)


def test_blank_is_none_and_serial_edges() -> None:
    assert parse_date("") is None and parse_date("   ") is None and parse_date(None) is None
    assert serial_to_date(43500) == dt.date(2019, 2, 4)
    assert serial_to_date(1) == dt.date(1900, 1, 1)
    assert parse_date("43500") == dt.date(2019, 2, 4)  # a serial stored as text


@given(st.integers(1950, 2099), st.integers(1, 12))
def test_month_headers_in_every_form(year: int, month: int) -> None:
    want = f"{year:04d}-{month:02d}"
    abbr, name = MONTH_ABBR[month - 1], MONTH_NAME[month - 1]
    forms = [
        dt.date(year, month, 1),
        dt.datetime(year, month, 1),
        f"{abbr}-{year % 100:02d}" if 2000 <= year <= 2035 else f"{abbr}-{year}",
        f"{abbr} {year}",
        f"{name} {year}",
        f"{year}-{month:02d}",
        f"{month:02d}/{year}",
        f"{name.upper()} {year}",
        f"{abbr}-{year} hours",
    ]
    if 2000 <= year <= 2035:
        forms.append(f"{abbr} {year % 100:02d}")
    for form in forms:
        assert parse_month(form) == want, form


@pytest.mark.parametrize("text", ["Surname", "Collar No.", "Team 1", "Notes", "", 42.0, None, "Date Joined"])
def test_other_headers_are_not_months(text: object) -> None:
    assert parse_month(text) is None


def test_numbers_stored_as_text_and_durations() -> None:
    assert parse_number("12") == 12.0
    assert parse_number(" 7.5 ") == 7.5
    assert parse_number("1,024") == 1024.0
    assert parse_number("7:30") == 7.5
    assert parse_number("16 hrs") == 16.0
    assert parse_number(dt.timedelta(hours=3, minutes=15)) == 3.25
    assert parse_number("") is None
    with pytest.raises(BadValue, match="not a number"):
        parse_number("lots")


def test_booleans() -> None:
    syn = load_synonyms()
    for yes in ("Y", "yes", "TRUE", "x", "X", 1, True):
        assert parse_bool(yes, syn) is True
    for no in ("N", "no", "False", 0, False):
        assert parse_bool(no, syn) is False
    assert parse_bool("", syn) is None
    with pytest.raises(BadValue):
        parse_bool("maybe", syn)


def test_synonyms_come_from_resources() -> None:
    syn = load_synonyms()
    assert syn.columns["collarno"] == "collar"
    assert syn.columns["warrantno"] == "collar"
    assert syn.columns["indpatroldate"] == "independent_patrol"
    assert syn.ranks["pcspecial"] == "SC"
    assert syn.ranks["ssgt"] == "SSgt"
    assert syn.statuses["careerbreak"] == "LOA"
    assert "ips" in syn.independent

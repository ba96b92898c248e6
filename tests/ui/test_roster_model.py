"""The roster table model without a window: display, sort by every kind of column, search, filters, count."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.core.roster import OfficerRow
from desktop.ui.roster.model import ALL, COLUMN_KEYS, NO_TEAM, SERVING, RosterTableModel

RANKS = [("SC", "Special Constable"), ("SSgt", "Special Sergeant"), ("SInsp", "Special Inspector")]


def row(
    oid,
    collar,
    surname,
    forenames=None,
    *,
    rank="SC",
    status="active",
    team=None,
    station=None,
    joined=None,
    ip=None,
    hours=0.0,
    preferred=None,
    left=None,
):
    return OfficerRow(
        oid, collar, surname, forenames, rank, status, team, station, joined, None, ip, left, hours, preferred
    )


ROWS = [
    row(
        1,
        "SC10",
        "O'Brien",
        "Siân",
        rank="SSgt",
        team="Response A",
        joined=dt.date(2019, 4, 3),
        hours=16.5,
        ip=dt.date(2020, 1, 1),
    ),
    row(2, "SC2", "Able", "Zoë", team="Rural", station="Hitchin", joined=dt.date(2015, 1, 1), hours=40),
    row(3, "4521", "Ng", "Wei", rank="SInsp", status="LOA", team="Response A", hours=0, preferred="Bill"),
    row(4, "4522", "Zed", None, status="left", joined=dt.date(2010, 6, 1), left=dt.date(2020, 1, 1), hours=2),
    row(5, "100", "Baker", "Tom", status="in training", joined=dt.date(2023, 2, 1), hours=1234.25),
]
FLAGS = {2: "expired", 5: "expiring"}


@pytest.fixture
def model(qapp):
    m = RosterTableModel()
    m.set_data(ROWS, FLAGS, RANKS)
    return m


def col(key):
    return COLUMN_KEYS.index(key)


def ids(m):
    return [m.officer_id(r) for r in range(m.rowCount())]


def cell(m, r, key, role=Qt.ItemDataRole.DisplayRole):
    return m.data(m.index(r, col(key)), role)


def test_default_shows_serving_by_name(model):
    assert ids(model) == [2, 5, 3, 1]  # Able, Baker, Ng, O'Brien; Zed has left
    assert model.columnCount() == 10
    assert model.headerData(col("hours"), Qt.Orientation.Horizontal) == "Last month"


def test_display_formats(model):
    r = model.row_of(1)
    assert cell(model, r, "name") == "O'Brien, Siân"
    assert cell(model, r, "rank") == "Special Sergeant"
    assert cell(model, r, "joined") == "03/04/2019"
    assert cell(model, r, "independent_patrol") == "01/01/2020"
    assert cell(model, r, "hours") == "16.5"
    assert cell(model, model.row_of(5), "hours") == "1,234.25"
    assert cell(model, model.row_of(3), "status") == "Leave of absence"
    assert cell(model, model.row_of(3), "joined") == ""
    assert cell(model, model.row_of(3), "name", Qt.ItemDataRole.ToolTipRole) == "Ng, Wei (known as Bill)"


def test_alignment_and_flag_colours(model):
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert cell(model, 0, "hours", Qt.ItemDataRole.TextAlignmentRole) == right
    assert cell(model, 0, "name", Qt.ItemDataRole.TextAlignmentRole) != right
    expired, expiring = model.row_of(2), model.row_of(5)
    assert cell(model, expired, "quals") == "Expired"
    assert cell(model, expiring, "quals") == "Expiring"
    assert cell(model, model.row_of(1), "quals") == ""
    red = cell(model, expired, "quals", Qt.ItemDataRole.ForegroundRole).color()
    amber = cell(model, expiring, "quals", Qt.ItemDataRole.ForegroundRole).color()
    assert red.red() > red.green() and amber.red() > amber.blue() and red != amber
    # Unused roles answer None.
    assert cell(model, 0, "collar", Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(99, 0)) is None


def test_sort_text_with_natural_collar_numbers(model):
    model.set_filters(status=ALL)
    model.sort(col("collar"))
    assert [model.officer(r).collar for r in range(5)] == ["100", "4521", "4522", "SC2", "SC10"]
    model.sort(col("collar"), Qt.SortOrder.DescendingOrder)
    assert [model.officer(r).collar for r in range(5)] == ["SC10", "SC2", "4522", "4521", "100"]


def test_sort_names_ignoring_accents_and_case(qapp):
    m = RosterTableModel()
    m.set_data(
        [row(1, "1", "émile"), row(2, "2", "Eddy"), row(3, "3", "Fox"), row(4, "4", "adams")], {}, RANKS
    )
    m.sort(col("name"))
    assert ids(m) == [4, 2, 1, 3]


def test_sort_dates_as_values_blanks_last_both_ways(model):
    model.set_filters(status=ALL)
    model.sort(col("joined"))
    assert ids(model) == [4, 2, 1, 5, 3]
    model.sort(col("joined"), Qt.SortOrder.DescendingOrder)
    assert ids(model) == [5, 1, 2, 4, 3]  # Ng (no date) still last


def test_sort_numbers_as_values(model):
    model.sort(col("hours"))
    assert ids(model) == [3, 1, 2, 5]  # 0, 16.5, 40, 1234.25 (not as text)
    model.sort(col("hours"), Qt.SortOrder.DescendingOrder)
    assert ids(model) == [5, 2, 1, 3]


def test_sort_rank_by_seniority_and_status_by_order(model):
    model.sort(col("rank"), Qt.SortOrder.DescendingOrder)
    assert ids(model)[:2] == [3, 1]  # Inspector, Sergeant
    model.sort(col("status"))
    assert [model.officer(r).status for r in range(4)] == ["in training", "active", "active", "LOA"]


def test_sort_team_blanks_last_and_quals_worst_first(model):
    model.sort(col("team"))
    assert ids(model) == [3, 1, 2, 5]  # ties in name order: Ng before O'Brien
    model.sort(col("team"), Qt.SortOrder.DescendingOrder)
    assert ids(model)[-1] == 5
    model.sort(col("quals"))
    assert ids(model)[:2] == [2, 5]


def test_search_collar_names_accents_and_preferred(model):
    model.set_filters(search="sian")
    assert ids(model) == [1]
    model.set_filters(search="4521")
    assert ids(model) == [3]
    model.set_filters(search="sc 10")
    assert ids(model) == [1]
    model.set_filters(search="bill")
    assert ids(model) == [3]
    model.set_filters(search="tom baker")
    assert ids(model) == [5]
    model.set_filters(search="O'BRI")
    assert ids(model) == [1]
    model.set_filters(search="nobody")
    assert ids(model) == []
    model.set_filters(search="")
    assert len(ids(model)) == 4


def test_status_rank_team_and_quals_filters(model):
    model.set_filters(status=ALL)
    assert len(ids(model)) == 5
    model.set_filters(status="left")
    assert ids(model) == [4]
    model.set_filters(status=SERVING, rank="SSgt")
    assert ids(model) == [1]
    model.set_filters(rank=None, team="Response A")
    assert ids(model) == [3, 1]
    model.set_filters(team=NO_TEAM)
    assert ids(model) == [5]
    model.set_filters(team=None, quals_only=True)
    assert ids(model) == [2, 5]
    assert model.teams() == ["Response A", "Rural"]
    assert model.has_unassigned_team()


def test_count_text_follows_filter(model):
    model.set_filters(status=ALL)
    assert model.count_text() == "5 officers, 4 serving"
    model.set_filters(status=SERVING)
    assert model.count_text() == "Showing 4 of 5 officers, 4 serving"
    model.set_filters(search="sian")
    assert model.count_text() == "Showing 1 of 5 officers, 4 serving"


def test_count_text_thousands(qapp):
    m = RosterTableModel()
    rows = [row(i, str(i), f"S{i}", status="left" if i < 108 else "active") for i in range(1312)]
    m.set_data(rows, {}, RANKS)
    m.set_filters(status=ALL)
    assert m.count_text() == "1,312 officers, 1,204 serving"
    m.set_filters(search="S13")
    assert m.count_text().startswith("Showing ") and m.count_text().endswith(
        "of 1,312 officers, 1,204 serving"
    )
    one = RosterTableModel()
    one.set_data([row(1, "1", "A")], {}, RANKS)
    assert one.count_text() == "1 officer, 1 serving"


def test_sort_then_filter_keeps_order_and_reload_keeps_settings(model):
    model.sort(col("hours"), Qt.SortOrder.DescendingOrder)
    model.set_filters(team="Response A")
    assert ids(model) == [1, 3]
    model.set_data(ROWS, FLAGS, RANKS)  # a refresh keeps sort and filters
    assert ids(model) == [1, 3]
    assert model.row_of(2) is None


def test_letters_nfkd_keeps_whole_sort_and_search_as_their_plain_forms():
    from desktop.ui.roster.model import fold

    assert fold("Øster") == "oster" and fold("Łukasz") == "lukasz" and fold("Strauß") == "strauss"
    assert sorted(["Zieliński", "Øster", "Nowak"], key=fold) == ["Nowak", "Øster", "Zieliński"]

"""The words of the import: what a roster's column headings and cells say, and what CiP Desk keeps.

- :class:`Synonyms`: the words of ``resources/import_synonyms.json`` (column names, ranks, statuses,
  leaving reasons, driving grades, yes and no, totals rows), each table keyed by
  :func:`desktop.excel.values.norm`, so "Collar No." matches "collarno". Forces add their own
  wording there; no code changes. :func:`force_synonyms` gives the force's own ranks (a setting) in
  place of the file's.
- :class:`ValueWords`: a cell's words to the stored value for rank, status, leaving reason and
  driving grade, with the mapping the user chose in the wizard on top.
- :data:`FIELD_TARGETS`: the officer fields a column can be mapped to, with their labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.core.domain import DRIVING_GRADES, LEAVING_REASONS, STATUSES
from desktop.core.formats import month_label
from desktop.core.models import RankDef
from desktop.core.paths import resources_dir
from desktop.excel.headers import LEGACY
from desktop.excel.values import BadValue, cell_text, norm

# Officer fields a column can be mapped to, in the order the wizard offers them.
FIELD_TARGETS: tuple[tuple[str, str], ...] = (
    ("collar", "Collar number"),
    ("surname", "Surname"),
    ("forenames", "Forenames"),
    ("preferred_name", "Preferred name"),
    ("rank", "Rank"),
    ("status", "Status"),
    ("team", "Team"),
    ("station", "Station"),
    ("joined", "Joined"),
    ("attested", "Attested"),
    ("independent_patrol", "Independent patrol"),
    ("left_date", "Left"),
    ("leaving_reason", "Leaving reason"),
    ("date_of_birth", "Date of birth"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("employer", "Employer"),
    ("esp", "ESP"),
    ("driving", "Driving"),
    ("notes", "Notes"),
)
FIELD_LABEL = dict(FIELD_TARGETS)
# The fields whose cells are words mapped to a stored value, and what a message calls each.
MAPPED_VALUE_FIELDS = ("rank", "status", "leaving_reason", "driving")
WHAT = {
    "rank": "rank",
    "status": "status",
    "leaving_reason": "leaving reason",
    "driving": "driving grade",
}


def target_label(target: str) -> str:
    """What a column mapped to ``target`` holds, in words ("Surname", "Hours in April 2026")."""
    if target in FIELD_LABEL:
        return FIELD_LABEL[target]
    if target.startswith("month:"):
        return f"Hours in {month_label(target[6:])}"
    if target == LEGACY:
        return "Keep as legacy field"
    return "Ignore"


@dataclass
class Synonyms:
    """The words of ``resources/import_synonyms.json``, each table keyed by :func:`norm`."""

    columns: dict[str, str] = field(default_factory=dict)
    ignore_columns: set[str] = field(default_factory=set)
    ranks: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    independent: set[str] = field(default_factory=set)
    leaving_reasons: dict[str, str] = field(default_factory=dict)
    driving: dict[str, str] = field(default_factory=dict)
    true_words: set[str] = field(default_factory=set)
    false_words: set[str] = field(default_factory=set)
    totals: set[str] = field(default_factory=set)

    def with_ranks(self, ranks: list[tuple[str, str]]) -> Synonyms:
        """A copy whose ranks are the force's own (code and name, from the settings): the words of
        the file only for ranks the force has, and the force's code and name before any of them."""
        codes = {code for code, _name in ranks}
        extra = {word: code for word, code in self.ranks.items() if code in codes}
        for code, name in ranks:
            extra[norm(name)] = code
        for code, _name in ranks:
            extra[norm(code)] = code
        copy = Synonyms(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        copy.ranks = extra
        return copy


def _table(data: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, words in data.items():
        out.setdefault(norm(key), key)
        for word in words:
            out.setdefault(norm(word), key)
    return out


def load_synonyms(path: Path | None = None) -> Synonyms:
    if path is None:
        path = resources_dir() / "import_synonyms.json"
    return _load(str(path))


@cache
def _load(path: str) -> Synonyms:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    syn = Synonyms(
        columns=_table(data["columns"]),
        ignore_columns={norm(w) for w in data.get("ignore_columns", [])},
        ranks=_table(data["ranks"]),
        statuses=_table(data["statuses"]),
        independent={norm(w) for w in data.get("statuses_independent_patrol", [])},
        leaving_reasons=_table(data["leaving_reasons"]),
        driving=_table(data.get("driving_grades", {})),
        true_words={norm(w) for w in data["booleans"]["true"]},
        false_words={norm(w) for w in data["booleans"]["false"]},
        totals={norm(w) for w in data.get("totals_rows", ["Total", "Totals", "Grand total", "Sum"])},
    )
    # "-" and "✓" have no letters: keep them by their raw text too.
    for word in data["booleans"]["true"]:
        if not norm(word):
            syn.true_words.add(word.strip())
    for word in data["booleans"]["false"]:
        if not norm(word):
            syn.false_words.add(word.strip())
    return syn


def parse_bool(value: Any, syn: Synonyms) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise BadValue(f"{cell_text(value)} is not yes or no")
    text = str(value).strip()
    if not text:
        return None
    key = norm(text) or text
    if key in syn.true_words:
        return True
    if key in syn.false_words:
        return False
    raise BadValue(f"{text!r} is not yes or no (use Y or N)")


def force_synonyms(s: Session) -> Synonyms:
    """The words of the file, with the force's own ranks (code and name, from the settings)."""
    ranks = [(code, name) for code, name in s.execute(select(RankDef.code, RankDef.name))]
    return load_synonyms().with_ranks(ranks)


class ValueWords:
    """Value words -> stored values for rank, status, leaving reason, driving; with user overrides."""

    def __init__(self, syn: Synonyms, value_map: dict[str, dict[str, str]] | None):
        self.syn = syn
        self.tables: dict[str, dict[str, str]] = {
            "rank": dict(syn.ranks),
            "status": dict(syn.statuses),
            "leaving_reason": dict(syn.leaving_reasons),
            "driving": dict(syn.driving),
        }
        for status in STATUSES:
            self.tables["status"].setdefault(norm(status), status)
        for reason in LEAVING_REASONS:
            self.tables["leaving_reason"].setdefault(norm(reason), reason)
        for grade in DRIVING_GRADES:
            self.tables["driving"].setdefault(norm(grade), grade)
        for fld, mapping in (value_map or {}).items():
            table = self.tables.setdefault(fld, {})
            for text, target in mapping.items():
                table[norm(text)] = target
        self._seen: dict[tuple[str, str], str | None] = {}

    def find(self, fld: str, text: str) -> str | None:
        key = (fld, text)
        try:
            return self._seen[key]
        except KeyError:
            found = self._seen[key] = self.tables[fld].get(norm(text))
            return found

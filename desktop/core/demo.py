"""Demo data: a believable Special Constabulary, for trying CiP Desk, demonstrations and benchmarks.

``generate`` fills an empty database (no officers yet) with officers and their whole record: dated
rank and status history, pathway progress on the pathway in use, qualifications (some expired, some
expiring soon), specialist attachments within unit capacity, and duties with the spread of hours a
real force shows (most serving officers 16-40 hours a month, some below, some zero, a few
long-term inactive).

Deterministic: the same ``(seed, today, officers, years)`` gives the same rows (one
``random.Random(seed)``, lists only, and every timestamp derived from ``today``). Everything is
written with bulk Core inserts in one transaction, so a cancelled run writes nothing; a few summary
audit events (action ``demo``) record what was written, by whom.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select

from desktop.core import audit
from desktop.core.db import Database
from desktop.core.domain import DUTY_TYPES, add_months
from desktop.core.errors import CipDeskError
from desktop.core.models import (
    Attachment,
    AuditEvent,
    Duty,
    Officer,
    OfficerQualification,
    Pathway,
    PathwayStage,
    QualificationType,
    RankChange,
    RankDef,
    Setting,
    StageAchieved,
    StatusChange,
    Unit,
    UnitRequirement,
)
from desktop.core.progress import Progress, report

MAX_OFFICERS = 100_000
MAX_YEARS = 20
_CHUNK = 50_000  # duty rows per executemany

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

_FORENAMES_F = (
    "Olivia", "Amelia", "Emily", "Isla", "Sophie", "Charlotte", "Jessica", "Hannah", "Lauren", "Rebecca",
    "Sarah", "Laura", "Emma", "Rachel", "Gemma", "Kirsty", "Siân", "Ffion", "Carys", "Niamh", "Aoife",
    "Róisín", "Zoë", "Chloé", "Renée", "Anna-Marie", "Mary-Jane", "Priya", "Aisha", "Fatima",
    "Agnieszka", "Zuzanna", "Chidinma", "Yasmin", "Leah", "Megan", "Bethan", "Joanne", "Nicola", "Helen",
    "Claire", "Katherine", "Elizabeth", "Victoria", "Jennifer", "Samantha", "Naomi", "Grace",
)  # fmt: skip
_FORENAMES_M = (
    "James", "Oliver", "Harry", "Jack", "George", "Thomas", "Daniel", "Matthew", "Samuel", "Joseph",
    "William", "Benjamin", "Ryan", "Liam", "Connor", "Mohammed", "Aaron", "Kieran", "Rhys", "Dafydd",
    "Callum", "Euan", "Ciarán", "Seán", "Rónán", "Adebayo", "Tomasz", "Piotr", "Rajesh", "Arjun",
    "Imran", "Hamza", "Luca", "José", "Stephen", "Mark", "Paul", "Andrew", "David", "Christopher",
    "Gareth", "Ian", "Neil", "Stuart", "Jean-Paul", "Robert", "Michael", "Anthony", "Edward", "Owain",
)  # fmt: skip
_SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James",
    "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Ali", "Hussain", "Ahmed", "Kaur", "Nowak", "Kowalski", "Zieliński", "Okafor", "Adeyemi",
    "Mensah", "O'Brien", "O'Neill", "O'Connor", "O'Sullivan", "D'Souza", "McDonald", "MacLeod",
    "Smith-Jones", "Ashworth-Clarke", "Price-Evans", "Owen-Jones", "Brooke-Taylor", "Núñez", "Müller",
    "Gómez", "Brontë", "Ó Súilleabháin", "Van der Berg", "de Souza", "Le Roux", "ap Rhys", "Øster",
    "Fletcher", "Barker", "Holmes", "Knight", "Lloyd", "Butler", "Russell", "Barnes", "Dixon", "Hunt",
    "Mason", "Stevens", "Palmer", "Fisher", "Webb", "Rogers", "Gray", "Mills", "Dawson", "Pearce",
    "Chapman", "Hudson", "Ross", "Walsh", "Reid", "Lowe", "Hart", "Gill", "Fox", "Sharma", "Chaudhry",
    "Iqbal", "Rahman", "Mahmood", "Nguyen", "Chen", "Wong", "Osei", "Boateng", "Kamara", "Wiśniewski",
    "Kovács", "Papadopoulos", "Rossi", "Fernández", "Doherty", "Quinn", "Byrne", "Gallagher", "Fraser",
    "Sutherland", "Pritchard", "Jenkins", "Vaughan", "Llewellyn", "Bevan", "Powell", "Rees", "Howells",
    "O'Donnell", "O'Shea", "D'Arcy", "Fitzgerald", "McCarthy", "MacKenzie", "Hamilton-Smith",
    "Wade-Brown", "Lewis-Grant", "Taylor-Reid", "Bell-Hughes",
)  # fmt: skip
_MIDDLE_F = ("Louise", "Marie", "Rose", "Jane", "Ann", "Elizabeth", "Grace", "Mair")
_MIDDLE_M = ("James", "Alexander", "John", "Edward", "Lee", "David", "Rhodri", "Patrick")
_PREFERRED = {
    "Christopher": "Chris", "Robert": "Rob", "Michael": "Mike", "Anthony": "Tony", "Edward": "Ed",
    "Katherine": "Kate", "Elizabeth": "Liz", "Victoria": "Vicky", "Jennifer": "Jen", "Samantha": "Sam",
    "Benjamin": "Ben", "Matthew": "Matt", "Daniel": "Dan", "William": "Will", "Thomas": "Tom",
    "Mohammed": "Mo", "Stephen": "Steve", "Rebecca": "Becky", "Nicola": "Nicky",
}  # fmt: skip

# (team, station, weight). Response teams are the largest; senior officers sit at Specials HQ.
_TEAMS: tuple[tuple[str, str, int], ...] = (
    ("Response A", "Stevenage", 12),
    ("Response B", "Hatfield", 11),
    ("Response C", "Watford", 11),
    ("Response D", "Hemel Hempstead", 10),
    ("Stevenage NPT", "Stevenage", 8),
    ("Watford NPT", "Watford", 8),
    ("St Albans NPT", "St Albans", 7),
    ("Hertsmere NPT", "Borehamwood", 6),
    ("Dacorum NPT", "Hemel Hempstead", 6),
    ("North Herts NPT", "Letchworth Garden City", 6),
    ("East Herts NPT", "Bishop's Stortford", 6),
    ("Broxbourne NPT", "Cheshunt", 5),
    ("Events and Operations", "Welwyn Garden City", 4),
)
_HQ = ("Specials HQ", "Welwyn Garden City")

_TOWNS = (
    ("Stevenage", "SG1"), ("Hatfield", "AL10"), ("Watford", "WD17"), ("Hemel Hempstead", "HP1"),
    ("St Albans", "AL1"), ("Borehamwood", "WD6"), ("Letchworth Garden City", "SG6"),
    ("Bishop's Stortford", "CM23"), ("Cheshunt", "EN8"), ("Welwyn Garden City", "AL8"),
    ("Hitchin", "SG5"), ("Harpenden", "AL5"),
)  # fmt: skip
_STREETS = (
    "Station Road", "High Street", "Church Lane", "Park Avenue", "Queen's Road", "Mill Lane",
    "The Crescent", "Victoria Street", "St John's Close", "Orchard Way", "Hill View", "Manor Road",
)  # fmt: skip

# (employer, takes part in Employer Supported Policing)
_EMPLOYERS: tuple[tuple[str, bool], ...] = (
    ("Hertfordshire County Council", True),
    ("East and North Herts NHS Trust", True),
    ("Tesco Stores Ltd", True),
    ("Network Rail", True),
    ("Royal Mail Group", True),
    ("BT Group", True),
    ("Sainsbury's Supermarkets Ltd", True),
    ("John Lewis Partnership", True),
    ("University of Hertfordshire", True),
    ("Stevenage Borough Council", True),
    ("Marks & Spencer", True),
    ("Amazon UK Services", False),
    ("Hughes & Daughters Plumbing", False),
    ("The Crown Inn, Hitchin", False),
    ("Self-employed", False),
)
_SUPERVISORS = (
    "PS 1021 Hughes", "DS 3318 Patel", "Insp 0457 Morgan", "PS 2290 O'Reilly", "DS 1876 Lewis-Grant",
    "PS 4402 Adeyemi", "Insp 0912 Kowalski", "PS 3040 Ní Bhriain",
)  # fmt: skip
_TUTORS = (
    "PC 1432 Okafor", "PC 2211 Simpson", "SSgt 6021 Walsh", "PC 3107 Ahmed", "SSgt 5533 Hughes",
    "PC 2876 Lloyd", "CiP Training Team",
)  # fmt: skip
_OFFICER_NOTES = (
    "Prefers weekend duties.",
    "Available for events in the summer only.",
    "Mentor for new joiners.",
    "Interested in the Rural Operational Support Team.",
    "Works shifts: check availability before rostering.",
    "Speaks British Sign Language.",
)
_LOA_NOTES = ("Parental leave", "Work commitments", "Health", "University exams", "Family reasons")
_LEAVE_WEIGHTS_ATTESTED = {
    "resigned": 40,
    "joined the regulars": 28,
    "transferred to another force": 8,
    "dismissed": 2,
    "retired": 10,
    "other": 12,
}
_LEAVE_WEIGHTS_TRAINEE = {"resigned": 75, "joined the regulars": 5, "other": 20}
_OTHER_LEAVING_NOTES = ("Moved abroad", "Caring responsibilities", "Did not complete training")

# Duty shape by type: (start hours, duration in quarter hours lo..hi)
_DUTY_SHAPE: dict[str, tuple[tuple[int, ...], int, int]] = {
    "patrol": ((7, 8, 14, 15, 16, 17, 18, 19, 20, 22), 16, 40),
    "response": ((7, 15, 17, 19, 22), 24, 40),
    "neighbourhood": ((9, 10, 11, 13, 14, 16, 18), 12, 32),
    "event": ((8, 10, 12, 14, 17, 18, 19), 16, 48),
    "training": ((9, 18, 19), 8, 32),
    "specialist attachment": ((7, 8, 9, 14, 16, 18, 20), 16, 40),
    "admin": ((9, 10, 13, 18, 19), 4, 16),
}
# Duty type weights (DUTY_TYPES order without "specialist attachment") by kind of team.
_DAYTIME = frozenset({"training", "admin", "neighbourhood"})
_TYPE_WEIGHTS: dict[str, dict[str, int]] = {
    "response": {"patrol": 30, "response": 35, "neighbourhood": 8, "event": 10, "training": 7, "admin": 5},
    "npt": {"patrol": 30, "response": 10, "neighbourhood": 35, "event": 10, "training": 8, "admin": 7},
    "other": {"patrol": 20, "response": 5, "neighbourhood": 10, "event": 30, "training": 15, "admin": 20},
}

_RANK_SHARE = (("SSgt", 0.08), ("SInsp", 0.03), ("SChInsp", 0.006))


# ---------------------------------------------------------------------------------------------
# The force being built, in plain Python
# ---------------------------------------------------------------------------------------------


@dataclass
class _Stage:
    id: int
    code: str
    position: int
    prerequisites: list[str]
    target_days: int | None
    is_ip: bool
    is_attestation: bool


@dataclass
class _QualType:
    id: int
    name: str
    validity_months: int | None
    category: str | None
    driving_level: int | None


@dataclass
class _Unit:
    id: int
    capacity: int | None
    requires_ip: bool
    min_months_since_ip: int | None
    min_driving_level: int | None
    required: list[int]


@dataclass
class _Person:
    idx: int
    surname: str
    forenames: str
    preferred_name: str | None
    date_of_birth: dt.date
    applied: dt.date
    joined: dt.date | None = None
    left: dt.date | None = None
    leaving_reason: str | None = None
    attested: dt.date | None = None
    ip: dt.date | None = None
    status: str = "applicant"
    rank: str = "SC"
    team: str | None = None
    station: str | None = None
    collar: str = ""
    stages: list[tuple[int, dt.date, str | None]] = field(default_factory=list)
    status_history: list[tuple[str, dt.date, str | None, str | None]] = field(default_factory=list)
    rank_history: list[tuple[str, dt.date, bool, str | None]] = field(default_factory=list)
    off: list[tuple[int, int]] = field(default_factory=list)  # ordinals [start, end) of LOA/suspension
    inactive_from: int | None = None  # ordinal: no duties from this day (long-term inactive)
    level: float = 0.0  # mean monthly hours when active
    zero_p: float = 0.0  # chance of a zero month
    quals: list[tuple[int, dt.date, dt.date | None]] = field(default_factory=list)
    driving_level: int = 0
    attachments: list[tuple[int, int, int]] = field(default_factory=list)  # unit, start, end ordinals


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _days(rng: random.Random, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(lo, hi))


class _Force:
    """Builds every officer and their records from one random generator, in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        years: int,
        stages: list[_Stage],
        qual_types: list[_QualType],
        units: list[_Unit],
        rank_codes: list[str],
    ):
        self.rng = rng
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.window_start = add_months(today.replace(day=1), -12 * years)
        self.horizon_days = max(years + 5, 8) * 365
        self.stages = stages
        self.attestation_pos = next((i for i, s in enumerate(stages) if s.is_attestation), len(stages))
        self.qual_types = qual_types
        self.units = units
        self.rank_codes = rank_codes
        self.people: list[_Person] = []

    def cutoff(self, p: _Person) -> dt.date:
        if p.left is not None:
            return min(self.today, p.left - dt.timedelta(days=1))
        return self.today

    # -- officers -------------------------------------------------------------------------------
    def person(self, idx: int) -> _Person:
        rng = self.rng
        female = rng.random() < 0.36
        first = rng.choice(_FORENAMES_F if female else _FORENAMES_M)
        forenames = first
        if rng.random() < 0.25:
            forenames = f"{first} {rng.choice(_MIDDLE_F if female else _MIDDLE_M)}"
        preferred = _PREFERRED.get(first) if rng.random() < 0.5 else None
        surname = rng.choice(_SURNAMES)
        age_days = int((18 + 37 * rng.random() ** 1.6) * 365.25)
        applicant = rng.random() < 0.05
        if applicant:
            applied = self.today - _days(rng, 3, 180)
            p = _Person(idx, surname, forenames, preferred, applied - dt.timedelta(days=age_days), applied)
            self._applicant(p)
        else:
            back = 30 + int((self.horizon_days - 30) * rng.random() ** 1.3)
            joined = self.today - dt.timedelta(days=back)
            p = _Person(idx, surname, forenames, preferred, joined - dt.timedelta(days=age_days), joined)
            p.joined = joined
            self._career(p)
        self._engagement(p)
        self._qualifications(p)
        return p

    def _applicant(self, p: _Person) -> None:
        rng = self.rng
        p.status_history.append(("applicant", p.applied, None, None))
        p.rank_history.append(("SC", p.applied, False, None))
        if self.stages:
            p.stages.append((self.stages[0].id, p.applied, None))
        vetted = p.applied + _days(rng, 40, 120)
        if len(self.stages) > 1 and self.attestation_pos > 1 and vetted < self.today:
            p.stages.append((self.stages[1].id, vetted, "Vetting Unit"))

    def _career(self, p: _Person) -> None:
        rng = self.rng
        assert p.joined is not None
        joined = p.joined
        # Leavers: about one record in five, mostly during the years of duty history.
        if rng.random() < 0.2:
            lo = max(joined + dt.timedelta(days=45), self.window_start - dt.timedelta(days=365))
            if lo < self.yesterday:
                p.left = lo + _days(rng, 0, (self.yesterday - lo).days)
        cutoff = self.cutoff(p)
        # Pathway: the first stages (application, vetting) come before joining, the rest after.
        dates: dict[str, dt.date] = {}
        pre = min(2, self.attestation_pos)
        day = joined - _days(rng, 7, 45)
        for stage in reversed(self.stages[:pre]):
            dates[stage.code] = day
            day -= _days(rng, 40, 120)
        p.applied = dates[self.stages[0].code] if pre else joined
        previous = joined
        for stage in self.stages[pre:]:
            after = max([previous, *(dates[c] for c in stage.prerequisites if c in dates)])
            if stage.is_attestation:
                gap = rng.randint(7, 35)
            elif stage.is_ip:
                gap = rng.randint(14, 60)
            elif stage.target_days:
                gap = int(stage.target_days * rng.uniform(0.7, 1.4))
            else:
                gap = rng.randint(30, 100)
            dates[stage.code] = previous = after + dt.timedelta(days=gap)
        for i, stage in enumerate(self.stages):
            when = dates[stage.code]
            if when > cutoff:
                break  # later stages depend on this one
            if stage.is_attestation:
                p.attested = when
                assessor: str | None = "Justice of the Peace"
            elif i == 1 and pre == 2:
                assessor = "Vetting Unit"
            elif i == 0:
                assessor = None
            else:
                assessor = rng.choice(_TUTORS)
            if stage.is_ip:
                p.ip = when
            p.stages.append((stage.id, when, assessor))
        # A force pathway without an attestation or independent patrol stage: date them anyway.
        if self.attestation_pos == len(self.stages):
            attested = joined + _days(rng, 150, 260)
            p.attested = attested if attested <= cutoff else None
        if not any(st.is_ip for st in self.stages) and p.attested is not None:
            ip = p.attested + _days(rng, 200, 420)
            p.ip = ip if ip <= cutoff else None
        # Status history, from application to today.
        hist = p.status_history
        hist.append(("applicant", p.applied, None, None))
        hist.append(("in training", joined, None, None))
        p.rank_history.append(("SC", joined, False, None))
        if p.attested is not None:
            hist.append(("active", p.attested, None, None))
            start = p.attested
            # A past leave of absence for some: LOA for 2-6 months, then back to active.
            span = (cutoff - start).days
            if span > 400 and rng.random() < 0.12:
                loa = start + _days(rng, 60, span - 240)
                back = loa + _days(rng, 60, 180)
                hist.append(("LOA", loa, None, rng.choice(_LOA_NOTES)))
                hist.append(("active", back, None, None))
                p.off.append((loa.toordinal(), back.toordinal()))
                start = back
            # Current LOA or suspension (or LOA before leaving).
            span = (cutoff - start).days
            r = rng.random()
            kind = (
                "LOA" if r < (0.3 if p.left else 0.06) else "suspended" if r < 0.07 and not p.left else None
            )
            if kind and span > 45:
                since = cutoff - _days(rng, 14, min(span - 30, 300))
                note = rng.choice(_LOA_NOTES) if kind == "LOA" else "Pending a conduct investigation"
                hist.append((kind, since, None, note))
                end = (p.left or self.today + dt.timedelta(days=1)).toordinal()
                p.off.append((since.toordinal(), end))
                p.status = kind
            else:
                p.status = "active"
        else:
            p.status = "in training"
        if p.left is not None:
            weights = _LEAVE_WEIGHTS_ATTESTED if p.attested else _LEAVE_WEIGHTS_TRAINEE
            p.leaving_reason = _weighted(rng, weights)
            left_note = rng.choice(_OTHER_LEAVING_NOTES) if p.leaving_reason == "other" else None
            hist.append(("left", p.left, p.leaving_reason, left_note))
            p.status = "left"
        # Long-term inactive: still "active" on paper, no duties for the last few months.
        if p.status == "active" and p.ip is not None and rng.random() < 0.04:
            p.inactive_from = (self.today - _days(rng, 100, 360)).toordinal()
        team = rng.choices(_TEAMS, weights=[t[2] for t in _TEAMS])[0]
        p.team, p.station = team[0], team[1]

    def _engagement(self, p: _Person) -> None:
        r = self.rng.random()
        if r < 0.06:
            p.level, p.zero_p = self.rng.uniform(2, 9), 0.45
        elif r < 0.2:
            p.level, p.zero_p = self.rng.uniform(8, 15), 0.08
        elif r < 0.9:
            p.level, p.zero_p = self.rng.uniform(19, 32), 0.025
        else:
            p.level, p.zero_p = self.rng.uniform(32, 60), 0.015

    # -- qualifications -------------------------------------------------------------------------
    def _qualifications(self, p: _Person) -> None:
        if p.joined is None:
            return
        rng = self.rng
        cutoff = self.cutoff(p)
        shared: dict[int, list[dt.date]] = {}  # safety courses taken together on one training day
        for qt in self.qual_types:
            if qt.category == "driving":
                continue
            if qt.validity_months is None:
                if p.attested and rng.random() < 0.05:
                    when = p.attested + _days(rng, 0, max(0, (cutoff - p.attested).days))
                    p.quals.append((qt.id, when, None))
                continue
            # Renewed yearly (or per validity) since training; the latest renewal ages uniformly, so
            # a few have lapsed and about one in six expires within 60 days. Most take the safety
            # courses on the same training day.
            if qt.category != "safety" and rng.random() > 0.1:
                continue
            together = qt.category == "safety" and rng.random() < 0.8
            if together and qt.validity_months in shared:
                dates = shared[qt.validity_months]
            else:
                first = p.joined + _days(rng, 30, 100)
                if first > cutoff:
                    continue
                period = int(qt.validity_months * 30.4)
                latest = max(first, cutoff - _days(rng, 0, period + period // 16))
                dates = [latest]
                day = latest - _days(rng, period - 20, period + 15)
                while day > first:
                    dates.append(day)
                    day -= _days(rng, period - 20, period + 15)
                if together:
                    shared[qt.validity_months] = dates
            for when in reversed(dates):
                p.quals.append((qt.id, when, add_months(when, qt.validity_months)))
        # Driving: a grade held by some attested officers, each grade on top of the one below.
        if p.attested is None:
            return
        driving = sorted(
            (q for q in self.qual_types if q.category == "driving" and q.driving_level),
            key=lambda q: q.driving_level or 0,
        )
        r = rng.random()
        level = 4 if r < 0.01 else 3 if r < 0.04 else 2 if r < 0.16 else 1 if r < 0.55 else 0
        since = p.attested
        for qt in driving:
            if (qt.driving_level or 0) > level:
                break
            span = (cutoff - since).days
            if span < 30:
                break
            achieved = since + _days(rng, 14, max(14, min(span, 400)))
            if achieved > cutoff:
                break
            if qt.validity_months:
                # Reassessed shortly before each expiry, by most; the record kept is the latest.
                while add_months(achieved, qt.validity_months) < cutoff and rng.random() < 0.93:
                    achieved = add_months(achieved, qt.validity_months) - _days(rng, 1, 30)
                expires = add_months(achieved, qt.validity_months)
            else:
                expires = None
            p.quals.append((qt.id, achieved, expires))
            p.driving_level = qt.driving_level or 0
            since = achieved

    def qual_valid(self, p: _Person, type_id: int, day: dt.date) -> bool:
        return any(
            t == type_id and achieved <= day and (expires is None or expires >= day)
            for t, achieved, expires in p.quals
        )

    # -- ranks ----------------------------------------------------------------------------------
    def promote(self) -> None:
        rng = self.rng
        serving = [p for p in self.people if p.joined is not None and p.left is None]
        codes = [c for c in self.rank_codes if c != "SC"]
        counts: dict[str, int] = {}
        n = len(serving)
        for code, share in _RANK_SHARE:
            counts[code] = max(1 if n >= 150 or code == "SSgt" else 0, round(n * share))
        counts["SSupt"] = 1 if n < 800 else 2
        counts["SCO"] = 1
        order = ["SCO", "SSupt", "SChInsp", "SInsp", "SSgt"]
        eligible = [
            p
            for p in serving
            if p.ip is not None and p.status in ("active", "LOA") and (self.today - p.ip).days > 400
        ]
        # Seniority with some luck: longest at independent patrol first, give or take three years.
        eligible.sort(key=lambda p: (p.ip or self.today).toordinal() + rng.uniform(0, 1100))
        queue = iter(eligible)
        for code in order:
            if code not in codes:
                continue
            steps = [c for c in codes if codes.index(c) <= codes.index(code)]
            for _ in range(counts.get(code, 0)):
                for p in queue:
                    if self._promote(p, steps):
                        break
        # A few leavers had been sergeants.
        for p in self.people:
            if p.left is not None and p.ip is not None and "SSgt" in codes and rng.random() < 0.06:
                self._promote(p, ["SSgt"])

    def _promote(self, p: _Person, steps: list[str]) -> bool:
        assert p.ip is not None
        first = p.ip + dt.timedelta(days=180)
        last = self.cutoff(p) - dt.timedelta(days=30)
        span = (last - first).days
        if span < len(steps) * 30:
            return False
        offsets = sorted(self.rng.sample(range(span), len(steps)))
        acting = len(steps) == 1 and self.rng.random() < 0.15
        for code, off in zip(steps, offsets, strict=True):
            p.rank_history.append(
                (code, first + dt.timedelta(days=off), acting, "Acting" if acting else None)
            )
        p.rank = steps[-1]
        if p.rank in ("SCO", "SSupt"):
            p.team, p.station = _HQ
        return True

    # -- collar numbers -------------------------------------------------------------------------
    def collars(self) -> None:
        """Long-serving officers keep 4-digit numbers; later joiners (and applicants) have SC numbers."""
        rng = self.rng
        by_joined = sorted(self.people, key=lambda p: ((p.joined or self.today).toordinal(), p.idx))
        old = [p for p in by_joined if p.joined is not None][: int(len(by_joined) * 0.55)]
        old_ids = {p.idx for p in old}
        new = [p for p in by_joined if p.idx not in old_ids]
        width = 4
        while 10**width - 1000 < len(old):
            width += 1
        for p, number in zip(old, rng.sample(range(1000, 10**width), len(old)), strict=True):
            p.collar = str(number)
        width = 4
        while 10**width - 1 < len(new):
            width += 1
        for p, number in zip(new, rng.sample(range(1, 10**width), len(new)), strict=True):
            p.collar = f"SC{number:0{width}d}"

    # -- attachments ----------------------------------------------------------------------------
    def attachments(self) -> list[tuple[_Person, int, dt.date, dt.date | None, str, str]]:
        """(person, unit, start, end, state, supervisor). Active ones never exceed a unit's capacity."""
        rng = self.rng
        pool = [p for p in self.people if p.ip is not None]
        out: list[tuple[_Person, int, dt.date, dt.date | None, str, str]] = []
        if not pool:
            return out
        busy: dict[int, list[tuple[int, int]]] = {}
        for unit in self.units:
            supervisor = rng.choice(_SUPERVISORS)
            for _slot in range(unit.capacity if unit.capacity is not None else 5):
                day = self.window_start + _days(rng, 0, 240)
                while day < self.yesterday:
                    if rng.random() < 0.15:
                        day += _days(rng, 30, 150)
                        continue
                    want = day + _days(rng, 180, 720)
                    found = None
                    for _try in range(40):
                        p = rng.choice(pool)
                        end = self._attach_end(p, unit, day, want, busy.get(p.idx, []))
                        if end is not None:
                            found = (p, end)
                            break
                    if found is None:
                        day += _days(rng, 30, 90)
                        continue
                    p, end = found
                    busy.setdefault(p.idx, []).append((day.toordinal(), end.toordinal()))
                    if end >= self.yesterday and p.left is None:
                        out.append((p, unit.id, day, None, "active", supervisor))
                        p.attachments.append((unit.id, day.toordinal(), self.today.toordinal()))
                    else:
                        out.append((p, unit.id, day, end, "ended", supervisor))
                        p.attachments.append((unit.id, day.toordinal(), end.toordinal()))
                    day = end + _days(rng, 14, 90)
            # Requests waiting for a decision: they start soon and do not use capacity yet.
            for _ in range(rng.randint(0, 2)):
                start = self.today + _days(rng, 7, 60)
                for _try in range(40):
                    p = rng.choice(pool)
                    if p.status != "active":
                        continue
                    want = start + dt.timedelta(days=365)
                    if self._attach_end(p, unit, start, want, busy.get(p.idx, [])) is not None:
                        busy.setdefault(p.idx, []).append((start.toordinal(), start.toordinal() + 365))
                        out.append((p, unit.id, start, None, "requested", supervisor))
                        break
        return out

    def _attach_end(
        self, p: _Person, unit: _Unit, start: dt.date, want_end: dt.date, busy: list[tuple[int, int]]
    ) -> dt.date | None:
        """The end of an attachment of ``p`` to ``unit`` from ``start`` (shortened by leaving, leave of
        absence or inactivity), or None if the unit's requirements or the officer's diary rule it out."""
        if p.ip is None or p.joined is None or p.ip > start:
            return None
        if unit.min_months_since_ip and add_months(p.ip, unit.min_months_since_ip) > start:
            return None
        if unit.min_driving_level and p.driving_level < unit.min_driving_level:
            return None
        if p.left is not None and p.left <= start + dt.timedelta(days=60):
            return None
        s = start.toordinal()
        if any(a <= s < b for a, b in p.off) or (p.inactive_from is not None and p.inactive_from <= s + 60):
            return None
        if any(not self.qual_valid(p, q, start) for q in unit.required):
            return None
        end = want_end.toordinal()
        if p.left is not None:
            end = min(end, p.left.toordinal() - 1)
        for a, _b in p.off:
            if a > s:
                end = min(end, a - 1)
        if p.inactive_from is not None:
            end = min(end, p.inactive_from - 1)
        if any(a <= end and s <= b for a, b in busy):  # one attachment at a time
            return None
        if end - s < 60:
            return None
        return dt.date.fromordinal(end)


# ---------------------------------------------------------------------------------------------
# Duties
# ---------------------------------------------------------------------------------------------


class _Duties:
    def __init__(self, force: _Force, stamp: dt.datetime):
        self.force = force
        self.rng = force.rng
        self.stamp = stamp
        self.lo = force.window_start.toordinal()
        self.hi = force.yesterday.toordinal()
        self.dates = [dt.date.fromordinal(o) for o in range(self.lo, self.hi + 2)]
        self.times = [dt.time(q // 4, (q % 4) * 15) for q in range(96)]
        self.months: list[tuple[int, int, int]] = []
        first = force.window_start
        while first <= force.yesterday:
            nxt = add_months(first, 1)
            self.months.append((first.toordinal(), nxt.toordinal() - 1, (nxt - first).days))
            first = nxt
        self.types = {kind: (list(w), _cumulative(list(w.values()))) for kind, w in _TYPE_WEIGHTS.items()}

    def for_person(self, p: _Person, officer_id: int) -> list[dict[str, Any]]:
        if p.joined is None:
            return []
        rng = self.rng
        lo = max(self.lo, p.joined.toordinal())
        hi = self.hi
        if p.left is not None:
            hi = min(hi, p.left.toordinal() - 1)
        if p.inactive_from is not None:
            hi = min(hi, p.inactive_from - 1)
        if lo > hi:
            return []
        attested = p.attested.toordinal() if p.attested else None
        team = p.team or ""
        kind = "response" if team.startswith("Response") else "npt" if team.endswith("NPT") else "other"
        type_names, type_cum = self.types[kind]
        rows: list[dict[str, Any]] = []
        for m_lo, m_hi, m_days in self.months:
            a, b = max(lo, m_lo), min(hi, m_hi)
            if a > b:
                continue
            if p.off:
                days = [d for d in range(a, b + 1) if not any(s <= d < e for s, e in p.off)]
            else:
                days = list(range(a, b + 1))
            if not days or rng.random() < p.zero_p:
                continue
            training_only = attested is None or days[-1] < attested
            target = p.level * rng.lognormvariate(0, 0.35) * len(days) / m_days
            if training_only:
                target *= 0.6
            total = 0.0
            count = 0
            while total < target and count < 30:
                day = rng.choice(days)
                if training_only or (attested is not None and day < attested):
                    duty_type = "training"
                else:
                    duty_type = rng.choices(type_names, cum_weights=type_cum)[0]
                unit_id = None
                if p.attachments and duty_type != "training" and rng.random() < 0.5:
                    for unit, s, e in p.attachments:
                        if s <= day <= e:
                            duty_type, unit_id = "specialist attachment", unit
                            break
                starts, q_lo, q_hi = _DUTY_SHAPE[duty_type]
                quarters = rng.randint(q_lo, q_hi)
                if rng.random() < 0.03:  # hours only, no times (a quick entry after the event)
                    start_time = end_time = None
                else:
                    start_q = rng.choice(starts) * 4 + (2 if rng.random() < 0.2 else 0)
                    if duty_type in _DAYTIME and start_q + quarters > 88:
                        quarters = max(4, 88 - start_q)  # evening training and admin end by 22:00
                    start_time = self.times[start_q]
                    end_time = self.times[(start_q + quarters) % 96]
                hours = quarters / 4
                rows.append(
                    {
                        "officer_id": officer_id,
                        "date": self.dates[day - self.lo],
                        "start_time": start_time,
                        "end_time": end_time,
                        "hours": hours,
                        "duty_type": duty_type,
                        "unit_id": unit_id,
                        "is_monthly_total": False,
                        "source": "demo",
                        "import_batch_id": None,
                        "note": None,
                        "created_at": self.stamp,
                        "version": 1,
                    }
                )
                total += hours
                count += 1
        return rows


def _cumulative(weights: Sequence[int]) -> list[int]:
    out: list[int] = []
    running = 0
    for w in weights:
        running += w
        out.append(running)
    return out


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def _reference(db: Database) -> tuple[list[_Stage], list[_QualType], list[_Unit], list[str], int]:
    with db.read() as s:
        existing = int(s.scalar(select(func.count(Officer.id))) or 0)
        key = s.scalar(select(Setting.value).where(Setting.key == "pathway"))
        pathway = s.scalar(select(Pathway).where(Pathway.key == key)) if key else None
        if pathway is None:
            pathway = s.scalar(select(Pathway).order_by(Pathway.id).limit(1))
        raw = (
            list(s.scalars(select(PathwayStage).where(PathwayStage.pathway_id == pathway.id)))
            if pathway is not None
            else []
        )
        raw.sort(key=lambda st: (st.position, st.id))
        stages = [
            _Stage(
                st.id,
                st.code,
                st.position,
                [str(c) for c in (st.prerequisites or [])],
                st.target_days,
                st.is_independent_patrol,
                st.is_attestation,
            )
            for st in raw
        ]
        qtypes = [
            _QualType(q.id, q.name, q.validity_months, q.category, q.driving_level)
            for q in s.scalars(
                select(QualificationType).where(QualificationType.active).order_by(QualificationType.id)
            )
        ]
        reqs: dict[int, list[int]] = {}
        for unit_id, type_id in s.execute(
            select(UnitRequirement.unit_id, UnitRequirement.qualification_type_id).order_by(
                UnitRequirement.id
            )
        ):
            reqs.setdefault(unit_id, []).append(type_id)
        units = [
            _Unit(
                u.id,
                u.capacity,
                u.requires_independent_patrol,
                u.min_months_since_ip,
                u.min_driving_level,
                reqs.get(u.id, []),
            )
            for u in s.scalars(select(Unit).where(Unit.active).order_by(Unit.id))
        ]
        ranks = list(s.scalars(select(RankDef.code).order_by(RankDef.position, RankDef.code)))
    return _ordered(stages), qtypes, units, ranks or ["SC"], existing


def _ordered(stages: list[_Stage]) -> list[_Stage]:
    """Stages in position order, moved where needed so every prerequisite comes first."""
    done: list[_Stage] = []
    codes: set[str] = set()
    pending = list(stages)
    while pending:
        for st in pending:
            if all(c in codes or c not in {x.code for x in stages} for c in st.prerequisites):
                break
        else:
            st = pending[0]  # a cycle in the force's own pathway: keep position order
        pending.remove(st)
        done.append(st)
        codes.add(st.code)
    return done


def generate(
    db: Database,
    *,
    officers: int = 400,
    years: int = 3,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill an empty database with a demo force; returns how many rows of each kind it wrote.

    Refuses (CipDeskError) if the database already has officers: demo records must never mix with a
    real force's. ``progress(done, total, text)`` may raise Cancelled; then nothing is written.
    """
    if not 1 <= officers <= MAX_OFFICERS:
        raise CipDeskError(f"The number of officers must be between 1 and {MAX_OFFICERS:,} (got {officers}).")
    if not 1 <= years <= MAX_YEARS:
        raise CipDeskError(f"The number of years must be between 1 and {MAX_YEARS} (got {years}).")
    today = today or dt.date.today()
    # The start of the day (stored as UTC): never a time later than now on the day it is built.
    stamp = dt.datetime.combine(today, dt.time(0, 0))
    stages, qtypes, units, ranks, existing = _reference(db)
    if existing:
        raise CipDeskError(
            f"This database already holds {existing:,} officers. Demo data goes only into an empty "
            "database, so nothing was changed."
        )
    rng = random.Random(seed)
    force = _Force(rng, today, years, stages, qtypes, units, ranks)
    total = 2 * officers + 2
    report(progress, 0, total, "Creating officers…")
    for i in range(officers):
        force.people.append(force.person(i))
        if i % 200 == 199:
            report(progress, i + 1, total, "Creating officers…")
    force.promote()
    force.collars()
    attachments = force.attachments()
    user = audit.current_user()
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        report(progress, officers, total, "Writing officers…")
        officer_rows = [_officer_row(p, force, rng, stamp, user) for p in force.people]
        conn.execute(insert(Officer), officer_rows)
        ids = {collar: ident for collar, ident in conn.execute(select(Officer.collar, Officer.id))}
        oid = {p.idx: int(ids[p.collar]) for p in force.people}
        counts["officers"] = len(officer_rows)
        counts["rank_changes"] = _bulk(
            conn,
            RankChange,
            [
                {
                    "officer_id": oid[p.idx],
                    "rank": rank,
                    "effective": when,
                    "acting": acting,
                    "note": note,
                    "created_at": stamp,
                }
                for p in force.people
                for rank, when, acting, note in p.rank_history
            ],
        )
        counts["status_changes"] = _bulk(
            conn,
            StatusChange,
            [
                {
                    "officer_id": oid[p.idx],
                    "status": status,
                    "effective": when,
                    "reason": reason,
                    "note": note,
                    "created_at": stamp,
                }
                for p in force.people
                for status, when, reason, note in p.status_history
            ],
        )
        counts["stages_achieved"] = _bulk(
            conn,
            StageAchieved,
            [
                {
                    "officer_id": oid[p.idx],
                    "stage_id": stage_id,
                    "achieved_on": when,
                    "assessor": assessor,
                    "note": None,
                    "created_at": stamp,
                }
                for p in force.people
                for stage_id, when, assessor in p.stages
            ],
        )
        counts["qualifications"] = _bulk(
            conn,
            OfficerQualification,
            [
                {
                    "officer_id": oid[p.idx],
                    "type_id": type_id,
                    "achieved_on": achieved,
                    "expires_on": expires,
                    "note": None,
                    "created_at": stamp,
                }
                for p in force.people
                for type_id, achieved, expires in p.quals
            ],
        )
        counts["attachments"] = _bulk(
            conn,
            Attachment,
            [
                {
                    "officer_id": oid[p.idx],
                    "unit_id": unit_id,
                    "start_date": start,
                    "end_date": end,
                    "supervisor": supervisor,
                    "state": state,
                    "override_reason": None,
                    "overridden_by": None,
                    "note": None,
                    "created_at": stamp,
                    "version": 1,
                }
                for p, unit_id, start, end, state, supervisor in attachments
            ],
        )
        duties = _Duties(force, stamp)
        buffer: list[dict[str, Any]] = []
        n_duties = 0
        for i, p in enumerate(force.people):
            buffer.extend(duties.for_person(p, oid[p.idx]))
            if len(buffer) >= _CHUNK:
                conn.execute(insert(Duty), buffer)
                n_duties += len(buffer)
                buffer = []
            if i % 50 == 49:
                report(progress, officers + i + 1, total, f"Writing duties… {n_duties + len(buffer):,}")
        if buffer:
            conn.execute(insert(Duty), buffer)
            n_duties += len(buffer)
        counts["duties"] = n_duties
        reason = (
            f"demo data: {officers} officers, {years} years of duties to {today.isoformat()}, seed {seed}"
        )
        events = [
            audit.event_row(table, None, "demo", new=f"{counts[key]} rows", reason=reason, at=stamp)
            for key, table in (
                ("officers", "officers"),
                ("rank_changes", "rank_changes"),
                ("status_changes", "status_changes"),
                ("stages_achieved", "stages_achieved"),
                ("qualifications", "officer_qualifications"),
                ("attachments", "attachments"),
                ("duties", "duties"),
            )
        ]
        conn.execute(insert(AuditEvent), events)
        counts["audit_events"] = len(events)
        report(progress, total, total, "Finishing…")
    return counts


def _bulk(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> int:
    if rows:
        conn.execute(insert(model), rows)
    return len(rows)


def _officer_row(
    p: _Person, force: _Force, rng: random.Random, stamp: dt.datetime, user: str
) -> dict[str, Any]:
    first = p.forenames.split()[0]
    email = phone = address = employer = None
    esp = False
    if rng.random() < 0.95:
        phone = f"07700 900{rng.randint(0, 999):03d}"
    if rng.random() < 0.93:
        local = f"{_ascii(first)}.{_ascii(p.surname)}"
        email = f"{local}{rng.randint(1, 99) if rng.random() < 0.4 else ''}@{rng.choice(_DOMAINS)}"
    if rng.random() < 0.85:
        town, district = rng.choice(_TOWNS)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        address = f"{rng.randint(1, 120)} {rng.choice(_STREETS)}, {town} {postcode}"
    if rng.random() < 0.7:
        employer, takes_part = rng.choice(_EMPLOYERS)
        esp = takes_part and rng.random() < 0.35
    grades = ("none", "basic", "response", "advanced", "pursuit")
    return {
        "collar": p.collar,
        "surname": p.surname,
        "forenames": p.forenames,
        "preferred_name": p.preferred_name,
        "rank": p.rank,
        "status": p.status,
        "team": p.team,
        "station": p.station,
        "joined": p.joined,
        "attested": p.attested,
        "independent_patrol": p.ip,
        "left_date": p.left,
        "leaving_reason": p.leaving_reason,
        "date_of_birth": p.date_of_birth,
        "phone": phone,
        "email": email,
        "address": address,
        "employer": employer,
        "esp": esp,
        "driving": grades[min(p.driving_level, 4)] if p.joined else None,
        "notes": rng.choice(_OFFICER_NOTES) if rng.random() < 0.08 else None,
        "anonymised": False,
        "created_batch_id": None,
        "created_at": stamp,
        "updated_at": stamp,
        "updated_by": user,
        "version": 1,
    }


_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
assert set(_DUTY_SHAPE) == set(DUTY_TYPES)

"""First-run reference data from ``resources/``: ranks, pathways, qualification types, units, settings."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from desktop.core.domain import DEFAULT_SETTINGS
from desktop.core.models import (
    Pathway,
    PathwayStage,
    QualificationType,
    RankDef,
    Setting,
    Unit,
    UnitRequirement,
)
from desktop.core.paths import resources_dir


def load_resource(name: str) -> Any:
    return json.loads((resources_dir() / name).read_text(encoding="utf-8"))


def ensure_seeded(db: Any) -> None:
    """Fill empty reference tables from resources/ (idempotent, audited as any change)."""
    with db.session(reason="first start: default reference data") as s:
        if s.scalar(select(RankDef).limit(1)) is None:
            for pos, rank in enumerate(load_resource("ranks.json")):
                s.add(RankDef(code=rank["code"], name=rank["name"], position=pos))
        if s.scalar(select(Pathway).limit(1)) is None:
            for pw in load_resource("pathways.json"):
                pathway = Pathway(key=pw["key"], name=pw["name"])
                for pos, st in enumerate(pw["stages"]):
                    pathway.stages.append(
                        PathwayStage(
                            code=st["code"],
                            name=st["name"],
                            position=pos,
                            prerequisites=list(st.get("prerequisites", [])),
                            is_independent_patrol=bool(st.get("independent_patrol")),
                            is_attestation=bool(st.get("attestation")),
                            target_days=st.get("target_days"),
                        )
                    )
                s.add(pathway)
        if s.scalar(select(QualificationType).limit(1)) is None:
            for q in load_resource("qualifications.json"):
                s.add(
                    QualificationType(
                        name=q["name"],
                        validity_months=q.get("validity_months"),
                        category=q.get("category"),
                        driving_level=q.get("driving_level"),
                    )
                )
            s.flush()
        if s.scalar(select(Unit).limit(1)) is None:
            qtypes = {q.name: q.id for q in s.scalars(select(QualificationType))}
            for u in load_resource("units.json"):
                unit = Unit(
                    name=u["name"],
                    code=u.get("code"),
                    capacity=u.get("capacity"),
                    requires_independent_patrol=u.get("requires_independent_patrol", True),
                    min_months_since_ip=u.get("min_months_since_ip"),
                    min_driving_level=u.get("min_driving_level"),
                )
                for qname in u.get("qualifications", []):
                    unit.required_qualifications.append(UnitRequirement(qualification_type_id=qtypes[qname]))
                s.add(unit)
        have = set(s.scalars(select(Setting.key)))
        for key, value in DEFAULT_SETTINGS.items():
            if key not in have:
                s.add(Setting(key=key, value=value))

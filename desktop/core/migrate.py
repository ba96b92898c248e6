"""Alembic, run from code: where the schema stands, and upgrading it to this version's head."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from desktop.core.errors import DatabaseOpenError, NewerDatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    head = ScriptDirectory.from_config(config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(config()).walk_revisions()}


@dataclass
class SchemaState:
    current: str | None
    head: str

    @property
    def needs_upgrade(self) -> bool:
        return self.current != self.head


def state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if current is None and tables - {"alembic_version"}:
        raise DatabaseOpenError(
            "This database was not made by CiP Desk (it has tables but no CiP Desk version). "
            "Choose another file."
        )
    if current is not None and current not in known_revisions():
        raise NewerDatabaseError(
            "This database was made by a newer version of CiP Desk "
            f"(schema {current}). Install the newer version to open it; nothing was changed."
        )
    return SchemaState(current, head())


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

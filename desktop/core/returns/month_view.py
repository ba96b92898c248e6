"""The return of a month as the Returns tab and ``cipdesk return`` show it: for a signed-off month the
figures stored at sign-off (as printed) and how today's data differs from them; for any other month
today's figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.db import Database
from desktop.core.returns.comparison import Difference, drift_between
from desktop.core.returns.figures import Json, ReturnFigures, SignedOff
from desktop.core.returns.sections import compute
from desktop.core.returns.signoff import locked


@dataclass(frozen=True)
class ReturnView:
    figures: ReturnFigures  # stored for a signed-off month, else today's
    drift: list[Difference] = field(default_factory=list)  # today's data against the stored figures

    @property
    def signed_off(self) -> SignedOff | None:
        return self.figures.signed_off

    def to_json(self) -> Json:
        """What ``cipdesk return --json`` prints: the figures and ``signed_off`` (null if not)."""
        return self.figures.to_json(signed_off=True)


def view(db: Database, month: str) -> ReturnView:
    """The figures to show for ``month`` (``YYYY-MM``) and, when it is signed off, the drift."""
    now = compute(db, month)
    stored = locked(db, month)
    if stored is None:
        return ReturnView(now)
    return ReturnView(stored, drift_between(stored, now))

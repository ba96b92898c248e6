"""Progress reporting for long services, free of Qt.

A long service takes ``progress: Progress | None`` and calls ``progress(done, total, text)`` now and
then. The window passes a callback that updates a progress bar and raises
:class:`desktop.core.errors.Cancelled` when the user pressed Cancel, so the service unwinds (and its
transaction rolls back) at the next report.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def report(progress: Progress | None, done: int, total: int, text: str = "") -> None:
    if progress is not None:
        progress(done, total, text)

"""Slow work off the UI thread, with a progress dialog and Cancel; results come back by signal.

    run_task(parent, "Importing roster", fn, on_done=show_summary)

``fn(progress)`` runs in a worker thread; it must not touch widgets. It receives a ``progress``
callable (done, total, text) that raises Cancelled once the user presses Cancel, so services that
report progress stop at the next report and roll back.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.core.errors import Cancelled, plain_message
from desktop.ui import dialogs


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class Task(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int, str], None]], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.cancel_event = threading.Event()
        self.setAutoDelete(False)

    def report(self, done: int, total: int, text: str = "") -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        self.signals.progress.emit(int(done), int(total), text)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.report)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


_running: set[Task] = set()


def run_task(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Callable[[int, int, str], None]], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    show_dialog: bool = True,
) -> Task:
    """Start ``fn`` on the thread pool; a modal progress dialog with Cancel follows it."""
    task = Task(fn)
    dialog: QProgressDialog | None = None
    if show_dialog:
        dialog = QProgressDialog(title + "…", "Cancel", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel_event.set)

        def on_progress(done: int, total: int, text: str) -> None:
            if dialog is None:
                return
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        task.signals.progress.connect(on_progress)

    def close() -> bool:
        """Close the progress dialog; False when the window that asked has gone in the meantime."""
        _running.discard(task)
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.canceled.disconnect()
            dialog.close()
            dialog.deleteLater()
        return parent is None or shiboken6.isValid(parent)

    def finished(result: Any) -> None:
        if close() and on_done is not None:
            on_done(result)

    def failed(exc: BaseException, tb: str) -> None:
        if not close():
            import logging

            logging.getLogger(__name__).warning(
                "%s ended after its window closed: %s", title, type(exc).__name__
            )
            return
        if isinstance(exc, Cancelled):
            if on_cancel is not None:
                on_cancel()
            return
        if on_error is not None:
            on_error(exc)
            return
        message = plain_message(exc)
        if message is not None:
            dialogs.error(parent, title, message)
        else:
            import logging

            from desktop.core.logs import redacted_traceback

            logging.getLogger(__name__).error("%s failed:\n%s", title, redacted_traceback(exc))
            dialogs.error(parent, title, f"{title} failed unexpectedly: {exc}", details=tb)

    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    _running.add(task)
    QThreadPool.globalInstance().start(task)
    return task


def busy() -> bool:
    """True while any task runs (the window leaves the database alone until it is done)."""
    return bool(_running) or QThreadPool.globalInstance().activeThreadCount() > 0


def cancel_all() -> None:
    """Ask every running task to stop at its next progress report (it rolls back)."""
    for task in list(_running):
        task.cancel_event.set()


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    """For tests and shutdown: wait until no task runs."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)

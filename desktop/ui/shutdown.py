"""The window's life with its database: the WAL copied into the main file as work settles, and a
logout, shutdown or Ctrl+C closing the window as File > Quit does.

- After an import, an undo or a restore, and once the window has been idle for a while after any
  change, the database is checkpointed (``Database.checkpoint``): the ``.sqlite`` file alone then holds
  everything, so a copy of just that file is complete.
- SIGTERM (a Linux logout or shutdown), SIGHUP (its terminal closed) and SIGINT (Ctrl+C), and on
  Windows the session manager's end-of-session request, close the window at once: running work is
  cancelled (and rolled back), open dialogs are dismissed, the application leaves its event loop and
  ``run_gui`` closes the database (checkpoint, connections closed) and releases the single-writer
  lock. If anything hangs, a watchdog ends the process a few seconds later after the same clean-up;
  every saved change is already on disk (``synchronous=FULL``), so nothing saved is lost either way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

log = logging.getLogger(__name__)

IDLE_CHECKPOINT_MS = 15_000  # after the last change, once the window has been quiet this long
SETTLED_CHECKPOINT = ("imports", "all")  # an import, an undo of one, or a restore: checkpoint at once
RETRY_MS = 500  # while a task runs
WATCHDOG_SECONDS = 5.0
SIGNALS = tuple(
    sig for sig in (getattr(signal, n, None) for n in ("SIGTERM", "SIGHUP", "SIGINT")) if sig is not None
)


class Upkeep(QObject):
    """Checkpoints the window's database when work settles (see the module text)."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.db = window.ctx.db
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(IDLE_CHECKPOINT_MS)
        self.timer.timeout.connect(self.checkpoint_when_idle)
        window.ctx.changed.connect(self._changed)

    def _changed(self, what: str) -> None:
        if what in SETTLED_CHECKPOINT:
            QTimer.singleShot(0, self, self.checkpoint_now)
        self.timer.start()

    def checkpoint_now(self) -> bool:
        from desktop.ui.tasks import busy

        if busy():  # a task is still reading or writing: try again as soon as it is done
            QTimer.singleShot(RETRY_MS, self, self.checkpoint_now)
            return False
        return bool(self.db.checkpoint())

    def checkpoint_when_idle(self) -> None:
        from desktop.ui.tasks import busy

        if busy():
            self.timer.start()
            return
        # Never hold the window up for long: a command-line reader may keep the WAL busy for a moment.
        if not self.db.checkpoint(wait_ms=200):
            self.timer.start()


class _Shutdown(QObject):
    def __init__(self, app: QApplication, window: QWidget):
        super().__init__(app)
        self.app = app
        self.window = window
        self.started = False
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self.notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._drain)

    def _drain(self, *_args: object) -> None:
        # Python runs the signal handler itself as soon as this slot runs Python code.
        with contextlib.suppress(OSError):
            self._reader.recv(256)

    def on_signal(self, signum: int, _frame: object) -> None:
        log.info("signal %s: closing the window", signum)
        self.now(f"signal {signum}")

    def now(self, why: str) -> None:
        """Close everything as File > Quit does, without waiting on any dialog."""
        if self.started:
            return
        self.started = True
        log.info("shutting down (%s)", why)
        from desktop.ui import tasks

        tasks.cancel_all()
        watchdog = threading.Timer(WATCHDOG_SECONDS, self._hard_stop)
        watchdog.daemon = True
        watchdog.start()
        self.window.setProperty("closing_for_shutdown", True)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        tasks.wait_for_all(3_000)
        self.window.close()
        self.app.exit(0)  # leaves every event loop, nested dialogs' included

    def _hard_stop(self) -> None:
        """The event loop did not end in time: the same clean-up from this thread, then exit."""
        log.warning("the window did not close in %.0f s; ending the process", WATCHDOG_SECONDS)
        opened = getattr(self.window, "opened", None)
        db = getattr(opened, "db", None)
        path = getattr(db, "sqlite_path", None)
        if path is not None and not getattr(db, "read_only", False):
            with contextlib.suppress(Exception):
                from desktop.core.db import checkpoint_file

                checkpoint_file(path)
        lock = getattr(opened, "lock", None)
        if lock is not None:
            with contextlib.suppress(Exception):
                lock.release()
        logging.shutdown()
        os._exit(0)

    def uninstall(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
        for sock in (self._reader, self._writer):
            with contextlib.suppress(OSError):
                sock.close()


def install(app: QApplication, window: QWidget) -> _Shutdown:
    """Checkpoint as work settles, and close cleanly on logout, shutdown and Ctrl+C."""
    window.upkeep = Upkeep(window)  # type: ignore[attr-defined]
    handler = _Shutdown(app, window)
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(handler._writer.fileno(), warn_on_full_buffer=False)
        for sig in SIGNALS:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, handler.on_signal)
    # Windows (and X11 session managers): the session is ending.
    with contextlib.suppress(AttributeError, RuntimeError):
        app.commitDataRequest.connect(lambda _manager: handler.now("the session is ending"))
    app.aboutToQuit.connect(handler.uninstall)
    window.shutdown = handler  # type: ignore[attr-defined]
    return handler

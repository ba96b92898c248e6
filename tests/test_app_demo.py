"""`make demo`: the demo force is built behind a progress dialog that can be cancelled, and its folder goes with the window."""

from __future__ import annotations

from desktop import app as app_module
from desktop.core import demo, roster


def test_demo_force_is_built_behind_a_progress_dialog(db, qapp, monkeypatch):
    labels = []
    monkeypatch.setattr(demo, "generate", _small(demo.generate))
    from PySide6.QtWidgets import QProgressDialog

    monkeypatch.setattr(QProgressDialog, "setLabelText", lambda self, text: labels.append(text))
    assert app_module._build_demo(qapp, db, demo) is True
    assert len(roster.list_officers(db)) == 30
    assert labels and "officers" in labels[0].lower()


def test_cancelling_the_demo_opens_no_window(db, qapp, monkeypatch):
    from PySide6.QtWidgets import QProgressDialog

    monkeypatch.setattr(demo, "generate", _small(demo.generate))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    assert app_module._build_demo(qapp, db, demo) is False
    assert roster.list_officers(db) == []  # one transaction: nothing half-written


def _small(generate):
    def run(db, **kwargs):
        kwargs.update(officers=30, years=1)
        return generate(db, **kwargs)

    return run


def test_the_demo_folder_goes_when_the_demo_window_closes(qapp, monkeypatch, tmp_path):
    import signal
    import sys
    import tempfile

    from PySide6.QtCore import QTimer

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(demo, "generate", _small(demo.generate))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    left_behind = tmp_path / (app_module.DEMO_PREFIX + "old")
    left_behind.mkdir()
    import os

    os.utime(left_behind, (0, 0))  # a demo a killed window left days ago
    seen: list[bool] = []

    def close_soon() -> None:
        folders = list(tmp_path.glob(app_module.DEMO_PREFIX + "*"))
        seen.append(len(folders) == 1 and (folders[0] / "demo.sqlite").exists())
        qapp.quit()

    QTimer.singleShot(300, close_soon)
    try:
        assert app_module.run_gui(None, demo=True) == 0
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert seen == [True]  # the window ran on its demo database, the old folder already gone
    assert list(tmp_path.glob(app_module.DEMO_PREFIX + "*")) == []

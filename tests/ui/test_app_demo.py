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


def test_the_demo_folder_goes_when_the_demo_window_closes(tmp_path):
    import os
    import subprocess
    import sys

    left_behind = tmp_path / (app_module.DEMO_PREFIX + "old")
    left_behind.mkdir()
    os.utime(left_behind, (0, 0))  # a demo a killed window left days ago
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "CIPDESK_QUIT_AFTER_FIRST_PAINT": "1",  # the window closes as soon as it has been shown
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    ran = subprocess.run(
        [sys.executable, "-m", "desktop", "--demo"], capture_output=True, text=True, env=env, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert list(tmp_path.glob(app_module.DEMO_PREFIX + "*")) == []

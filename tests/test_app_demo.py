"""`make demo`: the demo force is built behind a progress dialog that can be cancelled."""

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

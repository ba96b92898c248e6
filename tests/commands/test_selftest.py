"""``cipdesk --self-test`` in-process (the built program's self-test runs in CI through make package)."""

from __future__ import annotations

import pytest

from desktop import selftest


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


def test_self_test_passes(qapp, capsys):
    assert selftest.run_self_test() == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("CiP Desk ") and "self-test passed" in out[0]
    assert "import of 4 officers" in out[0] and "51.5 hours" in out[0] and "PDF of" in out[0]


def test_self_test_names_the_failing_step(qapp, capsys, monkeypatch):
    from desktop.core import returns

    def broken(db, month):
        raise RuntimeError("no figures")

    monkeypatch.setattr(returns, "compute", broken)
    assert selftest.run_self_test() == 1
    err = capsys.readouterr().err
    assert "self-test FAILED while computing the monthly return: no figures" in err

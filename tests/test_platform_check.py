"""`make run` first checks that Qt's X11 plugin has its system libraries, and says how to install them."""

from __future__ import annotations

import subprocess

from desktop import platform_check


def test_missing_libraries_are_named_with_one_apt_get_line(monkeypatch, tmp_path, capsys):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")
    monkeypatch.setattr(platform_check, "_qt_files", lambda: [plugin])
    monkeypatch.setattr(platform_check.shutil, "which", lambda _name: "/usr/bin/ldd")
    ldd_output = (
        "\tlibxcb-icccm.so.4 => not found\n\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n"
    )
    monkeypatch.setattr(
        platform_check.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=ldd_output, stderr=""),
    )

    def cdll(name):
        raise OSError(name)

    monkeypatch.setattr(platform_check.ctypes, "CDLL", cdll)
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert platform_check.main() == 1
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in err
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in err
    assert "libc" not in err


def test_nothing_is_said_when_all_is_there_or_no_screen_is_wanted(monkeypatch, capsys):
    monkeypatch.setattr(platform_check, "missing_libraries", lambda: [])
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert platform_check.main() == 0
    monkeypatch.setattr(platform_check, "missing_libraries", lambda: ["libxcb-icccm.so.4"])
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.main() == 0
    monkeypatch.setattr(platform_check.sys, "platform", "win32")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert platform_check.main() == 0
    assert capsys.readouterr().err == ""

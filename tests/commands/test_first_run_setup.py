"""Setting up: `make run` first checks Qt's X11 libraries and says how to install them; the app has its icon."""

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


def test_the_window_and_the_program_carry_the_cipdesk_icon(qapp):
    from desktop.app import app_icon
    from desktop.core.paths import resources_dir

    icon = app_icon(resources_dir() / "icons")
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    assert (resources_dir() / "icons" / "cipdesk.ico").exists()  # the Windows build's icon
    assert (resources_dir() / "icons" / "cipdesk.svg").exists()  # the drawing they come from

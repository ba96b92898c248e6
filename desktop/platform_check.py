"""Before the window opens on a Linux desktop: are the system libraries Qt's X11 plugin needs there?

A fresh Debian or Ubuntu desktop often lacks a few (``libxcb-cursor0``, ``libxcb-icccm4``,
``libxcb-keysyms1`` ...), and Qt then aborts with a long message about the "xcb" plugin. ``make run``
and ``make demo`` run this first (``python -m desktop.platform_check``): it names what is missing and
prints the one ``apt-get install`` line that fixes it, exit status 1; 0 when all is well (or when
nothing can be checked: another system, or no screen wanted).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Library file -> the Debian/Ubuntu package that has it.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
# Loaded by the plugin at run time (not a link-time dependency, so ldd does not list it).
DLOPENED = ("libxcb-cursor.so.0",)


def _qt_files() -> list[Path]:
    try:
        import PySide6
    except ImportError:
        return []
    qt = Path(PySide6.__file__).resolve().parent / "Qt"
    return [
        p
        for p in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6")
        if p.exists()
    ]


def missing_libraries() -> list[str]:
    """The library files Qt's X11 plugin needs that this system lacks (sorted)."""
    missing: set[str] = set()
    ldd = shutil.which("ldd")
    for path in _qt_files():
        if ldd is None:
            break
        try:
            out = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines():
            if "not found" in line:
                missing.add(line.split("=>")[0].strip())
    for name in DLOPENED:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.add(name)
    return sorted(missing)


def advice(missing: list[str]) -> str:
    packages = sorted({PACKAGES.get(name, name) for name in missing})
    return (
        "CiP Desk's window needs system libraries that are not installed: "
        + ", ".join(missing)
        + ".\nInstall them with:\n\n    sudo apt-get install "
        + " ".join(packages)
        + "\n\n(or ask your IT support), then run the command again."
    )


def main() -> int:
    if not sys.platform.startswith("linux"):
        return 0
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc", "wayland"):
        return 0
    missing = missing_libraries()
    if not missing:
        return 0
    print(advice(missing), file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

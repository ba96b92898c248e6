"""Checking a file CiP Desk is asked to write, before any work is done.

A command that writes a file (``import --rejects``, ``export roster``, ``return --pdf/--xlsx``,
``backup``) calls :func:`check_output_path` first, so a missing folder, a path under a regular file or
a folder that cannot be written to is one plain sentence and nothing is imported or written, rather
than an error after the work (and after an import was saved).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from desktop.core.errors import CipDeskError


class OutputPathError(CipDeskError):
    """The file cannot be written where asked; the message names the path and says why."""


def _probe(folder: Path) -> bool:
    """Whether a new file can be made in ``folder`` (made and removed at once: the one reliable test
    for Windows and for folders whose permissions ``os.access`` misreads)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".cipdesk-check-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    try:
        os.unlink(name)
    except OSError:
        pass
    return True


def check_output_path(
    path: str | os.PathLike[str],
    *,
    example_name: str = "out.xlsx",
    not_same_as: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """``path`` as a Path when a file can be written there; else OutputPathError with one sentence.

    Refused: a folder given instead of a file name; a folder on the way that does not exist, or is a
    regular file; a folder that cannot be written to; an existing file that is read-only; the same
    file as one of ``not_same_as`` (e.g. the file being imported). Nothing is created.
    """
    out = Path(path).expanduser()
    if str(path).strip() == "":
        raise OutputPathError("No file name was given for the output.")
    if out.is_dir():
        raise OutputPathError(f"{out} is a folder; give a file name, e.g. {out / example_name}.")
    for other in not_same_as:
        try:
            same = out.exists() and Path(other).exists() and out.resolve() == Path(other).resolve()
        except OSError:
            same = False
        if same:
            raise OutputPathError(f"{out} is the file being read; choose another file name.")
    folder = out.parent if str(out.parent) else Path(".")
    # The nearest part of the path that exists says why a folder cannot be made or used.
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise OutputPathError(f"Cannot write {out}: {existing} is a file, not a folder.")
    if existing != folder or not folder.is_dir():
        raise OutputPathError(f"Cannot write {out}: the folder {folder} does not exist.")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputPathError(f"Cannot write {out}: the file is read-only.")
    if not _probe(folder):
        raise OutputPathError(f"Cannot write {out}: CiP Desk may not write to the folder {folder}.")
    return out

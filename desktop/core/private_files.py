"""Files CiP Desk writes for the user (exports, returns, rejected rows, subject access) hold names,
phone numbers and e-mail addresses: each is written readable by its user only (0600 on Linux and
macOS), into a temporary file beside the target that is renamed over it once complete, so a failure
half way leaves the file that was there before (or none) and no half-written copy."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def private_output(path: str | Path) -> Iterator[Path]:
    """A private temporary path to write to; on success it becomes ``path`` in one rename."""
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

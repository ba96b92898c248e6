"""Any roster file in, sheets of rows of cell values out.

.xlsx, .xlsm, .xls and .ods are read with python-calamine (hidden rows and columns like any other;
formulas give their cached value); .csv/.txt with :mod:`csv` (UTF-8 with or without BOM, else
Windows-1252; comma, semicolon or tab detected). The format is told from the file's first bytes,
not its name, so a workbook renamed to the wrong extension still reads.

The reading itself happens in a child process (:mod:`desktop.excel.read_worker`), one per open
workbook, with its bounds checked before reading, a memory limit and a timeout: no file, however
damaged or hostile, can crash, hang or exhaust the window or the command. Rows come back from it in
chunks while the sheet is read.

A file that cannot be read raises :class:`FileRefused` with one plain sentence (the technical detail
goes to the log); a sheet that cannot be read raises :class:`SheetRefused` (a FileRefused), so a
damaged sheet the import does not need can be passed over.
Rows come back as lists starting at column A of row 1 (index 0 is the sheet's row 1); an empty cell
is ``""``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop.core.errors import CipDeskError
from desktop.excel import read_worker
from desktop.excel.read_worker import Limits

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")

# How long the reader may take: to open the file or to read up to the first rows of a sheet,
# OPEN_SECONDS plus SECONDS_PER_MB for each MB of the file; then IDLE_SECONDS between chunks.
OPEN_SECONDS = 30.0
SECONDS_PER_MB = 4.0
IDLE_SECONDS = 30.0
LIMITS = Limits()
# The child's entry point (tests swap in one that misbehaves).
_TARGET: Callable[..., None] = read_worker.serve
# The highest peak memory (KB, Linux) of any reading process so far: for the benchmarks and the
# fuzz test, which set it back to 0 between files.
peak_kb_seen = 0


class FileRefused(CipDeskError):
    """The file cannot be imported; the message says why in one sentence. Nothing was changed."""


class SheetRefused(FileRefused):
    """One sheet of the file cannot be read (the others may be fine)."""

    def __init__(self, sheet: str, message: str):
        super().__init__(message)
        self.sheet = sheet


Row = list[Any]


def _log_detail(name: str, what: str, detail: str) -> None:
    """The technical reason a file was refused, for the log: shortened, and any longer quoted text
    (which could be a cell's value) left out."""
    text = re.sub(r"(['\"`])[^'\"`]{13,}?\1", r"\1…\1", detail.replace("\n", " "))[:300]
    log.info("%s refused (%s): %s", name, what, text)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """The reading process needs nothing of this process's ``__main__``; a spawned process would
    import it again first (a script's top-level code run a second time, slowly, or not at all when
    it has no ``if __name__ == "__main__"`` guard), so it is hidden while the process starts."""
    main = sys.modules.get("__main__")
    saved: dict[str, Any] = {}
    if main is not None:
        for key in ("__file__", "__spec__"):
            if key in main.__dict__:
                saved[key] = main.__dict__[key]
        main.__dict__.pop("__file__", None)
        if "__spec__" in saved:
            main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)


class _Died(Exception):
    pass


class _TimedOut(Exception):
    pass


class _Child:
    """One reading process for one workbook, and the conversation with it."""

    def __init__(self, path: Path, kind: str, limits: Limits):
        import multiprocessing

        self.name = path.name
        ctx = multiprocessing.get_context("spawn")
        fd, stderr_name = tempfile.mkstemp(prefix="cipdesk-reader-", suffix=".txt")
        os.close(fd)
        self.stderr_path = stderr_name
        self.peak_kb = 0
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(
            target=_TARGET,
            args=(child_conn, str(path), path.name, kind, limits.as_dict(), stderr_name),
            name="cipdesk-reader",
            daemon=True,
        )
        try:
            with _main_module_hidden():
                self.proc.start()
        finally:
            child_conn.close()

    def send(self, *message: Any) -> None:
        try:
            self.conn.send_bytes(pickle.dumps(message))
        except (OSError, ValueError) as exc:
            raise _Died() from exc

    def _message(self, data: bytes) -> tuple[bytes, Any]:
        tag, message = data[:1], pickle.loads(memoryview(data)[1:])
        if tag == b"M":
            self._peak(int(message[-1]))
            message = message[:-1]
        return tag, message

    def _peak(self, kb: int) -> None:
        global peak_kb_seen
        self.peak_kb = max(self.peak_kb, kb)
        peak_kb_seen = max(peak_kb_seen, kb)

    def receive(self, deadline: float, on_wait: Callable[[], None] | None = None) -> tuple[bytes, Any]:
        """The next message (its tag and its content); _Died or _TimedOut otherwise."""
        last_report = time.monotonic()
        while True:
            now = time.monotonic()
            try:
                if self.conn.poll(max(0.0, min(0.2, deadline - now))):
                    return self._message(self.conn.recv_bytes())
            except (EOFError, OSError) as exc:
                raise _Died() from exc
            if self.proc.pid is not None:
                self._peak(read_worker.peak_kb(self.proc.pid))
            if not self.proc.is_alive():
                with contextlib.suppress(EOFError, OSError):
                    if self.conn.poll(0):
                        return self._message(self.conn.recv_bytes())
                raise _Died()
            now = time.monotonic()
            if now >= deadline:
                raise _TimedOut()
            if on_wait is not None and now - last_report >= 0.5:
                last_report = now
                on_wait()

    def stderr_tail(self) -> str:
        try:
            with open(self.stderr_path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - 4096))
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, *, kill: bool = False) -> None:
        """End the reading process: asked to quit (it frees the workbook and exits on its own; it is
        reaped when the next one starts, or at exit), or killed. On Windows it is waited for, so
        that its stderr file can be removed."""
        if self.proc.is_alive() and not kill:
            with contextlib.suppress(Exception):
                self.conn.send_bytes(pickle.dumps(("quit",)))
            if sys.platform == "win32":
                self.proc.join(2.0)
            else:
                self.conn.close()
                with contextlib.suppress(OSError):
                    os.unlink(self.stderr_path)
                return
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5.0)
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.proc.close()
        with contextlib.suppress(OSError):
            os.unlink(self.stderr_path)


def _stop_child(holder: list[_Child | None]) -> None:
    child = holder[0]
    holder[0] = None
    if child is not None:
        child.stop()


class Workbook:
    """An open roster file: its sheet names, and each sheet's rows on demand (kept until forgotten)."""

    def __init__(self, path: Path, kind: str, limits: Limits | None = None):
        self.path = path
        self.kind = kind  # "xlsx" "xls" "ods" "csv"
        self.limits = limits or LIMITS
        self.sheet_names: list[str] = []
        self._cache: dict[str, list[Row]] = {}
        self._bad: dict[str, str] = {}  # sheet -> why it cannot be read
        self._lock = threading.RLock()
        self._child: list[_Child | None] = [None]
        self._finalizer = weakref.finalize(self, _stop_child, self._child)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        self._first_wait = OPEN_SECONDS + SECONDS_PER_MB * size / (1 << 20)
        self._budget = self.limits.memory_base

    @property
    def name(self) -> str:
        return self.path.name

    # -- the child -----------------------------------------------------------------------------
    def _start(self) -> _Child:
        """A reading process with the workbook open (its sheet names checked against ours)."""
        child = _Child(self.path, self.kind, self.limits)
        try:
            tag, message = child.receive(time.monotonic() + self._first_wait)
        except _Died:
            text = self._died_text(child, None)
            child.stop(kill=True)
            raise FileRefused(text) from None
        except _TimedOut:
            child.stop(kill=True)
            _log_detail(self.name, "open", "timed out")
            raise FileRefused(self._timeout_text(None)) from None
        if message[0] == "refused":
            child.stop()
            _, _scope, sentence, detail = message
            if detail:
                _log_detail(self.name, "open", detail)
            raise FileRefused(sentence)
        self.sheet_names = list(message[1])
        self._budget = int(message[2])
        self._child[0] = child
        if not self._finalizer.alive:  # closed once, read again: end this reader too in the end
            self._finalizer = weakref.finalize(self, _stop_child, self._child)
        return child

    def _died_text(self, child: _Child, sheet: str | None) -> str:
        code = child.proc.exitcode
        tail = child.stderr_tail()
        memory = "memory allocation" in tail or "MemoryError" in tail or code in (-9, 137)
        lines = [ln for ln in tail.splitlines() if "panicked" in ln or "memory allocation" in ln]
        _log_detail(self.name, f"reader stopped, exit {code}", (lines[-1] if lines else tail[-200:]))
        if memory:
            return read_worker.memory_text(self.name, sheet, self._budget)
        if sheet:
            return read_worker.damaged_sheet(self.name, sheet)
        return read_worker.damaged(self.name)

    def _timeout_text(self, sheet: str | None) -> str:
        what = f"reading the sheet {sheet!r}" if sheet else "opening it"
        return (
            f"{self.name} cannot be read: {what} took too long (the file is damaged or far bigger than "
            "a roster). Open it in Excel and save it again, or ask for a fresh copy."
        )

    # -- sheets --------------------------------------------------------------------------------
    def rows(self, sheet: str, progress: Callable[[int, int, str], None] | None = None) -> list[Row]:
        """Every row of ``sheet`` from row 1, column A (SheetRefused when it cannot be read)."""
        if sheet not in self.sheet_names:
            raise FileRefused(
                f"{self.name} has no sheet called {sheet!r}. Its sheets are: {', '.join(self.sheet_names)}."
            )
        with self._lock:
            if sheet in self._cache:
                return self._cache[sheet]
            if sheet in self._bad:
                raise SheetRefused(sheet, self._bad[sheet])
            try:
                rows = self._read(sheet, progress)
            except SheetRefused as exc:
                self._bad[sheet] = str(exc)
                raise
            self._cache[sheet] = rows
            return rows

    def _read(self, sheet: str, progress: Callable[[int, int, str], None] | None) -> list[Row]:
        child = self._child[0] or self._start()
        rows: list[Row] = []

        def waiting() -> None:
            if progress is not None:
                progress(len(rows), 0, f"Reading {self.name}, sheet {sheet!r}: {len(rows):,} rows")

        done = False
        try:
            child.send("sheet", sheet)
            deadline = time.monotonic() + self._first_wait
            while True:
                tag, message = child.receive(deadline, waiting)
                if tag == b"R":
                    rows.extend(message)
                    deadline = time.monotonic() + IDLE_SECONDS
                    continue
                if message[0] == "end":
                    width = int(message[2])
                    if self.kind == "csv":
                        for r in rows:
                            if len(r) < width:
                                r.extend([""] * (width - len(r)))
                    done = True
                    return rows
                if message[0] == "refused":
                    done = True
                    _, scope, sentence, detail = message
                    if detail:
                        _log_detail(self.name, f"sheet {sheet!r}", detail)
                    if scope == "file":
                        raise FileRefused(sentence)
                    raise SheetRefused(sheet, sentence)
                raise _Died()
        except _Died:
            text = self._died_text(child, sheet)
            raise SheetRefused(sheet, text) from None
        except _TimedOut:
            _log_detail(self.name, f"sheet {sheet!r}", "timed out")
            raise SheetRefused(sheet, self._timeout_text(sheet)) from None
        finally:
            if not done:  # died, timed out, cancelled: this reader is no use any more
                self._child[0] = None
                child.stop(kill=True)

    def forget(self, sheet: str | None = None) -> None:
        if sheet is None:
            self._cache.clear()
        else:
            self._cache.pop(sheet, None)

    def close(self) -> None:
        self._cache.clear()
        self._finalizer()


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_encrypted_cfb(head: bytes) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head


def open_workbook(path: str | Path, *, limits: Limits | None = None) -> Workbook:
    """Open a roster file for reading, or raise FileRefused saying why it cannot be."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise FileRefused(f"{path} does not exist. Check the name and the folder.")
    if path.is_dir():
        raise FileRefused(f"{path} is a folder, not a spreadsheet.")
    from desktop.core.db import is_live_file

    if is_live_file(path):  # reading it here would drop this process's SQLite locks on it
        raise FileRefused(f"{name} is CiP Desk's own database, not a spreadsheet to import.")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileRefused(f"{name} cannot be opened: {exc.strerror or exc}.") from exc
    if size == 0:
        raise FileRefused(f"{name} is empty (0 bytes): there is nothing to import.")
    if head.startswith(CFB_MAGIC):
        if _cfb_is_encrypted(path):
            raise FileRefused(_locked(name))
        return _open(path, "xls", limits)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return _open(path, "ods" if path.suffix.lower() == ".ods" else "xlsx", limits)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        if _looks_like_text(path):
            raise FileRefused(
                f"{name} is not a spreadsheet: it holds plain text, not an Excel or OpenDocument "
                "workbook. If it is a CSV file, rename it to end in .csv and import it again."
            )
        raise FileRefused(
            f"{name} is not a spreadsheet CiP Desk can read: it is neither an Excel nor an "
            "OpenDocument workbook. Open it in Excel and save it as .xlsx."
        )
    if not _looks_like_text(path):
        raise FileRefused(
            f"{name} is not a spreadsheet CiP Desk can read. Save it from Excel as .xlsx or .csv "
            "and import that."
        )
    return _open(path, "csv", limits)


def _locked(name: str) -> str:
    return (
        f"{name} is password-protected. Open it in Excel, remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password, clear it), save it and import it again."
    )


def _open(path: Path, kind: str, limits: Limits | None) -> Workbook:
    wb = Workbook(path, kind, limits)
    with wb._lock:
        wb._start()
    return wb


def _cfb_is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        return _is_encrypted_cfb(fh.read(1 << 20))


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as fh:
        sample = fh.read(4096)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample's end
            return True
    try:
        sample.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def is_blank_row(row: Sequence[Any]) -> bool:
    for v in row:
        if v is None or v == "":
            continue
        if isinstance(v, str) and not v.strip():
            continue
        return False
    return True


def sheet_is_empty(rows: Sequence[Sequence[Any]]) -> bool:
    return all(is_blank_row(r) for r in rows)

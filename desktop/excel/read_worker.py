"""The child process that reads a spreadsheet for :mod:`desktop.excel.reader`.

python-calamine is Rust: a damaged file can make it panic (``PanicException`` derives from
BaseException, so ``except Exception`` misses it), or ask for more memory than any machine has, and a
failed allocation aborts the whole process. So the reading happens here, in a child process that
the reader starts per workbook, and which nothing of the window or the command depends on:

- bounds are checked before anything is read: the file's size; for a zip workbook (.xlsx, .xlsm,
  .ods) the size of every part once unpacked, the longest text of one cell in its shared strings,
  and, for a small sheet (or everywhere when no memory limit can be set), how far out its cells go
  and its longest text; for a CSV file the longest field; then, as it is read, every sheet's rows
  times columns against :attr:`Limits.max_cells` and every cell's text against the 32,767 characters
  a spreadsheet cell can hold;
- on Linux the child's address space is limited (``resource.setrlimit``) to what it had at start
  plus a budget that grows with the size of the sheets (:class:`Limits`), so a file that needs more
  makes this process fail, never the caller;
- the parent waits with a timeout and turns any failure (a refusal sent from here, a panic, an
  abort, a kill) into one plain sentence.

Rows go to the parent in chunks while the sheet is read, so a sheet is never held twice in full.

Protocol over one duplex ``multiprocessing`` connection; every message is ``send_bytes`` of one tag
byte and a pickle: ``M`` a control message (a tuple, whose last element is the child's peak memory
in KB), ``R`` a chunk of rows.
  child -> ("names", [sheet names], memory budget) once the workbook is open
  parent -> ("sheet", name)                        read one sheet
  child -> R chunks ..., then ("end", rows, width)
  any request -> ("refused", scope, sentence, detail) instead ("file" or "sheet" scope; the detail
  is for the log only)
  parent -> ("quit",)
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import pickle
import re
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MB = 1 << 20

# The most text one spreadsheet cell can hold (Excel's own limit).
MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Limits:
    """What one workbook may need. The reader passes these to the child (tests pass smaller ones)."""

    # The reading process may grow (Linux) by memory_base, plus memory_per_byte for each byte of the
    # largest sheet and the shared strings unpacked (of a CSV file: of the file; of an .xls file:
    # memory_per_xls_byte for each byte of the file), up to memory_cap: an honest sheet of 100,000
    # rows reads in about 250 MB, while a small file that asks for more is stopped at about 200 MB.
    memory_base: int = 192 * MB
    memory_per_byte: int = 4
    memory_per_xls_byte: int = 16
    memory_cap: int = 1024 * MB
    max_file_bytes: int = 200 * MB  # a roster of 100,000 officers is about 15 MB
    max_csv_bytes: int = 64 * MB
    max_cells: int = 5_000_000  # rows x columns of one sheet as read
    max_part_bytes: int = 1024 * MB  # one part of a zip workbook, unpacked
    max_unpacked_bytes: int = 2048 * MB  # all parts together, unpacked
    max_strings_bytes: int = 128 * MB  # the shared strings, unpacked
    max_meta_bytes: int = 32 * MB  # workbook.xml, styles.xml, relationships, content types
    max_cell_bytes: int = 256 * 1024  # the raw XML of one cell's text (32,767 characters and markup)
    scan_sheets_below: int = 8 * MB  # sheets this small (unpacked) are scanned before reading
    rows_per_chunk_cells: int = 25_000  # about this many cells per message to the parent

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Refusal(Exception):
    """The file (scope "file") or one sheet ("sheet") cannot be read; ``sentence`` says why."""

    def __init__(self, scope: str, sentence: str, detail: str = ""):
        super().__init__(sentence)
        self.scope = scope
        self.sentence = sentence
        self.detail = detail


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def size_text(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= MB:
        return f"{n / MB:,.0f} MB"
    return f"{max(1, n // 1024):,} KB"


def damaged(name: str) -> str:
    return (
        f"{name} is damaged or incomplete, so it cannot be read. Open it in Excel and save it again, "
        "or ask for a fresh copy."
    )


def damaged_sheet(name: str, sheet: str) -> str:
    return (
        f"{name}: the sheet {sheet!r} is damaged and cannot be read. Open the file in Excel and save "
        "it again, or ask for a fresh copy."
    )


def long_cell(name: str, where: str) -> str:
    return (
        f"{name} cannot be read: {where} holds more than {MAX_CELL_CHARS:,} characters, more than a "
        "spreadsheet cell can hold, so the file is damaged or not a roster."
    )


def far_cells(name: str, sheet: str, ref: str, cells: int, limit: int) -> str:
    return (
        f"{name} cannot be read: the sheet {sheet!r} has content as far out as cell {ref} "
        f"({cells:,} cells), more than CiP Desk reads from one sheet ({limit:,}). Delete what lies "
        "beyond the roster in Excel (the rows and columns past it), save and import again."
    )


# ---------------------------------------------------------------------------------------------
# Bounds of a zip workbook, checked before calamine opens it
# ---------------------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,9})"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,4})(\d{1,9})"')
_SI = re.compile(rb"<(?:\w+:)?si\b")
_META_PARTS = (
    "[content_types].xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "_rels/.rels",
    "xl/_rels/workbook.xml.rels",
)


def _xml_unescape(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


class ZipBounds:
    """The parts of a zip workbook and their unpacked sizes, checked against :class:`Limits`."""

    def __init__(self, path: Path, name: str, limits: Limits):
        self.name = name
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise Refusal("file", damaged(name), f"zip: {exc}") from exc
        self.by_lower = {i.filename.lower(): i for i in infos}
        total = sum(i.file_size for i in infos)
        if total > limits.max_unpacked_bytes:
            raise Refusal(
                "file",
                f"{name} cannot be read: it unpacks to {size_text(total)} of data, far more than any "
                "roster, so it is damaged or not a roster. Open it in Excel and save it again, or ask "
                "for a fresh copy.",
                f"zip declares {total} bytes unpacked",
            )
        for info in infos:
            low = info.filename.lower()
            limit = limits.max_part_bytes
            if low in _META_PARTS:
                limit = limits.max_meta_bytes
            elif low.endswith("sharedstrings.xml"):
                limit = limits.max_strings_bytes
            if info.file_size > limit:
                raise Refusal(
                    "file",
                    f"{name} cannot be read: one of its parts ({info.filename}) unpacks to "
                    f"{size_text(info.file_size)}, far more than any roster needs, so the file is "
                    "damaged or not a roster. Open it in Excel and save it again, or ask for a fresh copy.",
                    f"{info.filename}: {info.file_size} bytes unpacked",
                )

    def close(self) -> None:
        self.zip.close()

    def _stream(self, info: zipfile.ZipInfo, cap: int) -> Any:
        """The unpacked bytes of ``info`` in chunks, refusing a part that unpacks beyond ``cap``
        (its declared size may lie) or is damaged."""
        done = 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(MB)
                    if not chunk:
                        return
                    done += len(chunk)
                    if done > cap:
                        raise Refusal(
                            "file",
                            f"{self.name} cannot be read: one of its parts ({info.filename}) unpacks "
                            "to more than it says, so the file is damaged. Open it in Excel and save it "
                            "again, or ask for a fresh copy.",
                            f"{info.filename}: more than {cap} bytes unpacked",
                        )
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise Refusal("file", damaged(self.name), f"{info.filename}: {exc}") from exc

    def largest_sheet_bytes(self) -> int:
        """The unpacked size of the largest sheet plus the shared strings, as far as the packed sizes
        allow (deflate packs at most about 1,032 to 1, so a part cannot honestly claim more)."""

        def honest(info: zipfile.ZipInfo) -> int:
            if info.compress_type == zipfile.ZIP_STORED:
                return info.compress_size
            return min(info.file_size, info.compress_size * 1032)

        sheets = [
            honest(i)
            for low, i in self.by_lower.items()
            if low.startswith("xl/worksheets/") or low == "content.xml"
        ]
        strings = sum(honest(i) for low, i in self.by_lower.items() if low.endswith("sharedstrings.xml"))
        return max(sheets, default=0) + strings

    def check_shared_strings(self) -> None:
        """No single shared string longer than a cell can hold (a 400 MB string reads for minutes)."""
        info = next((i for low, i in self.by_lower.items() if low.endswith("sharedstrings.xml")), None)
        if info is None:
            return
        limit = self.limits.max_cell_bytes
        offset = 0
        last = 0
        tail = b""
        for chunk in self._stream(info, self.limits.max_strings_bytes):
            data = tail + chunk
            base = offset - len(tail)
            for m in _SI.finditer(data):
                at = base + m.start()
                if at - last > limit:
                    raise Refusal(
                        "file", long_cell(self.name, "a cell"), f"shared string of {at - last} bytes"
                    )
                last = max(last, at)
            offset += len(chunk)
            tail = data[-8:]
            if offset - last > limit:
                raise Refusal("file", long_cell(self.name, "a cell"), f"shared string of over {limit} bytes")

    def sheet_part(self, sheet: str) -> zipfile.ZipInfo | None:
        """The worksheet part of ``sheet`` (through workbook.xml and its relationships), or None."""
        wb = self.by_lower.get("xl/workbook.xml")
        rels = self.by_lower.get("xl/_rels/workbook.xml.rels")
        if wb is None or rels is None:
            return None
        try:
            wb_xml = b"".join(self._stream(wb, self.limits.max_meta_bytes))
            rels_xml = b"".join(self._stream(rels, self.limits.max_meta_bytes))
        except Refusal:
            return None
        rid = None
        for tag in _SHEET_TAG.finditer(wb_xml):
            attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag.group(0))}
            if _xml_unescape(attrs.get(b"name", b"")) == sheet:
                rid = attrs.get(b"id")
                break
        if rid is None:
            return None
        for tag in _REL_TAG.finditer(rels_xml):
            attrs = dict(_ATTR.findall(tag.group(0)))
            if attrs.get(b"Id") == rid:
                target = _xml_unescape(attrs.get(b"Target", b"")).lstrip("/")
                if not target.lower().startswith("xl/"):
                    target = "xl/" + target
                return self.by_lower.get(os.path.normpath(target).replace("\\", "/").lower())
        return None

    def check_sheet(self, sheet: str, always: bool) -> None:
        """For a small sheet part (or ``always``): how far out its cells go, and its longest text.
        (An OpenDocument file keeps every sheet in content.xml: its longest text is checked.)"""
        info = self.sheet_part(sheet) or self.by_lower.get("content.xml")
        if info is None:
            return
        if not always and info.file_size > self.limits.scan_sheets_below:
            return
        max_row = max_col = 0
        run = 0  # the text since the last '<', carried across chunks
        tail = b""
        for chunk in self._stream(info, self.limits.max_part_bytes):
            data = tail + chunk
            for m in _ROW_REF.finditer(data):
                max_row = max(max_row, int(m.group(1)))
            for m in _CELL_REF.finditer(data):
                max_col = max(max_col, column_index(m.group(1)) + 1)
                max_row = max(max_row, int(m.group(2)))
            parts = chunk.split(b"<")
            if len(parts) == 1:
                run += len(chunk)
            else:
                run = max(run + len(parts[0]), max(map(len, parts[1:-1]), default=0))
                if run <= self.limits.max_cell_bytes:
                    run = len(parts[-1])
            if run > self.limits.max_cell_bytes:
                raise Refusal(
                    "sheet",
                    long_cell(self.name, f"a cell of the sheet {sheet!r}"),
                    f"{info.filename}: text of over {self.limits.max_cell_bytes} bytes",
                )
            tail = data[-64:]
        cells = max_row * max_col
        if cells > self.limits.max_cells:
            ref = f"{column_letter(max_col - 1)}{max_row}"
            raise Refusal(
                "sheet",
                far_cells(self.name, sheet, ref, cells, self.limits.max_cells),
                f"{info.filename}: cells out to {ref}",
            )


# ---------------------------------------------------------------------------------------------
# The child
# ---------------------------------------------------------------------------------------------


def _limit_memory(budget: int) -> bool:
    """Cap this process's address space at its size now plus ``budget`` (Linux). True when set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = now + budget
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return True
    except (OSError, ValueError, ImportError):
        return False


def _quiet_stderr(path: str | None) -> None:
    """Send this process's stderr (Rust's panic and abort messages) to ``path``, not the terminal."""
    os.environ["RUST_BACKTRACE"] = "0"
    if not path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)
        if sys.platform == "win32":
            import ctypes
            import msvcrt

            ctypes.windll.kernel32.SetStdHandle(-12, msvcrt.get_osfhandle(2))  # type: ignore[attr-defined]
    except (OSError, AttributeError, ImportError):
        pass


def peak_kb(pid: int | str = "self") -> int:
    """The peak resident memory of a process in KB (Linux; 0 where it cannot be told)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _dump(obj: Any) -> bytes:
    """A pickle without the memo (about three times faster for rows of plain values)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump(obj)
    return buf.getvalue()


class _Child:
    def __init__(self, conn: Any, path: str, name: str, kind: str, limits: Limits):
        self.conn = conn
        self.path = Path(path)
        self.name = name
        self.kind = kind
        self.limits = limits
        self.limited = False
        self.book: Any = None
        self.file: Any = None
        self.bounds: ZipBounds | None = None
        self.csv_sheet = ""
        self.budget = limits.memory_base

    def send(self, *message: Any) -> None:
        """A control message; its last element is this process's peak memory so far (KB)."""
        self.conn.send_bytes(b"M" + _dump((*message, peak_kb())))

    def send_rows(self, rows: list[list[Any]]) -> None:
        self.conn.send_bytes(b"R" + _dump(rows))

    # -- opening -------------------------------------------------------------------------------
    def open(self) -> list[str]:
        size = self.path.stat().st_size
        limit = self.limits.max_csv_bytes if self.kind == "csv" else self.limits.max_file_bytes
        if size > limit:
            raise Refusal(
                "file",
                f"{self.name} is too big to be a roster ({size_text(size)}; CiP Desk reads files of up "
                f"to {size_text(limit)}). Save the roster sheet alone in a new file and import that.",
                f"{size} bytes",
            )
        if self.kind == "csv":
            self.budget = self._budget(self.limits.memory_per_byte * size)
            self.limited = _limit_memory(self.budget)
            self.csv_sheet = self.path.stem or "Sheet1"
            return [self.csv_sheet]
        if self.kind in ("xlsx", "ods"):
            self.bounds = ZipBounds(self.path, self.name, self.limits)
            self.bounds.check_shared_strings()
            self.budget = self._budget(self.limits.memory_per_byte * self.bounds.largest_sheet_bytes())
        else:
            self.budget = self._budget(self.limits.memory_per_xls_byte * size)
        import python_calamine as pc

        self.limited = _limit_memory(self.budget)
        try:
            self.file = self.path.open("rb")
            self.book = pc.CalamineWorkbook.from_filelike(self.file)
            names = list(self.book.sheet_names)
        except Exception as exc:  # zip/xml errors, "Cannot detect file format" and friends
            raise self._open_refusal(exc) from exc
        except BaseException as exc:  # a Rust panic (pyo3 PanicException)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise Refusal("file", self._damaged_text(), f"panic at open: {exc}") from exc
        if not names:
            raise Refusal("file", f"{self.name} has no sheets: there is nothing to import.")
        return names

    def _budget(self, for_the_data: int) -> int:
        return min(self.limits.memory_cap, self.limits.memory_base + for_the_data)

    def _damaged_text(self) -> str:
        if self.kind == "xls":
            return (
                f"{self.name} is not a spreadsheet CiP Desk can read: it is an Office file but not an "
                "Excel workbook, or it is damaged. Open it in Excel and save it as .xlsx."
            )
        return damaged(self.name)

    def _open_refusal(self, exc: BaseException) -> Refusal:
        import python_calamine as pc

        text = str(exc).lower()
        if isinstance(exc, pc.PasswordError) or "password" in text or "encrypt" in text:
            return Refusal(
                "file",
                f"{self.name} is password-protected. Open it in Excel, remove the password (File > Info "
                "> Protect Workbook > Encrypt with Password, clear it), save it and import it again.",
                f"{type(exc).__name__}: {exc}",
            )
        if isinstance(exc, MemoryError):
            return Refusal("file", memory_text(self.name, None, self.budget), "MemoryError at open")
        return Refusal("file", self._damaged_text(), f"{type(exc).__name__}: {exc}")

    # -- one sheet -----------------------------------------------------------------------------
    def sheet(self, sheet: str) -> None:
        if self.kind == "csv":
            self._csv()
            return
        if self.bounds is not None:
            self.bounds.check_sheet(sheet, always=not self.limited)
        try:
            calamine_sheet = self.book.get_sheet_by_name(sheet)
            start = calamine_sheet.start
            height, width = calamine_sheet.height, calamine_sheet.width
        except MemoryError as exc:
            raise Refusal("sheet", memory_text(self.name, sheet, self.budget), "MemoryError") from exc
        except Exception as exc:
            raise Refusal("sheet", damaged_sheet(self.name, sheet), f"{type(exc).__name__}: {exc}") from exc
        except BaseException as exc:  # a Rust panic
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise Refusal("sheet", damaged_sheet(self.name, sheet), f"panic: {exc}") from exc
        if start is None:
            self.send("end", 0, 0)
            return
        rows_total = start[0] + height
        cols_total = start[1] + width
        if rows_total * cols_total > self.limits.max_cells:
            ref = f"{column_letter(cols_total - 1)}{rows_total}"
            raise Refusal(
                "sheet",
                far_cells(self.name, sheet, ref, rows_total * cols_total, self.limits.max_cells),
                f"sheet of {rows_total} x {cols_total}",
            )
        pad = [""] * start[1]
        per_chunk = max(1, self.limits.rows_per_chunk_cells // max(1, cols_total))
        chunk: list[list[Any]] = []
        sent = 0
        try:
            for row in calamine_sheet.iter_rows():
                chunk.append(pad + row if pad else row)
                if len(chunk) >= per_chunk:
                    self._check_text(sheet, chunk, sent)
                    self.send_rows(chunk)
                    sent += len(chunk)
                    chunk = []
        except MemoryError as exc:
            raise Refusal("sheet", memory_text(self.name, sheet, self.budget), "MemoryError") from exc
        except Exception as exc:
            raise Refusal("sheet", damaged_sheet(self.name, sheet), f"{type(exc).__name__}: {exc}") from exc
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise Refusal("sheet", damaged_sheet(self.name, sheet), f"panic: {exc}") from exc
        if chunk:
            self._check_text(sheet, chunk, sent)
            self.send_rows(chunk)
            sent += len(chunk)
        self.send("end", sent, cols_total)

    def _check_text(self, sheet: str, chunk: list[list[Any]], first_row: int) -> None:
        """No cell of ``chunk`` (rows from ``first_row``, 0-based) longer than a cell can hold."""
        cells = itertools.chain.from_iterable(chunk)
        if max(map(len, filter(str.__instancecheck__, cells)), default=0) <= MAX_CELL_CHARS:
            return
        for r, row in enumerate(chunk):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    ref = f"{column_letter(c)}{first_row + r + 1}"
                    raise Refusal(
                        "sheet",
                        long_cell(self.name, f"cell {ref} of the sheet {sheet!r}"),
                        f"{len(value)} characters",
                    )

    def _csv(self) -> None:
        text = decode_text(self.path.read_bytes())
        if not text or text.isspace():
            raise Refusal("file", f"{self.name} has no data: there is nothing to import.")
        delim = detect_delimiter(text[:65536])
        csv.field_size_limit(MAX_CELL_CHARS)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        del text
        width = 0
        cells = 0
        count = 0
        chunk: list[list[Any]] = []
        per_chunk = 2000
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "field limit" in str(exc) or "larger than" in str(exc):
                    raise Refusal("file", long_cell(self.name, f"row {count + 1}"), str(exc)) from exc
                raise Refusal(
                    "file",
                    f"{self.name} cannot be read as a CSV file (row {count + 1} is broken). Open it in "
                    "Excel and save it again as CSV or .xlsx.",
                    str(exc),
                ) from exc
            count += 1
            cells += len(row)
            if len(row) > width:
                width = len(row)
            if cells > self.limits.max_cells or count * width > self.limits.max_cells:
                raise Refusal(
                    "file",
                    f"{self.name} cannot be read: it holds more than {self.limits.max_cells:,} cells "
                    f"({count:,} rows by up to {width:,} columns so far), far more than a roster, so it "
                    "is damaged or not a roster.",
                    f"{count} rows x {width}",
                )
            chunk.append(row)
            if len(chunk) >= per_chunk:
                self.send_rows(chunk)
                chunk = []
        if chunk:
            self.send_rows(chunk)
        self.send("end", count, width)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines most consistently."""
    lines = [ln for ln in text[:65536].splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for delim in (",", ";", "\t"):
        try:
            counts = [len(next(csv.reader([ln], delimiter=delim))) - 1 for ln in lines]
        except csv.Error:  # a field longer than the csv module allows: told when the rows are read
            continue
        useful = [c for c in counts if c > 0]
        if not useful:
            continue
        # Most lines split, and into the same number of cells.
        common = max(set(useful), key=useful.count)
        score = useful.count(common) * 1000 + common
        if score > best_score:
            best, best_score = delim, score
    return best


def memory_text(name: str, sheet: str | None, budget: int) -> str:
    what = f"the sheet {sheet!r}" if sheet else "it"
    return (
        f"{name} cannot be read: reading {what} needs more memory than CiP Desk allows for a file of "
        f"its size ({size_text(budget)}), so the file is damaged or far bigger than a roster. Open it "
        "in Excel and save it again, or ask for a fresh copy."
    )


def serve(
    conn: Any, path: str, name: str, kind: str, limits: dict[str, int], stderr_path: str | None
) -> None:
    """The child's entry point (``multiprocessing`` target)."""
    _quiet_stderr(stderr_path)
    child = _Child(conn, path, name, kind, Limits(**limits))
    try:
        try:
            names = child.open()
            child.send("names", names, child.budget)
        except Refusal as r:
            child.send("refused", r.scope, r.sentence, r.detail)
            return
        except MemoryError:
            child.send("refused", "file", memory_text(name, None, child.budget), "MemoryError")
            return
        except Exception as exc:  # noqa: BLE001 - anything unforeseen is a refusal, not a crash
            child.send("refused", "file", damaged(name), f"{type(exc).__name__}: {exc}")
            return
        while True:
            try:
                message = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            if message[0] != "sheet":
                return
            try:
                child.sheet(message[1])
            except Refusal as r:
                child.send("refused", r.scope, r.sentence, r.detail)
            except MemoryError:
                child.send("refused", "sheet", memory_text(name, message[1], child.budget), "MemoryError")
            except Exception as exc:  # noqa: BLE001
                child.send(
                    "refused", "sheet", damaged_sheet(name, message[1]), f"{type(exc).__name__}: {exc}"
                )
    except (EOFError, OSError, BrokenPipeError):
        return  # the parent went away
    finally:
        if child.bounds is not None:
            child.bounds.close()
        if child.book is not None:
            try:
                child.book.close()
            except BaseException:  # noqa: BLE001 - already closed, or a panic while closing
                pass
        if child.file is not None:
            child.file.close()

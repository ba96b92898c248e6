"""Any roster file in, sheets of rows of cell values out.

.xlsx, .xlsm, .xls and .ods are read with python-calamine (hidden rows and columns like any other;
formulas give their cached value); .csv/.txt with :mod:`csv` (UTF-8 with or without BOM, else
Windows-1252; comma, semicolon or tab detected). The format is told from the file's first bytes,
not its name, so a workbook renamed to the wrong extension still reads.

A file that cannot be read raises :class:`FileRefused` with one plain sentence.
Rows come back as lists starting at column A of row 1 (index 0 is the sheet's row 1); an empty cell
is ``""``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.errors import CipDeskError

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")


class FileRefused(CipDeskError):
    """The file cannot be imported; the message says why in one sentence. Nothing was changed."""


Row = list[Any]


@dataclass
class Workbook:
    path: Path
    kind: str  # "xlsx" "xls" "ods" "csv"
    sheet_names: list[str]
    _book: Any = None
    _csv_rows: list[Row] | None = None
    _file: Any = None
    _cache: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self, sheet: str) -> list[Row]:
        """Every row of ``sheet`` from row 1, column A."""
        if sheet not in self.sheet_names:
            raise FileRefused(
                f"{self.name} has no sheet called {sheet!r}. Its sheets are: {', '.join(self.sheet_names)}."
            )
        if sheet in self._cache:
            return self._cache[sheet]
        if self._csv_rows is not None:
            rows = self._csv_rows
        else:
            try:
                rows = self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception as exc:  # calamine raises its own errors for broken parts
                raise FileRefused(f"{self.name}: the sheet {sheet!r} cannot be read ({exc}).") from exc
        self._cache[sheet] = rows
        return rows

    def forget(self, sheet: str | None = None) -> None:
        if sheet is None:
            self._cache.clear()
        else:
            self._cache.pop(sheet, None)

    def close(self) -> None:
        self._cache.clear()
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # already closed
                pass
            self._book = None
        if self._file is not None:
            self._file.close()
            self._file = None


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_encrypted_cfb(head: bytes) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head


def open_workbook(path: str | Path) -> Workbook:
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
        return _open_calamine(path, "xls", _cfb_is_encrypted(path))
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return _open_calamine(path, "xlsx", False)
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
    return _open_csv(path)


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


def _open_calamine(path: Path, kind: str, encrypted: bool) -> Workbook:
    import python_calamine as pc

    name = path.name
    locked = (
        f"{name} is password-protected. Open it in Excel, remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password, clear it), save it and import it again."
    )
    if encrypted:
        raise FileRefused(locked)
    fh = path.open("rb")
    try:
        book = pc.CalamineWorkbook.from_filelike(fh)
    except Exception as exc:  # zip/xml errors, "Cannot detect file format" and friends
        fh.close()
        text = str(exc).lower()
        if isinstance(exc, pc.PasswordError) or "password" in text or "encrypt" in text:
            raise FileRefused(locked) from exc
        if kind == "xls":
            raise FileRefused(
                f"{name} is not a spreadsheet CiP Desk can read: it is an Office file but not an Excel "
                "workbook, or it is damaged. Open it in Excel and save it as .xlsx."
            ) from exc
        raise FileRefused(
            f"{name} is damaged or incomplete, so it cannot be read. Open it in Excel and save it "
            "again, or ask for a fresh copy."
        ) from exc
    names = list(book.sheet_names)
    if kind == "xlsx":
        kind = "ods" if path.suffix.lower() == ".ods" else "xlsx"
    if not names:
        fh.close()
        raise FileRefused(f"{name} has no sheets: there is nothing to import.")
    return Workbook(path=path, kind=kind, sheet_names=names, _book=book, _file=fh)


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
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for delim in (",", ";", "\t"):
        counts = [len(next(csv.reader([ln], delimiter=delim))) - 1 for ln in lines]
        useful = [c for c in counts if c > 0]
        if not useful:
            continue
        # Most lines split, and into the same number of cells.
        common = max(set(useful), key=useful.count)
        score = useful.count(common) * 1000 + common
        if score > best_score:
            best, best_score = delim, score
    return best


def _open_csv(path: Path) -> Workbook:
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise FileRefused(f"{path.name} has no data: there is nothing to import.")
    delim = detect_delimiter(text)
    rows: list[Row] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return Workbook(path=path, kind="csv", sheet_names=[path.stem or "Sheet1"], _csv_rows=rows)


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

"""Hostile and broken spreadsheets, generated small: workbooks written by hand (the XML inside the
zip), .xls files from xlwt with their records altered, CSV files with overlong fields.

Used by the tests of the reader's bounds, the fuzz test and ``make bench``.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests.helpers_import import write_xls

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

ROSTER_HEADER = ["Collar No.", "Surname", "Forenames", "Rank", "Date Joined", "Apr-25"]


def roster_rows(n: int = 5) -> list[list[Any]]:
    rows: list[list[Any]] = [ROSTER_HEADER]
    for i in range(n):
        rows.append([str(4500 + i), f"Smith{i}", "Amy", "SC", "03/04/2019", 16])
    return rows


def column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(ref: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[Any]], extra_cells: Iterable[tuple[str, Any]] = (), doctype: str = "") -> str:
    """A worksheet part: ``rows`` from A1, then ``extra_cells`` ((ref, value), in a row of their own)."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(row) if v not in (None, "")
        )
        body.append(f'<row r="{r}">{cells}</row>')
    for ref, value in extra_cells:
        number = "".join(ch for ch in ref if ch.isdigit())
        body.append(f'<row r="{number}">{cell_xml(ref, value)}</row>')
    return f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{NS}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def write_xlsx_parts(
    path: Path,
    sheets: list[tuple[str, str | bytes | Iterator[bytes]]],
    shared_strings: str | bytes | Iterator[bytes] | None = None,
) -> Path:
    """An .xlsx written part by part: ``sheets`` is (name, worksheet XML); a part given as an
    iterator of bytes is streamed into the zip (so a huge part never sits in memory)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_tags = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _xml) in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{sheet_tags}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    wb_rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, (_name, xml) in enumerate(sheets, start=1):
            _put(z, f"xl/worksheets/sheet{i}.xml", xml)
        if shared_strings is not None:
            _put(z, "xl/sharedStrings.xml", shared_strings)
    return path


def _put(z: zipfile.ZipFile, name: str, data: str | bytes | Iterator[bytes]) -> None:
    if isinstance(data, str | bytes):
        z.writestr(name, data)
        return
    with z.open(name, "w", force_zip64=True) as fh:
        for chunk in data:
            fh.write(chunk)


# ---------------------------------------------------------------------------------------------
# The findings, one file each
# ---------------------------------------------------------------------------------------------


def far_cell_xlsx(path: Path, ref: str = "XFD1048576") -> Path:
    """A small roster and one value in the sheet's last cell: read as a dense range, that is
    17 billion cells (python-calamine asks for 549 GB and aborts the process)."""
    return write_xlsx_parts(path, [("Roster", sheet_xml(roster_rows(), [(ref, "x")]))])


def _giant_shared_strings(size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="3" uniqueCount="3">'.encode()
    yield b"<si><t>Collar No.</t></si><si><t>Surname</t></si><si><t>"
    block = b"A" * chunk
    left = size
    while left > 0:
        yield block[: min(chunk, left)]
        left -= chunk
    yield b"</t></si></sst>"


def giant_string_xlsx(path: Path, size: int = 400_000_000) -> Path:
    """A header and one shared string of ``size`` characters (400 MB compresses to about 400 KB)."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>4521</v></c><c r="B2" t="s"><v>2</v></c></row>'
        "</sheetData></worksheet>"
    )
    return write_xlsx_parts(path, [("Roster", sheet)], _giant_shared_strings(size))


def long_header_xlsx(path: Path, size: int = 8_000_000) -> Path:
    """A header row whose first cell holds ``size`` characters of digits (a paste gone wrong)."""
    rows = roster_rows()
    rows[0] = ["1" * size, *rows[0][1:]]
    return write_xlsx_parts(path, [("Roster", sheet_xml(rows))])


def xxe_sheet_xlsx(path: Path, *, roster_too: bool = True) -> Path:
    """A "Read me" sheet that refers to an entity it never defines (what an XXE attempt looks like
    once the DOCTYPE is stripped), before the roster sheet (when ``roster_too``)."""
    readme = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    )
    sheets: list[tuple[str, str | bytes | Iterator[bytes]]] = [("Read me", readme)]
    if roster_too:
        sheets.append(("Roster", sheet_xml(roster_rows())))
    return write_xlsx_parts(path, sheets)


def _biff_records(data: bytes, start: int = 512) -> Iterator[tuple[int, int, int]]:
    """(offset, type, length) of the BIFF records of an xlwt file's Workbook stream."""
    pos = start
    while pos + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, pos)
        yield pos, kind, length
        pos += 4 + length


def damaged_xls(path: Path) -> Path:
    """A 10 KB .xls whose one cell record says row 2,591, column 28,673: read as a range of 74
    million cells (2.4 GB), as a disk error or a bad copy leaves it."""
    write_xls(path, roster_rows(40))
    data = bytearray(path.read_bytes())
    labels = [pos for pos, kind, _n in _biff_records(bytes(data)) if kind == 0x00FD]  # LABELSST
    pos = labels[len(labels) // 2]
    struct.pack_into("<HH", data, pos + 4, 2590, 28672)
    path.write_bytes(bytes(data))
    return path


def truncated_xls(path: Path) -> Path:
    """An .xls cut short 100 bytes before its end: python-calamine panics reading it."""
    write_xls(path, roster_rows(40))
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    return path


def long_field_csv(path: Path, size: int = 200_000) -> Path:
    """A CSV roster whose third row holds a notes field longer than the csv module's 131,072
    characters (and than any spreadsheet cell)."""
    lines = ["Collar No.,Surname,Notes", "4521,Smith,ok", f'4522,Jones,"{"x" * size}"', "4523,Brown,ok"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path

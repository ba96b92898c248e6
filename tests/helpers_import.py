"""Spreadsheets for the import tests, generated on the fly (openpyxl, xlwt, hand-written ODS/CFB)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import sqlite3
import struct
import zipfile
from pathlib import Path
from typing import Any

from desktop.core import settings
from desktop.core.db import Database


def use_tmp_backups(db: Database, folder: Path) -> None:
    """Backups before import go to ``folder``, not the user's data folder."""
    folder.mkdir(parents=True, exist_ok=True)
    settings.set_value(db, "backup_folder", str(folder))


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    sheet: str = "Roster",
    before: dict[str, list[list[Any]]] | None = None,
    hidden_rows: tuple[int, ...] = (),
    hidden_cols: tuple[str, ...] = (),
    cached: dict[str, Any] | None = None,
) -> Path:
    """An .xlsx with ``rows`` on ``sheet`` (sheets in ``before`` come first).

    ``cached`` gives formula cells their cached value ({"F7": 42}): openpyxl writes formulas with
    an empty <v/>, as if never calculated, so the value Excel would have saved is put in the XML.
    """
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    sheets = list((before or {}).items()) + [(sheet, rows)]
    for n, (name, data) in enumerate(sheets):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = name
        for r in data:
            ws.append(r)
        if name == sheet:
            for rn in hidden_rows:
                ws.row_dimensions[rn].hidden = True
            for col in hidden_cols:
                ws.column_dimensions[col].hidden = True
    wb.save(path)
    if cached:
        _set_cached_values(path, list(wb.sheetnames).index(sheet) + 1, cached)
    return path


def _set_cached_values(path: Path, sheet_no: int, cached: dict[str, Any]) -> None:
    name = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[name].decode("utf-8")
    for ref, value in cached.items():
        pattern = re.compile(rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)<v\s*/>')
        xml, n = pattern.subn(lambda m, v=value: f"{m.group(1)}{m.group(2)}<v>{v}</v>", xml)
        assert n == 1, f"formula cell {ref} not found"
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for fname, data in parts.items():
            z.writestr(fname, data)


def write_xls(path: Path, rows: list[list[Any]], sheet: str = "Roster") -> Path:
    """A real BIFF8 .xls through xlwt (a test-only dependency)."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def _ods_cell(value: Any) -> str:
    from xml.sax.saxutils import escape

    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        iso = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, rows: list[list[Any]], sheet: str = "Roster") -> Path:
    """A minimal OpenDocument spreadsheet written by hand (mimetype, manifest, content)."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_encrypted(path: Path) -> Path:
    """A minimal OLE2/CFB container holding 'EncryptionInfo' and 'EncryptedPackage' streams: what
    Excel saves for a password-protected .xlsx."""
    sector = 512
    ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 60, ENDOFCHAIN)  # first mini FAT sector
    struct.pack_into("<I", header, 68, ENDOFCHAIN)  # first DIFAT sector
    difat = [0] + [FREESECT] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [FATSECT, ENDOFCHAIN] + [FREESECT] * 126

    def entry(name: str, kind: int, child: int = NOSTREAM, right: int = NOSTREAM) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, NOSTREAM, right, child)
        struct.pack_into("<IQ", raw, 116, ENDOFCHAIN, 0)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, child=1)
        + entry("EncryptionInfo", 2, right=2)
        + entry("EncryptedPackage", 2)
        + bytes(128)
    )
    path.write_bytes(bytes(header) + struct.pack("<128I", *fat) + directory)
    return path


def db_fingerprint(db_path: Path) -> str:
    """A hash of the database's whole content (a full SQL dump) and of the file after a checkpoint."""
    con = sqlite3.connect(str(db_path))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    return hashlib.sha256(dump.encode()).hexdigest() + ":" + hashlib.sha256(db_path.read_bytes()).hexdigest()


# A messy legacy roster: title rows, odd headers, every date form, month columns of hours,
# blank and totals rows, a duplicate, bad values, an unknown column, a formula.
MESSY_HEADER = [
    "Collar No.",
    "SURNAME",
    "First Name(s)",
    "Rank",
    "Status",
    "Date Joined",
    "Attested",
    "Ind. Patrol Date",
    "Mobile",
    "E-mail",
    "Shoe size",
    dt.date(2026, 4, 1),
    "May-26",
    "Jun 26",
]


def messy_rows() -> list[list[Any]]:
    return [
        ["Hertfordshire Special Constabulary", None, None, "Roster kept by CiP"],
        ["Printed 01/06/2026"],
        [],
        MESSY_HEADER,  # row 4
        [
            "4521",
            "Smith ",
            "John",
            "SC",
            "Active",
            dt.date(2019, 4, 3),
            "03/07/2019",
            None,
            "07700 900123",
            "j.smith@example.org",
            "9",
            12,
            "16",
            0,
        ],
        [
            " sc 0452 ",
            "O'Neil",
            "Siân",
            "Spec Sgt",
            "IPS",
            "3 Apr 2018",
            "2018-06-01",
            "1 Jan 2019",
            None,
            None,
            None,
            20.5,
            None,
            8,
        ],
        [4523.0, "Jones-Evans", "Zoë", "S/C", "LOA", 43500, None, None, None, None, "11", None, None, None],
        [],
        [
            "4524",
            "Brown",
            "Amy",
            "Special Bobby",
            "Active",
            "31/02/2020",
            None,
            None,
            None,
            None,
            None,
            -3,
            None,
            None,
        ],
        [
            "4521",
            "Smith",
            "Jane",
            "SC",
            "Active",
            "01/01/2020",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            None,
            "Nocollar",
            "Ann",
            "SC",
            "Active",
            "01/01/2020",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "4525",
            "Early",
            "Bob",
            "SC",
            "Active",
            "01/05/2020",
            "01/01/2020",
            None,
            None,
            None,
            None,
            800,
            None,
            None,
        ],
        [
            "4526",
            "Gone",
            "Kim",
            "SC",
            "Resigned",
            "01/05/2015",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        ["TOTAL", None, None, None, None, None, None, None, None, None, None, 32.5, 16, 8],
    ]


def patch_xlsx(path: Path, replacements: dict[str, str], sheet_no: int = 1) -> Path:
    """Replace text in the XML of a sheet written by openpyxl, to make cells openpyxl will not write:
    ``_x0007_`` is how a workbook holds a BEL (calamine reads it back as one), ``<v>NaN</v>`` a
    damaged number. Give placeholders written with the workbook and what they become."""
    name = f"xl/worksheets/sheet{sheet_no}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[name].decode("utf-8")
    for old, new in replacements.items():
        assert old in xml, f"{old!r} not found in {name}"
        xml = xml.replace(old, new)
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for fname, data in parts.items():
            z.writestr(fname, data)
    return path

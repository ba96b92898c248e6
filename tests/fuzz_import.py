"""Generated workbooks and CSV files, mutated at random (seeded), run through ``cipdesk import``.

Used by the fuzz test (tests/test_import_fuzz.py) and ``make bench`` (tests/bench/bench_files.py).
Each mutant is imported by the command's own entry (``desktop.cli.main``) in a worker process that
runs many of them in turn; for each it records the exit code, the time, the peak memory of the
worker and of the reading process (Linux), whether the database file changed, and what was printed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import helpers_hostile as hostile
from tests.helpers_import import write_csv, write_ods, write_xls, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def base_rows(n: int = 25) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["Special Constabulary roster"],
        [],
        ["Collar No.", "Surname", "Forenames", "Rank", "Status", "Date Joined", "Email", "Apr-25", "May-25"],
    ]
    rnd = random.Random(3)
    for i in range(n):
        rows.append(
            [
                str(4500 + i),
                rnd.choice(["Smith", "O'Neil", "Jones-Evans", "Brontë"]) + str(i),
                rnd.choice(["Amy", "Siân", "Raj"]),
                rnd.choice(["SC", "Spec Sgt", "S/Insp"]),
                rnd.choice(["Active", "LOA", "In training"]),
                dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(3000)),
                f"officer{i}@example.org",
                rnd.choice([0, 8, 16, 24.5]),
                rnd.choice([0, 4, 16]),
            ]
        )
    rows.append(["TOTAL", None, None, None, None, None, None, 100, 50])
    return rows


def make_bases(folder: Path) -> dict[str, Path]:
    """One small roster in every format CiP Desk reads (an .xlsx with a "Read me" sheet first)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = base_rows()
    text_rows = [[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r] for r in rows]
    return {
        "xlsx": write_xlsx(
            folder / "base.xlsx", rows, before={"Read me": [["Fill in one row per officer."]]}
        ),
        "xls": write_xls(folder / "base.xls", rows),
        "ods": write_ods(folder / "base.ods", rows),
        "csv": write_csv(folder / "base.csv", text_rows),
    }


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


def _flip(data: bytes, rnd: random.Random, most: int = 16) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, most)):
        out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def _xml_mutation(xml: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(11)
    if choice == 0:
        return _flip(xml, rnd, 8)
    if choice == 1:  # a cell or a row moved far out
        far = rnd.choice([b"XFD1048576", b"ZZ99999", b"A1048576", b"XFD1", b"AAAA1"])
        return re.sub(rb'r="[A-Z]+\d+"', b'r="' + far + b'"', xml, count=1)
    if choice == 2:
        return re.sub(
            rb'<row r="\d+"',
            b'<row r="' + str(rnd.choice([1048576, 99999999, 0])).encode() + b'"',
            xml,
            count=1,
        )
    if choice == 3:  # a long text
        long = b"x" * rnd.choice([40_000, 140_000, 300_000])
        return re.sub(rb"<t>[^<]*</t>", b"<t>" + long + b"</t>", xml, count=1)
    if choice == 4:  # an entity nobody defined, or a small entity expansion
        if rnd.random() < 0.5:
            return re.sub(rb"<t>[^<]*</t>", b"<t>&xxe;</t>", xml, count=1)
        doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        return xml.replace(b"?>", b"?>" + doctype, 1)
    if choice == 5:  # one row copied many times
        m = re.search(rb"<row\b.*?</row>", xml, re.S)
        if m:
            return xml[: m.end()] + m.group(0) * rnd.choice([50, 2000]) + xml[m.end() :]
        return xml
    if choice == 6:  # odd numbers in value cells
        value = rnd.choice([b"NaN", b"inf", b"-inf", b"1e308", b"-1", b"", b"9" * 400])
        return re.sub(rb"<v>[^<]*</v>", b"<v>" + value + b"</v>", xml, count=rnd.randint(1, 20))
    if choice == 7:  # cut short
        return xml[: rnd.randrange(len(xml))]
    if choice == 8:  # repeated rows and columns (OpenDocument)
        n = str(rnd.choice([1024, 1048576, 100000000])).encode()
        xml = xml.replace(
            b"<table:table-cell ", b'<table:table-cell table:number-columns-repeated="' + n + b'" ', 1
        )
        return xml.replace(
            b"<table:table-row>", b'<table:table-row table:number-rows-repeated="' + n + b'">', 1
        )
    if choice == 9:  # a control character or a NUL in a text
        return re.sub(
            rb"<t>([^<]*)</t>",
            rb"<t>\1" + rnd.choice([b"\x07", b"\x00", b"&#0;", b"&#7;"]) + b"</t>",
            xml,
            count=1,
        )
    # a shared string index or a style index that points nowhere
    return re.sub(rb'(t="s"[^>]*><v>)\d+', rb"\g<1>999999", xml, count=1).replace(b's="1"', b's="9999"', 1)


def _rezip(data: bytes, rnd: random.Random) -> bytes:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [(i, z.read(i)) for i in z.infolist()]
    except Exception:  # noqa: BLE001 - not a zip after all: flip bytes instead
        return _flip(data, rnd)
    xml_parts = [n for n, (i, _d) in enumerate(parts) if i.filename.endswith((".xml", ".rels"))]
    weights = [5 if re.search(r"sheet|content|sharedStrings", parts[n][0].filename) else 1 for n in xml_parts]
    target = rnd.choices(xml_parts, weights)[0]
    info, body = parts[target]
    parts[target] = (info, _xml_mutation(body, rnd))
    if rnd.random() < 0.1:  # a part dropped
        parts.pop(rnd.randrange(len(parts)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, body in parts:
            z.writestr(info.filename, body)
    return out.getvalue()


def _xls_mutation(data: bytes, rnd: random.Random) -> bytes:
    """Change the row, column or length of a few BIFF records."""
    out = bytearray(data)
    records = list(hostile._biff_records(data))
    for _ in range(rnd.randint(1, 3)):
        pos, kind, length = rnd.choice(records)
        what = rnd.randrange(3)
        if what == 0 and length >= 4:
            struct.pack_into("<HH", out, pos + 4, rnd.randrange(65536), rnd.randrange(65536))
        elif what == 1:
            struct.pack_into("<H", out, pos + 2, rnd.randrange(65536))
        else:
            out[pos + 4 : pos + 4 + min(length, 4)] = bytes(rnd.randrange(256) for _ in range(min(length, 4)))
    return bytes(out)


def _csv_mutation(data: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(7)
    lines = data.split(b"\r\n")
    row = rnd.randrange(len(lines))
    if choice == 0:
        return _flip(data, rnd)
    if choice == 1:
        lines[row] += b',"' + b"y" * rnd.choice([40_000, 140_000]) + b'"'
    elif choice == 2:
        lines[row] = lines[row][: len(lines[row]) // 2] + b"\x00" + lines[row][len(lines[row]) // 2 :]
    elif choice == 3:
        lines[row] += b"," * rnd.choice([100, 20_000])
    elif choice == 4:
        lines[row] = b'"' + lines[row]  # a quote never closed
    elif choice == 5:
        lines[row] += rnd.choice([b"\xff\xfe", b"\xc3", b"\x81\x8d"])
    else:
        return data[: rnd.randrange(len(data))]
    return b"\r\n".join(lines)


@dataclass(frozen=True)
class Mutant:
    path: Path
    base: str  # xlsx xls ods csv
    how: str


def make_mutants(folder: Path, count: int, seed: int = 16) -> list[Mutant]:
    """``count`` mutants of the generated bases, the same ones for the same seed."""
    bases = make_bases(folder / "bases")
    raw = {k: p.read_bytes() for k, p in bases.items()}
    rnd = random.Random(seed)
    out: list[Mutant] = []
    for i in range(count):
        base = rnd.choice(["xlsx", "xlsx", "xls", "ods", "csv"])
        data = raw[base]
        if base in ("xlsx", "ods"):
            how = rnd.choice(["xml", "xml", "xml", "bytes", "truncate"])
        elif base == "xls":
            how = rnd.choice(["records", "records", "bytes", "truncate"])
        else:
            how = rnd.choice(["csv", "csv", "bytes"])
        if how == "xml":
            data = _rezip(data, rnd)
        elif how == "records":
            data = _xls_mutation(data, rnd)
        elif how == "csv":
            data = _csv_mutation(data, rnd)
        elif how == "bytes":
            data = _flip(data, rnd)
        else:
            data = data[: rnd.randrange(1, len(data))]
        suffix = bases[base].suffix if rnd.random() < 0.9 else rnd.choice([".xlsx", ".xls", ".csv"])
        path = folder / f"mutant-{i:04d}-{base}-{how}{suffix}"
        path.write_bytes(data)
        out.append(Mutant(path, base, how))
    return out


# ---------------------------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------------------------

WORKER = r"""
import contextlib, hashlib, io, json, os, sys, time, traceback
from pathlib import Path
from desktop import cli
from desktop.core.startup import open_database
from desktop.core.paths import db_url
from desktop.core import settings
from desktop.excel import reader
from desktop.excel.read_worker import Limits

db_path, backups = Path(sys.argv[1]), Path(sys.argv[2])
db = open_database(db_url(str(db_path)), backup_dir=backups)
settings.set_value(db, "backup_folder", str(backups))
db.dispose()

def state():
    parts = []
    for p in (db_path, Path(str(db_path) + "-wal")):
        parts.append(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-")
    return ":".join(parts)

def peak_mb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

def reset_peak():
    with contextlib.suppress(OSError):
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")

for line in sys.stdin:
    if not line.strip():
        continue
    path, scan = line.rstrip("\n").split("\t")
    # Sheets too big to scan first are read with only the memory limit to stop them: half the
    # mutants are read that way, whatever their size.
    reader.LIMITS = Limits() if scan == "1" else Limits(scan_sheets_below=0)
    before = state()
    reset_peak()
    reader.peak_kb_seen = 0
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--db", str(db_path), "import", path])
    except BaseException:
        code = "crash"
        err.write(traceback.format_exc())
    seconds = time.perf_counter() - started
    print(json.dumps({"file": path, "code": code, "seconds": seconds, "parent_mb": peak_mb(),
                      "reader_mb": reader.peak_kb_seen / 1024, "changed": state() != before,
                      "stderr": err.getvalue()[-2000:]}), flush=True)
"""


@dataclass
class Outcome:
    file: str
    code: Any
    seconds: float
    parent_mb: float
    reader_mb: float
    changed: bool
    stderr: str


def run_mutants(
    mutants: list[Mutant], folder: Path, workers: int = 2, timeout: float = 600
) -> tuple[list[Outcome], str]:
    """Import every mutant (split over ``workers`` processes, each with its own database).
    Returns the outcomes and whatever the workers printed outside the command (it should be nothing)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, XDG_DATA_HOME=str(folder / "xdg-data"), XDG_STATE_HOME=str(folder / "xdg-state"))
    procs = []
    for w in range(workers):
        share = mutants[w::workers]
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(folder / f"fuzz{w}.sqlite"), str(folder / f"backups{w}")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        feed = "".join(f"{m.path}\t{(w + n) % 2}\n" for n, m in enumerate(share))
        procs.append((proc, feed))
    outcomes: list[Outcome] = []
    stray = []
    for proc, feed in procs:
        stdout, stderr = proc.communicate(feed, timeout=timeout)
        stray.append(stderr)
        for line in stdout.splitlines():
            if line.startswith("{"):
                outcomes.append(Outcome(**json.loads(line)))
    return outcomes, "".join(stray)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    by_code: dict[str, int] = {}
    for o in outcomes:
        by_code[str(o.code)] = by_code.get(str(o.code), 0) + 1
    slowest = max(outcomes, key=lambda o: o.seconds)
    return {
        "mutants": len(outcomes),
        "by_code": dict(sorted(by_code.items())),
        "worst_seconds": slowest.seconds,
        "worst_file": Path(slowest.file).name,
        "worst_parent_mb": max(o.parent_mb for o in outcomes),
        "worst_reader_mb": max(o.reader_mb for o in outcomes),
        "changed_on_refusal": sum(1 for o in outcomes if o.code == 2 and o.changed),
        "tracebacks": sum(1 for o in outcomes if "Traceback" in o.stderr or o.code == "crash"),
    }

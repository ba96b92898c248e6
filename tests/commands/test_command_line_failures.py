"""Every command against every failure a user can cause or meet, as a real process: one plain
sentence on stderr, the documented exit status, never a traceback, never a password, not even in
the log; an unforeseen failure exits 2 (never 1) with its details in the log only."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.engine import make_url

from desktop.core import roster
from desktop.core.db import sqlite_backup
from desktop.core.paths import db_url
from desktop.core.startup import open_database

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ("import", "export", "return", "demo-data", "backup", "restore")
PASSWORD = "S3cret-Pw-9f2"
WRONG = "Wr0ng-Pw-77c"

# Runs ``python -m desktop`` after making the condition: a full disk (no file may grow), Ctrl+C at
# the first database connection, or an unforeseen failure there (an error, or a panic that is not
# an Exception, as a Rust reader's is).
RUNNER = textwrap.dedent(
    """
    import os, runpy, signal, sqlite3, sys
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "full":
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    elif mode in ("ctrl-c", "bug", "panic"):
        class PanicException(BaseException):
            pass
        real = sqlite3.connect
        def connect(*a, **k):
            if mode == "ctrl-c":
                os.kill(os.getpid(), signal.SIGINT)
                return real(*a, **k)
            if mode == "bug":
                raise ZeroDivisionError("division by zero deep inside")
            raise PanicException("called `Option::unwrap()` on a `None` value")
        sqlite3.connect = sqlite3.dbapi2.connect = connect
    sys.argv = ["cipdesk", *args]
    runpy.run_module("desktop", run_name="__main__", alter_sys=True)
    """
)


@dataclass
class Ran:
    status: int
    out: str
    err: str
    log: str

    def everything(self) -> str:
        return self.out + self.err + self.log


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, Path]:
    """A database with officers, its backup, a roll to import, broken files, and a regular file
    (a path under it is a folder no one can make, root included)."""
    root = tmp_path_factory.mktemp("cli-failures")
    good = root / "good.sqlite"
    db = open_database(db_url(str(good)), backup_dir=root / "backups")
    for n in range(3):
        roster.create_officer(db, {"collar": f"10{n}", "surname": f"Officer{n}"})
    db.dispose()
    sqlite_backup(good, root / "good-backup.sqlite")
    wb = Workbook()
    wb.active.append(["Collar No.", "Surname", "Mar-25"])
    wb.active.append(["200", "Imported", 12])
    wb.save(root / "roll.xlsx")
    (root / "afile").write_text("a file, not a folder")
    (root / "notadb.sqlite").write_bytes(os.urandom(8192))
    damaged = root / "damaged.sqlite"
    sqlite_backup(good, damaged)
    data = bytearray(damaged.read_bytes())  # never opened by SQLite in this process
    data[100:] = os.urandom(len(data) - 100)
    damaged.write_bytes(bytes(data))
    (root / "runner.py").write_text(RUNNER)
    return {
        "root": root,
        "good": good,
        "backup": root / "good-backup.sqlite",
        "roll": root / "roll.xlsx",
        "afile": root / "afile",
        "notadb": root / "notadb.sqlite",
        "damaged": damaged,
        "runner": root / "runner.py",
    }


def _fresh(place, name: str) -> Path:
    """A copy of the good database for one run (its own folder: its own backups)."""
    folder = place["root"] / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cipdesk.sqlite"
    if not path.exists():
        sqlite_backup(place["good"], path)
    return path


def _args(command: str, db: str, out: Path, place, **over) -> list[str]:
    """The command's arguments, any of them replaceable (``input=``, ``output=``)."""
    inp = over.get("input")
    output = over.get("output", out)
    if command == "import":
        rest = ["import", str(inp or place["roll"])]
    elif command == "export":
        rest = ["export", "roster", str(output / "roster.xlsx")]
    elif command == "return":
        rest = ["return", "2025-03", "--json", "--pdf", str(output / "return.pdf")]
    elif command == "demo-data":
        rest = ["demo-data", "--officers", "5", "--years", "1"]
    elif command == "backup":
        rest = ["backup", str(output / "copy.sqlite")]
    else:
        rest = ["restore", str(inp or place["backup"])]
    return ["--db", db, *rest]


def _run(place, tag: str, args: list[str], mode: str = "plain") -> Ran:
    home = place["root"] / "home" / tag
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CIPDESK")},
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
    }
    if mode == "full":  # the log folder must exist before no file may grow
        (home / "state" / "CiPDesk" / "log").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, str(place["runner"]), mode, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(place["root"]),
        timeout=120,
    )
    logs = list((home / "state").rglob("cipdesk.log*"))
    log = "".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
    return Ran(proc.returncode, proc.stdout, proc.stderr, log)


def _officers(path: Path) -> int:
    con = sqlite3.connect(str(path))
    try:
        return int(con.execute("select count(*) from officers").fetchone()[0])
    finally:
        con.close()


def _pg(password: str, port: int | None = None) -> str:
    base = os.environ.get("CIPDESK_TEST_PG") or "postgresql://cipdesk:x@127.0.0.1:5432/cipdesk"
    url = make_url(base).set(password=password)
    if port is not None:
        url = url.set(port=port)
    return url.render_as_string(hide_password=False)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _plain(ran: Ran, status: int, words: str | tuple[str, ...] | None = None) -> None:
    where = f"exit {ran.status}, stderr {ran.err!r}, stdout {ran.out[:200]!r}"
    assert ran.status == status, where
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) == 1, where
    assert lines[0].startswith("cipdesk"), where
    for bad in ("Traceback", "sqlalche.me", "psycopg.", "sqlite3.", "Error:", "Exception"):
        assert bad not in ran.err and bad not in ran.out, where
    for secret in (PASSWORD, WRONG):
        assert secret not in ran.everything(), f"password shown: {where}"
    if words is not None:
        choices = (words,) if isinstance(words, str) else words
        assert any(w.lower() in lines[0].lower() for w in choices), where


def _conditions(place) -> list[tuple[str, str, list[str], str, int, str | None]]:
    """(condition, command, arguments, runner mode, exit status, words the sentence holds)."""
    runs = []
    down = _pg(PASSWORD, _free_port())
    refused = _pg(WRONG)
    under = place["afile"] / "missing"  # a folder no one can make
    for command in COMMANDS:
        fresh = str(_fresh(place, f"db-{command}"))
        full = str(_fresh(place, f"full-{command}"))

        def target(condition: str, c: str = command) -> str:
            """A database of the run's own: runs go at once, and a write holds its database alone."""
            if c == "demo-data":
                return str(place["root"] / f"empty-demo-{condition}" / "cipdesk.sqlite")
            return str(_fresh(place, f"db-{c}-{condition}"))

        def damaged(c: str = command) -> str:
            copy = place["root"] / f"damaged-{c}" / "cipdesk.sqlite"
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(place["damaged"], copy)
            return str(copy)

        def case(condition, db, mode="plain", status=2, words=None, c=command, **over):
            out = place["root"] / "out" / c / condition.replace(" ", "-")
            out.mkdir(parents=True, exist_ok=True)
            runs.append((condition, c, _args(c, db, out, place, **over), mode, status, words))

        if command in ("import", "restore"):  # the input, the database or the output is there
            case("missing folder", fresh, input=under / "in.xlsx")
        elif command == "demo-data":
            case("missing folder", str(under / "cipdesk.sqlite"))
        else:
            case("missing folder", fresh, output=under)
        case("full disk", full, "full")
        case("server down", down, words="Cannot reach the database server")
        case("wrong password", refused)
        # a damaged database (restore: a file that is not a database at all)
        case("damaged file", damaged(), input=place["notadb"])
        case("ctrl-c", target("ctrl-c"), "ctrl-c", 130, "interrupted")
        case("bug", target("bug"), "bug", 2, "unexpected error")
        if command in ("import", "restore"):  # the two that read files a reader could panic on
            case("panic", target("panic"), "panic", 2, "unexpected error")
    return runs


def test_every_command_fails_plainly_under_every_condition(place):
    runs = _conditions(place)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda r: _run(place, f"{r[0]}-{r[1]}".replace(" ", "-"), r[2], r[3]), runs))
    failures = []
    for (condition, command, _given, _mode, status, words), ran in zip(runs, results, strict=True):
        try:
            _plain(ran, status, words)
        except AssertionError as exc:
            failures.append(f"{command} / {condition}: {exc}")
        if condition in ("bug", "panic"):
            if "Traceback" not in ran.log:
                failures.append(f"{command} / {condition}: the details are not in the log")
    assert failures == [], "\n".join(failures)
    # Nothing was changed by the runs that stopped.
    assert _officers(_fresh(place, "db-import")) == 3
    assert _officers(_fresh(place, "db-restore")) == 3


def test_a_locked_database_is_named_plainly_by_every_command(place):
    path = _fresh(place, "locked")
    holder = sqlite3.connect(str(path))
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE settings SET value = value")
    try:
        out = place["root"] / "out-locked"
        out.mkdir(exist_ok=True)
        with ThreadPoolExecutor(max_workers=len(COMMANDS)) as pool:
            results = list(
                pool.map(
                    lambda c: _run(place, f"locked-{c}", _args(c, str(path), out, place)),
                    COMMANDS,
                )
            )
    finally:
        holder.rollback()
        holder.close()
    for command, ran in zip(COMMANDS, results, strict=True):
        assert ran.status == 2, (command, ran)
        # The commands run at once, so a writer may also meet another command's single-writer lock.
        words = None if command == "backup" else ("busy", "in use by another CiP Desk command")
        _plain(ran, 2, words)
    assert _officers(path) == 3


def test_an_unforeseen_failure_exits_2_never_1_and_keeps_its_details_for_the_log(place):
    start = time.perf_counter()
    ran = _run(
        place,
        "bug-import-detail",
        _args("import", str(_fresh(place, "bug-detail")), place["root"], place),
        "bug",
    )
    _plain(ran, 2, "changed nothing")
    assert "the details are in the log file" in ran.err
    assert "ZeroDivisionError" in ran.log and "Traceback" in ran.log
    assert (
        "ZeroDivisionError: division by zero deep inside" not in ran.log
    )  # messages may quote personal data
    assert "ZeroDivisionError" not in ran.err
    assert time.perf_counter() - start < 60


def test_a_password_in_a_url_is_hidden_in_messages_and_the_log(place):
    ran = _run(place, "hidden-url", ["--db", _pg(PASSWORD, _free_port()), "return", "2025-03", "--json"])
    _plain(ran, 2)
    assert ":***@" in ran.err and PASSWORD not in ran.log and ":***@" in ran.log
    from desktop.core.errors import hide_passwords

    assert hide_passwords("postgresql://cipdesk:pw@host/db") == "postgresql://cipdesk:***@host/db"
    assert hide_passwords("host=x password=abc dbname=y") == "host=x password=*** dbname=y"

"""The command line of docs/cli.md: help, `python -m desktop`, demo-data, and where the database is."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import cli
from desktop.core import paths
from desktop.core.models import Officer
from desktop.core.paths import db_url, resolve_db
from desktop.core.startup import open_database

REPO = Path(__file__).resolve().parents[2]
# The commands of docs/cli.md (checked against docs/cli.md).
COMMANDS = ("import", "export", "return", "demo-data", "backup", "restore")
CLI_MD = (REPO / "docs" / "cli.md",)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch, tmp_path):
    """No log file in the real user folder, no environment leaking into the test."""
    from desktop.core import logs

    monkeypatch.setattr(logs, "setup", lambda *a, **k: None)
    monkeypatch.delenv("CIPDESK_DB", raising=False)
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "data-folder")


def _count(path: Path) -> int:
    db = open_database(db_url(str(path)), backup_dir=path.parent / "backups")
    try:
        with db.read() as s:
            return int(s.scalar(select(func.count(Officer.id))))
    finally:
        db.dispose()


def _documented_commands() -> set[str]:
    for doc in CLI_MD:
        if doc.exists():
            found: set[str] = set()
            for line in doc.read_text(encoding="utf-8").splitlines():
                m = re.match(r"^cipdesk(?: \[[^\]]*\])* ([a-z][a-z-]*)", line)
                if m:
                    found.add(m.group(1))
                found.update(re.findall(r"\| ([a-z][a-z-]*) ", line))
            return found
    return set(COMMANDS)


def test_help_lists_every_command_of_the_contract(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    documented = _documented_commands()
    assert documented >= set(COMMANDS)
    for command in sorted(documented | set(COMMANDS)):
        assert re.search(rf"^\s+{re.escape(command)}\s", out, re.M), f"{command} missing from --help"
    for option in ("--db", "--demo", "--version"):
        assert option in out


def test_demo_data_help_names_its_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["demo-data", "--help"])
    out = capsys.readouterr().out
    assert all(opt in out for opt in ("--officers", "--years", "--seed"))


def test_python_m_desktop_runs():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "demo-data" in done.stdout and "usage: cipdesk" in done.stdout


def test_demo_data_fills_a_new_database_and_then_refuses_to_mix(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    args = ["--db", str(path), "demo-data", "--officers", "25", "--years", "1", "--seed", "4"]
    assert cli.main(args) == 0
    err = capsys.readouterr().err
    assert re.search(r"wrote 25 officers, [\d,]+ duties.* in \d+\.\d s\.", err), err
    assert str(path) in err and err.count("\n") == 1
    assert _count(path) == 25

    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "already holds 25 officers" in err and "nothing was changed" in err
    assert _count(path) == 25


def test_demo_data_never_writes_into_the_users_own_database(tmp_path, capsys):
    assert cli.main(["demo-data", "--officers", "5", "--years", "1"]) == 2
    err = capsys.readouterr().err
    assert "not written into your own database" in err and "--db" in err
    assert not (tmp_path / "data-folder" / "cipdesk.sqlite").exists()


def test_demo_data_goes_where_cipdesk_db_says(tmp_path, monkeypatch, capsys):
    target = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("CIPDESK_DB", str(target))
    assert cli.main(["demo-data", "--officers", "5", "--years", "1"]) == 0
    assert _count(target) == 5


@pytest.mark.parametrize("option", [["--officers", "0"], ["--years", "0"], ["--officers", "1000000"]])
def test_demo_data_refuses_nonsense_sizes(tmp_path, capsys, option):
    path = tmp_path / "x.sqlite"
    assert cli.main(["--db", str(path), "demo-data", *option]) == 2
    assert "must be between" in capsys.readouterr().err
    assert not path.exists()


def test_a_database_in_a_folder_that_does_not_exist_yet_is_created(tmp_path, capsys):
    path = tmp_path / "new" / "deeper" / "demo.sqlite"
    assert cli.main(["--db", str(path), "demo-data", "--officers", "3", "--years", "1"]) == 0
    assert path.exists()


def test_a_database_path_that_cannot_be_made_is_refused_plainly(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    assert cli.main(["--db", str(blocker / "demo.sqlite"), "demo-data", "--officers", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cipdesk demo-data: ") and "notes.txt is a file, not a folder" in err
    assert "Traceback" not in err


def test_a_folder_given_as_the_database_is_refused_plainly(tmp_path, capsys):
    assert cli.main(["--db", str(tmp_path), "demo-data", "--officers", "3"]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused_plainly(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert cli.main(["--db", str(folder / "demo.sqlite"), "demo-data", "--officers", "3"]) == 2
        err = capsys.readouterr().err
        assert "may not write" in err and "Traceback" not in err
    finally:
        folder.chmod(0o700)


# -- where the database is: --db, else CIPDESK_DB, else the data folder --------------------------------


def test_db_option_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CIPDESK_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db(str(tmp_path / "arg.sqlite")) == f"sqlite:///{tmp_path / 'arg.sqlite'}"


def test_environment_wins_over_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CIPDESK_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"


def test_default_is_cipdesk_sqlite_in_the_data_folder(tmp_path):
    assert resolve_db(None) == f"sqlite:///{tmp_path / 'data-folder' / 'cipdesk.sqlite'}"


def test_an_empty_environment_variable_means_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CIPDESK_DB", "")
    assert resolve_db(None).endswith("/data-folder/cipdesk.sqlite")


def test_urls_pass_through_and_paths_become_absolute(tmp_path, monkeypatch):
    url = "postgresql+psycopg://cip@dbhost/cipdesk"
    assert resolve_db(url) == url
    monkeypatch.chdir(tmp_path)
    assert resolve_db("here.sqlite") == f"sqlite:///{tmp_path.resolve() / 'here.sqlite'}"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_db("~/home.sqlite") == f"sqlite:///{tmp_path.resolve() / 'home.sqlite'}"


def test_the_resolved_database_reaches_the_command(tmp_path, monkeypatch):
    seen = {}

    def fake_run(args):
        seen["url"] = args.db_url
        return 0

    from desktop.commands import demo_data_cmd

    monkeypatch.setattr(demo_data_cmd, "run", fake_run)
    monkeypatch.setenv("CIPDESK_DB", str(tmp_path / "env.sqlite"))
    assert cli.main(["demo-data"]) == 0
    assert seen["url"] == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert cli.main(["--db", str(tmp_path / "arg.sqlite"), "demo-data"]) == 0
    assert seen["url"] == f"sqlite:///{tmp_path / 'arg.sqlite'}"


def test_db_is_understood_after_the_command_too(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "force.sqlite"
    out = tmp_path / "roster.xlsx"
    made = subprocess.run(
        [sys.executable, "-m", "desktop", "demo-data", "--officers", "5", "--years", "1", "--db", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "CIPDESK_DB": ""},
    )
    assert made.returncode == 0, made.stderr
    ran = subprocess.run(
        [sys.executable, "-m", "desktop", "export", "roster", str(out), "--db", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")},
    )
    assert ran.returncode == 0, ran.stderr
    assert "Exported 5 officers" in ran.stderr and out.exists()


def test_a_reader_that_stops_reading_gets_no_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "force.sqlite"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "--db",
            str(path),
            "demo-data",
            "--officers",
            "400",
            "--years",
            "1",
        ],
        capture_output=True,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(  # the JSON of 400 officers is more than a pipe holds
        [sys.executable, "-m", "desktop", "--db", str(path), "return", "2026-01", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.read(100)
    proc.stdout.close()  # as `| head -c 100` does
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait(60) == 0
    assert "Broken pipe" not in err and "Traceback" not in err

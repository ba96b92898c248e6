"""The command line (README.md, "Command line"). The window is the product; this runs the same
services.

Each command lives in ``desktop/commands/<name>.py`` as ``run(args) -> int``; ``args.db_url`` is
the resolved database URL. Whatever a command meets, :func:`main` answers with an exit status and at
most one plain sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence

from desktop import __version__

# command name -> its module under desktop.commands (each has ``run(args) -> int``)
COMMANDS: dict[str, str] = {
    "import": "import_cmd",
    "export": "export_cmd",
    "return": "return_cmd",
    "demo-data": "demo_data_cmd",
    "backup": "backup_cmd",
    "restore": "restore_cmd",
}

DB_HELP = "database file or SQLAlchemy URL (default: $CIPDESK_DB, else cipdesk.sqlite in your data folder)"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cipdesk",
        description="CiP Desk: run a force's Special Constabulary. With no command, opens the window.",
    )
    p.add_argument("--db", metavar="PATH_OR_URL", help=DB_HELP)
    p.add_argument("--demo", action="store_true", help="open the window on a fresh demo database")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end on a temporary database, then exit",
    )
    p.add_argument("--version", action="version", version=f"CiP Desk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser("import", help="import a roster spreadsheet (.xlsx .xlsm .xls .ods .csv)")
    imp.add_argument("file")
    imp.add_argument("--sheet", metavar="NAME")
    imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imp.add_argument("--rejects", metavar="OUT.xlsx", help="save rejected rows with their reasons")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")

    exp = sub.add_parser("export", help="export the roster to Excel")
    exp.add_argument("what", choices=["roster"])
    exp.add_argument("out", metavar="OUT.xlsx")

    ret = sub.add_parser("return", help="the monthly return for YYYY-MM")
    ret.add_argument("month", metavar="YYYY-MM")
    ret.add_argument("--pdf", metavar="OUT.pdf")
    ret.add_argument("--xlsx", metavar="OUT.xlsx")
    ret.add_argument("--json", action="store_true")

    demo = sub.add_parser("demo-data", help="fill the database with a believable demo force")
    demo.add_argument("--officers", type=int, default=400)
    demo.add_argument("--years", type=int, default=3)
    demo.add_argument("--seed", type=int, default=1)

    bk = sub.add_parser("backup", help="copy the database safely to OUT.sqlite")
    bk.add_argument("out", metavar="OUT.sqlite")
    rs = sub.add_parser(
        "restore", help="replace the database with a backup (the current one is backed up first)"
    )
    rs.add_argument("src", metavar="IN.sqlite")
    # --db is also understood after the command ("cipdesk export roster out.xlsx --db force.sqlite").
    for command in sub.choices.values():
        command.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=DB_HELP)
    return p


# Exit statuses of every command (README.md, "Command line"): 0 done; 1 only from import (some rows
# rejected, the rest imported); 2 refused or failed, with one sentence on stderr (nothing changed);
# 130 stopped with Ctrl+C.
FAILED = 2
INTERRUPTED = 130


def _say(text: str) -> None:
    from desktop.core.errors import hide_passwords

    try:
        print(hide_passwords(text), file=sys.stderr)
    except (OSError, ValueError):  # stderr closed or gone: nothing else can be said
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line. Whatever happens, the answer is an exit status and at most one plain
    sentence on stderr: never a traceback (the details of an unforeseen failure go to the log)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _say("cipdesk: interrupted; nothing more was written.")
        return INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from desktop.core import logs

    logs.setup()
    prog = f"cipdesk {args.command}" if args.command else "cipdesk"
    args.db_url = None
    try:
        if args.self_test:
            from desktop.selftest import run_self_test

            return run_self_test()
        from desktop.core.paths import resolve_db

        args.db_url = resolve_db(args.db)
        if args.command is None:
            from desktop.app import run_gui

            return run_gui(None if args.demo else args.db_url, demo=args.demo)
        module = importlib.import_module(f"desktop.commands.{COMMANDS[args.command]}")
        return int(module.run(args))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BrokenPipeError:  # the reader stopped reading (``| head``): nothing to say to anyone
        import os

        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except BaseException as exc:  # noqa: BLE001 (the last resort: a reader's panic is a BaseException)
        return _failed(prog, exc, args.db_url)


def _failed(prog: str, exc: BaseException, url: str | None) -> int:
    """One sentence on stderr, the details in the log, exit status 2."""
    import logging

    from desktop.core import logs
    from desktop.core.errors import plain_message

    log = logging.getLogger("desktop.cli")
    message = plain_message(exc, url=url) if isinstance(exc, Exception) else None
    # The log keeps the kind of failure and where it happened, never the text of a CiP Desk refusal
    # or of an unforeseen error: those can quote a cell or a record (a name, a phone number). The
    # sentences made for system failures (server down, disk full) are the program's own words.
    if message is not None:
        from desktop.core.errors import CipDeskError

        said = type(exc).__name__ if isinstance(exc, CipDeskError) else message
        log.warning("%s refused: %s", prog, said)
        _say(f"{prog}: {message}")
        return FAILED
    log.error("%s stopped on an unexpected error:\n%s", prog, logs.redacted_traceback(exc))
    where = logs.log_file()
    details = f"the details are in the log file {where}" if where else "no log file could be written"
    _say(f"{prog}: stopped on an unexpected error and changed nothing; {details}.")
    return FAILED


def gui_main() -> int:
    return main([])


if __name__ == "__main__":
    raise SystemExit(main())

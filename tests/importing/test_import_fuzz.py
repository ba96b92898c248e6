"""A few hundred mutants of generated workbooks and CSV files (seeded, so every run is the same):
``cipdesk import`` exits 0, 1 or 2 for each, never with a traceback, in bounded time and memory, and
leaves the database byte for byte as it was whenever it refuses the file (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.fuzz_import import make_mutants, run_mutants

MUTANTS = 300
SECONDS = 30.0  # for one file, refused or imported (they take well under a second)
MEMORY_MB = 300.0  # the command's process, and the reading process, each


def test_mutated_files_are_imported_or_refused_plainly(tmp_path: Path) -> None:
    mutants = make_mutants(tmp_path / "mutants", MUTANTS, seed=16)
    outcomes, stray = run_mutants(mutants, tmp_path / "run", workers=2, timeout=170)
    assert len(outcomes) == MUTANTS, stray[-3000:]
    problems = []
    for o in outcomes:
        name = Path(o.file).name
        if o.code not in (0, 1, 2):
            problems.append(f"{name}: exit {o.code}: {o.stderr[-600:]}")
        if "Traceback" in o.stderr or "panicked" in o.stderr:
            problems.append(f"{name}: printed {o.stderr[-600:]}")
        if o.code == 2 and o.changed:
            problems.append(f"{name}: refused, but the database changed")
        if o.seconds > SECONDS:
            problems.append(f"{name}: took {o.seconds:.1f} s")
        if sys.platform.startswith("linux") and max(o.parent_mb, o.reader_mb) > MEMORY_MB:
            problems.append(
                f"{name}: peak memory {o.parent_mb:.0f} MB (command), {o.reader_mb:.0f} MB (reader)"
            )
    assert not problems, "\n".join(problems[:20])
    assert "Traceback" not in stray and "panicked" not in stray, stray[-3000:]
    codes = {o.code for o in outcomes}
    assert {0, 2} <= codes  # the mutants reach both sides: files imported and files refused

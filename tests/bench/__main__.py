"""`make bench`: run every tests/bench/bench_*.py module's main(), each printing measured vs target.

Benchmarks, not tests: they print figures beside their targets and exit non-zero when one misses.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    only = sys.argv[1:]
    failures = 0
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        module = importlib.import_module(f"tests.bench.{path.stem}")
        print(f"== {path.stem}", flush=True)
        started = time.perf_counter()
        ok = module.main()
        print(
            f"   ({time.perf_counter() - started:.1f} s in all){'' if ok else '  MISSED A TARGET'}",
            flush=True,
        )
        failures += 0 if ok else 1
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of reading interaction logs (``experiments.calibration.logs``).

1. A 5-million-event CSV (``actor,target,timestamp``, 50,000 people, a year of Unix
   seconds) written to a temporary folder and read with ``read_events`` (target: < 30 s).
2. ``commsim history`` on the SNAP CollegeMsg log (``../shared/data``), end to end in a
   fresh process (imports, reading, both tables, the summary).

    python benchmarks/bench_history.py
    python benchmarks/bench_history.py --events 1000000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.logs import read_events

COLLEGE_MSG = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "CollegeMsg.txt.gz"


def write_csv(path: Path, n_events: int, n_people: int = 50_000) -> None:
    """A synthetic log: random actors and targets, times over a year (one fixed seed)."""
    rng = np.random.default_rng(1)
    pd.DataFrame(
        {
            "actor": rng.integers(0, n_people, n_events),
            "target": rng.integers(0, n_people, n_events),
            "timestamp": 1_700_000_000 + rng.integers(0, 365 * 86_400, n_events),
        }
    ).to_csv(path, index=False)


def time_read(n_events: int) -> tuple[float, int]:
    """Seconds to read a CSV of ``n_events`` events through ``read_events``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        write_csv(path, n_events)
        start = time.perf_counter()
        events = read_events(path)
        return time.perf_counter() - start, len(events.frame)


def time_history_command(path: Path) -> float:
    """Seconds for ``commsim history data=PATH`` in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "experiments.cli", "history", f"data={path}", f"out={out}"],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr)
    print(proc.stdout)
    return seconds


def main() -> None:
    """Print the reading time of the large CSV and of commsim history on CollegeMsg."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    args = parser.parse_args()
    seconds, n = time_read(args.events)
    verdict = "ok" if seconds < 30 else "SLOW (target < 30 s)"
    print(f"read_events, CSV of {n:,} events: {seconds:.1f} s ({verdict})")
    if COLLEGE_MSG.is_file():
        seconds = time_history_command(COLLEGE_MSG)
        print(f"commsim history on CollegeMsg (fresh process): {seconds:.1f} s")
    else:
        print(f"CollegeMsg not found at {COLLEGE_MSG}: skipped")


if __name__ == "__main__":
    main()

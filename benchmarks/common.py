"""Helpers shared by the benchmark scripts: child runs, medians, a results table."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_child(overrides: list[str]) -> dict:
    """Run one configuration in a fresh Python process; returns seconds, peak_bytes, summary."""
    proc = subprocess.run(
        [sys.executable, str(HERE / "_child.py"), *overrides],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed ({' '.join(overrides)}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    """The median of a list of numbers."""
    return float(statistics.median(values))


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain text table."""
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    head = "  ".join(c.ljust(widths[c]) for c in columns)
    lines = [head, "-" * len(head)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)

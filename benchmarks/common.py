"""Helpers shared by the benchmark scripts: child runs, medians, a results table."""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """Commit ``ref`` checked out into a temporary git worktree (removed afterwards): the
    tree an A/B benchmark runs the older code from."""
    with tempfile.TemporaryDirectory(prefix="commsim-ref-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", str(tree), ref], check=True, capture_output=True)
        try:
            yield tree
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=False, capture_output=True)


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

"""Two commsim versions side by side: the same runs, interleaved, medians and their ratio.

Checks that a change costs no speed. Each configuration is run in a fresh process
(``_child.py``: imports, graph building and every day counted) alternately with this
checkout and with an older commit checked out into a temporary git worktree (its own
sources and configs first on the import path), and the script prints each side's median
and the median of the pair-by-pair ratios (this checkout / the reference; below 1 is
faster).

    python benchmarks/bench_versions.py --ref 713465d --repeats 5
    python benchmarks/bench_versions.py --ref HEAD~3 --config "community.n=100000 days=365"

``--this-extra "k=v ..."`` adds overrides to this checkout's runs only: with it, a change
that also changes the model's defaults can be timed on the reference's workload (set the
old values of the keys it changed, or switch its new mechanism off), so that the ratio
measures the code, not the different dynamics.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from common import checkout, median, table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: what a change to the engine most often slows: a large default run, every playbook
#: mechanism at once, and many short runs (where Python overhead dominates)
CONFIGS = [
    "community.n=100000 days=365",
    "community.n=100000 days=365 playbook=full_playbook",
    "behaviour=diffusion community=ba community.n=10000 days=100",
]


def time_once(tree: Path, overrides: list[str]) -> float:
    """Seconds for one run of ``overrides`` with the code at ``tree``, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    child = tree / "benchmarks" / "_child.py"
    proc = subprocess.run(
        [sys.executable, str(child), *overrides],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"run failed in {tree} ({' '.join(overrides)}):\n{proc.stderr}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])


def compare(
    ref_tree: Path, configs: list[str], repeats: int, this_extra: list[str] | None = None
) -> list[dict]:
    """Interleaved timings of every configuration: reference, this checkout, reference...

    ``this_extra``: overrides added to this checkout's runs only.
    """
    rows = []
    for config in configs:
        overrides = config.split()
        old, new = [], []
        for _ in range(repeats):
            old.append(time_once(ref_tree, overrides))
            new.append(time_once(ROOT, overrides + list(this_extra or [])))
        ratios = [n / o for n, o in zip(new, old, strict=True)]
        rows.append(
            {
                "config": config,
                "reference_s": f"{median(old):.2f}",
                "this_s": f"{median(new):.2f}",
                "ratio": f"{median(ratios):.3f}",
                "ratio_range": f"{min(ratios):.3f}-{max(ratios):.3f}",
            }
        )
        print(f"{config}: ratio {rows[-1]['ratio']}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--ref REV [--repeats N] [--config "k=v ..."]...``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="the git revision to compare against")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument(
        "--config", action="append", help="overrides of one configuration (repeatable)"
    )
    parser.add_argument(
        "--this-extra", default="", help="overrides for this checkout's runs only (k=v ...)"
    )
    args = parser.parse_args(argv)
    with checkout(args.ref) as tree:
        rows = compare(tree, args.config or CONFIGS, args.repeats, args.this_extra.split())
    print()
    print(f"this checkout vs {args.ref}, medians of {args.repeats} interleaved fresh processes")
    if args.this_extra:
        print(f"this checkout's runs also set: {args.this_extra}")
    print(table(rows, ["config", "reference_s", "this_s", "ratio", "ratio_range"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

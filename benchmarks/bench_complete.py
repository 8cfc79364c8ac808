"""Time the agent-based Bass model on the implicit complete graph at 10^4, 10^5, 10^6 people.

``community=complete`` stores no tie (``sim.graphs.implicit``): every neighbour aggregate
comes from totals, so time and memory grow with n, not n^2 (the explicit matrix needed
4.1 GB and 20 s per run at 10,000 people and was refused at 25,000). Each run is the
Bass check of ``commsim validate`` (``behaviour=diffusion``, p=0.01, q=0.3, 40 days) in a
fresh process; the table shows, per size, the median over ``--runs`` runs of the run's
own time (composing and checking the config, building the model, 40 days; imports not
counted), the process's peak memory, the share joined by day 20 against the Bass
recursion, and whether a million people take under 10 s:

    python benchmarks/bench_complete.py
    python benchmarks/bench_complete.py --runs 5 --sizes 10000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import median, table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DAYS, P, Q = 40, 0.01, 0.3
#: people -> seconds a run should take at most on the 2-core machine
TARGETS = {1_000_000: 10.0}


def overrides(n: int, seed: int) -> list[str]:
    """The Bass check's settings on a complete graph of ``n`` people."""
    return [
        "behaviour=diffusion",
        "initial_members=0",
        "community=complete",
        f"community.n={n}",
        f"days={DAYS}",
        "acquisition.rule=bass",
        f"acquisition.p={P}",
        f"acquisition.q={Q}",
        f"seed={seed}",
        "run.progress=off",
        "run.handles=off",
    ]


def child(n: int, seed: int) -> None:
    """One run in this process: print its seconds, peak bytes and share joined by day 20."""
    from sim import run

    start = time.perf_counter()
    result = run(overrides(n, seed))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    day20 = float(result.metrics["joined_total"].iloc[20]) / n
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "day20": day20}))


def measure(n: int, seed: int) -> dict:
    """One run in a fresh process (this checkout's code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(n), str(seed)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed (n={n}):\n{proc.stderr}")
    result: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT))
    from experiments.commands.validate import bass_recursion

    bass20 = bass_recursion(P, Q, DAYS)[20]
    rows = []
    for n in args.sizes:
        runs = [measure(n, seed) for seed in range(args.runs)]
        seconds = median([r["seconds"] for r in runs])
        target = TARGETS.get(n)
        rows.append(
            {
                "people": f"{n:,}",
                "seconds (median)": f"{seconds:.2f}",
                "seconds (max)": f"{max(r['seconds'] for r in runs):.2f}",
                "peak MB": f"{median([r['peak_bytes'] for r in runs]) / 1e6:.0f}",
                "F[20] simulated": f"{median([r['day20'] for r in runs]):.4f}",
                "F[20] Bass": f"{bass20:.4f}",
                "target": "-" if target is None else f"< {target:.0f} s: {seconds < target}",
            }
        )
    print(f"Bass on the implicit complete graph, {DAYS} days, median of {args.runs} runs")
    print(table(rows, list(rows[0])))


if __name__ == "__main__":
    main()

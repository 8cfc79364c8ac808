"""Time one calibration-size simulation (CollegeMsg fit: 1,905 people, 194 days), two versions.

``commsim calibrate`` on a small real log runs about a thousand such simulations, each
dominated by the per-day Python and NumPy overhead of the phases, not by array sizes.
This script times ``experiments.calibration.simulate.simulate`` on the fitted CollegeMsg
configuration (the overrides in :data:`COLLEGE`), with this checkout and, with ``--ref REV``,
with another commit checked out into a temporary git worktree, alternately:

    python benchmarks/bench_small.py --ref HEAD~3
    python benchmarks/bench_small.py --ref main --rounds 9 --sims 5

Each round runs one fresh process per side (this checkout's, then the reference's, in
turns); a process composes the config once, runs one warm-up simulation, then times
``--sims`` simulations (seeds 0, 1, ...) and reports the median. The table shows, per
side, the median over rounds of those per-process medians, and the median of the
round-by-round ratios (this checkout / the reference; below 1 is faster).

Both clocks are reported: wall time, and the process's CPU time, which a busy machine
(another calibration on the same cores) disturbs much less.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import checkout, median, table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: the CollegeMsg fit (``commsim calibrate``, active = contributors): 1,905 people, 194 days
COLLEGE = [
    "community=holme_kim",
    "community.n=1905",
    "community.m=4",
    "community.pt=0.5",
    "days=193",
    "initial_members=2",
    "drivers.start_date=2004-04-15",
    "acquisition.p=0.01743961604944372",
    "acquisition.q=0.03180183470575624",
    "behaviour.visits.base=0.005945261569885633",
    "behaviour.visits.slope=0.29299584956138336",
    "behaviour.contribution.post_base=0.1062503953681363",
    "behaviour.contribution.reply_base=0.2035009125754981",
    "behaviour.commitment.novelty_days=15.551600046812506",
    "behaviour.churn.base=0.004196434400310568",
    "behaviour.churn.inactivity=0.004742743108291463",
    "drivers.level_days=14",
    "drivers.level_start=2004-04-15",
    "drivers.monthly_activity=[11.34,10.68,6.738,3.221,1.716,1.278,1.112,1.07,1.057,1.077,"
    "1.092,1.089,1.07,1.043]",
]
N_DAYS = 194
ACTIVE = "contributors"


def child(n_sims: int) -> None:
    """Time ``n_sims`` simulations with the code on the import path; print JSON seconds."""
    from experiments.calibration.simulate import simulate
    from sim.runner import compose, to_plain

    plain = to_plain(compose(COLLEGE))
    simulate(plain, n_sims, N_DAYS, ACTIVE)  # warm-up: imports, caches
    wall, cpu = [], []
    for seed in range(n_sims):
        start, start_cpu = time.perf_counter(), time.process_time()
        simulate(plain, seed, N_DAYS, ACTIVE)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(json.dumps({"wall": wall, "cpu": cpu}))


def time_process(tree: Path, n_sims: int) -> dict[str, float]:
    """Median wall and CPU seconds per simulation in one fresh process running the code at
    ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(n_sims)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"simulation failed in {tree}:\n{proc.stderr}")
    runs = json.loads(proc.stdout.strip().splitlines()[-1])
    return {clock: float(statistics.median(runs[clock])) for clock in CLOCKS}


#: the clocks timed: wall time and the process's CPU time
CLOCKS = ("wall", "cpu")

Times = dict[str, dict[str, list[float]]]  # side -> clock -> per-process medians


def measure(trees: dict[str, Path], rounds: int, n_sims: int) -> Times:
    """Per-process medians of every side, the sides' processes interleaved round by round."""
    times: Times = {name: {clock: [] for clock in CLOCKS} for name in trees}
    for r in range(rounds):
        for name, tree in trees.items():
            for clock, seconds in time_process(tree, n_sims).items():
                times[name][clock].append(seconds)
        line = ", ".join(
            f"{name} {times[name]['wall'][-1] * 1e3:.1f} ms, cpu {times[name]['cpu'][-1] * 1e3:.1f}"
            for name in trees
        )
        print(f"round {r + 1}/{rounds}: {line}", flush=True)
    return times


def report(times: Times, n_sims: int) -> None:
    """Print the medians (and, with a reference, the ratios) as a table."""
    rows = [
        {
            "version": name,
            "clock": clock,
            "median_ms": f"{median(t) * 1000:.1f}",
            "min_ms": f"{min(t) * 1000:.1f}",
            "max_ms": f"{max(t) * 1000:.1f}",
        }
        for name, by_clock in times.items()
        for clock, t in by_clock.items()
    ]
    print()
    rounds = len(times["this"]["wall"])
    print(f"one CollegeMsg simulation ({N_DAYS} days), medians of {rounds} rounds x {n_sims}")
    print(table(rows, ["version", "clock", "median_ms", "min_ms", "max_ms"]))
    if "reference" in times:
        for clock in CLOCKS:
            this, ref = times["this"][clock], times["reference"][clock]
            ratios = [a / b for a, b in zip(this, ref, strict=True)]
            print(
                f"{clock} ratio this / reference: median {median(ratios):.3f} "
                f"(range {min(ratios):.3f}-{max(ratios):.3f}); "
                f"ratio of medians {median(this) / median(ref):.3f}"
            )


def main(argv: list[str] | None = None) -> int:
    """Command line: ``[--ref REV] [--rounds N] [--sims N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="a git revision to time side by side (e.g. HEAD~3)")
    parser.add_argument("--rounds", type=int, default=7, help="processes per side (default 7)")
    parser.add_argument(
        "--sims", type=int, default=5, help="timed simulations per process (default 5)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # internal: one process
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child)
        return 0
    if not args.ref:
        report(measure({"this": ROOT}, args.rounds, args.sims), args.sims)
        return 0
    with checkout(args.ref) as tree:
        times = measure({"this": ROOT, "reference": tree}, args.rounds, args.sims)
    report(times, args.sims)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

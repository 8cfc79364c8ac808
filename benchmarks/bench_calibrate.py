"""Speed and fit of ``commsim calibrate``: CollegeMsg and a long synthetic log, per method.

Each calibration runs end to end in a fresh process (``python -m experiments.cli
calibrate ...``: imports, reading the log, every simulation, the outputs), ``--repeats``
times, alternating the methods; the script prints per method the median wall time, the
median CPU time of the process and its workers, the simulations and the fit (R² of each
series, peak days) of the last run. Targets (issue 12): CollegeMsg under 60 s and a log
of 6,000 users over 64 months under 5 minutes, on two cores.

    python benchmarks/bench_calibrate.py                        # CollegeMsg, both methods
    python benchmarks/bench_calibrate.py --logs synthetic --repeats 1 --methods abc
    python benchmarks/bench_calibrate.py --ref 090e043 --methods nelder-mead   # before/after
    python benchmarks/bench_calibrate.py --logs my.csv --extra "calibration=smoke" --repeats 1

``--ref REV`` adds the same runs with commit ``REV`` (checked out into a temporary git
worktree, its sources first on the import path), interleaved with this checkout's. The
synthetic log (``--users``, ``--months``) is written once by a commsim community
(``experiments.calibration.simulate.write_log``) into ``--cache`` and reused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import checkout, median, table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLLEGE_MSG = ROOT.parent / "shared" / "data" / "CollegeMsg.txt.gz"
SERIES = ("cumulative_users", "new_users", "active_users", "retention")


def synthetic_log(folder: Path, users: int, months: int) -> Path:
    """A log of about ``users`` people over ``months`` months, written by commsim once."""
    days = round(months * 30.44)
    path = folder / f"synthetic_{users}u_{months}m.txt.gz"
    if path.is_file():
        return path
    from experiments.calibration.simulate import write_log
    from sim.runner import compose, to_plain

    overrides = [
        f"community.n={users}",
        "acquisition.p=0.002",  # everyone reachable joins within the span, slowly
        "acquisition.q=0.02",
        "initial_members=20",
        "behaviour.visits.slope=0.4",
    ]
    folder.mkdir(parents=True, exist_ok=True)
    return write_log(to_plain(compose(overrides)), 1, days, path)


def run_once(tree: Path, log: Path, method: str | None, extra: list[str]) -> dict:
    """One calibration in a fresh process; wall and CPU seconds, simulations, fit
    (``method`` None: the version's only method, for a reference without the key)."""
    with tempfile.TemporaryDirectory() as out:
        chosen = [f"calibration.method={method}"] if method else []
        args = [f"data={log}", *chosen, f"hydra.run.dir={out}", *extra]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "experiments.cli", "calibrate", *args],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(tree)),
            cwd=tree,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(f"calibration failed ({' '.join(args)}):\n{proc.stderr[-3000:]}")
        report = json.loads((Path(out) / "calibration.json").read_text())
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    fit = report["fit"]
    peak = report["peaks"]["active_users"]
    return {
        "wall": wall,
        "cpu": cpu,
        "simulations": report["simulations"],
        **{s: fit[s]["r2"] for s in SERIES if s in fit},
        "peak": f"{peak['observed_day']}/{peak['simulated_day']}",
    }


def bench(
    trees: dict[str, Path], logs: dict[str, Path], methods: list[str], repeats: int, extra: list
) -> list[dict]:
    """Every (log, version, method), ``repeats`` times interleaved; one row each."""
    rows = []
    for name, log in logs.items():
        runs: dict[tuple[str, str], list[dict]] = {}
        for _ in range(repeats):
            for version, tree in trees.items():
                for method in methods:
                    if version != "this" and method != "nelder-mead":
                        continue  # the reference has only Nelder-Mead
                    result = run_once(tree, log, method if version == "this" else None, extra)
                    runs.setdefault((version, method), []).append(result)
                    print(f"  {name} {version} {method}: {result['wall']:.1f} s", flush=True)
        for (version, method), results in runs.items():
            last = results[-1]
            rows.append(
                {
                    "log": name,
                    "version": version,
                    "method": method,
                    "wall_s": f"{median([r['wall'] for r in results]):.1f}",
                    "cpu_s": f"{median([r['cpu'] for r in results]):.1f}",
                    "sims": last["simulations"],
                    **{s: f"{last[s]:.3f}" for s in SERIES if s in last},
                    "peak obs/sim": last["peak"],
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", default="college", help="college,synthetic or log paths")
    parser.add_argument("--methods", default="nelder-mead,abc")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--users", type=int, default=6000)
    parser.add_argument("--months", type=int, default=64)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "commsim")
    parser.add_argument("--ref", default=None, help="a commit to time side by side")
    parser.add_argument("--extra", default="", help="overrides for every calibration")
    args = parser.parse_args(argv)
    logs = {}
    for name in args.logs.split(","):
        if Path(name).is_file():  # any log of your own
            logs[Path(name).name] = Path(name).resolve()
        elif name == "college":
            if not COLLEGE_MSG.is_file():
                print(f"CollegeMsg not found at {COLLEGE_MSG}: skipped")
                continue
            logs[name] = COLLEGE_MSG
        else:
            logs[name] = synthetic_log(args.cache, args.users, args.months)
    with contextlib.ExitStack() as stack:
        trees = {"this": ROOT}
        if args.ref:
            trees["ref"] = stack.enter_context(checkout(args.ref))
        rows = bench(trees, logs, args.methods.split(","), args.repeats, args.extra.split())
    columns = ["log", "version", "method", "wall_s", "cpu_s", "sims", *SERIES, "peak obs/sim"]
    print(table(rows, [c for c in columns if all(c in r for r in rows)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

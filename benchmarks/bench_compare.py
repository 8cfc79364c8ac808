"""Speed of comparisons and the overhead of the parallel backends.

1. A compare of 3 playbooks x 10 replications, 10,000 people, 180 days, with joblib and
   2 workers (target: <= 60 s on the 2-core machine), timed end to end in a fresh process.
2. Backend overhead on a 2-second run: the same jobs (each about 2 s) run serially and with
   each parallel backend using one worker, interleaved; the overhead is the median extra
   time per run (target: < 10%).

    python benchmarks/bench_compare.py
    python benchmarks/bench_compare.py --skip-compare --backends joblib ray
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

from common import median, table


def time_compare(books: list[str], reps: int, people: int, days: int, workers: int) -> float:
    """Seconds for ``commsim compare`` end to end (a fresh process, imports included)."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "experiments.cli", "compare",
                               f"playbooks=[{','.join(books)}]", f"reps={reps}",
                               f"community.n={people}", f"days={days}", "executor=joblib",
                               f"workers={workers}", f"hydra.run.dir={out}"],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return seconds


def time_backend(executor: str, n_runs: int, people: int, days: int, workers: int) -> float:
    """Seconds to run ``n_runs`` jobs with ``workers`` workers of ``executor``."""
    from experiments.executors import execute
    from experiments.jobs import Job

    jobs = [Job((f"community.n={people}", f"days={days}", f"seed={s}"), (("seed", s),))
            for s in range(n_runs)]
    start = time.perf_counter()
    results = execute(jobs, executor=executor, workers=workers, progress=False)
    assert all(r.ok for r in results)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbooks", nargs="+", default=["baseline", "weekly_qa", "points"])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["joblib"])
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--run-people", type=int, default=40_000,
                        help="people per run for the overhead test (about 2 s a run)")
    args = parser.parse_args()
    if not args.skip_compare:
        secs = [time_compare(args.playbooks, args.reps, args.people, args.days, args.workers)
                for _ in range(args.repeats)]
        print(f"compare {len(args.playbooks)} playbooks x {args.reps} reps, {args.people:,} "
              f"people, {args.days} days, joblib x{args.workers}: median {median(secs):.1f} s "
              f"(runs: {', '.join(f'{s:.1f}' for s in secs)}; target <= 60 s)", flush=True)
    rows = []
    n_runs = 2 * args.workers
    for backend in args.backends:
        start = time.perf_counter()
        time_backend(backend, args.workers, 2000, 10, args.workers)  # start workers once
        startup = time.perf_counter() - start
        serial, parallel = [], []
        for _ in range(args.repeats):  # interleaved, so both see the same machine load
            serial.append(time_backend("serial", n_runs, args.run_people, 365, 1))
            parallel.append(time_backend(backend, n_runs, args.run_people, 365, args.workers))
        per_run = median(serial) / n_runs
        ideal = median(serial) / args.workers
        rows.append({"backend": backend, "workers": args.workers,
                     "serial_s_per_run": f"{per_run:.2f}",
                     "ideal_wall_s": f"{ideal:.2f}", "backend_wall_s": f"{median(parallel):.2f}",
                     "overhead": f"{median(parallel) / ideal - 1:+.1%}",
                     "worker_start_s": f"{startup:.1f}"})
    print()
    print(table(rows, list(rows[0])))
    print(f"\n{n_runs} runs of ~{per_run:.1f} s each; ideal = serial time / workers; "
          "overhead = backend wall time / ideal - 1 (target < 10%); workers are started once "
          "(worker_start_s) and reused, as in a compare or an optimisation")


if __name__ == "__main__":
    main()

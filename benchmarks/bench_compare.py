"""Speed of comparisons and the overhead of the parallel backends.

1. A compare of 3 playbooks x 10 replications, 10,000 people, 180 days, with joblib and
   2 workers (target: <= 60 s on the 2-core machine), timed end to end in a fresh process.
2. Backend overhead on a 2-second run: one run (about 2 s) in this process and on one warm
   worker of each backend, interleaved; the overhead is the ratio of the medians minus 1
   (target: < 10%).

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
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "experiments.cli",
                "compare",
                f"playbooks=[{','.join(books)}]",
                f"reps={reps}",
                f"community.n={people}",
                f"days={days}",
                "executor=joblib",
                f"workers={workers}",
                f"hydra.run.dir={out}",
            ],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return seconds


_RAY: dict = {}  # the Ray module and the remote function, registered once


def one_run_seconds(executor: str, people: int, seed: int) -> float:
    """Wall seconds for one run (365 days) in this process or on one warm backend worker."""
    from experiments.runs.jobs import Job, run_job

    job = Job((f"community.n={people}", "days=365", f"seed={seed}"), (("seed", seed),))
    start = time.perf_counter()
    if executor == "serial":
        result = run_job(job)
    elif executor == "joblib":  # joblib's process backend (loky), one reusable worker
        from joblib.externals.loky import get_reusable_executor

        result = get_reusable_executor(max_workers=1).submit(run_job, job).result()
    else:
        result = _RAY["remote"].get(_RAY["run_job"].remote(job))
    assert result.ok, result.error
    return time.perf_counter() - start


def warm(executor: str) -> float:
    """Start the backend's worker (imports included); returns the seconds it took."""
    start = time.perf_counter()
    if executor == "ray":
        import ray

        from experiments.runs.jobs import run_job

        ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
        _RAY["remote"], _RAY["run_job"] = ray, ray.remote(run_job)
    one_run_seconds(executor, 500, 0)
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
    parser.add_argument(
        "--run-people",
        type=int,
        default=35_000,
        help="people per run for the overhead test (about 2 s a run)",
    )
    args = parser.parse_args()
    if not args.skip_compare:
        secs = [
            time_compare(args.playbooks, args.reps, args.people, args.days, args.workers)
            for _ in range(args.repeats)
        ]
        print(
            f"compare {len(args.playbooks)} playbooks x {args.reps} reps, {args.people:,} "
            f"people, {args.days} days, joblib x{args.workers}: median {median(secs):.1f} s "
            f"(runs: {', '.join(f'{s:.1f}' for s in secs)}; target <= 60 s)",
            flush=True,
        )
    rows = []
    one_run_seconds("serial", 500, 0)  # warm this process too
    for backend in args.backends:
        startup = warm(backend)
        serial, remote = [], []
        for rep in range(args.repeats + 2):  # interleaved, so both see the same machine load
            serial.append(one_run_seconds("serial", args.run_people, rep))
            remote.append(one_run_seconds(backend, args.run_people, rep))
        s, r = median(serial), median(remote)
        rows.append(
            {
                "backend": backend,
                "serial_s": f"{s:.2f}",
                "backend_s": f"{r:.2f}",
                "overhead": f"{r / s - 1:+.1%}",
                "worker_start_s": f"{startup:.1f}",
            }
        )
    print()
    print(table(rows, list(rows[0])))
    print(
        f"\none run of {args.run_people:,} people x 365 days, in this process vs on one warm "
        f"worker of the backend (medians of {args.repeats + 2}, interleaved); target: "
        "overhead < 10% of a ~2 s run. Workers start once (worker_start_s) and are reused "
        "by a compare, sweep or optimisation."
    )


if __name__ == "__main__":
    main()

"""Running many jobs: serially, with joblib on one machine, or on a Ray cluster.

Every backend calls the same pure function (``experiments.runs.jobs.run_job``); results stream
back as they finish, so each finished run is saved at once (an interrupted comparison
loses none) and progress shows runs done and the estimated time left.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence

from experiments.runs.jobs import Job, JobResult, run_job
from sim.errors import ConfigError

EXECUTORS = ("serial", "joblib", "ray")


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def execute(
    jobs: Sequence[Job],
    executor: str = "joblib",
    workers: int | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    progress: bool | None = None,
) -> list[JobResult]:
    """Run every job and return the results (in completion order).

    Args:
        jobs: what to run.
        executor: ``serial``, ``joblib`` (one machine) or ``ray`` (a Ray cluster; local
            when ``RAY_ADDRESS`` is unset).
        workers: parallel workers (default: one per core).
        on_result: called with each result as soon as it arrives (e.g. to save it).
        progress: show a progress bar (default: when stderr is a terminal).
    """
    if executor not in EXECUTORS:
        raise ConfigError("executor", executor, f"use one of: {', '.join(EXECUTORS)}")
    workers = workers or default_workers()
    if workers < 1:
        raise ConfigError("workers", workers, "use at least 1 worker")
    stream = _STREAMS[executor](list(jobs), workers)
    results = []
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(
        total=len(jobs), unit="run", desc=f"runs ({executor})", disable=not show, delay=1.0
    ) as bar:
        for result in stream:
            if on_result is not None:
                on_result(result)
            results.append(result)
            bar.update(1)
            if not result.ok:
                bar.write(f"run {result.labels} failed: {result.error}")
    return results


def _serial(jobs: list[Job], workers: int) -> Iterator[JobResult]:
    for job in jobs:
        yield run_job(job)


def _joblib(jobs: list[Job], workers: int) -> Iterable[JobResult]:
    if workers == 1 or len(jobs) <= 1:
        return _serial(jobs, workers)
    from joblib import Parallel, delayed

    return Parallel(n_jobs=min(workers, len(jobs)), return_as="generator_unordered")(
        delayed(run_job)(job) for job in jobs
    )


def _ray(jobs: list[Job], workers: int) -> Iterator[JobResult]:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "executor",
            "ray",
            "Ray is not installed; pip install 'commsim[ray]' (or choose executor=joblib)",
        ) from None
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        kwargs = {} if address else {"num_cpus": workers, "include_dashboard": False}
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, **kwargs)
    remote = ray.remote(run_job)
    pending = [remote.remote(job) for job in jobs]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])


_STREAMS = {"serial": _serial, "joblib": _joblib, "ray": _ray}

"""Running many jobs: serially, with joblib on one machine, or on a Ray cluster.

The one executor layer of commsim's commands (compare, robustness, optimise, sensitivity,
calibrate; ``commsim run -m`` uses Hydra's launchers, submitit included):

- :func:`execute` runs :class:`~experiments.runs.jobs.Job` s through the same pure function
  (``experiments.runs.jobs.run_job``); results stream back as they finish, so each finished
  run is saved at once (an interrupted comparison loses none) and progress shows runs done
  and the estimated time left.
- :class:`TaskPool` maps any picklable function over tasks, in order, on the same backends
  (calibration simulates its candidates with it, from several threads at once).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from experiments.runs.jobs import Job, JobResult, run_job
from sim.errors import ConfigError

EXECUTORS = ("serial", "joblib", "ray")


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def check_executor(executor: str, workers: int | None) -> int:
    """Check the backend and the number of workers; returns the workers (default: per core)."""
    if executor not in EXECUTORS:
        raise ConfigError("executor", executor, f"use one of: {', '.join(EXECUTORS)}")
    workers = workers or default_workers()
    if workers < 1:
        raise ConfigError("workers", workers, "use at least 1 worker")
    return workers


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
    workers = check_executor(executor, workers)
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


def _start_ray(workers: int) -> Any:
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
        kwargs: dict[str, Any] = (
            {} if address else {"num_cpus": workers, "include_dashboard": False}
        )
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, **kwargs)
    return ray


def _ray(jobs: list[Job], workers: int) -> Iterator[JobResult]:
    ray = _start_ray(workers)
    remote = ray.remote(run_job)
    pending = [remote.remote(job) for job in jobs]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])


_STREAMS = {"serial": _serial, "joblib": _joblib, "ray": _ray}


class TaskPool:
    """An ordered map over tasks: in this process, on joblib's worker processes, or on Ray.

    Args:
        executor: ``serial``, ``joblib`` (loky worker processes, one thread each) or ``ray``.
        workers: parallel workers (default: one per core); one worker runs in this process.
    """

    def __init__(self, executor: str = "joblib", workers: int | None = None) -> None:
        self.workers = check_executor(executor, workers)
        self.executor = "serial" if self.workers == 1 else executor
        self._pool: Any = None
        if self.executor == "joblib":
            from joblib.externals.loky import get_reusable_executor

            one = "1"  # one thread per worker process: the workers are the parallelism
            self._pool = get_reusable_executor(
                max_workers=self.workers,
                env={"OMP_NUM_THREADS": one, "OPENBLAS_NUM_THREADS": one, "MKL_NUM_THREADS": one},
            )
        elif self.executor == "ray":
            self._pool = _start_ray(self.workers)

    @property
    def parallel(self) -> bool:
        """Whether tasks run outside this process."""
        return self.executor != "serial"

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``[fn(*task) for task in tasks]``, computed by the pool (thread-safe)."""
        if self.executor == "serial":
            return [fn(*task) for task in tasks]
        if self.executor == "ray":
            remote = self._pool.remote(fn)
            return list(self._pool.get([remote.remote(*task) for task in tasks]))
        futures = [self._pool.submit(fn, *task) for task in tasks]
        return [f.result() for f in futures]

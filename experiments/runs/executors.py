"""Running many jobs: serially, with joblib on one machine, or on a Ray cluster.

The one executor layer of commsim's commands (compare, robustness, optimise, sensitivity,
calibrate; ``commsim run -m`` uses Hydra's launchers, submitit included):

- :func:`execute` runs :class:`~experiments.runs.jobs.Job` s through the same pure function
  (``experiments.runs.jobs.run_job``); results stream back as they finish, so each finished
  run is saved at once (an interrupted comparison loses none) and progress shows runs done
  and the estimated time left.
- :class:`TaskPool` maps any picklable function over tasks, in order, on the same backends
  (calibration simulates its candidates with it, from several threads at once).

The commands' shared options are checked here, before any run: ``executor`` and
``workers`` (:func:`check_executor`: a whole number from 1 to :data:`MAX_WORKERS`, or null
for one per core, in every command), and counts of runs (:func:`check_count`). A run that
fails does not stop the others; a command that had failures ends with
:class:`RunsFailed` (exit code :data:`EXIT_RUNS_FAILED`, docs/errors.md).

A joblib worker ends when the process that started it dies (:func:`watch_parent`); a local
Ray cluster, with its workers and agents, too (:mod:`experiments.runs.reaper`), so a
killed command leaves no worker behind.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from experiments.runs.jobs import Job, JobResult, run_job
from sim.errors import CommsimError, ConfigError

EXECUTORS = ("serial", "joblib", "ray")
#: the most parallel workers a command accepts (a Ray cluster may have many cores)
MAX_WORKERS = 1024
#: the most runs one command starts (compare: scenarios x playbooks x reps; a search...)
MAX_RUNS = 100_000
#: the exit code of a command in which a run failed (2 is bad input, before any run)
EXIT_RUNS_FAILED = 1


class RunsFailed(CommsimError):
    """Runs failed while a command ran (its input was valid): exit code 1, never 2.

    Args:
        message: which runs failed and where their errors are written.
    """

    exit_code = EXIT_RUNS_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def check_workers(workers: Any, key: str = "workers") -> int | None:
    """``workers``: null (one per core) or a whole number from 1 to :data:`MAX_WORKERS`.

    The same in every command: ``workers=0`` is refused (use null for one per core).

    Raises:
        ConfigError: naming ``key``, the value and the fix.
    """
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(
            key, workers, f"give a whole number from 1 to {MAX_WORKERS}, or null for one per core"
        )
    return workers


def check_executor(executor: Any, workers: Any = None, executors: Sequence[str] = EXECUTORS) -> int:
    """Check the backend and the number of workers; returns the workers (default: per core).

    Raises:
        ConfigError: an unknown ``executor`` or a bad ``workers`` (:func:`check_workers`).
    """
    if executor not in executors:
        raise ConfigError("executor", executor, f"use one of: {', '.join(executors)}")
    checked = check_workers(workers)
    return default_workers() if checked is None else checked


def check_count(key: str, value: Any, low: int = 1, high: int = MAX_RUNS) -> int:
    """A whole number from ``low`` to ``high`` (replications, trials, samples...).

    Raises:
        ConfigError: naming ``key``, the value and the fix.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(key, value, f"give a whole number from {low} to {high:,}")
    return value


def check_total_runs(n_runs: int, fix: str) -> None:
    """Refuse a command that would start more than :data:`MAX_RUNS` runs, before any.

    Raises:
        ConfigError: naming the number of runs and ``fix`` (which count to lower).
    """
    if n_runs > MAX_RUNS:
        raise ConfigError("runs", n_runs, f"at most {MAX_RUNS:,} runs in one command; {fix}")


class Failures:
    """Collects the failed runs of a command (pass it as ``on_result``), and writes them.

    Attributes:
        failed: the failed runs, in the order they came.
        total: every run seen, failed or not.
    """

    def __init__(self) -> None:
        self.failed: list[JobResult] = []
        self.total = 0

    def __call__(self, result: JobResult) -> None:
        """Record one result."""
        self.total += 1
        if not result.ok:
            self.failed.append(result)

    def write(self, path: Any) -> None:
        """Write the failed runs (labels and error) as JSON to ``path`` (when there are any)."""
        if self.failed:
            from sim.io import write_json

            write_json(path, [{"labels": r.labels, "error": r.error} for r in self.failed])

    def finish(self, path: Any) -> None:
        """Write the failures to ``path`` and end the command with exit code 1 if any.

        Raises:
            RunsFailed: listing the failed runs.
        """
        self.write(path)
        raise_if_failed(self.failed, self.total, str(path))


def failure_lines(failed: Sequence[JobResult], limit: int = 10) -> list[str]:
    """One line per failed run (its labels and error), the first ``limit`` of them."""
    lines = [f"  {r.labels}: {r.error}" for r in failed[:limit]]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines


def raise_if_failed(failed: Sequence[JobResult], total: int, where: str) -> None:
    """End a command whose outputs are written but some runs failed (exit code 1).

    Raises:
        RunsFailed: listing the failed runs and ``where`` their errors are written.
    """
    if failed:
        lines = "\n".join(failure_lines(failed))
        raise RunsFailed(f"{len(failed)} of {total} runs failed (errors in {where}):\n{lines}")


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

    parent = os.getpid()
    return Parallel(n_jobs=min(workers, len(jobs)), return_as="generator_unordered")(
        delayed(_run_in_worker)(parent, job) for job in jobs
    )


_WATCHED: set[int] = set()
_WATCH_LOCK = threading.Lock()


def watch_parent(parent: int, every: float = 0.5) -> None:
    """In a worker process: end it when ``parent`` (the command that started it) dies.

    A daemon thread checks every ``every`` seconds that the worker's parent process is
    still the one it had and that ``parent`` is alive; otherwise the worker exits at
    once (a ``kill -9`` of the command leaves no worker computing for nobody). Nothing
    is done in the command's own process (serial runs) or when already watching.
    """
    if parent == os.getpid():
        return
    with _WATCH_LOCK:
        if parent in _WATCHED:
            return
        _WATCHED.add(parent)
    first = os.getppid()

    def alive() -> bool:
        if os.getppid() != first:
            return False
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, owned by another user (a reused pid)
            return True
        return True

    def watch() -> None:
        while alive():
            time.sleep(every)
        os._exit(EXIT_RUNS_FAILED)

    if not alive():
        os._exit(EXIT_RUNS_FAILED)
    threading.Thread(target=watch, name="commsim-watch-parent", daemon=True).start()


def _run_in_worker(parent: int, job: Job) -> JobResult:
    watch_parent(parent)
    return run_job(job)


def _call_in_worker(parent: int, fn: Callable[..., Any], *task: Any) -> Any:
    watch_parent(parent)
    return fn(*task)


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
        if not address:  # a local cluster of this command's: ended with it, even by kill -9
            from experiments.runs import reaper

            reaper.start(os.getpid())
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
        parent = os.getpid()
        futures = [self._pool.submit(_call_in_worker, parent, fn, *task) for task in tasks]
        return [f.result() for f in futures]

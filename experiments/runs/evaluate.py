"""Evaluating many parameter settings, each over replications with common seeds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from experiments.runs.executors import RunsFailed, execute, failure_lines
from experiments.runs.jobs import Job, JobResult
from experiments.runs.space import as_overrides


def evaluate(
    settings: Sequence[Mapping[str, Any]],
    base: Sequence[str],
    reps: int,
    seed: int,
    executor: str = "joblib",
    workers: int | None = None,
    progress: bool | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> pd.DataFrame:
    """Run every setting ``reps`` times (replication r: seed + r for every setting).

    Returns:
        One row per run: ``setting`` (index into ``settings``), ``rep``, ``seed``, the
        setting's values and every summary KPI.
    """
    jobs = [
        Job(
            (*base, *as_overrides(s), f"seed={seed + r}"),
            (("setting", i), ("rep", r), ("seed", seed + r)),
        )
        for i, s in enumerate(settings)
        for r in range(reps)
    ]
    results = execute(
        jobs, executor=executor, workers=workers, progress=progress, on_result=on_result
    )
    failed = [r for r in results if not r.ok]
    if failed and len(failed) == len(results):
        lines = "\n".join(failure_lines(failed))
        raise RunsFailed(f"every run ({len(failed)}) failed:\n{lines}")
    rows = [{**r.labels, **settings[r.labels["setting"]], **r.summary} for r in results if r.ok]
    return pd.DataFrame(rows).sort_values(["setting", "rep"]).reset_index(drop=True)

"""Jobs: one configuration and seed, run by the one pure function every backend calls.

A job is a list of overrides (playbook, seed, levers...). Its key is a hash of the fully
resolved config (including the seed), so a finished run is recognised on a rerun whatever
order or folder the jobs come in.

A job carries the project folder of the command that made it (``--config-dir``,
``sim.project.config_dir``) to whichever process runs it: serial, a joblib worker or a Ray
worker composes its config with that folder's playbooks and communities. The key hashes
the composed config, not the folder's path.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def _current_config_dir() -> str | None:
    """The project folder of this process, as an absolute path (None without one)."""
    from sim.project import config_dir

    folder = config_dir()
    return None if folder is None else str(folder)


@dataclass(frozen=True)
class Job:
    """One simulation to run: overrides plus labels that identify it in the results, and
    the project folder its config is composed with (default: this process's)."""

    overrides: tuple[str, ...]
    labels: tuple[tuple[str, Any], ...] = ()
    config_dir: str | None = field(default_factory=_current_config_dir)

    @property
    def label_dict(self) -> dict[str, Any]:
        """The labels as a dict (playbook, rep, seed, trial...)."""
        return dict(self.labels)


@dataclass
class JobResult:
    """What a job returns: its labels, key, summary and metrics, or the error."""

    labels: dict[str, Any]
    key: str
    summary: dict[str, Any] = field(default_factory=dict)
    metrics: pd.DataFrame | None = None
    transitions: pd.DataFrame | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return self.error is None


def config_key(overrides: tuple[str, ...] | list[str]) -> str:
    """Hash of the resolved config of these overrides (seed included)."""
    from sim.runner import compose, to_plain

    return plain_key(to_plain(compose(list(overrides))))


def plain_key(plain: dict[str, Any]) -> str:
    """Hash of a resolved plain config, ignoring options that do not change results."""
    plain = json.loads(json.dumps(plain, default=str))
    plain.get("run", {}).pop("progress", None)
    plain.get("run", {}).pop("handles", None)
    text = json.dumps(plain, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def run_job(job: Job) -> JobResult:
    """Run one job; never raises for a failed simulation (the error is returned).

    This is the pure function that serial, joblib, Ray and submitit all execute.
    """
    import logging

    logging.getLogger("MESA").setLevel(logging.WARNING)
    from sim.runner import compose, run_config, to_plain

    start = time.perf_counter()
    overrides = [*job.overrides, "run.progress=off", "run.handles=off"]
    try:
        cfg = compose(overrides, config_dir=job.config_dir)
        key = plain_key(to_plain(cfg))
        result = run_config(cfg)
    except Exception as exc:  # a crashed run is reported, not hidden
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return JobResult(job.label_dict, key="", error=detail, seconds=time.perf_counter() - start)
    return JobResult(
        job.label_dict,
        key=key,
        summary=result.summary,
        metrics=result.metrics,
        transitions=result.transitions,
        seconds=time.perf_counter() - start,
    )

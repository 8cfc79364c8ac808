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

import copy
import hashlib
import json
import re
import time
import traceback
from collections.abc import Sequence
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
    salt: str = ""  # part of the key: tells apart runs of one config (a scenario's name)

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
    segments: pd.DataFrame | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return self.error is None


def config_key(overrides: tuple[str, ...] | list[str], salt: str = "") -> str:
    """Hash of the resolved config of these overrides (seed included), and of ``salt``
    (what tells apart runs of the same config, e.g. a comparison's scenario name)."""
    from sim.runner import compose, to_plain

    return plain_key(to_plain(compose(list(overrides))), salt)


_NUMBER_SET = re.compile(r"^(?:\+\+)?([A-Za-z_][A-Za-z0-9_.]*)=(-?[0-9][0-9.eE+-]*)$")


def _number(text: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(text)  # type: ignore[no-any-return]
        except ValueError:
            continue
    return None


def _split(overrides: Sequence[str]) -> tuple[tuple[str, ...], list[tuple[str, int | float]]]:
    """The overrides that shape the config (groups, lists, text) and the numbers it sets."""
    fixed, values = [], []
    for item in overrides:
        match = _NUMBER_SET.match(item)
        number = _number(match.group(2)) if match else None
        if match and number is not None:
            values.append((match.group(1), number))
        else:
            fixed.append(item)
    return tuple(fixed), values


def _set_numbers(plain: dict[str, Any], values: list[tuple[str, int | float]]) -> bool:
    """Set each dotted key that holds a number in ``plain``; False when one does not."""
    for key, value in values:
        *path, last = key.split(".")
        node: Any = plain
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or isinstance(node.get(last), bool):
            return False
        if not isinstance(node.get(last), int | float):
            return False
        node[last] = value
    return True


def config_keys(jobs: Sequence[Job]) -> dict[Job, str]:
    """The key of every job (as :func:`config_key`), composing each distinct shape once:
    jobs that differ only in numbers (``seed=N``, ``++acquisition.q=0.04``) share one
    composition, and the numbers are set in its plain copy. One job of each shape is also
    composed in full; if its key differs, the whole shape is composed job by job."""
    from sim.runner import compose, to_plain

    shapes: dict[tuple[str, ...], list[tuple[Job, list[tuple[str, int | float]]]]] = {}
    for job in jobs:
        fixed, values = _split(job.overrides)
        shapes.setdefault(fixed, []).append((job, values))
    out: dict[Job, str] = {}
    for fixed, members in shapes.items():
        base = to_plain(compose(list(fixed)))
        keys = {}
        for job, values in members:
            plain = copy.deepcopy(base)
            keys[job] = plain_key(plain, job.salt) if _set_numbers(plain, values) else None
        first = members[0][0]
        if keys[first] != config_key(first.overrides, first.salt):
            keys = {job: None for job, _ in members}
        for job, _ in members:
            out[job] = keys[job] or config_key(job.overrides, job.salt)
    return out


def plain_key(plain: dict[str, Any], salt: str = "") -> str:
    """Hash of a resolved plain config, ignoring options that do not change results."""
    plain = json.loads(json.dumps(plain, default=str))
    if salt:
        plain["_salt"] = salt
    plain.get("run", {}).pop("progress", None)
    plain.get("run", {}).pop("handles", None)
    plain.get("run", {}).pop("reuse_other_versions", None)
    plain.pop("plot_format", None)  # how plots are written, not what a run computes
    plain.pop("plot_dpi", None)
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
        key = plain_key(to_plain(cfg), job.salt)
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
        segments=result.segments,
        seconds=time.perf_counter() - start,
    )

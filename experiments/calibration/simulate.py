"""One simulated history: step a ``CommunityModel`` and record what the log would show.

The observed series map onto the model like this:

- new users: ``new_members`` (people who joined that day);
- cumulative users: ``joined_total`` (everyone who ever joined, leavers included);
- active users: with ``active=visitors`` (the default), the members who visited that day
  (the model's ``active``: in a messaging community a visit is only visible in the log
  through the message it sends); with ``active=contributors``, the distinct members who
  posted or replied that day (``model.today.posters`` and ``model.today.repliers``);
- retention: of the members who joined in week ``c``, those active (as above) in week
  ``c + a``.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from agents.states import MEMBER
from experiments.calibration.series import Series
from sim.model import CommunityModel
from sim.runner import model_from_config

ACTIVE = ("visitors", "contributors")


def with_values(plain: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a plain config with dotted keys set (``behaviour.visits.base``).

    Sets keys as Hydra sets ``++key=value`` overrides (missing sections are created; NumPy
    scalars become the Python numbers of the same value), on plain dicts: no OmegaConf
    round trip, which cost as much as a tenth of a CollegeMsg simulation per candidate.
    """
    out = _copy(plain)
    for key, value in values.items():
        node = out
        *parents, last = key.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[last] = _copy(value.item() if isinstance(value, np.generic) else value)
    return out


def _copy(value: Any) -> Any:
    """A deep copy of plain config data (dicts, lists, scalars)."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value


def simulate(
    plain: Mapping[str, Any],
    seed: int,
    n_days: int,
    active: str = "visitors",
    record: Callable[[int, np.ndarray], None] | None = None,
) -> Series:
    """Run ``n_days - 1`` days of the plain config ``plain`` with ``seed``; record the series.

    Args:
        plain: a resolved plain config (``sim.runner.to_plain``) with the candidate values.
        seed: the model's seed.
        n_days: days to record, day 0 included.
        active: what counts as an active user: ``visitors`` or ``contributors``.
        record: called as ``record(day, active_people)`` after each day, if given.
    """
    cfg = with_values(
        plain,
        {
            "seed": int(seed),
            "days": max(n_days - 1, 1),
            "run.progress": "off",
            "run.handles": "off",
            "run.metrics": "off",  # the series below are all a calibration reads
        },
    )
    model = model_from_config(cfg)
    n_weeks = n_days // 7
    new = np.zeros(n_days)
    cum = np.zeros(n_days)
    act = np.zeros(n_days)
    weekly = np.zeros((max(n_weeks, 1), max(n_weeks, 1)), dtype=np.int64)
    seen = np.zeros(model.n_people, dtype=bool)

    def observe(model: CommunityModel) -> None:
        day = model.day
        people = active_people(model, active)
        new[day] = model.today.new_members
        cum[day] = model.n_members + model.n_churned
        act[day] = len(people)
        seen[people] = True
        if record is not None:
            record(day, people)
        if day % 7 == 6 and day // 7 < n_weeks:
            who = np.flatnonzero(seen)
            cohorts = model.pop.joined_day[who] // 7
            cohorts = cohorts[cohorts >= 0]  # people of a start state joined before day 0
            weekly[:, day // 7] = np.bincount(cohorts, minlength=len(weekly))[: len(weekly)]
            seen[:] = False

    observe(model)  # day 0
    model.run(days=n_days - 1, on_day=observe)
    joined = model.pop.joined_day[model.pop.joined_day >= 0]
    sizes = np.bincount(joined[joined < 7 * n_weeks] // 7, minlength=n_weeks)[:n_weeks]
    return Series(
        {"new_users": new, "active_users": act, "cumulative_users": cum},
        sizes,
        weekly[:n_weeks, :n_weeks],
    )


def active_people(model: CommunityModel, active: str) -> np.ndarray:
    t = model.today
    if active == "contributors":
        if model.day == 0:
            return np.flatnonzero(model.pop.state == MEMBER)
        wrote = np.zeros(model.n_people, dtype=bool)  # sorted, without repeats: a union
        wrote[t.posters] = True
        wrote[t.repliers] = True
        return wrote.nonzero()[0]
    if model.day == 0 or len(t.visitors) != t.active:  # day 0, or no visits phase
        return np.flatnonzero(model.pop.state == MEMBER)
    return t.visitors


def write_log(
    plain: Mapping[str, Any], seed: int, n_days: int, path: str | Path, start: int = 1_100_000_000
) -> Path:
    """Write the interaction log a simulated community would leave (to test calibration).

    One line ``person unix_seconds`` per member who visited, per day (noon of the day;
    people are numbered as in the graph); joiners visit on the day they join, so the log's
    new, active and cumulative users and retention are the model's under ``active=visitors``.
    A path ending in ``.gz`` is gzip-compressed.
    """
    lines: list[str] = []

    def record(day: int, people: np.ndarray) -> None:
        stamp = start + day * 86_400 + 43_200
        lines.extend(f"{int(i)} {stamp}" for i in people)

    simulate(plain, seed, n_days, "visitors", record)
    path = Path(path)
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path

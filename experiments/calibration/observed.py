"""The observed state of a community on a day of its log (``commsim calibrate as_of=DATE``).

Everyone seen up to and including that day (as actor or target) is a person of the state,
estimated from their own history, with the model's own rules (docs/calibration.md):

- ``tenure``: days from the day they were first seen to ``as_of``;
- ``idle``: days from the last day they acted (the last day they were seen, if they never
  acted) to ``as_of``;
- ``left``: ``idle >= start.left_after_days``;
- ``activity``: their events as actor (at most ``POSTS_A_DAY`` a day: the model's members
  post and reply at most once each a day), summed with the weights of the model's month-long
  moving sum ``a <- a * (1 - 1/memory_days) + today`` (``behaviour.levels.memory_days``),
  so an event ``k`` days before ``as_of`` counts ``(1 - 1/memory_days)^k``;
- ``visits_month``: the same sum over the distinct days they acted;
- ``posts``: their events as actor so far;
- ``commitment``: the model's visit rule ``p = base + slope * c``
  (``behaviour.visits.base`` and ``.slope``, as fitted) inverted, with ``p`` the share of
  the last 30 days (``as_of`` included) on which they acted, clipped to [0, 1].

A day of the log is the 24 hours from ``day * 86400`` seconds after its first event, named
by its date (UTC), as in ``commsim history``'s ``history.csv``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.fit import Problem
from experiments.calibration.history import History
from sim.errors import ConfigError
from sim.io import write_parquet
from sim.start import COLUMNS, StartState

#: a member of the model posts at most once and replies at most once a day: a day's
#: events count up to this many in ``activity``, the model's scale (a chat's 40 messages
#: in a day are one busy day, not a month of posting)
POSTS_A_DAY = 2
#: the window of the visit rate that commitment is estimated from (days, ``as_of`` included)
RATE_DAYS = 30
#: days without a visit after which a member is dormant, when the config has no
#: ``behaviour.dormancy.after_days`` (the window of monthly actives)
DORMANT_AFTER_DAYS = 30


@dataclass(frozen=True)
class Rules:
    """What the estimation takes from the (fitted) simulation config."""

    memory_days: float
    left_after_days: int
    visits_base: float
    visits_slope: float
    dormant_after_days: int = DORMANT_AFTER_DAYS


def rules(plain: Mapping[str, Any], fitted: Mapping[str, Any]) -> Rules:
    """The :class:`Rules` of a plain simulation config, fitted values taking precedence."""
    b = plain["behaviour"]

    def value(key: str, default: Any) -> Any:
        return fitted.get(key, default)

    dormancy = b.get("dormancy") or {}
    return Rules(
        memory_days=float(value("behaviour.levels.memory_days", b["levels"]["memory_days"])),
        left_after_days=int(value("start.left_after_days", plain["start"]["left_after_days"])),
        visits_base=float(value("behaviour.visits.base", b["visits"]["base"])),
        visits_slope=float(value("behaviour.visits.slope", b["visits"]["slope"])),
        dormant_after_days=int(dormancy.get("after_days", DORMANT_AFTER_DAYS)),
    )


def day_date(history: History, day: int) -> datetime.date:
    """The date (UTC) that names a day of the log."""
    return (history.start + pd.Timedelta(days=day)).date()


def as_of_day(as_of: datetime.date | None, history: History, default: int) -> int:
    """The day of the log named by ``as_of`` (``default`` when None).

    Raises:
        ConfigError: on ``as_of`` when the date is outside the log's span.
    """
    if as_of is None:
        return default
    day = (as_of - history.start.date()).days
    last = history.n_days - 1
    if not 0 <= day <= last:
        raise ConfigError(
            "as_of",
            as_of.isoformat(),
            f"the log covers {day_date(history, 0)} to {day_date(history, last)}; "
            "give a day between them (or leave as_of out: the last day)",
        )
    return day


def observed_state(events: pd.DataFrame, day: int, r: Rules) -> pd.DataFrame:
    """One row per person seen up to ``day``: ``person`` and the columns of a start state.

    Args:
        events: the log's events: ``actor``, ``target`` (``""`` for none) and ``day``.
        day: the day of the state (its events included).
        r: the model's rules.

    Returns:
        Columns ``person``, those of :data:`sim.start.COLUMNS` and ``recent_days`` (days
        acted in the last 30), longest tenure first (ties: by person).
    """
    ev = events[events["day"] <= day]
    acts = pd.DataFrame({"who": ev["actor"].to_numpy(), "day": ev["day"].to_numpy()})
    received = ev[ev["target"] != ""]
    seen = pd.concat([acts, pd.DataFrame({"who": received["target"], "day": received["day"]})])
    seen_days = seen.groupby("who", sort=False)["day"]
    first, last_seen = seen_days.min(), seen_days.max()
    people = first.index
    keep = 1.0 - 1.0 / r.memory_days
    active_days = acts.drop_duplicates()
    by_actor = acts.groupby("who", sort=False)
    per_day = acts.groupby(["who", "day"], sort=False).size().clip(upper=POSTS_A_DAY)
    ages = day - per_day.index.get_level_values("day").to_numpy()
    activity = (per_day * keep**ages).groupby(level="who", sort=False).sum()
    visits = (keep ** (day - active_days["day"])).groupby(active_days["who"], sort=False).sum()
    recent = active_days[active_days["day"] > day - RATE_DAYS].groupby("who", sort=False).size()
    last = by_actor["day"].max().reindex(people).fillna(last_seen).astype(np.int64)
    rate = recent.reindex(people, fill_value=0).to_numpy() / RATE_DAYS
    idle = day - last.to_numpy()
    frame = pd.DataFrame(
        {
            "person": people.astype(str),
            "tenure": day - first.to_numpy(),
            "idle": idle,
            "left": idle >= r.left_after_days,
            "commitment": commitment(rate, r.visits_base, r.visits_slope),
            "activity": activity.reindex(people, fill_value=0.0).to_numpy(),
            "visits_month": visits.reindex(people, fill_value=0.0).to_numpy(),
            "posts": by_actor.size().reindex(people, fill_value=0).to_numpy(),
            "recent_days": recent.reindex(people, fill_value=0).to_numpy(),
        }
    )
    frame = frame.sort_values(["tenure", "person"], ascending=[False, True], kind="stable")
    types = {k: dtype for k, (dtype, _) in COLUMNS.items()}
    return frame.astype({**types, "recent_days": "int32"}).reset_index(drop=True)


def commitment(rate: np.ndarray, base: float, slope: float) -> np.ndarray:
    """Commitment from a visit rate, inverting ``rate = base + slope * c`` (in [0, 1]).

    With ``slope`` 0 visits do not depend on commitment, and every commitment is 0.
    """
    if slope <= 0:
        return np.zeros(len(rate))
    return np.clip((np.asarray(rate, dtype=float) - base) / slope, 0.0, 1.0)


def state_counts(frame: pd.DataFrame, r: Rules) -> dict[str, int]:
    """How many people, members, left, dormant and active (7 and 30 days) in a state."""
    member = ~frame["left"].to_numpy()
    idle = frame["idle"].to_numpy()

    def n(mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask))

    return {
        "people": len(frame),
        "members": n(member),
        "left": n(~member),
        "dormant": n(member & (idle >= r.dormant_after_days)),
        "weekly_active": n(member & (idle < 7)),
        "monthly_active": n(member & (idle < 30)),
    }


def write_state(
    out_dir: Path, problem: Problem, history: History, values: dict[str, Any]
) -> dict[str, Any]:
    """Write the observed state on ``as_of`` as ``start.parquet``; returns its record."""
    s = problem.settings
    day = as_of_day(s.as_of, history, problem.n_days - 1)
    r = rules(problem.base, values)
    frame = fitted_state(problem, history, values, day)
    write_start(out_dir / "start.parquet", frame)
    n = values.get("community.n", problem.size or problem.base["community"].get("n"))
    return {
        "date": day_date(history, day).isoformat(),
        "day": day,
        "file": "start.parquet",
        **state_counts(frame, r),
        "community_n": None if n is None else int(n),
        "left_after_days": r.left_after_days,
        "dormant_after_days": r.dormant_after_days,
        "commitment_from": {"visits.base": r.visits_base, "visits.slope": r.visits_slope},
    }


def fitted_state(
    problem: Problem, history: History, values: Mapping[str, Any], day: int
) -> pd.DataFrame:
    """The observed state on ``day`` with what the log cannot show (who has left, their
    commitment and propensity) drawn from the fitted model's own run
    (:mod:`experiments.calibration.latent`)."""
    from experiments.calibration.latent import donors, impute
    from experiments.calibration.simulate import with_values

    frame = observed_state(history.events, day, rules(problem.base, values))
    plain = with_values(problem.base, values)
    seed = problem.settings.seed
    pool = donors(plain, seed, day, problem.settings.active)
    shape = float(((plain["behaviour"].get("heterogeneity") or {}).get("shape")) or 0.0)
    return impute(frame, frame["recent_days"].to_numpy(), pool, seed, shape > 0)


def write_start(path: Path, frame: pd.DataFrame) -> StartState:
    """Check the state (a :class:`StartState`) and write it, with ``person``, as Parquet."""
    state = StartState.from_frame(frame, "as_of")
    write_parquet(path, frame)
    return state


__all__ = [
    "RATE_DAYS",
    "Rules",
    "as_of_day",
    "commitment",
    "day_date",
    "observed_state",
    "rules",
    "state_counts",
    "write_start",
    "write_state",
]

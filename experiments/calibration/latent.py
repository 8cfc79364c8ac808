"""What a log cannot show about each person, drawn from the fitted model: hot-deck imputation.

A log shows when each person joined and acted; the model also needs, for each of them,
whether they have left, their commitment and their propensity to visit. Estimated one by
one (``observed.commitment`` inverts the visit rule), they can disagree with the fitted
model as a whole: a fit that explains a quiet log by members who left, and by a high base
visit rate of those who stay, would bring the quiet people back at that rate.

So the hidden part of each observed person is taken from a look-alike in the fitted
model's own run (hot-deck imputation, as survey statistics fills in what a respondent did
not answer from a similar respondent): the fitted config is simulated from the log's first
day to the state's day (one run, the calibration's seed), and each person of the model who
joined by then is a *donor*, described by what the log would show of them: their week of
joining, how long they have been idle (active in the last 7 days, 30, 90, or longer ago) and
on how many of the last 30 days they were active (0, 1-2, 3-6, 7-14, 15 or more). Each
observed person draws a donor at random in the same cell; where the cell has no donor, in
the same 4-week cohort, then the same recency and activity, then the same recency, then
anyone. They take the donor's ``left``, ``commitment`` and (with heterogeneity on)
``propensity``; what the log shows (tenure, idle days, activity, posts) stays theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from agents.states import State
from experiments.calibration.simulate import active_people, with_values
from sim.runner import model_from_config

#: idle days that start each recency class (active in the last 7 days, 30, 90, longer)
IDLE_EDGES = (7, 30, 90)
#: active days in the last 30 that start each activity class
RECENT_EDGES = (1, 3, 7, 15)
#: the window of the activity classes (days, the state's day included)
RECENT_DAYS = 30


def classes(tenure: np.ndarray, idle: np.ndarray, recent: np.ndarray) -> pd.DataFrame:
    """The matching keys of people described by tenure, idle days and recent active days."""
    return pd.DataFrame(
        {
            "week": np.asarray(tenure) // 7,
            "month": np.asarray(tenure) // 28,
            "idle": np.searchsorted(IDLE_EDGES, idle, side="right"),
            "recent": np.searchsorted(RECENT_EDGES, recent, side="right"),
        }
    )


#: the cells tried in turn, finest first (the last: everyone)
LEVELS: tuple[tuple[str, ...], ...] = (
    ("week", "idle", "recent"),
    ("month", "idle", "recent"),
    ("idle", "recent"),
    ("idle",),
    (),
)


def donors(plain: Mapping[str, Any], seed: int, day: int, active: str) -> pd.DataFrame:
    """The people of the fitted model's run who joined by ``day``: what a log would show of
    them (``tenure``, ``idle``, ``recent``) and what it would not (``left``,
    ``commitment``, ``propensity``)."""
    cfg = with_values(
        plain,
        {
            "seed": int(seed),
            "days": max(day, 1),
            "run.progress": "off",
            "run.handles": "off",
            "run.metrics": "off",
        },
    )
    model = model_from_config(cfg)
    last = np.full(model.n_people, -1, dtype=np.int64)
    recent = np.zeros(model.n_people, dtype=np.int64)

    def observe(m: Any) -> None:
        people = active_people(m, active)
        last[people] = m.day
        if m.day > day - RECENT_DAYS:
            recent[people] += 1

    observe(model)
    if day > 0:
        model.run(days=day, on_day=observe)
    pop = model.pop
    who = np.flatnonzero((pop.joined_day >= 0) & (pop.joined_day <= day))
    tenure = day - pop.joined_day[who]
    idle = np.where(last[who] >= 0, day - last[who], tenure)
    return pd.DataFrame(
        {
            "tenure": tenure,
            "idle": np.minimum(idle, tenure),
            "recent": recent[who],
            "left": pop.state[who] == State.CHURNED.value,
            "commitment": pop.commitment[who].astype(float),
            "propensity": pop.propensity[who].astype(float),
        }
    )


def impute(
    frame: pd.DataFrame, recent: np.ndarray, pool: pd.DataFrame, seed: int, heterogeneity: bool
) -> pd.DataFrame:
    """``frame`` (an observed state) with ``left``, ``commitment`` and, with
    ``heterogeneity``, ``propensity`` drawn from look-alike donors of ``pool``."""
    if pool.empty:
        return frame
    rng = np.random.default_rng([int(seed), 104729])
    want = classes(frame["tenure"].to_numpy(), frame["idle"].to_numpy(), recent)
    have = classes(pool["tenure"].to_numpy(), pool["idle"].to_numpy(), pool["recent"].to_numpy())
    chosen = np.full(len(frame), -1, dtype=np.int64)
    for keys in LEVELS:
        todo = np.flatnonzero(chosen < 0)
        if not len(todo):
            break
        if not keys:
            chosen[todo] = rng.integers(len(pool), size=len(todo))
            break
        cells = have.groupby(list(keys), sort=True).indices
        for key, rows in want.iloc[todo].groupby(list(keys), sort=True).indices.items():
            found = cells.get(key)
            if found is not None:
                chosen[todo[rows]] = rng.choice(found, size=len(rows))
    out = frame.copy()
    donor = pool.iloc[chosen]
    out["left"] = donor["left"].to_numpy()
    out["commitment"] = donor["commitment"].to_numpy()
    if heterogeneity:
        out["propensity"] = donor["propensity"].to_numpy()
    return out

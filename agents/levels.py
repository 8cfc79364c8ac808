"""Levels (newcomer, lurker, contributor, core) in the manner of the Orbit model.

Recent activity is an exponentially weighted sum with a ``memory_days`` window
(``a <- a * (1 - 1/memory_days) + today``), so ``a`` is about the number of contributions
(posts + replies) in the last month. A member is a **newcomer** for ``newcomer_days``
after joining, unless already core; then **core** when ``a >= core_min``, **contributor**
when ``a >= contributor_min``, else **lurker**. Levels move up and down every day.

The Orbit model's **gravity** (the community's pull) is ``sum_i love_i * reach_i`` over
members, with love = recent contributions + recent visits / 10 and reach = 1 + member
friends (our reading of Orbit's "love x reach").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param
from agents.states import Level


@dataclass(frozen=True)
class LevelParams:
    """``behaviour.levels.*``: what recent activity puts a member at which level."""

    enabled: bool = param(True, unit="-", source="-", doc="switch level updates on or off")
    memory_days: float = param(
        30.0,
        unit="days",
        low=1.0,
        source="Orbit model (monthly)",
        doc="window of the activity averages",
    )
    newcomer_days: int = param(
        30,
        unit="days",
        low=0,
        source="assumption (first month)",
        doc="days a member counts as newcomer",
    )
    contributor_min: float = param(
        0.5,
        unit="contributions/month",
        low=0.0,
        source="assumption (one post or reply in a month)",
        doc="activity for contributor",
    )
    core_min: float = param(
        8.0,
        unit="contributions/month",
        low=0.0,
        source="assumption (about two a week)",
        doc="activity for core",
    )


def decay(avg: np.ndarray, memory_days: float) -> None:
    """Age an activity average by one day, in place."""
    avg *= 1.0 - 1.0 / memory_days


def assign_levels(activity: np.ndarray, age: np.ndarray, params: LevelParams) -> np.ndarray:
    """Level codes from recent activity and days since joining (aligned arrays)."""
    lvl = np.full(len(activity), Level.LURKER.value, dtype=np.int8)
    lvl[activity >= params.contributor_min] = Level.CONTRIBUTOR.value
    lvl[age < params.newcomer_days] = Level.NEWCOMER.value
    lvl[activity >= params.core_min] = Level.CORE.value
    return lvl


def gravity(activity: np.ndarray, visits: np.ndarray, member_nbrs: np.ndarray) -> float:
    """Orbit gravity: sum over members of love x reach."""
    return float(((activity + visits / 10.0) * (1.0 + member_nbrs)).sum())

"""Daily metrics (one row per day).

Reporters are small module-level functions of the model, called once a day (like Mesa's
``DataCollector``, without its per-value deep copies). Row ``day = d`` is the state at the
end of day d; ``day = 0`` is the starting state. The run's summary KPIs are in
``sim.kpis``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from agents.states import Level


def day(model: Any) -> int:
    """The day this row describes."""
    return int(model.day)


def members(model: Any) -> int:
    """Current members."""
    return int(model.n_members)


def prospects(model: Any) -> int:
    """People who have never joined."""
    return int(model.n_prospects)


def new_members(model: Any) -> int:
    """People who joined today (initial members on day 0)."""
    return int(model.today.new_members)


def joined_total(model: Any) -> int:
    """Everyone who has ever joined, including initial members."""
    return int(model.n_members + model.n_churned)


def churned(model: Any) -> int:
    """Members who left today."""
    return int(model.today.churned)


def churned_total(model: Any) -> int:
    """Everyone counted as churned (``churn.definition``): who left so far, and with
    ``inactive_days:N`` also the members without a visit for N days or more."""
    n = model.config.churn.inactive_days
    return int(model.n_churned) + (0 if n is None else int(recency_counts(model)[3]))


def left_total(model: Any) -> int:
    """Everyone who has left so far (whatever ``churn.definition`` says)."""
    return int(model.n_churned)


def active(model: Any) -> int:
    """Members who visited today (newcomers count on the day they join)."""
    return int(model.today.active)


def recency_counts(model: Any) -> tuple[int, int, int, int]:
    """Members who visited in the last 7 days, the last 30 days, who are dormant, and who
    have not visited for ``churn.definition``'s N days (one pass, cached for the day).

    A day counts in full: "the last 7 days" are today and the 6 before. Without visit
    decisions (``behaviour.visits`` and the mechanisms that need them off) every member
    counts as active.
    """
    cached = model.today.recency
    if cached is None:
        n = model.n_members
        if not model.visits_on:
            cached = (n, n, 0, 0)
        else:
            idle = model.day - model.pop.last_visit[model.current_members()]
            after = model.config.behaviour.dormancy.after_days
            inactive = model.config.churn.inactive_days
            cached = (
                int(np.count_nonzero(idle < 7)),
                int(np.count_nonzero(idle < 30)),
                int(np.count_nonzero(idle >= after)),
                0 if inactive is None else int(np.count_nonzero(idle >= inactive)),
            )
        model.today.recency = cached
    return cached


def wau(model: Any) -> int:
    """Weekly active members: members who visited in the last 7 days (today included)."""
    return recency_counts(model)[0]


def mau(model: Any) -> int:
    """Monthly active members: members who visited in the last 30 days (today included)."""
    return recency_counts(model)[1]


def dormant(model: Any) -> int:
    """Dormant members: still members, no visit for ``behaviour.dormancy.after_days`` days."""
    return recency_counts(model)[2]


def posts(model: Any) -> int:
    """Member posts written today."""
    return int(model.today.posts)


def negative_posts(model: Any) -> int:
    """Posts written today by members with negative sentiment (negative word of mouth)."""
    return int(model.today.negative_posts)


def replies(model: Any) -> int:
    """Replies written today."""
    return int(model.today.replies)


def _member_mean(model: Any, values: np.ndarray) -> float:
    if model.n_members == 0:
        return 0.0
    # the sum over the count: the same arithmetic as ndarray.mean, without its wrapper
    return float(values[model.current_members()].sum() / model.n_members)


def sentiment(model: Any) -> float:
    """Mean sentiment of current members (0 with sentiment off or no members)."""
    if not model.config.behaviour.sentiment.enabled:
        return 0.0
    return _member_mean(model, model.pop.sentiment)


def mean_commitment(model: Any) -> float:
    """Mean commitment of current members (0 with commitment off or no members)."""
    if not model.config.behaviour.commitment.enabled:
        return 0.0
    return _member_mean(model, model.pop.commitment)


N_LEVELS = len(Level)
NEWCOMER = Level.NEWCOMER.value


def level_counts(model: Any) -> np.ndarray:
    """Members per level code today (one pass over the people, cached for the day)."""
    cached = model.today.level_counts
    if cached is None:
        if model.n_members == 0 or not model.config.behaviour.levels.enabled:
            cached = np.zeros(N_LEVELS, dtype=np.int64)  # levels off: all stay newcomers
            cached[NEWCOMER] = model.n_members
        else:
            cached = np.bincount(model.pop.level, minlength=N_LEVELS)
        model.today.level_counts = cached
    return cached


def _level_counter(level: Level) -> Callable[[Any], int]:
    code = level.value

    def count(model: Any) -> int:
        return int(level_counts(model)[code])

    count.__name__ = f"level_{level.name.lower()}"
    count.__doc__ = f"Current members at level {level.name.lower()}."
    return count


def revenue(model: Any) -> float:
    """Revenue today."""
    return float(model.today.revenue)


def cost(model: Any) -> float:
    """Cost booked today."""
    return float(model.today.cost)


def gravity(model: Any) -> float:
    """Orbit gravity today: sum over members of love x reach (see ``agents.levels``)."""
    return float(model.today.gravity)


def crisis_hit(model: Any) -> int:
    """Members a scheduled crisis turned negative today."""
    return int(model.today.crisis_hit)


def items(model: Any) -> int:
    """Items in the feed (operator content and member posts) at the end of the day."""
    return len(model.pool)


def exposure_diversity(model: Any) -> float:
    """Mean normalised entropy of today's visitors' feed topic mix (NaN: no feed read)."""
    return float(model.today.exposure_diversity)


#: metrics the day computes only when asked (``CommunityModel.request_metric``)
COMPUTED: dict[str, Callable[[Any], Any]] = {"exposure_diversity": exposure_diversity}

REPORTERS: dict[str, Callable[[Any], Any]] = {
    "day": day,
    "members": members,
    "prospects": prospects,
    "new_members": new_members,
    "joined_total": joined_total,
    "churned": churned,
    "churned_total": churned_total,
    "left_total": left_total,
    "active": active,
    "dau": active,
    "wau": wau,
    "mau": mau,
    "dormant": dormant,
    "posts": posts,
    "negative_posts": negative_posts,
    "replies": replies,
    "sentiment": sentiment,
    "mean_commitment": mean_commitment,
    "level_newcomer": _level_counter(Level.NEWCOMER),
    "level_lurker": _level_counter(Level.LURKER),
    "level_contributor": _level_counter(Level.CONTRIBUTOR),
    "level_core": _level_counter(Level.CORE),
    "revenue": revenue,
    "cost": cost,
    "gravity": gravity,
    "items": items,
    "crisis_hit": crisis_hit,
}


class MetricsRecorder:
    """Collects every reporter once a day into a table.

    Args:
        model: the model.
        extra: more reporters (name -> function of the model), after the standard ones.
    """

    def __init__(self, model: Any, extra: dict[str, Callable[[Any], Any]] | None = None) -> None:
        self.reporters = dict(REPORTERS)
        self.reporters.update(extra or {})
        self.rows: dict[str, list[Any]] = {name: [] for name in self.reporters}
        #: each column's list ``append`` with its reporter: the daily loop looks up nothing
        self._columns = [(self.rows[name].append, fn) for name, fn in self.reporters.items()]

    def add(self, name: str, reporter: Callable[[Any], Any], model: Any) -> None:
        """A new column before the first step: today's value is recorded at once.

        Raises:
            RuntimeError: if ``name`` is already a column or more than one day is recorded.
        """
        if name in self.reporters:
            raise RuntimeError(f"add_reporter({name!r}): that metric is already collected")
        if len(self.rows["day"]) > 1:
            raise RuntimeError(f"add_reporter({name!r}): the run has started")
        self.reporters[name] = reporter
        self.rows[name] = [reporter(model) for _ in self.rows["day"]]
        self._columns.append((self.rows[name].append, reporter))

    def collect(self, model: Any) -> None:
        """Record today's row."""
        for append, reporter in self._columns:
            append(reporter(model))

    def frame(self) -> pd.DataFrame:
        """The daily table, one row per day."""
        return pd.DataFrame(self.rows)

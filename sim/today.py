"""The state of the current day: counters and per-visitor arrays, and the daily levers.

Both are reset every morning: a new :class:`Today`, and :class:`DailyLevers` in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_EMPTY = np.empty(0, dtype=np.int64)
_EMPTY_BOOL = np.empty(0, dtype=bool)
_EMPTY_FLOAT = np.empty(0)


@dataclass
class Today:
    """Counters and per-visitor arrays of the current day, reset at its start."""

    new_members: int = 0
    churned: int = 0
    active: int = 0
    posts: int = 0
    negative_posts: int = 0  # posts by members whose sentiment is below 0 (negative word of mouth)
    replies: int = 0
    revenue: float = 0.0
    cost: float = 0.0
    held_back: float = 0.0  # payments the budget's pacing refused today (their amount)
    gravity: float = 0.0
    crisis_hit: int = 0
    exposure_diversity: float = float("nan")  # mean feed topic entropy of visitors (0..1)
    level_counts: np.ndarray | None = None  # members per level, computed once for metrics
    recency: tuple[int, int, int, int] | None = None  # wau, mau, dormant, inactive (metrics)
    removed: int = 0
    ties_added: int = 0
    posters: np.ndarray = field(default_factory=lambda: _EMPTY)
    repliers: np.ndarray = field(default_factory=lambda: _EMPTY)
    # empty defaults are shared (size 0, never written in place: phases assign new arrays)
    members: np.ndarray = field(default_factory=lambda: _EMPTY)
    visited: np.ndarray = field(default_factory=lambda: _EMPTY_BOOL)
    visitors: np.ndarray = field(default_factory=lambda: _EMPTY)
    benefit: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    read_cost: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    net_benefit: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    replies_got: np.ndarray = field(default_factory=lambda: _EMPTY)  # per person, today


class DailyLevers:
    """Per-person multipliers and bonuses of today, set by strategies each morning.

    Each lever is one array for the whole run, reset in place. Only the levers a strategy
    touched today are reset, and a phase reads a lever through :meth:`rows`, which gives
    ``None`` for a lever nobody touched: a day without incentives or events pays for
    neither a fill nor a gather of every person's row.

    Args:
        n: number of people.
    """

    #: each per-person lever and its neutral value
    NEUTRAL = {
        "visit_push": 0.0,  # extra visit chance
        "post_multiplier": 1.0,  # multiplier on posting and replying
        "purchase_multiplier": 1.0,  # multiplier on purchases
        "benefit_bonus": 0.0,  # extra net benefit of a visit
    }

    def __init__(self, n: int) -> None:
        self.visit_push = np.zeros(n)
        self.post_multiplier = np.ones(n)
        self.purchase_multiplier = np.ones(n)
        self.benefit_bonus = np.zeros(n)
        self.wom_multiplier = 1.0  #: multiplier on word of mouth (everyone)
        self._touched: set[str] = set()

    def touch(self, name: str) -> np.ndarray:
        """The array of lever ``name``, to change today (a strategy's verb calls this)."""
        self._touched.add(name)
        array: np.ndarray = getattr(self, name)
        return array

    def rows(self, name: str, people: np.ndarray) -> np.ndarray | None:
        """Lever ``name`` of ``people`` today, or None when no strategy touched it."""
        return getattr(self, name)[people] if name in self._touched else None

    def reset(self) -> None:
        """Back to no effect, in place (start of the day)."""
        for name in self._touched:
            getattr(self, name).fill(self.NEUTRAL[name])
        self._touched.clear()
        self.wom_multiplier = 1.0

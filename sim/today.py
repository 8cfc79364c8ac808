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
    replies: int = 0
    revenue: float = 0.0
    cost: float = 0.0
    gravity: float = 0.0
    crisis_hit: int = 0
    exposure_diversity: float = float("nan")  # mean feed topic entropy of visitors (0..1)
    level_counts: np.ndarray | None = None  # members per level, computed once for metrics
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

    Args:
        n: number of people.
    """

    def __init__(self, n: int) -> None:
        self.visit_push = np.zeros(n)  #: extra visit chance
        self.post_multiplier = np.ones(n)  #: multiplier on posting and replying
        self.purchase_multiplier = np.ones(n)  #: multiplier on purchases
        self.benefit_bonus = np.zeros(n)  #: extra net benefit of a visit
        self.wom_multiplier = 1.0  #: multiplier on word of mouth (everyone)

    def reset(self) -> None:
        """Back to no effect, in place (start of the day)."""
        self.visit_push.fill(0.0)
        self.post_multiplier.fill(1.0)
        self.purchase_multiplier.fill(1.0)
        self.benefit_bonus.fill(0.0)
        self.wom_multiplier = 1.0

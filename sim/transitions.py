"""Monthly level transitions: how many people moved from one level to another each month.

Every ``period`` days (30: a month) the level of every person who has ever joined is
compared with the previous snapshot; counts per (from, to) pair form a tidy table with
columns ``month, from_level, to_level, count``. Prospects are ``none`` and people who
left are ``churned``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agents.states import CHURNED, Level

#: snapshot codes: levels 0..4 (0 = none/prospect), then churned
NAMES = [lv.name.lower() for lv in Level] + ["churned"]
CHURNED_CODE = len(Level)


class LevelTransitions:
    """Snapshots of levels every ``period`` days and the transition counts between them."""

    def __init__(self, model: Any, period: int = 30) -> None:
        self.period = period
        self.rows: list[tuple[int, str, str, int]] = []
        self.last = self.codes(model)

    def codes(self, model: Any) -> np.ndarray:
        """Level code of every person, churned as its own code."""
        codes = model.pop.level.astype(np.int64)
        codes[model.pop.state == CHURNED] = CHURNED_CODE
        return codes

    def observe(self, model: Any) -> None:
        """At the end of each period, count the moves since the last snapshot."""
        if model.day % self.period:
            return
        now = self.codes(model)
        seen = (now > 0) | (self.last > 0)
        k = len(NAMES)
        counts = np.bincount(self.last[seen] * k + now[seen], minlength=k * k).reshape(k, k)
        month = model.day // self.period
        for a, b in zip(*np.nonzero(counts), strict=True):
            self.rows.append((month, NAMES[a], NAMES[b], int(counts[a, b])))
        self.last = now

    def frame(self) -> pd.DataFrame:
        """The transitions as a tidy table."""
        return pd.DataFrame(self.rows, columns=["month", "from_level", "to_level", "count"])

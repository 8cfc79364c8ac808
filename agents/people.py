"""The per-person attributes, declared once.

Each entry of :data:`FIELDS` is one NumPy array of ``sim.population.Population`` (its
dtype and value before day 0) and one attribute of a ``agents.member.Member`` handle (read
always; written only where a person's value may meaningfully be set by hand, within its
range). The members table (``members.parquet``) holds every field not ``internal``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from agents.states import Channel, Level, State


@dataclass(frozen=True)
class Field:
    """One per-person array.

    Attributes:
        dtype: the array's NumPy dtype.
        init: every person's value before day 0.
        doc: what the value is (the handle attribute's docstring).
        enum: the enum a handle returns for the stored code (state, level, channel).
        low: the smallest value a handle may write; None: the attribute is read-only
            (counts, days and flags are the model's bookkeeping).
        high: the largest value a handle may write.
        internal: bookkeeping left out of the members table.
    """

    dtype: type
    init: float
    doc: str
    enum: type[Enum] | None = None
    low: float | None = None
    high: float = math.inf
    internal: bool = False

    @property
    def writable(self) -> bool:
        """Whether a ``Member`` handle may set this value."""
        return self.low is not None


#: every per-person array: name -> Field (the order of the members table)
FIELDS: dict[str, Field] = {
    "state": Field(np.int8, State.PROSPECT.value, "prospect, member or churned", State),
    "level": Field(np.int8, Level.NONE.value, "level of a member (none otherwise)", Level),
    "channel": Field(np.int8, Channel.NONE.value, "how the person joined", Channel),
    "joined_day": Field(np.int32, -1, "day of joining (-1: never joined)"),
    "churned_day": Field(np.int32, -1, "day of leaving (-1: not left)"),
    "referrer": Field(np.int64, -1, "the member who brought them (-1: none)"),
    "commitment": Field(np.float64, 0.0, "commitment to the community", low=0.0, high=1.0),
    "last_visit": Field(np.int32, -1, "day of the last visit (-1: never)"),
    "visits": Field(np.int32, 0, "visits, the day of joining included"),
    "member_nbrs": Field(np.int32, 0, "friends who are members", internal=True),
    "churned_nbrs": Field(np.int32, 0, "friends who have left", internal=True),
    "degree": Field(np.int32, 0, "ties in the social graph"),
    "threshold": Field(np.float64, 0.0, "adoption threshold (threshold rule)", internal=True),
    "segment": Field(np.int8, 0, "segment code (model.segments.names[code])"),
    "sentiment": Field(np.float64, 0.0, "sentiment, -1 to 1", low=-1.0, high=1.0),
    "voice": Field(np.float32, 1.0, "posting propensity multiplier", low=0.0, internal=True),
    "posts": Field(np.int32, 0, "posts written"),
    "replies": Field(np.int32, 0, "replies written"),
    "replies_received": Field(np.int32, 0, "replies received to their posts"),
    "activity": Field(np.float32, 0.0, "contributions in about the last month", internal=True),
    "visit_avg": Field(np.float32, 0.0, "visits in about the last month", internal=True),
    "recognition": Field(np.float32, 0.0, "replies received in about a month", internal=True),
    "first_post_day": Field(np.int32, -1, "day of the first post (-1: none)"),
    "first_replied": Field(np.int8, 0, "1 when their first post got a reply"),
    "purchases": Field(np.int32, 0, "purchases made"),
    "revenue": Field(np.float64, 0.0, "revenue from their purchases"),
    "referrals": Field(np.int32, 0, "joiners who named them as referrer"),
    "retained": Field(
        np.uint8, 0, "bit w: visited in retention window w (RETENTION_WINDOWS)", internal=True
    ),
    "points": Field(np.float64, 0.0, "incentive points held", low=0.0),
    "removed_recent": Field(
        np.float32, 0.0, "own posts removed by moderation, about a month", internal=True
    ),
    "propensity": Field(
        np.float64, 1.0, "lifelong visit propensity (heterogeneity)", low=0.0, internal=True
    ),
    "one_off": Field(np.bool_, False, "a one-off visitor (heterogeneity)", internal=True),
}

#: arrays kept out of the members table (internal bookkeeping)
INTERNAL: tuple[str, ...] = tuple(name for name, f in FIELDS.items() if f.internal)

#: the attributes a ``Member`` handle may set
WRITABLE: tuple[str, ...] = tuple(name for name, f in FIELDS.items() if f.writable)

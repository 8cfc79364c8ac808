"""The population: one struct of NumPy arrays, indexed 0..N-1 in graph order."""

from __future__ import annotations

from enum import Enum

import numpy as np
import pandas as pd

from agents.people import FIELDS, INTERNAL
from agents.states import Channel, Level, State

#: retention at N days: the days after joining (inclusive) in which a visit counts, by N;
#: bit i of ``Population.retained`` is the i-th window (retention_d7, _d30, _d90)
RETENTION_WINDOWS: dict[int, tuple[int, int]] = {7: (1, 7), 30: (23, 30), 90: (83, 90)}


def mark_retained(retained: np.ndarray, people: np.ndarray, age: np.ndarray) -> None:
    """Set each window's bit for the ``people`` whose visit at ``age`` days falls in it."""
    for bit, (low, high) in enumerate(RETENTION_WINDOWS.values()):
        retained[people[(age >= low) & (age <= high)]] |= np.uint8(1 << bit)


def mark_seen_after(retained: np.ndarray, people: np.ndarray, seen_at: np.ndarray) -> None:
    """Starting members: a window counts as visited when their last visit came at or after
    its first day (``seen_at``: age at the last visit; the log shows no earlier visits)."""
    for bit, (low, _) in enumerate(RETENTION_WINDOWS.values()):
        retained[people[seen_at >= low]] |= np.uint8(1 << bit)


def retained_in(retained: np.ndarray, n_days: int) -> np.ndarray:
    """Whether each person visited in the retention window of ``n_days``."""
    bit = list(RETENTION_WINDOWS).index(n_days)
    return (retained & np.uint8(1 << bit)) != 0


class Population:
    """Per-person state as arrays (struct of arrays), one per ``agents.people.FIELDS``.

    Args:
        degree: the number of ties of each person in the social graph.
    """

    state: np.ndarray
    level: np.ndarray
    channel: np.ndarray
    joined_day: np.ndarray
    churned_day: np.ndarray
    referrer: np.ndarray
    commitment: np.ndarray
    last_visit: np.ndarray
    visits: np.ndarray
    member_nbrs: np.ndarray
    churned_nbrs: np.ndarray
    degree: np.ndarray
    threshold: np.ndarray
    segment: np.ndarray
    sentiment: np.ndarray
    voice: np.ndarray
    posts: np.ndarray
    replies: np.ndarray
    replies_received: np.ndarray
    activity: np.ndarray
    visit_avg: np.ndarray
    recognition: np.ndarray
    first_post_day: np.ndarray
    first_replied: np.ndarray
    purchases: np.ndarray
    revenue: np.ndarray
    referrals: np.ndarray
    retained: np.ndarray
    points: np.ndarray
    removed_recent: np.ndarray
    propensity: np.ndarray
    one_off: np.ndarray

    def __init__(self, degree: np.ndarray, n_topics: int = 1) -> None:
        self.n = len(degree)
        for name, f in FIELDS.items():
            setattr(self, name, np.full(self.n, f.init, dtype=f.dtype))
        self.degree[:] = degree
        #: interest profile of each person over K topics (rows sum to 1)
        self.interests = np.full((self.n, n_topics), 1.0 / n_topics, dtype=np.float32)

    def to_frame(self, segment_names: tuple[str, ...] | None = None) -> pd.DataFrame:
        """One row per person, final state, with readable state/level/channel/segment names."""
        df = pd.DataFrame({"id": np.arange(self.n)})
        for name in FIELDS:
            if name not in INTERNAL:
                df[name] = getattr(self, name)
        df["state"] = _names(State, self.state)
        df["level"] = _names(Level, self.level)
        df["channel"] = _names(Channel, self.channel)
        if segment_names:
            df["segment"] = pd.Categorical.from_codes(
                self.segment.astype(np.int64), categories=list(segment_names)
            )
        return df


def _names(enum: type[Enum], codes: np.ndarray) -> pd.Categorical:
    names = [m.name.lower() for m in enum]
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=names)

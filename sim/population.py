"""The population: one struct of NumPy arrays, indexed 0..N-1 in graph order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.states import Channel, Level, State

#: every per-person array: name -> (dtype, initial value)
FIELDS: dict[str, tuple[type, float]] = {
    "state": (np.int8, State.PROSPECT.value),
    "level": (np.int8, Level.NONE.value),
    "channel": (np.int8, Channel.NONE.value),
    "joined_day": (np.int32, -1),
    "churned_day": (np.int32, -1),
    "referrer": (np.int64, -1),
    "commitment": (np.float64, 0.0),
    "last_visit": (np.int32, -1),
    "visits": (np.int32, 0),
    "member_nbrs": (np.int32, 0),
    "degree": (np.int32, 0),
    "threshold": (np.float64, 0.0),
}


class Population:
    """Per-person state as arrays (struct of arrays).

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
    degree: np.ndarray
    threshold: np.ndarray

    def __init__(self, degree: np.ndarray) -> None:
        self.n = len(degree)
        for name, (dtype, init) in FIELDS.items():
            setattr(self, name, np.full(self.n, init, dtype=dtype))
        self.degree[:] = degree

    def is_member(self) -> np.ndarray:
        """Boolean mask of current members."""
        return self.state == State.MEMBER.value

    def to_frame(self) -> pd.DataFrame:
        """One row per person, final state, with readable state/level/channel names."""
        df = pd.DataFrame({"id": np.arange(self.n)})
        for name in FIELDS:
            if name in ("member_nbrs", "threshold"):
                continue
            df[name] = getattr(self, name)
        df["state"] = _names(State, self.state)
        df["level"] = _names(Level, self.level)
        df["channel"] = _names(Channel, self.channel)
        return df


def _names(enum: type, codes: np.ndarray) -> pd.Categorical:
    names = [m.name.lower() for m in enum]
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=names)

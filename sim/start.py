"""Where the community stands on day 0, when a run does not launch it from zero.

A :class:`StartState` lists the people who joined before day 0, one entry each: how long
ago they joined, how long ago they last visited, whether they have left, their commitment
and their recent activity. It comes from one of two places:

- a log: ``commsim calibrate ... as_of=DATE`` writes the observed state on that day as
  ``start.parquet`` in the calibration folder, and ``commsim run from=DIR`` (which sets
  ``start.path``) starts from it;
- a few aggregates (``start.members``, ``start.weekly_active``, ...): see
  ``sim.start_aggregates``.

The model places these people on the social graph (``initial_placement``: at random, or
the most active on the best-connected people) instead of the ``initial_members`` newcomers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from agents.params import param
from sim.errors import ConfigError
from sim.io import check_input_file

#: the columns of ``start.parquet``, in order: name -> (dtype, meaning)
COLUMNS: dict[str, tuple[str, str]] = {
    "tenure": ("int32", "days from joining to day 0 (0: joined on day 0)"),
    "idle": ("int32", "days from the last visit to day 0 (0 .. tenure)"),
    "left": ("bool", "has left the community by day 0"),
    "commitment": ("float64", "commitment on day 0, in [0, 1]"),
    "activity": ("float32", "posts and replies in about the last month (levels' memory)"),
    "visits_month": ("float32", "visits in about the last month"),
    "posts": ("int32", "posts and replies so far"),
}
#: optional columns (a table without them is read as if each were NaN: not given)
OPTIONAL: dict[str, tuple[str, str]] = {
    "propensity": (
        "float64",
        "visit propensity (behaviour.heterogeneity) on day 0; NaN: drawn like everyone's",
    ),
}


@dataclass(frozen=True)
class StartParams:
    """``start.*``: the community on day 0, when it is not launched from zero.

    ``members`` (with the other aggregates) builds a synthetic population consistent with
    those numbers; ``path`` reads one written by ``commsim calibrate as_of=...``. Either
    replaces ``initial_members``.
    """

    members: int = param(
        0,
        unit="people",
        low=0,
        source="your community's dashboard",
        doc="members on day 0 (0: launch from initial_members newcomers)",
    )
    weekly_active: int = param(
        0,
        unit="people",
        low=0,
        source="your community's dashboard",
        doc="members who visited in the 7 days up to day 0",
    )
    monthly_active: int = param(
        0,
        unit="people",
        low=0,
        source="assumption when 0: 2.2 x weekly_active (WAU/MAU ~ 0.45)",
        doc="members who visited in the 30 days up to day 0 (0: derived from weekly)",
    )
    new_per_week: float = param(
        0.0,
        unit="people/week",
        low=0.0,
        source="your community's dashboard",
        doc="people who join in a week (0: acquisition as configured)",
    )
    age_days: int = param(
        365,
        unit="days",
        low=1,
        source="your community's history",
        doc="how long the community has existed on day 0",
    )
    left_after_days: int = param(
        365,
        unit="days",
        low=1,
        source="assumption (a year unseen in a log: gone)",
        doc="a person unseen this long before day 0 in a log counts as having left",
    )
    path: str = param(
        "",
        unit="-",
        source="-",
        doc="a start.parquet written by commsim calibrate as_of=DATE (from=DIR sets it)",
    )

    @property
    def monthly(self) -> int:
        """Monthly actives: as given, or 2.2 x weekly actives (at most every member)."""
        if self.monthly_active > 0:
            return self.monthly_active
        return min(self.members, int(round(2.2 * self.weekly_active)))

    @property
    def given(self) -> bool:
        """Whether the run starts from a state (aggregates or a file) at all."""
        return self.members > 0 or bool(self.path)


def check_start(p: StartParams, n_people: int | None) -> StartParams:
    """Check the ``start.*`` values against each other and the community's size.

    Args:
        p: the parsed section.
        n_people: people in the social graph (None when a graph file decides it later).

    Raises:
        ConfigError: naming the key, the value and the fix.
    """
    if p.path and p.members:
        raise ConfigError(
            "start.members", p.members, "give either start.path (a log's state) or start.members"
        )
    if p.path:
        if not Path(p.path).expanduser().exists():
            raise ConfigError(
                "start.path",
                p.path,
                "no such file; give the start.parquet of a calibration folder "
                "(commsim calibrate ... as_of=DATE writes it; from=DIR finds it)",
            )
        check_input_file("start.path", p.path)  # a regular file of a sensible size
        return p
    if not p.members:
        for key in ("weekly_active", "monthly_active", "new_per_week"):
            if getattr(p, key):
                raise ConfigError(
                    f"start.{key}",
                    getattr(p, key),
                    "give start.members too (the members on day 0)",
                )
        return p
    if n_people is not None and p.members >= n_people:
        raise ConfigError(
            "start.members",
            p.members,
            f"the community has {n_people} people in all, and some must be prospects; "
            f"raise community.n above {p.members} (a market several times the members)",
        )
    if p.weekly_active > p.members:
        raise ConfigError(
            "start.weekly_active", p.weekly_active, f"use at most start.members ({p.members})"
        )
    if p.monthly_active and not p.weekly_active <= p.monthly_active <= p.members:
        raise ConfigError(
            "start.monthly_active",
            p.monthly_active,
            f"use a number between start.weekly_active ({p.weekly_active}) and "
            f"start.members ({p.members})",
        )
    return p


@dataclass(frozen=True)
class StartState:
    """The people who joined before day 0, one entry each (aligned arrays, see COLUMNS).

    ``order`` ranks them for placement on the graph by ``initial_placement=degree``: the
    first gets the best-connected person (default: by recent activity, most first).
    """

    tenure: np.ndarray
    idle: np.ndarray
    left: np.ndarray
    commitment: np.ndarray
    activity: np.ndarray
    visits_month: np.ndarray
    posts: np.ndarray
    propensity: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.tenure)
        if self.propensity is None:
            object.__setattr__(self, "propensity", np.full(n, np.nan))
        for name, (dtype, _) in {**COLUMNS, **OPTIONAL}.items():
            value = np.asarray(getattr(self, name), dtype=dtype)
            if value.shape != (n,):
                raise ValueError(f"StartState.{name}: {value.shape}, expected ({n},)")
            object.__setattr__(self, name, value)
        given = self.given_propensity
        if given.any() and (self.propensity[given] <= 0).any():  # type: ignore[index]
            raise ValueError("StartState.propensity: values must be > 0 (or NaN)")
        bad = (self.tenure < 0) | (self.idle < 0) | (self.idle > self.tenure)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"StartState: entry {i} has tenure {self.tenure[i]} and idle {self.idle[i]}; "
                "need 0 <= idle <= tenure"
            )
        if ((self.commitment < 0) | (self.commitment > 1)).any():
            raise ValueError("StartState.commitment: values must lie in [0, 1]")

    def __len__(self) -> int:
        return len(self.tenure)

    @property
    def given_propensity(self) -> np.ndarray:
        """Whether each entry's propensity is given (not NaN)."""
        return np.isfinite(np.asarray(self.propensity, dtype=float))

    @property
    def order(self) -> np.ndarray:
        """Entries by recent activity, most active first (ties: most recent visit first)."""
        return np.lexsort((self.idle, -self.activity - self.visits_month))

    def to_frame(self) -> pd.DataFrame:
        """One row per person, the columns of :data:`COLUMNS` and :data:`OPTIONAL`."""
        return pd.DataFrame({name: getattr(self, name) for name in {**COLUMNS, **OPTIONAL}})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, where: str = "start") -> StartState:
        """From a table with the columns of :data:`COLUMNS` (extra columns ignored).

        Raises:
            ConfigError: naming ``where`` when a column is missing or a value is impossible.
        """
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise ConfigError(
                where,
                ", ".join(missing),
                f"missing columns; a start table has: {', '.join(COLUMNS)} "
                "(commsim calibrate as_of=DATE writes one)",
            )
        try:
            optional = {c: frame[c].to_numpy() for c in OPTIONAL if c in frame.columns}
            return cls(**{c: frame[c].to_numpy() for c in COLUMNS}, **optional)
        except (ValueError, TypeError) as exc:
            raise ConfigError(where, "start table", str(exc)) from None

    def write(self, path: str | Path) -> Path:
        """Write as Parquet, atomically."""
        from sim.io import write_parquet

        return write_parquet(Path(path), self.to_frame())

    @classmethod
    def read(cls, path: str | Path) -> StartState:
        """Read a ``start.parquet``.

        Raises:
            ConfigError: key ``start.path``, when the file cannot be read or is not a start
                table.
        """
        file = check_input_file("start.path", path)  # a regular file of a sensible size
        try:
            frame = pd.read_parquet(file)
        except (OSError, ValueError) as exc:
            fix = f"cannot read it as Parquet: {exc}"
            raise ConfigError("start.path", str(path), fix) from None
        return cls.from_frame(frame, "start.path")

    def replace(self, **changes: np.ndarray) -> StartState:
        """A copy with some columns changed."""
        return dataclasses.replace(self, **changes)

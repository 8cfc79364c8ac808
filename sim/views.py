"""Read-only views of the model's state, for strategies.

Strategies read the population, today's activity, the content pool and the crises, but
change them only through the verbs of :class:`sim.verbs.Operator`. Every array handed out
here is a NumPy view with ``flags.writeable = False``: writing to it raises ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.content import ContentPool
    from sim.population import Population
    from sim.today import Today


def read_only(values: np.ndarray) -> np.ndarray:
    """A view of ``values`` that cannot be written to."""
    view = values.view()
    view.flags.writeable = False
    return view


class PopulationView:
    """The population's arrays (``sim.population.Population``), read-only.

    Args:
        pop: the population.
    """

    def __init__(self, pop: Population) -> None:
        self._pop = pop

    def __getattr__(self, name: str) -> np.ndarray:
        values = getattr(self._pop, name)
        if not isinstance(values, np.ndarray):
            raise AttributeError(name)
        return read_only(values)

    @property
    def n(self) -> int:
        """Number of people."""
        return self._pop.n


class TodayView:
    """Who did what today (visitors, posters, repliers), read-only.

    Args:
        today: the model's current ``Today`` (a new one every morning: make a new view).
    """

    def __init__(self, today: Today) -> None:
        self._today = today

    @property
    def visitors(self) -> np.ndarray:
        """Members who visited today (sorted)."""
        return read_only(self._today.visitors)

    @property
    def posters(self) -> np.ndarray:
        """Members who posted today (one entry per post)."""
        return read_only(self._today.posters)

    @property
    def repliers(self) -> np.ndarray:
        """Members who replied today (one entry per reply)."""
        return read_only(self._today.repliers)

    @property
    def exposure_diversity(self) -> float:
        """Mean feed topic entropy of today's visitors (NaN unless requested and read)."""
        return self._today.exposure_diversity


class ContentView:
    """The content pool's item arrays (``sim.content.ContentPool``), read-only.

    Args:
        pool: the pool.
    """

    def __init__(self, pool: ContentPool) -> None:
        self._pool = pool

    def __len__(self) -> int:
        return len(self._pool)

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name not in self._pool.__dict__:
            raise AttributeError(name)
        values = getattr(self._pool, name)
        if not isinstance(values, np.ndarray):
            raise AttributeError(name)
        return read_only(values)


@dataclass(frozen=True)
class Crisis:
    """A crisis that happened: its day and the members it turned negative (read-only)."""

    day: int
    hit: np.ndarray

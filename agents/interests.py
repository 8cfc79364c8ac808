"""Interests: K topics; each member has an interest profile (a probability vector over topics).

Profiles are drawn once for everyone before day 1 (prospects too, so that strategies
can target them) from a Dirichlet distribution centred on the community's
focus: the first ``focus_topics`` topics carry ``focus_weight`` times the weight of the
others (people join a community for its theme), and ``concentration`` sets how alike
members are (small: each cares about few topics).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param


@dataclass(frozen=True)
class ContentParams:
    """``behaviour.content.*``: topics, interests and the life of items."""

    topics: int = param(8, unit="topics", low=1, source="assumption", doc="number of topics K")
    focus_topics: int = param(
        3,
        unit="topics",
        low=0,
        source="assumption (clear positioning)",
        doc="topics the community is about (the first ones)",
    )
    focus_weight: float = param(
        3.0,
        unit="x",
        low=0.0,
        source="assumption",
        doc="weight of focus topics in interest profiles",
    )
    concentration: float = param(
        2.0,
        unit="-",
        low=1e-6,
        source="assumption",
        doc="Dirichlet concentration of interest profiles",
    )
    lifetime: int = param(
        7,
        unit="days",
        low=1,
        source="assumption (feeds show a week)",
        doc="days an item stays in the feed",
    )
    low_quality: float = param(
        0.3,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="quality below which an item is noise",
    )


def dirichlet_base(params: ContentParams) -> np.ndarray:
    """The Dirichlet parameter vector (length K)."""
    base = np.ones(params.topics)
    base[: min(params.focus_topics, params.topics)] = params.focus_weight
    return params.concentration * base / base.sum() * params.topics


def draw_interests(n: int, params: ContentParams, rng: np.random.Generator) -> np.ndarray:
    """Interest profiles for ``n`` people, shape (n, K), rows summing to 1 (float32)."""
    return rng.dirichlet(dirichlet_base(params), size=n).astype(np.float32)


def is_offtopic(topics: np.ndarray, params: ContentParams) -> np.ndarray:
    """Items whose topic lies outside the community's focus."""
    if params.focus_topics == 0:
        return np.zeros(len(topics), dtype=bool)
    return topics >= params.focus_topics

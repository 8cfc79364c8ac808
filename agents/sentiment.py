"""Sentiment: each member's opinion of the community, in [-1, 1].

The rule is a DeGroot / Friedkin-Johnsen style update anchored on experience:

``s_i <- (1 - a_e V_i - a_s T_i) s_i + a_e V_i e_i + a_s T_i n_i``

where ``V_i`` is 1 on a visit day, ``e_i = clip((b_i - neutral) / neutral, -1, 1)`` the
experience of the visit (net benefit ``b_i``), ``n_i`` the mean sentiment of the
neighbours who talk about the community (members and churned members), ``T_i`` = 1 when
there is any, and ``a_e``, ``a_s`` the experience and social weights. Negative members
spread negative word of mouth: prospects' word of mouth (the bass chance, the cascade
chance, or under the threshold rule the neighbour level compared with the threshold) is
scaled by ``clip(1 + wom_effect * n_i, 0, 2)`` and members' benefit lowered by
``commitment_effect * max(0, -n_i)``. Scheduled crises turn a share of members negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from agents.params import param
from agents.world import Neighbourhood


@dataclass(frozen=True)
class SentimentParams:
    """``behaviour.sentiment.*``: opinion dynamics."""

    enabled: bool = param(True, unit="-", source="-", doc="switch sentiment on or off")
    initial: float = param(
        0.3, unit="-1..1", low=-1.0, high=1.0, source="assumption", doc="sentiment of a new member"
    )
    experience_weight: float = param(
        0.05,
        unit="1/visit",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="pull of a visit's experience",
    )
    social_weight: float = param(
        0.03,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="DeGroot 1974; Friedkin & Johnsen 1990 (form)",
        doc="pull of neighbours' opinions",
    )
    neutral_benefit: float = param(
        0.35,
        unit="score",
        low=1e-9,
        source="assumption",
        doc="net benefit that leaves sentiment unchanged",
    )
    wom_effect: float = param(
        1.0,
        unit="x",
        low=0.0,
        source="assumption (negative WOM)",
        doc="how much neighbours' sentiment scales word of mouth",
    )
    commitment_effect: float = param(
        0.2,
        unit="score",
        low=0.0,
        source="assumption",
        doc="benefit lost when neighbours are fully negative",
    )
    churn_effect: float = param(
        0.01,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="extra churn hazard at sentiment -1",
    )


def neighbour_sentiment(
    graph: Neighbourhood | sp.csr_array,
    sentiment: np.ndarray,
    talks: np.ndarray,
    n_talkers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean sentiment of each person's talking neighbours, and whether there is any.

    Args:
        graph: the social graph (``model.social``) or its CSR matrix (float32 data):
            ``graph @ x`` sums each person's neighbours' values; on the implicit complete
            graph that is the total minus one's own.
        sentiment: everyone's sentiment.
        talks: who talks about the community (members and churned members).
        n_talkers: talking neighbours of each person (kept exact by the model).

    One float32 sparse product per day (the sum of talking neighbours' opinions).
    """
    total = graph @ np.where(talks, sentiment, 0.0).astype(np.float32)
    has = n_talkers > 0
    mean = np.divide(total, n_talkers, out=np.zeros(len(total)), where=has)
    return mean, has


def experience(net_benefit: np.ndarray, params: SentimentParams) -> np.ndarray:
    """How a visit felt, in [-1, 1]."""
    feeling: np.ndarray = (net_benefit - params.neutral_benefit) / params.neutral_benefit
    return feeling.clip(-1.0, 1.0)


def update(
    s: np.ndarray,
    visited: np.ndarray,
    exp: np.ndarray,
    nbr: np.ndarray,
    has_nbr: np.ndarray,
    params: SentimentParams,
) -> np.ndarray:
    """New sentiments for one group of members (all arrays aligned)."""
    a_e = params.experience_weight * visited
    a_s = params.social_weight * has_nbr
    new: np.ndarray = (1.0 - a_e - a_s) * s + a_e * exp + a_s * nbr
    return new.clip(-1.0, 1.0)


def wom_boost(nbr: np.ndarray, params: SentimentParams) -> np.ndarray:
    """Multiplier on prospects' word of mouth from neighbours' sentiment."""
    boost: np.ndarray = 1.0 + params.wom_effect * nbr
    return boost.clip(0.0, 2.0)

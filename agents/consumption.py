"""Consumption: what a visit to the feed is worth to each visitor.

Computed in aggregate, from the pool's supply per content type and topic (never per item
per member), in the spirit of Ren & Kraut (2014):

- Feed mix: a visitor sees ``F = min(feed_size, items)`` items; the share from topic k is
  ``f_ik ~ C_k * max(0, 1 + s (K I_ik - 1))`` where ``C_k`` is the supply of topic k,
  ``I_i`` the visitor's interest profile and ``s`` the personalisation strength (0 for a
  chronological feed, which shows topics in proportion to supply).
- Value: ``G_i = F * sum_k f_ik * min(K I_ik, 2) * v_gk * (1 - z_k)`` with ``v_gk`` the
  segment-preference-weighted mean quality of topic k and ``z_k`` its noise share;
  benefit ``B_i = max_benefit * (1 - exp(-G_i / half_items))`` (diminishing returns).
- Reading cost: ``R_i = read_cost * F / feed_size * (1 - h) * sum_k f_ik * (z_k + max(0,
  1 - K I_ik))``: noise and off-interest items cost time; ``h`` (``filter_strength``) is
  the share of them a personalised moderation filter hides from each reader.
- Exposure diversity: the normalised entropy of a visitor's feed mix,
  ``D_i = -sum_k f_ik ln f_ik / ln K`` (0: one topic only, 1: all topics equally;
  Nikolov et al. 2015 measure the diversity of what people see the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param


@dataclass(frozen=True)
class ConsumptionParams:
    """``behaviour.consumption.*``: reading the feed."""

    enabled: bool = param(True, unit="-", source="-", doc="switch content benefit on or off")
    feed_size: int = param(
        20, unit="items/visit", low=1, source="assumption", doc="items a visitor reads per visit"
    )
    ranking: str = param(
        "chronological",
        unit="-",
        choices=("chronological", "personalised"),
        source="Ren & Kraut 2014",
        doc="feed ranking",
    )
    personalisation: float = param(
        0.7,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="strength of interest matching in a personalised feed",
    )
    max_benefit: float = param(
        0.5, unit="score", low=0.0, source="assumption", doc="benefit of an ideal, endless feed"
    )
    half_items: float = param(
        6.0,
        unit="items",
        low=1e-9,
        source="assumption",
        doc="relevant quality items giving 63% of max benefit",
    )
    read_cost: float = param(
        0.25,
        unit="score",
        low=0.0,
        source="Ren & Kraut 2014 (reading cost of noise)",
        doc="cost of a full feed of noise and off-interest items",
    )
    filter_strength: float = param(
        0.0,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="Ren & Kraut 2014 (personalised moderation)",
        doc="share of noise and off-interest items hidden per reader",
    )


def feed_value(
    interests: np.ndarray,
    prefs: np.ndarray,
    count: np.ndarray,
    quality: np.ndarray,
    noise: np.ndarray,
    total: int,
    params: ConsumptionParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Benefit and reading cost of today's feed for a set of visitors.

    Args:
        interests: (V, K) interest profiles of the visitors (rows sum to 1).
        prefs: (V, types) content-type preferences of each visitor's segment.
        count: (K,) items per topic.
        quality: (types, K) quality mass per type and topic.
        noise: (K,) noise items per topic.
        total: items in the pool.
        params: consumption parameters.

    Returns:
        ``(benefit, cost)``, each of shape (V,).
    """
    v = len(interests)
    if total == 0 or v == 0:
        return np.zeros(v), np.zeros(v)
    rel = interests.shape[1] * interests
    mix = _mix(interests, count, params)
    safe = np.maximum(count, 1.0)
    z = noise / safe
    hidden = params.filter_strength
    irrelevant = np.maximum(0.0, 1.0 - rel)
    value_k = (prefs @ quality) / safe[None, :]  # (V, K): pref-weighted mean quality
    items = min(params.feed_size, total)
    gross = items * (mix * np.minimum(rel, 2.0) * value_k * (1.0 - z)).sum(axis=1)
    benefit = params.max_benefit * (1.0 - np.exp(-gross / params.half_items))
    exposure = (mix * (z + irrelevant)).sum(axis=1) * (1.0 - hidden)
    cost = params.read_cost * (items / params.feed_size) * exposure
    return benefit, cost


def feed_mix(interests: np.ndarray, count: np.ndarray, params: ConsumptionParams) -> np.ndarray:
    """Each visitor's feed mix: the share of their feed from each topic.

    Args:
        interests: (V, K) interest profiles of the visitors (rows sum to 1).
        count: (K,) items per topic.
        params: consumption parameters (ranking and personalisation).

    Returns:
        (V, K) shares ``f_ik``; rows sum to 1, or are all zero when the pool is empty.
    """
    return np.broadcast_to(_mix(interests, count, params), interests.shape)


def _mix(interests: np.ndarray, count: np.ndarray, params: ConsumptionParams) -> np.ndarray:
    """:func:`feed_mix`, as one (1, K) row for a chronological feed (the same for everyone;
    it broadcasts in arithmetic with (V, K) arrays)."""
    s = params.personalisation if params.ranking == "personalised" else 0.0
    if s == 0.0:  # chronological: the same mix for everyone, one row
        share = count / max(float(count.sum()), 1e-12)
        return share[None, :]
    rel = interests.shape[1] * interests
    weight = count[None, :] * np.maximum(0.0, 1.0 + s * (rel - 1.0))
    return weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)


def feed_diversity(mix: np.ndarray) -> np.ndarray:
    """Normalised entropy of each row of a feed mix (exposure diversity).

    Args:
        mix: (V, K) topic shares of each visitor's feed.

    Returns:
        (V,) values in [0, 1]: 0 when the feed shows one topic only, 1 when it shows all
        K topics equally; NaN for an empty feed (a row of zeros); 0 when K = 1.
    """
    mix = np.asarray(mix, dtype=float)
    k = mix.shape[1] if mix.ndim == 2 else 0
    total = mix.sum(axis=1) if k else np.zeros(len(mix))
    if k <= 1:
        return np.where(total > 0, 0.0, np.nan)
    p = mix / np.where(total > 0, total, 1.0)[:, None]
    terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return np.where(total > 0, -terms.sum(axis=1) / np.log(k), np.nan)


def mean_feed_diversity(
    interests: np.ndarray, count: np.ndarray, total: int, params: ConsumptionParams
) -> float:
    """Mean exposure diversity over a set of visitors (NaN when no feed was read).

    Args:
        interests: (V, K) interest profiles of the visitors.
        count: (K,) items per topic.
        total: items in the pool.
        params: consumption parameters.
    """
    if total == 0 or len(interests) == 0:
        return float("nan")
    return float(np.mean(feed_diversity(feed_mix(interests, count, params))))

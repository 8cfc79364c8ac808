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
- Reading cost: ``R_i = read_cost * F / feed_size * sum_k f_ik * (z_k + max(0, 1 - K I_ik))``:
  noise and off-interest items cost time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param


@dataclass(frozen=True)
class ConsumptionParams:
    """``behaviour.consumption.*``: reading the feed."""

    enabled: bool = param(True, unit="-", source="-", doc="switch content benefit on or off")
    feed_size: int = param(20, unit="items/visit", low=1, source="assumption",
                           doc="items a visitor reads per visit")
    ranking: str = param("chronological", unit="-", choices=("chronological", "personalised"),
                         source="Ren & Kraut 2014", doc="feed ranking")
    personalisation: float = param(0.7, unit="0-1", low=0.0, high=1.0, source="assumption",
                                   doc="strength of interest matching in a personalised feed")
    max_benefit: float = param(0.5, unit="score", low=0.0, source="assumption",
                               doc="benefit of an ideal, endless feed")
    half_items: float = param(6.0, unit="items", low=1e-9, source="assumption",
                              doc="relevant quality items giving 63% of max benefit")
    read_cost: float = param(0.25, unit="score", low=0.0,
                             source="Ren & Kraut 2014 (reading cost of noise)",
                             doc="cost of a full feed of noise and off-interest items")
    filter_strength: float = param(0.0, unit="0-1", low=0.0, high=1.0,
                                   source="Ren & Kraut 2014 (personalised moderation)",
                                   doc="share of noise and off-interest items hidden per reader")


def feed_value(interests: np.ndarray, prefs: np.ndarray, count: np.ndarray,
               quality: np.ndarray, noise: np.ndarray, total: int,
               params: ConsumptionParams) -> tuple[np.ndarray, np.ndarray]:
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
    if not params.enabled or total == 0 or v == 0:
        return np.zeros(v), np.zeros(v)
    k = interests.shape[1]
    rel = k * interests
    s = params.personalisation if params.ranking == "personalised" else 0.0
    weight = count[None, :] * np.maximum(0.0, 1.0 + s * (rel - 1.0))
    mix = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
    safe = np.maximum(count, 1.0)
    z = noise / safe
    hidden = params.filter_strength
    irrelevant = np.maximum(0.0, 1.0 - rel)
    value_k = (prefs @ quality) / safe[None, :]  # (V, K): pref-weighted mean quality
    items = min(params.feed_size, total)
    gross = items * np.sum(mix * np.minimum(rel, 2.0) * value_k * (1.0 - z), axis=1)
    benefit = params.max_benefit * (1.0 - np.exp(-gross / params.half_items))
    exposure = np.sum(mix * (z + irrelevant), axis=1) * (1.0 - hidden)
    cost = params.read_cost * (items / params.feed_size) * exposure
    return benefit, cost

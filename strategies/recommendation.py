"""Recommendation: how the feed is ranked, and how diverse what people see stays.

A personalised feed shows each reader more of the topics they care about (the share of
topic k in reader i's feed grows with ``1 + strength * (K I_ik - 1)``, see
``agents.consumption``): more relevant items, less reading cost, and a narrower mix of
topics. The strategy registers the daily metric ``exposure_diversity``: the mean over the
day's visitors of the normalised entropy of their feed's topic mix (0: one topic only,
1: all topics equally; NaN on a day nobody read a feed), so the filter-bubble side of
personalisation can be watched (Nikolov et al. 2015; Pariser 2011).

Cost: ``cost_per_day`` while a personalised ranking runs (a recommender service); the
chronological feed is the platform's default and costs nothing. When the budget runs
out, the feed falls back to the behaviour's default ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agents.params import param
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

RANKINGS = ("chronological", "personalised")


@dataclass(frozen=True)
class RecommendationLevers:
    """``strategies.recommendation.*``."""

    ranking: str = param(
        "personalised", unit="-", choices=RANKINGS, source="Ren & Kraut 2014", doc="feed ranking"
    )
    strength: float = param(
        0.7,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="strength of interest matching in a personalised feed",
    )
    cost_per_day: float = param(
        50.0,
        unit="currency/day",
        low=0.0,
        source="assumption (a hosted recommender)",
        doc="running cost of a personalised ranking",
    )


class Recommendation(Strategy):
    """Rank the feed chronologically or by each reader's interests."""

    kind: ClassVar[str] = "recommendation"
    Levers: ClassVar[type] = RecommendationLevers
    ranking: str
    strength: float
    cost_per_day: float

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the running state; request the ``exposure_diversity`` metric."""
        self.active_ = False
        ops.request_metric("exposure_diversity")

    def act(self, ops: OperatorVerbs) -> None:
        """Morning: pay for today's ranking; switch it on, or back to the default."""
        cost = self.cost_per_day if self.ranking == "personalised" else 0.0
        paid = ops.spend(cost, "recommendation")
        if paid == self.active_:
            return
        if paid:
            ops.rank_feed(ranking=self.ranking, personalisation=self.strength)
        else:
            base = ops.config.behaviour.consumption
            ops.rank_feed(ranking=base.ranking, personalisation=base.personalisation)
        self.active_ = paid

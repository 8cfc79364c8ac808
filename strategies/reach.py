"""Outside reach: paid ads and partner communities bring people who have no member friend.

- **Ads.** Each day from ``ad_start`` to ``ad_end`` the operator spends
  ``ad_spend_per_day``. Returns diminish: each prospect joins from the ads that day with
  probability ``ad_p_max * (1 - exp(-spend / ad_half_spend))`` (a saturating response
  curve, Hanssens, Parsons & Schultz 2001), so the count is Binomial(prospects, p) drawn
  from ``ops.rng``; they join with channel ``ads``.
- **Partners.** From ``partner_start`` to ``partner_end`` a partner community sends on
  average ``partner_members_per_day`` (a Poisson count each day), who join with channel
  ``partner``; the partner is paid ``partner_fee`` a day plus ``cost_per_partner_member``
  per member sent.

Both pay first through ``ops.spend``; when the budget refuses, nobody is admitted that
day. Daily metrics: ``ads_joins`` (today's ads joiners) and ``ads_cost_per_join`` (ads
spend so far / ads joiners so far); the summary has ``cost_ads`` and ``joined_ads``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from agents.params import param
from agents.states import Channel
from sim.errors import ConfigError
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

ADS_SOURCE = "assumption (a few currency per join, 0.1-0.3%/day reach at saturation)"


@dataclass(frozen=True)
class ReachLevers:
    """``strategies.reach.*``."""

    ad_spend_per_day: float = param(
        50.0,
        unit="currency/day",
        low=0.0,
        source="assumption",
        doc="ads: spend each day of the campaign",
    )
    ad_p_max: float = param(
        0.002,
        unit="1/day",
        low=0.0,
        high=1.0,
        source=ADS_SOURCE,
        doc="ads: daily join chance per prospect at unlimited spend",
    )
    ad_half_spend: float = param(
        100.0,
        unit="currency/day",
        low=0.01,
        source="Hanssens et al. 2001 (concave response); value assumption",
        doc="ads: spend scale of the saturation (63% of ad_p_max)",
    )
    ad_start: int = param(
        1, unit="day", low=1, source="assumption", doc="ads: first day of the campaign"
    )
    ad_end: int = param(
        90,
        unit="day",
        low=1,
        source="assumption",
        doc="ads: last day of the campaign",
        constraint="not before ad_start",
    )
    partner_members_per_day: float = param(
        0.0,
        unit="people/day",
        low=0.0,
        source="assumption",
        doc="partners: mean members sent a day (Poisson)",
    )
    partner_start: int = param(
        1, unit="day", low=1, source="assumption", doc="partners: first day of the partnership"
    )
    partner_end: int = param(
        90,
        unit="day",
        low=1,
        source="assumption",
        doc="partners: last day of the partnership",
        constraint="not before partner_start",
    )
    partner_fee: float = param(
        0.0,
        unit="currency/day",
        low=0.0,
        source="assumption",
        doc="partners: fixed fee per day of the partnership",
    )
    cost_per_partner_member: float = param(
        3.0,
        unit="currency/member",
        low=0.0,
        source="assumption (referral fee)",
        doc="partners: fee per member sent",
    )


class OutsideReach(Strategy):
    """Ads with diminishing returns and partner referrals (see the module docstring).

    Attributes (reset in ``setup``):
        ads_joins_: members who joined through ads so far.
        ads_today_: members who joined through ads today.
        ads_cost_: ads spend so far.
        partner_joins_: members sent by partners so far.
    """

    kind: ClassVar[str] = "reach"
    Levers: ClassVar[type] = ReachLevers
    # the levers, set from ReachLevers by Strategy.__init__
    ad_spend_per_day: float
    ad_p_max: float
    ad_half_spend: float
    ad_start: int
    ad_end: int
    partner_members_per_day: float
    partner_start: int
    partner_end: int
    partner_fee: float
    cost_per_partner_member: float

    def __init__(self, **levers: Any) -> None:
        super().__init__(**levers)
        for what in ("ad", "partner"):
            start, end = getattr(self, f"{what}_start"), getattr(self, f"{what}_end")
            if end < start:
                raise ConfigError(
                    f"strategies.reach.{what}_end",
                    end,
                    f"use a day on or after strategies.reach.{what}_start ({start})",
                )

    def ad_join_chance(self, spend: float) -> float:
        """Daily join chance per prospect for a day's spend (diminishing returns)."""
        return self.ad_p_max * (1.0 - math.exp(-spend / self.ad_half_spend))

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the counters and register the ads metrics."""
        self.ads_joins_ = 0
        self.ads_today_ = 0
        self.ads_cost_ = 0.0
        self.partner_joins_ = 0
        ops.add_reporter("ads_joins", lambda m: self.ads_today_)
        ops.add_reporter(
            "ads_cost_per_join",
            lambda m: self.ads_cost_ / self.ads_joins_ if self.ads_joins_ else float("nan"),
        )

    def act(self, ops: OperatorVerbs) -> None:
        """Run today's ads and partnership, each paid before anyone is admitted."""
        self.ads_today_ = 0
        day = ops.day
        if self.ad_start <= day <= self.ad_end and self.ad_spend_per_day > 0:
            self._ads(ops)
        if self.partner_start <= day <= self.partner_end and (
            self.partner_members_per_day > 0 or self.partner_fee > 0
        ):
            self._partners(ops)

    def _ads(self, ops: OperatorVerbs) -> None:
        spend = self.ad_spend_per_day
        if not ops.spend(spend, "ads"):
            return
        self.ads_cost_ += spend
        n = int(ops.rng.binomial(ops.n_prospects, self.ad_join_chance(spend)))
        self.ads_today_ = len(ops.admit_from_outside(n, Channel.ADS))
        self.ads_joins_ += self.ads_today_

    def _partners(self, ops: OperatorVerbs) -> None:
        n = min(int(ops.rng.poisson(self.partner_members_per_day)), ops.n_prospects)
        if not ops.spend(self.partner_fee + n * self.cost_per_partner_member, "partners"):
            return
        self.partner_joins_ += len(ops.admit_from_outside(n, Channel.PARTNER))

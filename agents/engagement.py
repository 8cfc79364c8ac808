"""Visits, commitment and churn: the first version of member engagement.

- Visits: a member visits today with probability ``(base + slope * c) * v_g + push``
  where ``c`` in [0, 1] is the member's commitment, ``v_g`` the segment's visit
  multiplier and ``push`` any extra pull today (events, notifications).
- Commitment: a running average of the net benefit of visits,
  ``c += rate * (benefit - c)`` on a visit day; it decays, ``c *= 1 - decay``, on a day
  without a visit (the phase lives in ``sim.phases``; the net benefit combines the visit,
  the feed, replies received and neighbours' mood).
- Dormancy: membership is not activity. A member without a visit for ``after_days`` days is
  dormant: still a member (as in a real group or server, where silent members stay), who
  comes back less often (visit chance times ``visit_factor``) and can return at any time.
- Leaving: a member leaves today with hazard
  ``min(min(base + inactivity * days_since_visit + low_commitment * (1 - c), max_hazard)
  + extra, 1)``, where ``extra`` is the sentiment term (``sentiment.churn_effect *
  max(0, -s)``), added after the cap so that a crisis can push churn beyond it. Leaving is
  an event of its own, rarer than going quiet: the hazard rises slowly with dormancy.
  Members who left stop visiting and still talk to their friends.

Every mechanism can be switched off (``enabled: false``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param
from agents.states import MEMBER
from agents.world import World


@dataclass(frozen=True)
class VisitParams:
    """``behaviour.visits.*``: the daily decision to visit."""

    enabled: bool = param(True, unit="-", source="-", doc="switch visits on or off")
    base: float = param(
        0.01,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (uncommitted members go quiet: weekly actives 5-25% of "
        "members, docs/model.md, Plausible defaults)",
        doc="visit chance of a member with no commitment",
    )
    slope: float = param(
        0.35,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (DAU/MAU 10-25%, weekly actives 5-25% of members, "
        "docs/model.md, Plausible defaults)",
        doc="extra visit chance at full commitment",
    )


@dataclass(frozen=True)
class CommitmentParams:
    """``behaviour.commitment.*``: commitment as a running average of benefit."""

    enabled: bool = param(True, unit="-", source="-", doc="switch commitment updates on or off")
    initial: float = param(
        0.5,
        unit="score 0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="commitment of a member on the day they join",
    )
    rate: float = param(
        0.1,
        unit="1/visit",
        low=0.0,
        high=1.0,
        source="assumption (10-visit memory)",
        doc="weight of today's benefit in the running average",
    )
    visit_benefit: float = param(
        0.35,
        unit="score 0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="benefit of a visit before content and social effects",
    )
    novelty_days: float = param(
        90.0,
        unit="days",
        low=1e-9,
        source="assumption (novelty wears off; CollegeMsg decay)",
        doc="time scale on which the benefit of visiting wanes",
    )
    novelty_floor: float = param(
        0.5,
        unit="share",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="share of the benefit left once novelty has worn off",
    )
    reply_benefit: float = param(
        0.15,
        unit="score",
        low=0.0,
        source="Joyce & Kraut 2006",
        doc="benefit of receiving replies (full at 3 in a day)",
    )
    decay: float = param(
        0.03,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (half-life ~ 23 days)",
        doc="share of commitment lost on a day without a visit",
    )


@dataclass(frozen=True)
class DormancyParams:
    """``behaviour.dormancy.*``: members who stop visiting stay members, dormant."""

    enabled: bool = param(
        True, unit="-", source="-", doc="switch the dormant visit factor on or off"
    )
    after_days: int = param(
        30,
        unit="days",
        low=1,
        source="the 30-day window of monthly actives (MAU)",
        doc="days without a visit after which a member counts as dormant",
    )
    visit_factor: float = param(
        0.05,
        unit="share",
        low=0.0,
        high=1.0,
        source="assumption (dormant members return rarely; fitted by commsim calibrate)",
        doc="multiplier on a dormant member's visit chance",
    )


@dataclass(frozen=True)
class ChurnParams:
    """``behaviour.churn.*``: the daily hazard of leaving (an event of its own)."""

    enabled: bool = param(True, unit="-", source="-", doc="switch leaving on or off")
    base: float = param(
        0.0003,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (~10% a year leave regardless)",
        doc="hazard of an active, committed member",
    )
    inactivity: float = param(
        0.00001,
        unit="1/day per idle day",
        low=0.0,
        high=1.0,
        source="assumption (a year's silence adds ~0.004/day: most silent members stay)",
        doc="extra hazard per day since last visit",
    )
    low_commitment: float = param(
        0.001,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (~30% a year at zero commitment)",
        doc="extra hazard at zero commitment",
    )
    max_hazard: float = param(
        0.02,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="cap on the daily hazard before the sentiment term",
    )


def dormant_mask(world: World, members: np.ndarray, params: DormancyParams) -> np.ndarray:
    """Boolean mask over ``members``: who is dormant today (no visit for ``after_days``)."""
    return world.day - world.pop.last_visit[members] >= params.after_days


def dormancy_multiplier(
    world: World, members: np.ndarray, params: DormancyParams
) -> np.ndarray | float:
    """Visit multiplier of each member: ``visit_factor`` when dormant, else 1."""
    dormant = dormant_mask(world, members, params)
    if not dormant.any():
        return 1.0
    return np.where(dormant, params.visit_factor, 1.0)


def decide_visits(
    world: World,
    members: np.ndarray,
    params: VisitParams,
    push: np.ndarray | None = None,
    multiplier: np.ndarray | float = 1.0,
    fixed: tuple[np.ndarray, float] | None = None,
) -> np.ndarray:
    """Boolean mask over ``members``: who visits today.

    Args:
        world: the model.
        members: indices of current members.
        params: visit parameters.
        push: optional extra visit chance today (events, notifications), aligned with
            ``members``.
        multiplier: segment visit multiplier, aligned with ``members``.
        fixed: ``(mask, chance)``: the members in ``mask`` visit at ``chance`` instead of
            by commitment (one-off visitors, ``behaviour.heterogeneity``); push still adds.
    """
    prob = (params.base + params.slope * world.pop.commitment[members]) * multiplier
    if fixed is not None:
        prob = np.where(fixed[0], fixed[1], prob)
    if push is not None:
        prob = prob + push
    return world.rng.random(len(members)) < prob


def churn_hazard(world: World, members: np.ndarray, params: ChurnParams) -> np.ndarray:
    """Daily hazard of leaving for each member."""
    pop = world.pop
    idle = world.day - np.maximum(pop.last_visit[members], pop.joined_day[members])
    h = (
        params.base
        + params.inactivity * idle
        + params.low_commitment * (1.0 - pop.commitment[members])
    )
    return np.minimum(h, params.max_hazard)


def decide_churn(
    world: World, members: np.ndarray, params: ChurnParams, extra: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the members who leave today (never those who joined today)."""
    if len(members) == 0:
        return np.empty(0, dtype=np.int64)
    eligible = members[world.pop.joined_day[members] < world.day]
    h = churn_hazard(world, eligible, params)
    if extra is not None:
        h = np.minimum(h + extra[eligible], 1.0)
    return eligible[world.rng.random(len(eligible)) < h]


def current_members(world: World) -> np.ndarray:
    """Indices of current members."""
    return (world.pop.state == MEMBER).nonzero()[0]

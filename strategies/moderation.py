"""Moderation and crisis response: keeping the feed clean and answering crises.

``Moderation`` follows Ren & Kraut (2014), "Agent-based modeling to inform online
community design": moderating noise helps readers but deleting posts discourages their
authors, and personalised moderation (per-reader filtering) keeps the benefit for readers
without the cost for posters.

- ``mode=community``: each evening moderators review up to ``capacity`` of the day's
  newest member posts. Noise (low quality, negative tone, off-topic) is removed with
  probability ``strictness``, good posts with ``strictness * false_positive``, through
  ``ops.moderate`` (authors of removed posts post less: ``removed_recent`` and
  ``behaviour.contribution.removal_effect``). Readers see less noise; posters are
  discouraged. Cost: ``ceil(reviewed / items_per_moderator) * cost_per_moderator_day``.
- ``mode=personalised``: nothing is deleted; each reader's feed hides a share
  ``strictness`` of noise and off-interest items (``ops.rank_feed(filter_strength=...)``,
  which lowers the reading cost). Cost: ``filter_cost_per_day``.
- ``mode=none``: nothing happens and nothing is spent.

``CrisisResponse`` answers each crisis in ``ops.crises`` ``delay`` days later with a
response of ``quality`` q. On the response day (evening), the members the crisis hit get
an immediate sentiment shift ``effect * (q - backlash_threshold) * exp(-delay /
settling_days)`` (a poor response backfires; opinions harden with time, Coombs 2007;
Arpan & Roskos-Ewoldsen 2005), and every other member with negative sentiment
``spillover`` times that. From the response day on, for ``repair_days`` days, a response
that fixes the cause repairs the lasting damage: hit members' sentiment moves each day a
share ``repair_rate * q`` of the way back to where it was before the crisis. A response
the budget's pacing holds back is tried again each day, and its ``delay`` in the shift is
then the days actually waited; one the budget's total cannot pay does not happen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from agents.params import param
from agents.states import MEMBER, PROSPECT
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

MODES = ("none", "community", "personalised")


@dataclass(frozen=True)
class ModerationLevers:
    """``strategies.moderation.*``."""

    mode: str = param(
        "community",
        unit="-",
        choices=MODES,
        source="Ren & Kraut 2014",
        doc="who moderates: nobody, moderators for everyone, or each reader's filter",
    )
    strictness: float = param(
        0.7,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="Ren & Kraut 2014",
        doc="chance a noise item is removed (community) or hidden (personalised)",
    )
    false_positive: float = param(
        0.1,
        unit="share per strictness",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="share of good posts removed per unit strictness",
    )
    capacity: int = param(
        300,
        unit="items/day",
        low=0,
        source="assumption",
        doc="member posts reviewed per day (moderator capacity)",
    )
    items_per_moderator: int = param(
        150,
        unit="items/moderator-day",
        low=1,
        source="assumption (careful review of forum posts)",
        doc="posts one moderator reviews in a day",
    )
    cost_per_moderator_day: float = param(
        120.0,
        unit="currency/moderator-day",
        low=0.0,
        source="assumption (a part-time moderator)",
        doc="cost of one moderator for one day",
    )
    filter_cost_per_day: float = param(
        40.0,
        unit="currency/day",
        low=0.0,
        source="assumption (hosting a per-reader filter)",
        doc="running cost of personalised filtering",
    )


class Moderation(Strategy):
    """Community-wide or personalised moderation of member posts (Ren & Kraut 2014)."""

    kind: ClassVar[str] = "moderation"
    Levers: ClassVar[type] = ModerationLevers
    mode: str
    strictness: float
    false_positive: float
    capacity: int
    items_per_moderator: int
    cost_per_moderator_day: float
    filter_cost_per_day: float

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the running state."""
        self.filtering_ = False
        self.reviewed_ = 0
        self.removed_ = 0

    def act(self, ops: OperatorVerbs) -> None:
        """Morning: pay for and switch on (or off) each reader's filter (personalised)."""
        if self.mode != "personalised":
            return
        paid = ops.spend(self.filter_cost_per_day, "moderation_filter")
        if paid != self.filtering_:
            base = ops.config.behaviour.consumption.filter_strength
            ops.rank_feed(filter_strength=self.strictness if paid else base)
            self.filtering_ = paid

    def settle(self, ops: OperatorVerbs) -> None:
        """Evening: moderators review the day's newest member posts (community)."""
        if self.mode != "community" or self.capacity == 0:
            return
        review = ops.member_posts(ops.day)[-self.capacity :]
        if len(review) == 0:
            return
        moderators = math.ceil(len(review) / self.items_per_moderator)
        if not ops.spend(moderators * self.cost_per_moderator_day, "moderation_staff"):
            return
        noise = noise_items(ops.content, review, ops.config.behaviour.content.low_quality)
        chance = np.where(noise, self.strictness, self.strictness * self.false_positive)
        removed = review[ops.rng.random(len(review)) < chance]
        self.reviewed_ += len(review)
        self.removed_ += ops.moderate(removed)


def noise_items(pool: Any, positions: np.ndarray, low_quality: float) -> np.ndarray:
    """Which of these items are noise: low quality, negative tone or off-topic."""
    return (
        (pool.quality[positions] < low_quality)
        | (pool.tone[positions] < 0)
        | pool.offtopic[positions]
    )


@dataclass(frozen=True)
class CrisisResponseLevers:
    """``strategies.crisis_response.*``."""

    delay: int = param(
        3,
        unit="days",
        low=0,
        source="Coombs 2007 (respond quickly)",
        doc="days between a crisis and the response",
    )
    quality: float = param(
        0.7,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="Coombs 2007 (SCCT: fit of the response)",
        doc="how good the response is (apology, fix, transparency)",
    )
    cost: float = param(
        3000.0,
        unit="currency/response",
        low=0.0,
        source="assumption",
        doc="cost of one crisis response",
    )
    effect: float = param(
        0.8,
        unit="sentiment",
        low=0.0,
        high=2.0,
        source="assumption",
        doc="sentiment shift of a perfect, instant response per unit "
        "of quality above the threshold",
    )
    backlash_threshold: float = param(
        0.5,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="Coombs 2007 (a poor response backfires)",
        doc="quality below which a response worsens sentiment",
    )
    settling_days: float = param(
        5.0,
        unit="days",
        low=1e-9,
        source="Arpan & Roskos-Ewoldsen 2005 (stealing thunder)",
        doc="time scale on which opinions of a crisis harden",
    )
    spillover: float = param(
        0.3,
        unit="x",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="share of the immediate effect on other negative members",
    )
    repair_days: int = param(
        30,
        unit="days",
        low=0,
        source="assumption",
        doc="days the response keeps repairing the damage",
    )
    repair_rate: float = param(
        0.05,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="daily share of the damage repaired by a perfect response",
    )


class CrisisResponse(Strategy):
    """Answer each crisis after ``delay`` days with a response of a given ``quality``."""

    kind: ClassVar[str] = "crisis_response"
    Levers: ClassVar[type] = CrisisResponseLevers
    delay: int
    quality: float
    cost: float
    effect: float
    backlash_threshold: float
    settling_days: float
    spillover: float
    repair_days: int
    repair_rate: float

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the running state."""
        self.before_: np.ndarray | None = None  # everyone's sentiment on a crisis morning
        self.seen_ = 0  # crises in ops.crises already taken in
        # (due day, crisis day, hit, their sentiment before it)
        self.pending_: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self.repairs_: list[tuple[int, np.ndarray, np.ndarray]] = []  # (last day, hit, before)
        self.responses_ = 0

    def act(self, ops: OperatorVerbs) -> None:
        """Morning of a scheduled crisis: remember everyone's sentiment before it."""
        if any(c.day == ops.day for c in ops.config.crises):
            self.before_ = ops.pop.sentiment.copy()

    def settle(self, ops: OperatorVerbs) -> None:
        """Evening: take in today's crises, respond when due, keep repairing."""
        self._take_in(ops)
        for _due, crisis_day, hit, before in [p for p in self.pending_ if p[0] == ops.day]:
            self._respond(ops, crisis_day, hit, before)
        self.pending_ = [p for p in self.pending_ if p[0] > ops.day]
        self._repair(ops)

    def immediate_shift(self, delay: int | None = None) -> float:
        """Sentiment shift of hit members on the response day (negative: backlash), for a
        response ``delay`` days after the crisis (default: the lever ``delay``)."""
        delay = self.delay if delay is None else delay
        timing = math.exp(-delay / self.settling_days)
        return self.effect * (self.quality - self.backlash_threshold) * timing

    def _take_in(self, ops: OperatorVerbs) -> None:
        crises = ops.crises
        for crisis in crises[self.seen_ :]:
            before = self.before_ if self.before_ is not None else ops.pop.sentiment
            due = crisis.day + self.delay
            self.pending_.append((due, crisis.day, crisis.hit, before[crisis.hit].copy()))
        self.seen_ = len(crises)

    def _respond(
        self, ops: OperatorVerbs, crisis_day: int, hit: np.ndarray, before: np.ndarray
    ) -> None:
        if not ops.spend(self.cost, "crisis_response"):
            if not ops.budget_exhausted:  # the budget's pacing: respond tomorrow, later
                self.pending_.append((ops.day + 1, crisis_day, hit, before))
            return
        self.responses_ += 1
        shift = self.immediate_shift(ops.day - crisis_day)
        pop = ops.pop
        others = np.flatnonzero((pop.state == MEMBER) & (pop.sentiment < 0))
        others = np.setdiff1d(others, hit, assume_unique=True)
        ops.shift_sentiment(hit, shift)
        ops.shift_sentiment(others, self.spillover * shift)
        if self.repair_days > 0:
            self.repairs_.append((ops.day + self.repair_days - 1, hit, before))

    def _repair(self, ops: OperatorVerbs) -> None:
        rate = self.repair_rate * self.quality
        for _last, hit, before in self.repairs_:
            talks = ops.pop.state[hit] != PROSPECT
            people, target = hit[talks], before[talks]
            gap = np.maximum(0.0, target - ops.pop.sentiment[people])
            ops.shift_sentiment(people, rate * gap)
        self.repairs_ = [r for r in self.repairs_ if r[0] > ops.day]

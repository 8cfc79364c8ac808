"""Content plan: the operator's own posts, by type, on a weekly schedule.

Each week the operator publishes ``educational_per_week``, ``entertaining_per_week``,
``prompts_per_week`` and ``promotional_per_week`` items. Item ``i`` of ``n`` items of a
type appears on weekday ``floor(i * 7 / n)`` (day 1 is weekday 0), so the weekly count is
spread evenly and the schedule is deterministic. Every item has quality ``quality`` and
costs ``cost_per_item`` (``spend(..., "content")``); an item the budget cannot pay is not
published.

Topics: the items spread over the first ``topic_breadth`` topics, which start with the
community's focus topics (``behaviour.content.focus_topics`` are the first ones). Each
item's topic is drawn from the mean interest profile of the audience over those topics:
the current members of ``target_segments`` (everyone when empty), so targeted content is
about what the targeted members care about.

Types and their effects:

- educational and entertaining items enter the feed (their value to each segment follows
  the segment's content preferences, ``behaviour.segments.groups.<g>.pref_*``);
- a **prompt** (a question to the community, published as an ``entertaining`` item)
  invites member posts: on a day with ``k`` prompts every visitor posts and replies
  ``prompt_post_boost ** k`` times as often (``boost_posting(None, ...)``);
- a **promotional** item enters the feed and, on its day, multiplies the purchase chance
  of the audience by ``promo_purchase_boost`` per item (``boost_purchases``). The money
  phase cannot tell in the morning who will visit, so the boost goes to every audience
  member; as a purchase without a visit is only ``behaviour.money.offsite`` (0.2) as
  likely, most extra purchases come from visitors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.params import param
from agents.states import MEMBER
from sim.errors import ConfigError
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

#: (lever, content type published) in the order items are published each day
PLAN = (
    ("educational_per_week", "educational"),
    ("entertaining_per_week", "entertaining"),
    ("prompts_per_week", "entertaining"),
    ("promotional_per_week", "promotional"),
)


@dataclass(frozen=True)
class ContentLevers:
    """``strategies.content.*``."""

    educational_per_week: int = param(
        3,
        unit="items/week",
        low=0,
        high=100,
        source="assumption (a few how-tos a week)",
        doc="educational items (how-tos, explainers) per week",
    )
    entertaining_per_week: int = param(
        2,
        unit="items/week",
        low=0,
        high=100,
        source="assumption",
        doc="entertaining items per week",
    )
    prompts_per_week: int = param(
        1,
        unit="items/week",
        low=0,
        high=100,
        source="assumption",
        doc="prompts (questions inviting member posts) per week",
    )
    promotional_per_week: int = param(
        0, unit="items/week", low=0, high=100, source="assumption", doc="promotional items per week"
    )
    quality: float = param(
        0.7,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="assumption (edited, above a member post's 0.55)",
        doc="quality of every item",
    )
    topic_breadth: int = param(
        3,
        unit="topics",
        low=1,
        source="assumption",
        doc="topics the items spread over, focus topics first",
        constraint="at most behaviour.content.topics",
    )
    target_segments: tuple[str, ...] = param(
        (),
        unit="segment names",
        source="behaviour.segments",
        doc="segments the content is made for (empty: everyone)",
        constraint="names in `behaviour.segments.groups`",
    )
    cost_per_item: float = param(
        60.0,
        unit="currency/item",
        low=0.0,
        source="assumption (about an hour of an editor's time)",
        doc="cost of producing one item",
    )
    prompt_post_boost: float = param(
        1.25,
        unit="x per prompt",
        low=1.0,
        source="assumption (discussion prompts lift posting on their day)",
        doc="posting and replying multiplier per prompt that day",
    )
    promo_purchase_boost: float = param(
        1.1,
        unit="x per item",
        low=1.0,
        source="assumption (a small promotion lift)",
        doc="purchase multiplier per promotional item that day",
    )


def check_names(value: Any, key: str) -> tuple[str, ...]:
    """A list of names (segment names) as a tuple of strings, or a ConfigError naming ``key``."""
    if value is None:
        return ()
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not all(isinstance(v, str) for v in value)
    ):
        raise ConfigError(
            key, value, "give a list of segment names, e.g. [students], or [] for everyone"
        )
    return tuple(value)


def segment_codes(ops: OperatorVerbs, names: tuple[str, ...], key: str) -> np.ndarray:
    """Segment numbers of ``names`` (every segment when empty); unknown names fail."""
    known = list(ops.segments.names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            key,
            list(names),
            f"unknown segment {unknown[0]!r}; use names "
            f"from behaviour.segments.groups: {', '.join(known)}",
        )
    return np.array([known.index(n) for n in names] if names else range(len(known)), dtype=np.int64)


def audience(ops: OperatorVerbs, codes: np.ndarray) -> np.ndarray:
    """Current members whose segment is one of ``codes`` (sorted indices)."""
    pop = ops.pop
    return np.flatnonzero((pop.state == MEMBER) & np.isin(pop.segment, codes))


def items_today(per_week: int, day: int) -> int:
    """Items of a type published on ``day``: item ``i`` goes on weekday ``i * 7 // n``."""
    if per_week <= 0:
        return 0
    slots = np.arange(per_week) * 7 // per_week
    return int(np.count_nonzero(slots == (day - 1) % 7))


class ContentPlan(Strategy):
    """The operator's content plan: educational, entertaining, prompts, promotional."""

    kind = "content"
    Levers = ContentLevers
    # the levers, set by ``Strategy.__init__`` (declared for type checkers)
    educational_per_week: int
    entertaining_per_week: int
    prompts_per_week: int
    promotional_per_week: int
    quality: float
    topic_breadth: int
    target_segments: tuple[str, ...]
    cost_per_item: float
    prompt_post_boost: float
    promo_purchase_boost: float

    structured = {"target_segments": check_names}

    def setup(self, ops: OperatorVerbs) -> None:
        """Check segments and breadth against the community; reset the running state."""
        key = f"strategies.{self.kind}"
        self.codes_ = segment_codes(ops, self.target_segments, f"{key}.target_segments")
        n_topics = ops.config.behaviour.content.topics
        if self.topic_breadth > n_topics:
            raise ConfigError(
                f"{key}.topic_breadth",
                self.topic_breadth,
                f"use at most behaviour.content.topics ({n_topics})",
            )
        self.n_published_ = 0

    def act(self, ops: OperatorVerbs) -> None:
        """Publish today's items, then apply the prompts' and promotions' effects."""
        published = {}
        for lever, kind in PLAN:
            n = self._pay(ops, items_today(getattr(self, lever), ops.day))
            if n:
                ops.publish(kind, self.draw_topics(ops, n), self.quality)
                self.n_published_ += n
            published[lever] = n
        if published["prompts_per_week"]:
            ops.boost_posting(None, self.prompt_post_boost ** published["prompts_per_week"])
        if published["promotional_per_week"]:
            ops.boost_purchases(
                audience(ops, self.codes_),
                self.promo_purchase_boost ** published["promotional_per_week"],
            )

    def _pay(self, ops: OperatorVerbs, n: int) -> int:
        """How many of ``n`` items the budget pays for (each one ``cost_per_item``)."""
        for i in range(n):
            if not ops.spend(self.cost_per_item, "content"):
                return i
        return n

    def draw_topics(self, ops: OperatorVerbs, n: int) -> np.ndarray:
        """Topics of ``n`` items: drawn from the audience's mean interest profile over the
        first ``topic_breadth`` topics (focus topics first)."""
        people = audience(ops, self.codes_)
        if len(people) == 0:  # nobody yet: everyone in the target segments
            people = np.flatnonzero(np.isin(ops.pop.segment, self.codes_))
        weight = np.ones(self.topic_breadth)
        if len(people):
            weight = ops.pop.interests[people, : self.topic_breadth].mean(axis=0, dtype=float)
        if not weight.sum() > 0:  # no interest in these topics (behaviour.content.focus_weight=0)
            weight = np.ones(self.topic_breadth)
        return ops.rng.choice(self.topic_breadth, size=n, p=weight / weight.sum())

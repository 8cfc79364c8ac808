"""The operator's verbs: the only way strategies act on the model.

Strategies publish content, host events (push visits, add benefit, add ties), grant
points and coupons, invite people, admit people from ads and partners, moderate, rank
the feed, reply as staff, respond to crises and spend money. Every cost goes through
:meth:`OperatorVerbs.spend`, which enforces the budget.

Daily levers (``visit_push``, ``post_multiplier``, ``purchase_multiplier``,
``benefit_bonus``, ``wom_multiplier``) are reset at the start of every day; strategies
set them again in ``act`` if they still apply.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from agents.acquisition import Joins
from agents.consumption import ConsumptionParams
from agents.segments import CONTENT_TYPES
from agents.states import MEMBER, PROSPECT, Channel


class OperatorVerbs:
    """Mixin of ``CommunityModel``: the named set of verbs strategies use."""

    pop: Any
    pool: Any
    today: Any
    rng: np.random.Generator
    day: int
    config: Any
    n_people: int
    csr: Any
    social: Any
    budget_left: float | None
    budget_exhausted_day: int
    cost_by_item: dict[str, float]
    feed_override: ConsumptionParams | None
    feed_params: Any
    write_replies: Any
    admit: Any

    # ----- money ---------------------------------------------------------------------------
    def reset_levers(self) -> None:
        """Start-of-day reset of the daily levers."""
        self.visit_push: np.ndarray | None = None
        self.post_multiplier: np.ndarray | float = 1.0
        self.purchase_multiplier: np.ndarray | float = 1.0
        self.benefit_bonus: np.ndarray | float = 0.0
        self.wom_multiplier: float = 1.0

    def spend(self, amount: float, item: str) -> bool:
        """Pay ``amount`` for ``item`` if the budget allows; returns whether it was paid.

        When the budget cannot cover it, nothing is paid, the strategy must not act, and
        the day the budget ran out is recorded (``budget_exhausted_day``).
        """
        if amount < 0:
            raise ValueError(f"{item}: a cost cannot be negative (got {amount})")
        if amount == 0:
            return True
        if self.budget_left is not None and amount > self.budget_left + 1e-9:
            if self.budget_exhausted_day < 0:
                self.budget_exhausted_day = self.day
            return False
        if self.budget_left is not None:
            self.budget_left -= amount
        self.today.cost += float(amount)
        self.cost_by_item[item] = self.cost_by_item.get(item, 0.0) + float(amount)
        return True

    def set_budget(self, total: float | None) -> None:
        """A total budget across strategies (None: unlimited)."""
        self.budget_left = None if total is None else float(total)

    # ----- content and feed ------------------------------------------------------------------
    def publish(
        self, kind: str, topics: np.ndarray, quality: float | np.ndarray, tone: float = 0.5
    ) -> np.ndarray:
        """Operator items into the feed (``kind``: educational, entertaining, ugc, promotional)."""
        code = CONTENT_TYPES.index(kind)
        topics = np.asarray(topics, dtype=np.int16)
        q = np.broadcast_to(np.asarray(quality, dtype=float), topics.shape)
        return self.pool.add(
            kind=code,
            topic=topics,
            quality=q,
            tone=np.full(len(topics), tone),
            day=self.day,
            author=-1,
        )

    def rank_feed(
        self,
        ranking: str | None = None,
        personalisation: float | None = None,
        filter_strength: float | None = None,
    ) -> None:
        """Change the feed's ranking or per-reader filtering from today on."""
        base: ConsumptionParams = self.feed_params(self.config.behaviour.consumption)
        wanted = (
            ("ranking", ranking),
            ("personalisation", personalisation),
            ("filter_strength", filter_strength),
        )
        changes: dict[str, Any] = {k: v for k, v in wanted if v is not None}
        self.feed_override = replace(base, **changes)

    def moderate(self, positions: np.ndarray) -> int:
        """Remove items from the feed; authors of removed member posts are discouraged."""
        if len(positions) == 0:
            return 0
        authors = self.pool.author[positions]
        authors = authors[authors >= 0]
        if len(authors):
            np.add.at(self.pop.removed_recent, authors, 1.0)
        self.pool.remove(positions)
        self.today.removed += len(positions)
        return len(positions)

    def reply_as_staff(self, targets: np.ndarray) -> int:
        """The operator's staff reply to these posts (pool positions)."""
        staff = np.full(len(targets), -1, dtype=np.int64)
        return self.write_replies(staff, targets=np.asarray(targets, dtype=np.int64))

    # ----- people --------------------------------------------------------------------------
    def invite(self, people: np.ndarray, acceptance: float) -> np.ndarray:
        """Invite people; prospects accept with probability ``acceptance`` (channel seeded)."""
        people = np.asarray(people, dtype=np.int64)
        people = people[self.pop.state[people] == PROSPECT]
        yes = people[self.rng.random(len(people)) < acceptance]
        self.admit(
            Joins(
                yes,
                np.full(len(yes), Channel.SEEDED.value, np.int8),
                np.full(len(yes), -1, dtype=np.int64),
            )
        )
        return yes

    def admit_from_outside(
        self, n: int, channel: Channel, commitment: float | None = None
    ) -> np.ndarray:
        """``n`` random prospects join through ``channel`` (ads, partners, lotteries)."""
        cand = np.flatnonzero(self.pop.state == PROSPECT)
        n = min(int(n), len(cand))
        if n <= 0:
            return cand[:0]
        people = np.sort(self.rng.choice(cand, size=n, replace=False))
        self.admit(Joins(people, np.full(n, channel.value, np.int8), np.full(n, -1, np.int64)))
        if commitment is not None:
            self.pop.commitment[people] = commitment
        return people

    def push_visits(self, people: np.ndarray, chance: float | np.ndarray) -> None:
        """Raise today's visit chance of ``people`` (events, notifications)."""
        if self.visit_push is None:
            self.visit_push = np.zeros(self.n_people)
        self.visit_push[people] += chance

    def add_benefit(self, people: np.ndarray, bonus: float) -> None:
        """Extra net benefit for ``people`` if they visit today (events, mentors)."""
        if not isinstance(self.benefit_bonus, np.ndarray):
            self.benefit_bonus = np.full(self.n_people, float(self.benefit_bonus))
        self.benefit_bonus[people] += bonus

    def boost_posting(self, people: np.ndarray | None, factor: float) -> None:
        """Multiply today's posting and replying chance (everyone when ``people`` is None)."""
        if people is None:
            self.post_multiplier = self.post_multiplier * factor
            return
        if not isinstance(self.post_multiplier, np.ndarray):
            self.post_multiplier = np.full(self.n_people, float(self.post_multiplier))
        self.post_multiplier[people] *= factor

    def boost_purchases(self, people: np.ndarray, factor: float) -> None:
        """Multiply today's purchase chance of ``people`` (coupons, promotions)."""
        if not isinstance(self.purchase_multiplier, np.ndarray):
            self.purchase_multiplier = np.full(self.n_people, float(self.purchase_multiplier))
        self.purchase_multiplier[people] *= factor

    def boost_word_of_mouth(self, factor: float) -> None:
        """Multiply today's word of mouth (referral bonuses, ease of sharing)."""
        self.wom_multiplier *= factor

    def grant_points(self, people: np.ndarray, points: float | np.ndarray) -> None:
        """Give members points."""
        np.add.at(self.pop.points, people, points)

    def shift_sentiment(self, people: np.ndarray, delta: float | np.ndarray) -> None:
        """Move members' sentiment (crisis response), kept in [-1, 1]."""
        s = self.pop.sentiment
        s[people] = np.clip(s[people] + delta, -1.0, 1.0)

    def add_ties(self, u: np.ndarray, v: np.ndarray) -> int:
        """New friendships (offline meetups, mentoring): the graph changes. Returns ties added."""
        u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
        keep = u != v
        u, v = u[keep], v[keep]
        a = self.csr
        exists = np.asarray(a[u, v]).ravel() > 0 if len(u) else np.zeros(0, bool)
        pairs = np.unique(np.sort(np.column_stack([u[~exists], v[~exists]]), axis=1), axis=0)
        if len(pairs) == 0:
            return 0
        self.social = self.social.with_ties(pairs[:, 0], pairs[:, 1])
        self.csr = self.social.csr
        self.pop.degree[:] = self.social.degree
        for x, y in ((pairs[:, 0], pairs[:, 1]), (pairs[:, 1], pairs[:, 0])):
            state = self.pop.state[x]
            np.add.at(self.pop.member_nbrs, y[state == MEMBER], 1)
            np.add.at(self.pop.churned_nbrs, y[(state != MEMBER) & (state != PROSPECT)], 1)
        self.__dict__.pop("graph", None)
        self.today.ties_added += len(pairs)
        return len(pairs)

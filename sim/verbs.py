"""The operator's verbs: the only way strategies act on the model.

Strategies receive an :class:`Operator` (typed as the :class:`OperatorVerbs` protocol) in
``setup``, ``act`` and ``settle``. They publish content, host events (push visits, add
benefit, add ties), grant points and coupons, invite people, admit people from ads and
partners, moderate, rank the feed, reply as staff, respond to crises and spend money; they
read the model's state through read-only views (``pop``, ``today``, ``content``,
``crises``). Every cost goes through :meth:`Operator.spend`, which enforces the budget
(its total, and its pacing: what may be spent by the end of each day).

Daily levers (:class:`sim.today.DailyLevers`: ``visit_push``, ``post_multiplier``,
``purchase_multiplier``, ``benefit_bonus``, ``wom_multiplier``) are reset in place at the
start of every day; strategies set them again in ``act`` if they still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import scipy.sparse as sp

from agents.acquisition import Joins
from agents.consumption import ConsumptionParams
from agents.segments import CONTENT_TYPES, SegmentTable
from agents.states import PROSPECT, Channel
from sim.config import SimConfig
from sim.content import UGC
from sim.views import ContentView, Crisis, PopulationView, TodayView, read_only

if TYPE_CHECKING:
    from sim.model import CommunityModel


class OperatorVerbs(Protocol):
    """What a strategy may read and do (implemented by :class:`Operator`)."""

    @property
    def day(self) -> int: ...
    @property
    def rng(self) -> np.random.Generator: ...
    @property
    def config(self) -> SimConfig: ...
    @property
    def n_people(self) -> int: ...
    @property
    def n_members(self) -> int: ...
    @property
    def n_prospects(self) -> int: ...
    @property
    def csr(self) -> sp.csr_array: ...
    @property
    def pop(self) -> PopulationView: ...
    @property
    def today(self) -> TodayView: ...
    @property
    def content(self) -> ContentView: ...
    @property
    def segments(self) -> SegmentTable: ...
    @property
    def crises(self) -> tuple[Crisis, ...]: ...
    @property
    def budget_left(self) -> float | None: ...
    @property
    def budget_exhausted(self) -> bool: ...
    def member_posts(self, day: int) -> np.ndarray: ...
    def unanswered_first_posts(self, day: int) -> np.ndarray: ...
    def add_reporter(self, name: str, fn: Callable[[Any], Any]) -> None: ...
    def request_metric(self, name: str) -> None: ...
    def spend(self, amount: float, item: str) -> bool: ...
    def set_budget(self, total: float | None) -> None: ...
    def pace_budget(self, allowed: float | None) -> None: ...
    def publish(
        self, kind: str, topics: np.ndarray, quality: float | np.ndarray, tone: float = 0.5
    ) -> np.ndarray: ...
    def rank_feed(
        self,
        ranking: str | None = None,
        personalisation: float | None = None,
        filter_strength: float | None = None,
    ) -> None: ...
    def moderate(self, positions: np.ndarray) -> int: ...
    def reply_as_staff(self, targets: np.ndarray) -> int: ...
    def invite(self, people: np.ndarray, acceptance: float) -> np.ndarray: ...
    def admit_from_outside(
        self, n: int, channel: Channel, commitment: float | None = None
    ) -> np.ndarray: ...
    def push_visits(self, people: np.ndarray, chance: float | np.ndarray) -> None: ...
    def add_benefit(self, people: np.ndarray, bonus: float) -> None: ...
    def boost_posting(self, people: np.ndarray | None, factor: float) -> None: ...
    def boost_purchases(self, people: np.ndarray, factor: float) -> None: ...
    def boost_word_of_mouth(self, factor: float) -> None: ...
    def grant_points(self, people: np.ndarray, points: float | np.ndarray) -> None: ...
    def redeem_points(self, people: np.ndarray, points: float | np.ndarray) -> None: ...
    def shift_sentiment(self, people: np.ndarray, delta: float | np.ndarray) -> None: ...
    def add_ties(self, u: np.ndarray, v: np.ndarray) -> int: ...


class Operator:
    """The operator's verbs on one model (see the module docstring).

    Args:
        model: the model acted on.
    """

    def __init__(self, model: CommunityModel) -> None:
        self._model = model
        self._pop_view = PopulationView(model.pop)

    # ----- what strategies read ------------------------------------------------------------
    @property
    def day(self) -> int:
        """Today (1 on the first simulated day)."""
        return self._model.day

    @property
    def rng(self) -> np.random.Generator:
        """The model's one random generator."""
        return self._model.rng

    @property
    def config(self) -> SimConfig:
        """The run's checked settings."""
        return self._model.config

    @property
    def n_people(self) -> int:
        """People in the social graph."""
        return self._model.n_people

    @property
    def n_members(self) -> int:
        """Current members."""
        return self._model.n_members

    @property
    def n_prospects(self) -> int:
        """People who have never joined."""
        return self._model.n_prospects

    @property
    def csr(self) -> sp.csr_array:
        """The social graph's adjacency matrix (do not modify; use ``add_ties``)."""
        return self._model.csr

    @property
    def pop(self) -> PopulationView:
        """The population's arrays, read-only."""
        return self._pop_view

    @property
    def today(self) -> TodayView:
        """Today's visitors, posters and repliers, read-only."""
        return TodayView(self._model.today)

    @property
    def content(self) -> ContentView:
        """The content pool's item arrays, read-only."""
        return ContentView(self._model.pool)

    @property
    def segments(self) -> SegmentTable:
        """The segments' parameters as arrays."""
        return self._model.segments

    @property
    def crises(self) -> tuple[Crisis, ...]:
        """The crises so far, in order, with the members each turned negative."""
        return tuple(
            Crisis(day, read_only(hit))
            for day, hit in zip(self._model.crisis_days, self._model.crisis_hits, strict=True)
        )

    @property
    def budget_left(self) -> float | None:
        """What the budget can still pay (None: no budget)."""
        return self._model.budget_left

    @property
    def budget_exhausted(self) -> bool:
        """Whether the budget's total has refused a payment (``budget_exhausted_day`` is set).

        Before that, a refused payment was refused by the budget's pacing, for the day only.
        """
        return self._model.budget_exhausted_day >= 0

    def member_posts(self, day: int) -> np.ndarray:
        """Pool positions of the member posts (not the operator's) written on ``day``."""
        pool = self._model.pool
        return np.flatnonzero((pool.kind == UGC) & (pool.author >= 0) & (pool.day == day))

    def unanswered_first_posts(self, day: int) -> np.ndarray:
        """Pool positions of members' first posts written on ``day`` without a reply yet."""
        pool = self._model.pool
        return np.flatnonzero(
            pool.first & (pool.author >= 0) & (pool.replies == 0) & (pool.day == day)
        )

    # ----- metrics -------------------------------------------------------------------------
    def add_reporter(self, name: str, fn: Callable[[Any], Any]) -> None:
        """A daily metric column ``name``: ``fn(model)`` (see ``CommunityModel.add_reporter``)."""
        self._model.add_reporter(name, fn)

    def request_metric(self, name: str) -> None:
        """Compute and collect a metric the day skips unless asked (``sim.metrics.COMPUTED``)."""
        self._model.request_metric(name)

    # ----- money ---------------------------------------------------------------------------
    def spend(self, amount: float, item: str) -> bool:
        """Pay ``amount`` for ``item`` if the budget allows; returns whether it was paid.

        A refused payment is not paid and the strategy must not act. It is refused when the
        budget's remaining total cannot cover it (the first such day is recorded as
        ``budget_exhausted_day``), or else when it would take the budget's spending past
        what its pacing allows by the end of today (:meth:`pace_budget`; counted in
        ``today.held_back``, the budget is not exhausted).
        """
        m = self._model
        if amount < 0:
            raise ValueError(f"{item}: a cost cannot be negative (got {amount})")
        if amount == 0:
            return True
        if m.budget_left is not None:
            if amount > m.budget_left + 1e-9:
                if m.budget_exhausted_day < 0:
                    m.budget_exhausted_day = m.day
                return False
            if m.budget_allowed is not None and m.budget_spent + amount > m.budget_allowed + 1e-9:
                m.today.held_back += float(amount)
                return False
            m.budget_left -= amount
            m.budget_spent += float(amount)
        m.today.cost += float(amount)
        m.cost_by_item[item] = m.cost_by_item.get(item, 0.0) + float(amount)
        return True

    def set_budget(self, total: float | None) -> None:
        """A total budget across strategies (None: unlimited), without pacing."""
        m = self._model
        m.budget_left = None if total is None else float(total)
        m.budget_spent = 0.0
        m.budget_allowed = None

    def pace_budget(self, allowed: float | None) -> None:
        """Pacing: the budget's spending may reach ``allowed`` (cumulative, since
        :meth:`set_budget`) by the end of today; None lifts the limit (only the total holds).

        The budget strategy sets it every morning; a payment beyond it is refused for the
        day (see :meth:`spend`).
        """
        self._model.budget_allowed = None if allowed is None else float(allowed)

    # ----- content and feed ----------------------------------------------------------------
    def publish(
        self, kind: str, topics: np.ndarray, quality: float | np.ndarray, tone: float = 0.5
    ) -> np.ndarray:
        """Operator items into the feed (``kind``: educational, entertaining, ugc, promotional)."""
        code = CONTENT_TYPES.index(kind)
        topics = np.asarray(topics, dtype=np.int16)
        q = np.broadcast_to(np.asarray(quality, dtype=float), topics.shape)
        return self._model.pool.add(
            kind=code,
            topic=topics,
            quality=q,
            tone=np.full(len(topics), tone),
            day=self._model.day,
            author=-1,
        )

    def rank_feed(
        self,
        ranking: str | None = None,
        personalisation: float | None = None,
        filter_strength: float | None = None,
    ) -> None:
        """Change the feed's ranking or per-reader filtering from today on."""
        m = self._model
        base: ConsumptionParams = m.feed_params(m.config.behaviour.consumption)
        wanted = (
            ("ranking", ranking),
            ("personalisation", personalisation),
            ("filter_strength", filter_strength),
        )
        changes: dict[str, Any] = {k: v for k, v in wanted if v is not None}
        m.feed_override = replace(base, **changes)

    def moderate(self, positions: np.ndarray) -> int:
        """Remove items from the feed; authors of removed member posts are discouraged."""
        if len(positions) == 0:
            return 0
        m = self._model
        authors = m.pool.author[positions]
        authors = authors[authors >= 0]
        if len(authors):
            np.add.at(m.pop.removed_recent, authors, 1.0)
        m.pool.remove(positions)
        m.today.removed += len(positions)
        return len(positions)

    def reply_as_staff(self, targets: np.ndarray) -> int:
        """The operator's staff reply to these posts (pool positions)."""
        staff = np.full(len(targets), -1, dtype=np.int64)
        return self._model.contributions.write_replies(
            staff, targets=np.asarray(targets, dtype=np.int64)
        )

    # ----- people --------------------------------------------------------------------------
    def invite(self, people: np.ndarray, acceptance: float) -> np.ndarray:
        """Invite people; prospects accept with probability ``acceptance`` (channel seeded)."""
        m = self._model
        people = np.asarray(people, dtype=np.int64)
        people = people[m.pop.state[people] == PROSPECT]
        yes = people[m.rng.random(len(people)) < acceptance]
        seeded = np.full(len(yes), Channel.SEEDED.value, np.int8)
        m.admit(Joins(yes, seeded, np.full(len(yes), -1, dtype=np.int64)))
        return yes

    def admit_from_outside(
        self, n: int, channel: Channel, commitment: float | None = None
    ) -> np.ndarray:
        """``n`` random prospects join through ``channel`` (ads, partners, lotteries)."""
        m = self._model
        cand = np.flatnonzero(m.pop.state == PROSPECT)
        n = min(int(n), len(cand))
        if n <= 0:
            return cand[:0]
        people = np.sort(m.rng.choice(cand, size=n, replace=False))
        m.admit(Joins(people, np.full(n, channel.value, np.int8), np.full(n, -1, np.int64)))
        if commitment is not None:
            m.pop.commitment[people] = commitment
        return people

    def push_visits(self, people: np.ndarray, chance: float | np.ndarray) -> None:
        """Raise today's visit chance of ``people`` (events, notifications)."""
        self._model.levers.touch("visit_push")[people] += chance

    def add_benefit(self, people: np.ndarray, bonus: float) -> None:
        """Extra net benefit for ``people`` if they visit today (events, mentors)."""
        self._model.levers.touch("benefit_bonus")[people] += bonus

    def boost_posting(self, people: np.ndarray | None, factor: float) -> None:
        """Multiply today's posting and replying chance (everyone when ``people`` is None)."""
        mult = self._model.levers.touch("post_multiplier")
        if people is None:
            mult *= factor
        else:
            mult[people] *= factor

    def boost_purchases(self, people: np.ndarray, factor: float) -> None:
        """Multiply today's purchase chance of ``people`` (coupons, promotions)."""
        self._model.levers.touch("purchase_multiplier")[people] *= factor

    def boost_word_of_mouth(self, factor: float) -> None:
        """Multiply today's word of mouth (referral bonuses, ease of sharing)."""
        self._model.levers.wom_multiplier *= factor

    def grant_points(self, people: np.ndarray, points: float | np.ndarray) -> None:
        """Give members points."""
        np.add.at(self._model.pop.points, people, points)

    def redeem_points(self, people: np.ndarray, points: float | np.ndarray) -> None:
        """Members spend points (on rewards); ``people`` must not repeat."""
        self._model.pop.points[people] -= points

    def shift_sentiment(self, people: np.ndarray, delta: float | np.ndarray) -> None:
        """Move members' sentiment (crisis response), kept in [-1, 1]."""
        s = self._model.pop.sentiment
        s[people] = np.clip(s[people] + delta, -1.0, 1.0)

    def add_ties(self, u: np.ndarray, v: np.ndarray) -> int:
        """New friendships (offline meetups, mentoring): the graph changes. Returns ties added."""
        return self._model.add_ties(u, v)

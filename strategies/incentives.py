"""Incentives: points, badges and rewards, coupons, referral bonuses, and crowding-out.

While the scheme runs (``start_day <= day < stop_day``): points for posts, replies and
visits (each evening); posting x ``1 + points_lift * s_g`` for every member (``s_g``: the
segment's incentive sensitivity), and x ``goal_gradient`` within ``goal_window`` below the
next badge or reward (Kivetz, Urminsky & Zheng 2006); ``reward_at`` held points buy a
reward (``reward_cost``); coupons (chance ``coupon_rate`` per member visit, valid
``coupon_days``) make holders buy ``coupon_uplift`` times as often, each purchase using one
(``coupon_cost``); a referral bonus multiplies word of mouth by ``(1 + referral_bonus /
referral_scale) ** referral_elasticity`` and is paid to each word-of-mouth joiner and inviter.
When the budget's pacing refuses a payment, the scheme pauses the next day (no points,
lift, coupons or referral bonus). From the stop (``stop_day``, or the day after the budget's
total refused a payment), members who earned
points are crowded out (Deci, Koestner & Ryan 1999; Gneezy & Rustichini 2000): posting x
``1 - crowding_out * d``, net benefit ``- crowding_out * loss_benefit * d`` per visit,
``d = 0.5 ** (days since the stop / crowding_half_life)``. Details: docs/strategies.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.params import MAX_AMOUNT, param
from agents.states import MEMBER, Channel
from sim.config import check_finite
from sim.errors import ConfigError
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

DEFAULT_BADGES = (50.0, 200.0, 500.0, 1000.0)


@dataclass(frozen=True)
class IncentiveLevers:
    """``strategies.incentives.*``."""

    points_per_post: float = param(
        10.0, unit="points/post", low=0.0, source="assumption", doc="points for each post"
    )
    points_per_reply: float = param(
        5.0, unit="points/reply", low=0.0, source="assumption", doc="points for each reply"
    )
    points_per_visit: float = param(
        1.0,
        unit="points/visit",
        low=0.0,
        source="assumption",
        doc="points for each day with a visit",
    )
    badge_thresholds: tuple[float, ...] = param(
        DEFAULT_BADGES,
        unit="points",
        source="assumption",
        doc="lifetime points that earn badges (increasing)",
        constraint="positive, strictly increasing",
    )
    points_lift: float = param(
        0.3,
        unit="x per sensitivity",
        low=0.0,
        source="assumption (Anderson et al. 2013; Cavusoglu et al. 2015)",
        doc="extra posting while points run, x incentive sensitivity",
    )
    goal_gradient: float = param(
        1.25,
        unit="x",
        low=1.0,
        source="Kivetz, Urminsky & Zheng 2006 (~20% faster near a reward)",
        doc="posting multiplier near the next badge or reward",
    )
    goal_window: float = param(
        0.2,
        unit="share of the goal",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="how far below a goal the gradient starts",
    )
    reward_at: float = param(
        100.0, unit="points", low=1.0, source="assumption", doc="points spent on one reward"
    )
    reward_cost: float = param(
        5.0,
        unit="currency/reward",
        low=0.0,
        source="assumption",
        doc="what the operator pays per reward redeemed",
    )
    coupon_rate: float = param(
        0.0,
        unit="1/visit",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="chance a member visitor gets a coupon",
    )
    coupon_days: int = param(
        14, unit="days", low=1, source="assumption", doc="days a coupon stays valid"
    )
    coupon_uplift: float = param(
        2.0, unit="x", low=1.0, source="assumption", doc="purchase multiplier of coupon holders"
    )
    coupon_cost: float = param(
        6.0,
        unit="currency/coupon",
        low=0.0,
        source="assumption (15% off a 40 basket)",
        doc="cost of a used coupon (one per purchase by a holder)",
    )
    referral_bonus: float = param(
        0.0,
        unit="currency/referral",
        low=0.0,
        source="assumption",
        doc="bonus per word-of-mouth join, to invitee and inviter each",
    )
    referral_scale: float = param(
        10.0,
        unit="currency",
        low=1e-9,
        source="assumption",
        doc="bonus that makes word of mouth 2**elasticity as strong",
    )
    referral_elasticity: float = param(
        0.5,
        unit="-",
        low=0.0,
        source="assumption (Ryu & Feick 2007)",
        doc="elasticity of word of mouth to 1 + bonus / scale",
    )
    crowding_out: float = param(
        0.4,
        unit="share",
        low=0.0,
        high=1.0,
        source="Deci, Koestner & Ryan 1999; Gneezy & Rustichini 2000",
        doc="drop in rewarded members' posting right after the stop",
    )
    loss_benefit: float = param(
        0.2,
        unit="score",
        low=0.0,
        high=1.0,
        source="assumption (a withdrawn reward feels like a loss)",
        doc="net benefit lost per visit at crowding_out 1, at the stop",
    )
    crowding_half_life: float = param(
        365.0,
        unit="days",
        low=1e-9,
        source="assumption (Gneezy & Rustichini 2000: lasting)",
        doc="half-life of the crowding-out after the stop",
    )
    start_day: int = param(1, unit="day", low=0, source="-", doc="first day the scheme runs")
    stop_day: int | None = param(
        None,
        unit="day",
        low=1,
        source="-",
        doc="first day without the scheme (null: never stops)",
        constraint="after start_day",
    )


def check_badges(value: Any, key: str) -> tuple[float, ...]:
    """Badge thresholds as a tuple of increasing positive numbers, or a ConfigError."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise ConfigError(key, value, "give a list of points, e.g. [50, 200, 500]")
    for i, v in enumerate(value):
        check_finite(f"{key}.{i}", v)
    out = tuple(float(v) for v in value)
    if any(v > MAX_AMOUNT for v in out):
        raise ConfigError(key, value, f"give points of at most {MAX_AMOUNT:g}")
    if any(v <= 0 for v in out) or any(b <= a for a, b in zip(out, out[1:], strict=False)):
        raise ConfigError(key, value, "give positive, strictly increasing points")
    return out


def near_goal(have: np.ndarray, goal: np.ndarray, window: float) -> np.ndarray:
    """Mask: ``have`` is below ``goal`` by at most ``window * goal`` (goal-gradient zone)."""
    return (have < goal) & (goal - have <= window * goal)


class Incentives(Strategy):
    """Points, badges, rewards, coupons and referral bonuses, with crowding-out on withdrawal."""

    kind = "incentives"
    Levers = IncentiveLevers
    points_per_post: float
    points_per_reply: float
    points_per_visit: float
    badge_thresholds: tuple[float, ...]
    points_lift: float
    goal_gradient: float
    goal_window: float
    reward_at: float
    reward_cost: float
    coupon_rate: float
    coupon_days: int
    coupon_uplift: float
    coupon_cost: float
    referral_bonus: float
    referral_scale: float
    referral_elasticity: float
    crowding_out: float
    loss_benefit: float
    crowding_half_life: float
    start_day: int
    stop_day: int | None

    structured = {"badge_thresholds": check_badges}

    def __init__(self, **levers: Any) -> None:
        super().__init__(**levers)
        key = f"strategies.{self.kind}"
        if self.stop_day is not None and self.stop_day <= self.start_day:
            raise ConfigError(
                f"{key}.stop_day",
                self.stop_day,
                f"give a day after start_day ({self.start_day}), or null",
            )

    @property
    def points_on(self) -> bool:
        """Whether the scheme awards any points."""
        return max(self.points_per_post, self.points_per_reply, self.points_per_visit) > 0

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the running state."""
        n = ops.n_people
        self.earned_ = np.zeros(n)  # lifetime points (badges)
        self.exposed_ = np.zeros(n, dtype=bool)  # earned points while the scheme ran
        self.coupon_until_ = np.full(n, -1, dtype=np.int64)  # last valid day of a coupon
        self.holders_ = np.empty(0, dtype=np.int64)
        self.bought_before_ = np.empty(0, dtype=np.int64)
        self.halted_day_: int | None = None  # the day the budget could not pay
        self.paused_day_ = -1  # a day off after the budget's pacing refused a payment
        self.n_rewards_ = self.n_coupons_used_ = self.n_referrals_paid_ = 0
        ops.add_reporter("incentives_rewards", lambda m: self.n_rewards_)
        ops.add_reporter("incentives_coupons_used", lambda m: self.n_coupons_used_)
        ops.add_reporter("incentives_referrals_paid", lambda m: self.n_referrals_paid_)

    def end_day(self) -> int | None:
        """The first day without the scheme (stop_day or the budget running out)."""
        days = [d for d in (self.stop_day, self.halted_day_) if d is not None]
        return min(days) if days else None

    def running(self, day: int) -> bool:
        """Whether the scheme runs on ``day``."""
        end = self.end_day()
        paused = day == self.paused_day_
        return day >= self.start_day and (end is None or day < end) and not paused

    def act(self, ops: OperatorVerbs) -> None:
        """Lift posting while points run, or crowd it out after; boost coupons and referrals."""
        members = np.flatnonzero(ops.pop.state == MEMBER)
        if not self.running(ops.day):
            self._crowd_out(ops, members)
            return
        if self.points_on:
            self._lift_posting(ops, members)
        if self.referral_bonus > 0:
            bonus = 1.0 + self.referral_bonus / self.referral_scale
            ops.boost_word_of_mouth(bonus**self.referral_elasticity)
        self._boost_coupon_holders(ops, members)

    def _lift_posting(self, ops: OperatorVerbs, members: np.ndarray) -> None:
        """General lift by segment sensitivity, then the goal gradient near a threshold."""
        seg = ops.pop.segment[members]
        for g, s in enumerate(ops.segments.incentive):
            if self.points_lift * s > 0:
                ops.boost_posting(members[seg == g], 1.0 + self.points_lift * s)
        if self.goal_gradient == 1.0 or len(members) == 0:
            return
        near = np.zeros(len(members), dtype=bool)
        if self.badge_thresholds:
            badges = np.asarray(self.badge_thresholds)
            earned = self.earned_[members]
            nxt = np.searchsorted(badges, earned, side="right")
            has_next = nxt < len(badges)
            goal = badges[np.minimum(nxt, len(badges) - 1)]
            near |= has_next & near_goal(earned, goal, self.goal_window)
        near |= near_goal(
            ops.pop.points[members], np.full(len(members), self.reward_at), self.goal_window
        )
        if near.any():
            ops.boost_posting(members[near], self.goal_gradient)

    def _crowd_out(self, ops: OperatorVerbs, members: np.ndarray) -> None:
        """After the stop: rewarded members post less and enjoy visits less, fading slowly."""
        end = self.end_day()
        if end is None or self.crowding_out == 0 or ops.day < end:
            return
        hit = members[self.exposed_[members]]
        d = 0.5 ** ((ops.day - end) / self.crowding_half_life)
        ops.boost_posting(hit, max(0.0, 1.0 - self.crowding_out * d))
        ops.add_benefit(hit, -self.crowding_out * self.loss_benefit * d)

    def _boost_coupon_holders(self, ops: OperatorVerbs, members: np.ndarray) -> None:
        """Valid coupons raise purchases today; remember holders' purchases to see redemptions."""
        holders = members[self.coupon_until_[members] >= ops.day]
        self.holders_ = holders
        self.bought_before_ = ops.pop.purchases[holders].copy()
        if len(holders):
            ops.boost_purchases(holders, self.coupon_uplift)

    def settle(self, ops: OperatorVerbs) -> None:
        """Redeem coupons used today; while running, award points, rewards, coupons, referrals."""
        self._redeem_coupons(ops)
        if not self.running(ops.day):
            return
        if self.points_on:
            self._award_points(ops)
            self._redeem_rewards(ops)
        if self.coupon_rate > 0:
            self._issue_coupons(ops)
        if self.referral_bonus > 0:
            self._pay_referrals(ops)

    def _halt(self, ops: OperatorVerbs) -> None:
        """The budget could not pay: the scheme stops from tomorrow, or only pauses tomorrow
        when the budget's pacing refused (money is left for later days)."""
        if not ops.budget_exhausted:
            self.paused_day_ = ops.day + 1
        elif self.halted_day_ is None:
            self.halted_day_ = ops.day + 1

    def _award_points(self, ops: OperatorVerbs) -> None:
        t = ops.today
        n = ops.n_people
        pts = np.zeros(n)
        for people, amount in (
            (t.posters, self.points_per_post),
            (t.repliers, self.points_per_reply),
            (t.visitors, self.points_per_visit),
        ):
            if amount > 0 and len(people):
                pts += amount * np.bincount(people, minlength=n)
        got = np.flatnonzero(pts > 0)
        ops.grant_points(got, pts[got])
        self.earned_[got] += pts[got]
        self.exposed_[got] = True

    def _redeem_rewards(self, ops: OperatorVerbs) -> None:
        """Members with ``reward_at`` points or more spend them on rewards; the operator pays."""
        points = ops.pop.points
        rich = np.flatnonzero((points >= self.reward_at) & (ops.pop.state == MEMBER))
        k = np.floor(points[rich] / self.reward_at)
        if not ops.spend(self.reward_cost * float(k.sum()), "rewards"):
            self._halt(ops)
            return
        ops.redeem_points(rich, k * self.reward_at)
        self.n_rewards_ += int(k.sum())

    def _redeem_coupons(self, ops: OperatorVerbs) -> None:
        """Each coupon holder who bought today used the coupon: pay it, and it is gone."""
        h = self.holders_
        used = h[ops.pop.purchases[h] > self.bought_before_]
        self.holders_, self.bought_before_ = h[:0], self.bought_before_[:0]
        self.coupon_until_[used] = -1
        self.n_coupons_used_ += len(used)
        if not ops.spend(self.coupon_cost * len(used), "coupons"):
            self._halt(ops)

    def _issue_coupons(self, ops: OperatorVerbs) -> None:
        v = ops.today.visitors
        v = v[(ops.pop.state[v] == MEMBER) & (self.coupon_until_[v] < ops.day)]
        lucky = v[ops.rng.random(len(v)) < self.coupon_rate]
        self.coupon_until_[lucky] = ops.day + self.coupon_days

    def _pay_referrals(self, ops: OperatorVerbs) -> None:
        """Each member who joined today by word of mouth, and their inviter, get the bonus."""
        pop = ops.pop
        new = np.flatnonzero((pop.joined_day == ops.day) & (pop.channel == Channel.WOM.value))
        payees = len(new) + int(np.count_nonzero(pop.referrer[new] >= 0))
        if not ops.spend(self.referral_bonus * payees, "referral_bonus"):
            self._halt(ops)
            return
        self.n_referrals_paid_ += len(new)

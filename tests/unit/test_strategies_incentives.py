"""Incentives and onboarding: mechanisms and the strategy contract.

Their directions on the default community (crowding-out, coupons, welcome replies...) are
checked in tests/validation/test_directions_incentives.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from agents.states import MEMBER, Channel
from sim import compose, run, run_config
from sim.errors import ConfigError
from sim.model import CommunityModel
from strategies.incentives import Incentives, near_goal
from strategies.onboarding import Onboarding
from tests.conftest import SMOKE, Builder

SMALL = [*SMOKE, "community.n=1000", "days=90"]


# ----- contract ---------------------------------------------------------------------------
CASES = {
    "points": ["playbook=points"],
    "points_withdrawn": ["playbook=points_withdrawn", "strategies.incentives.stop_day=50"],
    "coupons": ["playbook=coupons", "strategies.incentives.coupon_rate=0.3"],
    "referral": ["playbook=referral_bonus"],
    "welcome": ["playbook=welcome_newcomers", "strategies.onboarding.welcome_delay=0"],
}


@pytest.mark.parametrize("overrides", CASES.values(), ids=CASES.keys())
def test_same_seed_same_result_costs_positive(overrides: list[str]) -> None:
    config = compose([*SMALL, "seed=3", *overrides])  # composed once: the runs are what must agree
    a, b = run_config(config), run_config(config)
    assert a.metrics.equals(b.metrics) and a.members.equals(b.members)
    assert a.summary["cost_total"] > 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: Incentives(stop_day=40, coupon_rate=0.2, referral_bonus=5.0),
        lambda: Onboarding(welcome_delay=0, mentor_capacity=3),
    ],
    ids=["incentives", "onboarding"],
)
def test_setup_resets(make: Any, make_model: Builder) -> None:
    strategy = make()
    first = make_model(*SMALL, strategies=[strategy]).run(60).recorder.frame()
    again = make_model(*SMALL, strategies=[strategy]).run(60).recorder.frame()
    fresh = make_model(*SMALL, strategies=[make()]).run(60).recorder.frame()
    assert first.equals(again) and first.equals(fresh)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("strategies.incentives.coupon_rate=2", "strategies.incentives.coupon_rate"),
        ("strategies.incentives.points_per_post=-1", "strategies.incentives.points_per_post"),
        ("strategies.incentives.crowding_out=1.5", "strategies.incentives.crowding_out"),
        (
            "strategies.incentives.badge_thresholds=[100,50]",
            "strategies.incentives.badge_thresholds",
        ),
        ("strategies.incentives.badge_thresholds=abc", "strategies.incentives.badge_thresholds"),
        ("strategies.incentives.stop_day=1", "strategies.incentives.stop_day"),
    ],
)
def test_invalid_incentive_levers_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        run([*SMOKE, "playbook=points", override])


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("strategies.onboarding.welcome_delay=-1", "strategies.onboarding.welcome_delay"),
        ("strategies.onboarding.welcome_delay=7", "strategies.onboarding.welcome_delay"),
        ("strategies.onboarding.welcome_share=1.2", "strategies.onboarding.welcome_share"),
        ("strategies.onboarding.mentor_capacity=0", "strategies.onboarding.mentor_capacity"),
        ("strategies.onboarding.mentors=maybe", "strategies.onboarding.mentors"),
    ],
)
def test_invalid_onboarding_levers_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        run([*SMOKE, "playbook=welcome_newcomers", override])


# ----- mechanisms -------------------------------------------------------------------------
def test_points_accumulate_and_rewards_spend_them(make_model: Builder) -> None:
    model = make_model(*SMALL, "playbook=points", "seed=1")
    (inc,) = model.strategies
    totals: list[float] = []
    model.run(90, on_day=lambda m: totals.append(inc.earned_.sum()))
    pop = model.pop
    assert np.all(np.diff(totals) >= 0) and totals[-1] > 0
    initial = (pop.channel == Channel.INITIAL.value).astype(float)
    expected = 10.0 * pop.posts + 5.0 * pop.replies + 1.0 * (pop.visits - initial)
    assert np.allclose(inc.earned_, np.where(pop.state > 0, expected, 0.0))
    assert np.all(pop.points <= inc.earned_ + 1e-9) and np.all(pop.points >= 0)
    assert inc.n_rewards_ > 0
    assert np.isclose((inc.earned_ - pop.points).sum(), 100.0 * inc.n_rewards_)
    assert np.isclose(model.cost_by_item["rewards"], 5.0 * inc.n_rewards_)
    assert np.all(pop.points[pop.state == MEMBER] < 100.0)


def test_goal_gradient_zone() -> None:
    have = np.array([10.0, 39.0, 40.0, 45.0, 50.0, 60.0])
    goal = np.full(6, 50.0)
    assert near_goal(have, goal, 0.2).tolist() == [False, False, True, True, False, False]


def test_crowding_out_after_the_stop(make_model: Builder) -> None:
    model = make_model(
        *SMALL, "playbook=points_withdrawn", "seed=2", "strategies.incentives.stop_day=30"
    )
    (inc,) = model.strategies
    model.run(29)
    lift = model.levers.post_multiplier[model.pop.state == MEMBER]
    assert lift.min() >= 1.0 and lift.max() > 1.0  # lift while running
    model.run(2)  # day 31: one day after the stop
    exposed = np.flatnonzero(inc.exposed_ & (model.pop.state == MEMBER))
    d = 0.5 ** (1 / 365.0)
    assert len(exposed) > 0
    assert np.allclose(model.levers.post_multiplier[exposed], 1.0 - 0.4 * d)
    assert np.allclose(model.levers.benefit_bonus[exposed], -0.4 * 0.2 * d)
    fresh = np.flatnonzero(~inc.exposed_ & (model.pop.state == MEMBER))
    assert np.all(model.levers.post_multiplier[fresh] == 1.0)
    held = model.pop.points.copy()
    model.run(5)
    assert np.array_equal(model.pop.points, held)  # no points once stopped


def test_budget_refusal_stops_the_scheme(make_model: Builder) -> None:
    model = make_model(*SMALL, "playbook=points", "seed=1")
    (inc,) = model.strategies
    model.ops.set_budget(20.0)
    model.run(90)
    assert sum(model.cost_by_item.values()) <= 20.0 + 1e-9
    assert inc.halted_day_ is not None and model.budget_exhausted_day > 0
    assert not inc.running(model.day)


def test_coupons_and_referrals_are_paid_per_use(make_model: Builder) -> None:
    model = make_model(
        *SMALL,
        "playbook=coupons",
        "seed=4",
        "strategies.incentives.coupon_rate=0.3",
        "strategies.incentives.referral_bonus=5",
    )
    (inc,) = model.strategies
    model.run(90)
    assert inc.n_coupons_used_ > 0
    assert np.isclose(model.cost_by_item["coupons"], 6.0 * inc.n_coupons_used_)
    wom = int(np.count_nonzero(model.pop.channel == Channel.WOM.value))
    assert inc.n_referrals_paid_ == wom > 0
    assert np.isclose(model.cost_by_item["referral_bonus"], 2 * 5.0 * wom)
    assert "rewards" not in model.cost_by_item and not inc.exposed_.any()  # no points


def test_welcome_replies_reach_every_unanswered_first_post(make_model: Builder) -> None:
    model = make_model(
        *SMALL, "playbook=welcome_newcomers", "seed=5", "strategies.onboarding.mentors=false"
    )
    (onb,) = model.strategies
    model.run(90)
    pop = model.pop
    old_first = (pop.first_post_day >= 1) & (pop.first_post_day <= model.day - 1)
    assert old_first.any() and onb.n_welcomed_ > 0
    assert np.all(pop.first_replied[old_first] == 1)
    assert np.isclose(model.cost_by_item["welcomes"], 2.0 * onb.n_welcomed_)


def test_mentors_are_core_members_within_capacity(make_model: Builder) -> None:
    model = make_model(
        *SMALL,
        "playbook=welcome_newcomers",
        "seed=6",
        "strategies.onboarding.welcome_replies=false",
        "strategies.onboarding.mentor_capacity=4",
    )
    (onb,) = model.strategies

    def within_capacity(m: CommunityModel) -> None:
        window = (m.pop.state == MEMBER) & (m.day - m.pop.joined_day < 30)
        load = np.bincount(onb.mentor_[window & (onb.mentor_ >= 0)], minlength=m.n_people)
        assert load.max(initial=0) <= 4

    model.run(90, on_day=within_capacity)
    mentees = np.flatnonzero(onb.mentor_ >= 0)
    assert len(mentees) > 0 and onb.n_mentored_ == len(mentees)
    assert np.all(np.asarray(model.csr[mentees, onb.mentor_[mentees]]).ravel() > 0)
    assert model.cost_by_item["mentoring"] > 0

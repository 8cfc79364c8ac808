"""Moderation, crisis response and recommendation: mechanisms and the strategy contract.

Their directions (Ren & Kraut 2014, crisis responses, feed diversity) are checked in
tests/validation/test_directions_moderation.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.consumption import feed_diversity
from sim import compose, run, run_config
from sim.errors import ConfigError
from sim.model import CommunityModel
from strategies.moderation import CrisisResponse, Moderation
from strategies.recommendation import Recommendation
from tests.conftest import SMOKE, Builder

SMALL = [*SMOKE, "community.n=1500", "days=120", "run.handles=off"]
MINE = [
    "moderation_none",
    "moderation_community",
    "moderation_personalised",
    "crisis_fast_poor",
    "crisis_slow_good",
    "ugc_personalised_feed",
]


def strategy(model: CommunityModel, kind: str) -> object:
    return next(s for s in model.strategies if s.kind == kind)


# ----- contract --------------------------------------------------------------------------
@pytest.mark.parametrize("playbook", MINE)
def test_same_seed_same_result_and_costs_booked(playbook: str) -> None:
    days = ["days=130"] if playbook.startswith("crisis") else []  # responses: days 121, 127
    config = compose([f"playbook={playbook}", *SMALL, "seed=3", *days])  # once: runs must agree
    a, b = run_config(config), run_config(config)
    assert a.metrics.equals(b.metrics)
    assert a.summary["cost_total"] > 0


@pytest.mark.parametrize(
    "playbook",
    [
        "moderation_community",
        "moderation_personalised",
        "ugc_personalised_feed",
        "crisis_slow_good",
    ],
)
def test_setup_resets(playbook: str, make_model: Builder) -> None:
    first = make_model(*SMALL, f"playbook={playbook}").run(125)
    reused = make_model(*SMALL, f"playbook={playbook}", strategies=first.strategies)  # setup()
    fresh = make_model(*SMALL, f"playbook={playbook}")
    reused.run(125), fresh.run(125)
    assert reused.recorder.frame().equals(fresh.recorder.frame())


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("strategies.moderation.mode=harsh", "strategies.moderation.mode"),
        ("strategies.moderation.strictness=2", "strategies.moderation.strictness"),
        ("strategies.moderation.capacity=-5", "strategies.moderation.capacity"),
    ],
)
def test_invalid_moderation_levers_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        run(["playbook=moderation_community", *SMALL, override])


def test_invalid_crisis_and_recommendation_levers_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"strategies\.crisis_response\.delay"):
        run(["playbook=crisis_fast_poor", *SMALL, "strategies.crisis_response.delay=-1"])
    with pytest.raises(ConfigError, match=r"strategies\.recommendation\.ranking"):
        Recommendation(ranking="random")


# ----- moderation ------------------------------------------------------------------------
def test_community_moderation_removes_noise_and_pays_moderators(make_model: Builder) -> None:
    model = make_model(
        *SMALL,
        "playbook=moderation_community",
        "strategies.moderation.strictness=1",
        "strategies.moderation.false_positive=0",
    ).run(90)
    mod = strategy(model, "moderation")
    assert isinstance(mod, Moderation)
    assert mod.reviewed_ > 0 and mod.removed_ > 0
    assert model.cost_by_item["moderation_staff"] > 0
    # strictness 1 and no false positives: whatever is left of the day's posts is clean
    pool = model.pool
    today = np.flatnonzero((pool.author >= 0) & (pool.day == model.day))
    clean = pool.quality[today] >= model.config.behaviour.content.low_quality
    assert (clean & (pool.tone[today] >= 0) & ~pool.offtopic[today]).all()
    assert model.pop.removed_recent.sum() > 0


def test_capacity_limits_review_and_zero_capacity_costs_nothing(make_model: Builder) -> None:
    small = make_model(
        *SMALL, "playbook=moderation_community", "strategies.moderation.capacity=1"
    ).run(60)
    assert strategy(small, "moderation").reviewed_ <= 60  # type: ignore[attr-defined]
    none = make_model(
        *SMALL, "playbook=moderation_community", "strategies.moderation.capacity=0"
    ).run(60)
    assert "moderation_staff" not in none.cost_by_item
    assert strategy(none, "moderation").removed_ == 0  # type: ignore[attr-defined]


def test_personalised_moderation_filters_without_deleting(make_model: Builder) -> None:
    model = make_model(*SMALL, "playbook=moderation_personalised").run(60)
    assert model.feed_override is not None and model.feed_override.filter_strength == 0.7
    assert model.pop.removed_recent.sum() == 0
    assert model.cost_by_item["moderation_filter"] == pytest.approx(60 * 40.0)


def test_no_moderation_does_nothing_and_costs_nothing(make_model: Builder) -> None:
    model = make_model(*SMALL, "playbook=moderation_none").run(60)
    assert model.feed_override is None and model.pop.removed_recent.sum() == 0
    assert set(model.cost_by_item) == {"content"}


def test_personalised_filter_stops_when_the_budget_runs_out(make_model: Builder) -> None:
    model = make_model(
        *SMALL, "playbook=moderation_personalised", "strategies.content.cost_per_item=0"
    )
    model.ops.set_budget(100.0)  # pays two days of filtering
    model.run(5)
    assert model.feed_override is not None
    assert model.feed_override.filter_strength == model.config.behaviour.consumption.filter_strength
    assert model.budget_exhausted_day == 3


# ----- crisis response -------------------------------------------------------------------
def test_poor_response_backfires_and_good_response_helps() -> None:
    assert CrisisResponse(quality=0.2, delay=1).immediate_shift() < 0
    assert CrisisResponse(quality=0.9, delay=7).immediate_shift() > 0
    fast = CrisisResponse(quality=0.9, delay=0).immediate_shift()
    assert fast > CrisisResponse(quality=0.9, delay=10).immediate_shift()


def test_response_comes_after_the_delay_and_shifts_the_hit_members(make_model: Builder) -> None:
    crisis = "crises=[{day:100,share:0.3,severity:0.8}]"
    model = make_model(*SMALL, "playbook=crisis_slow_good", crisis).run(106)
    resp = strategy(model, "crisis_response")
    assert isinstance(resp, CrisisResponse) and resp.responses_ == 0
    hit = model.crisis_hits[0]
    before = model.pop.sentiment[hit].copy()
    model.run(1)  # day 107: the response
    assert resp.responses_ == 1 and model.cost_by_item["crisis_response"] == 3000.0
    assert np.mean(model.pop.sentiment[hit] - before) > 0.05
    assert set(model.cost_by_item) == {"crisis_response"}


# ----- recommendation and exposure diversity ---------------------------------------------
def test_feed_diversity_is_normalised_entropy() -> None:
    mix = np.array([[1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0, 0], [0, 0, 0, 0]])
    d = feed_diversity(mix)
    assert d[0] == 0 and d[1] == pytest.approx(1.0) and d[2] == pytest.approx(0.5)
    assert np.isnan(d[3])
    assert feed_diversity(np.ones((2, 1)))[0] == 0


def test_exposure_diversity_metric_is_robust_without_visitors() -> None:
    result = run(["playbook=ugc_personalised_feed", *SMALL, "days=20"])
    d = result.metrics["exposure_diversity"]
    assert np.isnan(d.iloc[0])  # day 0: no feed was read yet
    valid = d.dropna()
    assert len(valid) > 0 and ((valid >= 0) & (valid <= 1)).all()

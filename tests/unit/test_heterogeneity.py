"""Per-person engagement propensity (Gamma, mean 1) and one-off visitors."""

from __future__ import annotations

import numpy as np
import pytest

from agents.heterogeneity import HeterogeneityParams, draw_one_off, draw_propensity
from sim.errors import ConfigError
from sim.start import StartState
from tests.conftest import SMOKE, build

ON = ["behaviour.heterogeneity.shape=0.4", "behaviour.heterogeneity.one_off_share=0.6"]
OFF = ["behaviour.heterogeneity.shape=0", "behaviour.heterogeneity.one_off_share=0"]


def test_propensity_is_gamma_with_mean_one_and_shape_k():
    rng = np.random.default_rng(1)
    lam = draw_propensity(200_000, HeterogeneityParams(shape=0.4), rng)
    assert lam.mean() == pytest.approx(1.0, abs=0.02)
    assert lam.var() == pytest.approx(1 / 0.4, rel=0.05)  # Gamma(k, 1/k): variance 1/k
    assert (lam > 0).all()
    assert np.median(lam) < 0.5  # skewed: most people below the mean, a few far above


def test_one_off_share_is_the_share_drawn():
    rng = np.random.default_rng(2)
    flags = draw_one_off(100_000, HeterogeneityParams(one_off_share=0.65), rng)
    assert flags.mean() == pytest.approx(0.65, abs=0.01)


def test_on_by_default():
    """The defaults spread propensities and make some people one-off (Plausible defaults)."""
    default = build(*SMOKE)
    assert default.pop.propensity.std() > 0.5 and 0.15 < default.pop.one_off.mean() < 0.45


def test_off_draws_nothing_and_changes_nothing():
    off = build(*SMOKE, *OFF)
    on = build(*SMOKE, *ON)
    assert (off.pop.propensity == 1.0).all() and not off.pop.one_off.any()
    assert on.pop.propensity.std() > 0.5 and on.pop.one_off.mean() > 0.4
    # heterogeneity off consumes no random numbers: the generator is where it would be
    explicit = build(*SMOKE, *OFF, "behaviour.heterogeneity.one_off_visit=0.3")
    state = off.rng.bit_generator.state
    assert explicit.rng.bit_generator.state == state
    assert on.rng.bit_generator.state != state  # switched on, it draws
    off.run()
    explicit.run()
    assert off.recorder.frame().equals(explicit.recorder.frame())


def test_one_off_people_hardly_return():
    model = build(*SMOKE, "days=60", "behaviour.heterogeneity.one_off_share=0.5")
    model.run()
    pop = model.pop
    joined = (pop.joined_day > 0) & (pop.joined_day < 30)
    one_off, engaged = joined & pop.one_off, joined & ~pop.one_off
    assert one_off.sum() > 20 and engaged.sum() > 20
    assert (pop.visits[one_off] <= 2).mean() > 0.95  # the joining visit, rarely one more
    assert pop.visits[engaged].mean() > 3 * pop.visits[one_off].mean()


def test_higher_propensity_visits_more():
    model = build(*SMOKE, "days=60", "behaviour.heterogeneity.shape=0.3")
    model.run()
    pop = model.pop
    joined = (pop.joined_day >= 0) & (pop.joined_day < 20)
    low = joined & (pop.propensity < 0.1)
    high = joined & (pop.propensity > 2.0)
    assert low.sum() > 10 and high.sum() > 10
    assert pop.visits[high].mean() > 2 * pop.visits[low].mean()


def test_people_who_came_back_before_day_0_are_not_one_off():
    model = build(*SMOKE, "community.n=300", "behaviour.heterogeneity.one_off_share=1.0")
    n = 50
    tenure = np.full(n, 100, dtype=np.int32)
    idle = np.where(np.arange(n) < 20, 100, 3).astype(np.int32)  # 20 never came back
    zeros = np.zeros(n)
    state = StartState(tenure, idle, zeros > 0, zeros, zeros, zeros, zeros.astype(np.int32))
    people = model.place_people(state)
    model._place_start(state, "start", people)
    assert model.pop.one_off[people[:20]].all()
    assert not model.pop.one_off[people[20:]].any()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("behaviour.heterogeneity.shape", "-0.5"),
        ("behaviour.heterogeneity.one_off_share", "1.5"),
        ("behaviour.heterogeneity.one_off_visit", "-1"),
    ],
)
def test_bad_values_fail_before_day_1(key, value):
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, f"{key}={value}")
    assert err.value.key == key


def test_a_start_from_aggregates_counts_each_persons_propensity():
    """The weekly actives of a synthetic start still match with propensities spread."""
    aggregates = [
        "community.n=6000",
        "start.members=1500",
        "start.weekly_active=300",
        "start.new_per_week=40",
        "start.age_days=400",
        "days=7",
    ]
    waus = []
    for seed in range(3):
        model = build(*SMOKE, *aggregates, *ON, f"seed={seed}")
        members = model.pop.state == 1
        assert not model.pop.one_off[members].any()  # recency drawn, not observed
        model.run()
        waus.append(model.recorder.frame()["wau"].iloc[7])
    assert abs(np.mean(waus) / 300 - 1) <= 0.10, waus


def test_a_start_state_can_give_each_persons_propensity():
    model = build(*SMOKE, "community.n=300", "behaviour.heterogeneity.shape=1")
    n = 4
    zeros = np.zeros(n)
    given = np.array([0.5, np.nan, 2.0, np.nan])
    state = StartState(
        np.full(n, 10, dtype=np.int32),
        np.zeros(n, dtype=np.int32),
        zeros > 0,
        zeros,
        zeros,
        zeros,
        zeros.astype(np.int32),
        propensity=given,
    )
    drawn = model.pop.propensity.copy()
    people = model.place_people(state)
    model._place_start(state, "start", people)
    assert model.pop.propensity[people[[0, 2]]].tolist() == [0.5, 2.0]
    assert model.pop.propensity[people[[1, 3]]].tolist() == drawn[people[[1, 3]]].tolist()
    assert len(state.to_frame().columns) == 8  # propensity is written with the rest

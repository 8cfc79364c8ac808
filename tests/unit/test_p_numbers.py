"""Non-finite and absurd numbers: refused before day 1, naming the key, the value and the fix.

Every numeric parameter is finite and has an upper bound (its declared ``high``, else its
unit's, ``agents.params.upper_bound``); the memory and time a run needs are estimated
from the settings (``sim.workload``) before anything is allocated.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from agents.params import MAX_DAYS, MAX_OTHER, MAX_TOPICS, upper_bound
from sim import ConfigError, build_model
from sim.config import check_value
from sim.runner import check, compose
from sim.workload import MAX_SECONDS, check_workload, estimate_seconds

SMALL = ["days=1", "community.n=50"]


@pytest.mark.parametrize(
    ("overrides", "key", "hint"),
    [
        (["community.n=inf"], "community.n", "finite"),
        (["community=sbm", "community.p_in=nan"], "community.p_in", "finite"),
        (["community=sbm", "community.blocks=[1,inf]"], "community.blocks", "finite"),
        (["community=sbm", "community.blocks=[1,0.0001]"], "community.blocks", "at least one"),
        (["community=ws", "community.beta=-inf"], "community.beta", "finite"),
        (["community=ba", "community.m=nan"], "community.m", "finite"),
        (["behaviour.content.topics=1000000000000"], "behaviour.content.topics", "10000"),
        (["days=1000000000000"], "days", "36,500"),
        (["behaviour.levels.memory_days=inf"], "behaviour.levels.memory_days", "finite"),
        (["behaviour.levels.memory_days=40000"], "behaviour.levels.memory_days", "36500"),
        (["acquisition.threshold=nan"], "acquisition.threshold", "finite"),
        (["initial_members=10000000000"], "initial_members", "<="),
        (["seed=100000000000000000000"], "seed", "<="),
        (["drivers.level_days=100000000000000000000"], "drivers.level_days", "36500"),
        (["behaviour.consumption.read_cost=2000000"], "behaviour.consumption.read_cost", "1000000"),
    ],
)
def test_absurd_numbers_name_key_value_and_fix(overrides: list[str], key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        check(compose(overrides))
    assert err.value.key == key
    assert hint in err.value.fix
    assert overrides[-1].split("=", 1)[1].split(",")[0].strip("[") in str(err.value)


def test_event_capacity_inf_names_the_lever_and_the_value() -> None:
    with pytest.raises(ConfigError) as err:
        build_model(["playbook=weekly_qa", "strategies.events.items.qa.capacity=inf", *SMALL])
    assert err.value.key == "strategies.events.items.qa.capacity"
    assert "inf" in str(err.value) and "finite" in err.value.fix


def test_seeding_more_people_than_the_community_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        build_model(["playbook=seed_random", "strategies.seeding.k=51", *SMALL])
    assert err.value.key == "strategies.seeding.k"
    assert "only 50 people" in err.value.fix
    build_model(["playbook=seed_random", "strategies.seeding.k=50", *SMALL])


def test_every_declared_number_has_an_upper_bound() -> None:
    """The general rule: the declared high, else the unit's, else MAX_OTHER."""
    assert upper_bound({"unit": "0-1", "high": 1.0}) == 1.0
    assert upper_bound({"unit": "days", "high": None}) == MAX_DAYS
    assert upper_bound({"unit": "day", "high": None}) == MAX_DAYS
    assert upper_bound({"unit": "topics", "high": None}) == MAX_TOPICS
    assert upper_bound({"unit": "currency/day", "high": None}) == 1e12
    assert upper_bound({"unit": "x", "high": None}) == MAX_OTHER
    assert upper_bound({"unit": "replies/30 days", "high": None}) == MAX_OTHER


@dataclasses.dataclass(frozen=True)
class _Params:
    count: int = dataclasses.field(default=3, metadata={"unit": "people", "low": 0, "high": None})
    rate: float = dataclasses.field(default=0.5, metadata={"unit": "x", "low": 0.0, "high": None})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, 1e300])
@pytest.mark.parametrize("name", ["count", "rate"])
def test_check_value_refuses_non_finite_and_huge(name: str, value: float) -> None:
    f = {f.name: f for f in dataclasses.fields(_Params)}[name]
    with pytest.raises(ConfigError) as err:
        check_value(f"x.{name}", value, f)
    assert err.value.key == f"x.{name}"


def test_memory_estimate_names_the_key_that_weighs_most() -> None:
    with pytest.raises(ConfigError) as err:
        check_workload(n=10_000_000, n_edges=10_000_000, days=365, topics=MAX_TOPICS)
    assert err.value.key == "behaviour.content.topics"
    assert "GB" in err.value.fix
    with pytest.raises(ConfigError) as err:
        check_workload(n=10**10, n_edges=10**10, days=365, topics=1)
    assert err.value.key == "community.n"
    check_workload(n=5_000, n_edges=20_000, days=MAX_DAYS, topics=8)


def test_time_estimate_refuses_a_run_that_cannot_finish(monkeypatch) -> None:
    monkeypatch.setattr("sim.workload.available_memory_bytes", lambda: 0)  # memory unknown
    days = int(MAX_SECONDS / estimate_seconds(1, 1)) + 10
    with pytest.raises(ConfigError) as err:
        check_workload(n=1, n_edges=0, days=days, topics=1)
    assert err.value.key == "days"
    assert "fewer days" in err.value.fix


@pytest.mark.parametrize("badges", ["[1,inf]", "[nan]", "[1,1e300]"])
def test_badge_thresholds_finite_and_bounded(badges: str) -> None:
    with pytest.raises(ConfigError) as err:
        build_model(["playbook=points", f"strategies.incentives.badge_thresholds={badges}", *SMALL])
    assert err.value.key.startswith("strategies.incentives.badge_thresholds")


def test_a_real_parameter_given_a_whole_number_is_a_float() -> None:
    """``first_reply_boost=128`` (an int) once overflowed an int8 product on day 1."""
    model = build_model(["behaviour.contribution.first_reply_boost=128", *SMALL])
    assert isinstance(model.config.behaviour.contribution.first_reply_boost, float)
    model.run(days=1)

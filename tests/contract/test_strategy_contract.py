"""One contract suite over every strategy (like scikit-learn's ``check_estimator``).

Every check runs over an instance that acts: each strategy supplies, in :data:`ACTING`, a
small configuration in which it really does something, and the suite asserts that it did
(like scikit-learn's per-estimator check parameters). Then: the same seed gives the same
series; ``setup()`` fully resets; what it spends is booked under its own items; the global
NumPy random state is untouched; an invalid lever fails naming its key.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

import strategies
from sim import ConfigError
from sim.metrics import REPORTERS
from sim.model import CommunityModel
from strategies.base import Strategy
from strategies.content import ContentPlan
from tests.conftest import SMOKE, Builder

SMALL = [*SMOKE, "community.n=600", "days=90", "run.handles=off"]


def all_strategy_classes() -> list[type[Strategy]]:
    for info in pkgutil.iter_modules(strategies.__path__):
        importlib.import_module(f"strategies.{info.name}")
    found = {}
    for module in list(pkgutil.iter_modules(strategies.__path__)):
        mod = importlib.import_module(f"strategies.{module.name}")
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, Strategy) and cls is not Strategy and hasattr(cls, "Levers"):
                found[cls.__name__] = cls
    return [found[k] for k in sorted(found)]


CLASSES = all_strategy_classes()


@dataclass(frozen=True)
class Acting:
    """A configuration in which a strategy acts, and how to see that it did.

    Attributes:
        levers: the strategy's levers.
        booked: the cost items it books.
        acted: ``acted(metrics, model, strategy)`` is true when it did something.
        overrides: config overrides it needs (a crisis to respond to).
        companions: other strategies it acts on (a budget needs a spender).
    """

    levers: dict[str, Any]
    booked: set[str]
    acted: Callable[[pd.DataFrame, CommunityModel, Any], bool]
    overrides: tuple[str, ...] = ()
    companions: Callable[[], list[Strategy]] = field(default=list)


ACTING: dict[str, Acting] = {
    "Budget": Acting(  # paced (the default, even): held back, never ahead of its pace
        {"total": 300.0},
        {"content"},
        lambda m, model, s: (
            m["budget_held_back"].sum() > 0
            and bool((m["cost"].cumsum() <= m["budget_allowed"] + 1e-9).all())
            and sum(model.cost_by_item.values()) <= 300.0
        ),
        companions=lambda: [ContentPlan()],
    ),
    "ContentPlan": Acting(
        {}, {"content"}, lambda m, model, s: bool((model.pool.author == -1).any())
    ),
    "CrisisResponse": Acting(
        {"cost": 100.0, "delay": 2},
        {"crisis_response"},
        lambda m, model, s: s.responses_ == 1 and model.cost_by_item["crisis_response"] == 100.0,
        overrides=("crises=[{day:20,share:0.5,severity:0.8}]",),
    ),
    "EventCalendar": Acting(
        {"items": {"qa": {"type": "qa", "every": "weekly", "day": 7, "capacity": 200}}},
        {"events"},
        lambda m, model, s: m["event_attendance"].sum() > 0,
    ),
    "Incentives": Acting({}, {"rewards"}, lambda m, model, s: s.n_rewards_ > 0),
    "Moderation": Acting({}, {"moderation_staff"}, lambda m, model, s: s.removed_ > 0),
    "Onboarding": Acting(
        {},
        {"welcomes", "mentoring"},
        lambda m, model, s: s.n_welcomed_ > 0 and s.n_mentored_ > 0,
    ),
    "OutsideReach": Acting({}, {"ads"}, lambda m, model, s: m["ads_joins"].sum() > 0),
    "PlatformProfile": Acting(
        {"group_cap": 20}, {"platform"}, lambda m, model, s: model.levers.post_multiplier.max() < 1
    ),
    "Recommendation": Acting(
        {},
        {"recommendation"},
        lambda m, model, s: s.active_ and model.feed_override.ranking == "personalised",
    ),
    "Seeding": Acting(
        {"k": 20}, {"seeding"}, lambda m, model, s: m["seeding_accepted"].iloc[-1] > 0
    ),
}


def acting(cls: type[Strategy]) -> Strategy:
    """An instance of ``cls`` with the levers of its acting configuration."""
    return cls(**ACTING[cls.__name__].levers)


def setting(
    strategy: Strategy | None, seed: int = 0, case: Acting | None = None
) -> tuple[list[str], list[Strategy]]:
    """The overrides and strategies (``strategy`` and its case's companions, in their order)
    of the small community in which ``strategy`` acts; build it with ``make_model``."""
    case = case or ACTING[type(strategy).__name__]
    chosen = [*case.companions(), *([strategy] if strategy is not None else [])]
    return [*SMALL, f"seed={seed}", *case.overrides], sorted(chosen, key=lambda s: s.order)


def test_every_strategy_family_is_found() -> None:
    kinds = {cls.kind for cls in CLASSES}
    assert len(CLASSES) >= 1
    assert len(kinds) == len(CLASSES), "two strategies share a config kind"


def test_every_strategy_has_an_acting_configuration() -> None:
    assert {cls.__name__ for cls in CLASSES} == set(ACTING)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_acts(cls: type[Strategy], make_model: Builder) -> None:
    strategy = acting(cls)
    case = ACTING[cls.__name__]
    overrides, chosen = setting(strategy)
    model = make_model(*overrides, strategies=chosen).run()
    metrics = model.recorder.frame()
    assert case.acted(metrics, model, strategy), f"{cls.__name__} did not act"
    overrides, chosen = setting(None, case=case)
    without = make_model(*overrides, strategies=chosen).run().recorder.frame()
    shared = list(REPORTERS)
    assert not metrics[shared].equals(without[shared]), "the day went as without it"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_same_seed_same_series(cls: type[Strategy], make_model: Builder) -> None:
    overrides, chosen = setting(acting(cls), seed=3)
    a = make_model(*overrides, strategies=chosen).run().recorder.frame()
    overrides, chosen = setting(acting(cls), seed=3)
    b = make_model(*overrides, strategies=chosen).run().recorder.frame()
    assert a.equals(b)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_setup_fully_resets(cls: type[Strategy], make_model: Builder) -> None:
    strategy = acting(cls)
    overrides, chosen = setting(strategy, seed=5)
    first = make_model(*overrides, strategies=chosen).run().recorder.frame()
    overrides, chosen = setting(strategy, seed=5)  # the same instance, reused
    again = make_model(*overrides, strategies=chosen).run().recorder.frame()
    assert first.equals(again)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_spending_is_booked_under_its_items(cls: type[Strategy], make_model: Builder) -> None:
    overrides, chosen = setting(acting(cls))
    model = make_model(*overrides, strategies=chosen).run()
    case = ACTING[cls.__name__]
    assert case.booked <= set(model.cost_by_item)
    assert all(model.cost_by_item[item] > 0 for item in case.booked)


def random_state_equal(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether two ``np.random.get_state()`` tuples are equal in every element."""
    return len(a) == len(b) and all(
        np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
        for x, y in zip(a, b, strict=True)
    )


def test_random_state_comparison_sees_draws() -> None:
    before = np.random.get_state()  # noqa: NPY002
    np.random.random(3)  # noqa: NPY002  (moves the position, not the key array)
    after = np.random.get_state()  # noqa: NPY002
    np.random.set_state(before)  # noqa: NPY002
    assert not random_state_equal(before, after)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_global_numpy_random_state_untouched(cls: type[Strategy], make_model: Builder) -> None:
    before = np.random.get_state()  # noqa: NPY002
    overrides, chosen = setting(acting(cls))
    make_model(*overrides, strategies=chosen).run()
    assert random_state_equal(before, np.random.get_state())  # noqa: NPY002


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_invalid_lever_names_its_key(cls: type[Strategy]) -> None:
    bounded = [
        f
        for f in dataclasses.fields(cls.Levers)
        if f.metadata.get("low") is not None or f.metadata.get("choices")
    ]
    assert bounded, f"{cls.__name__} declares no checked lever"
    for f in bounded:
        bad = "no-such-choice" if f.metadata.get("choices") else f.metadata["low"] - 1
        with pytest.raises(ConfigError) as err:
            cls(**{f.name: bad})
        assert err.value.key == f"strategies.{cls.kind}.{f.name}"
    with pytest.raises(ConfigError) as err:
        cls(no_such_lever=1)
    assert err.value.key == f"strategies.{cls.kind}.no_such_lever"


STRUCTURED = [(cls, name) for cls in CLASSES for name in cls.structured]


def test_structured_levers_are_declared() -> None:
    found = {f"{cls.kind}.{name}" for cls, name in STRUCTURED}
    expected = {"content.target_segments", "events.items", "incentives.badge_thresholds"}
    assert expected | {"seeding.segment"} <= found


@pytest.mark.parametrize("cls,name", STRUCTURED, ids=lambda x: getattr(x, "__name__", x))
def test_structured_lever_names_its_key(cls: type[Strategy], name: str) -> None:
    for bad in (3.5, {"a": object()}):
        with pytest.raises(ConfigError) as err:
            cls(**{name: bad})
        assert err.value.key.startswith(f"strategies.{cls.kind}.{name}")
        with pytest.raises(ConfigError):
            cls.check_structured(name, bad)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_constructor_only_stores_levers(cls: type[Strategy]) -> None:
    strategy = cls()
    state = [k for k in vars(strategy) if k.endswith("_") and not k.startswith("_")]
    assert not state, f"running state created in __init__: {state}"
    assert set(strategy.get_params()) == {f.name for f in dataclasses.fields(cls.Levers)}

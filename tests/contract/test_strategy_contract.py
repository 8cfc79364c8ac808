"""One contract suite over every strategy (like scikit-learn's ``check_estimator``).

Same seed gives the same series; ``setup()`` fully resets; costs are never negative; the
global NumPy random state is untouched; an invalid lever fails naming its key.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import strategies
from sim import ConfigError
from sim.model import CommunityModel
from sim.runner import check, compose
from strategies.base import Strategy

SMALL = ["community.n=600", "days=90", "run.progress=off", "run.handles=off"]


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


def simulate(strategy: Strategy, seed: int = 0):
    model = CommunityModel(check(compose([*SMALL, f"seed={seed}"])), strategies=[strategy])
    for _ in range(model.config.days):
        model.step()
    return model.recorder.frame(), model


def test_every_strategy_family_is_found() -> None:
    kinds = {cls.kind for cls in CLASSES}
    assert len(CLASSES) >= 1
    assert len(kinds) == len(CLASSES), "two strategies share a config kind"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_same_seed_same_series(cls: type[Strategy]) -> None:
    a, _ = simulate(cls(), seed=3)
    b, _ = simulate(cls(), seed=3)
    assert a.equals(b)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_setup_fully_resets(cls: type[Strategy]) -> None:
    strategy = cls()
    first, _ = simulate(strategy, seed=5)
    again, _ = simulate(strategy, seed=5)  # the same instance, reused
    assert first.equals(again)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_costs_never_negative(cls: type[Strategy]) -> None:
    metrics, model = simulate(cls())
    assert (metrics["cost"] >= 0).all()
    assert all(v >= 0 for v in model.cost_by_item.values())


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_global_numpy_random_state_untouched(cls: type[Strategy]) -> None:
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    simulate(cls())
    assert np.array_equal(before, np.random.get_state()[1])  # noqa: NPY002


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


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_constructor_only_stores_levers(cls: type[Strategy]) -> None:
    strategy = cls()
    state = [k for k in vars(strategy) if k.endswith("_") and not k.startswith("_")]
    assert not state, f"running state created in __init__: {state}"
    assert set(strategy.get_params()) == {f.name for f in dataclasses.fields(cls.Levers)}

"""The strategy contract: levers validated on construction, state reset in ``setup``.

A strategy is one of the operator's levers (content plan, events, incentives...). Like a
scikit-learn estimator, its constructor only stores keyword arguments (the levers) under
the names the config uses, checked against their declared ranges; state created while
running ends in an underscore and is reset by :meth:`Strategy.setup`. A strategy never
holds a random generator: it takes ``ops.rng`` when acting. It acts on the model only
through the verbs of ``sim.verbs.OperatorVerbs`` (publish, push visits, grant, invite,
moderate, rank the feed, spend...).

Each morning the model calls ``act(ops)`` on every strategy before the day's phases;
each evening ``settle(ops)`` after them (for what depends on the day's activity).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from sim.config import parse_params
from sim.verbs import OperatorVerbs


class Strategy:
    """Base class of every strategy.

    Subclasses set ``kind`` (the config key under ``strategies.``) and ``Levers`` (a
    frozen dataclass whose fields are made with ``agents.params.param``). Levers that are
    lists or mappings, which the shared checker (``sim.config.check_value``) cannot check,
    are declared in ``structured`` with their own checker.
    """

    kind: ClassVar[str] = "strategy"
    Levers: ClassVar[type]
    #: strategies act in increasing ``order`` (the budget first)
    order: ClassVar[int] = 10
    #: list and mapping levers: name -> checker(value, key) returning the checked value (or
    #: raising ``ConfigError(key, value, fix)``); the lever's default is checked when absent
    structured: ClassVar[Mapping[str, Callable[[Any, str], Any]]] = {}

    levers: Any

    def __init__(self, **levers: Any) -> None:
        given = {name: levers.pop(name) for name in self.structured if name in levers}
        self.levers = parse_params(self.Levers, levers, f"strategies.{self.kind}")
        checked = {
            name: self.check_structured(name, given.get(name, getattr(self.levers, name)))
            for name in self.structured
        }
        self.levers = dataclasses.replace(self.levers, **checked)
        for f in dataclasses.fields(self.levers):
            setattr(self, f.name, getattr(self.levers, f.name))

    @classmethod
    def check_structured(cls, name: str, value: Any) -> Any:
        """Check the list or mapping lever ``name`` (one of ``structured``).

        Returns:
            The checked value (e.g. a list as a tuple).

        Raises:
            ConfigError: naming ``strategies.<kind>.<name>``, the value and the fix.
        """
        return cls.structured[name](value, f"strategies.{cls.kind}.{name}")

    def get_params(self) -> dict[str, Any]:
        """The levers as a plain dict (the same names as the config)."""
        return dataclasses.asdict(self.levers)

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset every piece of running state (attributes ending in ``_``)."""

    def act(self, ops: OperatorVerbs) -> None:
        """Morning: act on the model before the day's phases."""

    def settle(self, ops: OperatorVerbs) -> None:
        """Evening: react to the day's activity (award points, count attendance)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

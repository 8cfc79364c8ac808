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
from typing import Any, ClassVar

from sim.config import parse_params
from sim.verbs import OperatorVerbs


class Strategy:
    """Base class of every strategy.

    Subclasses set ``kind`` (the config key under ``strategies.``) and ``Levers`` (a
    frozen dataclass whose fields are made with ``agents.params.param``).
    """

    kind: ClassVar[str] = "strategy"
    Levers: ClassVar[type]
    #: strategies act in increasing ``order`` (the budget first)
    order: ClassVar[int] = 10

    levers: Any

    def __init__(self, **levers: Any) -> None:
        self.levers = parse_params(self.Levers, levers, f"strategies.{self.kind}")
        for f in dataclasses.fields(self.levers):
            setattr(self, f.name, getattr(self.levers, f.name))

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

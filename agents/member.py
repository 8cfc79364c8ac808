"""``Member``: a Mesa agent that is a handle onto one row of the population arrays.

The population's state lives in NumPy arrays (``model.pop``); a ``Member`` reads and
writes its own row, so ``model.agents``, AgentSet selection, Mesa's ``DataCollector`` and
a curious user all see real agents while the day loop stays vectorised.

Every per-person array (``agents.people.FIELDS``) is an attribute of the handle; the
values a person may meaningfully be given by hand (``agents.people.WRITABLE``:
commitment, sentiment, points, voice, propensity) can be set, within their range; counts,
days, state and level are the model's bookkeeping and read-only. ``unique_id`` is the
person's index, whatever order the handles are made in, so Mesa's agent data joins the
members table (``members.parquet``, column ``id``).

    >>> core = model.agents.select(lambda a: a.level is Level.CORE)
    >>> core[0].commitment = 1.0   # writes model.pop.commitment[core[0].index]
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from agents.people import FIELDS, WRITABLE, Field


class _Row:
    """Descriptor: attribute ``name`` of a Member is ``model.pop.<name>[index]``."""

    def __init__(self, name: str, field: Field) -> None:
        self.name = name
        self.field = field
        self.__doc__ = field.doc

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj.model.pop, self.name)[obj.index]
        return self.field.enum(int(value)) if self.field.enum is not None else value.item()

    def __set__(self, obj: Any, value: Any) -> None:
        f = self.field
        if f.low is None:
            raise AttributeError(
                f"Member.{self.name} is read-only (the model keeps it); a handle may set: "
                f"{', '.join(WRITABLE)}"
            )
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not f.low <= value <= f.high:
            raise ValueError(
                f"Member.{self.name} = {value!r}: give a number from {f.low:g} to {f.high:g}"
            )
        getattr(obj.model.pop, self.name)[obj.index] = value


class Member(mesa.Agent):
    """One person of the social graph: a prospect, a member or a churned member.

    Args:
        model: the ``CommunityModel``.
        index: the person's row in the population arrays (their node in the graph); it is
            also the agent's ``unique_id``.
    """

    index: int

    if TYPE_CHECKING:  # the attributes of agents.people.FIELDS, added below

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self, model: Any, index: int) -> None:
        # mesa.Agent.__init__ numbers agents in order of creation, from a class-wide counter
        # keyed by the model (which keeps every model alive); a person's id is their index
        self.model = model
        self.index = int(index)
        self.unique_id = self.index
        self.pos = None
        model.register_agent(self)

    @property
    def interests(self) -> np.ndarray:
        """The person's interest profile over the content topics (a read-only view)."""
        row: np.ndarray = self.model.pop.interests[self.index]
        view = row.view()
        view.flags.writeable = False
        return view

    @property
    def neighbours(self) -> list[Member]:
        """The handles of this person's friends in the social graph (on the implicit
        complete graph, everyone else: refused with a ``ConfigError`` beyond
        ``sim.graphs.EXPLICIT_MAX_N`` people)."""
        row = self.model.social.neighbours(np.array([self.index]))
        return [self.model.member(int(j)) for j in row]

    def __repr__(self) -> str:
        return f"Member(index={self.index}, state={self.state.name}, level={self.level.name})"


for _name, _field in FIELDS.items():
    setattr(Member, _name, _Row(_name, _field))

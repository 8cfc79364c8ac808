"""``Member``: a Mesa agent that is a handle onto one row of the population arrays.

The population's state lives in NumPy arrays (``model.pop``); a ``Member`` reads and
writes its own row, so ``model.agents``, AgentSet selection, Mesa's visualisation and a
curious user all see real agents while the day loop stays vectorised.

    >>> core = model.agents.select(lambda a: a.level is Level.CORE)
    >>> core[0].commitment = 1.0   # writes model.pop.commitment[core[0].index]
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import mesa
import numpy as np

from agents.states import Channel, Level, State


class _Row:
    """Descriptor: attribute ``name`` of a Member is ``model.pop.<name>[index]``."""

    def __init__(self, enum: type[Enum] | None = None) -> None:
        self.enum = enum
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj.model.pop, self.name)[obj.index]
        return self.enum(int(value)) if self.enum is not None else value.item()

    def __set__(self, obj: Any, value: Any) -> None:
        raw = value.value if isinstance(value, Enum) else value
        getattr(obj.model.pop, self.name)[obj.index] = raw


class Member(mesa.Agent):
    """One person of the social graph: a prospect, a member or a churned member.

    Args:
        model: the ``CommunityModel``.
        index: the person's row in the population arrays (their node in the graph).
    """

    state = _Row(State)
    level = _Row(Level)
    channel = _Row(Channel)
    commitment = _Row()
    joined_day = _Row()
    churned_day = _Row()
    last_visit = _Row()
    visits = _Row()
    referrer = _Row()
    degree = _Row()

    def __init__(self, model: Any, index: int) -> None:
        super().__init__(model)
        self.index = int(index)
        self.unique_id = self.index  # Mesa numbers agents by creation; ours is the person

    @property
    def neighbours(self) -> list[Member]:
        """The handles of this person's friends in the social graph (on the implicit
        complete graph, everyone else: refused with a ``ConfigError`` beyond
        ``sim.graphs.EXPLICIT_MAX_N`` people)."""
        row = self.model.social.neighbours(np.array([self.index]))
        return [self.model.member(int(j)) for j in row]

    def __repr__(self) -> str:
        return f"Member(index={self.index}, state={self.state.name}, level={self.level.name})"

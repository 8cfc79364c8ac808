"""Lifecycle states and engagement levels of the people in a community.

Both are stored in the population arrays as small integers (the Enum's value); compare
Enum members with ``is`` and array codes with ``== State.MEMBER.value``.
"""

from __future__ import annotations

from enum import Enum


class State(Enum):
    """Where a person stands with the community."""

    PROSPECT = 0  #: in the social graph, not (yet) a member
    MEMBER = 1  #: joined and not left
    CHURNED = 2  #: joined and left; stops visiting, still talks to friends


class Level(Enum):
    """Engagement level of a member, in the manner of the Orbit model."""

    NONE = 0  #: not a member
    NEWCOMER = 1
    LURKER = 2
    CONTRIBUTOR = 3
    CORE = 4


class Channel(Enum):
    """How a member came to join (attribution)."""

    NONE = 0  #: never joined
    INITIAL = 1  #: an initial member at day 0
    ORGANIC = 2  #: outside reach: ads-free discovery, search, the platform
    WOM = 3  #: word of mouth from a member neighbour
    SEEDED = 4  #: accepted an operator's invitation
    ADS = 5  #: paid advertising
    PARTNER = 6  #: sent by a partner community


#: the array codes, as plain ints for the hot loop (``State.MEMBER.value`` is an attribute lookup)
PROSPECT = State.PROSPECT.value
MEMBER = State.MEMBER.value
CHURNED = State.CHURNED.value

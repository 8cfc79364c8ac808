"""Platform profile: what the chosen platform does to conversation, visits and sharing.

Communities live on a platform (a forum, a Discord server, WhatsApp or Telegram groups, a
Slack) whose design shapes them:

- **Group cap.** Chat groups hold at most ``group_cap`` people; past that, conversation
  splits across groups, each member sees a fraction ``cap / members`` of the community
  and has fewer people to answer and be answered by. Modelled as a daily multiplier on
  posting and replying, ``min(1, group_cap / members) ** group_split_elasticity``
  (``boost_posting(None, ...)``): 1 below the cap; with elasticity 0.5, a community twice
  the cap posts 71% as much per member. The cap is the platform's nature: it applies
  whether or not the profile's cost is paid.
- **Notifications.** Each day every member gets an extra visit chance of
  ``notification_strength * (1 - commitment)`` (``push_visits``): pushes pull back the
  less committed; the committed come anyway.
- **Ease of sharing.** One-tap invites and link previews multiply word of mouth by
  ``ease_of_sharing`` (``boost_word_of_mouth``).

The platform costs ``cost_per_day`` (licences, hosting, bots); notifications and sharing
only work on days it is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from agents.params import param
from agents.states import MEMBER
from sim.verbs import OperatorVerbs
from strategies.base import Strategy


@dataclass(frozen=True)
class PlatformLevers:
    """``strategies.platform.*``."""

    group_cap: int = param(
        500,
        unit="people",
        low=1,
        source="WhatsApp groups: 256 until 2022, then 512 and 1024",
        doc="most members one group chat holds",
    )
    group_split_elasticity: float = param(
        0.5,
        unit="-",
        low=0.0,
        high=3.0,
        source="assumption",
        doc="how strongly splitting across groups cuts posting and replying",
    )
    notification_strength: float = param(
        0.05,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (pushes lift daily return by a few points)",
        doc="extra daily visit chance of an uncommitted member",
    )
    ease_of_sharing: float = param(
        1.0, unit="x", low=0.0, source="assumption", doc="multiplier on word of mouth"
    )
    cost_per_day: float = param(
        10.0,
        unit="currency/day",
        low=0.0,
        source="assumption (paid plan, bots, moderation tools)",
        doc="the platform's running cost",
    )


class PlatformProfile(Strategy):
    """The community's platform (see the module docstring).

    Attributes (reset in ``setup``):
        split_factor_: today's posting multiplier from the group cap.
        paid_days_: days the platform was paid for.
    """

    kind: ClassVar[str] = "platform"
    Levers: ClassVar[type] = PlatformLevers
    # the levers, set from PlatformLevers by Strategy.__init__
    group_cap: int
    group_split_elasticity: float
    notification_strength: float
    ease_of_sharing: float
    cost_per_day: float

    def setup(self, ops: OperatorVerbs) -> None:
        """Reset the counters."""
        self.split_factor_ = 1.0
        self.paid_days_ = 0

    def split_factor(self, n_members: int) -> float:
        """Posting and replying multiplier for a community of ``n_members``."""
        if n_members <= self.group_cap:
            return 1.0
        return float((self.group_cap / n_members) ** self.group_split_elasticity)

    def act(self, ops: OperatorVerbs) -> None:
        """Apply the group cap; pay the day; then notifications and sharing."""
        self.split_factor_ = self.split_factor(ops.n_members)
        if self.split_factor_ < 1.0:
            ops.boost_posting(None, self.split_factor_)
        if not ops.spend(self.cost_per_day, "platform"):
            return
        self.paid_days_ += 1
        if self.notification_strength > 0 and ops.n_members:
            members = np.flatnonzero(ops.pop.state == MEMBER)
            chance = self.notification_strength * (1.0 - ops.pop.commitment[members])
            ops.push_visits(members, chance)
        if self.ease_of_sharing != 1.0:
            ops.boost_word_of_mouth(self.ease_of_sharing)

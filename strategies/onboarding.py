"""Onboarding: staff welcome replies to newcomers' first posts, and mentors for newcomers.

- **Welcome replies**: each evening, staff reply to a share ``welcome_share`` of the member
  first posts that are exactly ``welcome_delay`` days old and still have no reply
  (``reply_as_staff``), at ``cost_per_welcome`` each. A reply to a first post raises the
  author's chance of posting again (Joyce & Kraut 2006: 44% -> 56%); the model's
  contribution rule already counts it (``first_replied``), along with the recognition.
- **Mentors**: each evening, newcomers in their first ``mentor_days`` days who have no
  mentor yet get one, once: a core member drawn at random among those with a free place
  (``mentor_capacity`` mentees each, counting mentees still in their first
  ``mentor_days``); the two become friends (``add_ties``). Each morning, mentored newcomers
  still in their first ``mentor_days`` get ``mentor_benefit`` added to the net benefit of
  a visit (``add_benefit``), at ``cost_per_mentee_day`` each. Once the budget's total
  refuses to pay for mentoring, no new mentees are taken on (a refusal by the budget's
  pacing only holds that day's mentoring back).

Daily metrics: ``onboarding_welcomed`` and ``onboarding_mentored`` (cumulative counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param
from agents.states import MEMBER, Level
from sim.errors import ConfigError
from sim.verbs import OperatorVerbs
from strategies.base import Strategy


@dataclass(frozen=True)
class OnboardingLevers:
    """``strategies.onboarding.*``."""

    welcome_replies: bool = param(
        True, unit="-", source="Joyce & Kraut 2006", doc="staff reply to unanswered first posts"
    )
    welcome_delay: int = param(
        1,
        unit="days",
        low=0,
        high=30,
        source="assumption",
        doc="age of the first posts staff reply to (0: the same evening)",
        constraint="below `behaviour.content.lifetime`",
    )
    welcome_share: float = param(
        1.0,
        unit="share",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="share of the unanswered first posts staff reach",
    )
    cost_per_welcome: float = param(
        2.0,
        unit="currency/reply",
        low=0.0,
        source="assumption (5 minutes of staff time)",
        doc="cost of one welcome reply",
    )
    mentors: bool = param(
        True,
        unit="-",
        source="Kraut & Resnick 2012; Morgan & Halfaker 2018 (Teahouse)",
        doc="core members mentor newcomers",
    )
    mentor_days: int = param(
        30,
        unit="days",
        low=1,
        source="assumption (the first month)",
        doc="days after joining a newcomer is mentored",
    )
    mentor_benefit: float = param(
        0.2,
        unit="score",
        low=0.0,
        high=1.0,
        source="assumption (mentored newcomers stay longer: Morgan & Halfaker 2018)",
        doc="extra net benefit of a visit for a mentored newcomer",
    )
    mentor_capacity: int = param(
        30,
        unit="newcomers/mentor",
        low=1,
        source="assumption (a host looks after a welcome cohort)",
        doc="newcomers one core member mentors at a time",
    )
    cost_per_mentee_day: float = param(
        0.3,
        unit="currency/mentee/day",
        low=0.0,
        source="assumption (mentor stipend and coordination)",
        doc="cost of mentoring one newcomer for a day",
    )


class Onboarding(Strategy):
    """Welcome replies to first posts and mentoring of newcomers."""

    kind = "onboarding"
    Levers = OnboardingLevers
    welcome_replies: bool
    welcome_delay: int
    welcome_share: float
    cost_per_welcome: float
    mentors: bool
    mentor_days: int
    mentor_benefit: float
    mentor_capacity: int
    cost_per_mentee_day: float

    def setup(self, ops: OperatorVerbs) -> None:
        """Check the delay against the content lifetime; reset the running state."""
        lifetime = ops.config.behaviour.content.lifetime
        if self.welcome_replies and self.welcome_delay >= lifetime:
            raise ConfigError(
                f"strategies.{self.kind}.welcome_delay",
                self.welcome_delay,
                f"posts leave the feed after behaviour.content.lifetime="
                f"{lifetime} days; use a delay below that",
            )
        self.mentor_ = np.full(ops.n_people, -1, dtype=np.int64)  # each newcomer's mentor
        self.n_welcomed_ = self.n_mentored_ = 0
        self.broke_ = False  # the budget refused to pay mentoring: no new mentees
        ops.add_reporter("onboarding_welcomed", lambda m: self.n_welcomed_)
        ops.add_reporter("onboarding_mentored", lambda m: self.n_mentored_)

    def _in_window(self, ops: OperatorVerbs) -> np.ndarray:
        """Mask over people: members in their first ``mentor_days`` days."""
        pop = ops.pop
        return (pop.state == MEMBER) & (ops.day - pop.joined_day < self.mentor_days)

    def act(self, ops: OperatorVerbs) -> None:
        """Mentored newcomers get more out of today's visit (paid per mentee-day)."""
        if not self.mentors:
            return
        mentees = np.flatnonzero(self._in_window(ops) & (self.mentor_ >= 0))
        if len(mentees) == 0:
            return
        if ops.spend(self.cost_per_mentee_day * len(mentees), "mentoring"):
            ops.add_benefit(mentees, self.mentor_benefit)
        else:  # the budget's pacing only holds mentoring back today
            self.broke_ = ops.budget_exhausted

    def settle(self, ops: OperatorVerbs) -> None:
        """Welcome today's unanswered first posts of the right age; assign new mentors."""
        if self.welcome_replies:
            self._welcome(ops)
        if self.mentors and not self.broke_:
            self._assign_mentors(ops)

    def _welcome(self, ops: OperatorVerbs) -> None:
        due = ops.unanswered_first_posts(ops.day - self.welcome_delay)
        if self.welcome_share < 1.0:
            due = due[ops.rng.random(len(due)) < self.welcome_share]
        if len(due) == 0:
            return
        if ops.spend(self.cost_per_welcome * len(due), "welcomes"):
            self.n_welcomed_ += ops.reply_as_staff(due)

    def _assign_mentors(self, ops: OperatorVerbs) -> None:
        """Each unmentored newcomer gets a random core member with a free place, if any."""
        window = self._in_window(ops)
        is_core = (ops.pop.state == MEMBER) & (ops.pop.level == Level.CORE.value)
        # a newcomer who is already core needs no mentor (and cannot mentor themself)
        waiting = np.flatnonzero(window & (self.mentor_ < 0) & ~is_core)
        core = np.flatnonzero(is_core)
        if len(waiting) == 0 or len(core) == 0:
            return
        mentored = self.mentor_[window & (self.mentor_ >= 0)]
        load = np.bincount(mentored, minlength=ops.n_people)[core]
        places = np.repeat(core, np.maximum(self.mentor_capacity - load, 0))
        n = min(len(waiting), len(places))
        if n == 0:
            return
        rng = ops.rng
        mentees = waiting if n == len(waiting) else np.sort(rng.choice(waiting, n, replace=False))
        mentors = rng.permutation(places)[:n]
        self.mentor_[mentees] = mentors
        ops.add_ties(mentees, mentors)
        self.n_mentored_ += n

"""Event calendar: Q&As, livestreams, challenges, lotteries and offline meetups.

``items`` maps a name to an event: its ``type``, how often it recurs (``every``: once,
weekly = every 7 days, monthly = every 30 days, from ``day`` to ``until``), its
``capacity``, the ``segments`` invited (every segment when empty), its ``topic`` (or
null), and its costs. On an event day:

1. the invited are the current members of the target segments; each attends with chance
   ``min(1, attendance * c_i * r_i)`` with ``c_i`` commitment and ``r_i = min(K I_ik, 2)``
   the member's relative interest in the event topic ``k`` (1 without a topic); when more
   want to come than ``capacity`` allows, a random ``capacity`` of them do;
2. the event is paid (``cost + cost_per_attendee * attendees``, ``spend(..., "events")``);
   if the budget cannot pay, it does not happen;
3. attendees come that day (``push_visits`` of 1) and their visit is worth the type's
   ``BENEFIT`` more (``add_benefit``); the invited who do not attend saw the announcement:
   their visit chance rises by ``announcement_push`` today;
4. the type's own effect:

   - ``qa``, ``livestream``: the benefit only;
   - ``challenge``: attendees post and reply ``challenge_post_boost`` times as often that day;
   - ``lottery``: ``round(lottery_entrants * capacity)`` prospects join from outside
     (channel ``organic``) with commitment ``lottery_commitment``: prize hunters, who
     leave sooner than others; they count as attendees; members' announcement push is doubled;
   - ``meetup`` (offline): each attendee befriends ``ties_per_attendee`` random other
     attendees (``add_ties``: the social graph grows) and gets the largest benefit; for
     ``bond_days`` after it, each of the attendee's visits is worth ``bond_benefit`` more
     (bond-based attachment: Ren, Kraut & Kiesler 2007).

The daily metric ``event_attendance`` counts today's attendees (members and entrants).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.params import param
from agents.states import Channel
from sim.config import parse_params
from sim.errors import ConfigError
from sim.verbs import OperatorVerbs
from strategies.base import Strategy
from strategies.content import audience, check_names, segment_codes

EVENT_TYPES = ("qa", "lottery", "challenge", "livestream", "meetup")
RECURRENCE = {"once": 0, "weekly": 7, "monthly": 30}

#: extra net benefit of an attendee's visit, by type (assumption: an answered question or a
#: live session is worth about half a visit; meeting people in person about a full one)
BENEFIT = {"qa": 0.15, "livestream": 0.12, "challenge": 0.08, "lottery": 0.04, "meetup": 0.35}


@dataclass(frozen=True)
class EventItem:
    """``strategies.events.items.<name>.*``: one event of the calendar."""

    type: str = param("qa", unit="-", choices=EVENT_TYPES, source="-", doc="kind of event")
    every: str = param(
        "weekly",
        unit="-",
        choices=tuple(RECURRENCE),
        source="-",
        doc="once, weekly (every 7 days) or monthly (every 30 days)",
    )
    day: int = param(7, unit="day", low=1, source="-", doc="first day it is held")
    until: int | None = param(
        None,
        unit="day",
        low=1,
        source="-",
        doc="last day it may be held (null: the end of the run)",
        constraint="not before day",
    )
    capacity: int = param(
        200, unit="attendees", low=0, source="assumption", doc="most attendees per occurrence"
    )
    segments: tuple[str, ...] = param(
        (),
        unit="segment names",
        source="behaviour.segments",
        doc="segments invited (empty: everyone)",
        constraint="names in `behaviour.segments.groups`",
    )
    topic: int | None = param(
        None,
        unit="topic",
        low=0,
        source="-",
        doc="topic of the event (null: general interest)",
        constraint="below behaviour.content.topics",
    )
    cost: float = param(
        250.0,
        unit="currency/occurrence",
        low=0.0,
        source="assumption (a host's and a moderator's time)",
        doc="fixed cost per occurrence",
    )
    cost_per_attendee: float = param(
        0.0, unit="currency/attendee", low=0.0, source="assumption", doc="cost per attendee"
    )

    def held_on(self, day: int) -> bool:
        """Whether the event takes place on ``day``."""
        if day < self.day or (self.until is not None and day > self.until):
            return False
        step = RECURRENCE[self.every]
        return day == self.day if step == 0 else (day - self.day) % step == 0


def parse_items(value: Any, key: str) -> dict[str, EventItem]:
    """The calendar as name -> :class:`EventItem`, each checked (keys named under ``key``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(
            key,
            value,
            "give a mapping of event name -> {type: qa, every: weekly, day: 7, capacity: 200, ...}",
        )
    items = {}
    for name, spec in value.items():
        prefix = f"{key}.{name}"
        if spec is not None and not isinstance(spec, Mapping):
            raise ConfigError(prefix, spec, "give the event's fields as a mapping")
        spec = dict(spec or {})
        segments = check_names(spec.pop("segments", ()), f"{prefix}.segments")
        item = dataclasses.replace(parse_params(EventItem, spec, prefix), segments=segments)
        if item.until is not None and item.until < item.day:
            raise ConfigError(
                f"{prefix}.until", item.until, f"give a day >= its first day ({item.day}), or null"
            )
        items[str(name)] = item
    return items


@dataclass(frozen=True)
class EventLevers:
    """``strategies.events.*``."""

    items: Mapping[str, EventItem] | None = param(
        None,
        unit="-",
        source="-",
        doc="the calendar: event name -> event (null or {}: no events)",
        constraint="a mapping: event name -> event (its fields: the table above)",
    )
    attendance: float = param(
        0.6,
        unit="share",
        low=0.0,
        high=1.0,
        source="assumption for a fully committed member: registrants' show-up at free "
        "virtual events is 30-60% (PCMA Catalyst, 'attrition on virtual events': 40-50% "
        "attrition; 30-35% for clinical webinars in APAC, 42-45% benchmarked in Europe/US)",
        doc="attendance chance of a fully committed invitee with average interest in the topic",
    )
    announcement_push: float = param(
        0.1,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (an announcement brings some back)",
        doc="extra visit chance of invitees who do not attend",
    )
    challenge_post_boost: float = param(
        3.0,
        unit="x",
        low=1.0,
        source="assumption",
        doc="posting and replying multiplier of challenge attendees that day",
    )
    ties_per_attendee: int = param(
        2,
        unit="ties",
        low=0,
        source="assumption (a meetup makes one or two friends)",
        doc="meetup: new ties from each attendee to other attendees",
    )
    bond_benefit: float = param(
        0.1,
        unit="score",
        low=0.0,
        high=1.0,
        source="assumption (bond-based attachment: Ren, Kraut & Kiesler 2007)",
        doc="meetup: extra benefit of each visit while the bond lasts",
    )
    bond_days: int = param(
        30,
        unit="days",
        low=0,
        source="assumption",
        doc="meetup: days the bond lasts after meeting in person",
    )
    lottery_entrants: float = param(
        0.5,
        unit="per capacity place",
        low=0.0,
        source="assumption",
        doc="lottery: outside prospects joining, per capacity place",
    )
    lottery_commitment: float = param(
        0.1,
        unit="score 0-1",
        low=0.0,
        high=1.0,
        source="assumption (prize hunters)",
        doc="lottery: commitment of those who join for it",
    )


class EventCalendar(Strategy):
    """Scheduled events: attendance by commitment and interest, benefits, ties, costs."""

    kind = "events"
    Levers = EventLevers
    # the levers, set by ``Strategy.__init__`` (declared for type checkers)
    items: dict[str, EventItem]
    attendance: float
    announcement_push: float
    challenge_post_boost: float
    ties_per_attendee: int
    bond_benefit: float
    bond_days: int
    lottery_entrants: float
    lottery_commitment: float

    structured = {"items": parse_items}

    def setup(self, ops: OperatorVerbs) -> None:
        """Check segments and topics against the community; register ``event_attendance``."""
        key = f"strategies.{self.kind}.items"
        n_topics = ops.config.behaviour.content.topics
        self.codes_ = {}
        for name, item in self.items.items():
            self.codes_[name] = segment_codes(ops, item.segments, f"{key}.{name}.segments")
            if item.topic is not None and item.topic >= n_topics:
                raise ConfigError(
                    f"{key}.{name}.topic",
                    item.topic,
                    f"use a topic in [0, {n_topics - 1}] (behaviour.content.topics), or null",
                )
        self.attendance_today_ = 0
        self.attendance_total_ = 0
        self.ties_added_ = 0
        self.met_day_ = np.full(ops.n_people, -(10**9), dtype=np.int64)
        ops.add_reporter("event_attendance", self.attendance_of_today)

    def attendance_of_today(self, model: Any) -> int:
        """Today's attendees (the ``event_attendance`` metric)."""
        return self.attendance_today_

    def act(self, ops: OperatorVerbs) -> None:
        """Hold today's events."""
        self.attendance_today_ = 0
        bonded = np.flatnonzero(ops.day - self.met_day_ <= self.bond_days)
        if len(bonded) and self.bond_benefit > 0:
            ops.add_benefit(bonded, self.bond_benefit)
        for name, item in self.items.items():
            if item.held_on(ops.day):
                self.hold(ops, item, self.codes_[name])

    def hold(self, ops: OperatorVerbs, item: EventItem, codes: np.ndarray) -> None:
        """One occurrence: attendance, payment, visits, benefits and the type's effect."""
        invited = audience(ops, codes)
        attendees = self.choose_attendees(ops, invited, item)
        entrants = 0
        if item.type == "lottery":
            entrants = int(round(self.lottery_entrants * item.capacity))
            entrants = min(entrants, int(ops.n_prospects))
        n = len(attendees) + entrants
        if not ops.spend(item.cost + item.cost_per_attendee * n, "events"):
            return
        push = self.announcement_push * (2.0 if item.type == "lottery" else 1.0)
        ops.push_visits(np.setdiff1d(invited, attendees, assume_unique=True), push)
        ops.push_visits(attendees, 1.0)
        if item.type == "lottery" and entrants:
            joined = ops.admit_from_outside(
                entrants, Channel.ORGANIC, commitment=self.lottery_commitment
            )
            attendees = np.concatenate([attendees, joined])
        ops.add_benefit(attendees, BENEFIT[item.type])
        if item.type == "challenge":
            ops.boost_posting(attendees, self.challenge_post_boost)
        elif item.type == "meetup":
            self.ties_added_ += self.befriend(ops, attendees)
            self.met_day_[attendees] = ops.day
        self.attendance_today_ += len(attendees)
        self.attendance_total_ += len(attendees)

    def choose_attendees(
        self, ops: OperatorVerbs, invited: np.ndarray, item: EventItem
    ) -> np.ndarray:
        """Who of ``invited`` attends: by commitment and topic interest, up to capacity."""
        if len(invited) == 0 or item.capacity == 0:
            return invited[:0]
        pop = ops.pop
        rel = 1.0
        if item.topic is not None:
            rel = np.minimum(pop.interests.shape[1] * pop.interests[invited, item.topic], 2.0)
        p = np.minimum(self.attendance * pop.commitment[invited] * rel, 1.0)
        yes = invited[ops.rng.random(len(invited)) < p]
        if len(yes) > item.capacity:
            yes = np.sort(ops.rng.choice(yes, size=item.capacity, replace=False))
        return yes

    def befriend(self, ops: OperatorVerbs, attendees: np.ndarray) -> int:
        """Each attendee befriends ``ties_per_attendee`` random other attendees."""
        k = self.ties_per_attendee
        if len(attendees) < 2 or k == 0:
            return 0
        n = len(attendees)
        own = np.repeat(np.arange(n), k)
        other = (own + ops.rng.integers(1, n, size=len(own))) % n  # never oneself
        return ops.add_ties(attendees[own], attendees[other])

"""Seeding: invite chosen people at launch, or spread over the first weeks.

The operator personally invites ``k`` people (a founding cohort, a beta list, a "friends
of the community" mailing). Who they are is the lever studied by influence maximisation:
random people, the best connected, the deepest in the network's core, the highest
PageRank, Chen, Wang & Yang's (2009) degree discount, or the greedy of Kempe, Kleinberg &
Tardos (2003) with CELF (Leskovec et al. 2007) under an independent cascade. The ranking
is computed in ``setup`` (from ``ops.pop`` and, but for random, segment and degree
seeding, ``ops.csr``); invitations go out in
``act`` through ``ops.invite``; each invitee accepts with probability ``acceptance``.
Only prospects are invited: someone who joined meanwhile is skipped for the next best.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from agents.params import param
from agents.states import MEMBER, PROSPECT
from sim.errors import ConfigError
from sim.graphs.memory import USABLE_SHARE, available_memory_bytes
from sim.verbs import OperatorVerbs
from strategies.base import Strategy
from strategies.influence import (
    celf_greedy,
    core_numbers,
    degree_discount,
    degree_order,
    pagerank,
)

log = logging.getLogger(__name__)

METHODS = ("random", "degree", "kcore", "pagerank", "degree_discount", "greedy", "segment")
KEMPE = "Kempe, Kleinberg & Tardos 2003"


@dataclass(frozen=True)
class SeedingLevers:
    """``strategies.seeding.*``."""

    k: int = param(
        50,
        unit="people",
        low=0,
        source="assumption (a founding cohort)",
        doc="how many people to invite",
    )
    method: str = param("degree", unit="-", choices=METHODS, source=KEMPE, doc="how to choose them")
    p_ic: float = param(
        0.01,
        unit="probability",
        low=0.0,
        high=1.0,
        source="Kempe et al. 2003; Chen, Wang & Yang 2009 (p = 0.01)",
        doc="degree_discount and greedy: cascade chance per tie",
    )
    samples: int = param(
        200,
        unit="worlds",
        low=1,
        high=10_000,
        source="assumption (Kempe et al. use "
        "10,000; common random numbers make fewer enough to rank)",
        doc="greedy: Monte Carlo cascades per evaluation",
    )
    candidates: int = param(
        200,
        unit="people",
        low=1,
        source="assumption (top-degree shortlist, as in Chen et al. 2009)",
        doc="greedy: the shortlist of best-connected prospects (at least k)",
    )
    max_seconds: float = param(
        5.0,
        unit="s",
        low=0.0,
        source="assumption",
        doc="greedy: time limit; the rest is filled by degree",
    )
    segment: str | None = param(
        None,
        unit="-",
        source="behaviour.segments",
        doc="segment: the segment whose people are invited",
        constraint="a name in `behaviour.segments.groups`",
    )
    schedule: str = param(
        "launch",
        unit="-",
        choices=("launch", "spread"),
        source="assumption",
        doc="all on day 1, or evenly over over_days",
    )
    over_days: int = param(
        30,
        unit="days",
        low=1,
        source="assumption",
        doc="spread: invitations go out over days 1..over_days",
    )
    acceptance: float = param(
        0.5,
        unit="probability",
        low=0.0,
        high=1.0,
        source="assumption (personal invitations: 20-60% accept)",
        doc="chance an invited prospect joins",
    )
    cost_per_invite: float = param(
        5.0,
        unit="currency/invite",
        low=0.0,
        source="assumption (staff time, a small welcome gift)",
        doc="cost of each invitation sent, accepted or not",
    )


def check_segment(value: Any, key: str) -> str | None:
    """A segment name (or None), or a ConfigError naming ``key``."""
    if value is not None and not isinstance(value, str):
        raise ConfigError(key, value, "give a segment name from behaviour.segments.groups")
    return value


class Seeding(Strategy):
    """Invite ``k`` chosen prospects (see the module docstring).

    Attributes (reset in ``setup``):
        ranking_: prospects in invitation order (the method's picks, then by degree).
        invited_: everyone invited so far.
        accepted_: how many accepted.
        greedy_complete_: False when the greedy ran out of ``max_seconds`` and the rest
            of the ``k`` were filled by degree (also the daily metric
            ``seeding_greedy_complete``).
        greedy_seconds_: how long the greedy selection took.
    """

    kind: ClassVar[str] = "seeding"
    Levers: ClassVar[type] = SeedingLevers
    # the levers, set from SeedingLevers by Strategy.__init__
    k: int
    method: str
    p_ic: float
    samples: int
    candidates: int
    max_seconds: float
    segment: str | None
    schedule: str
    over_days: int
    acceptance: float
    cost_per_invite: float

    structured = {"segment": check_segment}

    def __init__(self, **levers: Any) -> None:
        super().__init__(**levers)
        segment = self.segment
        if self.method == "segment" and not segment:
            raise ConfigError(
                "strategies.seeding.segment",
                segment,
                "method=segment needs strategies.seeding.segment=<a segment name>",
            )

    def setup(self, ops: OperatorVerbs) -> None:
        """Rank the prospects and register the seeding metrics.

        Raises:
            ConfigError: when ``k`` is more people than the community has (it would
                silently invite everyone).
        """
        if self.k > ops.n_people:
            raise ConfigError(
                "strategies.seeding.k",
                self.k,
                f"the community has only {ops.n_people} people; invite at most that many "
                "(or grow community.n)",
            )
        need = 9 * self.samples * ops.n_people  # a flag and a frontier entry per person-world
        available = available_memory_bytes()
        if self.method == "greedy" and available and need > USABLE_SHARE * available:
            raise ConfigError(
                "strategies.seeding.samples",
                self.samples,
                f"{self.samples} worlds of {ops.n_people:,} people need about "
                f"{need / 1e9:.1f} GB, this machine has {available / 1e9:.1f} GB available; "
                "use fewer samples",
            )
        self.greedy_complete_ = True
        self.greedy_seconds_ = 0.0
        self.ranking_ = self.rank(ops)
        self.next_ = 0
        self.invited_ = np.empty(0, dtype=np.int64)
        self.accepted_ = 0
        ops.add_reporter("seeding_invited", lambda m: len(self.invited_))
        ops.add_reporter("seeding_accepted", lambda m: self.accepted_)
        if self.method == "greedy":
            ops.add_reporter("seeding_greedy_complete", lambda m: int(self.greedy_complete_))

    def act(self, ops: OperatorVerbs) -> None:
        """Send today's invitations (paid first; nothing is sent if the budget refuses)."""
        need = self.due(ops.day) - len(self.invited_)
        if need <= 0:
            return
        people, advance = self.next_prospects(ops, need)
        if len(people) == 0:
            return
        if not ops.spend(len(people) * self.cost_per_invite, "seeding"):
            return
        self.next_ += advance
        self.invited_ = np.concatenate([self.invited_, people])
        self.accepted_ += len(ops.invite(people, self.acceptance))

    def due(self, day: int) -> int:
        """How many invitations should have gone out by the end of ``day``."""
        if day < 1:
            return 0
        if self.schedule == "launch":
            return self.k
        return self.k * min(day, self.over_days) // self.over_days

    def next_prospects(self, ops: OperatorVerbs, need: int) -> tuple[np.ndarray, int]:
        """The next ``need`` people of the ranking who are still prospects, and how far
        along the ranking they reach."""
        rest = self.ranking_[self.next_ :]
        ok = np.flatnonzero(ops.pop.state[rest] == PROSPECT)[:need]
        if len(ok) == 0:
            return rest[:0], 0
        return rest[ok], int(ok[-1]) + 1

    # ----- selection -----------------------------------------------------------------------
    def rank(self, ops: OperatorVerbs) -> np.ndarray:
        """Today's prospects in invitation order: the method's picks first, then by degree.

        Only the first ``k`` (plus those skipped because they joined meanwhile) are ever
        invited; the degree tail is the "next best" for every method but random and segment.
        """
        pop = ops.pop
        prospects = np.flatnonzero(pop.state == PROSPECT)
        if self.method == "random":
            return ops.rng.permutation(prospects)
        if self.method == "segment":
            return ops.rng.permutation(prospects[pop.segment[prospects] == self._segment(ops)])
        by_degree = degree_order(pop.degree, prospects)
        if self.method == "degree":
            return by_degree
        # the other methods read the ties themselves: ops.csr (on community=complete, listed
        # on demand for a small graph only)
        try:
            csr = ops.csr
        except ConfigError as err:
            raise ConfigError(
                "strategies.seeding.method",
                self.method,
                f"{err.fix}; or seed by degree, random or segment, which need no listed ties",
            ) from None
        if self.method in ("kcore", "pagerank"):
            score = core_numbers(csr) if self.method == "kcore" else pagerank(csr)
            # by score, then degree, then index (by_degree is already in that tie order)
            return by_degree[np.argsort(-score[by_degree], kind="stable")]
        members = np.flatnonzero(pop.state == MEMBER)
        if self.method == "degree_discount":
            allowed = pop.state == PROSPECT
            picks = degree_discount(
                csr, min(2 * self.k, len(prospects)), self.p_ic, allowed, seeded=members
            )
        else:
            picks = self._greedy(ops, by_degree, members)
        return np.concatenate([picks, by_degree[~np.isin(by_degree, picks)]])

    def _greedy(self, ops: OperatorVerbs, by_degree: np.ndarray, members: np.ndarray) -> np.ndarray:
        """CELF greedy over the best-connected prospects; current members count as seeds."""
        key = int(ops.rng.integers(0, 2**63))  # one draw: the cascade worlds' key
        start = time.perf_counter()
        shortlist = by_degree[: max(self.candidates, self.k)]
        picks, complete = celf_greedy(
            ops.csr,
            shortlist,
            self.k,
            self.p_ic,
            self.samples,
            key,
            base=members,
            max_seconds=self.max_seconds,
        )
        self.greedy_seconds_ = time.perf_counter() - start
        self.greedy_complete_ = complete
        if not complete:
            log.warning(
                "strategies.seeding: the greedy ran out of max_seconds=%s after %d of "
                "%d seeds; the rest are the best-connected prospects",
                self.max_seconds,
                len(picks),
                self.k,
            )
        return picks

    def _segment(self, ops: OperatorVerbs) -> int:
        names = list(ops.segments.names)
        if self.segment not in names:
            raise ConfigError(
                "strategies.seeding.segment",
                self.segment,
                f"use one of the segments: {', '.join(names)}",
            )
        return names.index(self.segment)

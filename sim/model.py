"""``CommunityModel``: the simulated community, one step per day.

The population is a struct of NumPy arrays (``model.pop``), the social graph a SciPy CSR
matrix (``model.csr``), and every daily rule a function over whole arrays drawing from the
model's one ``numpy.random.Generator`` (``model.rng``). ``Member`` agents are handles onto
the arrays, built when ``model.agents`` is first used (or never, with ``run.handles=off``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from agents.acquisition import Joins, draw_thresholds
from agents.consumption import ConsumptionParams
from agents.interests import draw_interests
from agents.member import Member
from agents.segments import assign_segments
from agents.states import MEMBER, Channel, Level, State
from agents.world import add_counts, add_neighbour_counts, neighbours
from sim.community import build_community
from sim.config import SimConfig
from sim.content import ContentPool
from sim.contributions import ContributionsMixin
from sim.errors import ConfigError
from sim.graphs import SocialGraph
from sim.metrics import MetricsRecorder
from sim.phases import PHASES
from sim.population import Population
from sim.transitions import LevelTransitions
from sim.verbs import OperatorVerbs

logging.getLogger("MESA").setLevel(logging.WARNING)

NEWCOMER = Level.NEWCOMER.value

Phase = Callable[["CommunityModel"], None]
_EMPTY = np.empty(0, dtype=np.int64)
_EMPTY_BOOL = np.empty(0, dtype=bool)
_EMPTY_FLOAT = np.empty(0)


@dataclass
class Today:
    """Counters and per-visitor arrays of the current day, reset at its start."""

    new_members: int = 0
    churned: int = 0
    active: int = 0
    posts: int = 0
    replies: int = 0
    revenue: float = 0.0
    cost: float = 0.0
    gravity: float = 0.0
    crisis_hit: int = 0
    exposure_diversity: float = float("nan")  # mean feed topic entropy of visitors (0..1)
    level_counts: np.ndarray | None = None  # members per level, computed once for metrics
    removed: int = 0
    ties_added: int = 0
    posters: np.ndarray = field(default_factory=lambda: _EMPTY)
    repliers: np.ndarray = field(default_factory=lambda: _EMPTY)
    # empty defaults are shared (size 0, never written in place: phases assign new arrays)
    members: np.ndarray = field(default_factory=lambda: _EMPTY)
    visited: np.ndarray = field(default_factory=lambda: _EMPTY_BOOL)
    visitors: np.ndarray = field(default_factory=lambda: _EMPTY)
    benefit: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    read_cost: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    net_benefit: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)
    replies_got: np.ndarray = field(default_factory=lambda: _EMPTY)  # per person, today


class CommunityModel(ContributionsMixin, OperatorVerbs, mesa.Model):
    """An online community on a social graph.

    Args:
        config: checked settings (``sim.config.parse_config``).
        graph: a prebuilt social graph; built from ``config.community`` when None.
        strategies: the operator's strategies: objects with ``setup(model)``, ``act(model)``
            (each morning) and ``settle(model)`` (each evening); see ``strategies.base``.
    """

    def __init__(
        self, config: SimConfig, graph: SocialGraph | None = None, strategies: Sequence[Any] = ()
    ) -> None:
        super().__init__(rng=np.random.default_rng(config.seed))
        self.config = config
        b = config.behaviour
        self.day = 0
        self.social = graph if graph is not None else build_community(config.community, self.rng)
        self.csr: sp.csr_array = self.social.csr
        self.n_people = self.social.n
        self.pop = Population(self.social.degree, n_topics=b.content.topics)
        self.n_members = 0  # current members, kept by admit/remove
        self.n_churned = 0
        self.today = Today()
        self.segments = b.segments.table()
        self.pool = ContentPool(b.content.topics, b.content.lifetime, b.content.low_quality)
        self.nbr_sentiment = np.zeros(self.n_people)
        self.has_talker = np.zeros(self.n_people, dtype=bool)
        self.reset_levers()
        self.feed_override = None
        self.budget_left: float | None = None
        self.budget_exhausted_day = -1
        self.cost_by_item: dict[str, float] = {}
        self.crisis_days: list[int] = []
        self.crisis_hits: list[np.ndarray] = []  # members each crisis turned negative
        #: extra daily metrics strategies register in setup (name -> function of the model)
        self.extra_reporters: dict[str, Callable[[Any], Any]] = {}
        self.strategies = list(strategies)
        self.phases: list[tuple[str, Phase]] = [p for p in PHASES if self._phase_on(p[0])]
        self._visits_on = any(name == "visits" for name, _ in self.phases)
        self._handles: dict[int, Member] = {}
        self._setup_people()
        self._place_initial_members()
        self.today.active = self.today.new_members
        self._all_handles = False
        if config.run.handles in ("on", True):
            self._build_handles()
        for strategy in self.strategies:
            strategy.setup(self)
        self.transitions = LevelTransitions(self)
        self.recorder = MetricsRecorder(self)
        self.recorder.collect(self)

    # ----- the day -------------------------------------------------------------------------
    def step(self) -> None:
        """One day: every phase in order, then the day's metrics."""
        self.day += 1
        self.today = Today()
        self.reset_levers()
        for strategy in self.strategies:
            strategy.act(self)
        for _name, phase in self.phases:
            phase(self)
        for strategy in self.strategies:
            strategy.settle(self)
        if not self._visits_on:
            self.today.active = self.n_members  # no visit decisions: every member counts
        self.transitions.observe(self)
        self.recorder.collect(self)
        if self.day >= self.config.days:
            self.running = False

    # ----- verbs every phase and strategy uses --------------------------------------------
    def admit(self, joins: Joins) -> None:
        """Make prospects members today, recording channel and referrer."""
        if len(joins) == 0:
            return
        pop, people, b = self.pop, joins.people, self.config.behaviour
        pop.state[people] = MEMBER
        pop.level[people] = NEWCOMER
        pop.joined_day[people] = self.day
        pop.last_visit[people] = self.day
        pop.visits[people] = 1  # joining is their first visit (prospects have none)
        pop.channel[people] = joins.channel
        pop.referrer[people] = joins.referrer
        pop.commitment[people] = b.commitment.initial
        pop.sentiment[people] = b.sentiment.initial
        referred = joins.referrer >= 0
        if referred.any():
            np.add.at(pop.referrals, joins.referrer[referred], 1)
        if joins.known_nbrs is None:
            add_neighbour_counts(pop.member_nbrs, self.csr, people, +1)
        else:  # the rule already gathered the neighbours of the first n_known joiners
            rest = neighbours(self.csr, people[joins.n_known :])
            add_counts(pop.member_nbrs, np.concatenate([joins.known_nbrs, rest]), +1)
        self.today.new_members += len(people)
        self.n_members += len(people)

    def remove(self, people: np.ndarray) -> None:
        """Members leave today (churn): they stop visiting, and stop counting as members."""
        if len(people) == 0:
            return
        pop = self.pop
        pop.state[people] = State.CHURNED.value
        pop.level[people] = Level.NONE.value
        pop.churned_day[people] = self.day
        add_neighbour_counts(pop.member_nbrs, self.csr, people, -1)
        add_neighbour_counts(pop.churned_nbrs, self.csr, people, +1)
        self.today.churned += len(people)
        self.n_members -= len(people)
        self.n_churned += len(people)

    @property
    def n_prospects(self) -> int:
        """People who have never joined."""
        return self.n_people - self.n_members - self.n_churned

    # ----- what the phases read -----------------------------------------------------------
    def feed_params(self, params: ConsumptionParams) -> ConsumptionParams:
        """The feed settings in force today (strategies may change ranking and filtering)."""
        return self.feed_override or params

    def post_boost(self, people: np.ndarray) -> np.ndarray | float:
        """Multiplier on posting and replying for ``people``: incentives and challenges
        raise it; one's own posts removed by moderation lower it (Ren & Kraut 2014)."""
        m = self.post_multiplier
        boost = m[people] if isinstance(m, np.ndarray) else m
        effect = self.config.behaviour.contribution.removal_effect
        return boost / (1.0 + effect * self.pop.removed_recent[people])

    def purchase_boost(self, people: np.ndarray) -> np.ndarray | float:
        """Multiplier on purchases (coupons, promotions) for ``people``."""
        m = self.purchase_multiplier
        return m[people] if isinstance(m, np.ndarray) else m

    def net_benefit(self) -> np.ndarray:
        """Net benefit of today's visit for each visitor, in [0, 1]."""
        b, t = self.config.behaviour, self.today
        v = t.visitors
        c = b.commitment
        tenure = self.day - self.pop.joined_day[v]
        novelty = c.novelty_floor + (1 - c.novelty_floor) * np.exp(-tenure / c.novelty_days)
        net = (c.visit_benefit + t.benefit) * novelty - t.read_cost
        if len(t.replies_got):
            net = net + b.commitment.reply_benefit * np.minimum(t.replies_got[v], 3) / 3.0
        if b.sentiment.enabled:
            net = net - b.sentiment.commitment_effect * np.maximum(0.0, -self.nbr_sentiment[v])
        bonus = self.benefit_bonus
        net = net + (bonus[v] if isinstance(bonus, np.ndarray) else bonus)
        return np.clip(net, 0.0, 1.0)

    # ----- views --------------------------------------------------------------------------
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every person as a ``Member`` handle (built on first use unless ``run.handles=off``)."""
        if not self._all_handles:
            if self.config.run.handles in ("off", False):
                raise ConfigError(
                    "run.handles",
                    "off",
                    "Member handles were switched off for "
                    "this run; set run.handles=auto to use model.agents",
                )
            self._build_handles()
        return super().agents

    def member(self, index: int) -> Member:
        """The ``Member`` handle of person ``index`` (made on demand)."""
        if not 0 <= index < self.n_people:
            raise IndexError(f"person {index} is not in this community of {self.n_people}")
        if index not in self._handles:
            self._handles[index] = Member(self, index)
        return self._handles[index]

    @cached_property
    def graph(self) -> nx.Graph:
        """The social graph as NetworkX (built on first use; the model uses ``csr``)."""
        return self.social.to_networkx()

    @property
    def members_frame(self) -> Any:
        """One row per person: final state (see ``Population.to_frame``)."""
        return self.pop.to_frame(self.segments.names)

    # ----- setup --------------------------------------------------------------------------
    def _phase_on(self, name: str) -> bool:
        b = self.config.behaviour
        needs_visitors = any(
            s.enabled
            for s in (b.visits, b.consumption, b.contribution, b.commitment, b.sentiment, b.money)
        )
        switch = {
            "talk": b.sentiment.enabled,
            "visits": needs_visitors,
            "consumption": needs_visitors,
            "commitment": needs_visitors,
            "sentiment": b.sentiment.enabled,
            "contribution": b.contribution.enabled,
            "levels": b.levels.enabled,
            "churn": b.churn.enabled,
            "money": b.money.enabled,
            "content": b.contribution.enabled,
            "ageing": needs_visitors,
            "crises": bool(self.config.crises),
        }
        return switch.get(name, True)

    def _setup_people(self) -> None:
        b, pop = self.config.behaviour, self.pop
        if self.config.acquisition.rule == "threshold":
            pop.threshold[:] = draw_thresholds(self.n_people, self.config.acquisition, self.rng)
        needs = any(s.enabled for s in (b.contribution, b.consumption, b.money, b.visits))
        if not needs:
            return
        try:
            pop.segment[:] = assign_segments(
                self.n_people, self.segments, b.segments.assign, self.social.blocks, self.rng
            )
        except ValueError as exc:
            raise ConfigError("behaviour.segments.assign", b.segments.assign, str(exc)) from None
        pop.interests[:] = draw_interests(self.n_people, b.content, self.rng)
        sigma = b.contribution.voice_sigma
        pop.voice[:] = self.rng.lognormal(-(sigma**2) / 2, sigma, size=self.n_people)

    def _place_initial_members(self) -> None:
        k = self.config.initial_members
        if k > self.n_people:
            raise ConfigError(
                "initial_members",
                k,
                f"the community has only {self.n_people} people; use at most that",
            )
        if k == 0:
            return
        if self.config.initial_placement == "degree":
            people = np.argsort(-self.pop.degree, kind="stable")[:k]
        else:
            people = np.sort(self.rng.choice(self.n_people, size=k, replace=False))
        channel = np.full(k, Channel.INITIAL.value, dtype=np.int8)
        self.admit(Joins(people.astype(np.int64), channel, np.full(k, -1, dtype=np.int64)))

    def _build_handles(self) -> None:
        for i in range(self.n_people):
            if i not in self._handles:
                self._handles[i] = Member(self, i)
        self._all_handles = True

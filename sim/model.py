"""``CommunityModel``: the simulated community, one step per day.

The population is a struct of NumPy arrays (``model.pop``), the social graph a SciPy CSR
matrix (``model.csr``), and every daily rule a function over whole arrays drawing from the
model's one ``numpy.random.Generator`` (``model.rng``). ``Member`` agents are handles onto
the arrays, built for communities up to ``run.handles_max`` people (or on request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from agents.acquisition import JOIN_RULES, Joins, cap_joins, draw_thresholds
from agents.engagement import current_members, decide_churn, decide_visits, update_commitment
from agents.member import Member
from agents.states import Channel, Level, State
from agents.world import add_neighbour_counts
from sim.community import build_community
from sim.config import SimConfig
from sim.errors import ConfigError
from sim.graphs import SocialGraph
from sim.metrics import MetricsRecorder
from sim.population import Population

logging.getLogger("MESA").setLevel(logging.WARNING)

Phase = Callable[["CommunityModel"], None]


@dataclass
class Today:
    """Counters of the current day, reset at its start."""

    new_members: int = 0
    churned: int = 0
    active: int = 0


class CommunityModel(mesa.Model):
    """An online community on a social graph.

    Args:
        config: checked settings (``sim.config.parse_config``).
        graph: a prebuilt social graph; built from ``config.community`` when None.
    """

    def __init__(self, config: SimConfig, graph: SocialGraph | None = None) -> None:
        super().__init__(rng=np.random.default_rng(config.seed))
        self.config = config
        self.day = 0
        self.social = graph if graph is not None else build_community(config.community, self.rng)
        self.csr: sp.csr_array = self.social.csr
        self.n_people = self.social.n
        self.pop = Population(self.social.degree)
        self.n_members = 0  # current members, kept by admit/remove
        self.n_churned = 0
        self.today = Today()
        self.phases: list[tuple[str, Phase]] = [
            ("acquisition", acquisition_phase),
            ("visits", visits_phase),
            ("churn", churn_phase),
        ]
        self._handles: dict[int, Member] = {}
        if config.acquisition.rule == "threshold":
            self.pop.threshold[:] = draw_thresholds(self.n_people, config.acquisition, self.rng)
        self._place_initial_members()
        self.today.active = self.today.new_members
        self._all_handles = False
        if config.run.handles in ("on", True):
            self._build_handles()
        self.recorder = MetricsRecorder(self)
        self.recorder.collect(self)

    # ----- the day -------------------------------------------------------------------------
    def step(self) -> None:
        """One day: every phase in order, then the day's metrics."""
        self.day += 1
        self.today = Today()
        for _name, phase in self.phases:
            phase(self)
        self.recorder.collect(self)
        if self.day >= self.config.days:
            self.running = False

    # ----- verbs every phase and strategy uses --------------------------------------------
    def admit(self, joins: Joins) -> None:
        """Make prospects members today, recording channel and referrer."""
        if len(joins) == 0:
            return
        pop, people = self.pop, joins.people
        pop.state[people] = State.MEMBER.value
        pop.level[people] = Level.NEWCOMER.value
        pop.joined_day[people] = self.day
        pop.last_visit[people] = self.day
        pop.visits[people] += 1
        pop.channel[people] = joins.channel
        pop.referrer[people] = joins.referrer
        pop.commitment[people] = self.config.behaviour.commitment.initial
        add_neighbour_counts(pop.member_nbrs, self.csr, people, +1)
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
        self.today.churned += len(people)
        self.n_members -= len(people)
        self.n_churned += len(people)

    @property
    def n_prospects(self) -> int:
        """People who have never joined."""
        return self.n_people - self.n_members - self.n_churned

    # ----- views --------------------------------------------------------------------------
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every person as a ``Member`` handle (built on first use unless ``run.handles=off``)."""
        if not self._all_handles:
            if self.config.run.handles in ("off", False):
                raise ConfigError("run.handles", "off", "Member handles were switched off for "
                                  "this run; set run.handles=auto to use model.agents")
            self._build_handles()
        return super().agents

    def _build_handles(self) -> None:
        for i in range(self.n_people):
            if i not in self._handles:
                self._handles[i] = Member(self, i)
        self._all_handles = True

    def member(self, index: int) -> Member:
        """The ``Member`` handle of person ``index`` (made on demand when handles are off)."""
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
        return self.pop.to_frame()

    # ----- setup --------------------------------------------------------------------------
    def _place_initial_members(self) -> None:
        k = self.config.initial_members
        if k > self.n_people:
            raise ConfigError("initial_members", k,
                              f"the community has only {self.n_people} people; use at most that")
        if k == 0:
            return
        if self.config.initial_placement == "degree":
            people = np.argsort(-self.pop.degree, kind="stable")[:k]
        else:
            people = np.sort(self.rng.choice(self.n_people, size=k, replace=False))
        channel = np.full(k, Channel.INITIAL.value, dtype=np.int8)
        self.admit(Joins(people.astype(np.int64), channel, np.full(k, -1, dtype=np.int64)))


# ----- phases: each a function of the model ------------------------------------------------
def acquisition_phase(model: CommunityModel) -> None:
    """Prospects join by the configured rule, up to the platform's daily capacity."""
    params = model.config.acquisition
    joins = JOIN_RULES[params.rule](model, params, None)
    model.admit(cap_joins(joins, params.max_joins_per_day, model.rng))


def visits_phase(model: CommunityModel) -> None:
    """Members decide whether to visit; commitment follows the benefit of visiting."""
    behaviour = model.config.behaviour
    if not behaviour.visits.enabled and not behaviour.commitment.enabled:
        model.today.active = model.n_members  # every member counts as visiting
        return
    members = current_members(model)
    old = members[model.pop.joined_day[members] < model.day]
    visited = decide_visits(model, old, behaviour.visits)
    who = old[visited]
    model.pop.last_visit[who] = model.day
    model.pop.visits[who] += 1
    update_commitment(model, old, visited, behaviour.commitment.visit_benefit,
                      behaviour.commitment)
    model.today.active = len(who) + model.today.new_members


def churn_phase(model: CommunityModel) -> None:
    """Members leave with a hazard that rises with inactivity and low commitment."""
    if not model.config.behaviour.churn.enabled:
        return
    model.remove(decide_churn(model, current_members(model), model.config.behaviour.churn))

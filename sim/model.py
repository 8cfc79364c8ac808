"""``CommunityModel``: the simulated community, one step per day.

The population is a struct of NumPy arrays (``model.pop``), the social graph
``model.social`` (a SciPy CSR matrix, ``model.csr``, or the implicit complete graph of
``sim.graphs.implicit``), and every daily rule a function over whole arrays drawing from the
model's one ``numpy.random.Generator`` (``model.rng``). ``Member`` agents are handles onto
the arrays, built when ``model.agents`` is first used (or never, with ``run.handles=off``).

The model holds the state and steps the phases declared in ``sim.phases``; the operator's
verbs are on ``model.ops`` (``sim.verbs.Operator``, typed ``sim.verbs.OperatorVerbs``),
which is what strategies receive; members' posts and replies are ``model.contributions``.

    >>> model = CommunityModel(config)
    >>> model.add_reporter("double", lambda m: 2 * m.n_members)   # before the run
    >>> model.run(30, on_day=lambda m: print(m.day))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, Protocol

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from agents.acquisition import Joins, draw_thresholds
from agents.consumption import ConsumptionParams
from agents.heterogeneity import draw_one_off, draw_propensity
from agents.interests import draw_interests
from agents.levels import assign_levels
from agents.member import Member
from agents.segments import assign_segments
from agents.states import MEMBER, PROSPECT, Channel, Level, State
from agents.world import add_counts
from sim.community import build_community
from sim.config import SimConfig
from sim.content import ContentPool
from sim.contributions import Contributions
from sim.drivers import build_drivers
from sim.drivers_check import series_of
from sim.errors import ConfigError
from sim.graphs import SocialGraph
from sim.keywords import configure
from sim.mesa_data import DailyData
from sim.metrics import COMPUTED, MetricsRecorder
from sim.phases import phases_for
from sim.population import Population, mark_seen_after
from sim.start import StartState
from sim.today import DailyLevers, Today
from sim.transitions import LevelTransitions
from sim.verbs import Operator, OperatorVerbs

logging.getLogger("MESA").setLevel(logging.WARNING)

NEWCOMER = Level.NEWCOMER.value


class StrategyLike(Protocol):
    """What the model needs of a strategy (see ``strategies.base.Strategy``)."""

    def setup(self, ops: OperatorVerbs) -> None: ...
    def act(self, ops: OperatorVerbs) -> None: ...
    def settle(self, ops: OperatorVerbs) -> None: ...


Reporter = Callable[[Any], Any]


class CommunityModel(mesa.Model):
    """An online community on a social graph.

    The model holds the state and steps the day's phases (``sim.phases``); the operator's
    verbs live on ``model.ops`` (a ``sim.verbs.Operator``), which strategies receive.

    Built from checked settings, ``CommunityModel(config)``, or, as Mesa's tools build a
    model, from keyword parameters: the keys of the command line (``sim.keywords``)::

        CommunityModel(seed=3, days=60, playbook="weekly_qa", **{"community.n": 500})
        mesa.batch_run(CommunityModel, {"seed": range(5), "community.n": 500}, max_steps=60)

    Args:
        config: checked settings (``sim.config.parse_config``); None: from ``params``.
        graph: a prebuilt social graph; built from ``config.community`` when None.
        strategies: the operator's strategies: objects with ``setup(ops)``, ``act(ops)``
            (each morning) and ``settle(ops)`` (each evening), given the model's
            ``Operator``; see ``strategies.base``. None: none with a ``config``, the
            playbook's with keyword parameters.
        seed: the run's seed (``config.seed`` replaced); with keyword parameters and no
            seed, a fresh one from the operating system, recorded as ``config.seed``.
        agent_reporters: Mesa agent reporters (name -> ``Member`` attribute or function),
            collected every day into ``model.datacollector`` (Mesa's ``DataCollector``:
            ``get_agent_vars_dataframe()``, ``AgentID`` the person's index).
        **params: config keys (``days=60``, ``**{"community.n": 500}``), without ``config``.

    Raises:
        ConfigError: for a bad or unknown key, before day 1.
    """

    def __init__(
        self,
        config: SimConfig | None = None,
        graph: SocialGraph | None = None,
        strategies: Sequence[StrategyLike] | None = None,
        *,
        seed: int | None = None,
        agent_reporters: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        config, playbook = configure(config, seed, params)
        if strategies is None:
            strategies = playbook or ()
        if agent_reporters and config.run.handles in ("off", False):
            raise ConfigError(
                "run.handles",
                "off",
                "agent_reporters are read through Member handles; set run.handles=auto",
            )
        super().__init__(rng=np.random.default_rng(config.seed))
        self.config = config
        b = config.behaviour
        self.day = 0
        self.social = graph if graph is not None else build_community(config.community, self.rng)
        self.n_people = self.social.n
        self.pop = Population(self.social.degree, n_topics=b.content.topics)
        self.n_members = 0  # current members, kept by admit/remove
        self.n_churned = 0
        self._members: np.ndarray | None = None  # current_members(), until membership changes
        self.today = Today()
        self.segments = b.segments.table()
        self.pool = ContentPool(b.content.topics, b.content.lifetime, b.content.low_quality)
        self.nbr_sentiment = np.zeros(self.n_people)
        self.has_talker = np.zeros(self.n_people, dtype=bool)
        self.levers = DailyLevers(self.n_people)
        #: acquisition in force (the config's, scaled to start.new_per_week if given)
        self.acquisition = config.acquisition
        #: daily multipliers on outside reach and activity (``drivers.*``), from day 0
        self.drivers = build_drivers(config.drivers, config.days, series_of(config.drivers))
        self.feed_override: ConsumptionParams | None = None
        self.budget_left: float | None = None  # what the total can still pay (None: no budget)
        self.budget_spent = 0.0  # paid against the budget since it was set
        self.budget_allowed: float | None = None  # pacing: spend allowed by today's end
        self.budget_exhausted_day = -1
        self.cost_by_item: dict[str, float] = {}
        self.crisis_days: list[int] = []
        self.crisis_hits: list[np.ndarray] = []  # members each crisis turned negative
        self.requested_metrics: set[str] = set()  # computed metrics asked for
        self._reporters: dict[str, Reporter] = {}  # extra daily metrics, before the run
        self._recording = False  # the recorder exists (day 0 recorded)
        self._started = False  # step() has been called
        self.contributions = Contributions(self)
        self.ops = Operator(self)
        self.strategies = list(strategies)
        self.phases = phases_for(config)
        self.visits_on = any(p.name in ("visits", "everyone_visits") for p in self.phases)
        self._handles: dict[int, Member] = {}
        self._setup_people()
        self._place_initial_members()
        self._all_handles = False
        if config.run.handles in ("on", True):
            self._build_handles()
        for strategy in self.strategies:
            strategy.setup(self.ops)
        self.transitions = LevelTransitions(self)
        self.recorder = MetricsRecorder(self, self._reporters)
        self.recorder.collect(self)  # day 0, always
        self._recording = True
        #: Mesa's DataCollector (``sim.mesa_data``): the daily metrics, agent data if asked
        self._mesa_data = DailyData(self, agent_reporters)
        self.datacollector: mesa.DataCollector = self._mesa_data
        self._mesa_data.collect(self)
        # run.metrics=off: no daily table after day 0 (a caller recording its own series)
        self.metrics_on = config.run.metrics in ("on", True)

    # ----- the day -------------------------------------------------------------------------
    def step(self) -> None:
        """One day: every phase in order, then the day's metrics."""
        self._started = True
        self.day += 1
        self.today = Today()
        self._members = None
        self.levers.reset()
        for strategy in self.strategies:
            strategy.act(self.ops)
        for phase in self.phases:
            phase.fn(self)
        for strategy in self.strategies:
            strategy.settle(self.ops)
        if not self.visits_on:
            self.today.active = self.n_members  # no visit decisions: every member counts
        self.transitions.observe(self)
        if self.metrics_on:
            self.recorder.collect(self)
        self._mesa_data.collect(self)
        if self.day >= self.config.days:
            self.running = False

    def run(
        self, days: int | None = None, on_day: Callable[[CommunityModel], None] | None = None
    ) -> CommunityModel:
        """Step ``days`` days (default: the configured days not yet run).

        Args:
            days: how many days to step; None runs up to ``config.days``.
            on_day: called with the model after each day (progress, live plots).

        Returns:
            The model itself.
        """
        n = self.config.days - self.day if days is None else days
        if n < 0:
            raise ValueError(f"days must be 0 or more, got {n}")
        for _ in range(n):
            self.step()
            if on_day is not None:
                on_day(self)
        return self

    # ----- metrics -------------------------------------------------------------------------
    def add_reporter(self, name: str, fn: Reporter) -> None:
        """Collect ``fn(model)`` every day as the metric column ``name``.

        Allowed until the first ``step()``; the new column then gets day 0's value at once.

        Raises:
            RuntimeError: once the run has started, or if ``name`` is already a column.
        """
        if self._started:
            raise RuntimeError(
                f"add_reporter({name!r}): the run has started (day {self.day}); "
                "add reporters before the first step()"
            )
        if not self._recording:  # strategies' setup: a name registered again is replaced
            self._reporters[name] = fn
        else:
            self.recorder.add(name, fn, self)

    def request_metric(self, name: str) -> None:
        """Compute and collect a metric the day skips unless asked (``sim.metrics.COMPUTED``).

        Raises:
            ValueError: for an unknown metric name.
        """
        if name not in COMPUTED:
            known = ", ".join(COMPUTED)
            raise ValueError(f"no computed metric {name!r}; use one of: {known}")
        if name not in self.requested_metrics:
            self.add_reporter(name, COMPUTED[name])
            self.requested_metrics.add(name)

    # ----- changes every phase and the operator use -----------------------------------------
    def admit(self, joins: Joins) -> None:
        """Make prospects members today, recording channel and referrer."""
        if len(joins) == 0:
            return
        pop, people, b = self.pop, joins.people, self.config.behaviour
        pop.state[people] = MEMBER
        self._members = None
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
            self.social.add_neighbour_counts(people, (pop.member_nbrs, +1))
        else:  # the rule already gathered the neighbours of the first n_known joiners
            rest = self.social.neighbours(people[joins.n_known :])
            add_counts(pop.member_nbrs, np.concatenate([joins.known_nbrs, rest]), +1)
        self.today.new_members += len(people)
        self.n_members += len(people)

    def remove(self, people: np.ndarray) -> None:
        """Members leave today (churn): they stop visiting, and stop counting as members."""
        if len(people) == 0:
            return
        pop = self.pop
        pop.state[people] = State.CHURNED.value
        self._members = None
        pop.level[people] = Level.NONE.value
        pop.churned_day[people] = self.day
        self.social.add_neighbour_counts(people, (pop.member_nbrs, -1), (pop.churned_nbrs, +1))
        self.today.churned += len(people)
        self.n_members -= len(people)
        self.n_churned += len(people)

    def add_ties(self, u: np.ndarray, v: np.ndarray) -> int:
        """New friendships (offline meetups, mentoring): the graph changes. Returns ties added."""
        u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
        keep = u != v
        u, v = u[keep], v[keep]
        exists = self.social.has_edge(u, v)
        pairs = np.unique(np.sort(np.column_stack([u[~exists], v[~exists]]), axis=1), axis=0)
        if len(pairs) == 0:
            return 0
        self.social = self.social.with_ties(pairs[:, 0], pairs[:, 1])
        self.pop.degree[:] = self.social.degree
        for x, y in ((pairs[:, 0], pairs[:, 1]), (pairs[:, 1], pairs[:, 0])):
            state = self.pop.state[x]
            np.add.at(self.pop.member_nbrs, y[state == MEMBER], 1)
            np.add.at(self.pop.churned_nbrs, y[(state != MEMBER) & (state != PROSPECT)], 1)
        self.__dict__.pop("graph", None)
        self.today.ties_added += len(pairs)
        return len(pairs)

    def current_members(self) -> np.ndarray:
        """Indices of current members, sorted (read-only).

        Computed once and shared by the day's phases and metrics until membership changes:
        ``admit``, ``remove`` and the start of a day reset it.
        """
        if self._members is None:
            members = (self.pop.state == MEMBER).nonzero()[0]
            members.flags.writeable = False
            self._members = members
        return self._members

    @property
    def n_prospects(self) -> int:
        """People who have never joined."""
        return self.n_people - self.n_members - self.n_churned

    # ----- what the phases read -----------------------------------------------------------
    def feed_params(self, params: ConsumptionParams) -> ConsumptionParams:
        """The feed settings in force today (strategies may change ranking and filtering)."""
        return self.feed_override or params

    def post_boost(self, people: np.ndarray) -> np.ndarray:
        """Multiplier on posting and replying for ``people``: incentives and challenges
        raise it; one's own posts removed by moderation lower it (Ren & Kraut 2014)."""
        effect = self.config.behaviour.contribution.removal_effect
        boost = self.levers.rows("post_multiplier", people)
        return (1.0 if boost is None else boost) / (1.0 + effect * self.pop.removed_recent[people])

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
        bonus = self.levers.rows("benefit_bonus", v)
        if bonus is not None:
            net = net + bonus
        clipped: np.ndarray = net.clip(0.0, 1.0)
        return clipped

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

    @property
    def csr(self) -> sp.csr_array:
        """The social graph's adjacency matrix (for the implicit complete graph: built on
        first use, up to ``sim.graphs.EXPLICIT_MAX_N`` people; the rules use ``social``)."""
        return self.social.csr

    @cached_property
    def graph(self) -> nx.Graph:
        """The social graph as NetworkX (built on first use; the model uses ``social``)."""
        return self.social.to_networkx()

    @property
    def members_frame(self) -> Any:
        """One row per person: final state (see ``Population.to_frame``)."""
        return self.pop.to_frame(self.segments.names)

    # ----- setup --------------------------------------------------------------------------
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
        h = b.heterogeneity
        if b.visits.enabled and h.propensity_on:  # drawn only when on: same stream when off
            pop.propensity[:] = draw_propensity(self.n_people, h, self.rng)
        if b.visits.enabled and h.one_off_on:
            pop.one_off[:] = draw_one_off(self.n_people, h, self.rng)

    def _place_initial_members(self) -> None:
        """Day 0: the start state if one is given (``start.*``), else the initial newcomers."""
        start = self.config.start
        if start.path:
            self._place_start(StartState.read(start.path), "start.path")
            return
        if start.members:
            from sim.start_aggregates import scale_acquisition, synthetic_start

            state, people = synthetic_start(self)
            self._place_start(state, "start.members", people)
            scale_acquisition(self)
            return
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
        self.today.active = self.today.new_members

    def place_people(self, state: StartState, key: str = "start") -> np.ndarray:
        """The people who take the entries of a start state (see ``_place_start``).

        Raises:
            ConfigError: (``key``) when the community is smaller than the start state (as
                large: everyone the community can reach has joined, as a fit may find).
        """
        k = len(state)
        if k > self.n_people:
            raise ConfigError(
                key,
                k,
                f"the start state has {k:,} people but the community only {self.n_people:,}; "
                f"raise community.n to {k:,} or more (the market beyond today's members)",
            )
        people = np.empty(k, dtype=np.int64)
        if self.config.initial_placement == "degree":
            people[state.order] = np.argsort(-self.pop.degree, kind="stable")[:k]
        else:
            people[:] = self.rng.choice(self.n_people, size=k, replace=False)
        return people

    def _place_start(self, state: StartState, key: str, people: np.ndarray | None = None) -> None:
        """Place the people of a start state on the graph, with their history.

        With ``initial_placement=degree`` the most active take the best-connected people;
        otherwise people are drawn at random (``people``: already chosen).
        """
        if people is None:
            people = self.place_people(state, key)
        b, pop = self.config.behaviour, self.pop
        left = state.left
        members, gone = people[~left], people[left]
        pop.state[members] = MEMBER
        pop.state[gone] = State.CHURNED.value
        self._members = None
        pop.joined_day[people] = -state.tenure
        pop.last_visit[people] = -state.idle
        pop.churned_day[gone] = -state.idle[left]
        pop.visits[people] = np.maximum(1, np.rint(state.visits_month)).astype(np.int32)
        pop.channel[people] = Channel.INITIAL.value
        pop.commitment[people] = state.commitment
        pop.sentiment[people] = b.sentiment.initial
        pop.activity[people] = state.activity
        pop.visit_avg[people] = state.visits_month
        pop.posts[people] = state.posts
        seen_at = state.tenure - state.idle  # age at the last visit
        mark_seen_after(pop.retained, people, seen_at)
        pop.level[members] = assign_levels(state.activity[~left], state.tenure[~left], b.levels)
        pop.one_off[people[state.idle < state.tenure]] = False  # came back: not a one-off
        given = state.given_propensity
        if b.heterogeneity.propensity_on and given.any():  # estimated (commsim calibrate)
            pop.propensity[people[given]] = np.asarray(state.propensity)[given]
        self.social.add_neighbour_counts(members, (pop.member_nbrs, +1))
        self.social.add_neighbour_counts(gone, (pop.churned_nbrs, +1))
        self.n_members += len(members)
        self.n_churned += len(gone)
        self.today.new_members = int(np.count_nonzero(state.tenure[~left] == 0))
        self.today.active = int(np.count_nonzero(state.idle[~left] == 0))

    def _build_handles(self) -> None:
        """Every person's handle; ``model.agents`` then lists them in index order."""
        made = self._handles
        for handle in made.values():  # made on demand: registered again below, in order
            self.deregister_agent(handle)
        for i in range(self.n_people):
            if i in made:
                self.register_agent(made[i])
            else:
                made[i] = Member(self, i)
        self._all_handles = True

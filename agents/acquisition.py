"""Acquisition: which prospects join today, and through which channel.

Three rules, chosen by ``acquisition.rule``:

- ``bass``: a prospect joins with probability ``p + q * m_i / k_i`` (``m_i`` member
  neighbours, ``k_i`` neighbours). On a complete graph this is the agent-based Bass
  (1969) model (``community=complete`` stores no tie: ``m_i`` and the referrer come from
  totals, ``sim.graphs.implicit``).
- ``cascade``: independent cascade (Kempe, Kleinberg & Tardos 2003). Each member gets one
  chance, on the day after joining, to bring each prospect neighbour, with probability
  ``w``; plus outside reach ``p``.
- ``threshold``: linear threshold (Granovetter 1978; Centola 2010). A prospect joins once
  the share (or number) of member neighbours reaches its threshold; plus outside reach ``p``.

Every rule is a function over whole arrays: no Python loop over people. The rules read
the graph only through ``world.social`` (``agents.world.Neighbourhood``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.params import param
from agents.states import MEMBER, PROSPECT, Channel
from agents.world import World

RULES = ("bass", "cascade", "threshold")
ORGANIC = Channel.ORGANIC.value  # channel codes as plain ints for the hot loop
WOM_CODE = Channel.WOM.value


@dataclass(frozen=True)
class AcquisitionParams:
    """Parameters of acquisition (the ``acquisition.*`` config keys)."""

    rule: str = param(
        "bass",
        unit="-",
        source="Bass 1969 (cascade: Kempe et al. 2003; threshold: Centola 2010)",
        choices=RULES,
        doc="which joining rule: bass, cascade or threshold",
    )
    p: float = param(
        0.0004,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (Bass p ~0.03/yr in Sultan et al. 1990, faster online: "
        "0.15/yr); with q, a third of the graph joins in a year "
        "(docs/model.md, Plausible defaults)",
        doc="outside reach: daily chance a prospect joins on its own",
    )
    q: float = param(
        0.004,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (Bass q/p ~ 10-100, Sultan et al. 1990: q/p = 10); "
        "a minority of the graph joins in a year (docs/model.md, Plausible defaults)",
        doc="bass word of mouth: extra daily chance when every neighbour is a member",
    )
    w: float = param(
        0.05,
        unit="probability",
        low=0.0,
        high=1.0,
        source="assumption (Kempe et al. 2003 use 0.01-0.1)",
        doc="cascade: chance a new member brings one prospect neighbour",
    )
    threshold: float = param(
        0.2,
        unit="share or count",
        low=0.0,
        source="assumption (Centola 2010 uses 2 neighbours)",
        doc="threshold: member neighbours needed (a share in [0, 1], or a count)",
        constraint="at most 1 for a share (threshold_kind=share)",
    )
    threshold_kind: str = param(
        "share",
        unit="-",
        choices=("share", "count"),
        source="Centola 2010",
        doc="whether threshold is a share of neighbours or a count",
    )
    threshold_spread: float = param(
        0.0,
        unit="share or count",
        low=0.0,
        source="assumption",
        doc="per-person thresholds uniform in threshold +- spread",
    )
    max_joins_per_day: int | None = param(
        None,
        unit="people/day",
        low=0,
        source="assumption",
        doc="platform capacity: joins per day (null: no cap)",
    )


@dataclass
class Joins:
    """Today's joiners: who, by which channel, brought by whom (-1: nobody)."""

    people: np.ndarray
    channel: np.ndarray
    referrer: np.ndarray
    #: neighbours (with repeats) of the first ``n_known`` people, when a rule already
    #: gathered them: admitting them then needs no second gather
    known_nbrs: np.ndarray | None = None
    n_known: int = 0

    @classmethod
    def empty(cls) -> Joins:
        """No joiners."""
        e = np.empty(0, dtype=np.int64)
        return cls(e, np.empty(0, dtype=np.int8), e.copy())

    def __len__(self) -> int:
        return len(self.people)


def prospects(world: World) -> np.ndarray:
    """Indices of everyone who is not (and never was) a member."""
    return (world.pop.state == PROSPECT).nonzero()[0]


def join_by_bass(world: World, params: AcquisitionParams, boost: np.ndarray | None) -> Joins:
    """Bass rule: join with probability ``p + q * member neighbours / neighbours``.

    Prospects with no member neighbour can only join by outside reach: their number is
    drawn as one binomial and they are picked uniformly, which has exactly the same
    distribution as one Bernoulli(p) draw each, at a fraction of the cost. Prospects on
    the frontier (at least one member neighbour) draw once each with ``p + q * share``.

    Args:
        world: the model (population arrays, graph, rng).
        params: acquisition parameters.
        boost: optional per-person multiplier on word of mouth (sentiment, sharing), or None.
    """
    pop = world.pop
    is_prospect = pop.state == PROSPECT
    frontier = (is_prospect & (pop.member_nbrs > 0)).nonzero()[0]
    share = pop.member_nbrs[frontier] / pop.degree[frontier]
    wom = params.q * share if boost is None else params.q * share * boost[frontier]
    prob = np.minimum(params.p + wom, 1.0)
    draw = world.rng.random(len(frontier))
    hit = draw < prob
    people = frontier[hit]
    # attribute: the draw fell in the outside-reach part or the word-of-mouth part
    organic = draw[hit] < min(params.p, 1.0)
    channel = np.where(organic, ORGANIC, WOM_CODE).astype(np.int8)
    nbrs = world.social.reusable_neighbours(people)  # one gather: referrers, then admission
    referrer = np.full(len(people), -1, dtype=np.int64)
    if not organic.all():
        referrer = np.where(organic, -1, random_member_neighbour(world, people, nbrs))
    n_rest = world.n_prospects - len(frontier)
    outside = sample_outside_among(
        world, n_rest, params.p, lambda idx: is_prospect[idx] & (pop.member_nbrs[idx] == 0)
    )
    n_known = 0 if nbrs is None else len(people)
    return _merge(Joins(people, channel, referrer, nbrs, n_known), outside)


def join_by_cascade(world: World, params: AcquisitionParams, boost: np.ndarray | None) -> Joins:
    """Independent cascade: yesterday's joiners each try once on each prospect neighbour."""
    pop = world.pop
    fresh = np.flatnonzero((pop.joined_day == world.day - 1) & (pop.state == MEMBER))
    # one referrer per person reached: one of the successful tries, at random
    reached, referrer = world.social.cascade(
        world.rng, fresh, lambda idx: pop.state[idx] == PROSPECT, params.w, boost
    )
    wom = Joins(reached, np.full(len(reached), WOM_CODE, np.int8), referrer)
    return _merge(wom, outside_reach(world, params.p, exclude=reached))


def join_by_threshold(world: World, params: AcquisitionParams, boost: np.ndarray | None) -> Joins:
    """Linear threshold: join once member neighbours reach the person's threshold."""
    cand = prospects(world)
    pop = world.pop
    level = pop.member_nbrs[cand].astype(float)
    if params.threshold_kind == "share":
        deg = pop.degree[cand]
        level = np.divide(level, deg, out=np.zeros(len(cand)), where=deg > 0)
    if boost is not None:
        level = level * boost[cand]
    reached = cand[(level >= pop.threshold[cand]) & (level > 0)]
    referrer = random_member_neighbour(world, reached)
    wom = Joins(reached, np.full(len(reached), WOM_CODE, np.int8), referrer)
    return _merge(wom, outside_reach(world, params.p, exclude=reached))


def outside_reach(world: World, p: float, exclude: np.ndarray) -> Joins:
    """Prospects who join on their own (search, the platform, press) with chance ``p``."""
    cand = prospects(world)
    if len(exclude):
        cand = np.setdiff1d(cand, exclude, assume_unique=True)
    return sample_outside(world, cand, p)


def sample_outside(world: World, cand: np.ndarray, p: float) -> Joins:
    """Each of ``cand`` joins with chance ``p``: a binomial count, then a uniform pick.

    Same distribution as one Bernoulli(p) draw per candidate, without drawing for all.
    """
    k = int(world.rng.binomial(len(cand), p)) if len(cand) and p > 0 else 0
    hit = np.sort(world.rng.choice(cand, size=k, replace=False)) if k else cand[:0]
    return _organic(hit)


def sample_outside_among(world: World, size: int, p: float, member_of: Any) -> Joins:
    """Like :func:`sample_outside` for a set given by a test ``member_of(indices) -> mask``
    (``member_of(slice(None))`` gives the whole mask).

    The count is one binomial over the set's ``size``; the people are then drawn uniformly
    without replacement from the set.
    """
    k = int(world.rng.binomial(size, p)) if size > 0 and p > 0 else 0
    if k == 0:
        return _organic(np.empty(0, dtype=np.int64))
    cand = member_of(slice(None)).nonzero()[0]
    return _organic(np.sort(cand[world.rng.choice(len(cand), size=k, replace=False)]))


def _organic(people: np.ndarray) -> Joins:
    k = len(people)
    return Joins(
        people.astype(np.int64), np.full(k, ORGANIC, np.int8), np.full(k, -1, dtype=np.int64)
    )


def draw_thresholds(n: int, params: AcquisitionParams, rng: np.random.Generator) -> np.ndarray:
    """Per-person thresholds: the configured value, spread uniformly by ``threshold_spread``."""
    if params.threshold_spread == 0:
        return np.full(n, float(params.threshold))
    lo = max(params.threshold - params.threshold_spread, 0.0)
    return rng.uniform(lo, params.threshold + params.threshold_spread, size=n)


def random_member_neighbour(
    world: World, people: np.ndarray, nbrs: np.ndarray | None = None
) -> np.ndarray:
    """For each person, one member neighbour chosen at random (-1 where there is none).

    The graph picks (``Neighbourhood.random_neighbour_in``): on a CSR graph the r-th member
    tie, ``r = floor(u * member neighbours)``; on the complete graph a random member other
    than the person.

    Args:
        world: the model.
        people: whose member neighbour to pick.
        nbrs: ``world.social.reusable_neighbours(people)`` if already gathered.
    """
    state = world.pop.state
    return world.social.random_neighbour_in(
        world.rng,
        people,
        lambda idx: state[idx] == MEMBER,
        world.pop.member_nbrs,  # kept exact by admit/remove
        nbrs,
    )


def cap_joins(joins: Joins, cap: int | None, rng: np.random.Generator) -> Joins:
    """Keep at most ``cap`` joiners (chosen at random) when the platform is at capacity."""
    if cap is None or len(joins) <= cap:
        return joins
    keep = np.sort(rng.permutation(len(joins))[:cap])
    return Joins(joins.people[keep], joins.channel[keep], joins.referrer[keep])


def _merge(a: Joins, b: Joins) -> Joins:
    """``a`` then ``b``; what ``a`` knew of its people's neighbours stays valid (they lead)."""
    if len(b) == 0:
        return a
    if len(a) == 0:
        return b
    return Joins(
        np.concatenate([a.people, b.people]),
        np.concatenate([a.channel, b.channel]),
        np.concatenate([a.referrer, b.referrer]),
        a.known_nbrs,
        a.n_known,
    )


JOIN_RULES: dict[str, Any] = {
    "bass": join_by_bass,
    "cascade": join_by_cascade,
    "threshold": join_by_threshold,
}

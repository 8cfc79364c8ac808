"""Acquisition: which prospects join today, and through which channel.

Three rules, chosen by ``acquisition.rule``:

- ``bass``: a prospect joins with probability ``p + q * m_i / k_i`` (``m_i`` member
  neighbours, ``k_i`` neighbours). On a complete graph this is the agent-based Bass
  (1969) model.
- ``cascade``: independent cascade (Kempe, Kleinberg & Tardos 2003). Each member gets one
  chance, on the day after joining, to bring each prospect neighbour, with probability
  ``w``; plus outside reach ``p``.
- ``threshold``: linear threshold (Granovetter 1978; Centola 2010). A prospect joins once
  the share (or number) of member neighbours reaches its threshold; plus outside reach ``p``.

Every rule is a function over whole arrays: no Python loop over people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.params import param
from agents.states import Channel, State
from agents.world import World, neighbour_pairs

RULES = ("bass", "cascade", "threshold")


@dataclass(frozen=True)
class AcquisitionParams:
    """Parameters of acquisition (the ``acquisition.*`` config keys)."""

    rule: str = param("bass", unit="-", source="Bass 1969", choices=RULES,
                      doc="which joining rule: bass, cascade or threshold")
    p: float = param(0.0005, unit="1/day", low=0.0, high=1.0,
                     source="assumption (Bass p ~0.03/yr in Sultan et al. 1990, faster online)",
                     doc="outside reach: daily chance a prospect joins on its own")
    q: float = param(0.08, unit="1/day", low=0.0, high=1.0,
                     source="assumption (Bass q/p ~ 10-100, Sultan et al. 1990)",
                     doc="bass word of mouth: extra daily chance when every neighbour is a member")
    w: float = param(0.05, unit="probability", low=0.0, high=1.0,
                     source="assumption (Kempe et al. 2003 use 0.01-0.1)",
                     doc="cascade: chance a new member brings one prospect neighbour")
    threshold: float = param(0.2, unit="share or count", low=0.0,
                             source="assumption (Centola 2010 uses 2 neighbours)",
                             doc="threshold: member neighbours needed (share, or count)")
    threshold_kind: str = param("share", unit="-", choices=("share", "count"),
                                source="Centola 2010",
                                doc="whether threshold is a share of neighbours or a count")
    threshold_spread: float = param(0.0, unit="share or count", low=0.0, source="assumption",
                                    doc="per-person thresholds uniform in threshold +- spread")
    max_joins_per_day: int | None = param(None, unit="people/day", low=0, source="assumption",
                                          doc="platform capacity: joins accepted per day (null: none)")


@dataclass
class Joins:
    """Today's joiners: who, by which channel, brought by whom (-1: nobody)."""

    people: np.ndarray
    channel: np.ndarray
    referrer: np.ndarray

    @classmethod
    def empty(cls) -> Joins:
        """No joiners."""
        e = np.empty(0, dtype=np.int64)
        return cls(e, np.empty(0, dtype=np.int8), e.copy())

    def __len__(self) -> int:
        return len(self.people)


def prospects(world: World) -> np.ndarray:
    """Indices of everyone who is not (and never was) a member."""
    return np.flatnonzero(world.pop.state == State.PROSPECT.value)


def join_by_bass(world: World, params: AcquisitionParams, boost: np.ndarray | None) -> Joins:
    """Bass rule: join with probability ``p + q * member neighbours / neighbours``.

    Args:
        world: the model (population arrays, graph, rng).
        params: acquisition parameters.
        boost: optional per-person multiplier on word of mouth (sentiment, sharing), or None.
    """
    cand = prospects(world)
    deg = world.pop.degree[cand]
    share = np.divide(world.pop.member_nbrs[cand], deg, out=np.zeros(len(cand)), where=deg > 0)
    wom = params.q * share
    if boost is not None:
        wom = wom * boost[cand]
    prob = np.minimum(params.p + wom, 1.0)
    draw = world.rng.random(len(cand))
    hit = draw < prob
    people = cand[hit]
    # attribute: the draw fell in the outside-reach part or the word-of-mouth part
    organic = draw[hit] < np.minimum(params.p, 1.0)
    channel = np.where(organic, Channel.ORGANIC.value, Channel.WOM.value).astype(np.int8)
    referrer = np.full(len(people), -1, dtype=np.int64)
    referrer[~organic] = random_member_neighbour(world, people[~organic])
    return Joins(people, channel, referrer)


def join_by_cascade(world: World, params: AcquisitionParams, boost: np.ndarray | None) -> Joins:
    """Independent cascade: yesterday's joiners each try once on each prospect neighbour."""
    pop = world.pop
    fresh = np.flatnonzero((pop.joined_day == world.day - 1) & (pop.state == State.MEMBER.value))
    pos, nbr = neighbour_pairs(world.csr, fresh)
    src = fresh[pos]
    open_ = pop.state[nbr] == State.PROSPECT.value
    src, nbr = src[open_], nbr[open_]
    w = np.full(len(nbr), params.w) if boost is None else np.minimum(params.w * boost[nbr], 1.0)
    ok = world.rng.random(len(nbr)) < w
    src, nbr = src[ok], nbr[ok]
    # one referrer per person reached: the first success after a random shuffle
    order = world.rng.permutation(len(nbr))
    reached, first = np.unique(nbr[order], return_index=True)
    wom = Joins(reached, np.full(len(reached), Channel.WOM.value, np.int8), src[order][first])
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
    wom = Joins(reached, np.full(len(reached), Channel.WOM.value, np.int8), referrer)
    return _merge(wom, outside_reach(world, params.p, exclude=reached))


def outside_reach(world: World, p: float, exclude: np.ndarray) -> Joins:
    """Prospects who join on their own (search, the platform, press) with chance ``p``."""
    cand = prospects(world)
    hit = cand[world.rng.random(len(cand)) < p]
    hit = np.setdiff1d(hit, exclude, assume_unique=True)
    return Joins(hit, np.full(len(hit), Channel.ORGANIC.value, np.int8),
                 np.full(len(hit), -1, dtype=np.int64))


def draw_thresholds(n: int, params: AcquisitionParams, rng: np.random.Generator) -> np.ndarray:
    """Per-person thresholds: the configured value, spread uniformly by ``threshold_spread``."""
    if params.threshold_spread == 0:
        return np.full(n, float(params.threshold))
    lo = max(params.threshold - params.threshold_spread, 0.0)
    return rng.uniform(lo, params.threshold + params.threshold_spread, size=n)


def random_member_neighbour(world: World, people: np.ndarray) -> np.ndarray:
    """For each person, one member neighbour chosen at random (-1 where there is none)."""
    out = np.full(len(people), -1, dtype=np.int64)
    if len(people) == 0:
        return out
    src, nbr = neighbour_pairs(world.csr, people)
    is_member = world.pop.state[nbr] == State.MEMBER.value
    src, nbr = src[is_member], nbr[is_member]
    order = np.lexsort((world.rng.random(len(src)), src))
    first_src, first = np.unique(src[order], return_index=True)
    out[first_src] = nbr[order][first]
    return out


def cap_joins(joins: Joins, cap: int | None, rng: np.random.Generator) -> Joins:
    """Keep at most ``cap`` joiners (chosen at random) when the platform is at capacity."""
    if cap is None or len(joins) <= cap:
        return joins
    keep = np.sort(rng.permutation(len(joins))[:cap])
    return Joins(joins.people[keep], joins.channel[keep], joins.referrer[keep])


def _merge(a: Joins, b: Joins) -> Joins:
    return Joins(np.concatenate([a.people, b.people]), np.concatenate([a.channel, b.channel]),
                 np.concatenate([a.referrer, b.referrer]))


JOIN_RULES: dict[str, Any] = {
    "bass": join_by_bass,
    "cascade": join_by_cascade,
    "threshold": join_by_threshold,
}

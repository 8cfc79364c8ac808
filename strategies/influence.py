"""Who to seed: graph heuristics and the CELF greedy under independent cascade.

Every function but :func:`degree_order` (which needs only the degrees) works on the
symmetric CSR adjacency matrix (``ops.csr``) with NumPy and SciPy, without a Python loop
over people:

- :func:`core_numbers`: k-core number of every person, by vectorised peeling (Batagelj &
  Zaversnik 2003, all people at the current minimum peeled at once).
- :func:`pagerank`: PageRank (Brin & Page 1998) by power iteration on the sparse matrix.
- :func:`degree_discount`: the degree-discount heuristic for independent cascade (Chen,
  Wang & Yang 2009).
- :func:`celf_greedy`: the greedy hill-climb of Kempe, Kleinberg & Tardos (2003) with the
  lazy evaluations of CELF (Leskovec et al. 2007); :func:`plain_greedy` is the reference.

Independent-cascade spread is estimated by Monte Carlo over ``samples`` live-edge worlds
(Kempe et al. 2003, claim 2.3): each directed tie is live with probability ``p`` in each
world. The worlds are fixed for a whole selection (common random numbers): whether tie
``e`` is live in world ``s`` is a counter-based hash of ``(key, s, e)`` (the Random123
idea), where ``key`` is drawn once from the model's generator. So every evaluation sees
the same worlds, the estimate is a submodular coverage function, and CELF returns exactly
the set plain greedy returns, without storing ``samples x ties`` draws.
"""

from __future__ import annotations

import heapq
import time

import numpy as np
import scipy.sparse as sp

from agents.world import neighbours, tie_positions

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def degree_order(degree: np.ndarray, people: np.ndarray) -> np.ndarray:
    """``people`` sorted by degree, highest first (ties: lower index first).

    Args:
        degree: everyone's degree (``graph.degree`` or ``pop.degree``: known without the
            ties, so this works on the implicit complete graph too).
        people: whom to sort.
    """
    people = np.asarray(people, dtype=np.int64)
    return people[np.argsort(-np.asarray(degree)[people], kind="stable")]


def core_numbers(csr: sp.csr_array) -> np.ndarray:
    """The k-core number of every person (the largest k whose k-core holds them).

    Peeling, vectorised: at each round every remaining person whose remaining degree is at
    most the current level ``k`` leaves with core number ``k``, and their neighbours lose
    one remaining tie per departed neighbour (a sparse product).
    """
    n = csr.shape[0]
    degree = np.diff(csr.indptr).astype(np.int64)
    core = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    level = 0
    while alive.any():
        level = max(level, int(degree[alive].min()))
        out = alive & (degree <= level)
        core[out] = level
        alive &= ~out
        degree -= np.rint(csr @ out.astype(np.float64)).astype(np.int64)
    return core


def pagerank(
    csr: sp.csr_array, damping: float = 0.85, tol: float = 1e-12, max_iter: int = 1000
) -> np.ndarray:
    """PageRank of every person by power iteration (people without ties jump uniformly).

    Args:
        csr: symmetric adjacency matrix.
        damping: chance of following a tie rather than jumping (0.85, Brin & Page 1998).
        tol: stop when the L1 change is below ``tol * n``.
        max_iter: at most this many iterations.
    """
    n = csr.shape[0]
    degree = np.asarray(csr.sum(axis=1)).ravel()
    dangling = degree == 0
    inv = np.divide(1.0, degree, out=np.zeros(n), where=~dangling)
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = csr.T @ (rank * inv)
        new = damping * (spread + rank[dangling].sum() / n) + (1.0 - damping) / n
        done = np.abs(new - rank).sum() < tol * n
        rank = new
        if done:
            break
    return rank / rank.sum()


def degree_discount(
    csr: sp.csr_array, k: int, p: float, allowed: np.ndarray, seeded: np.ndarray | None = None
) -> np.ndarray:
    """Chen, Wang & Yang (2009) degree discount: ``k`` picks, best first.

    Each person's score is ``d - 2t - (d - t) * t * p`` with ``d`` its degree and ``t``
    its number of already chosen neighbours; the best allowed person is picked and its
    neighbours' ``t`` rise by one. Ties go to the lower index.

    Args:
        csr: symmetric adjacency matrix.
        k: how many to pick (fewer if fewer are allowed).
        p: propagation probability of the cascade.
        allowed: boolean mask of people who may be picked.
        seeded: people counted as already chosen (current members), or None.
    """
    degree = np.diff(csr.indptr).astype(np.float64)
    chosen_nbrs = np.zeros(len(degree))
    if seeded is not None and len(seeded):
        chosen_nbrs += np.bincount(neighbours(csr, seeded), minlength=len(degree))
    free = np.asarray(allowed, dtype=bool).copy()
    picks = np.empty(min(k, int(free.sum())), dtype=np.int64)
    for i in range(len(picks)):
        t = chosen_nbrs
        score = np.where(free, degree - 2 * t - (degree - t) * t * p, -np.inf)
        best = int(np.argmax(score))
        picks[i] = best
        free[best] = False
        chosen_nbrs[neighbours(csr, np.array([best]))] += 1
    return picks


def _live(counter: np.ndarray, key: int, p: float) -> np.ndarray:
    """Whether each (world, tie) counter is a live tie: splitmix64 hash < p."""
    z = counter.astype(np.uint64) * _GOLDEN + np.uint64(key % 2**64)
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)) < np.uint64(int(p * 2**53))


def cascade_total(csr: sp.csr_array, seeds: np.ndarray, p: float, samples: int, key: int) -> int:
    """People reached from ``seeds`` (seeds included), summed over ``samples`` worlds.

    Divide by ``samples`` for the expected spread of the independent cascade.
    """
    active = np.zeros(samples * csr.shape[0], dtype=bool)
    return len(spread(csr, seeds, p, samples, key, active))


def spread(
    csr: sp.csr_array,
    seeds: np.ndarray | list[int],
    p: float,
    samples: int,
    key: int,
    active: np.ndarray,
) -> np.ndarray:
    """Run the cascade from ``seeds`` in every world; mark and return who it newly reaches.

    A (world, person) pair is one flat index ``world * n + person`` into ``active``. The
    cascade runs frontier by frontier in all worlds at once: the frontier's ties are
    gathered from the CSR and a tie passes when it is live in that world (:func:`_live`).
    People already active stop it: what lies behind them is already reached, so the count
    returned is the marginal gain of ``seeds`` over the people active before.

    Returns:
        the flat indices newly made active (``active`` is updated in place; set them back
        to False to undo).
    """
    n, nnz = csr.shape[0], csr.nnz
    seeds = np.unique(np.asarray(seeds, dtype=np.int64))
    frontier = (np.arange(samples, dtype=np.int64)[:, None] * n + seeds[None, :]).ravel()
    frontier = frontier[~active[frontier]]
    active[frontier] = True
    reached_all = [frontier]
    while len(frontier):
        world, person = np.divmod(frontier, n)
        tie, lengths = tie_positions(csr, person)
        world = np.repeat(world, lengths)
        live = _live(world * nnz + tie, key, p)
        reached = world[live] * n + csr.indices[tie[live]]
        frontier = np.unique(reached[~active[reached]])
        active[frontier] = True
        reached_all.append(frontier)
    return np.concatenate(reached_all)


def celf_greedy(
    csr: sp.csr_array,
    candidates: np.ndarray,
    k: int,
    p: float,
    samples: int,
    key: int,
    base: np.ndarray | None = None,
    max_seconds: float | None = None,
) -> tuple[np.ndarray, bool]:
    """Greedy seeds maximising cascade spread, with CELF's lazy evaluations.

    Gains only shrink as seeds are added (submodularity), so a candidate's last gain
    bounds its current one: recompute the top of the heap if stale; accept it if fresh.

    Args:
        csr: symmetric adjacency matrix.
        candidates: who may be picked, in preference order (ties go to earlier ones).
        k, p, samples: how many seeds; the cascade's chance per tie; worlds per estimate.
        key: the worlds' key (draw it from the model's generator).
        base: people already active (current members), or None.
        max_seconds: stop when this much time has passed (None: no limit).

    Returns:
        ``(seeds in the order picked, False if time ran out before k were picked)``.
    """
    start = time.perf_counter()
    active = np.zeros(samples * csr.shape[0], dtype=bool)
    spread(csr, [] if base is None else base, p, samples, key, active)
    picks: list[int] = []
    heap: list[tuple[int, int, int]] = []  # (-gain, rank, number of picks when computed)
    for rank, c in enumerate(candidates):
        if _late(start, max_seconds):
            return np.array(picks, dtype=np.int64), False
        heapq.heappush(heap, (-_gain(csr, int(c), p, samples, key, active), rank, 0))
    while heap and len(picks) < k:
        _, rank, when = heapq.heappop(heap)
        c = int(candidates[rank])
        if when == len(picks):
            picks.append(c)
            spread(csr, [c], p, samples, key, active)
            continue
        if _late(start, max_seconds):
            return np.array(picks, dtype=np.int64), False
        heapq.heappush(heap, (-_gain(csr, c, p, samples, key, active), rank, len(picks)))
    return np.array(picks, dtype=np.int64), True


def plain_greedy(
    csr: sp.csr_array,
    candidates: np.ndarray,
    k: int,
    p: float,
    samples: int,
    key: int,
    base: np.ndarray | None = None,
) -> np.ndarray:
    """The reference greedy (Kempe et al. 2003): every candidate's spread, every round."""
    chosen = np.asarray(base if base is not None else [], dtype=np.int64)
    left = [int(c) for c in candidates]
    picks: list[int] = []
    while left and len(picks) < k:
        totals = [cascade_total(csr, np.append(chosen, c), p, samples, key) for c in left]
        best = left[int(np.argmax(totals))]  # first of the best: the earlier candidate
        picks.append(best)
        chosen = np.append(chosen, best)
        left.remove(best)
    return np.array(picks, dtype=np.int64)


def _gain(csr: sp.csr_array, c: int, p: float, samples: int, key: int, active: np.ndarray) -> int:
    """People ``c`` would newly reach over all worlds (``active`` is left as it was)."""
    new = spread(csr, [c], p, samples, key, active)
    active[new] = False
    return len(new)


def _late(start: float, max_seconds: float | None) -> bool:
    return max_seconds is not None and time.perf_counter() - start > max_seconds

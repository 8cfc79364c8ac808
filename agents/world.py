"""What the behaviour rules see of the model: protocols, and a vectorised neighbour gather.

The rules in ``agents`` are functions over whole arrays. They take the model as a
``World`` (duck-typed: ``rng``, ``day``, ``pop``, ``social``), so this package never imports
``sim`` (dependencies point one way: experiments -> strategies -> sim -> agents).

The rules read the social graph only through :class:`Neighbourhood`: neighbour counts,
neighbour sums and random neighbours. ``sim.graphs`` implements it twice: over a CSR
matrix (``SocialGraph``, every generated or loaded graph) and from totals for the complete
graph (``CompleteGraph``: no ties stored, so a million people fit), so no rule branches on
the kind of graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

#: ``mask_of(idx)``: whether people ``idx`` are in a set (``mask_of(slice(None))``: everyone)
MaskOf = Callable[[Any], np.ndarray]


class Neighbourhood(Protocol):
    """The social graph as the behaviour rules use it: aggregates over neighbours."""

    @property
    def n(self) -> int:
        """Number of people."""
        ...

    @property
    def degree(self) -> np.ndarray:
        """Number of neighbours of each person."""
        ...

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """Sum of each person's neighbours' values of ``x``."""
        ...

    def neighbours(self, nodes: np.ndarray) -> np.ndarray:
        """The neighbours of ``nodes``, concatenated (explicit: may be refused when huge)."""
        ...

    def neighbour_pairs(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (position, neighbour) pairs of ``nodes`` (explicit: may be refused when huge)."""
        ...

    def reusable_neighbours(self, nodes: np.ndarray) -> np.ndarray | None:
        """The gathered neighbours of ``nodes`` to hand on, or None when aggregates come
        from totals (nothing to gather)."""
        ...

    def add_neighbour_counts(
        self, nodes: np.ndarray, *targets: tuple[np.ndarray, int], nbrs: np.ndarray | None = None
    ) -> None:
        """For each ``(counts, sign)``: add ``sign`` to ``counts[j]`` per tie of ``nodes``
        with ``j``, in place (``nbrs``: ``reusable_neighbours(nodes)`` if already had)."""
        ...

    def random_neighbour_in(
        self,
        rng: np.random.Generator,
        people: np.ndarray,
        mask_of: MaskOf,
        counts: np.ndarray,
        nbrs: np.ndarray | None = None,
    ) -> np.ndarray:
        """One uniformly random neighbour in the set ``mask_of`` for each person (-1 if
        none); ``counts[i]``: person ``i``'s neighbours in the set, kept exact by the model."""
        ...

    def has_edge(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Whether ``u[i]`` and ``v[i]`` are neighbours."""
        ...

    def cascade(
        self,
        rng: np.random.Generator,
        sources: np.ndarray,
        mask_of: MaskOf,
        chance: float,
        boost: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One independent-cascade round: each of the (distinct) ``sources`` tries once on
        each neighbour in the set ``mask_of``, succeeding with ``min(chance * boost, 1)``.
        Returns the people reached (sorted) and, for each, one successful source."""
        ...


class World(Protocol):
    """The slice of the model that behaviour rules read and write."""

    rng: np.random.Generator
    day: int
    n_prospects: int
    pop: Any  # sim.population.Population: a struct of arrays
    social: Neighbourhood


def neighbour_pairs(csr: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (position, neighbour) pairs of the given nodes, without a Python loop.

    Args:
        csr: the symmetric adjacency matrix.
        nodes: int array of node indices.

    Returns:
        ``(pos, nbr)``: for each tie of ``nodes[pos]``, the neighbour ``nbr``; ``pos``
        indexes into ``nodes`` and is non-decreasing.
    """
    nbr, lengths = _gather(csr, nodes)
    return np.arange(len(lengths), dtype=np.int64).repeat(lengths), nbr


def neighbours(csr: sp.csr_array, nodes: np.ndarray) -> np.ndarray:
    """The neighbours of ``nodes``, concatenated (with repeats), without a Python loop."""
    return _gather(csr, nodes)[0]


def tie_positions(csr: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the ties of ``nodes`` are stored in ``csr.indices``: the one CSR gather.

    Args:
        csr: adjacency matrix in CSR form.
        nodes: int array of node indices (repeats allowed).

    Returns:
        ``(ties, lengths)``: int64 positions into ``csr.indices`` (and ``csr.data``), node
        by node in the order of ``nodes``, each node's ties in stored order; and the number
        of ties of each node.
    """
    nodes = np.asarray(nodes, dtype=np.int64).ravel()
    if len(nodes) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)  # no ties to gather
    starts = csr.indptr[nodes].astype(np.int64)
    lengths = csr.indptr[nodes + 1] - starts
    ends = lengths.cumsum()
    total = int(ends[-1])
    # position k of the output reads indices[k + starts[row] - offset[row]]
    shift = (starts - (ends - lengths)).repeat(lengths)
    return np.arange(total, dtype=np.int64) + shift, lengths


def _gather(csr: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ties, lengths = tie_positions(csr, nodes)
    return csr.indices[ties], lengths


def add_neighbour_counts(
    counts: np.ndarray, csr: sp.csr_array, nodes: np.ndarray, sign: int = 1
) -> None:
    """Add ``sign`` to ``counts[j]`` once for every tie between ``nodes`` and ``j``, in place."""
    add_counts(counts, neighbours(csr, nodes), sign)


def add_counts(counts: np.ndarray, nbr: np.ndarray, sign: int = 1) -> None:
    """Add ``sign`` to ``counts[j]`` once for every occurrence of ``j`` in ``nbr``, in place."""
    if len(nbr) * 64 < len(counts):
        np.add.at(counts, nbr, sign)
    else:
        counts += (sign * np.bincount(nbr, minlength=len(counts))).astype(counts.dtype)


def random_neighbour_in_csr(
    csr: sp.csr_array,
    rng: np.random.Generator,
    people: np.ndarray,
    mask_of: MaskOf,
    counts: np.ndarray,
    nbrs: np.ndarray | None = None,
) -> np.ndarray:
    """For each person, one neighbour in a set, chosen uniformly (-1 where there is none).

    The set's ties of a person are contiguous in the gathered neighbours, so the r-th one,
    with ``r = floor(u * counts[person])``, is a uniform pick without any sorting.

    Args:
        csr: the adjacency matrix.
        rng: the model's generator (one uniform per person with a neighbour in the set).
        people: whose neighbour to pick.
        mask_of: ``mask_of(idx)`` tells whether people ``idx`` are in the set.
        counts: each person's number of neighbours in the set (exact).
        nbrs: ``neighbours(csr, people)`` if already gathered.
    """
    out = np.full(len(people), -1, dtype=np.int64)
    if len(people) == 0:
        return out
    nbr = neighbours(csr, people) if nbrs is None else nbrs
    nbr = nbr[mask_of(nbr)]
    counts = counts[people].astype(np.int64)
    has = counts > 0
    starts = counts.cumsum() - counts
    pick = starts[has] + (rng.random(np.count_nonzero(has)) * counts[has]).astype(np.int64)
    out[has] = nbr[pick]
    return out


def cascade_csr(
    csr: sp.csr_array,
    rng: np.random.Generator,
    sources: np.ndarray,
    mask_of: MaskOf,
    chance: float,
    boost: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One independent-cascade round over the listed ties (see ``Neighbourhood.cascade``).

    One uniform per (source, neighbour in the set) tie; each person reached takes as its
    source the first success after a random shuffle.
    """
    pos, nbr = neighbour_pairs(csr, sources)
    src = np.asarray(sources, dtype=np.int64)[pos]
    open_ = mask_of(nbr)
    src, nbr = src[open_], nbr[open_]
    w = np.full(len(nbr), chance) if boost is None else np.minimum(chance * boost[nbr], 1.0)
    ok = rng.random(len(nbr)) < w
    src, nbr = src[ok], nbr[ok]
    order = rng.permutation(len(nbr))
    reached, first = np.unique(nbr[order], return_index=True)
    return reached.astype(np.int64), src[order][first]

"""What the behaviour rules see of the model: a protocol, and a vectorised neighbour gather.

The rules in ``agents`` are functions over whole arrays. They take the model as a
``World`` (duck-typed: ``rng``, ``day``, ``pop``, ``csr``), so this package never imports
``sim`` (dependencies point one way: experiments -> strategies -> sim -> agents).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp


class World(Protocol):
    """The slice of the model that behaviour rules read and write."""

    rng: np.random.Generator
    day: int
    pop: Any  # sim.population.Population: a struct of arrays
    csr: sp.csr_array


def neighbour_pairs(csr: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (position, neighbour) pairs of the given nodes, without a Python loop.

    Args:
        csr: the symmetric adjacency matrix.
        nodes: int array of node indices.

    Returns:
        ``(pos, nbr)``: for each tie of ``nodes[pos]``, the neighbour ``nbr``; ``pos``
        indexes into ``nodes`` and is non-decreasing.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    indptr = csr.indptr
    starts = indptr[nodes].astype(np.int64)
    lengths = indptr[nodes + 1].astype(np.int64) - starts
    total = int(lengths.sum())
    if total == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy()
    pos = np.repeat(np.arange(len(nodes), dtype=np.int64), lengths)
    offsets = np.cumsum(lengths) - lengths
    within = np.arange(total, dtype=np.int64) - np.repeat(offsets, lengths)
    nbr = csr.indices[np.repeat(starts, lengths) + within].astype(np.int64)
    return pos, nbr


def neighbour_counts(csr: sp.csr_array, nodes: np.ndarray, n: int) -> np.ndarray:
    """How many of ``nodes`` each person has as a neighbour (int64 array of length n)."""
    _, nbr = neighbour_pairs(csr, nodes)
    return np.bincount(nbr, minlength=n)

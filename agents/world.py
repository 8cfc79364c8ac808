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
    n_prospects: int
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

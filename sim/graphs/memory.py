"""Refuse graphs too large for this machine's memory before building them.

A community of n people needs the graph (see :func:`sim.graphs.csr.estimate_graph_bytes`)
plus about 400 bytes per person for the population arrays. :func:`check_fits` compares
that with the memory the operating system says is available and fails with a
:class:`~sim.errors.ConfigError` naming the config key, so a run never dies half-way
through building a graph.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from sim.errors import ConfigError
from sim.graphs.csr import estimate_graph_bytes

#: Bytes per person for the population arrays and per-day temporaries (assumption: about
#: 50 float64/int64 columns).
BYTES_PER_PERSON = 400
#: Share of the available memory a run may plan to use (assumption; leaves room for Python,
#: the results table and the operating system).
USABLE_SHARE = 0.8

_GB = 1e9


def available_memory_bytes() -> int:
    """Memory the operating system can give this process now, in bytes.

    Reads ``MemAvailable`` from ``/proc/meminfo`` (Linux); elsewhere falls back to free
    physical pages times the page size from ``os.sysconf``.

    Returns:
        Available bytes (0 if neither source can be read).
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return 0


def check_fits(key: str, n: int, n_edges: int) -> None:
    """Fail before building a graph that, with its population, would not fit in memory.

    Args:
        key: config key to blame in the error (``"community.n"``).
        n: number of people.
        n_edges: expected number of undirected edges (see :func:`expected_edge_count`).

    Raises:
        ConfigError: if the estimated need exceeds 80% of the available memory.
    """
    need = estimate_graph_bytes(n, n_edges) + n * BYTES_PER_PERSON
    available = available_memory_bytes()
    if available and need > USABLE_SHARE * available:
        raise ConfigError(
            key,
            n,
            f"a graph of {n:,} people and about {n_edges:,} ties needs about "
            f"{need / _GB:.1f} GB, this machine has {available / _GB:.1f} GB available; "
            "use a smaller community.n or a sparser graph",
        )


def expected_edge_count(
    kind: str,
    n: int = 0,
    k: int = 0,
    m: int = 0,
    sizes: Sequence[int] | np.ndarray = (),
    probs: np.ndarray | None = None,
) -> int:
    """Expected number of undirected edges of a generated graph, for :func:`check_fits`.

    Args:
        kind: builder name: ``complete``, ``ring_lattice``, ``watts_strogatz``,
            ``barabasi_albert``, ``holme_kim``, ``stochastic_block_model`` or ``karate``.
        n: number of people (all kinds but the block model and karate).
        k: neighbours per person (ring lattice, Watts–Strogatz).
        m: links per newcomer (Barabási–Albert, Holme–Kim).
        sizes: block sizes (block model).
        probs: block-pair tie probabilities, a ``len(sizes)`` square matrix (block model).

    Returns:
        Expected edge count (an upper bound for builders that drop duplicates).

    Raises:
        ValueError: for an unknown kind.
    """
    if kind == "complete":
        return n * (n - 1) // 2
    if kind in ("ring_lattice", "watts_strogatz"):
        return n * k // 2
    if kind in ("barabasi_albert", "holme_kim"):
        return n * m
    if kind == "karate":
        return 78
    if kind == "stochastic_block_model":
        sizes_arr = np.asarray(sizes, dtype=np.float64)
        pairs = np.outer(sizes_arr, sizes_arr) - np.diag(sizes_arr)
        return int(np.sum(np.asarray(probs, dtype=np.float64) * pairs) / 2)
    raise ValueError(f"unknown graph kind {kind!r}")

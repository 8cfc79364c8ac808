"""The complete graph without its ties: every neighbour aggregate computed from totals.

On the complete graph everyone knows everyone, so whatever the rules ask of the graph
follows from totals over the whole population: person ``i``'s member neighbours are all
the members but ``i`` (``members - is_member[i]``), its degree is ``n - 1``, the sum of its
neighbours' values is ``sum(x) - x[i]``, and a random member neighbour is a random member
other than ``i``. :class:`CompleteGraph` answers those questions (the
``agents.world.Neighbourhood`` protocol) in O(n) memory and time, where the explicit
matrix holds ``n (n - 1)`` entries: 4.1 GB and 20 s per Bass run at 10,000 people, and
beyond any machine at a million. ``community=complete`` builds this graph.

What genuinely needs the ties listed (the CSR matrix ``csr``, NetworkX export, the
neighbours of a person as a list, the independent cascade's attempts) is built on demand
up to :data:`EXPLICIT_MAX_N` people and refused beyond that with a
:class:`~sim.errors.ConfigError` naming ``community.n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp

from agents.world import MaskOf, add_counts
from sim.errors import ConfigError

#: The largest complete graph whose ties are listed on demand (about 2 million ties: a
#: 32 MB matrix, and what NetworkX can hold in well under a gigabyte).
EXPLICIT_MAX_N = 2_000


@dataclass(eq=False)
class CompleteGraph:
    """Everyone knows everyone, over people 0..n-1, with no tie stored.

    Attributes:
        size: number of people.
        name: description (``"complete(n=1000000)"``).
    """

    size: int
    name: str = ""
    original_ids: np.ndarray | None = None  # generated: no file labels
    blocks: np.ndarray | None = None  # no block structure
    _degree: np.ndarray | None = field(default=None, init=False, repr=False)
    _csr: sp.csr_array | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.name:
            self.name = f"complete(n={self.size})"

    @property
    def n(self) -> int:
        """Number of people."""
        return self.size

    @property
    def n_edges(self) -> int:
        """Number of undirected ties, ``n (n - 1) / 2`` (none of them stored)."""
        return self.size * (self.size - 1) // 2

    @property
    def degree(self) -> np.ndarray:
        """Everyone's number of neighbours, ``n - 1`` (int64 array, cached)."""
        if self._degree is None:
            self._degree = np.full(self.size, self.size - 1, dtype=np.int64)
        return self._degree

    # ----- aggregates from totals (agents.world.Neighbourhood) ----------------------------
    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """Sum of each person's neighbours' values of ``x``: the total minus one's own."""
        x = np.asarray(x)
        total: np.ndarray = x.sum(axis=0, dtype=np.float64) - x
        return total

    def reusable_neighbours(self, nodes: np.ndarray) -> np.ndarray | None:
        """None: the counts and picks come from totals, nothing is gathered."""
        return None

    def add_neighbour_counts(
        self, nodes: np.ndarray, *targets: tuple[np.ndarray, int], nbrs: np.ndarray | None = None
    ) -> None:
        """For each ``(counts, sign)``: everyone gains ``sign`` per node but itself, in place.

        A person listed ``r`` times among ``nodes`` gains ``sign * (len(nodes) - r)``, as
        with the explicit matrix. O(n) per call, whatever the number of nodes.
        """
        nodes = np.asarray(nodes, dtype=np.int64).ravel()
        if len(nodes) == 0:
            return
        for counts, sign in targets:
            counts += counts.dtype.type(sign * len(nodes))
            add_counts(counts, nodes, -sign)

    def random_neighbour_in(
        self,
        rng: np.random.Generator,
        people: np.ndarray,
        mask_of: MaskOf,
        counts: np.ndarray,
        nbrs: np.ndarray | None = None,
    ) -> np.ndarray:
        """One uniformly random member of a set other than the person (-1 where none).

        Draws a position among the set's ``counts[i]`` people other than ``i`` (one uniform
        per person who has any, as the explicit graph does) and moves positions at or past
        ``i``'s own one up by one, so ``i`` itself is never drawn.

        Args:
            rng: the model's generator.
            people: whose neighbour to pick.
            mask_of: ``mask_of(idx)``: whether people ``idx`` are in the set.
            counts: each person's number of neighbours in the set (the set's size, minus
                one for its own members), kept exact by the model.
            nbrs: ignored (nothing is gathered on the complete graph).
        """
        people = np.asarray(people, dtype=np.int64).ravel()
        out = np.full(len(people), -1, dtype=np.int64)
        if len(people) == 0:
            return out
        c = counts[people].astype(np.int64)
        has = c > 0
        pick = (rng.random(np.count_nonzero(has)) * c[has]).astype(np.int64)
        inside = np.flatnonzero(mask_of(slice(None)))
        who = people[has]
        pick += mask_of(who) & (pick >= np.searchsorted(inside, who))
        out[has] = inside[pick]
        return out

    def cascade(
        self,
        rng: np.random.Generator,
        sources: np.ndarray,
        mask_of: MaskOf,
        chance: float,
        boost: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One independent-cascade round from totals: no tie is visited.

        Each person ``j`` in the set gets one try from every source but itself, each
        succeeding with ``w_j = min(chance * boost[j], 1)``, so ``j`` is reached with
        probability ``1 - (1 - w_j) ** tries`` (one uniform per person in the set), and its
        source, one of the successful tries at random, is by symmetry a uniformly random
        source other than ``j``. Same distribution as trying tie by tie, in O(n).

        Args:
            rng: the model's generator.
            sources: the people who try (distinct).
            mask_of: ``mask_of(idx)``: whether people ``idx`` can be reached.
            chance: the chance of one try.
            boost: per-person multiplier on the chance of being reached, or None.
        """
        sources = np.sort(np.asarray(sources, dtype=np.int64).ravel())
        if len(sources) == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty.copy()
        targets = np.flatnonzero(mask_of(slice(None)))
        own = np.zeros(self.size, dtype=bool)
        own[sources] = True
        is_source = own[targets]
        tries = len(sources) - is_source.astype(np.int64)
        w = (
            np.full(len(targets), chance)
            if boost is None
            else np.minimum(chance * boost[targets], 1.0)
        )
        reach = -np.expm1(tries * np.log1p(-np.minimum(w, 1.0)))  # 1 - (1 - w) ** tries
        hit = rng.random(len(targets)) < reach
        reached = targets[hit]
        pick = (rng.random(len(reached)) * tries[hit]).astype(np.int64)
        pick += is_source[hit] & (pick >= np.searchsorted(sources, reached))
        return reached.astype(np.int64), sources[pick]

    def has_edge(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Whether ``u[i]`` and ``v[i]`` are tied: whenever they are two people."""
        tied: np.ndarray = np.asarray(u) != np.asarray(v)
        return tied

    def with_ties(self, u: np.ndarray, v: np.ndarray) -> CompleteGraph:
        """The graph itself: every pair is tied already."""
        return self

    # ----- the ties listed, for small graphs only -----------------------------------------
    def neighbours(self, nodes: np.ndarray) -> np.ndarray:
        """Everyone but each node, node by node in ascending order (at most
        :data:`EXPLICIT_MAX_N` people; see :meth:`explicit`)."""
        return self.neighbour_pairs(nodes)[1]

    def neighbour_pairs(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (position in ``nodes``, neighbour) pairs, as for the explicit matrix (at most
        :data:`EXPLICIT_MAX_N` people)."""
        self.explicit("listing a person's neighbours")
        nodes = np.asarray(nodes, dtype=np.int64).ravel()
        others = np.broadcast_to(
            np.arange(self.size - 1, dtype=np.int64), (len(nodes), self.size - 1)
        )
        nbr = others + (others >= nodes[:, None])
        pos = np.arange(len(nodes), dtype=np.int64).repeat(self.size - 1)
        return pos, nbr.ravel()

    @property
    def csr(self) -> sp.csr_array:
        """The adjacency matrix, built on first use (at most :data:`EXPLICIT_MAX_N` people)."""
        if self._csr is None:
            self.explicit("the adjacency matrix (model.csr)")
            from sim.graphs.builders import complete

            self._csr = complete(self.size).csr
        return self._csr

    def to_networkx(self) -> nx.Graph:
        """The graph as a NetworkX ``Graph`` (at most :data:`EXPLICIT_MAX_N` people)."""
        self.explicit("the NetworkX graph (model.graph)")
        graph: nx.Graph = nx.complete_graph(self.size)
        return graph

    def explicit(self, what: str) -> None:
        """Refuse to list the ties of a complete graph too large to hold them.

        Raises:
            ConfigError: (``community.n``) beyond :data:`EXPLICIT_MAX_N` people.
        """
        if self.size > EXPLICIT_MAX_N:
            raise ConfigError(
                "community.n",
                self.size,
                f"community=complete keeps its {self.n_edges:,} ties implicit (every "
                f"neighbour count from totals), but {what} needs them listed, which is done "
                f"up to community.n={EXPLICIT_MAX_N:,}; use a smaller community.n, or a "
                "sparse graph (community=ba, ws or holme_kim)",
            )

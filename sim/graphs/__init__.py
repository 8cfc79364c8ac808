"""The social graph: generated (vectorised builders) or loaded from a file, held as CSR.

Every graph is a :class:`SocialGraph`: a symmetric SciPy CSR adjacency matrix over people
0..n-1, so neighbour aggregates are sparse products (``graph.csr @ x``) -- except the
complete graph of ``community=complete``, a :class:`CompleteGraph` that stores no tie and
computes every neighbour aggregate from totals. Both answer the rules' questions
(``agents.world.Neighbourhood``); :data:`Graph` is either.
"""

from sim.graphs.builders import (
    barabasi_albert,
    complete,
    holme_kim,
    karate,
    ring_lattice,
    stochastic_block_model,
    stochastic_block_model_from_probs,
    watts_strogatz,
)
from sim.graphs.csr import (
    SocialGraph,
    estimate_graph_bytes,
    from_edges,
    neighbours_of,
    permute,
    renumber_for_locality,
)
from sim.graphs.implicit import EXPLICIT_MAX_N, CompleteGraph
from sim.graphs.loaders import FORMATS, load_graph
from sim.graphs.memory import available_memory_bytes, check_fits, expected_edge_count

#: A social graph: listed ties (CSR) or the implicit complete graph.
Graph = SocialGraph | CompleteGraph

__all__ = [
    "EXPLICIT_MAX_N",
    "FORMATS",
    "CompleteGraph",
    "Graph",
    "SocialGraph",
    "available_memory_bytes",
    "barabasi_albert",
    "check_fits",
    "complete",
    "estimate_graph_bytes",
    "expected_edge_count",
    "from_edges",
    "holme_kim",
    "karate",
    "load_graph",
    "neighbours_of",
    "permute",
    "renumber_for_locality",
    "ring_lattice",
    "stochastic_block_model",
    "stochastic_block_model_from_probs",
    "watts_strogatz",
]

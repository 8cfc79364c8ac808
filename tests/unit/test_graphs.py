"""The social-graph layer: CSR invariants, builders, loaders, memory checks."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sim.errors import ConfigError
from sim.graphs import (
    SocialGraph,
    available_memory_bytes,
    barabasi_albert,
    check_fits,
    complete,
    estimate_graph_bytes,
    expected_edge_count,
    from_edges,
    holme_kim,
    karate,
    load_graph,
    neighbours_of,
    permute,
    renumber_for_locality,
    ring_lattice,
    stochastic_block_model,
    stochastic_block_model_from_probs,
    watts_strogatz,
)
from sim.graphs import csr as csr_module
from sim.graphs.loaders import _parse_lines, _typed_labels, parse_edge_list
from sim.graphs.preferential import holme_kim_targets, preferential_targets

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


BUILDERS: dict[str, Callable[[np.random.Generator], SocialGraph]] = {
    "complete": lambda r: complete(30),
    "ring": lambda r: ring_lattice(50, 4),
    "ws": lambda r: watts_strogatz(200, 6, 0.2, r),
    "ba": lambda r: barabasi_albert(500, 3, r),
    "holme_kim": lambda r: holme_kim(500, 3, 0.5, r),
    "holme_kim_tree": lambda r: holme_kim(300, 1, 0.9, r),
    "sbm": lambda r: stochastic_block_model([40, 60], 0.3, 0.02, r),
    "sbm_probs": lambda r: stochastic_block_model_from_probs(
        [20, 30, 10], np.array([[0.5, 0.1, 0.0], [0.1, 0.4, 0.05], [0.0, 0.05, 0.9]]), r
    ),
    "karate": lambda r: karate(),
}
RANDOM_BUILDERS = ["ws", "ba", "holme_kim", "sbm", "sbm_probs"]


def assert_valid(graph: SocialGraph) -> None:
    """Symmetric 0/1 CSR, no self-loops, no duplicates, sorted int32 indices."""
    a = graph.csr
    assert isinstance(a, sp.csr_array)
    assert a.shape == (graph.n, graph.n)
    assert a.indices.dtype == np.int32 and a.indptr.dtype == np.int32
    assert a.data.dtype == np.float32 and np.all(a.data == 1)
    assert (a != a.T).nnz == 0, "not symmetric"
    assert np.all(a.diagonal() == 0), "self-loop"
    rows = np.repeat(np.arange(graph.n), np.diff(a.indptr))
    same_row = rows[1:] == rows[:-1]
    assert np.all(np.diff(a.indices)[same_row] > 0), "duplicate or unsorted entries"
    assert graph.n_edges * 2 == a.nnz
    assert np.array_equal(graph.degree, np.diff(a.indptr))


def same_csr(a: SocialGraph, b: SocialGraph) -> bool:
    return (
        a.n == b.n
        and np.array_equal(a.csr.indptr, b.csr.indptr)
        and np.array_equal(a.csr.indices, b.csr.indices)
    )


# --- builders -------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_gives_a_valid_graph(name: str) -> None:
    graph = BUILDERS[name](rng())
    assert_valid(graph)
    assert graph.n_edges > 0
    assert graph.original_ids is None


@pytest.mark.parametrize("name", RANDOM_BUILDERS)
def test_same_seed_same_graph_other_seed_other_graph(name: str) -> None:
    first, again, other = (BUILDERS[name](rng(s)) for s in (7, 7, 8))
    assert same_csr(first, again)
    assert not same_csr(first, other)


def test_complete_everyone_knows_everyone() -> None:
    graph = complete(30)
    assert graph.n == 30 and graph.n_edges == 30 * 29 // 2
    assert np.all(graph.degree == 29)


def test_ring_lattice_links_k_nearest() -> None:
    graph = ring_lattice(50, 4)
    assert np.all(graph.degree == 4) and graph.n_edges == 100
    assert set(graph.csr.indices[graph.csr.indptr[0] : graph.csr.indptr[1]]) == {1, 2, 48, 49}


def test_watts_strogatz_without_rewiring_is_the_ring() -> None:
    assert same_csr(watts_strogatz(100, 6, 0.0, rng()), ring_lattice(100, 6))


def test_watts_strogatz_rewires_and_only_loses_ties() -> None:
    graph = watts_strogatz(1000, 6, 0.3, rng())
    assert 0.97 * 3000 < graph.n_edges <= 3000
    assert not same_csr(graph, ring_lattice(1000, 6))
    assert graph.degree.std() > 0


def test_barabasi_albert_mean_degree_and_heavy_tail() -> None:
    graph = barabasi_albert(2000, 3, rng())
    mean = graph.degree.mean()
    assert 0.95 * 6 < mean <= 6
    assert graph.degree.max() > 8 * mean
    assert graph.degree.min() >= 1


def test_attachment_with_only_the_seed_clique() -> None:
    assert barabasi_albert(4, 3, rng()).n_edges == 6
    assert holme_kim(4, 3, 0.5, rng()).n_edges == 6


def test_pointer_jumping_equals_the_sequential_batagelj_brandes_scheme() -> None:
    n, m = 300, 3
    targets = preferential_targets(n, m, rng(5))
    slots = [int(x) for pair in zip(*np.triu_indices(m + 1, k=1), strict=True) for x in pair]
    base = len(slots)
    draws = rng(5).integers(0, base + 2 * m * (np.arange(m * (n - m - 1)) // m))
    for link, newcomer in enumerate(np.repeat(np.arange(m + 1, n), m)):
        slots += [int(newcomer), slots[draws[link]]]
    assert np.array_equal(targets, slots[base + 1 :: 2])


def test_holme_kim_clusters_more_than_barabasi_albert() -> None:
    hk = nx.average_clustering(holme_kim(2000, 3, 0.8, rng()).to_networkx())
    ba = nx.average_clustering(barabasi_albert(2000, 3, rng()).to_networkx())
    assert hk > ba + 0.1


def test_holme_kim_triad_steps_close_triangles() -> None:
    n, m = 400, 4
    targets = holme_kim_targets(n, m, 1.0, rng(3)).reshape(-1, m)
    graph = holme_kim(n, m, 1.0, rng(3))
    first = targets[:, 0]  # with pt=1 every later link is a triad step from the first target
    for j in range(1, m):
        assert np.all(graph.csr[first, targets[:, j]] == 1)
    assert np.all(targets < np.arange(m + 1, n)[:, None])


def test_block_model_ties_mostly_inside_blocks() -> None:
    graph = stochastic_block_model([100, 150, 50], 0.2, 0.005, rng())
    assert graph.n == 300
    assert np.array_equal(np.bincount(graph.blocks), [100, 150, 50])
    coo = sp.triu(graph.csr, k=1, format="coo")
    inside = graph.blocks[coo.row] == graph.blocks[coo.col]
    assert inside.sum() > 5 * (~inside).sum()
    expected = expected_edge_count(
        "stochastic_block_model",
        sizes=[100, 150, 50],
        probs=np.array([[0.2, 0.005, 0.005], [0.005, 0.2, 0.005], [0.005, 0.005, 0.2]]),
    )
    assert abs(graph.n_edges - expected) < 5 * np.sqrt(expected)


def test_block_model_large_blocks_draw_distinct_pairs() -> None:
    graph = stochastic_block_model([3000, 3500], 0.001, 0.0002, rng())
    assert_valid(graph)
    coo = sp.triu(graph.csr, k=1, format="coo")
    between = int((graph.blocks[coo.row] != graph.blocks[coo.col]).sum())
    assert abs(between - 2100) < 5 * np.sqrt(2100)  # 3000 * 3500 * 0.0002, no deficit


def test_renumbering_keeps_blocks_with_their_people(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = stochastic_block_model([60, 90], 0.2, 0.01, rng(4))
    assert renumber_for_locality(plain) is plain  # small graphs are left alone
    monkeypatch.setattr(csr_module, "LOCALITY_MIN_N", 10)
    local = stochastic_block_model([60, 90], 0.2, 0.01, rng(4))
    assert_valid(local)
    assert not np.array_equal(local.blocks, plain.blocks)

    def block_pair_counts(g: SocialGraph) -> np.ndarray:
        coo = g.csr.tocoo()
        return np.bincount(g.blocks[coo.row] * 2 + g.blocks[coo.col], minlength=4)

    assert np.array_equal(block_pair_counts(local), block_pair_counts(plain))
    assert np.array_equal(np.sort(local.degree), np.sort(plain.degree))


def test_permute_relabels_edges_and_attributes() -> None:
    graph = from_edges(
        np.array([0, 1]),
        np.array([1, 2]),
        4,
        "path",
        original_ids=np.array([10, 11, 12, 13]),
        blocks=np.array([0, 0, 1, 1]),
    )
    moved = permute(graph, np.array([3, 2, 1, 0]))
    assert_valid(moved)
    assert moved.original_ids.tolist() == [13, 12, 11, 10]
    assert moved.blocks.tolist() == [1, 1, 0, 0]
    assert sorted(moved.to_networkx().edges()) == [(1, 2), (2, 3)]


def test_karate_club() -> None:
    graph = karate()
    assert (graph.n, graph.n_edges) == (34, 78)


@pytest.mark.parametrize(
    ("build", "key"),
    [
        (lambda: ring_lattice(10, 3), "community.k"),
        (lambda: ring_lattice(10, 10), "community.k"),
        (lambda: watts_strogatz(10, 4, 1.5, rng()), "community.beta"),
        (lambda: barabasi_albert(3, 3, rng()), "community.n"),
        (lambda: barabasi_albert(100, 0, rng()), "community.m"),
        (lambda: holme_kim(100, 2, -0.1, rng()), "community.pt"),
        (lambda: stochastic_block_model([10, 0], 0.1, 0.1, rng()), "community.sizes"),
        (lambda: stochastic_block_model([10, 10], 2.0, 0.1, rng()), "community.p_in"),
        (
            lambda: stochastic_block_model_from_probs(
                [5, 5], np.array([[0.1, 0.2], [0.3, 0.1]]), rng()
            ),
            "community.probs",
        ),
        (lambda: complete(10**7), "community.n"),
    ],
)
def test_bad_parameters_name_their_key(build: Callable[[], SocialGraph], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        build()
    assert info.value.key == key


# --- CSR helpers ----------------------------------------------------------------------


def test_from_edges_symmetrises_and_drops_loops_and_duplicates() -> None:
    graph = from_edges(np.array([0, 1, 1, 2, 3, 3]), np.array([1, 0, 1, 3, 2, 2]), 5, "t")
    assert_valid(graph)
    assert graph.n_edges == 2 and graph.degree.tolist() == [1, 1, 1, 1, 0]
    empty = from_edges(np.array([], dtype=int), np.array([], dtype=int), 3, "empty")
    assert empty.n == 3 and empty.n_edges == 0
    with pytest.raises(ValueError, match="lie in"):
        from_edges(np.array([0]), np.array([3]), 3, "bad")


def test_neighbours_of_matches_a_loop() -> None:
    graph = from_edges(np.array([0, 0, 1, 2, 5]), np.array([1, 2, 2, 3, 6]), 8, "t")
    nodes = np.array([2, 7, 0, 2, 6])
    src, nbr = neighbours_of(graph.csr, nodes)
    expected = [
        (int(i), int(j))
        for i in nodes
        for j in graph.csr.indices[graph.csr.indptr[i] : graph.csr.indptr[i + 1]]
    ]
    assert list(zip(src.tolist(), nbr.tolist(), strict=True)) == expected
    src, nbr = neighbours_of(graph.csr, np.array([], dtype=np.int64))
    assert src.size == 0 and nbr.size == 0


def test_to_networkx_carries_attributes() -> None:
    graph = stochastic_block_model([5, 5], 1.0, 0.0, rng())
    nxg = graph.to_networkx()
    assert sorted(nxg.nodes()) == list(range(10)) and nxg.number_of_edges() == 20
    assert nxg.nodes[7]["block"] == 1


# --- memory ---------------------------------------------------------------------------


def test_memory_check_refuses_huge_graphs() -> None:
    assert available_memory_bytes() > 0
    with pytest.raises(ConfigError, match="community.n") as info:
        check_fits("community.n", 10**9, 10**12)
    assert "GB" in str(info.value)
    check_fits("community.n", 1000, 5000)
    assert estimate_graph_bytes(10**6, 5 * 10**6) > estimate_graph_bytes(10**6, 10**6)


def test_expected_edge_counts() -> None:
    assert expected_edge_count("complete", n=10) == 45
    assert expected_edge_count("ring_lattice", n=10, k=4) == 20
    assert expected_edge_count("watts_strogatz", n=10, k=4) == 20
    assert expected_edge_count("barabasi_albert", n=100, m=3) == 300
    assert expected_edge_count("holme_kim", n=100, m=3) == 300
    assert (
        expected_edge_count(
            "stochastic_block_model", sizes=[10, 10], probs=np.array([[1.0, 0.0], [0.0, 1.0]])
        )
        == 90
    )
    with pytest.raises(ValueError):
        expected_edge_count("nope")


# --- loaders --------------------------------------------------------------------------


def edges_of(graph: SocialGraph) -> set[tuple]:
    """Ties as sorted pairs of original labels."""
    coo = sp.triu(graph.csr, k=1, format="coo")
    ids = graph.original_ids.tolist()
    return {tuple(sorted((ids[a], ids[b]))) for a, b in zip(coo.row, coo.col, strict=True)}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("space.txt", "1 2\n2 3\n3 1\n4 1\n"),
        ("tabs.tsv", "1\t2\n2\t3\t0.5\t1700000000\n3\t1\n4\t1\n"),
        ("comma.csv", "1,2\n2,3,7\n3, 1\n\n4,1\n"),
        ("header.csv", "source,target,weight\n1,2,1\n2,3,1\n3,1,1\n4,1,1\n"),
        ("comments.edges", "# a comment\n% konect style\n1 2 # trailing\n\n2 3\n3 1\n4 1\n"),
        ("crlf.el", "1 2\r\n2 3\r\n3 1\r\n4 1\r\n"),
        ("directed.txt", "1 2\n2 1\n2 3\n3 1\n1 3\n4 1\n1 4\n"),
        ("loops.txt", "1 2\n2 2\n2 3\n3 1\n4 1\n4 4\n"),
        ("numeric_header.txt", "from to\n1 2\n2 3\n3 1\n4 1\n"),
    ],
)
def test_edge_lists_in_every_layout(tmp_path: Path, name: str, text: str) -> None:
    graph = load_graph(write(tmp_path, name, text))
    assert_valid(graph)
    assert graph.original_ids.tolist() == [1, 2, 3, 4]
    assert edges_of(graph) == {(1, 2), (2, 3), (1, 3), (1, 4)}
    assert graph.name == name


def test_integer_labels_keep_numeric_order(tmp_path: Path) -> None:
    graph = load_graph(write(tmp_path, "g.txt", "10 9\n100 9\n"))
    assert graph.original_ids.tolist() == [9, 10, 100]
    assert graph.degree.tolist() == [2, 1, 1]


def test_string_labels_sorted_as_strings(tmp_path: Path) -> None:
    graph = load_graph(write(tmp_path, "names.csv", "carol,alice\nbob,alice\nalice,bob\n"))
    assert graph.original_ids.tolist() == ["alice", "bob", "carol"]
    assert edges_of(graph) == {("alice", "carol"), ("alice", "bob")}
    graph = load_graph(write(tmp_path, "named.csv", "source,target\nx1,x2\n"))
    assert graph.original_ids.tolist() == ["x1", "x2"]


def test_gzip_edge_list_and_format_override(tmp_path: Path) -> None:
    path = tmp_path / "g.txt.gz"
    path.write_bytes(gzip.compress(b"# gz\n1 2\n2 3\n"))
    assert load_graph(path).n_edges == 2
    odd = write(tmp_path, "g.dat", "1 2\n2 3\n")
    assert load_graph(odd, fmt="edgelist").n_edges == 2


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_round_trip(tmp_path: Path, fmt: str) -> None:
    original = nx.karate_club_graph()
    original.add_node(99)  # an isolated person is kept
    path = tmp_path / f"karate.{fmt}"
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(original, path)
    graph = load_graph(path)
    assert_valid(graph)
    assert graph.n == 35 and graph.n_edges == 78
    assert graph.original_ids.tolist() == [*range(34), 99]
    assert edges_of(graph) == {tuple(sorted(e)) for e in original.edges()}


def test_directed_graphml_becomes_undirected(tmp_path: Path) -> None:
    path = tmp_path / "d.graphml"
    nx.write_graphml(nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")]), path)
    graph = load_graph(path)
    assert graph.original_ids.tolist() == ["a", "b", "c"] and graph.n_edges == 2


@pytest.mark.parametrize(
    "text",
    [
        "1 2\n2 3 9\n3 1\n",
        "source target\n1 2\n",
        "a b\nc d\n",
        "1 2\nx y\n",
        "%c\n1 2\n",
        "1 2 # c\n#x\n\n3 4\n",
        "",
        "# only\n",
    ],
)
def test_fast_and_line_by_line_parsers_agree(text: str) -> None:
    fast = parse_edge_list(text, Path("x"))
    slow = _typed_labels(*_parse_lines(text.replace("%c", ""), Path("x")))
    assert [a.tolist() for a in fast] == [a.tolist() for a in slow]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", "no edges"),
        ("comments.txt", "# nothing\n% here\n", "no edges"),
        ("header_only.csv", "source,target\n", "no edges"),
        ("loops.txt", "1 1\n2 2\n", "only self-loops"),
        ("short.txt", "1 2\n2 3\n42\n3 4\n", "line 3 has only one field ('42')"),
        ("short_after_comments.csv", "# c\n\n1,2\n7,\n", "line 4"),
        ("graph.xyz", "1 2\n", "community.format="),
        ("bad.graphml", "<graphml><graph><node", "cannot be parsed as graphml"),
        ("bad.gexf", "not xml at all", "cannot be parsed as gexf"),
    ],
)
def test_bad_files_name_the_path_and_the_problem(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(ConfigError) as info:
        load_graph(path)
    assert info.value.key == "community.path"
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_folder_and_broken_gzip(tmp_path: Path) -> None:
    for path, message in [
        (tmp_path / "absent.txt", "no such file"),
        (tmp_path, "folder"),
        (tmp_path / "truncated.txt.gz", "gzip"),
        (tmp_path / "plain.txt.gz", "gzip"),
    ]:
        if path.name == "truncated.txt.gz":
            path.write_bytes(gzip.compress(b"1 2\n" * 100)[:15])
        if path.name == "plain.txt.gz":
            path.write_bytes(b"1 2\n")
        with pytest.raises(ConfigError, match=message) as info:
            load_graph(path)
        assert str(path) in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_graph(write(tmp_path, "g.txt", "1 2\n"), fmt="pajek")
    assert info.value.key == "community.format"


@pytest.mark.skipif(
    not (DATA / "facebook_combined.txt.gz").exists(),
    reason=f"shared data folder {DATA} absent (SNAP ego-Facebook not available)",
)
def test_ego_facebook_loads() -> None:
    graph = load_graph(DATA / "facebook_combined.txt.gz")
    assert (graph.n, graph.n_edges) == (4039, 88234)
    assert graph.original_ids[0] == 0 and graph.original_ids[-1] == 4038


# --- the rules' interface (agents.world.Neighbourhood) on CSR --------------------------


def test_csr_graph_answers_the_rules_from_its_ties() -> None:
    graph = barabasi_albert(300, 3, rng(4))
    r = rng(5)
    inside = r.random(300) < 0.3
    assert np.allclose(graph @ inside.astype(np.float32), graph.csr @ inside.astype(np.float32))
    ins, outs = np.zeros(300, np.int32), np.zeros(300, np.int32)
    graph.add_neighbour_counts(np.flatnonzero(inside), (ins, +1), (outs, -1))
    expect = np.rint(graph.csr @ inside.astype(np.float64)).astype(np.int32)
    assert np.array_equal(ins, expect) and np.array_equal(outs, -expect)
    people = np.arange(300)
    picks = graph.random_neighbour_in(r, people, lambda i: inside[i], ins)
    assert ((picks == -1) == (ins == 0)).all()
    has = picks >= 0
    assert inside[picks[has]].all() and graph.has_edge(people[has], picks[has]).all()
    sources = np.flatnonzero(inside)[:10]
    reached, src = graph.cascade(r, sources, lambda i: ~inside[i], 0.5)
    assert len(reached) > 0 and not inside[reached].any()
    assert np.isin(src, sources).all() and graph.has_edge(reached, src).all()

"""The implicit complete graph (``community=complete``) answers as the explicit matrix does."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from agents.acquisition import random_member_neighbour
from agents.sentiment import neighbour_sentiment
from agents.states import MEMBER, PROSPECT, State
from sim.errors import ConfigError
from sim.graphs import EXPLICIT_MAX_N, CompleteGraph, complete
from sim.model import CommunityModel
from tests.conftest import build, checked

N = 200


def random_states(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random mix of prospects, members and churned members, and sentiments."""
    rng = np.random.default_rng(seed)
    state = rng.choice([PROSPECT, MEMBER, State.CHURNED.value], size=N, p=[0.5, 0.3, 0.2])
    return state.astype(np.int8), rng.uniform(-1, 1, N), rng.integers(0, N, size=40)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_aggregates_equal_the_explicit_matrix(seed: int) -> None:
    implicit, explicit = CompleteGraph(N), complete(N)
    state, sentiment, people = random_states(seed)
    assert np.array_equal(implicit.degree, explicit.degree)
    assert implicit.n == explicit.n and implicit.n_edges == explicit.n_edges
    is_member = state == MEMBER
    members = np.flatnonzero(is_member)
    # member counts, added incrementally (with a repeated node) and by one product
    counts = {g: np.zeros(N, np.int32) for g in ("implicit", "explicit")}
    implicit.add_neighbour_counts(members, (counts["implicit"], +1))
    explicit.add_neighbour_counts(members, (counts["explicit"], +1))
    assert np.array_equal(counts["implicit"], counts["explicit"])
    assert np.array_equal(counts["implicit"], members.size - is_member)
    twice = np.array([people[0], people[0], people[1]])
    implicit.add_neighbour_counts(twice, (counts["implicit"], -1))
    explicit.add_neighbour_counts(twice, (counts["explicit"], -1))
    assert np.array_equal(counts["implicit"], counts["explicit"])
    # neighbour sums and the talkers' mean sentiment
    assert np.allclose(implicit @ sentiment, explicit @ sentiment.astype(np.float32), atol=1e-4)
    talks = state != PROSPECT
    n_talkers = talks.sum() - talks
    mean_i, has_i = neighbour_sentiment(implicit, sentiment, talks, n_talkers)
    mean_e, has_e = neighbour_sentiment(explicit.csr, sentiment, talks, n_talkers)
    assert np.allclose(mean_i, mean_e, atol=1e-5) and np.array_equal(has_i, has_e)
    # ties
    u, v = people[:20], people[20:]
    assert np.array_equal(implicit.has_edge(u, v), explicit.has_edge(u, v))
    assert np.array_equal(implicit.neighbours(people), explicit.neighbours(people))
    pos_i, nbr_i = implicit.neighbour_pairs(people)
    pos_e, nbr_e = explicit.neighbour_pairs(people)
    assert np.array_equal(pos_i, pos_e) and np.array_equal(nbr_i, nbr_e)
    assert (implicit.csr != explicit.csr).nnz == 0
    assert implicit.to_networkx().number_of_edges() == explicit.n_edges


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_member_neighbour_is_the_explicit_pick(seed: int) -> None:
    """Same uniforms, same pick: the r-th member other than the person, in index order."""
    state, _, people = random_states(seed)
    picks = []
    for graph in (CompleteGraph(N), complete(N)):
        pop = SimpleNamespace(state=state, member_nbrs=np.zeros(N, np.int32))
        graph.add_neighbour_counts(np.flatnonzero(state == MEMBER), (pop.member_nbrs, 1))
        world = SimpleNamespace(social=graph, rng=np.random.default_rng(seed), pop=pop)
        picks.append(random_member_neighbour(world, people))
    assert np.array_equal(picks[0], picks[1])
    assert (state[picks[0]] == MEMBER).all() and (picks[0] != people).all()


def test_a_lone_member_has_no_member_neighbour() -> None:
    graph, state = CompleteGraph(5), np.full(5, MEMBER, np.int8)
    state[[0, 1, 2]] = PROSPECT
    counts = np.zeros(5, np.int32)
    graph.add_neighbour_counts(np.array([3, 4]), (counts, 1))
    state[4] = PROSPECT
    counts = np.zeros(5, np.int32)
    graph.add_neighbour_counts(np.array([3]), (counts, 1))
    picks = graph.random_neighbour_in(
        np.random.default_rng(0), np.arange(5), lambda i: state[i] == MEMBER, counts
    )
    assert picks.tolist() == [3, 3, 3, -1, 3]


def test_cascade_from_totals_has_the_tie_by_tie_chances() -> None:
    """Each target is reached with 1 - (1 - w)^sources; its source is a random other source."""
    graph, rng = CompleteGraph(60), np.random.default_rng(5)
    sources, w, reps = np.arange(0, 60, 12), 0.1, 300  # 5 sources, 55 targets
    state = np.zeros(60, bool)
    state[12:] = True  # people 12.. can be reached (source 12, 24, ... among them)
    hits, refs, total = 0, [], 0
    for _ in range(reps):
        reached, ref = graph.cascade(rng, sources, lambda i: state[i], w)
        assert state[reached].all() and np.isin(ref, sources).all() and (ref != reached).all()
        hits += len(reached)
        refs.append(ref)
        total += 48
    # the 4 reachable sources get 4 tries, the 44 others 5
    expect = (4 * (1 - 0.9**4) + 44 * (1 - 0.9**5)) / 48
    share = hits / total
    assert abs(share - expect) <= 4 * np.sqrt(expect * (1 - expect) / total)
    counts = np.bincount(np.concatenate(refs), minlength=60)[sources]
    assert counts.min() > 0.7 * counts.mean()  # every source brings people, roughly evenly


def test_listing_the_ties_of_a_huge_complete_graph_is_refused() -> None:
    graph = CompleteGraph(10**6)
    assert graph.degree[0] == 10**6 - 1 and graph.n_edges == 10**6 * (10**6 - 1) // 2
    for use in (
        lambda: graph.csr,
        graph.to_networkx,
        lambda: graph.neighbours(np.array([0])),
    ):
        with pytest.raises(ConfigError) as err:
            use()
        assert err.value.key == "community.n" and "community=complete" in str(err.value)
        assert f"{EXPLICIT_MAX_N:,}" in str(err.value)
    assert graph.has_edge(np.array([1, 2]), np.array([1, 3])).tolist() == [False, True]


def test_model_on_the_implicit_graph_runs_as_on_the_matrix() -> None:
    """Bass (diffusion): the same seed gives the same run on either representation."""
    config = checked(
        (
            "behaviour=diffusion",
            "community=complete",
            f"community.n={N}",
            "days=15",
            "acquisition.p=0.01",
            "acquisition.q=0.3",
            "initial_members=0",
            "run.progress=off",
        )
    )
    implicit = CommunityModel(config).run()
    assert isinstance(implicit.social, CompleteGraph)
    explicit = CommunityModel(config, graph=complete(N)).run()
    assert implicit.recorder.frame().equals(explicit.recorder.frame())
    assert np.array_equal(implicit.pop.referrer, explicit.pop.referrer)


def test_counts_stay_exact_with_churn_and_sentiment() -> None:
    config = checked(("+experiment=smoke", "community=complete", "community.n=150", "days=40"))
    model = CommunityModel(config).run()
    assert model.n_churned > 0 and model.n_members > 0
    for value, counts in (
        (MEMBER, model.pop.member_nbrs),
        (State.CHURNED.value, model.pop.churned_nbrs),
    ):
        inside = model.pop.state == value
        assert np.array_equal(counts, inside.sum() - inside)
    assert model.add_ties(np.array([0, 1]), np.array([1, 2])) == 0  # everyone knows everyone


def test_seeding_that_reads_the_ties_is_refused_before_day_one() -> None:
    base = ("playbook=seed_degree", "community=complete", "community.n=2500", "days=5")
    model = build(*base, "run.progress=off")  # by degree: the degrees suffice
    assert model.n_members > 0
    with pytest.raises(ConfigError) as err:
        build(*base, "strategies.seeding.method=kcore", "run.progress=off")
    assert err.value.key == "strategies.seeding.method" and "community.n" in str(err.value)

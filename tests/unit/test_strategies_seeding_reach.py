"""Seeding, outside reach, platform profile and budget: mechanisms and lever checks.

The direction (Kempe, Kleinberg & Tardos 2003: the best-connected or the CELF greedy's
picks reach more people than random seeds) is checked in
tests/validation/test_directions_seeding_reach.py.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from agents.states import MEMBER, PROSPECT, Channel
from sim import compose, run, run_config
from sim.errors import ConfigError
from sim.graphs.builders import karate
from strategies.budget import Budget
from strategies.influence import (
    cascade_total,
    celf_greedy,
    core_numbers,
    degree_discount,
    pagerank,
    plain_greedy,
)
from strategies.platform import PlatformProfile
from strategies.reach import OutsideReach
from strategies.seeding import METHODS, Seeding
from tests.conftest import SMOKE, Builder

ADD_REACH = "+strategies.reach._target_=strategies.reach.OutsideReach"
ADD_BUDGET = "+strategies.budget._target_=strategies.budget.Budget"
ADD_PLATFORM = "+strategies.platform._target_=strategies.platform.PlatformProfile"


# ----- contract ---------------------------------------------------------------------------
CASES = [
    ["playbook=seed_greedy"],
    ["playbook=seed_random", "strategies.seeding.schedule=spread"],
    [ADD_REACH, "+strategies.reach.partner_members_per_day=2"],
    [ADD_PLATFORM, "+strategies.platform.group_cap=30", "+strategies.platform.ease_of_sharing=2"],
    [ADD_BUDGET, ADD_REACH, "+strategies.budget.total=300"],
]


@pytest.mark.parametrize(
    "overrides", CASES, ids=["greedy", "spread", "reach", "platform", "budget"]
)
def test_same_seed_same_result_and_costs_booked(overrides: list[str]) -> None:
    config = compose([*SMOKE, "seed=3", *overrides])  # composed once: the runs are what must agree
    a, b = run_config(config), run_config(config)
    assert a.metrics.equals(b.metrics) and a.members.equals(b.members)
    assert a.summary["cost_total"] > 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: Seeding(method="greedy", k=10),
        lambda: Seeding(method="random", k=10, schedule="spread", over_days=5),
        lambda: OutsideReach(partner_members_per_day=1.0),
        lambda: PlatformProfile(group_cap=20),
        lambda: Budget(total=200.0),
    ],
)
def test_setup_resets(make: object, make_model: Builder) -> None:
    strategy = make()  # type: ignore[operator]
    first = make_model(*SMOKE, strategies=[strategy]).run(20).recorder.frame()
    again = make_model(*SMOKE, strategies=[strategy]).run(20).recorder.frame()
    fresh = make_model(*SMOKE, strategies=[make()]).run(20).recorder.frame()  # type: ignore[operator]
    assert first.equals(again) and first.equals(fresh)


@pytest.mark.parametrize(
    "override,key",
    [
        ("strategies.seeding.method=magic", "strategies.seeding.method"),
        ("strategies.seeding.k=-1", "strategies.seeding.k"),
        ("strategies.seeding.segment=nobody", "strategies.seeding.segment"),
    ],
)
def test_invalid_seeding_levers_name_the_key(override: str, key: str) -> None:
    extra = ["strategies.seeding.method=segment"] if "segment=" in override else []
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        run([*SMOKE, "playbook=seed_degree", *extra, override])


def test_invalid_levers_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"strategies\.reach\.ad_spend_per_day"):
        run([*SMOKE, ADD_REACH, "+strategies.reach.ad_spend_per_day=-3"])
    with pytest.raises(ConfigError, match=r"strategies\.budget\.total"):
        run([*SMOKE, ADD_BUDGET, "+strategies.budget.total=-1"])
    with pytest.raises(ConfigError, match=r"strategies\.reach\.ad_end"):
        OutsideReach(ad_start=10, ad_end=5)
    with pytest.raises(ConfigError, match=r"strategies\.seeding\.segment"):
        Seeding(method="segment")


# ----- seeding ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_each_method_invites_k_distinct_prospects(method: str, make_model: Builder) -> None:
    seeding = Seeding(method=method, k=25, segment="students" if method == "segment" else None)
    model = make_model(*SMOKE, strategies=[seeding])
    prospects = model.pop.state == PROSPECT
    top = seeding.ranking_[:25]
    assert len(np.unique(top)) == 25 and prospects[top].all()
    model.run(1)
    assert len(np.unique(seeding.invited_)) == 25 and prospects[seeding.invited_].all()
    if method == "segment":
        assert (model.pop.segment[seeding.invited_] == model.segments.names.index("students")).all()


def test_members_are_skipped_for_the_next_best(make_model: Builder) -> None:
    seeding = Seeding(method="degree", k=10, acceptance=1.0)
    model = make_model(*SMOKE, strategies=[seeding])
    best = seeding.ranking_[:3]
    model.ops.invite(best, 1.0)  # they join before the campaign
    model.run(1)
    assert not np.isin(best, seeding.invited_).any()
    assert list(seeding.invited_) == list(seeding.ranking_[3:13])
    assert (model.pop.channel[seeding.invited_] == Channel.SEEDED.value).all()


def test_spread_schedule_sends_evenly(make_model: Builder) -> None:
    seeding = Seeding(method="random", k=20, schedule="spread", over_days=4)
    model = make_model(*SMOKE, strategies=[seeding])
    sent: list[int] = []
    model.run(6, on_day=lambda m: sent.append(len(seeding.invited_)))
    assert sent == [5, 10, 15, 20, 20, 20]
    assert model.cost_by_item["seeding"] == 20 * seeding.cost_per_invite


def reference_degree_discount(graph: nx.Graph, k: int, p: float) -> list[int]:
    """Chen, Wang & Yang (2009), algorithm 4, written node by node."""
    dd = {v: float(graph.degree(v)) for v in graph}
    t = dict.fromkeys(graph, 0)
    chosen: list[int] = []
    for _ in range(k):
        u = max((v for v in graph if v not in chosen), key=lambda v: (dd[v], -v))
        chosen.append(u)
        for v in graph[u]:
            if v not in chosen:
                t[v] += 1
                d = graph.degree(v)
                dd[v] = d - 2 * t[v] - (d - t[v]) * t[v] * p
    return chosen


def test_graph_heuristics_on_karate() -> None:
    g = karate()
    graph = g.to_networkx()
    for p in (0.01, 0.1, 0.3):
        picks = degree_discount(g.csr, 8, p, np.ones(34, dtype=bool))
        assert list(picks) == reference_degree_discount(graph, 8, p)
    core = nx.core_number(graph)
    assert list(core_numbers(g.csr)) == [core[v] for v in range(34)]
    pr = nx.pagerank(graph, tol=1e-12)
    assert np.allclose(pagerank(g.csr), [pr[v] for v in range(34)], atol=1e-8)


def test_kcore_and_pagerank_rankings_on_karate(make_model: Builder) -> None:
    core = nx.core_number(karate().to_networkx())
    for method in ("kcore", "pagerank", "degree_discount"):
        seeding = Seeding(method=method, k=5)
        model = make_model("community=karate", "initial_members=0", strategies=[seeding])
        ranks = seeding.ranking_
        assert sorted(ranks) == list(range(34))
        if method == "kcore":
            assert [core[v] for v in ranks[:10]] == [4] * 10
        if method == "pagerank":
            assert set(ranks[:2]) == {0, 33}
        assert model.n_members == 0


def test_celf_picks_the_plain_greedy_set() -> None:
    g = karate()
    for p, key in ((0.05, 1), (0.1, 2), (0.3, 3)):
        lazy, complete = celf_greedy(g.csr, np.arange(34), 6, p, 40, key, base=np.array([5]))
        assert complete
        plain = plain_greedy(g.csr, np.arange(34), 6, p, 40, key, base=np.array([5]))
        assert list(lazy) == list(plain)
    assert cascade_total(g.csr, np.array([0]), 1.0, 3, 0) == 3 * 34
    assert cascade_total(g.csr, np.array([0, 1]), 0.0, 5, 0) == 10


def test_greedy_out_of_time_fills_by_degree_and_says_so(make_model: Builder) -> None:
    seeding = Seeding(method="greedy", k=15, max_seconds=0.0)
    model = make_model(*SMOKE, strategies=[seeding]).run(2)
    assert not seeding.greedy_complete_
    assert len(np.unique(seeding.invited_)) == 15
    assert model.recorder.frame()["seeding_greedy_complete"].iloc[-1] == 0


# ----- outside reach, platform, budget ---------------------------------------------------
def test_ads_joins_have_channel_ads_and_a_positive_cost_per_join() -> None:
    r = run([*SMOKE, ADD_REACH, "+strategies.reach.ad_p_max=0.01"])
    s, m = r.summary, r.metrics
    assert s["joined_ads"] > 0 and m["ads_joins"].sum() == s["joined_ads"]
    assert (r.members["channel"] == "ads").sum() == s["joined_ads"]
    assert s["cost_ads"] == 30 * 50.0 and m["ads_cost_per_join"].iloc[-1] > 0
    assert m["ads_cost_per_join"].iloc[-1] == pytest.approx(s["cost_ads"] / s["joined_ads"])
    reach = OutsideReach()
    assert 0 < reach.ad_join_chance(50) < reach.ad_join_chance(100) < reach.ad_p_max
    assert reach.ad_join_chance(100) - reach.ad_join_chance(50) < reach.ad_join_chance(50)


def test_partners_join_only_inside_their_window() -> None:
    r = run(
        [
            *SMOKE,
            ADD_REACH,
            "+strategies.reach.ad_spend_per_day=0",
            "+strategies.reach.partner_members_per_day=3",
            "+strategies.reach.partner_start=10",
            "+strategies.reach.partner_end=20",
            "+strategies.reach.partner_fee=4",
        ]
    )
    sent = r.members[r.members["channel"] == "partner"]
    assert len(sent) > 10 and sent["joined_day"].between(10, 20).all()
    assert r.summary["cost_partners"] == pytest.approx(11 * 4 + 3.0 * len(sent))


def test_platform_levers_reach_the_day(make_model: Builder) -> None:
    platform = PlatformProfile(
        group_cap=10, group_split_elasticity=0.5, notification_strength=0.2, ease_of_sharing=1.5
    )
    model = make_model(*SMOKE, strategies=[platform])
    levers = model.levers
    levers.reset()
    platform.act(model.ops)
    assert levers.post_multiplier == pytest.approx((10 / model.n_members) ** 0.5)
    assert levers.wom_multiplier == 1.5
    members = np.flatnonzero(model.pop.state == MEMBER)
    expected = 0.2 * (1 - model.pop.commitment[members])
    assert np.allclose(levers.visit_push[members], expected)
    assert platform.split_factor(5) == 1.0 and platform.split_factor(40) == 0.5


def test_group_cap_cuts_posting() -> None:
    wide = run([*SMOKE, "seed=1", ADD_PLATFORM, "+strategies.platform.group_cap=100000"])
    tight = run(
        [
            *SMOKE,
            "seed=1",
            ADD_PLATFORM,
            "+strategies.platform.group_cap=5",
            "+strategies.platform.group_split_elasticity=1",
        ]
    )
    assert tight.summary["posts_total"] < 0.7 * wide.summary["posts_total"]


def test_budget_stops_spending() -> None:
    """Unpaced (asap), the total goes at the strategies' own rate and then nothing is paid."""
    r = run([*SMOKE, ADD_BUDGET, ADD_REACH, "+strategies.budget.total=420", "budget_pacing=asap"])
    s = r.summary
    assert s["budget_exhausted_day"] >= 1 and s["cost_total"] <= 420
    assert s["cost_total"] == 400.0 and s["budget_exhausted_day"] == 9  # 50 a day
    assert (r.metrics["cost"].iloc[9:] == 0).all()
    assert r.metrics["budget_left"].iloc[-1] == pytest.approx(20.0)

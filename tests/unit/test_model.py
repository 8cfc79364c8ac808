"""The model: arrays and handles agree, phases run, metrics follow the contract."""

from __future__ import annotations

import numpy as np
import pytest

from agents.member import Member
from agents.states import Channel, State
from sim import run
from sim.model import CommunityModel
from sim.runner import check, compose
from tests.conftest import SMOKE


def make_model(*overrides: str) -> CommunityModel:
    return CommunityModel(check(compose([*SMOKE, *overrides])))


def test_metrics_contract() -> None:
    result = run(SMOKE)
    m = result.metrics
    for col in ("day", "members", "new_members", "joined_total", "churned_total", "active"):
        assert col in m.columns
    assert list(m["day"]) == list(range(31))
    assert m["joined_total"].iloc[0] == 20 and m["new_members"].iloc[0] == 20
    assert (m["members"] == m["joined_total"] - m["churned_total"]).all()
    assert (np.diff(m["joined_total"]) == m["new_members"].iloc[1:]).all()
    for key in (
        "n_people",
        "members_final",
        "joined_total",
        "churned_total",
        "peak_active",
        "active_final",
    ):
        assert isinstance(result.summary[key], int)
    assert result.summary["n_people"] == 300
    assert {"id", "state", "joined_day"} <= set(result.members.columns)
    never = result.members["state"] == "prospect"
    assert (result.members.loc[never, "joined_day"] == -1).all()


def test_same_seed_same_result_other_seed_differs() -> None:
    a, b = run([*SMOKE, "seed=4"]), run([*SMOKE, "seed=4"])
    c = run([*SMOKE, "seed=5"])
    assert a.metrics.equals(b.metrics) and a.members.equals(b.members)
    assert not a.metrics.equals(c.metrics)


def test_member_handles_read_and_write_arrays() -> None:
    model = make_model()
    assert len(model.agents) == model.n_people
    member = model.member(int(np.flatnonzero(model.pop.state == State.MEMBER.value)[0]))
    assert isinstance(member, Member) and member.state is State.MEMBER
    assert member.channel is Channel.INITIAL
    member.commitment = 0.25
    assert model.pop.commitment[member.index] == 0.25
    members = model.agents.select(lambda a: a.state is State.MEMBER)
    assert len(members) == model.config.initial_members
    assert all(
        n.index
        in set(
            model.csr.indices[model.csr.indptr[member.index] : model.csr.indptr[member.index + 1]]
        )
        for n in member.neighbours
    )


def test_handles_can_be_skipped_without_changing_results() -> None:
    on = run([*SMOKE, "run.handles=on", "seed=2"])
    off = run([*SMOKE, "run.handles=off", "seed=2"])
    assert on.metrics.equals(off.metrics)


def test_member_neighbour_counts_stay_exact() -> None:
    model = make_model("days=60")
    for _ in range(60):
        model.step()
    is_member = (model.pop.state == State.MEMBER.value).astype(float)
    assert np.array_equal(model.pop.member_nbrs, (model.csr @ is_member).astype(np.int32))
    is_churned = (model.pop.state == State.CHURNED.value).astype(float)
    assert np.array_equal(model.pop.churned_nbrs, (model.csr @ is_churned).astype(np.int32))


@pytest.mark.parametrize("rule", ["bass", "cascade", "threshold"])
def test_every_rule_grows_the_community(rule: str) -> None:
    result = run([*SMOKE, f"acquisition.rule={rule}", "days=60", "acquisition.p=0.002"])
    assert result.summary["joined_total"] > 20


def test_diffusion_switches_off_visits_and_churn() -> None:
    result = run([*SMOKE, "behaviour=diffusion"])
    assert result.summary["churned_total"] == 0
    assert (result.metrics["active"] == result.metrics["members"]).all()


def test_capacity_caps_daily_joins() -> None:
    result = run([*SMOKE, "acquisition.p=0.5", "acquisition.max_joins_per_day=7"])
    assert result.metrics["new_members"].iloc[1:].max() <= 7


def test_degree_placement_takes_the_hubs() -> None:
    model = make_model("initial_placement=degree", "initial_members=5")
    members = np.flatnonzero(model.pop.state == State.MEMBER.value)
    assert model.pop.degree[members].min() >= np.sort(model.pop.degree)[-5]


def test_attribution_records_channel_and_referrer() -> None:
    result = run([*SMOKE, "days=90", "acquisition.q=0.3"])
    wom = result.members[result.members["channel"] == "wom"]
    assert len(wom) > 0 and (wom["referrer"] >= 0).all()
    organic = result.members[result.members["channel"] == "organic"]
    assert (organic["referrer"] == -1).all()


def test_no_global_numpy_random_state_used() -> None:
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    run(SMOKE)
    assert np.array_equal(before, np.random.get_state()[1])  # noqa: NPY002


def test_outputs_written(tmp_path) -> None:
    result = run(SMOKE, out_dir=tmp_path)
    for name in ("metrics.parquet", "summary.json", "config.yaml", "seed.json", "members.parquet"):
        assert (tmp_path / name).is_file()
    assert result.out_dir == tmp_path
    assert not list(tmp_path.glob(".*.tmp"))

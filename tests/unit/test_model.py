"""The model: arrays and handles agree, phases run, metrics follow the contract."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from agents.member import Member
from agents.states import Channel, State
from sim import run
from sim.errors import ConfigError
from sim.model import CommunityModel
from sim.phases import PHASES, phases_for
from sim.runner import check, compose, model_from_config, to_plain
from tests.conftest import SMOKE, Builder


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


def test_member_handles_read_and_write_arrays(make_model: Builder) -> None:
    model = make_model(*SMOKE)
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


def test_member_neighbour_counts_stay_exact(make_model: Builder) -> None:
    model = make_model(*SMOKE, "days=60").run()
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


def test_degree_placement_takes_the_hubs(make_model: Builder) -> None:
    model = make_model(*SMOKE, "initial_placement=degree", "initial_members=5")
    members = np.flatnonzero(model.pop.state == State.MEMBER.value)
    assert model.pop.degree[members].min() >= np.sort(model.pop.degree)[-5]


def test_attribution_records_channel_and_referrer() -> None:
    result = run([*SMOKE, "days=90", "acquisition.q=0.3"])
    wom = result.members[result.members["channel"] == "wom"]
    assert len(wom) > 0 and (wom["referrer"] >= 0).all()
    organic = result.members[result.members["channel"] == "organic"]
    assert (organic["referrer"] == -1).all()


def test_no_global_numpy_random_state_used() -> None:
    before = np.random.get_state()  # noqa: NPY002
    run(SMOKE)
    after = np.random.get_state()  # noqa: NPY002
    assert all(
        np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
        for a, b in zip(before, after, strict=True)
    )


def test_outputs_written(tmp_path) -> None:
    result = run(SMOKE, out_dir=tmp_path)
    for name in ("metrics.parquet", "summary.json", "config.yaml", "seed.json", "members.parquet"):
        assert (tmp_path / name).is_file()
    assert result.out_dir == tmp_path
    assert not list(tmp_path.glob(".*.tmp"))


def test_member_unique_id_is_the_person_index(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    assert model.member(42).unique_id == 42 and model.member(7).unique_id == 7
    assert all(a.unique_id == a.index for a in model.agents)
    assert sorted(a.unique_id for a in model.agents) == list(range(model.n_people))


def test_run_steps_the_days_and_calls_back(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    seen: list[int] = []
    assert model.run(5, on_day=lambda m: seen.append(m.day)) is model
    assert seen == [1, 2, 3, 4, 5]
    model.run()  # the rest of the configured days
    assert model.day == model.config.days and not model.running
    assert model.recorder.frame().equals(run(SMOKE).metrics)


def test_add_reporter_before_the_run_only(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    model.add_reporter("double_members", lambda m: 2 * m.n_members)
    model.run(3)
    frame = model.recorder.frame()
    assert list(frame.columns)[-1] == "double_members"
    assert (frame["double_members"] == 2 * frame["members"]).all()
    with pytest.raises(RuntimeError, match="has started"):
        model.add_reporter("late", lambda m: 0)


def test_computed_metric_only_when_requested(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    assert "exposure_diversity" not in model.recorder.reporters
    model.request_metric("exposure_diversity")
    model.run()
    diversity = model.recorder.frame()["exposure_diversity"]
    assert diversity.notna().any() and diversity.dropna().between(0, 1).all()
    with pytest.raises(ValueError, match="exposure_diversity"):
        make_model(*SMOKE).request_metric("no_such_metric")


def test_strategies_read_the_model_read_only(make_model: Builder) -> None:
    ops = make_model(*SMOKE).ops
    for view in (ops.pop.points, ops.pop.state, ops.today.visitors, ops.content.day):
        with pytest.raises(ValueError, match="read-only"):
            view[:1] = 0


def test_daily_levers_reset_in_place(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    levers = model.levers
    push = levers.visit_push
    model.ops.push_visits(np.array([1, 2]), 0.5)
    model.ops.boost_posting(None, 2.0)
    model.run(1)
    assert levers.visit_push is push and not push.any()
    assert (levers.post_multiplier == 1.0).all()


def test_each_phase_declares_when_it_runs() -> None:
    assert [p.name for p in PHASES][-2:] == ["content", "ageing"]
    for phase in PHASES:
        assert phase.when and phase.doc, phase.name
    quiet = check(compose([*SMOKE, "behaviour.churn.enabled=false"]))
    names = [p.name for p in phases_for(quiet)]
    assert "churn" not in names and "content" in names and "crises" not in names


SWITCHES = (
    "visits",
    "consumption",
    "contribution",
    "commitment",
    "levels",
    "sentiment",
    "churn",
    "money",
)


def content_stays_fresh(combos) -> None:
    """With the full playbook publishing, no item outlives its lifetime, whatever is off.

    The config is composed once and each combination switched off in its plain dict (the
    model is checked and built from it as ``commsim run`` would), which keeps the 255
    combinations of ``tests/validation`` quick.
    """
    plain = to_plain(compose([*SMOKE, "playbook=full_playbook", "days=40"]))
    for off in combos:
        cfg = copy.deepcopy(plain)
        for name in off:
            cfg["behaviour"][name]["enabled"] = False
        model = model_from_config(cfg)
        lifetime = model.config.behaviour.content.lifetime

        def fresh(m: CommunityModel, off=off, lifetime=lifetime) -> None:
            assert (m.pool.day > m.day - lifetime).all(), off

        model.run(on_day=fresh)
        assert model.recorder.frame()["items"].max() > 0, off  # content was published


def test_operator_content_expires_with_any_switch_off() -> None:
    content_stays_fresh([(name,) for name in SWITCHES] + [SWITCHES])


def test_metrics_can_be_skipped_without_changing_results() -> None:
    """``run.metrics=off`` (calibration's simulations) records day 0 only, same dynamics."""
    from experiments.calibration.simulate import simulate

    plain = to_plain(compose(list(SMOKE)))
    on = model_from_config(plain)
    off = model_from_config({**plain, "run": {**plain["run"], "metrics": "off"}})
    on.run()
    off.run()
    assert len(on.recorder.frame()) == 31 and len(off.recorder.frame()) == 1
    for name in ("state", "commitment", "last_visit", "posts"):
        assert np.array_equal(getattr(on.pop, name), getattr(off.pop, name)), name
    series = simulate(plain, 3, 20)  # simulate switches the table off itself
    assert series.daily["active_users"].sum() > 0
    with pytest.raises(ConfigError) as err:
        run([*SMOKE, "run.metrics=off"])
    assert err.value.key == "run.metrics"

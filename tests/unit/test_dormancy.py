"""Dormant members, leaving, the activity metrics (dau, wau, mau, dormant) and churn.definition."""

from __future__ import annotations

import numpy as np
import pytest

from agents.states import MEMBER
from sim import run
from sim.errors import ConfigError
from sim.kpi_settings import parse_churn
from tests.conftest import SMOKE, build


def _recount(model, window: int) -> int:
    """Members whose last visit lies in the last ``window`` days, recounted from the people."""
    pop = model.pop
    members = pop.state == MEMBER
    return int(np.count_nonzero(members & (model.day - pop.last_visit < window)))


def test_metrics_count_members_by_their_last_visit():
    model = build(*SMOKE, "days=90")
    rows = []

    def check(m):
        rows.append((m.day, _recount(m, 7), _recount(m, 30), m.n_members - _recount(m, 30)))

    model.run(on_day=check)
    metrics = model.recorder.frame().set_index("day")
    for day, wau, mau, dormant in rows:
        assert metrics.loc[day, "wau"] == wau
        assert metrics.loc[day, "mau"] == mau
        assert metrics.loc[day, "dormant"] == dormant  # after_days = 30
    assert (metrics["dau"] == metrics["active"]).all()
    assert (metrics["dau"] <= metrics["wau"]).all() and (metrics["wau"] <= metrics["mau"]).all()
    assert (metrics["mau"] <= metrics["members"]).all()


def test_dormant_members_stay_members_and_visit_less():
    """A year on the default community: many members go quiet, few of them leave."""
    model = build(*SMOKE, "days=240", "community.n=1000")
    model.run()
    last = model.recorder.frame().iloc[-1]
    assert last["dormant"] > 0.15 * last["members"]  # silent, still members
    assert last["wau"] < 0.7 * last["members"]
    assert last["left_total"] < last["joined_total"] / 2


def test_visit_factor_lowers_dormant_visits():
    def returns(factor: float) -> int:
        model = build(
            *SMOKE, "days=200", "community.n=1000", f"behaviour.dormancy.visit_factor={factor}"
        )
        model.run()
        return int(model.recorder.frame()["dormant"].iloc[-1])

    assert returns(0.0) > returns(1.0)  # never coming back: more stay dormant


def test_leaving_rises_with_silence():
    fast = build(*SMOKE, "days=150", "behaviour.churn.inactivity=0.01")
    slow = build(*SMOKE, "days=150", "behaviour.churn.inactivity=0.0")
    fast.run()
    slow.run()
    assert fast.n_churned > slow.n_churned


def test_inactive_days_definition_counts_silent_members_as_churned():
    left = run([*SMOKE, "days=120"])
    inactive = run([*SMOKE, "days=120", "churn.definition=inactive_days:30"])
    a, b = left.metrics, inactive.metrics
    assert (a["members"] == b["members"]).all()  # the simulation is the same
    assert (b["churned_total"] == b["left_total"] + b["dormant"]).all()  # after_days = 30
    assert (a["churned_total"] == a["left_total"]).all()
    assert inactive.summary["churned_total"] > left.summary["churned_total"]


def test_summary_gains_wau_mean_and_stickiness():
    result = run([*SMOKE, "days=60"])
    m, s = result.metrics, result.summary
    assert s["wau_mean"] == pytest.approx(m["wau"].iloc[1:].mean())
    assert s["stickiness"] == pytest.approx((m["dau"] / m["mau"]).iloc[1:].mean())
    assert 0 < s["stickiness"] <= 1
    assert s["dormant_final"] == m["dormant"].iloc[-1]


@pytest.mark.parametrize("value", ["gone", "inactive_days:0", "inactive_days:x", "inactive_days"])
def test_bad_churn_definition_names_the_key(value):
    with pytest.raises(ConfigError) as err:
        parse_churn({"definition": value})
    assert err.value.key == "churn.definition"
    assert "inactive_days:N" in err.value.fix


def test_churn_definition_parses_the_window():
    assert parse_churn({"definition": "inactive_days:45"}).inactive_days == 45
    assert parse_churn(None).inactive_days is None

"""Starting from where a community stands: a start state read from a file, or built from
a few aggregates (``start.*``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.states import CHURNED, MEMBER, Channel
from sim.errors import ConfigError
from sim.start import StartState
from tests.conftest import SMOKE, build

AGGREGATES = [
    "community.n=3000",
    "start.members=800",
    "start.weekly_active=200",
    "start.monthly_active=420",
    "start.new_per_week=20",
    "start.age_days=400",
]


def _state() -> StartState:
    return StartState(
        tenure=np.array([0, 10, 100, 400, 50]),
        idle=np.array([0, 3, 50, 390, 49]),
        left=np.array([False, False, False, True, False]),
        commitment=np.array([0.5, 0.4, 0.1, 0.0, 0.2]),
        activity=np.array([1.0, 9.0, 0.0, 0.0, 0.6]),
        visits_month=np.array([1.0, 8.0, 0.0, 0.0, 1.0]),
        posts=np.array([1, 40, 3, 2, 5]),
    )


def test_a_start_file_becomes_day_zero(tmp_path):
    path = _state().write(tmp_path / "start.parquet")
    model = build(*SMOKE, f"start.path={path}")
    pop = model.pop
    placed = np.flatnonzero(pop.state != 0)
    assert len(placed) == 5 and model.n_members == 4 and model.n_churned == 1
    assert (pop.channel[placed] == Channel.INITIAL.value).all()
    by_tenure = placed[np.argsort(-pop.joined_day[placed])]  # tenure 0, 10, 50, 100, 400
    assert list(-pop.joined_day[by_tenure]) == [0, 10, 50, 100, 400]
    assert list(-pop.last_visit[by_tenure]) == [0, 3, 49, 50, 390]
    assert pop.state[by_tenure[-1]] == CHURNED
    row = model.recorder.frame().iloc[0]
    assert (row["members"], row["wau"], row["mau"], row["dormant"]) == (4, 2, 2, 2)
    assert row["active"] == 1 and row["new_members"] == 1
    assert np.isclose(pop.commitment[by_tenure[1]], 0.4)


def test_degree_placement_puts_the_most_active_on_hubs(tmp_path):
    path = _state().write(tmp_path / "start.parquet")
    model = build(*SMOKE, f"start.path={path}", "initial_placement=degree")
    pop = model.pop
    hub = int(np.argmax(pop.degree))
    assert pop.activity[hub] == 9.0  # the most active entry


def test_a_start_file_must_fit_in_the_community(tmp_path):
    path = _state().write(tmp_path / "start.parquet")
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, f"start.path={path}", "community=complete", "community.n=4")
    assert err.value.key == "start.path" and "community.n" in err.value.fix
    build(*SMOKE, f"start.path={path}", "community=complete", "community.n=5")  # all joined


def test_a_bad_start_file_is_refused(tmp_path):
    bad = tmp_path / "start.parquet"
    pd.DataFrame({"tenure": [1]}).to_parquet(bad)
    with pytest.raises(ConfigError) as err:
        StartState.read(bad)
    assert err.value.key == "start.path" and "idle" in str(err.value.value)
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, f"start.path={tmp_path / 'missing.parquet'}")
    assert err.value.key == "start.path"


def test_idle_cannot_exceed_tenure():
    with pytest.raises(ValueError, match="idle <= tenure"):
        _state().replace(idle=np.array([1, 3, 50, 390, 49]))


def test_aggregates_hold_on_day_zero():
    model = build(*SMOKE, *AGGREGATES)
    row = model.recorder.frame().iloc[0]
    assert (row["members"], row["wau"], row["mau"]) == (800, 200, 420)
    assert row["dormant"] == 380
    pop = model.pop
    members = pop.state == MEMBER
    assert pop.joined_day[members].min() > -400
    recent = members & (pop.joined_day > -28)
    assert abs(int(recent.sum()) - 80) <= 1  # 20 a week over four weeks
    assert model.acquisition.p != model.config.acquisition.p  # scaled to 20 a week


def test_monthly_actives_default_from_weekly():
    model = build(*SMOKE, "community.n=3000", "start.members=800", "start.weekly_active=100")
    assert model.recorder.frame().iloc[0]["mau"] == 220


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("start.weekly_active=900", "start.weekly_active"),
        ("start.monthly_active=100", "start.monthly_active"),
        ("start.members=3000", "start.members"),
        ("start.path=x.parquet", "start.members"),
    ],
)
def test_inconsistent_aggregates_name_the_key(override, key, tmp_path):
    if override.startswith("start.path"):
        override = f"start.path={_state().write(tmp_path / 'x.parquet')}"
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, *AGGREGATES, override)
    assert err.value.key == key


def test_aggregates_without_members_are_refused():
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, "start.weekly_active=50")
    assert err.value.key == "start.weekly_active" and "start.members" in err.value.fix


def test_new_per_week_needs_the_bass_rule():
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, *AGGREGATES, "acquisition.rule=cascade")
    assert err.value.key == "start.new_per_week"


def test_unreachable_weekly_actives_give_the_reachable_range():
    with pytest.raises(ConfigError) as err:
        build(*SMOKE, *AGGREGATES[:2], "start.weekly_active=5", "start.monthly_active=600")
    assert err.value.key == "start.weekly_active" and "between" in err.value.fix


def test_calibration_series_of_a_run_from_a_start_state():
    """People who joined before day 0 belong to no weekly cohort of the run."""
    from experiments.calibration.simulate import simulate
    from sim.runner import compose, to_plain

    plain = to_plain(compose([*SMOKE, *AGGREGATES]))
    series = simulate(plain, 0, 28)
    assert series.sizes.sum() == series.daily["new_users"][:28].sum()
    assert series.daily["cumulative_users"][0] == 800

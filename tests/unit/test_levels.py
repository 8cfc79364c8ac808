"""Levels blocks: outside drivers fitted by time block (settings and the update rule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

from experiments.calibration.fit import Problem, Simulator, fit_levels, level_blocks
from experiments.calibration.series import Series
from experiments.calibration.settings import parse_settings
from sim.drivers import daily_multipliers
from sim.drivers_check import parse_drivers
from sim.errors import ConfigError
from sim.runner import compose

N_DAYS = 70
#: the outside activity by week of a community whose active users follow it exactly
TRUTH = np.array([1.0, 2.0, 4.0, 4.0, 0.5, 0.5, 1.0, 1.0, 2.0, 2.0])


def settings(*overrides: str) -> Any:
    cfg = compose(["data=x", *overrides], config_name="calibrate")
    return parse_settings(cfg)


def test_default_calibration_fits_weekly_activity_levels() -> None:
    s = settings()
    (block,) = s.levels
    assert (block.levels, block.key, block.block_days) == (
        "activity",
        "drivers.monthly_activity",
        7,
    )
    assert not block.params and "activity" in s.schedule


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("calibration.blocks.activity.levels=mood", "calibration.blocks.activity.levels"),
        ("calibration.blocks.activity.step=0", "calibration.blocks.activity.step"),
        ("calibration.blocks.activity.smooth=-1", "calibration.blocks.activity.smooth"),
        ("calibration.blocks.activity.block_days=-7", "calibration.blocks.activity.block_days"),
        ("+calibration.blocks.activity.screen=4", "calibration.blocks.activity.screen"),
    ],
)
def test_bad_levels_blocks_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings(override)
    assert err.value.key == key


def test_two_levels_blocks_share_one_block_length() -> None:
    reach = "+calibration.blocks.reach={levels: reach, series: {new_users: 1.0}, block_days: 14}"
    with pytest.raises(ConfigError) as err:
        settings(reach)
    assert err.value.key == "calibration.blocks"


class Proportional(Simulator):
    """A stand-in simulator: active (new) users are 10 times the day's activity (reach)
    multiplier."""

    def series(
        self, configs: Sequence[Mapping[str, Any]], seeds: Sequence[int], n_days: int, active: str
    ) -> list[Series]:
        out = []
        for c in configs:
            self.runs += len(seeds)
            mult = daily_multipliers(parse_drivers(c["drivers"]), n_days)
            daily = {
                "active_users": 10.0 * mult["activity"],
                "new_users": 10.0 * mult["reach"],
                "cumulative_users": np.cumsum(10.0 * mult["reach"]),
            }
            out.append(Series(daily, np.zeros(0), np.zeros((0, 0))))
        return out


def test_levels_converge_to_the_drivers_shape_with_a_geometric_mean_of_one() -> None:
    s = settings("calibration.blocks.activity.smooth=0", "calibration.blocks.activity.evals=12")
    truth = TRUTH / np.exp(np.mean(np.log(TRUTH)))  # the shape, at a geometric mean of 1
    days = np.arange(N_DAYS) // 7
    obs = Series(
        {
            "active_users": 30.0 * truth[days],  # three times the stand-in's scale
            "new_users": np.zeros(N_DAYS),
            "cumulative_users": np.zeros(N_DAYS),
        },
        np.zeros(0),
        np.zeros((0, 0)),
    )
    base = {"drivers": {"start_date": "2024-09-02"}}
    problem = Problem(base, obs, 10, s)
    block = s.block("activity")
    assert level_blocks(problem, block).tolist() == days.tolist()
    sim = Proportional("serial", 1)
    values, series, n = fit_levels(problem, sim, block, {}, [1])
    fitted = np.array(values["drivers.monthly_activity"])
    assert n == 12 and sim.runs == 12
    assert np.exp(np.mean(np.log(fitted))) == pytest.approx(1.0, rel=1e-3)
    # the scale is the behaviour's: the levels say when it runs higher or lower
    assert fitted == pytest.approx(truth, rel=0.05)
    assert values["drivers.level_days"] == 7 and values["drivers.level_start"] == "2024-09-02"
    assert series.daily["active_users"] == pytest.approx(10.0 * fitted[days], rel=1e-3)


def test_smoothing_pulls_neighbouring_levels_together() -> None:
    obs_days = np.arange(N_DAYS) // 7
    obs = Series(
        {
            "active_users": 10.0 * TRUTH[obs_days],
            "new_users": np.zeros(N_DAYS),
            "cumulative_users": np.zeros(N_DAYS),
        },
        np.zeros(0),
        np.zeros((0, 0)),
    )
    spread = []
    for smooth in (0, 5):
        s = settings(
            f"calibration.blocks.activity.smooth={smooth}", "calibration.blocks.activity.evals=8"
        )
        problem = Problem({"drivers": {"start_date": "2024-09-02"}}, obs, 10, s)
        values, _, _ = fit_levels(problem, Proportional("serial", 1), s.block("activity"), {}, [1])
        spread.append(float(np.std(np.log(values["drivers.monthly_activity"]))))
    assert spread[1] < 0.7 * spread[0]


def test_reach_levels_move_all_joining_and_follow_new_users() -> None:
    s = settings("calibration=waves", "calibration.blocks.reach.smooth=0")
    block = s.block("reach")
    assert (block.levels, block.key) == ("reach", "drivers.monthly_reach")
    days = np.arange(N_DAYS) // 7
    truth = TRUTH / np.exp(np.mean(np.log(TRUTH)))
    new = 10.0 * truth[days]  # the scale is the growth block's (acquisition.p), here right
    obs = Series(
        {"new_users": new, "active_users": np.zeros(N_DAYS), "cumulative_users": np.cumsum(new)},
        np.zeros(0),
        np.zeros((0, 0)),
    )
    problem = Problem({"drivers": {"start_date": "2024-09-02"}}, obs, 10, s)
    values, _, _ = fit_levels(problem, Proportional("serial", 1), block, {}, [1])
    assert values["drivers.reach_to"] == "all"
    assert np.array(values["drivers.monthly_reach"]) == pytest.approx(truth, rel=0.1)

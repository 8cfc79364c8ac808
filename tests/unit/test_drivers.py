"""Outside drivers: daily multipliers on reach and activity, their checks and their effect."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.simulate import with_values
from sim.config import parse_config
from sim.drivers import build_drivers, daily_multipliers, scaled_acquisition
from sim.drivers_check import parse_drivers, series_of
from sim.errors import ConfigError
from sim.runner import compose, to_plain
from tests.conftest import SMOKE, build

MONDAY = "2024-09-02"


def mult(n_days: int = 60, **values):
    return daily_multipliers(parse_drivers(values), n_days)


def test_weekday_from_start_date():
    m = mult(start_date=MONDAY, weekly_activity=[2, 1, 1, 1, 1, 0.5, 0.5])
    assert m["activity"][[0, 7, 14]].tolist() == [2, 2, 2]  # Mondays
    assert m["activity"][[5, 6, 12, 13]].tolist() == [0.5] * 4  # weekends
    assert m["activity"][[1, 2, 3, 4]].tolist() == [1] * 4
    assert (m["reach"] == 1).all()  # activity only


def test_calendar_month_and_month_since_day_0():
    yearly = [1.0] * 12
    yearly[1] = 3.0  # February
    m = mult(start_date="2024-01-30", yearly_reach=yearly, monthly_activity=[1, 2, 4])
    assert m["reach"][[0, 1, 2, 30, 31]].tolist() == [1, 1, 3, 3, 1]  # Feb 1 = day 2, Mar 1 = 31
    # months since day 0: January (days 0-1), February (2-30), March on: the last level holds
    assert m["activity"][[0, 1, 2, 30, 31, 59]].tolist() == [1, 1, 2, 2, 4, 4]


def test_monthly_levels_without_a_date_are_30_day_blocks_and_a_mapping_holds_levels():
    m = mult(90, monthly_reach={"1": 2.0, "2": 0.5})
    assert m["reach"][[0, 29, 30, 59, 60, 89]].tolist() == [1, 1, 2, 2, 0.5, 0.5]
    assert parse_drivers({"monthly_reach": {"0": 2, "3": 5}}).monthly_reach == (2, 2, 2, 5)


def test_levels_by_blocks_of_days_continue_from_their_start_date():
    m = mult(30, level_days=7, monthly_activity=[1, 2, 4])
    assert m["activity"][[0, 6, 7, 13, 14, 29]].tolist() == [1, 1, 2, 2, 4, 4]
    # a run starting 10 days after the levels' start (commsim run from=DIR): block 1 on
    later = mult(
        30, start_date="2024-09-12", level_start=MONDAY, level_days=7, monthly_activity=[1, 2, 4]
    )
    assert later["activity"][[0, 3, 4, 29]].tolist() == [2, 2, 4, 4]
    # a run starting before them: level 1 until their first (calendar) month begins
    early = mult(10, start_date="2024-08-30", level_start=MONDAY, monthly_activity=[3])
    assert early["activity"][[0, 1, 2, 9]].tolist() == [1, 1, 3, 3]


def test_shocks_by_day_and_by_date_inclusive():
    m = mult(
        start_date=MONDAY,
        shocks=[
            {"start": 3, "end": 5, "reach": 4},
            {"start": "2024-09-05", "end": "2024-09-06", "activity": 0.5},
        ],
    )
    assert np.flatnonzero(m["reach"] != 1).tolist() == [3, 4, 5]
    assert np.flatnonzero(m["activity"] != 1).tolist() == [3, 4]
    assert m["reach"][3] == 4 and m["activity"][4] == 0.5


def test_series_multiplies_the_days_it_lists(tmp_path):
    path = tmp_path / "reach.csv"
    path.write_text("date,multiplier\n2024-09-03,2.5\n2024-09-05,0\n2024-08-01,9\n")
    p = parse_drivers({"start_date": MONDAY, "reach_series": str(path)})
    drivers = build_drivers(p, 30, series_of(p))
    assert drivers.reach[[0, 1, 2, 3, 4]].tolist() == [1, 2.5, 1, 0, 1]
    assert (drivers.activity == 1).all()
    assert drivers.on("reach", 100) == 1.0 and len(drivers.reach) > 100  # extended past the end


@pytest.mark.parametrize(
    ("text", "where", "fix"),
    [
        ("date,multiplier\n2024-09-03,1\nnot-a-date,2\n", ":3", "ISO date"),
        ("date,multiplier\n2024-09-03,-1\n", ":2", ">= 0"),
        ("date,multiplier\n2024-09-03,x\n", ":2", ">= 0"),
        ("date,multiplier\n2024-09-03,1\n2024-09-03,2\n", ":3", "once"),
        ("day,value\n2024-09-03,1\n", ":1", "date,multiplier"),
    ],
)
def test_bad_series_names_the_file_and_line(tmp_path, text, where, fix):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        parse_drivers({"start_date": MONDAY, "activity_series": str(path)})
    assert err.value.key.endswith(f"bad.csv{where}")
    assert fix in err.value.fix


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"activity_series": "nowhere.csv", "start_date": MONDAY}, "drivers.activity_series"),
        ({"reach_series": "x.csv"}, "drivers.start_date"),
        ({"weekly_reach": [1, 1, 1]}, "drivers.weekly_reach"),
        ({"weekly_reach": [1, 1, 1, 1, 1, 1, 2]}, "drivers.start_date"),
        ({"yearly_activity": [1] * 11 + [-1], "start_date": MONDAY}, "drivers.yearly_activity.11"),
        ({"monthly_activity": [1, "a"]}, "drivers.monthly_activity.1"),
        ({"monthly_activity": {"x": 1}}, "drivers.monthly_activity.x"),
        ({"start_date": "2024-13-01"}, "drivers.start_date"),
        ({"shocks": [{"start": "2024-09-03", "end": 4}]}, "drivers.shocks.0.start"),
        ({"shocks": [{"start": 5, "end": 4}]}, "drivers.shocks.0.end"),
        ({"shocks": [{"start": 1, "end": 4, "size": 2}]}, "drivers.shocks.0.size"),
        ({"reach_to": "wom"}, "drivers.reach_to"),
        ({"weekly": [1] * 7}, "drivers.weekly"),
        ({"level_days": -7}, "drivers.level_days"),
        ({"level_days": 1.5}, "drivers.level_days"),
        ({"level_start": MONDAY}, "drivers.start_date"),
        ({"level_start": "soon", "start_date": MONDAY}, "drivers.level_start"),
    ],
)
def test_bad_drivers_fail_with_the_key(values, key):
    with pytest.raises(ConfigError) as err:
        parse_drivers(values)
    assert err.value.key == key


def test_reach_multiplies_outside_reach_of_the_acquisition_in_force():
    model = build(*SMOKE, "+drivers.shocks=[{start:1,end:1,reach:3}]")
    acq = model.acquisition
    assert model.drivers.on("reach", 1) == 3 and model.drivers.on("reach", 2) == 1
    outside = scaled_acquisition(acq, 3.0, "outside")
    assert outside.p == pytest.approx(3 * acq.p) and (outside.q, outside.w) == (acq.q, acq.w)
    every = scaled_acquisition(acq, 3.0, "all")
    assert every.q == pytest.approx(3 * acq.q) and every.w == pytest.approx(3 * acq.w)
    assert scaled_acquisition(acq, 1.0, "all") is acq
    assert scaled_acquisition(acq, 1e6, "outside").p == 1.0  # a chance stays a chance


def test_no_reach_and_no_activity_on_shock_days():
    shock = "+drivers.shocks=[{start:5,end:9,reach:0,activity:0}]"
    # 100 members: with the default (low) visit chances some visit every day but the shock days
    model = build(*SMOKE, "days=12", "acquisition.q=0", "initial_members=100", shock)
    model.run()
    frame = model.recorder.frame().set_index("day")
    assert (frame.loc[5:9, "new_members"] == 0).all()
    assert (frame.loc[5:9, "active"] == 0).all()  # nobody visits, nobody joins
    assert frame.loc[1:4, "active"].min() > 0 and frame.loc[10:12, "active"].min() > 0


def test_drivers_all_one_equal_the_default():
    ones = [
        f"drivers.start_date={MONDAY}",
        "drivers.weekly_reach=[1,1,1,1,1,1,1]",
        "drivers.monthly_activity=[1,1,1]",
        "+drivers.shocks=[{start:2,end:9,reach:1,activity:1}]",
    ]
    default, explicit = build(*SMOKE), build(*SMOKE, *ones)
    assert explicit.drivers.flat
    default.run()
    explicit.run()
    assert default.recorder.frame().equals(explicit.recorder.frame())


def test_monthly_levels_are_settable_by_dotted_keys():
    plain = to_plain(compose(["drivers.monthly_activity=[1,1,1,1]"]))
    one = with_values(plain, {"drivers.monthly_activity.3": 1.4})
    assert parse_config(one).drivers.monthly_activity == (1, 1, 1, 1.4)
    whole = with_values(to_plain(compose([])), {"drivers.monthly_reach": [0.5, 2.0]})
    assert parse_config(whole).drivers.monthly_reach == (0.5, 2.0)

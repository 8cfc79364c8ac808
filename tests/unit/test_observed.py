"""The observed state on ``as_of`` (experiments.calibration.observed), on a hand-made log.

Rules of the test: ``memory_days`` 2 (an event k days back weighs 0.5^k), a person unseen
for 5 days has left, visits ``base`` 0.02 and ``slope`` 0.5, ``as_of`` is day 10. The log:

- ann acts on day 0 (to bob), twice on day 9 (to cy) and on day 10;
- bob acts on day 2 (to ann) only;
- cy is the target of ann on day 9 and never acts;
- eve is the target of ann's message on day 3 and never acts;
- dan acts on day 11 only, after ``as_of``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.history import History
from experiments.calibration.observed import (
    Rules,
    as_of_day,
    commitment,
    observed_state,
    rules,
    state_counts,
    write_start,
)
from sim.errors import ConfigError
from sim.runner import compose, to_plain
from sim.start import StartState

RULES = Rules(memory_days=2.0, left_after_days=5, visits_base=0.02, visits_slope=0.5)
EVENTS = pd.DataFrame(
    [
        ("ann", "bob", 0),
        ("bob", "ann", 2),
        ("ann", "eve", 3),
        ("ann", "cy", 9),
        ("ann", "cy", 9),
        ("ann", "", 10),
        ("dan", "", 11),
    ],
    columns=["actor", "target", "day"],
)


@pytest.fixture(scope="module")
def state() -> pd.DataFrame:
    return observed_state(EVENTS, 10, RULES).set_index("person")


def test_people_seen_up_to_as_of_longest_tenure_first(state: pd.DataFrame) -> None:
    assert state.index.tolist() == ["ann", "bob", "eve", "cy"]  # dan acts after as_of


def test_tenure_idle_left_and_posts_by_hand(state: pd.DataFrame) -> None:
    assert state["tenure"].to_dict() == {"ann": 10, "bob": 10, "eve": 7, "cy": 1}
    # idle: from the last action; from the last time seen for who never acted
    assert state["idle"].to_dict() == {"ann": 0, "bob": 8, "eve": 7, "cy": 1}
    assert state["left"].to_dict() == {"ann": False, "bob": True, "eve": True, "cy": False}
    assert state["posts"].to_dict() == {"ann": 5, "bob": 1, "eve": 0, "cy": 0}


def test_activity_and_visits_are_the_models_moving_sums(state: pd.DataFrame) -> None:
    # ann: events on days 0, 3, 9, 9, 10 -> 0.5^10 + 0.5^7 + 2 * 0.5 + 1
    assert state.loc["ann", "activity"] == pytest.approx(0.5**10 + 0.5**7 + 2.0, rel=1e-6)
    # distinct active days 0, 3, 9, 10
    assert state.loc["ann", "visits_month"] == pytest.approx(0.5**10 + 0.5**7 + 1.5, rel=1e-6)
    assert state.loc["bob", "activity"] == pytest.approx(0.5**8, rel=1e-6)
    assert state.loc[["cy", "eve"], "activity"].tolist() == [0.0, 0.0]


def test_commitment_inverts_the_visit_rule(state: pd.DataFrame) -> None:
    # ann acted on 4 of the last 30 days: (4/30 - 0.02) / 0.5; bob on 1; cy and eve on none
    assert state.loc["ann", "commitment"] == pytest.approx((4 / 30 - 0.02) / 0.5)
    assert state.loc["bob", "commitment"] == pytest.approx((1 / 30 - 0.02) / 0.5)
    assert state.loc[["cy", "eve"], "commitment"].tolist() == [0.0, 0.0]


def test_commitment_is_clipped_and_zero_without_slope() -> None:
    assert commitment(np.array([0.0, 0.27, 1.0]), 0.02, 0.5).tolist() == pytest.approx(
        [0.0, 0.5, 1.0]
    )
    assert commitment(np.array([0.5]), 0.02, 0.0).tolist() == [0.0]


def test_counts() -> None:
    frame = observed_state(EVENTS, 10, RULES)
    counts = state_counts(frame, Rules(2.0, 5, 0.02, 0.5, dormant_after_days=1))
    assert counts == {
        "people": 4,
        "members": 2,
        "left": 2,
        "dormant": 1,  # cy: no action for a day
        "weekly_active": 2,
        "monthly_active": 2,
    }


def test_an_earlier_day_sees_less(state: pd.DataFrame) -> None:
    early = observed_state(EVENTS, 2, RULES).set_index("person")
    assert early.index.tolist() == ["ann", "bob"]
    assert early["tenure"].tolist() == [2, 2] and early["idle"].tolist() == [2, 0]


def test_the_state_is_a_start_state(tmp_path: Path) -> None:
    frame = observed_state(EVENTS, 10, RULES)
    write_start(tmp_path / "start.parquet", frame)
    back = StartState.read(tmp_path / "start.parquet")
    assert len(back) == 4 and back.left.sum() == 2
    assert (
        pd.read_parquet(tmp_path / "start.parquet")["person"].tolist() == frame["person"].tolist()
    )


def test_as_of_names_a_day_of_the_log() -> None:
    history = History(EVENTS, Path("log.csv"), pd.Timestamp("2024-01-01 15:00", tz="UTC"))
    assert as_of_day(None, history, 7) == 7
    assert as_of_day(datetime.date(2024, 1, 1), history, 7) == 0
    assert as_of_day(datetime.date(2024, 1, 12), history, 7) == 11
    for day in (datetime.date(2023, 12, 31), datetime.date(2024, 1, 13)):
        with pytest.raises(ConfigError, match="as_of.*2024-01-01 to 2024-01-12"):
            as_of_day(day, history, 7)


def test_rules_come_from_the_config_and_the_fit() -> None:
    plain = to_plain(compose(["behaviour.levels.memory_days=20", "start.left_after_days=90"]))
    r = rules(plain, {"behaviour.visits.slope": 0.3})
    assert (r.memory_days, r.left_after_days, r.visits_slope) == (20.0, 90, 0.3)
    assert r.visits_base == plain["behaviour"]["visits"]["base"]


def test_the_report_says_when_the_community_is_too_small_for_the_state() -> None:
    from experiments.calibration.report import format_state

    record = {"date": "2024-01-11", "day": 10, "file": "start.parquet", "people": 4}
    record.update(members=2, weekly_active=2, monthly_active=2, dormant=0, left=2)
    assert len(format_state({**record, "community_n": 5})) == 1
    (_, note) = format_state({**record, "community_n": 4})
    assert "community.n=8" in note

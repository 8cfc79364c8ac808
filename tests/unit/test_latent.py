"""What a log cannot show, drawn from look-alikes in the fitted model's run (hot-deck)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.calibration.latent import classes, donors, impute
from sim.runner import compose, to_plain
from tests.conftest import SMOKE


def observed(tenure: list[int], idle: list[int]) -> pd.DataFrame:
    n = len(tenure)
    return pd.DataFrame(
        {
            "tenure": tenure,
            "idle": idle,
            "left": [False] * n,
            "commitment": [0.5] * n,
            "recent_days": [0] * n,
        }
    )


POOL = pd.DataFrame(
    {  # two look-alike cells: joined this week and active today; joined long ago, idle
        "tenure": [3, 3, 200, 200],
        "idle": [0, 0, 150, 150],
        "recent": [5, 5, 0, 0],
        "left": [False, False, True, True],
        "commitment": [0.9, 0.9, 0.0, 0.0],
        "propensity": [2.0, 2.0, 0.3, 0.3],
    }
)


def test_people_take_the_hidden_state_of_their_look_alikes() -> None:
    frame = observed([4, 203, 60], [1, 160, 40])
    recent = np.array([5, 0, 0])
    out = impute(frame, recent, POOL, seed=1, heterogeneity=True)
    assert out["left"].tolist() == [False, True, True]  # the third: by recency alone
    assert out["commitment"].tolist() == [0.9, 0.0, 0.0]
    assert out["propensity"].tolist() == [2.0, 0.3, 0.3]
    assert out["tenure"].tolist() == [4, 203, 60]  # what the log shows stays


def test_without_heterogeneity_no_propensity_and_an_empty_pool_changes_nothing() -> None:
    frame = observed([4], [1])
    out = impute(frame, np.array([5]), POOL, seed=1, heterogeneity=False)
    assert "propensity" not in out.columns
    same = impute(frame, np.array([5]), POOL.iloc[:0], seed=1, heterogeneity=True)
    assert same.equals(frame)


def test_classes_bucket_recency_and_activity() -> None:
    c = classes(np.array([0, 30, 400]), np.array([0, 7, 100]), np.array([0, 3, 20]))
    assert c["idle"].tolist() == [0, 1, 3] and c["recent"].tolist() == [0, 2, 4]
    assert c["week"].tolist() == [0, 4, 57] and c["month"].tolist() == [0, 1, 14]


def test_donors_are_the_people_of_the_fitted_run_who_joined() -> None:
    plain = to_plain(compose([*SMOKE, "behaviour.heterogeneity.shape=1"]))
    pool = donors(plain, seed=3, day=20, active="visitors")
    assert len(pool) > 20  # the initial members and those who joined by day 20
    assert (pool["idle"] <= pool["tenure"]).all() and (pool["tenure"] <= 20).all()
    assert (pool["recent"] <= 21).all() and pool["propensity"].gt(0).all()
    again = donors(plain, seed=3, day=20, active="visitors")
    assert pool.equals(again)  # the calibration's seed: the same donors

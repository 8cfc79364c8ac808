"""A community started from a few aggregates behaves as described in its first weeks.

The issue's case: a brand's group of 3,000 members, 600 weekly active, 60 new a week, two
years old; and a larger, quieter one. Under the baseline playbook, the first simulated
week's weekly actives and the first four weeks' joins (mean of three seeds) land within
10% of what was given.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import build

CASES = {
    "group": dict(n=20000, members=3000, weekly=600, monthly=0, new=60, age=730),
    "forum": dict(n=60000, members=12000, weekly=1800, monthly=4000, new=150, age=1500),
}


def first_weeks(case: dict, seed: int) -> tuple[int, int]:
    model = build(
        "playbook=baseline",
        "run.progress=off",
        "days=28",
        f"seed={seed}",
        f"community.n={case['n']}",
        f"start.members={case['members']}",
        f"start.weekly_active={case['weekly']}",
        f"start.monthly_active={case['monthly']}",
        f"start.new_per_week={case['new']}",
        f"start.age_days={case['age']}",
    )
    model.run()
    metrics = model.recorder.frame()
    return int(metrics["wau"].iloc[7]), int(metrics["new_members"].iloc[1:29].sum())


@pytest.mark.parametrize("name", list(CASES))
def test_first_week_and_month_match_the_aggregates(name):
    case = CASES[name]
    runs = np.array([first_weeks(case, seed) for seed in range(3)])
    wau, joins = runs.mean(axis=0)
    assert abs(wau / case["weekly"] - 1) <= 0.10, (name, runs)
    assert abs(joins / (4 * case["new"]) - 1) <= 0.10, (name, runs)

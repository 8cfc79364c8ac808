"""Seeding: the Kempe, Kleinberg & Tardos direction (slow tier).

The direction test reproduces Kempe, Kleinberg & Tardos (2003) on the default community:
seeding the best-connected people, or the CELF greedy's picks, reaches more people by day
60 than seeding random people.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import run

pytestmark = [pytest.mark.slow, pytest.mark.validation]


def reach_at_day_60(playbook: str, seeds: range, *extra: str) -> np.ndarray:
    """Mean (joined_total, members) at day 60 over the seeds, on the default community."""
    rows = []
    for seed in seeds:
        m = run(
            [f"playbook={playbook}", "days=60", "run.progress=off", f"seed={seed}", *extra]
        ).metrics
        assert "seeding_greedy_complete" not in m or (m["seeding_greedy_complete"] == 1).all()
        rows.append((m["joined_total"].iloc[60], m["members"].iloc[60]))
    return np.mean(rows, axis=0)


def test_degree_and_greedy_seeding_reach_more_than_random() -> None:
    seeds = range(5)
    random = reach_at_day_60("seed_random", seeds)
    for playbook in ("seed_degree", "seed_greedy"):
        better = reach_at_day_60(playbook, seeds)
        assert (better > 1.2 * random).all(), (playbook, better, random)


def test_under_a_pure_independent_cascade_too() -> None:
    """Kempe et al.'s own setting: the cascade rule without outside reach."""
    ic = ("acquisition.rule=cascade", "acquisition.p=0", "acquisition.w=0.02")
    seeds = range(5)
    random = reach_at_day_60("seed_random", seeds, *ic)
    for playbook in ("seed_degree", "seed_greedy"):
        better = reach_at_day_60(playbook, seeds, *ic)
        assert (better > 1.5 * random).all(), (playbook, better, random)

"""Content plan and event calendar: directions against the baseline (slow tier).

Each playbook over the same five seeds on the default community (common random numbers):
events and knowledge sessions raise activity, retention and posts; meetups grow the graph;
challenges raise posts on challenge days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim import run

pytestmark = [pytest.mark.slow, pytest.mark.validation]

SEEDS = range(5)
PLAYBOOKS = ("baseline", "weekly_qa", "monthly_meetup", "knowledge_sessions_offline")


@pytest.fixture(scope="module")
def results() -> dict[str, list[Any]]:
    """Each playbook over the same seeds with the default community (common random numbers)."""
    return {
        pb: [run([f"playbook={pb}", "run.progress=off", f"seed={s}"]) for s in SEEDS]
        for pb in PLAYBOOKS
    }


@pytest.fixture(scope="module")
def summaries(results: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """The summaries of ``results``."""
    return {pb: [r.summary for r in runs] for pb, runs in results.items()}


def mean(summaries: dict[str, list[dict[str, Any]]], pb: str, key: str) -> float:
    return float(np.mean([s[key] for s in summaries[pb]]))


def test_playbooks_cost_something(summaries: dict[str, list[dict[str, Any]]]) -> None:
    for pb in PLAYBOOKS[1:]:
        assert all(s["cost_total"] > 0 for s in summaries[pb]), pb


def test_meetups_grow_the_graph_in_a_full_run(summaries: dict[str, list[dict[str, Any]]]) -> None:
    for base, meet in zip(summaries["baseline"], summaries["monthly_meetup"], strict=True):
        assert meet["n_ties"] > base["n_ties"] + 1000


def test_challenges_raise_posts_on_challenge_days(results: dict[str, list[Any]]) -> None:
    day, base = 7, results["baseline"][0].metrics  # seed 0
    chal = run(
        [
            "playbook=weekly_qa",
            "run.progress=off",
            "seed=0",
            "strategies.events.items.qa.type=challenge",
        ]
    ).metrics
    on = (chal["day"] >= day) & ((chal["day"] - day) % 7 == 0) & (chal["day"] <= 200)
    assert chal.loc[on, "posts"].mean() > 1.5 * base.loc[on, "posts"].mean()


# ----- directions vs baseline (default community, common seeds) ------------------------------
@pytest.mark.parametrize("pb", ["weekly_qa", "monthly_meetup"])
def test_events_raise_active_and_retention(
    summaries: dict[str, list[dict[str, Any]]], pb: str
) -> None:
    assert mean(summaries, pb, "mean_active") > 1.03 * mean(summaries, "baseline", "mean_active")
    assert (
        mean(summaries, pb, "retention_d30") > mean(summaries, "baseline", "retention_d30") + 0.004
    )


def test_knowledge_sessions_raise_posts_and_active(
    summaries: dict[str, list[dict[str, Any]]],
) -> None:
    pb = "knowledge_sessions_offline"
    assert mean(summaries, pb, "posts_total") > 1.2 * mean(summaries, "baseline", "posts_total")
    assert mean(summaries, pb, "mean_active") > 1.15 * mean(summaries, "baseline", "mean_active")

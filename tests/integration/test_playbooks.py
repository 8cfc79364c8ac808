"""Every playbook runs; every playbook but the baseline costs something."""

from __future__ import annotations

import pytest

from experiments.commands.playbooks import playbooks
from sim import run
from tests.conftest import FILLS

REQUIRED = [
    "baseline",
    "seed_random",
    "seed_degree",
    "seed_greedy",
    "welcome_newcomers",
    "weekly_qa",
    "monthly_meetup",
    "points",
    "points_withdrawn",
    "coupons",
    "referral_bonus",
    "moderation_none",
    "moderation_community",
    "moderation_personalised",
    "crisis_fast_poor",
    "crisis_slow_good",
    "ugc_personalised_feed",
    "knowledge_sessions_offline",
    "full_playbook",
]
#: a small community that fills within the run (FILLS), so every playbook's levers act
SMALL = ["community.n=1500", "days=150", "run.progress=off", "run.handles=off", *FILLS]


def test_required_playbooks_ship_with_descriptions() -> None:
    books = playbooks()
    missing = [name for name in REQUIRED if name not in books]
    assert not missing, f"missing playbooks: {missing}"
    assert all(books[name] for name in books), "every playbook needs a description"


@pytest.mark.parametrize("name", sorted(playbooks()))
def test_playbook_runs_and_costs(name: str) -> None:
    result = run([f"playbook={name}", *SMALL])
    s = result.summary
    assert s["joined_total"] > 0
    if name == "baseline":
        assert s["cost_total"] == 0
    else:
        assert s["cost_total"] > 0, f"{name} spends nothing"
        assert s["roi"] is not None
    assert s["cost_total"] == pytest.approx(result.metrics["cost"].sum())


def test_lever_overridable_from_command_line() -> None:
    a = run(
        [
            "playbook=baseline",
            *SMALL,
            "+strategies.budget._target_=strategies.budget.Budget",
            "+strategies.budget.total=100",
        ]
    )
    assert a.summary["cost_total"] <= 100

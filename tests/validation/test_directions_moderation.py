"""Moderation, crisis response and recommendation: directions (slow tier).

Directions (means over seeds, default community): Ren & Kraut (2014) - personalised
moderation gives the most posts and community-wide moderation the fewest, while
community-wide moderation raises visits; a slow good crisis response ends with higher
sentiment than a fast poor one; a personalised feed narrows exposure diversity.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sim import run
from tests.conftest import FILLS

pytestmark = [pytest.mark.slow, pytest.mark.validation]


@cache
def summary_means(playbook: str, n_seeds: int = 6) -> dict[str, float]:
    """Mean KPIs of a playbook over seeds 0.. on the default community filling within the
    year (``FILLS``; cached)."""
    runs = [
        run([f"playbook={playbook}", f"seed={s}", "run.progress=off", *FILLS]).summary
        for s in range(n_seeds)
    ]
    return {
        k: float(np.mean([r[k] for r in runs]))
        for k in ("posts_total", "mean_active", "sentiment_final", "cost_total")
    }


def test_personalised_feed_narrows_exposure_diversity() -> None:
    target = "strategies.recommendation._target_=strategies.recommendation.Recommendation"
    means = {}
    for ranking in ("chronological", "personalised"):
        means[ranking] = np.mean(
            [
                run(
                    [
                        "community.n=2000",
                        "days=150",
                        "run.progress=off",
                        f"seed={s}",
                        f"+{target}",
                        f"+strategies.recommendation.ranking={ranking}",
                    ]
                )
                .metrics["exposure_diversity"]
                .mean()
                for s in range(3)
            ]
        )
    assert means["personalised"] < means["chronological"] - 0.05


def test_moderation_directions_ren_kraut_2014() -> None:
    none = summary_means("moderation_none")
    community = summary_means("moderation_community")
    personalised = summary_means("moderation_personalised")
    assert personalised["posts_total"] > 1.1 * none["posts_total"]
    assert none["posts_total"] > 1.03 * community["posts_total"]
    assert community["mean_active"] > 1.05 * none["mean_active"]
    assert min(none["cost_total"], community["cost_total"], personalised["cost_total"]) > 0


def test_slow_good_response_beats_fast_poor_response() -> None:
    fast, slow = summary_means("crisis_fast_poor", 4), summary_means("crisis_slow_good", 4)
    assert slow["sentiment_final"] > fast["sentiment_final"] + 0.03
    assert fast["cost_total"] > 0 and slow["cost_total"] > 0

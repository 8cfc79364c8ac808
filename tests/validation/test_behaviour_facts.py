"""Facts that must emerge from the member model with default parameters (several seeds).

The default community filling within the year (``tests.conftest.FILLS``): the peak and
decay of activity, a crisis's spread and Joyce & Kraut's effect need a community that has
grown; the default one grows all year (docs/model.md, Plausible defaults).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim import run
from tests.conftest import FILLS
from tests.unit.test_model import SWITCHES, content_stays_fresh

pytestmark = [pytest.mark.slow, pytest.mark.validation]

SEEDS = (0, 1, 2, 3)
CRISIS = "crises=[{day:120,share:0.3,severity:0.8}]"


@pytest.fixture(scope="module")
def baseline() -> list:
    return [run(["run.progress=off", f"seed={s}", *FILLS]) for s in SEEDS]


@pytest.fixture(scope="module")
def with_crisis() -> list:
    return [run(["run.progress=off", f"seed={s}", CRISIS, *FILLS]) for s in SEEDS]


def test_participation_is_heavily_unequal(baseline: list) -> None:
    """Nielsen (2006): most members never post; the top 10% of posters write most posts."""
    for r in baseline:
        assert r.summary["share_never_posted"] > 0.8, r.summary["share_never_posted"]
        assert r.summary["top10_poster_share"] > 0.5, r.summary["top10_poster_share"]
        assert r.summary["gini_posts"] > 0.85


def test_activity_peaks_while_growing_then_decays(baseline: list) -> None:
    """Without anything sustaining it, daily activity peaks during growth, then fades."""
    for r in baseline:
        m = r.metrics
        peak = r.summary["peak_active_day"]
        assert m["new_members"].iloc[max(peak - 7, 1) : peak + 1].sum() > 0  # still growing
        assert peak < r.summary["days"] - 90
        assert r.summary["active_final"] < 0.25 * r.summary["peak_active"]


def test_crisis_lowers_sentiment_and_raises_churn(baseline: list, with_crisis: list) -> None:
    for base, hit in zip(baseline, with_crisis, strict=True):
        after = slice(121, 200)
        assert (
            hit.metrics["sentiment"].iloc[after].mean()
            < base.metrics["sentiment"].iloc[after].mean() - 0.1
        )
        assert hit.summary["sentiment_final"] < base.summary["sentiment_final"]
    churn_base = np.mean([b.metrics["churned"].iloc[121:240].sum() for b in baseline])
    churn_hit = np.mean([h.metrics["churned"].iloc[121:240].sum() for h in with_crisis])
    assert churn_hit > churn_base


def test_reply_to_first_post_raises_posting_again(baseline: list) -> None:
    """Joyce & Kraut (2006): 44% -> 56% post again after a reply to the first post."""
    replied = np.mean([r.summary["post_again_replied"] for r in baseline])
    unreplied = np.mean([r.summary["post_again_unreplied"] for r in baseline])
    assert 0.05 <= replied - unreplied <= 0.25, (replied, unreplied)
    assert 0.3 <= unreplied <= 0.6 and 0.4 <= replied <= 0.7


def test_operator_content_expires_in_every_switched_off_combination() -> None:
    """Content expiry does not depend on any behaviour switch (300 people, 40 days)."""
    combos = [
        off for r in range(1, len(SWITCHES) + 1) for off in itertools.combinations(SWITCHES, r)
    ]
    content_stays_fresh(combos)

"""Member mechanisms: each one does what docs/model.md says, and each can be switched off."""

from __future__ import annotations

import numpy as np
import pytest

from agents.consumption import ConsumptionParams, feed_value
from agents.contribution import draw_topics, pick_targets
from agents.sentiment import SentimentParams, neighbour_sentiment, update
from sim import ConfigError, RunResult, run
from sim.content import ContentPool
from sim.runner import check, compose
from sim.summary import gini, top_share
from tests.conftest import SMOKE, Builder

SMALL = [*SMOKE, "community.n=1000", "days=120"]


@pytest.fixture(scope="module")
def small() -> RunResult:
    """One run of the small community, read (never changed) by several tests."""
    return run(SMALL)


def test_contract_columns_and_keys(small: RunResult) -> None:
    r = small
    for col in (
        "posts",
        "replies",
        "sentiment",
        "level_newcomer",
        "level_lurker",
        "level_contributor",
        "level_core",
        "revenue",
        "cost",
    ):
        assert col in r.metrics.columns, col
    for key in (
        "posts_total",
        "replies_total",
        "retention_d30",
        "sentiment_final",
        "revenue_total",
        "cost_total",
        "roi",
        "top10_post_share",
        "gini_posts",
    ):
        assert key in r.summary, key
    for col in ("segment", "level", "sentiment", "commitment", "posts", "referrer", "channel"):
        assert col in r.members.columns, col
    assert set(r.members["segment"].cat.categories) == {"students", "professionals", "older"}
    assert r.summary["posts_total"] == r.metrics["posts"].sum() == r.members["posts"].sum()
    assert r.summary["revenue_total"] > 0
    assert r.summary["roi"] is None  # nothing spent without strategies
    assert -1 <= r.summary["sentiment_final"] <= 1


def test_levels_add_up_to_members(small: RunResult) -> None:
    m = small.metrics
    levels = m[["level_newcomer", "level_lurker", "level_contributor", "level_core"]].sum(axis=1)
    assert (levels == m["members"]).all()


def test_monthly_level_transitions_table(small: RunResult) -> None:
    r = small
    t = r.transitions
    assert list(t.columns) == ["month", "from_level", "to_level", "count"]
    assert set(t["month"]) == {1, 2, 3, 4}
    month2 = t[t["month"] == 2]
    into = month2[month2["to_level"] != "churned"].groupby("to_level")["count"].sum()
    assert into.sum() == r.metrics["members"].iloc[60]


def test_personalised_feed_beats_chronological_for_focused_readers() -> None:
    k = 4
    interests = np.array([[0.85, 0.05, 0.05, 0.05]])
    prefs = np.ones((1, 4))
    count = np.array([10.0, 10.0, 10.0, 10.0])
    quality = np.zeros((4, k))
    quality[2] = 6.0  # member posts, mean quality 0.6 on every topic
    noise = np.zeros(k)
    chron = ConsumptionParams(ranking="chronological")
    pers = ConsumptionParams(ranking="personalised")
    b_c, c_c = feed_value(interests, prefs, count, quality, noise, 40, chron)
    b_p, c_p = feed_value(interests, prefs, count, quality, noise, 40, pers)
    assert b_p[0] > b_c[0] and c_p[0] < c_c[0]


def test_noise_raises_reading_cost_and_filtering_lowers_it() -> None:
    interests = np.full((1, 4), 0.25)
    args = (np.ones((1, 4)), np.full(4, 10.0), np.full((4, 4), 1.5))
    _, quiet = feed_value(interests, *args, np.zeros(4), 40, ConsumptionParams())
    _, noisy = feed_value(interests, *args, np.full(4, 5.0), 40, ConsumptionParams())
    _, filtered = feed_value(
        interests, *args, np.full(4, 5.0), 40, ConsumptionParams(filter_strength=0.8)
    )
    assert noisy[0] > quiet[0] and filtered[0] < noisy[0]


def test_content_pool_expires_and_aggregates() -> None:
    pool = ContentPool(n_topics=3, lifetime=2, low_quality=0.3)
    pool.add(
        kind=2,
        topic=np.array([0, 1]),
        quality=np.array([0.9, 0.1]),
        tone=np.array([0.5, 0.5]),
        day=1,
        author=np.array([4, 5]),
    )
    pool.add(kind=0, topic=np.array([2]), quality=np.array([0.8]), tone=np.array([-0.5]), day=2)
    s = pool.supply()
    assert s.total == 3 and list(s.count) == [1, 1, 1]
    assert list(s.noise) == [0, 1, 1]  # low quality, negative tone
    pool.expire(3)
    assert len(pool) == 1 and pool.day[0] == 2


def test_topics_follow_interests() -> None:
    rng = np.random.default_rng(0)
    interests = np.tile([0.7, 0.2, 0.1], (20000, 1))
    shares = np.bincount(draw_topics(interests, rng), minlength=3) / 20000
    assert np.allclose(shares, [0.7, 0.2, 0.1], atol=0.02)


def test_reply_targets_are_numpys_weighted_choice() -> None:
    """pick_targets draws exactly what rng.choice(..., p=w / w.sum()) would (same numbers)."""
    gen = np.random.default_rng(1)
    for _ in range(200):
        n = int(gen.integers(1, 60))
        quality = gen.random(2 * n).astype(np.float32)
        open_posts = np.sort(gen.choice(2 * n, size=n, replace=False))
        k, seed = int(gen.integers(1, 40)), int(gen.integers(2**32))
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        w = quality[open_posts].astype(float) + 0.05
        expected = open_posts[numpys.choice(n, size=k, p=w / w.sum())]
        assert np.array_equal(pick_targets(open_posts, quality, k, ours), expected)
        assert ours.random() == numpys.random()  # the streams stay in step


def test_sentiment_rule_moves_toward_experience_and_neighbours() -> None:
    p = SentimentParams(experience_weight=0.1, social_weight=0.1)
    new = update(
        np.array([0.0, 0.0]),
        np.array([1.0, 0.0]),
        np.array([1.0, 1.0]),
        np.array([-1.0, -1.0]),
        np.array([True, True]),
        p,
    )
    assert new[0] == pytest.approx(0.0)  # +0.1 from experience, -0.1 from neighbours
    assert new[1] == pytest.approx(-0.1)  # no visit: neighbours only
    import scipy.sparse as sp

    a = sp.csr_array(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
    talks = np.array([0, 1, 0], bool)
    mean, has = neighbour_sentiment(
        a, np.array([0.0, 0.5, -1.0]), talks, (a @ talks.astype(float)).astype(int)
    )
    assert mean[0] == pytest.approx(0.5) and has[0] and not has[1]


def test_replies_to_first_posts_are_recorded(small: RunResult) -> None:
    r = small
    mem = r.members
    posters = mem[mem["posts"] > 0]
    assert (posters["first_post_day"] >= 0).all()
    assert mem["first_replied"].sum() > 0
    assert (mem.loc[mem["posts"] == 0, "first_replied"] == 0).all()


def test_attribution_referrals_match_referrers(small: RunResult) -> None:
    mem = small.members
    counts = mem.loc[mem["referrer"] >= 0, "referrer"].value_counts()
    assert (mem.loc[counts.index, "referrals"].to_numpy() == counts.to_numpy()).all()


def test_segments_by_block_need_sbm(make_model: Builder) -> None:
    with pytest.raises(ConfigError) as err:
        check(compose(["behaviour.segments.assign=block"]))
    assert err.value.key == "behaviour.segments.assign"
    m = make_model(*SMALL, "community=sbm", "behaviour.segments.assign=block")
    assert np.array_equal(m.pop.segment, m.social.blocks % 3)


@pytest.mark.parametrize(
    ("crises", "key"),
    [
        ("crises=[{day:0,share:0.2,severity:0.5}]", "crises[0].day"),
        ("crises=[{day:10,share:1.5,severity:0.5}]", "crises[0].share"),
        ("crises=[{day:10,share:0.5}]", "crises[0]"),
    ],
)
def test_bad_crises_fail_with_key(crises: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        check(compose([*SMOKE, crises]))
    assert err.value.key == key


@pytest.mark.parametrize(
    "section",
    [
        "consumption",
        "contribution",
        "sentiment",
        "levels",
        "money",
        "commitment",
        "visits",
        "churn",
    ],
)
def test_every_mechanism_switches_off(section: str) -> None:
    r = run([*SMALL, f"behaviour.{section}.enabled=false"])
    s = r.summary
    if section == "contribution":
        assert s["posts_total"] == 0 and s["replies_total"] == 0
    if section == "sentiment":
        assert (r.metrics["sentiment"] == 0).all()
    if section == "levels":
        assert (r.metrics["level_newcomer"] == r.metrics["members"]).all()
    if section == "money":
        assert s["revenue_total"] == 0
    if section == "churn":
        assert s["churned_total"] == 0
    if section == "commitment":
        assert (r.metrics["mean_commitment"] == 0).all()


def test_inequality_measures() -> None:
    assert gini(np.array([1, 1, 1, 1])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 10])) == pytest.approx(0.75)
    assert top_share(np.array([0] * 9 + [10])) == 1.0

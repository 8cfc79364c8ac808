"""The phases of a day: each a function of the model, over whole arrays.

Order: crises, talk (neighbours' sentiment), acquisition, visits, consumption,
contribution, commitment, sentiment, levels, churn, money, content expiry, ageing of the
month-long activity sums. This follows
DESIGN.md except that commitment comes before sentiment: the sentiment update uses the
net benefit the commitment phase computes. A switched-off mechanism's phase is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents import consumption, contribution, levels, money, sentiment
from agents.acquisition import JOIN_RULES, cap_joins
from agents.engagement import current_members, decide_churn, decide_visits
from agents.interests import is_offtopic
from agents.states import PROSPECT
from sim.content import UGC

if TYPE_CHECKING:
    from sim.model import CommunityModel


def crises_phase(model: CommunityModel) -> None:
    """Scheduled crises turn a share of members negative."""
    for crisis in model.config.crises:
        if crisis.day != model.day:
            continue
        members = current_members(model)
        k = int(round(crisis.share * len(members)))
        hit = model.rng.choice(members, size=k, replace=False) if k else members[:0]
        s = model.pop.sentiment
        s[hit] = np.minimum(s[hit], -crisis.severity)
        model.today.crisis_hit += k
        model.crisis_days.append(model.day)
        model.crisis_hits.append(hit)


def talk_phase(model: CommunityModel) -> None:
    """Members and churned members talk: each person's neighbours' mean sentiment."""
    if not model.config.behaviour.sentiment.enabled:
        return
    pop = model.pop
    talks = pop.state != PROSPECT
    model.nbr_sentiment, model.has_talker = sentiment.neighbour_sentiment(
        model.csr, pop.sentiment, talks, pop.member_nbrs + pop.churned_nbrs
    )


def acquisition_phase(model: CommunityModel) -> None:
    """Prospects join by the configured rule (word of mouth scaled by neighbours' mood)."""
    params = model.config.acquisition
    boost: np.ndarray | None = None
    if model.config.behaviour.sentiment.enabled:
        boost = sentiment.wom_boost(model.nbr_sentiment, model.config.behaviour.sentiment)
    if model.wom_multiplier != 1.0:
        scaled = model.wom_multiplier * (boost if boost is not None else 1.0)
        boost = np.broadcast_to(np.asarray(scaled, dtype=float), (model.n_people,))
    joins = JOIN_RULES[params.rule](model, params, boost)
    model.admit(cap_joins(joins, params.max_joins_per_day, model.rng))


def visits_phase(model: CommunityModel) -> None:
    """Members decide whether to visit; today's joiners are visitors too."""
    b = model.config.behaviour
    pop, day = model.pop, model.day
    members = current_members(model)
    is_old = pop.joined_day[members] < day
    old = members[is_old]
    if b.visits.enabled:
        mult = model.segments.visit[pop.segment[old]]
        visited = decide_visits(model, old, b.visits, push=model.visit_push, multiplier=mult)
    else:
        visited = np.ones(len(old), dtype=bool)
    came = ~is_old  # today's joiners visit
    came[is_old] = visited
    visitors = members[came]  # sorted, like members
    pop.last_visit[old[visited]] = day
    pop.visits[old[visited]] += 1
    pop.visit_avg[visitors] += 1.0
    age = day - pop.joined_day[visitors]
    pop.active_d23_30[visitors[(age >= 23) & (age <= 30)]] = 1
    model.today.members = members
    model.today.visited = came
    model.today.visitors = visitors
    model.today.active = len(visitors)


def consumption_phase(model: CommunityModel) -> None:
    """What today's feed is worth to each visitor, from the pool's aggregates."""
    v = model.today.visitors
    b = model.config.behaviour
    supply = model.pool.supply()
    prefs = model.segments.prefs[model.pop.segment[v]]
    benefit, cost = consumption.feed_value(
        model.pop.interests[v],
        prefs,
        supply.count,
        supply.quality,
        supply.noise,
        supply.total,
        model.feed_params(b.consumption),
    )
    model.today.benefit = benefit
    model.today.read_cost = cost
    if "exposure_diversity" in model.extra_reporters:  # only when someone reports it
        # mean normalised entropy of visitors' topic mix (NaN: no feed read)
        model.today.exposure_diversity = consumption.mean_feed_diversity(
            model.pop.interests[v], supply.count, supply.total, model.feed_params(b.consumption)
        )


def contribution_phase(model: CommunityModel) -> None:
    """Visitors post and reply; replies recognise authors (first posts above all)."""
    params = model.config.behaviour.contribution
    if not params.enabled:
        return
    pop, v = model.pop, model.today.visitors
    common = (
        model.segments.sociality[pop.segment[v]],
        pop.commitment[v],
        pop.recognition[v],
        pop.first_replied[v],
    )
    lvl = contribution.level_multiplier(pop.level[v], params)
    p_post = contribution.propensity(
        params.post_base, lvl, pop.voice[v], *common, boost=model.post_boost(v), params=params
    )
    posters = v[model.rng.random(len(v)) < p_post]
    model.publish_posts(posters)
    p_reply = contribution.propensity(
        params.reply_base,
        lvl,
        np.sqrt(pop.voice[v]),
        *common,
        boost=model.post_boost(v),
        params=params,
    )
    repliers = v[model.rng.random(len(v)) < p_reply]
    model.write_replies(repliers)


def commitment_phase(model: CommunityModel) -> None:
    """Commitment: a running average of each visit's net benefit; decay without visits."""
    b = model.config.behaviour
    t = model.today
    net = model.net_benefit()
    t.net_benefit = net
    if not b.commitment.enabled:
        return
    c = model.pop.commitment
    v = t.visitors
    c[v] = np.clip(c[v] + b.commitment.rate * (net - c[v]), 0.0, 1.0)
    idle = t.members[~t.visited]
    c[idle] *= 1.0 - b.commitment.decay


def sentiment_phase(model: CommunityModel) -> None:
    """Opinions move with experience (visitors) and with talking neighbours (everyone)."""
    params = model.config.behaviour.sentiment
    if not params.enabled:
        return
    t, s = model.today, model.pop.sentiment
    m = t.members
    exp = np.zeros(len(m))
    visited_exp = sentiment.experience(t.net_benefit, params)
    order = np.searchsorted(m, t.visitors)  # members are sorted; visitors are among them
    exp[order] = visited_exp
    s[m] = sentiment.update(
        s[m], t.visited, exp, model.nbr_sentiment[m], model.has_talker[m], params
    )


def levels_phase(model: CommunityModel) -> None:
    """Levels and Orbit gravity from recent activity."""
    params = model.config.behaviour.levels
    pop, m = model.pop, current_members(model)
    pop.level[m] = levels.assign_levels(pop.activity[m], model.day - pop.joined_day[m], params)
    model.today.gravity = levels.gravity(pop.activity[m], pop.visit_avg[m], pop.member_nbrs[m])


def ageing_phase(model: CommunityModel) -> None:
    """The month-long sums (activity, visits, recognition, removed posts) age by a day.

    Always on when members act at all, so recognition fades even with levels switched off.
    """
    pop = model.pop
    for avg in (pop.activity, pop.visit_avg, pop.recognition, pop.removed_recent):
        levels.decay(avg, model.config.behaviour.levels.memory_days)


def churn_phase(model: CommunityModel) -> None:
    """Members leave: inactivity, low commitment and negative sentiment raise the hazard."""
    b = model.config.behaviour
    if not b.churn.enabled:
        return
    extra = None
    if b.sentiment.enabled:
        extra = b.sentiment.churn_effect * np.maximum(0.0, -model.pop.sentiment)
    model.remove(decide_churn(model, current_members(model), b.churn, extra=extra))


def money_phase(model: CommunityModel) -> None:
    """Purchases by commitment and segment; revenue."""
    params = model.config.behaviour.money
    if not params.enabled:
        return
    pop, m = model.pop, current_members(model)
    visited = pop.last_visit[m] == model.day
    seg = pop.segment[m]
    buys, value = money.purchases(
        model.segments.purchase[seg],
        pop.commitment[m],
        visited,
        model.segments.basket[seg],
        model.purchase_boost(m),
        params,
        model.rng,
    )
    buyers = m[buys]
    pop.purchases[buyers] += 1
    pop.revenue[buyers] += value
    model.today.revenue += float(value.sum())


def content_phase(model: CommunityModel) -> None:
    """Items older than their lifetime leave the feed."""
    model.pool.expire(model.day)


PHASES = (
    ("crises", crises_phase),
    ("talk", talk_phase),
    ("acquisition", acquisition_phase),
    ("visits", visits_phase),
    ("consumption", consumption_phase),
    ("contribution", contribution_phase),
    ("commitment", commitment_phase),
    ("sentiment", sentiment_phase),
    ("levels", levels_phase),
    ("churn", churn_phase),
    ("money", money_phase),
    ("content", content_phase),
    ("ageing", ageing_phase),
)

__all__ = ["PHASES", "UGC", "is_offtopic"]

"""The phases of a day: each a function of the model, over whole arrays.

Order: crises, talk (neighbours' sentiment), acquisition, visits, consumption,
contribution, net benefit, commitment, sentiment, levels, churn, money, content expiry,
ageing of the month-long activity sums. This follows DESIGN.md except that commitment
comes before sentiment: the sentiment update uses the net benefit of the day's visits.

Each phase is declared once, in :data:`PHASES`, with the condition under which it runs
(``runs_when``, a function of the config, and ``when``, the same in words); the model keeps
the phases whose condition holds, and a phase never checks its own switch again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agents import consumption, contribution, levels, money, sentiment
from agents.acquisition import JOIN_RULES, cap_joins
from agents.engagement import decide_churn, decide_visits, dormancy_multiplier
from agents.states import PROSPECT
from sim.config import SimConfig
from sim.drivers import scaled_acquisition
from sim.population import mark_retained

if TYPE_CHECKING:
    from sim.model import CommunityModel


def crises_phase(model: CommunityModel) -> None:
    """Scheduled crises turn a share of members negative."""
    for crisis in model.config.crises:
        if crisis.day != model.day:
            continue
        members = model.current_members()
        k = int(round(crisis.share * len(members)))
        hit = model.rng.choice(members, size=k, replace=False) if k else members[:0]
        s = model.pop.sentiment
        s[hit] = np.minimum(s[hit], -crisis.severity)
        model.today.crisis_hit += k
        model.crisis_days.append(model.day)
        model.crisis_hits.append(hit)


def talk_phase(model: CommunityModel) -> None:
    """Members and churned members talk: each person's neighbours' mean sentiment."""
    pop = model.pop
    talks = pop.state != PROSPECT
    model.nbr_sentiment, model.has_talker = sentiment.neighbour_sentiment(
        model.social, pop.sentiment, talks, pop.member_nbrs + pop.churned_nbrs
    )


def acquisition_phase(model: CommunityModel) -> None:
    """Prospects join by the configured rule; outside reach times the day's reach driver.

    Word of mouth is scaled by neighbours' mood (and, with ``drivers.reach_to=all``, by the
    reach driver too)."""
    reach = model.drivers.on("reach", model.day)
    params = scaled_acquisition(model.acquisition, reach, model.config.drivers.reach_to)
    boost: np.ndarray | None = None
    if model.config.behaviour.sentiment.enabled:
        boost = sentiment.wom_boost(model.nbr_sentiment, model.config.behaviour.sentiment)
    wom = model.levers.wom_multiplier
    if wom != 1.0:
        scaled = wom * (boost if boost is not None else 1.0)
        boost = np.broadcast_to(np.asarray(scaled, dtype=float), (model.n_people,))
    joins = JOIN_RULES[params.rule](model, params, boost)
    model.admit(cap_joins(joins, params.max_joins_per_day, model.rng))


def visits_phase(model: CommunityModel) -> None:
    """Members decide whether to visit (propensity, activity driver); joiners visit too.

    The visit chance is multiplied by the segment, dormancy, the person's propensity and
    the day's activity driver; one-off visitors come at their own low chance."""
    pop, b = model.pop, model.config.behaviour
    members = model.current_members()
    is_old = pop.joined_day[members] < model.day
    old = members[is_old]
    mult = model.segments.visit[pop.segment[old]]
    if b.dormancy.enabled:
        mult = mult * dormancy_multiplier(model, old, b.dormancy)
    if b.heterogeneity.propensity_on:
        mult = mult * pop.propensity[old]
    activity = model.drivers.on("activity", model.day)
    if activity != 1.0:
        mult = mult * activity
    fixed = None
    if b.heterogeneity.one_off_on:
        fixed = (pop.one_off[old], b.heterogeneity.one_off_visit * activity)
    push = model.levers.rows("visit_push", old)
    visited = decide_visits(model, old, b.visits, push=push, multiplier=mult, fixed=fixed)
    _record_visits(model, members, is_old, old, visited)


def everyone_visits_phase(model: CommunityModel) -> None:
    """Every member visits (visit decisions switched off, other member mechanisms on)."""
    members = model.current_members()
    is_old = model.pop.joined_day[members] < model.day
    old = members[is_old]
    _record_visits(model, members, is_old, old, np.ones(len(old), dtype=bool))


def _record_visits(
    model: CommunityModel,
    members: np.ndarray,
    is_old: np.ndarray,
    old: np.ndarray,
    visited: np.ndarray,
) -> None:
    """Today's visitors: the earlier members (``old = members[is_old]``) in ``visited``,
    and today's joiners."""
    pop, day = model.pop, model.day
    returning = old[visited]
    came = ~is_old  # today's joiners visit
    came[is_old] = visited
    visitors = members[came]  # sorted, like members
    pop.last_visit[returning] = day
    pop.visits[returning] += 1
    pop.visit_avg[visitors] += 1.0
    age = day - pop.joined_day[visitors]
    mark_retained(pop.retained, visitors, age)
    t = model.today
    t.members, t.visited, t.visitors, t.active = members, came, visitors, len(visitors)
    t.benefit, t.read_cost = np.zeros(len(visitors)), np.zeros(len(visitors))  # no feed yet


def consumption_phase(model: CommunityModel) -> None:
    """What today's feed is worth to each visitor, from the pool's aggregates."""
    v = model.today.visitors
    if len(v) == 0 or len(model.pool) == 0:
        return  # nothing read: benefit and cost stay the visits phase's zeros
    b = model.config.behaviour
    supply = model.pool.supply()
    # rows of 2-D tables by take(axis=0): the rows fancy indexing gives, several times faster
    interests = model.pop.interests.take(v, axis=0)
    prefs = model.segments.prefs.take(model.pop.segment[v], axis=0)
    benefit, cost = consumption.feed_value(
        interests,
        prefs,
        supply.count,
        supply.quality,
        supply.noise,
        supply.total,
        model.feed_params(b.consumption),
    )
    model.today.benefit = benefit
    model.today.read_cost = cost
    if "exposure_diversity" in model.requested_metrics:
        # mean normalised entropy of visitors' topic mix (NaN: no feed read)
        model.today.exposure_diversity = consumption.mean_feed_diversity(
            interests, supply.count, supply.total, model.feed_params(b.consumption)
        )


def contribution_phase(model: CommunityModel) -> None:
    """Visitors post and reply; replies recognise authors (first posts above all).

    Skipped on a day without visitors: draws of size 0 take no random numbers, so the
    stream is the same."""
    params = model.config.behaviour.contribution
    pop, v = model.pop, model.today.visitors
    if len(v) == 0:
        return
    factors = contribution.visitor_factors(
        model.segments.sociality[pop.segment[v]],
        pop.commitment[v],
        pop.recognition[v],
        pop.first_replied[v],
        params,
    )
    lvl = contribution.level_multiplier(pop.level[v], params)
    boost = model.post_boost(v)  # posting does not change it
    voice = pop.voice[v]
    p_post = contribution.propensity(params.post_base, lvl, voice, factors, boost)
    posters = v[model.rng.random(len(v)) < p_post]
    model.contributions.publish_posts(posters)
    p_reply = contribution.propensity(params.reply_base, lvl, np.sqrt(voice), factors, boost)
    repliers = v[model.rng.random(len(v)) < p_reply]
    model.contributions.write_replies(repliers)


def benefit_phase(model: CommunityModel) -> None:
    """The net benefit of each visitor's visit today, in [0, 1]."""
    model.today.net_benefit = model.net_benefit()


def commitment_phase(model: CommunityModel) -> None:
    """Commitment: a running average of each visit's net benefit; decay without visits."""
    b = model.config.behaviour
    t = model.today
    net = t.net_benefit
    c = model.pop.commitment
    v = t.visitors
    c[v] = (c[v] + b.commitment.rate * (net - c[v])).clip(0.0, 1.0)
    idle = t.members[~t.visited]
    c[idle] *= 1.0 - b.commitment.decay


def sentiment_phase(model: CommunityModel) -> None:
    """Opinions move with experience (visitors) and with talking neighbours (everyone)."""
    params = model.config.behaviour.sentiment
    t, s = model.today, model.pop.sentiment
    m = t.members
    exp = np.zeros(len(m))
    visited_exp = sentiment.experience(t.net_benefit, params)
    exp[t.visited] = visited_exp  # visitors are the members in t.visited, in order
    s[m] = sentiment.update(
        s[m], t.visited, exp, model.nbr_sentiment[m], model.has_talker[m], params
    )


def levels_phase(model: CommunityModel) -> None:
    """Levels and Orbit gravity from recent activity."""
    params = model.config.behaviour.levels
    pop, m = model.pop, model.current_members()
    activity = pop.activity[m]
    pop.level[m] = levels.assign_levels(activity, model.day - pop.joined_day[m], params)
    model.today.gravity = levels.gravity(activity, pop.visit_avg[m], pop.member_nbrs[m])


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
    extra = None
    if b.sentiment.enabled:
        extra = b.sentiment.churn_effect * np.maximum(0.0, -model.pop.sentiment)
    model.remove(decide_churn(model, model.current_members(), b.churn, extra=extra))


def money_phase(model: CommunityModel) -> None:
    """Purchases by commitment and segment; revenue."""
    params = model.config.behaviour.money
    pop, m = model.pop, model.current_members()
    visited = pop.last_visit[m] == model.day
    seg = pop.segment[m]
    buys, value = money.purchases(
        model.segments.purchase[seg],
        pop.commitment[m],
        visited,
        model.segments.basket[seg],
        model.levers.rows("purchase_multiplier", m),
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


@dataclass(frozen=True)
class Phase:
    """One phase of the day.

    Attributes:
        name: short name (``visits``).
        fn: the phase, a function of the model.
        runs_when: whether the phase runs under a config (checked once, when the model is
            built).
        when: the same condition in words, for the docs (``behaviour.churn.enabled``).
        doc: what the phase does (the first line of ``fn``'s docstring unless given).
    """

    name: str
    fn: Callable[[CommunityModel], None]
    runs_when: Callable[[SimConfig], bool]
    when: str
    doc: str = field(default="")

    def __post_init__(self) -> None:
        if not self.doc:
            first = (self.fn.__doc__ or "").strip().splitlines()
            object.__setattr__(self, "doc", first[0] if first else "")


def always(config: SimConfig) -> bool:
    """Runs under every config."""
    return True


def members_act(config: SimConfig) -> bool:
    """Members visit at all: some mechanism that needs the day's visitors is on."""
    b = config.behaviour
    mechanisms = (b.visits, b.consumption, b.contribution, b.commitment, b.sentiment, b.money)
    return any(s.enabled for s in mechanisms)


MEMBERS_ACT = (
    "any of behaviour.{visits,consumption,contribution,commitment,sentiment,money}.enabled"
)

PHASES: tuple[Phase, ...] = (
    Phase("crises", crises_phase, lambda c: bool(c.crises), "crises are scheduled"),
    Phase(
        "talk", talk_phase, lambda c: c.behaviour.sentiment.enabled, "behaviour.sentiment.enabled"
    ),
    Phase("acquisition", acquisition_phase, always, "always"),
    Phase("visits", visits_phase, lambda c: c.behaviour.visits.enabled, "behaviour.visits.enabled"),
    Phase(
        "everyone_visits",
        everyone_visits_phase,
        lambda c: members_act(c) and not c.behaviour.visits.enabled,
        f"not behaviour.visits.enabled, and {MEMBERS_ACT}",
    ),
    Phase(
        "consumption",
        consumption_phase,
        lambda c: c.behaviour.consumption.enabled,
        "behaviour.consumption.enabled",
    ),
    Phase(
        "contribution",
        contribution_phase,
        lambda c: c.behaviour.contribution.enabled,
        "behaviour.contribution.enabled",
    ),
    Phase("benefit", benefit_phase, members_act, MEMBERS_ACT),
    Phase(
        "commitment",
        commitment_phase,
        lambda c: c.behaviour.commitment.enabled,
        "behaviour.commitment.enabled",
    ),
    Phase(
        "sentiment",
        sentiment_phase,
        lambda c: c.behaviour.sentiment.enabled,
        "behaviour.sentiment.enabled",
    ),
    Phase("levels", levels_phase, lambda c: c.behaviour.levels.enabled, "behaviour.levels.enabled"),
    Phase("churn", churn_phase, lambda c: c.behaviour.churn.enabled, "behaviour.churn.enabled"),
    Phase("money", money_phase, lambda c: c.behaviour.money.enabled, "behaviour.money.enabled"),
    Phase("content", content_phase, always, "always"),
    Phase("ageing", ageing_phase, members_act, MEMBERS_ACT),
)


def phases_for(config: SimConfig) -> tuple[Phase, ...]:
    """The phases that run under ``config``, in order."""
    return tuple(p for p in PHASES if p.runs_when(config))

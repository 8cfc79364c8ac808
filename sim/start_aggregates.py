"""A starting population built from a few aggregates (``start.members`` and friends).

A strategist knows their community by a handful of numbers: members, weekly and monthly
actives, new members a week, age. :func:`synthetic_start` builds day 0 from them:

1. **Tenure.** The members who joined in the last four weeks number ``new_per_week`` a
   week (joined on days spread evenly); everyone else joined earlier, spread evenly over
   the community's ``age_days``.
2. **Recency.** ``weekly_active`` members visited in the last 7 days, ``monthly_active -
   weekly_active`` 7 to 29 days ago, the rest 30 days ago or more (dormant; see
   ``behaviour.dormancy``). Whoever joined in the last week is weekly active (joining is a
   visit), whoever joined in the last month at least monthly active; the rest are drawn at
   random.
3. **Commitment.** Monthly-only and dormant members have none. The weekly actives share
   one commitment, chosen (by bisection on the model's own visit rule, each person with
   their segment's visit multiplier and their propensity, ``behaviour.heterogeneity``;
   none of them is a one-off visitor; recent visitors are the frequent ones, so the
   members' drawn propensities are reordered among them, the highest to the weekly
   actives and the lowest to the dormant: ``match_propensity``) so that the expected
   weekly actives after the first simulated week, the week's newcomers included, equal
   ``weekly_active``.
4. **Activity.** A month's visits at the visit chance just found, and the posts and replies
   those visits bring at the person's own propensity; levels follow from them.
5. **Joins.** With ``new_per_week``, the configured outside reach ``acquisition.p`` and word
   of mouth ``acquisition.q`` are scaled by one factor (their mix kept) so that day 1's
   expected joins are ``new_per_week / 7``.

The test ``tests/unit/test_start.py`` checks the first simulated week's weekly actives and
the first four weeks' joins against what was given (within 10%).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from agents.sentiment import neighbour_sentiment, wom_boost
from agents.states import PROSPECT
from sim.errors import ConfigError
from sim.start import StartParams, StartState

if TYPE_CHECKING:
    from sim.model import CommunityModel

RECENT_DAYS = 28  #: the window in which members join at ``new_per_week``


def tenures(p: StartParams, rng: np.random.Generator) -> np.ndarray:
    """Days since joining of each of ``p.members`` members (step 1), newest last."""
    window = min(p.age_days, RECENT_DAYS)
    n_recent = min(p.members, int(round(p.new_per_week * window / 7)))
    if p.age_days <= RECENT_DAYS:
        n_recent = p.members
    recent = rng.integers(0, window, size=n_recent)
    older = rng.integers(window, max(p.age_days, window + 1), size=p.members - n_recent)
    return np.concatenate([older, recent]).astype(np.int32)


def recency(p: StartParams, tenure: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days since each member's last visit (step 2).

    Raises:
        ConfigError: when the recent joiners alone outnumber the weekly or monthly actives.
    """
    n = len(tenure)
    n_month, n_week = p.monthly, p.weekly_active
    order = rng.permutation(n)
    # dormant: drawn among those who joined 30+ days ago; monthly-only among 7+ days
    dormant = _pick(order, tenure >= 30, n - n_month, "start.monthly_active", n_month, tenure)
    taken = np.zeros(n, dtype=bool)
    taken[dormant] = True
    monthly = _pick(
        order, (tenure >= 7) & ~taken, n_month - n_week, "start.weekly_active", n_week, tenure
    )
    taken[monthly] = True
    idle = np.zeros(n, dtype=np.int32)
    weekly = np.flatnonzero(~taken)
    idle[weekly] = rng.integers(0, np.minimum(6, tenure[weekly]) + 1)
    idle[monthly] = rng.integers(7, np.minimum(29, tenure[monthly]) + 1)
    idle[dormant] = rng.integers(30, tenure[dormant] + 1)
    return idle


def _pick(
    order: np.ndarray, eligible: np.ndarray, k: int, key: str, value: int, tenure: np.ndarray
) -> np.ndarray:
    """``k`` of the eligible entries, in the random ``order``."""
    candidates = order[eligible[order]]
    if len(candidates) < k:
        days = 30 if key == "start.monthly_active" else 7
        recent = int(np.count_nonzero(tenure < days))
        raise ConfigError(
            key,
            value,
            f"{recent} members joined in the last {days} days (start.new_per_week) and count "
            f"as active in that window; give at least that many, or fewer new_per_week",
        )
    return np.sort(candidates[:k])


def week_visit_chance(
    model: CommunityModel,
    idle: np.ndarray,
    commitment: np.ndarray | float,
    mult: np.ndarray,
    base: float | None = None,
) -> np.ndarray:
    """Each member's chance of visiting at least once in days 1-7, day by day.

    Until their first visit, commitment decays (``behaviour.commitment.decay``) and a member
    whose silence reaches ``behaviour.dormancy.after_days`` visits at the dormant rate, as
    the day's phases do. ``base``: a visit chance without commitment other than the
    configured ``behaviour.visits.base``.
    """
    b = model.config.behaviour
    base = b.visits.base if base is None else base
    days = np.arange(1, 8)
    decay = (1.0 - b.commitment.decay) ** (days - 1) if b.commitment.enabled else 1.0
    c = np.asarray(commitment, dtype=float).reshape(-1, 1) * decay
    factor = np.ones((len(idle), 7))
    if b.dormancy.enabled:
        dormant = idle[:, None] + days >= b.dormancy.after_days
        factor = np.where(dormant, b.dormancy.visit_factor, 1.0)
    prob = np.clip((base + b.visits.slope * c) * mult[:, None] * factor, 0.0, 1.0)
    return 1.0 - np.prod(1.0 - prob, axis=1)


def weekly_commitment(
    model: CommunityModel, idle: np.ndarray, mult: np.ndarray, target: float
) -> np.ndarray:
    """Each member's commitment: the weekly actives (``idle < 7``) share the one ``c`` at
    which all members together expect ``target`` weekly actives after the first week; the
    others have none (step 3).

    Raises:
        ConfigError: (``start.weekly_active``) when no commitment in [0, 1] gets there.
    """
    weekly = idle < 7
    others = float(week_visit_chance(model, idle[~weekly], 0.0, mult[~weekly]).sum())

    def expected(c: float) -> float:
        return others + float(week_visit_chance(model, idle[weekly], c, mult[weekly]).sum())

    low, high = expected(0.0), expected(1.0)
    if not low <= target <= high:
        given = model.config.start.weekly_active
        hint = "change those parameters"
        if target < low:
            hint = f"lower behaviour.visits.base to {_base_for(model, idle, mult, target):g}"
        raise ConfigError(
            "start.weekly_active",
            given,
            f"with these members and the model's visit rule (behaviour.visits.base, "
            f"behaviour.visits.slope, behaviour.dormancy.visit_factor) a week's actives lie "
            f"between {low + given - target:,.0f} and {high + given - target:,.0f}; give a "
            f"number in that range or {hint}",
        )
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected(mid) < target else (lo, mid)
    return np.where(weekly, (lo + hi) / 2, 0.0)


def _base_for(model: CommunityModel, idle: np.ndarray, mult: np.ndarray, target: float) -> float:
    """The ``behaviour.visits.base`` at which members without commitment make ``target``
    weekly actives (for the error message)."""

    def floor(base: float) -> float:
        return float(week_visit_chance(model, idle, 0.0, mult, base).sum())

    lo, hi = 0.0, model.config.behaviour.visits.base
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if floor(mid) < target else (lo, mid)
    if lo <= 0:
        return 0.0
    scale = 10.0 ** (1 - math.floor(math.log10(lo)))  # two significant digits, rounded down
    return math.floor(lo * scale) / scale


def synthetic_start(model: CommunityModel) -> tuple[StartState, np.ndarray]:
    """The start state of ``model.config.start`` and the people it is placed on."""
    p, rng, b = model.config.start, model.rng, model.config.behaviour
    tenure = tenures(p, rng)
    idle = recency(p, tenure, rng)
    zeros = np.zeros(len(tenure))
    people = model.place_people(StartState(tenure, idle, zeros > 0, zeros, zeros, zeros, zeros))
    mult = np.ones(len(people))
    if b.visits.enabled:
        if b.heterogeneity.propensity_on:
            match_propensity(model, people, idle, rng)
        mult = model.segments.visit[model.pop.segment[people]] * model.pop.propensity[people]
        model.pop.one_off[people] = False  # recency drawn, not observed: all engaged
    commitment = np.zeros(len(tenure))
    if b.visits.enabled:  # the week's newcomers are weekly actives too
        commitment = weekly_commitment(model, idle, mult, p.weekly_active - p.new_per_week)
    dormant = idle >= b.dormancy.after_days
    factor = np.where(dormant & b.dormancy.enabled, b.dormancy.visit_factor, 1.0)
    prob = np.clip((b.visits.base + b.visits.slope * commitment) * mult * factor, 0.0, 1.0)
    visits_month = np.where(idle < 30, np.maximum(1.0, 30 * prob), 0.0)
    activity = visits_month * _contribution_rate(model, people, commitment)
    posts = np.rint(activity).astype(np.int32)
    state = StartState(tenure, idle, zeros > 0, commitment, activity, visits_month, posts)
    return state, people


def match_propensity(
    model: CommunityModel, people: np.ndarray, idle: np.ndarray, rng: np.random.Generator
) -> None:
    """Recent visitors are the frequent ones: the members' drawn propensities, reordered
    among them so that the weekly actives hold the highest, the monthly-only the next and
    the dormant the lowest (in random order within each group; the distribution is kept)."""
    pop = model.pop
    ranked = np.sort(pop.propensity[people])[::-1]
    group = np.select([idle < 7, idle < 30], [0, 1], 2)
    order = np.lexsort((rng.random(len(people)), group))
    pop.propensity[people[order]] = ranked


def _contribution_rate(
    model: CommunityModel, people: np.ndarray, commitment: np.ndarray
) -> np.ndarray:
    """Posts and replies per visit at each person's own propensity (no boosts)."""
    c, pop = model.config.behaviour.contribution, model.pop
    if not model.config.behaviour.contribution.enabled:
        return np.zeros(len(people))
    social = model.segments.sociality[pop.segment[people]]
    voice = pop.voice[people].astype(float)
    scale = social * (0.5 + commitment)
    return np.minimum(c.post_base * voice * scale, 1.0) + np.minimum(
        c.reply_base * np.sqrt(voice) * scale, 1.0
    )


def scale_acquisition(model: CommunityModel) -> None:
    """Scale ``acquisition.p`` and ``q`` so that day 1 expects ``new_per_week / 7`` joins."""
    p = model.config.start
    acq = model.acquisition
    if p.new_per_week <= 0:
        return
    pop = model.pop
    frontier = np.flatnonzero((pop.state == PROSPECT) & (pop.member_nbrs > 0))
    share = pop.member_nbrs[frontier] / pop.degree[frontier]
    sent = model.config.behaviour.sentiment
    if sent.enabled:  # word of mouth carries the talkers' mood, as in the acquisition phase
        talks = pop.state != PROSPECT
        nbr, _ = neighbour_sentiment(
            model.social, pop.sentiment, talks, pop.member_nbrs + pop.churned_nbrs
        )
        share = share * wom_boost(nbr[frontier], sent)
    share = float(share.sum())
    expected = acq.p * model.n_prospects + acq.q * share
    want = p.new_per_week / 7
    if expected <= 0:
        new_p, new_q = want / max(model.n_prospects, 1), acq.q
    else:
        s = want / expected
        new_p, new_q = acq.p * s, acq.q * s
    if new_p > 1 or new_q > 1:
        raise ConfigError(
            "start.new_per_week",
            p.new_per_week,
            f"the {model.n_prospects:,} prospects cannot bring that many joins a week; "
            "raise community.n (the market) or give fewer new members a week",
        )
    model.acquisition = dataclasses.replace(acq, p=new_p, q=new_q)

"""Contribution: visitors post and reply.

A visitor posts with probability

``min(post_base * L * voice_i * social_g * (0.5 + c_i) * R_i * (1 + first_reply_boost * F_i)
* M_i, 1)``

where ``L`` is the level multiplier, ``voice_i`` a lifelong propensity drawn
log-normally for everyone before day 1 (so that a few members write most: Nielsen 2006),
``social_g`` the segment's sociality, ``c_i`` commitment,
``R_i = 1 + recognition * min(1, r_i / recognition_scale)`` the recognition from
replies received in about the last month (``r_i``), ``F_i`` = 1 when the member's first
post got a reply (Joyce & Kraut 2006: 44% -> 56% post again), and ``M_i`` any multiplier
from strategies (incentives, challenges). Replies follow the same form with
``reply_base`` and ``sqrt(voice_i)`` in place of ``voice_i`` (replying is less unequal than
posting), and go to recent member posts, weighted by quality.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from agents.params import param
from agents.states import Level


@dataclass(frozen=True)
class ContributionParams:
    """``behaviour.contribution.*``: posting and replying."""

    enabled: bool = param(True, unit="-", source="-", doc="switch posting and replying on or off")
    post_base: float = param(
        0.03,
        unit="1/visit",
        low=0.0,
        high=1.0,
        source="assumption (about 90% of members never post, Nielsen 2006; "
        "docs/model.md, Plausible defaults)",
        doc="posting chance of a typical visitor",
    )
    reply_base: float = param(
        0.06,
        unit="1/visit",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="replying chance of a typical visitor",
    )
    voice_sigma: float = param(
        2.0,
        unit="log-sd",
        low=0.0,
        source="assumption (fits Nielsen 2006 90-9-1)",
        doc="spread of lifelong posting propensity",
    )
    level_newcomer: float = param(
        1.0, unit="x", low=0.0, source="assumption", doc="posting multiplier of newcomers"
    )
    level_lurker: float = param(
        0.5, unit="x", low=0.0, source="assumption", doc="posting multiplier of lurkers"
    )
    level_contributor: float = param(
        1.5, unit="x", low=0.0, source="assumption", doc="posting multiplier of contributors"
    )
    level_core: float = param(
        2.5, unit="x", low=0.0, source="assumption", doc="posting multiplier of core members"
    )
    recognition: float = param(
        0.5,
        unit="x",
        low=0.0,
        source="assumption (Kraut & Resnick 2012)",
        doc="extra posting at full recognition",
    )
    recognition_scale: float = param(
        3.0,
        unit="replies/30 days",
        low=1e-9,
        source="assumption",
        doc="replies received for full recognition",
    )
    first_reply_boost: float = param(
        0.5,
        unit="x",
        low=0.0,
        source="Joyce & Kraut 2006 (44% -> 56% post again)",
        doc="extra posting after a reply to one's first post",
    )
    removal_effect: float = param(
        0.5,
        unit="x per removed post",
        low=0.0,
        source="Ren & Kraut 2014 (deleted posts discourage posting)",
        doc="drop in posting per own post removed in the last month",
    )
    reply_window: int = param(
        3,
        unit="days",
        low=1,
        source="assumption",
        doc="how old a post can be and still get replies",
    )
    quality_mean: float = param(
        0.55,
        unit="0-1",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="mean quality of a member post at commitment 0.5",
    )
    quality_sd: float = param(
        0.15, unit="0-1", low=0.0, source="assumption", doc="spread of member post quality"
    )


def level_multiplier(levels: np.ndarray, params: ContributionParams) -> np.ndarray:
    """Posting multiplier by level (array over people)."""
    table = _level_table(
        params.level_newcomer, params.level_lurker, params.level_contributor, params.level_core
    )
    return table[levels]


@functools.lru_cache(maxsize=16)
def _level_table(newcomer: float, lurker: float, contributor: float, core: float) -> np.ndarray:
    """The multiplier of each level code (0 for none), built once per set of values."""
    table = np.zeros(len(Level))
    table[Level.NEWCOMER.value] = newcomer
    table[Level.LURKER.value] = lurker
    table[Level.CONTRIBUTOR.value] = contributor
    table[Level.CORE.value] = core
    table.flags.writeable = False  # shared by every call with these values
    return table


def visitor_factors(
    sociality: np.ndarray,
    commitment: np.ndarray,
    recognised: np.ndarray,
    first_replied: np.ndarray,
    params: ContributionParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The factors that posting and replying share, for each visitor (computed once a day).

    Returns:
        ``(social_g, 0.5 + c_i, R_i, 1 + first_reply_boost * F_i)``, aligned with the
        visitors, for :func:`propensity`.
    """
    recog = 1.0 + params.recognition * np.minimum(1.0, recognised / params.recognition_scale)
    first = 1.0 + params.first_reply_boost * first_replied
    return sociality, 0.5 + commitment, recog, first


def propensity(
    base: float,
    level_mult: np.ndarray,
    voice: np.ndarray,
    factors: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    boost: np.ndarray | float,
) -> np.ndarray:
    """Daily chance of contributing for each visitor.

    Args:
        base: ``post_base`` or ``reply_base``.
        level_mult: the level multiplier of each visitor.
        voice: ``voice_i`` (posting) or ``sqrt(voice_i)`` (replying).
        factors: the shared factors of :func:`visitor_factors`.
        boost: the strategies' multiplier ``M_i``.
    """
    sociality, half_c, recog, first = factors
    p = base * level_mult * voice * sociality * half_c * recog * first * boost
    return np.minimum(p, 1.0)


def draw_topics(interests: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One topic per row, drawn from each row's interest profile (vectorised inverse CDF)."""
    cdf = interests.cumsum(axis=1)
    u = rng.random(len(interests))[:, None] * cdf[:, -1:]
    return np.minimum((u > cdf).sum(axis=1), interests.shape[1] - 1).astype(np.int16)


def draw_quality(
    commitment: np.ndarray, params: ContributionParams, rng: np.random.Generator
) -> np.ndarray:
    """Quality of new member posts: better from committed members."""
    mean = params.quality_mean + 0.3 * (commitment - 0.5)
    quality: np.ndarray = mean + params.quality_sd * rng.standard_normal(len(commitment))
    return quality.clip(0.0, 1.0)


def pick_targets(
    open_posts: np.ndarray, quality: np.ndarray, n_replies: int, rng: np.random.Generator
) -> np.ndarray:
    """Posts that today's replies go to: recent member posts, weighted by quality.

    Each reply picks post j with chance ``w_j / sum(w)``, ``w = quality + 0.05``, by the
    inverse of the cumulative distribution: the same uniform draws, arithmetic and result
    as ``rng.choice(len(open_posts), n_replies, p=w / w.sum())`` (NumPy's weighted
    sampling with replacement), without its argument checks, which cost more than the
    sampling on a small community.
    """
    if n_replies == 0 or len(open_posts) == 0:
        return np.empty(0, dtype=np.int64)
    w = quality[open_posts].astype(float) + 0.05
    cdf = (w / w.sum()).cumsum()
    cdf /= cdf[-1]
    return open_posts[cdf.searchsorted(rng.random(n_replies), side="right")]

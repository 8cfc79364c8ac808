"""Posts and replies entering the content pool: a component of the model.

``model.contributions`` writes members' posts (the contribution phase) and replies (the
contribution phase, and the operator's staff through ``Operator.reply_as_staff``) into
``model.pool`` and the population's counters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents import contribution
from agents.interests import is_offtopic
from sim.content import UGC

if TYPE_CHECKING:
    from sim.model import CommunityModel


class Contributions:
    """Member posts and replies on one model.

    Args:
        model: the model written to.
    """

    def __init__(self, model: CommunityModel) -> None:
        self._model = model

    def publish_posts(self, posters: np.ndarray) -> np.ndarray:
        """Members write one post each today; returns the posts' pool positions."""
        if len(posters) == 0:
            return np.empty(0, dtype=np.int64)
        m = self._model
        pop, b, today = m.pop, m.config.behaviour, m.today
        # the posters' rows by take(axis=0): as fancy indexing, several times faster in 2-D
        topics = contribution.draw_topics(pop.interests.take(posters, axis=0), m.rng)
        quality = contribution.draw_quality(pop.commitment[posters], b.contribution, m.rng)
        first = pop.posts[posters] == 0
        pop.first_post_day[posters[first]] = m.day
        pop.posts[posters] += 1
        pop.activity[posters] += 1.0
        today.posts += len(posters)
        today.negative_posts += int(np.count_nonzero(pop.sentiment[posters] < 0.0))
        today.posters = np.concatenate([today.posters, posters])
        return m.pool.add(
            kind=UGC,
            topic=topics,
            quality=quality,
            tone=pop.sentiment[posters],
            day=m.day,
            author=posters,
            first=first,
            offtopic=is_offtopic(topics, b.content),
        )

    def write_replies(self, repliers: np.ndarray, *, targets: np.ndarray | None = None) -> int:
        """Members reply once each to recent member posts (never their own).

        Args:
            repliers: who replies (people; -1 for the operator's staff).
            targets: the pool positions replied to; chosen by quality when None.

        Returns:
            How many replies were written.
        """
        m = self._model
        params, pool, today = m.config.behaviour.contribution, m.pool, m.today
        if targets is None:
            if len(repliers) == 0:
                return 0
            open_posts = pool.open_posts(m.day, params.reply_window)
            targets = contribution.pick_targets(open_posts, pool.quality, len(repliers), m.rng)
            if len(targets) == 0:
                return 0  # no member post open for replies
            repliers = repliers[: len(targets)]
        authors = pool.author[targets]
        ok = authors != repliers  # never one's own post
        repliers, targets, authors = repliers[ok], targets[ok], authors[ok]
        if len(targets) == 0:
            return 0
        np.add.at(pool.replies, targets, 1)
        pop = m.pop
        members_targets = authors >= 0  # replies to operator items recognise nobody
        got = np.bincount(authors[members_targets], minlength=m.n_people)
        pop.replies_received += got.astype(np.int32)
        pop.recognition += got.astype(np.float32)
        first = pool.first[targets] & members_targets
        pop.first_replied[authors[first]] = 1
        staff = repliers < 0
        members = repliers[~staff]
        pop.replies[members] += 1
        pop.activity[members] += 1.0
        today.repliers = np.concatenate([today.repliers, members])
        if len(today.replies_got):
            today.replies_got += got
        else:
            today.replies_got = got
        today.replies += len(targets)
        return len(targets)

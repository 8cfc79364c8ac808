"""Posts and replies entering the content pool (verbs of the model).

Kept apart from ``sim.model`` so that the model file stays readable; the methods act on
``self.pop``, ``self.pool`` and ``self.today`` of a ``CommunityModel``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents import contribution
from agents.interests import is_offtopic
from sim.content import UGC


class ContributionsMixin:
    """The model's verbs for member posts and replies."""

    pop: Any
    pool: Any
    today: Any
    rng: np.random.Generator
    day: int
    config: Any
    n_people: int

    def publish_posts(self, posters: np.ndarray) -> np.ndarray:
        """Members write one post each today; returns the posts' pool positions."""
        if len(posters) == 0:
            return np.empty(0, dtype=np.int64)
        pop, b = self.pop, self.config.behaviour
        topics = contribution.draw_topics(pop.interests[posters], self.rng)
        quality = contribution.draw_quality(pop.commitment[posters], b.contribution, self.rng)
        first = pop.posts[posters] == 0
        pop.first_post_day[posters[first]] = self.day
        pop.posts[posters] += 1
        pop.activity[posters] += 1.0
        self.today.posts += len(posters)
        self.today.posters = np.concatenate([self.today.posters, posters])
        return self.pool.add(
            kind=UGC,
            topic=topics,
            quality=quality,
            tone=pop.sentiment[posters],
            day=self.day,
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
        params = self.config.behaviour.contribution
        if targets is None:
            open_posts = self.pool.open_posts(self.day, params.reply_window)
            targets = contribution.pick_targets(
                open_posts, self.pool.quality, len(repliers), self.rng
            )
            repliers = repliers[: len(targets)]
        authors = self.pool.author[targets]
        ok = authors != repliers
        repliers, targets, authors = repliers[ok], targets[ok], authors[ok]
        if len(targets) == 0:
            return 0
        np.add.at(self.pool.replies, targets, 1)
        pop = self.pop
        members_targets = authors >= 0  # replies to operator items recognise nobody
        got = np.bincount(authors[members_targets], minlength=self.n_people)
        pop.replies_received += got.astype(np.int32)
        pop.recognition += got.astype(np.float32)
        first = self.pool.first[targets] & members_targets
        pop.first_replied[authors[first]] = 1
        staff = repliers < 0
        members = repliers[~staff]
        pop.replies[members] += 1
        pop.activity[members] += 1.0
        self.today.repliers = np.concatenate([self.today.repliers, members])
        if len(self.today.replies_got):
            self.today.replies_got += got
        else:
            self.today.replies_got = got
        self.today.replies += len(targets)
        return len(targets)

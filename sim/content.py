"""The content pool: operator items and member posts, as arrays of items.

Each item has a type (educational, entertaining, ugc, promotional), a topic, a quality in
[0, 1], a tone in [-1, 1], the day it appeared, its author (-1 for the operator), the
replies it received, and whether it is its author's first post. Items expire after
``content.lifetime`` days. Consumption reads the pool only through aggregates per type and
topic (:meth:`ContentPool.supply`), never item by item per member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.segments import CONTENT_TYPES

UGC = CONTENT_TYPES.index("ugc")

_FIELDS = {
    "kind": np.int8,
    "topic": np.int16,
    "quality": np.float32,
    "tone": np.float32,
    "day": np.int32,
    "author": np.int64,
    "replies": np.int32,
    "first": np.bool_,
    "offtopic": np.bool_,
}


@dataclass
class Supply:
    """What the feed can show today, aggregated.

    Attributes:
        count: items per topic (K,).
        quality: quality mass per content type and topic (types, K).
        noise: items per topic that are noise: low quality or negative tone (K,).
        total: all items.
    """

    count: np.ndarray
    quality: np.ndarray
    noise: np.ndarray
    total: int


class ContentPool:
    """All live items, one array per attribute.

    Attributes:
        kind, topic, quality, tone, day, author, replies, first, offtopic: one array each,
        aligned (position i is one item).

    Args:
        n_topics: number of topics K.
        lifetime: days an item stays in the feed.
        low_quality: quality below which an item is noise.
    """

    kind: np.ndarray
    topic: np.ndarray
    quality: np.ndarray
    tone: np.ndarray
    day: np.ndarray
    author: np.ndarray
    replies: np.ndarray
    first: np.ndarray
    offtopic: np.ndarray

    def __init__(self, n_topics: int, lifetime: int, low_quality: float) -> None:
        self.n_topics = n_topics
        self.lifetime = lifetime
        self.low_quality = low_quality
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dtype))

    def __len__(self) -> int:
        return len(self.kind)

    def add(
        self,
        *,
        kind: int | np.ndarray,
        topic: np.ndarray,
        quality: np.ndarray,
        tone: np.ndarray,
        day: int,
        author: np.ndarray | int = -1,
        first: np.ndarray | bool = False,
        offtopic: np.ndarray | bool = False,
    ) -> np.ndarray:
        """Append items; returns their positions in the pool."""
        k = len(topic)
        start = len(self)
        new: dict[str, Any] = {
            "kind": kind,
            "topic": topic,
            "quality": quality,
            "tone": tone,
            "day": day,
            "author": author,
            "replies": 0,
            "first": first,
            "offtopic": offtopic,
        }
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.concatenate([getattr(self, name), _column(new[name], dtype, k)]))
        return np.arange(start, start + k)

    def expire(self, today: int) -> None:
        """Drop items older than the lifetime."""
        keep = self.day > today - self.lifetime
        if keep.all():
            return
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    def remove(self, positions: np.ndarray) -> None:
        """Delete items (moderation)."""
        keep = np.ones(len(self), dtype=bool)
        keep[positions] = False
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    def is_noise(self) -> np.ndarray:
        """Low-quality or negative items."""
        return (self.quality < self.low_quality) | (self.tone < 0)

    def supply(self) -> Supply:
        """Counts, quality mass and noise per content type and topic."""
        k, t = self.n_topics, len(CONTENT_TYPES)
        topic = self.topic.astype(np.int64)
        count = np.bincount(topic, minlength=k).astype(float)
        flat = self.kind.astype(np.int64) * k + topic
        quality = np.bincount(flat, weights=self.quality, minlength=t * k).reshape(t, k)
        noise = np.bincount(topic, weights=self.is_noise(), minlength=k)
        return Supply(count, quality, noise, len(self))

    def open_posts(self, today: int, window: int) -> np.ndarray:
        """Positions of member posts (not the operator's) young enough to be replied to."""
        recent = (self.kind == UGC) & (self.author >= 0) & (self.day > today - window)
        return recent.nonzero()[0]


def _column(value: Any, dtype: type, k: int) -> np.ndarray:
    """``value`` as ``k`` items of ``dtype``: an array of ``k`` values, or one value repeated.

    Raises:
        ValueError: for an array whose length is not ``k``.
    """
    if isinstance(value, np.ndarray) and value.ndim:
        if len(value) != k:
            raise ValueError(f"an item attribute has {len(value)} values for {k} items")
        return value.astype(dtype, copy=False)
    return np.full(k, value, dtype=dtype)

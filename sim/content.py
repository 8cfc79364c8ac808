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

    Each attribute is a view of the live part of a longer buffer (``_buffers[name]``, items
    ``_start`` to ``_end``): adding items writes them after the last one (the buffers are
    reallocated, twice as long, when full), and expiry moves ``_start`` past the items
    that expire, which are the oldest ones: items enter in day order, so a day of adds and
    expiry copies nothing. Writes through an attribute (``np.add.at(pool.replies, ...)``)
    reach the buffer.

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

    #: buffer length of a new pool (items)
    INITIAL_CAPACITY = 64

    def __init__(self, n_topics: int, lifetime: int, low_quality: float) -> None:
        self.n_topics = n_topics
        self.lifetime = lifetime
        self.low_quality = low_quality
        self._buffers: dict[str, np.ndarray] = {
            name: np.empty(self.INITIAL_CAPACITY, dtype=dtype) for name, dtype in _FIELDS.items()
        }
        self._start = self._end = 0
        self._last_day: int | None = None  # the day of the newest item ever added
        self._in_day_order = True  # no item was added with a day before an earlier item's
        self._view()

    def __len__(self) -> int:
        return self._end - self._start

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the views, which are made again from the buffers."""
        return {k: v for k, v in self.__dict__.items() if k not in _FIELDS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._view()

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
        """Append items (an attribute is an array with one value per item, or one value for
        all); returns their positions in the pool.

        Raises:
            ValueError: for an attribute array whose length is not the number of items.
        """
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
        if self._end + k > len(self._buffers["day"]):
            self._reallocate(slice(None), 2 * (start + k))
        lo, hi = self._end, self._end + k
        for name, buffer in self._buffers.items():
            buffer[lo:hi] = new[name]  # cast as by astype; a single value fills all
        self._end = hi
        if self._last_day is not None and day < self._last_day:
            self._in_day_order = False
        self._last_day = day if self._last_day is None else max(self._last_day, day)
        self._view()
        return np.arange(start, start + k)

    def expire(self, today: int) -> None:
        """Drop items older than the lifetime."""
        cutoff = today - self.lifetime  # items of this day or before expire
        if self._in_day_order:  # the expired items come first: skip them, copy nothing
            n_old = int(self.day.searchsorted(cutoff, side="right"))
            if n_old:
                self._start += n_old
                self._view()
            return
        keep = self.day > cutoff
        if not keep.all():
            self._reallocate(keep, 2 * int(keep.sum()))

    def remove(self, positions: np.ndarray) -> None:
        """Delete items (moderation)."""
        keep = np.ones(len(self), dtype=bool)
        keep[positions] = False
        self._reallocate(keep, 2 * int(keep.sum()))

    def _reallocate(self, keep: np.ndarray | slice, capacity: int) -> None:
        """New buffers of ``capacity`` items (at least the initial capacity) holding the
        live items selected by ``keep``, in order."""
        capacity = max(capacity, self.INITIAL_CAPACITY)
        n = len(self.day[keep])
        for name, dtype in _FIELDS.items():
            buffer: np.ndarray = np.empty(capacity, dtype=dtype)
            buffer[:n] = getattr(self, name)[keep]
            self._buffers[name] = buffer
        self._start, self._end = 0, n
        self._view()

    def _view(self) -> None:
        """Point every attribute at the live items of its buffer."""
        for name, buffer in self._buffers.items():
            setattr(self, name, buffer[self._start : self._end])

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

"""Segments (personas): groups of members with their own habits and tastes.

Each segment scales the member mechanisms: how often its members visit, how much they
post and reply (sociality), how strongly incentives move them, how likely they are to buy
and how much they spend, and which content types they value. People are assigned to
segments by share at random, or by the block of a stochastic block model (block b ->
segment b mod G), so that segments can be communities of the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from agents.params import param

#: content types, in the order used by every type-indexed array
CONTENT_TYPES = ("educational", "entertaining", "ugc", "promotional")


@dataclass(frozen=True)
class SegmentParams:
    """``behaviour.segments.groups.<name>.*``: one persona."""

    share: float = param(
        1.0,
        unit="weight",
        low=0.0,
        source="assumption",
        doc="relative size of the segment (normalised over segments)",
    )
    visit: float = param(
        1.0, unit="x", low=0.0, source="assumption", doc="multiplier on the daily visit chance"
    )
    sociality: float = param(
        1.0, unit="x", low=0.0, source="assumption", doc="multiplier on posting and replying"
    )
    incentive: float = param(
        1.0,
        unit="x",
        low=0.0,
        source="assumption",
        doc="multiplier on the effect of incentives (points, coupons)",
    )
    purchase: float = param(
        0.002,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (0.1-0.5% daily buyer share, e-commerce)",
        doc="daily purchase chance of a fully committed visitor",
    )
    basket: float = param(
        40.0, unit="currency/purchase", low=0.0, source="assumption", doc="mean order value"
    )
    pref_educational: float = param(
        1.0, unit="weight", low=0.0, source="assumption", doc="value of educational content"
    )
    pref_entertaining: float = param(
        1.0, unit="weight", low=0.0, source="assumption", doc="value of entertaining content"
    )
    pref_ugc: float = param(
        1.0, unit="weight", low=0.0, source="assumption", doc="value of member posts"
    )
    pref_promotional: float = param(
        0.3, unit="weight", low=0.0, source="assumption", doc="value of promotional content"
    )


@dataclass(frozen=True)
class SegmentsParams:
    """``behaviour.segments.*``: the personas and how people are assigned to them."""

    assign: str = param(
        "share",
        unit="-",
        choices=("share", "block"),
        source="assumption",
        doc="by share at random, or by stochastic-block-model block",
    )
    groups: Mapping[str, SegmentParams] | None = None

    def names(self) -> list[str]:
        """Segment names, in index order."""
        return list(self.groups or {"everyone": SegmentParams()})

    def table(self) -> SegmentTable:
        """The segments as arrays indexed by segment number."""
        return SegmentTable.from_groups(dict(self.groups or {"everyone": SegmentParams()}))


@dataclass(frozen=True)
class SegmentTable:
    """Per-segment parameters as arrays (index: segment number), for vectorised lookups."""

    names: tuple[str, ...]
    share: np.ndarray
    visit: np.ndarray
    sociality: np.ndarray
    incentive: np.ndarray
    purchase: np.ndarray
    basket: np.ndarray
    prefs: np.ndarray  # (segments, content types)

    @classmethod
    def from_groups(cls, groups: dict[str, SegmentParams]) -> SegmentTable:
        """Stack the groups' parameters into arrays."""
        col = {
            f.name: np.array([getattr(g, f.name) for g in groups.values()], dtype=float)
            for f in fields(SegmentParams)
        }
        prefs = np.stack([col[f"pref_{t}"] for t in CONTENT_TYPES], axis=1)
        share = col["share"] / col["share"].sum()
        return cls(
            tuple(groups),
            share,
            col["visit"],
            col["sociality"],
            col["incentive"],
            col["purchase"],
            col["basket"],
            prefs,
        )


def assign_segments(
    n: int, table: SegmentTable, assign: str, blocks: np.ndarray | None, rng: np.random.Generator
) -> np.ndarray:
    """Segment of each person (int8 array of length n).

    Args:
        n: number of people.
        table: the segments.
        assign: ``share`` (random, by share) or ``block`` (SBM block b -> segment b mod G).
        blocks: the graph's blocks, required for ``block``.
        rng: the model's generator.
    """
    g = len(table.names)
    if assign == "block":
        if blocks is None:
            raise ValueError(
                "behaviour.segments.assign=block needs community=sbm "
                "(a graph with blocks); use assign=share for other graphs"
            )
        return (np.asarray(blocks) % g).astype(np.int8)
    return rng.choice(g, size=n, p=table.share).astype(np.int8)

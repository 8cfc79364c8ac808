"""The KPIs: the one KPI definition of commsim.

Each KPI (:data:`KPIS`) declares its name, its direction (:class:`Direction`), how the run
becomes one number (a :class:`Reduce` of a daily metric, a formula over the people, or a
difference against the baseline of the same replication), its unit and a label;
``sim.summary.summarise`` computes every run's values with those reducers, the comparisons
add the paired ones (``experiments.analysis.stats.incremental``), and the commands look
KPIs up with :func:`kpi` (an unknown KPI is a ``ConfigError`` naming the key that asked).

Every definition is in the ``how`` of its KPI (docs/experiments.md lists them all):

- ``retention_d7`` / ``_d30`` / ``_d90``: of members who joined at least N days before the
  end, the share who visited at least once in their days 1-7 / 23-30 / 83-90 after joining
  (without visit decisions every member visits every day, as the daily ``active`` counts:
  the share still members on the window's first day).
- ``stickiness``: the mean over days 1..T of ``dau / mau``.
- ``churned_total``: as ``churn.definition`` says (``left``, or also members without a
  visit for N days with ``inactive_days:N``).
- ``roi``: (revenue - cost) / cost, None when nothing was spent; ``cost_per_member``: cost
  per member acquired after day 0.
- ``incremental_*``: this plan's run minus the baseline's run of the same replication (same
  seed, same scenario); ``incremental_roi`` = (incremental revenue - incremental cost) /
  incremental cost; the costs per incremental member divide the incremental cost by the
  extra members (or extra active members), None when the plan added none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from sim.errors import ConfigError
from sim.population import RETENTION_WINDOWS


class Direction(Enum):
    """Which way a KPI is better."""

    MAX = "max"
    MIN = "min"


class Reduce(Enum):
    """How a run becomes one number."""

    LAST = "last value"
    SUM = "sum"
    MEAN = "mean over days 1..T"
    MAX = "maximum"
    FORMULA = "formula"  # computed from the people, see ``how``
    PAIRED = "against the baseline of the same replication"  # computed by a comparison

    def __call__(self, series: pd.Series) -> Any:
        """The reduced value of a daily series (day 0 first)."""
        if self is Reduce.LAST:
            return series.iloc[-1]
        if self is Reduce.SUM:
            return series.sum()
        if self is Reduce.MEAN:
            return series.iloc[1:].mean() if len(series) > 1 else 0.0
        if self is Reduce.MAX:
            return series.max()
        raise ValueError(f"{self.name} is not a reduction of a daily series")


@dataclass(frozen=True)
class KPI:
    """One key performance indicator.

    Attributes:
        name: its key in the summary.
        direction: maximise or minimise.
        reduce: how the daily ``metric`` becomes one number (``FORMULA``, ``PAIRED``: see
            ``how``).
        label: what a strategist reads.
        unit: ``members``, ``share``, ``currency``, ``days``, ``ratio``, ``posts``, ``-``.
        metric: the daily metric reduced (None for a formula).
        how: the definition in words.
    """

    name: str
    direction: Direction
    reduce: Reduce
    label: str
    unit: str = "-"
    metric: str | None = None
    how: str = ""

    def value(self, metrics: pd.DataFrame) -> Any:
        """The KPI of a daily metrics table (series KPIs only)."""
        if self.metric is None:
            raise ValueError(f"{self.name} is not a daily series: {self.how}")
        return self.reduce(metrics[self.metric])

    @property
    def paired(self) -> bool:
        """Whether it is computed against the baseline (by a comparison, not by a run)."""
        return self.reduce is Reduce.PAIRED


_MAX, _MIN = Direction.MAX, Direction.MIN
_F, _P, _LAST, _SUM, _MEAN = Reduce.FORMULA, Reduce.PAIRED, Reduce.LAST, Reduce.SUM, Reduce.MEAN
_M, _C = "members", "currency"

KPIS: dict[str, KPI] = {
    k.name: k
    for k in [
        KPI("members_final", _MAX, _LAST, "members at the end", _M, "members"),
        KPI(
            "active_members_final",
            _MAX,
            _F,
            "active members at the end",
            _M,
            how="members at the end who are not dormant (behaviour.dormancy.after_days)",
        ),
        KPI("dormant_final", _MIN, _LAST, "dormant members at the end", _M, "dormant"),
        KPI("joined_total", _MAX, _LAST, "people who ever joined", _M, "joined_total"),
        KPI(
            "new_per_week",
            _MAX,
            _F,
            "new members per week",
            _M,
            how="people who joined after day 0, per 7 days of the run",
        ),
        KPI(
            "days_to_members",
            _MIN,
            _F,
            "days to reach the members target",
            "days",
            how="first day with members >= targets.members (None: not reached, or no target)",
        ),
        KPI("mean_active", _MAX, _MEAN, "DAU: daily active members (mean)", _M, "active"),
        KPI("wau_mean", _MAX, _MEAN, "WAU: weekly active members (mean)", _M, "wau"),
        KPI("mau_mean", _MAX, _MEAN, "MAU: monthly active members (mean)", _M, "mau"),
        KPI("peak_active", _MAX, Reduce.MAX, "daily active members (peak)", _M, "active"),
        KPI(
            "stickiness",
            _MAX,
            _F,
            "stickiness (DAU/MAU)",
            "share",
            how="mean over days 1..T of dau / mau",
        ),
        *[
            KPI(
                f"retention_d{n}",
                _MAX,
                _F,
                f"{n}-day retention",
                "share",
                how=f"of members who joined at least {n} days before the end, the share who "
                f"visited in their days {lo}-{hi} after joining (without visit decisions, "
                "as with behaviour=diffusion, every member visits every day: the share still "
                f"members on day {lo} after joining)",
            )
            for n, (lo, hi) in RETENTION_WINDOWS.items()
        ],
        KPI(
            "conversion",
            _MAX,
            _F,
            "conversion (share of members who bought)",
            "share",
            how="share of the people who ever joined with at least one purchase",
        ),
        KPI("posts_total", _MAX, _SUM, "member posts", "posts", "posts"),
        KPI("replies_total", _MAX, _SUM, "replies", "posts", "replies"),
        KPI(
            "negative_posts_total",
            _MIN,
            _SUM,
            "negative posts",
            "posts",
            "negative_posts",
            how="posts by members whose sentiment was below 0 when they wrote",
        ),
        KPI(
            "negative_members_final",
            _MIN,
            _F,
            "members with negative sentiment at the end",
            _M,
            how="members at the end whose sentiment is below 0",
        ),
        KPI("sentiment_final", _MAX, _LAST, "sentiment at the end", "-1..1", "sentiment"),
        KPI("revenue_total", _MAX, _SUM, "revenue", _C, "revenue"),
        KPI("cost_total", _MIN, _SUM, "cost", _C, "cost"),
        KPI("roi", _MAX, _F, "return on investment", "ratio", how="(revenue - cost) / cost"),
        KPI("ltv", _MAX, _F, "lifetime value", _C, how="revenue per member who ever joined"),
        KPI(
            "cost_per_member",
            _MIN,
            _F,
            "cost per member",
            _C,
            how="cost per member acquired after day 0",
        ),
        KPI(
            "budget_exhausted_day",
            _MAX,
            _F,
            "day the budget ran out",
            "days",
            how="first day a payment was refused because the budget was spent (None: never)",
        ),
        KPI(
            "churned_total",
            _MIN,
            _LAST,
            "churned (churn.definition)",
            _M,
            "churned_total",
        ),
        KPI("peak_gravity", _MAX, Reduce.MAX, "Orbit gravity (peak)", "-", "gravity"),
        KPI(
            "incremental_members",
            _MAX,
            _P,
            "extra members over the baseline",
            _M,
            how="members_final minus the baseline's",
        ),
        KPI(
            "incremental_active",
            _MAX,
            _P,
            "extra daily active members over the baseline",
            _M,
            how="mean_active minus the baseline's",
        ),
        KPI(
            "incremental_revenue",
            _MAX,
            _P,
            "extra revenue over the baseline",
            _C,
            how="revenue_total minus the baseline's",
        ),
        KPI(
            "incremental_cost",
            _MIN,
            _P,
            "extra cost over the baseline",
            _C,
            how="cost_total minus the baseline's (the plan's cost if the baseline spends nothing)",
        ),
        KPI(
            "incremental_roi",
            _MAX,
            _P,
            "incremental return on investment",
            "ratio",
            how="(incremental_revenue - incremental_cost) / incremental_cost",
        ),
        KPI(
            "cost_per_incremental_member",
            _MIN,
            _P,
            "cost per extra member",
            _C,
            how="incremental_cost / incremental_members (None when the plan added none)",
        ),
        KPI(
            "cost_per_incremental_retained_member",
            _MIN,
            _P,
            "cost per extra active member",
            _C,
            how="incremental_cost / the extra active_members_final (None when none)",
        ),
    ]
}

#: the KPIs a comparison shows by default, in order (the paired ones need a baseline)
DEFAULT_KPIS = [
    "members_final",
    "active_members_final",
    "new_per_week",
    "mean_active",
    "wau_mean",
    "mau_mean",
    "stickiness",
    "retention_d30",
    "conversion",
    "revenue_total",
    "cost_total",
    "negative_members_final",
    "incremental_members",
    "incremental_revenue",
    "incremental_roi",
    "cost_per_incremental_member",
]


def kpi(name: Any, key: str = "kpi") -> KPI:
    """The KPI called ``name``.

    Args:
        name: a KPI name.
        key: the config key that asked for it (``rank_by``, ``search.kpi``...).

    Raises:
        ConfigError: naming ``key`` when there is no such KPI.
    """
    if not isinstance(name, str) or name not in KPIS:
        raise ConfigError(key, name, f"use one of: {', '.join(KPIS)}")
    return KPIS[name]


def run_kpi(name: Any, key: str = "kpi") -> KPI:
    """A KPI that one run gives on its own (not one paired with a baseline's run).

    Raises:
        ConfigError: naming ``key`` for an unknown KPI, or a paired one (``incremental_*``,
            the costs per extra member), which only ``commsim compare`` computes.
    """
    found = kpi(name, key)
    if found.paired:
        singles = ", ".join(k for k, v in KPIS.items() if not v.paired)
        raise ConfigError(
            key,
            name,
            "is measured against a baseline's run, which only commsim compare has; use one of: "
            + singles,
        )
    return found

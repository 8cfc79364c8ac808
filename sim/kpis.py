"""The run's summary and its KPIs: the one KPI definition of commsim.

Each KPI (:data:`KPIS`) declares its name, its direction (:class:`Direction`), how the run
becomes one number (a :class:`Reduce` of a daily metric, or a formula over the people) and
a label; :func:`summarise` computes every summary value with those reducers, and the
commands look KPIs up with :func:`kpi` (an unknown KPI is a ``ConfigError`` naming the key
that asked for it).

Definitions (also in docs/model.md):

- ``retention_d30``: of members who joined at least 30 days before the end, the share who
  visited at least once in their days 23-30 after joining.
- ``top10_post_share``: share of all posts written by the 10% of members (everyone who
  ever joined) who posted most; ``top10_poster_share`` the same among posters only.
- ``gini_posts``: Gini coefficient of posts over everyone who ever joined.
- ``stickiness``: the mean over days 1..T of ``dau / mau`` (days with no monthly active
  member left out); ``wau_mean`` the mean of ``wau`` over days 1..T.
- ``churned_total``: as ``churn.definition`` says: ``left``, everyone who left; with
  ``inactive_days:N``, also the members without a visit for N days at the end.
- ``roi``: (revenue - cost) / cost, None when nothing was spent; ``cost_per_member``:
  cost per member acquired after day 0 (None when nothing was spent or nobody was
  acquired); ``ltv``: revenue per member who
  ever joined, over the simulated horizon.
- ``post_again_replied`` / ``post_again_unreplied``: among members whose first post was
  at least 30 days before the end, the share who posted again, by whether the first post
  got a reply (Joyce & Kraut 2006).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from agents.params import param
from agents.states import PROSPECT, Channel
from sim.errors import ConfigError

CHURN_DEFINITIONS = ("left", "inactive_days:N")


@dataclass(frozen=True)
class ChurnDefinition:
    """``churn.*``: who counts as churned in the metrics and KPIs."""

    definition: str = param(
        "left",
        unit="-",
        source="-",
        doc="left: members who left; inactive_days:N: also members without a visit for N days",
    )

    @property
    def inactive_days(self) -> int | None:
        """N of ``inactive_days:N`` (None for ``left``)."""
        if self.definition == "left":
            return None
        return int(self.definition.split(":", 1)[1])


def parse_churn(values: Any) -> ChurnDefinition:
    """``churn.definition``: ``left`` or ``inactive_days:N`` (N a whole number >= 1).

    Raises:
        ConfigError: naming ``churn.definition`` (or an unknown key of ``churn``).
    """
    values = dict(values or {})
    for key in values:
        if key != "definition":
            raise ConfigError(f"churn.{key}", values[key], "unknown key; churn has: definition")
    value = values.get("definition", "left")
    if value == "left":
        return ChurnDefinition()
    head, _, n = str(value).partition(":")
    if head != "inactive_days" or not n.isdigit() or int(n) < 1:
        raise ConfigError(
            "churn.definition",
            value,
            "use left (members who left) or inactive_days:N (also members without a visit "
            "for N days, e.g. inactive_days:30)",
        )
    return ChurnDefinition(f"inactive_days:{int(n)}")


class Direction(Enum):
    """Which way a KPI is better."""

    MAX = "max"
    MIN = "min"


class Reduce(Enum):
    """How a daily metric becomes one number."""

    LAST = "last value"
    SUM = "sum"
    MEAN = "mean over days 1..T"
    MAX = "maximum"
    FORMULA = "formula"  # computed from the people, see ``how``

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
        raise ValueError(f"{self.name} is computed from the people, not from a series")


@dataclass(frozen=True)
class KPI:
    """One key performance indicator.

    Attributes:
        name: its key in the summary.
        direction: maximise or minimise.
        reduce: how the daily ``metric`` becomes one number (``FORMULA``: see ``how``).
        label: what a strategist reads.
        metric: the daily metric reduced (None for a formula).
        how: the definition in words.
    """

    name: str
    direction: Direction
    reduce: Reduce
    label: str
    metric: str | None = None
    how: str = ""

    def value(self, metrics: pd.DataFrame) -> Any:
        """The KPI of a daily metrics table (series KPIs only)."""
        if self.metric is None:
            raise ValueError(f"{self.name} is a formula: {self.how}")
        return self.reduce(metrics[self.metric])


_MAX, _MIN = Direction.MAX, Direction.MIN
_F = Reduce.FORMULA

KPIS: dict[str, KPI] = {
    k.name: k
    for k in [
        KPI("members_final", _MAX, Reduce.LAST, "members at the end", "members"),
        KPI("joined_total", _MAX, Reduce.LAST, "people who ever joined", "joined_total"),
        KPI("mean_active", _MAX, Reduce.MEAN, "daily active members (mean)", "active"),
        KPI("peak_active", _MAX, Reduce.MAX, "daily active members (peak)", "active"),
        KPI("retention_d30", _MAX, _F, "30-day retention", how="share active in days 23-30"),
        KPI("posts_total", _MAX, Reduce.SUM, "member posts", "posts"),
        KPI("replies_total", _MAX, Reduce.SUM, "replies", "replies"),
        KPI("sentiment_final", _MAX, Reduce.LAST, "sentiment at the end", "sentiment"),
        KPI("revenue_total", _MAX, Reduce.SUM, "revenue", "revenue"),
        KPI("cost_total", _MIN, Reduce.SUM, "cost", "cost"),
        KPI("roi", _MAX, _F, "return on investment", how="(revenue - cost) / cost"),
        KPI("ltv", _MAX, _F, "lifetime value", how="revenue per member who ever joined"),
        KPI("cost_per_member", _MIN, _F, "cost per member", how="cost per member acquired"),
        KPI("churned_total", _MIN, Reduce.LAST, "churned (churn.definition)", "churned_total"),
        KPI("wau_mean", _MAX, Reduce.MEAN, "weekly active members (mean)", "wau"),
        KPI("stickiness", _MAX, _F, "stickiness (DAU/MAU)", how="mean over days of dau / mau"),
        KPI("peak_gravity", _MAX, Reduce.MAX, "Orbit gravity (peak)", "gravity"),
    ]
}

#: the KPIs a comparison shows by default, in order
DEFAULT_KPIS = [
    "members_final",
    "joined_total",
    "mean_active",
    "wau_mean",
    "retention_d30",
    "posts_total",
    "sentiment_final",
    "revenue_total",
    "cost_total",
    "roi",
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


def _kpi(name: str, metrics: pd.DataFrame) -> Any:
    return KPIS[name].value(metrics)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal, ->1: one holds all)."""
    x = np.sort(np.asarray(x, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def top_share(x: np.ndarray, share: float = 0.1) -> float:
    """Share of the total held by the top ``share`` of entries."""
    total = x.sum()
    if total == 0 or len(x) == 0:
        return 0.0
    k = max(1, int(np.ceil(share * len(x))))
    return float(np.sort(x)[-k:].sum() / total)


def stickiness(metrics: pd.DataFrame) -> float | None:
    """Mean over days 1..T of daily over monthly actives (None: no monthly active ever)."""
    days = metrics.iloc[1:] if len(metrics) > 1 else metrics
    days = days[days["mau"] > 0]
    return float((days["dau"] / days["mau"]).mean()) if len(days) else None


def _rate(mask: np.ndarray, among: np.ndarray) -> float | None:
    return float(mask[among].mean()) if among.any() else None


def summarise(model: Any, metrics: pd.DataFrame) -> dict[str, Any]:
    """Every KPI of a finished run."""
    pop, n, end = model.pop, int(model.n_people), int(model.day)
    last = metrics.iloc[-1]
    peak = int(metrics["active"].idxmax())
    joined = pop.state != PROSPECT
    posts = pop.posts[joined]
    posters = posts[posts > 0]
    old = joined & (pop.joined_day >= 0) & (pop.joined_day <= end - 30)  # not start state
    first_old = (pop.first_post_day >= 0) & (pop.first_post_day <= end - 30)
    again = pop.posts >= 2
    replied = pop.first_replied == 1
    revenue = float(_kpi("revenue_total", metrics))
    cost = float(_kpi("cost_total", metrics))
    acquired = int(np.count_nonzero(joined & (pop.joined_day > 0)))
    out: dict[str, Any] = {
        "seed": int(model.config.seed),
        "days": end,
        "n_people": n,
        "n_ties": int(model.social.n_edges),
        "members_final": int(_kpi("members_final", metrics)),
        "joined_total": int(_kpi("joined_total", metrics)),
        "churned_total": int(_kpi("churned_total", metrics)),
        "left_total": int(last["left_total"]),
        "dormant_final": int(last["dormant"]),
        "wau_final": int(last["wau"]),
        "wau_mean": float(_kpi("wau_mean", metrics)),
        "stickiness": stickiness(metrics),
        "adoption_final": float(last["joined_total"]) / n,
        "peak_active": int(_kpi("peak_active", metrics)),
        "peak_active_day": int(metrics["day"].iloc[peak]),
        "active_final": int(last["active"]),
        "mean_active": float(_kpi("mean_active", metrics)),
        "commitment_final": float(last["mean_commitment"]),
        "posts_total": int(_kpi("posts_total", metrics)),
        "replies_total": int(_kpi("replies_total", metrics)),
        "retention_d30": _rate(pop.active_d23_30 == 1, old),
        "sentiment_final": float(_kpi("sentiment_final", metrics)),
        "revenue_total": revenue,
        "cost_total": cost,
        "roi": (revenue - cost) / cost if cost > 0 else None,
        "cost_per_member": cost / acquired if acquired and cost > 0 else None,
        "ltv": revenue / int(joined.sum()) if joined.any() else 0.0,
        "top10_post_share": top_share(posts, 0.1),
        "top10_poster_share": top_share(posters, 0.1),
        "share_never_posted": float(np.mean(posts == 0)) if len(posts) else 0.0,
        "gini_posts": gini(posts),
        "post_again_replied": _rate(again, first_old & replied),
        "post_again_unreplied": _rate(again, first_old & ~replied),
        "peak_gravity": float(_kpi("peak_gravity", metrics)),
        "budget_exhausted_day": int(model.budget_exhausted_day),
    }
    for item, amount in sorted(model.cost_by_item.items()):
        out[f"cost_{item}"] = float(amount)
    for ch in (Channel.ORGANIC, Channel.WOM, Channel.SEEDED, Channel.ADS, Channel.PARTNER):
        out[f"joined_{ch.name.lower()}"] = int(np.count_nonzero(pop.channel == ch.value))
    return out

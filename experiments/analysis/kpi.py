"""KPIs: what each summary number means for a strategist, and which way is better.

Each KPI declares its direction (maximise or minimise) and how the daily series becomes
one number (the summary already holds the number; ``how`` documents it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KPI:
    """One key performance indicator."""

    name: str
    direction: str  # "max" | "min"
    how: str
    label: str


KPIS: dict[str, KPI] = {
    k.name: k
    for k in [
        KPI("members_final", "max", "last value of members", "members at the end"),
        KPI("joined_total", "max", "last value of joined_total", "people who ever joined"),
        KPI("mean_active", "max", "mean of active over days 1..T", "daily active members (mean)"),
        KPI("peak_active", "max", "maximum of active", "daily active members (peak)"),
        KPI("retention_d30", "max", "share active in days 23-30 after joining", "30-day retention"),
        KPI("posts_total", "max", "sum of posts", "member posts"),
        KPI("replies_total", "max", "sum of replies", "replies"),
        KPI("sentiment_final", "max", "last value of mean sentiment", "sentiment at the end"),
        KPI("revenue_total", "max", "sum of revenue", "revenue"),
        KPI("cost_total", "min", "sum of cost", "cost"),
        KPI("roi", "max", "(revenue - cost) / cost", "return on investment"),
        KPI("ltv", "max", "revenue per member who ever joined", "lifetime value"),
        KPI("cost_per_member", "min", "cost per member acquired after day 0", "cost per member"),
        KPI("churned_total", "min", "last value of churned_total", "members who left"),
        KPI("peak_gravity", "max", "maximum of Orbit gravity", "Orbit gravity (peak)"),
    ]
}

#: the KPIs a comparison shows by default, in order
DEFAULT_KPIS = [
    "members_final",
    "joined_total",
    "mean_active",
    "retention_d30",
    "posts_total",
    "sentiment_final",
    "revenue_total",
    "cost_total",
    "roi",
]


def direction(name: str) -> str:
    """``max`` or ``min`` for a KPI (unknown KPIs are maximised)."""
    return KPIS[name].direction if name in KPIS else "max"

"""What a real community looks like: the ranges the default community's year must fall in.

A strategist compares plans on the default community when they have no log of their own, so
its year must look like a real one: a minority of the reachable people join, most members
go quiet without leaving, a few come daily, most never post. Each ``Target`` names one
figure of a run, how it is measured, the range real communities show and where the range
comes from (a log in ``../shared/data`` measured by commsim, or a published figure).

This table is the one place the ranges live: ``docs/model.md`` ("Plausible defaults") is
generated from it (``make docs``) and ``tests/validation/test_plausible_defaults.py`` holds
the default community's 365-day run inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.runner import RunResult

#: days over which the share of members active at the end of the year is averaged
END_WINDOW = 30


@dataclass(frozen=True)
class Target:
    """One figure of a run and the range real communities show.

    Attributes:
        name: short key (used by the test and the docs).
        what: what the figure is, in words.
        how: how it is measured from a run's metrics and summary.
        low: lowest plausible value (inclusive).
        high: highest plausible value (inclusive).
        source: where the range comes from.
        measure: the figure of one run.
    """

    name: str
    what: str
    how: str
    low: float
    high: float
    source: str
    measure: Callable[[RunResult], float]

    def holds(self, value: float) -> bool:
        """Whether ``value`` is inside ``[low, high]``."""
        return self.low <= value <= self.high


def _by_day(result: RunResult) -> pd.DataFrame:
    return result.metrics.set_index("day")


def _joined_share(day: int | None) -> Callable[[RunResult], float]:
    def measure(result: RunResult) -> float:
        m = _by_day(result)
        joined = m["joined_total"].iloc[-1] if day is None else m["joined_total"].loc[day]
        return float(joined / result.summary["n_people"])

    return measure


def _end_share(column: str) -> Callable[[RunResult], float]:
    def measure(result: RunResult) -> float:
        m = result.metrics.iloc[-END_WINDOW:]
        return float((m[column] / m["members"].clip(lower=1)).mean())

    return measure


def _left_by(day: int) -> Callable[[RunResult], float]:
    def measure(result: RunResult) -> float:
        m = _by_day(result)
        return float(m["left_total"].loc[day] / max(m["joined_total"].loc[day], 1))

    return measure


def _summary(key: str) -> Callable[[RunResult], float]:
    def measure(result: RunResult) -> float:
        value: Any = result.summary[key]
        return float("nan") if value is None else float(value)

    return measure


UM_WAVE7 = (
    "UM Wave 7 (2013, reported by MarketingCharts): 43% of online Americans aged 16-54 "
    "have ever joined any brand's online community, an upper bound for one brand's "
    "community in its first year"
)
BREEZIO = "Breezio community engagement benchmarks: typically 10-30% of members active monthly"
COLLEGEMSG = "CollegeMsg (../shared/data, measured by commsim)"

TARGETS: tuple[Target, ...] = (
    Target(
        "joined_365",
        "share of the graph that ever joined by day 365",
        "joined_total on the last day / people in the graph",
        0.05,
        0.45,
        f"{UM_WAVE7}; lower bound: assumption (a default that draws almost nobody shows "
        "no strategy's effect)",
        _joined_share(None),
    ),
    Target(
        "joined_45",
        "share of the graph that joined by day 45",
        "joined_total on day 45 / people in the graph",
        0.0,
        0.25,
        "at most about half of the year's upper bound (CollegeMsg, a student community "
        "that filled within its term, had 80% of its users by day 45; a brand community "
        "fills far more slowly): not nearly everyone in six weeks",
        _joined_share(45),
    ),
    Target(
        "stickiness",
        "stickiness (DAU/MAU)",
        "summary stickiness: mean over days of dau / mau",
        0.10,
        0.25,
        "June.so stickiness benchmark (Sequoia, Mixpanel): average DAU/MAU 10-15% for "
        "e-commerce, media and SaaS, 'great' 22-30%; "
        f"{COLLEGEMSG}: 0.12 (days 30-193) to 0.17 (all days)",
        _summary("stickiness"),
    ),
    Target(
        "wau_share",
        "weekly actives / members at the end of the year",
        f"mean of wau / members over the last {END_WINDOW} days",
        0.05,
        0.25,
        f"{BREEZIO} (weekly actives are fewer); {COLLEGEMSG}: weekly writers / users seen "
        "0.13 (days 30-193)",
        _end_share("wau"),
    ),
    Target(
        "mau_share",
        "monthly actives / members at the end of the year",
        f"mean of mau / members over the last {END_WINDOW} days",
        0.10,
        0.40,
        f"{BREEZIO} (established communities); {COLLEGEMSG}: monthly writers / users seen "
        "0.30 (days 30-193) to 0.34 (all days), a first-year community keeping more of "
        "its recent joiners",
        _end_share("mau"),
    ),
    Target(
        "never_posted",
        "share of members who never post",
        "summary share_never_posted",
        0.80,
        0.95,
        "Nielsen 2006 (90-9-1: about 90% of users never contribute)",
        _summary("share_never_posted"),
    ),
    Target(
        "left_180",
        "share of joiners who left by day 180",
        "left_total / joined_total on day 180",
        0.0,
        0.30,
        "FeverBee (Millington, 'What percentage of our members should be active?'): most "
        "people do not delete their account when they stop participating; they go quiet",
        _left_by(180),
    ),
    Target(
        "retention_d30",
        "30-day retention",
        "summary retention_d30: share of members active on days 23-30 after joining",
        0.15,
        0.45,
        f"{COLLEGEMSG}: 0.28 (wrote on days 23-30 after first seen) to 0.36 (wrote or "
        "was written to); Breezio: about 15% still active after 120 days",
        _summary("retention_d30"),
    ),
)


def measure(result: RunResult) -> dict[str, float]:
    """Every target's figure for one run, by name."""
    return {t.name: t.measure(result) for t in TARGETS}


def _fmt(x: float) -> str:
    return f"{x:g}"


def targets_table() -> str:
    """The targets as the docs' markdown table (``docs/model.md``, "Plausible defaults")."""
    rows = ["| figure | measured as | range | source |", "|---|---|---|---|"]
    for t in TARGETS:
        rows.append(
            f"| `{t.name}`: {t.what} | {t.how} | {_fmt(t.low)}-{_fmt(t.high)} | {t.source} |"
        )
    return "\n".join(rows)

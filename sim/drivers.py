"""Outside drivers: daily multipliers on outside reach and on members' activity.

Two things the community does not decide vary in time: how many outsiders it reaches
(``reach``: the outside-reach chance ``acquisition.p`` of every join rule) and how often
members come (``activity``: the visit chance). Each day ``d`` gets one multiplier of each,
the product of

- weekly seasonality: ``weekly_<x>[weekday(d)]`` (Monday first);
- yearly seasonality: ``yearly_<x>[calendar month(d)]`` (January first; an academic
  calendar, say);
- a piecewise-constant level: ``monthly_<x>[m]``, ``m`` the month since day 0 (calendar
  months with ``start_date``, 30-day blocks without), or with ``level_days = N`` the block
  of ``N`` days since day 0 (``m = d // N``: what ``commsim calibrate`` fits); each value
  holds until the next one given, before the first given month the level is 1;
- dated shocks or campaigns: ``shocks`` entries ``{start, end, reach, activity}`` multiply
  the days from ``start`` to ``end`` (inclusive);
- a daily series read from a CSV file ``date,multiplier`` (``<x>_series``); days the file
  does not list get 1.

Day ``d`` is the date ``start_date + d`` days. All multipliers default to 1, and the arrays
are computed once, when the model is built (``build_drivers``); the checks and the CSV
reading live in ``sim.drivers_check``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agents.acquisition import AcquisitionParams
from agents.params import param

DRIVEN = ("reach", "activity")
FIT_SOURCE = "assumption (1: no change); your calendar, or a fit"
LEVEL_SOURCE = "assumption (1: no change); commsim calibrate can fit it"


@dataclass(frozen=True)
class Shock:
    """A dated shock or campaign: days ``start`` to ``end`` (inclusive, days since day 0)."""

    start: int
    end: int
    reach: float = 1.0
    activity: float = 1.0


@dataclass(frozen=True)
class DriversParams:
    """``drivers.*``: daily multipliers on outside reach and on activity."""

    start_date: str = param(
        "",
        unit="date (ISO)",
        source="your log (commsim calibrate sets it)",
        doc="calendar date of day 0; needed by weekday, calendar-month and dated drivers",
    )
    reach_to: str = param(
        "outside",
        unit="-",
        choices=("outside", "all"),
        source="assumption",
        doc="what the reach multiplier scales: outside reach p, or all joining (p, q, w)",
    )
    weekly_reach: tuple[float, ...] = param(
        (1.0,) * 7, unit="multiplier", low=0.0, source=FIT_SOURCE, doc="reach, Monday..Sunday"
    )
    weekly_activity: tuple[float, ...] = param(
        (1.0,) * 7, unit="multiplier", low=0.0, source=FIT_SOURCE, doc="activity, Monday..Sunday"
    )
    yearly_reach: tuple[float, ...] = param(
        (1.0,) * 12,
        unit="multiplier",
        low=0.0,
        source=FIT_SOURCE,
        doc="reach, January..December",
    )
    yearly_activity: tuple[float, ...] = param(
        (1.0,) * 12,
        unit="multiplier",
        low=0.0,
        source=FIT_SOURCE,
        doc="activity, January..December",
    )
    level_days: int = param(
        0,
        unit="days",
        low=0,
        source="assumption (0: calendar months); commsim calibrate sets it",
        doc="length of a monthly_* level's block: 0 for calendar months, N for N days",
    )
    level_start: str = param(
        "",
        unit="date (ISO)",
        source="your log (commsim calibrate sets it to the log's first day)",
        doc="date where month 0 of the monthly_* levels begins ('' for day 0)",
    )
    monthly_reach: tuple[float, ...] = param(
        (),
        unit="multiplier",
        low=0.0,
        source=LEVEL_SOURCE,
        doc="reach level by month since day 0 (a list, or {month: value}); the last holds",
    )
    monthly_activity: tuple[float, ...] = param(
        (),
        unit="multiplier",
        low=0.0,
        source=LEVEL_SOURCE,
        doc="activity level by month since day 0 (a list, or {month: value}); the last holds",
    )
    shocks: tuple[Shock, ...] = param(
        (),
        unit="-",
        source="your calendar (campaigns, outages, press)",
        doc="dated shocks: [{start, end, reach, activity}], dates or days since day 0",
    )
    reach_series: str = param(
        "", unit="-", source="your data", doc="CSV date,multiplier: a daily reach multiplier"
    )
    activity_series: str = param(
        "", unit="-", source="your data", doc="CSV date,multiplier: a daily activity multiplier"
    )


@dataclass
class Drivers:
    """The daily multipliers of a run, indexed by day (day 0 first).

    Attributes:
        reach: the outside-reach multiplier of each day.
        activity: the visit-chance multiplier of each day.
        params: the settings they were computed from (to extend them past the last day).
        series: the CSV series as ``{"reach": (days, values), ...}``, read once.
    """

    reach: np.ndarray
    activity: np.ndarray
    params: DriversParams
    series: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def on(self, what: str, day: int) -> float:
        """The multiplier ``what`` (``reach`` or ``activity``) of ``day``."""
        values: np.ndarray = getattr(self, what)
        if day >= len(values):  # a run stepped past the configured days
            longer = daily_multipliers(self.params, 2 * day + 1, self.series)
            self.reach, self.activity = longer["reach"], longer["activity"]
            values = getattr(self, what)
        return float(values[day])

    @property
    def flat(self) -> bool:
        """Whether every multiplier so far is 1 (nothing varies)."""
        return bool(np.all(self.reach == 1.0) and np.all(self.activity == 1.0))


def day_calendar(params: DriversParams, n_days: int) -> pd.DataFrame:
    """Weekday (0 Monday), calendar month (0 January) and level block (``since``: the month
    since day 0 or ``level_start``, or with ``level_days`` the block of that many days) of
    each day; ``since`` is negative before ``level_start``.

    Without ``start_date`` the weekday and calendar month are -1 and months are 30-day blocks.
    """
    days = np.arange(n_days)
    if not params.start_date:
        minus = np.full(n_days, -1)
        return pd.DataFrame(
            {"weekday": minus, "month": minus, "since": days // (params.level_days or 30)}
        )
    start = pd.Timestamp(params.start_date)
    anchor = pd.Timestamp(params.level_start or params.start_date)
    dates = pd.DatetimeIndex(start + pd.to_timedelta(days, unit="D"))
    if params.level_days:
        since = (days + (start - anchor).days) // params.level_days
    else:
        since = (dates.year - anchor.year) * 12 + dates.month - anchor.month
    return pd.DataFrame(
        {
            "weekday": np.asarray(dates.day_of_week),
            "month": np.asarray(dates.month - 1),
            "since": np.asarray(since),
        }
    )


def levels_by_month(levels: tuple[float, ...], since: np.ndarray) -> np.ndarray:
    """``levels[m]`` for each day's month ``m``; past the last given month, the last level;
    before month 0 (a negative ``m``), 1."""
    if not levels:
        return np.ones(len(since))
    out = np.asarray(levels, dtype=float)[np.clip(since, 0, len(levels) - 1)]
    return np.where(since < 0, 1.0, out)


def daily_multipliers(
    params: DriversParams,
    n_days: int,
    series: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[str, np.ndarray]:
    """The reach and activity multiplier of each of ``n_days`` days (vectorised)."""
    cal = day_calendar(params, n_days)
    out = {}
    for what in DRIVEN:
        mult = levels_by_month(getattr(params, f"monthly_{what}"), cal["since"].to_numpy())
        if params.start_date:
            mult = mult * np.asarray(getattr(params, f"weekly_{what}"))[cal["weekday"]]
            mult = mult * np.asarray(getattr(params, f"yearly_{what}"))[cal["month"]]
        for shock in params.shocks:
            lo, hi = max(shock.start, 0), min(shock.end, n_days - 1)
            if lo <= hi:
                mult[lo : hi + 1] *= getattr(shock, what)
        if series and what in series:
            days, values = series[what]
            inside = (days >= 0) & (days < n_days)
            mult[days[inside]] *= values[inside]
        out[what] = mult
    return out


def build_drivers(
    params: DriversParams, n_days: int, series: dict[str, tuple[np.ndarray, np.ndarray]]
) -> Drivers:
    """The drivers of a run of ``n_days`` days (day 0 included), from checked settings."""
    mult = daily_multipliers(params, n_days + 1, series)
    return Drivers(mult["reach"], mult["activity"], params, series)


def scaled_acquisition(params: AcquisitionParams, reach: float, reach_to: str) -> AcquisitionParams:
    """``params`` with outside reach ``p`` (and with ``reach_to="all"`` word of mouth ``q``
    and ``w``) times ``reach``, each capped at 1; ``params`` itself when ``reach`` is 1."""
    if reach == 1.0:
        return params
    p = min(params.p * reach, 1.0)
    if reach_to == "all":
        q, w = min(params.q * reach, 1.0), min(params.w * reach, 1.0)
        return dataclasses.replace(params, p=p, q=q, w=w)
    return dataclasses.replace(params, p=p)

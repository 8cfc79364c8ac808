"""Reading a community's history: an interaction log, and the daily series it implies.

An interaction log is read by :func:`experiments.calibration.logs.read_events` (CSV, TSV,
whitespace, JSON lines, Parquet, Excel, plain, gzip or zip, and platform exports; see
docs/calibration.md): one event each, the actor (who sent, posted or commented), an
optional target (who received it) and a time. Without a header, two fields are ``actor
time`` and three ``actor target time``; the SNAP CollegeMsg file (``sender receiver
unix_seconds``) loads as it is.

Day 0 starts at the first event; day ``d`` is the 24 hours from ``d * 86400`` seconds
after it. From the events (:func:`daily_series`, :func:`cohort_retention`):

- new users: people seen for the first time that day, as actor or as target;
- cumulative users: people seen so far;
- active users: distinct actors that day;
- retention by weekly cohort: of the people first seen in week ``c`` (days ``7c`` to
  ``7c + 6``), the share who act at least once in week ``c + a``, for ``a >= 1``.

Every problem with the file is a :class:`~sim.errors.ConfigError` on the key ``data``
naming the file, the line or record and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.logs import Events, read_events
from experiments.calibration.logs.dispatch import unreadable
from sim.errors import CommsimError, ConfigError

KEY = "data"
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class History:
    """An interaction log, read and checked.

    Attributes:
        events: one row per event, in time order: ``actor`` and ``target`` (str; target
            ``""`` when absent), ``time`` (Unix seconds, float) and ``day`` (int, from 0).
        path: the file it was read from.
        start: the time of the first event (UTC).
    """

    events: pd.DataFrame
    path: Path
    start: pd.Timestamp

    @property
    def n_days(self) -> int:
        """Days covered: the last event's day plus one."""
        return int(self.events["day"].iloc[-1]) + 1

    @property
    def n_users(self) -> int:
        """Distinct people seen, as actor or target."""
        return int(len(first_seen(self)))

    def until(self, last_day: int) -> History:
        """The history up to and including ``last_day`` (for a hold-out check)."""
        kept = self.events[self.events["day"] <= last_day].reset_index(drop=True)
        return History(kept, self.path, self.start)


def read_history(
    path: str | Path | None,
    *,
    format: str | None = None,
    actor: str | None = None,
    time: str | None = None,
    target: str | None = None,
    timezone: str | None = None,
    dayfirst: bool | None = None,
) -> History:
    """Read an interaction log through :func:`~experiments.calibration.logs.read_events`.

    Args:
        path: the log (any format :mod:`experiments.calibration.logs` reads).
        format: the format name (``None``: detected).
        actor: the actor column (``data.actor``).
        time: the time column (``data.time``).
        target: the target column (``data.target``).
        timezone: the zone of naive times (``data.timezone``; default UTC).
        dayfirst: a WhatsApp chat's date order (``data.dayfirst``; default: inferred).

    Raises:
        ConfigError: on ``data`` for a missing, unreadable, empty or malformed file (with
            the record), a time that cannot be read, or a log that covers a single day.
    """
    if path is None or str(path) in ("", "???"):
        raise ConfigError(KEY, path, "give the interaction log: commsim calibrate data=PATH")
    read = read_events(
        path,
        format=format,
        actor=actor,
        time=time,
        target=target,
        timezone=timezone,
        dayfirst=dayfirst,
    )
    try:
        history = from_events(read)
    except CommsimError:
        raise
    except Exception as exc:  # times or names no reader foresaw (a year 1, a huge number)
        raise unreadable(read.path, "a log", exc) from exc
    if history.n_days < 2:
        raise ConfigError(
            KEY,
            str(read.path),
            "the log covers a single day; give at least two weeks of history to calibrate on",
        )
    return history


def from_events(read: Events) -> History:
    """The :class:`History` of events read (days counted from the first event)."""
    events = read.frame.copy()
    t0 = float(events["time"].iloc[0])
    events["day"] = ((events["time"] - t0) // DAY_SECONDS).astype(np.int64)
    return History(events, read.path, pd.Timestamp(t0, unit="s", tz="UTC"))


def first_seen(history: History) -> pd.Series:
    """Each person's first day, as actor or target (index: the person's label)."""
    ev = history.events
    people = pd.concat(
        [
            ev[["actor", "day"]].rename(columns={"actor": "who"}),
            ev.loc[ev["target"] != "", ["target", "day"]].rename(columns={"target": "who"}),
        ]
    )
    return people.groupby("who", sort=False)["day"].min()


def daily_series(history: History, n_days: int | None = None) -> pd.DataFrame:
    """The observed daily series, one row per day from 0.

    Args:
        history: the log.
        n_days: days to cover (default: the whole log).

    Returns:
        Columns ``day``, ``new_users``, ``active_users``, ``cumulative_users``.
    """
    n_days = history.n_days if n_days is None else n_days
    first = first_seen(history).to_numpy()
    new = np.bincount(first[first < n_days], minlength=n_days)
    ev = history.events[history.events["day"] < n_days]
    active = ev.drop_duplicates(["day", "actor"])["day"].to_numpy()
    return pd.DataFrame(
        {
            "day": np.arange(n_days),
            "new_users": new,
            "active_users": np.bincount(active, minlength=n_days),
            "cumulative_users": np.cumsum(new),
        }
    )


def cohort_counts(history: History, n_days: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weekly cohorts of the first ``n_days`` days (whole weeks only).

    Returns:
        ``sizes[c]``: people first seen in week ``c``; ``active[c, w]``: of them, people
        who acted in week ``w``.
    """
    n_days = history.n_days if n_days is None else n_days
    n_weeks = n_days // 7
    first = first_seen(history)
    firsts = first.to_numpy()
    sizes = np.bincount(firsts[firsts < 7 * n_weeks] // 7, minlength=n_weeks)[:n_weeks]
    ev = history.events[history.events["day"] < 7 * n_weeks]
    acts = ev.drop_duplicates(["actor", "day"])
    weeks = pd.DataFrame(
        {
            "actor": acts["actor"].to_numpy(),
            "cohort": first.reindex(acts["actor"].to_numpy()).to_numpy() // 7,
            "week": acts["day"].to_numpy() // 7,
        }
    ).drop_duplicates(["actor", "week"])
    active = np.zeros((n_weeks, n_weeks), dtype=np.int64)
    np.add.at(active, (weeks["cohort"].to_numpy(), weeks["week"].to_numpy()), 1)
    return sizes, active


def cohort_retention(history: History, n_days: int | None = None) -> pd.DataFrame:
    """Retention by weekly cohort: the share of each week's newcomers active later.

    Only whole weeks inside the first ``n_days`` days count (week ``w`` is whole when
    ``7w + 6 < n_days``).

    Returns:
        One row per cohort week ``cohort`` and age ``age`` (weeks after the cohort week,
        from 1): ``size`` (people first seen that week), ``retained`` (of them, those who
        acted in week ``cohort + age``) and ``retention`` (retained / size).
    """
    return retention_table(*cohort_counts(history, n_days))


def retention_table(sizes: np.ndarray, active: np.ndarray) -> pd.DataFrame:
    """Long table of retention from cohort sizes and ``active[cohort, week]`` counts."""
    n_weeks = len(sizes)
    rows = [
        (c, w - c, int(sizes[c]), int(active[c, w]))
        for c in range(n_weeks)
        for w in range(c + 1, n_weeks)
    ]
    table = pd.DataFrame(rows, columns=["cohort", "age", "size", "retained"])
    table["retention"] = np.where(
        table["size"] > 0, table["retained"] / table["size"].clip(lower=1), np.nan
    )
    return table


__all__ = [
    "History",
    "cohort_counts",
    "cohort_retention",
    "daily_series",
    "first_seen",
    "from_events",
    "read_history",
    "retention_table",
]

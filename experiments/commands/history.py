"""``commsim history data=PATH``: read a community's interaction log and describe it.

Reads the log (any format ``experiments.calibration.logs`` reads: CSV, TSV, whitespace,
JSON lines, Parquet, Excel, plain, gzip or zip, and the platform exports) without
simulating, and writes into ``out=DIR`` (or ``hydra.run.dir=DIR``; default
``outputs/history/DATE/TIME``):

- ``history.csv``: one row per day from the first event: ``date``, ``day``, ``new``
  (people seen for the first time, as actor or target), ``active`` (distinct actors),
  ``cumulative`` (people seen so far), ``events``;
- ``people.parquet``: one row per person: ``first_seen`` and ``first_seen_day`` (first
  event as actor or target), ``first_active``/``last_active`` and their days (as actor;
  empty for someone who only received), ``events``, ``events_7d``, ``events_30d``,
  ``events_90d`` (acted in the 7, 30, 90 days up to the log's last day, inclusive),
  ``events_received``;

and prints a summary: the span with its dates, users, events, the busiest day, records
left out and why, and what was inferred (such as times in milliseconds).

Options (the same as ``commsim calibrate``'s, read by
``experiments.calibration.logs.options``): ``data=PATH`` (or ``data.path=PATH``),
``format=NAME`` (default: detected), ``data.actor=``, ``data.time=``,
``data.target=`` (a table's columns, by name; by number without a header),
``data.timezone=`` (zone of times written without one; default UTC), ``data.dayfirst=``
(true or false: a WhatsApp chat's date order when its dates do not tell). A file that cannot
be read exits with code 2, naming the file, the line or record, and the fix.
"""

from __future__ import annotations

import time as clock
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.history import DAY_SECONDS
from experiments.calibration.logs import Events
from experiments.calibration.logs.options import DATA_KEYS, LogOptions, log_options
from sim.errors import ConfigError
from sim.io import check_output_folder, lock_folder, write_csv, write_parquet

#: the command's own keys besides the reading options (experiments.calibration.logs.options)
OUT_KEYS = ("out", "hydra.run.dir")
READING_KEYS = ("data", *(f"data.{k}" for k in DATA_KEYS), "format")
WINDOWS = (7, 30, 90)


def parse_args(args: Sequence[str]) -> tuple[LogOptions, str | None]:
    """``key=value`` arguments to the reading options and the output folder.

    Raises:
        ConfigError: for an argument that is not ``key=value`` with a known key, a bad
            reading option (:func:`log_options`), or no log.
    """
    data: dict[str, str] = {}
    fmt, out = None, None
    for arg in args:
        key, sep, value = arg.partition("=")
        key = key.lstrip("+")
        if not sep or key not in (*READING_KEYS, *OUT_KEYS):
            known = ", ".join((*READING_KEYS, *OUT_KEYS))
            raise ConfigError(key or arg, value or None, f"use key=value with one of: {known}")
        if key in OUT_KEYS:
            out = value
        elif key == "format":
            fmt = value or None
        else:
            data[key.partition(".")[2] or "path"] = value
    options = log_options(data, fmt)
    if options.path is None:
        raise ConfigError("data", None, "give the interaction log: commsim history data=PATH")
    return options, out


def day_numbers(events: Events) -> tuple[np.ndarray, float]:
    """Each event's day from the first event (day 0), and the first event's time."""
    times = events.frame["time"].to_numpy()
    return ((times - times[0]) // DAY_SECONDS).astype(np.int64), float(times[0])


def daily_table(events: Events) -> pd.DataFrame:
    """``history.csv``: date, day, new, active, cumulative users and events per day."""
    days, t0 = day_numbers(events)
    frame = events.frame
    n_days = int(days[-1]) + 1
    who = np.concatenate([frame["actor"].to_numpy(), frame["target"].to_numpy()])
    when = np.concatenate([days, days])
    seen = pd.DataFrame({"who": who, "day": when})[who != ""]
    first = seen.groupby("who", sort=False)["day"].min().to_numpy()
    new = np.bincount(first, minlength=n_days)
    acts = pd.DataFrame({"actor": frame["actor"].to_numpy(), "day": days})
    active = np.bincount(acts.drop_duplicates()["day"].to_numpy(), minlength=n_days)
    dates = pd.Timestamp(t0, unit="s", tz="UTC") + pd.to_timedelta(np.arange(n_days), unit="D")
    return pd.DataFrame(
        {
            "date": dates.strftime("%Y-%m-%d"),
            "day": np.arange(n_days),
            "new": new,
            "active": active,
            "cumulative": np.cumsum(new),
            "events": np.bincount(days, minlength=n_days),
        }
    )


def people_table(events: Events) -> pd.DataFrame:
    """``people.parquet``: one row per person (see the module docstring)."""
    days, _ = day_numbers(events)
    frame = events.frame.assign(day=days)
    last_day = int(days[-1])
    received = frame[frame["target"] != ""]
    as_target = received[["target", "time", "day"]].set_axis(["actor", "time", "day"], axis=1)
    seen = pd.concat([frame[["actor", "time", "day"]], as_target]).groupby("actor", sort=False)
    people = pd.DataFrame(
        {"first_seen_time": seen["time"].min(), "first_seen_day": seen["day"].min()}
    )
    acts = frame.groupby("actor", sort=False)
    table = pd.DataFrame(
        {
            "first_active_time": acts["time"].min(),
            "first_active_day": acts["day"].min(),
            "last_active_time": acts["time"].max(),
            "last_active_day": acts["day"].max(),
            "events": acts.size(),
        }
    )
    for window in WINDOWS:
        recent = frame[frame["day"] > last_day - window]
        table[f"events_{window}d"] = recent.groupby("actor", sort=False).size()
    people = people.join(table).join(received.groupby("target").size().rename("events_received"))
    counts = ["events", *(f"events_{w}d" for w in WINDOWS), "events_received"]
    people[counts] = people[counts].fillna(0).astype(np.int64)
    for name in ("first_active_day", "last_active_day"):
        people[name] = people[name].astype("Int64")
    for name in ("first_seen", "first_active", "last_active"):
        people[name] = pd.to_datetime(people.pop(f"{name}_time"), unit="s", utc=True)
    order = ["first_seen", "first_seen_day", "first_active", "first_active_day", "last_active",
             "last_active_day", *counts]  # fmt: skip
    people = people[order].rename_axis("person").reset_index()
    return people.sort_values(["first_seen", "person"], kind="stable").reset_index(drop=True)


def summary(events: Events, daily: pd.DataFrame, out: Path, seconds: float) -> str:
    """The printed summary: span, users, events, busiest day, dropped records, notes."""
    busiest = daily.loc[daily["events"].idxmax()]
    lines = [
        f"commsim history: {events.path} ({events.source}, read in {seconds:.1f} s)",
        f"  span: {len(daily)} days, {daily['date'].iloc[0]} to {daily['date'].iloc[-1]}",
        f"  users: {int(daily['cumulative'].iloc[-1]):,}  events: {len(events.frame):,}",
        f"  busiest day: {busiest['date']} (day {busiest['day']}): {busiest['events']:,} "
        f"events, {busiest['active']:,} active",
    ]
    lines += [f"  left out: {n:,} {reason}" for reason, n in events.dropped.items()]
    lines += [f"  note: {note}" for note in events.notes]
    lines.append(f"  wrote {out / 'history.csv'} and {out / 'people.parquet'}")
    return "\n".join(lines)


def main(args: Sequence[str]) -> int:
    """Read the log, write history.csv and people.parquet, print the summary."""
    options, out_option = parse_args(args)
    out = Path(out_option or clock.strftime("outputs/history/%Y-%m-%d/%H-%M-%S"))
    check_output_folder(out, "out")
    started = clock.perf_counter()
    events = options.read()
    seconds = clock.perf_counter() - started
    daily = daily_table(events)
    with lock_folder(out, "out", " ".join(["commsim history", *args])):
        write_csv(out / "history.csv", daily)
        write_parquet(out / "people.parquet", people_table(events))
    print(summary(events, daily, out, seconds))
    return 0

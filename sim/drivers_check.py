"""Checking ``drivers.*`` and reading its CSV series, before day 1.

Every bad value raises ``ConfigError`` naming the key (or the file and its line), the value
and the fix. Dates are ISO (``2024-09-02``); a shock's ``start`` and ``end`` may also be
days since day 0 (whole numbers), which need no ``start_date``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents.params import MAX_DAYS, MAX_OTHER
from sim.drivers import DRIVEN, DriversParams, Shock
from sim.errors import ConfigError
from sim.io import check_input_file

SERIES_FIX = "give a CSV file with a header line date,multiplier and one ISO date per line"


def parse_drivers(values: Mapping[str, Any] | None) -> DriversParams:
    """``drivers.*`` to :class:`~sim.drivers.DriversParams`, every value checked."""
    values = dict(values or {})
    names = [f.name for f in dataclasses.fields(DriversParams)]
    for key in values:
        if key not in names:
            raise ConfigError(
                f"drivers.{key}", values[key], f"unknown key; drivers has: {', '.join(names)}"
            )
    p = DriversParams()
    start = _date_text("drivers.start_date", values.get("start_date", p.start_date))
    reach_to = values.get("reach_to", p.reach_to)
    if reach_to not in ("outside", "all"):
        raise ConfigError("drivers.reach_to", reach_to, "use one of: outside, all")
    level_days = values.get("level_days", p.level_days)
    whole = isinstance(level_days, int) and not isinstance(level_days, bool)
    if not whole or not 0 <= level_days <= MAX_DAYS:
        raise ConfigError(
            "drivers.level_days",
            level_days,
            f"give a whole number of days in [1, {MAX_DAYS}], or 0 for months",
        )
    level_start = _date_text("drivers.level_start", values.get("level_start", p.level_start))
    if level_start and not start:
        raise ConfigError(
            "drivers.start_date", "", "drivers.level_start needs the date of day 0; set it"
        )
    kw: dict[str, Any] = {
        "start_date": start,
        "reach_to": reach_to,
        "level_days": level_days,
        "level_start": level_start,
    }
    for what in DRIVEN:
        for kind, n in (("weekly", 7), ("yearly", 12)):
            key = f"{kind}_{what}"
            kw[key] = _vector(f"drivers.{key}", values.get(key, getattr(p, key)), n)
            if not start and any(v != 1.0 for v in kw[key]):
                raise ConfigError(
                    "drivers.start_date", "", f"drivers.{key} needs the date of day 0; set it"
                )
        key = f"monthly_{what}"
        kw[key] = _monthly(f"drivers.{key}", values.get(key, getattr(p, key)))
        key = f"{what}_series"
        path = values.get(key, "")
        if not isinstance(path, str):
            raise ConfigError(f"drivers.{key}", path, "give the path of a CSV file, or ''")
        if path:
            read_series(path, f"drivers.{key}", start)  # fails now, before day 1
        kw[key] = path
    kw["shocks"] = _shocks(values.get("shocks") or [], start)
    return DriversParams(**kw)


def _date_text(key: str, value: Any) -> str:
    """An ISO date as text ('' for none)."""
    if value in ("", None):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ConfigError(key, value, "give an ISO date such as 2024-09-02") from None


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, "give a number >= 0")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        finite = False
    if not finite or not 0 <= value <= MAX_OTHER:
        raise ConfigError(key, value, f"give a finite multiplier in [0, {MAX_OTHER:g}]")
    return float(value)


def _vector(key: str, value: Any, n: int) -> tuple[float, ...]:
    if not isinstance(value, list | tuple) or len(value) != n:
        what = "Monday..Sunday" if n == 7 else "January..December"
        raise ConfigError(key, value, f"give a list of {n} multipliers ({what}), 1 for none")
    return tuple(_number(f"{key}.{i}", v) for i, v in enumerate(value))


def _monthly(key: str, value: Any) -> tuple[float, ...]:
    """A list, or ``{month: value}`` (months not given hold the level before; 1 at first)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(_number(f"{key}.{i}", v) for i, v in enumerate(value))
    if not isinstance(value, Mapping):
        raise ConfigError(key, value, "give a list of multipliers, month 0 first, or {month: x}")
    given: dict[int, float] = {}
    for month, v in value.items():
        if not str(month).isdigit():
            raise ConfigError(f"{key}.{month}", v, "name a month as a whole number >= 0")
        given[int(month)] = _number(f"{key}.{month}", v)
    out, level = [], 1.0
    for m in range(max(given, default=-1) + 1):
        level = given.get(m, level)
        out.append(level)
    return tuple(out)


def _day(key: str, value: Any, start: str) -> int:
    """A shock's day: a whole number of days since day 0, or an ISO date."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not start:
        raise ConfigError(key, value, "give days since day 0, or set drivers.start_date")
    date = _date_text(key, value)
    return (dt.date.fromisoformat(date) - dt.date.fromisoformat(start)).days


def _shocks(values: Any, start: str) -> tuple[Shock, ...]:
    if not isinstance(values, list | tuple):
        raise ConfigError("drivers.shocks", values, "give a list of {start, end, reach, activity}")
    out = []
    for i, item in enumerate(values):
        key = f"drivers.shocks.{i}"
        if not isinstance(item, Mapping) or not {"start", "end"} <= set(item):
            raise ConfigError(key, item, "give {start, end, reach, activity} (dates or days)")
        extra = set(item) - {"start", "end", "reach", "activity"}
        if extra:
            raise ConfigError(f"{key}.{sorted(extra)[0]}", item, "use start, end, reach, activity")
        first, last = (
            _day(f"{key}.start", item["start"], start),
            _day(f"{key}.end", item["end"], start),
        )
        if last < first:
            raise ConfigError(f"{key}.end", item["end"], "give an end on or after the start")
        mult = {w: _number(f"{key}.{w}", item.get(w, 1.0)) for w in DRIVEN}
        out.append(Shock(first, last, **mult))
    return tuple(out)


def read_series(path: str, key: str, start: str) -> tuple[np.ndarray, np.ndarray]:
    """A CSV ``date,multiplier`` as (days since day 0, multipliers), checked.

    Raises:
        ConfigError: a missing or unreadable file, a bad date or multiplier (naming the file
            and its line), a repeated date, or no ``drivers.start_date``.
    """
    if not start:
        raise ConfigError("drivers.start_date", "", f"{key} is dated; set the date of day 0")
    file = Path(path)
    if not file.exists():
        raise ConfigError(key, path, f"no such file; {SERIES_FIX}")
    check_input_file(key, file)  # a regular file of a sensible size
    stat = file.stat()
    version = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    return _read_series(path, key, version, start)


@functools.lru_cache(maxsize=16)
def _read_series(
    path: str, key: str, version: tuple[str, int, int], start: str
) -> tuple[np.ndarray, np.ndarray]:
    """Read and check a series (cached by the file's real path, modification time, size)."""
    try:
        frame = pd.read_csv(version[0], dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"cannot read it ({exc}); {SERIES_FIX} ({key})") from None
    if list(frame.columns) != ["date", "multiplier"]:
        header = ",".join(map(str, frame.columns))
        raise ConfigError(f"{path}:1", header, f"{SERIES_FIX} ({key})")
    text = frame["date"].str.strip()
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce").dt.normalize()
    values = pd.to_numeric(frame["multiplier"].str.strip(), errors="coerce")
    bad_date = dates.isna().to_numpy()
    bad_value = (values.isna() | (values < 0) | ~np.isfinite(values)).to_numpy()
    repeated = dates.duplicated().to_numpy() & ~bad_date
    for mask, what, fix in (
        (bad_date, frame["date"], "give an ISO date such as 2024-09-02"),
        (bad_value, frame["multiplier"], "give a number >= 0"),
        (repeated, frame["date"], "give each date once"),
    ):
        if mask.any():
            row = int(np.flatnonzero(mask)[0])
            line = row + 2  # line 1: the header
            raise ConfigError(f"{path}:{line}", what.iloc[row], f"{fix} (the file of {key})")
    days = (dates - pd.Timestamp(start)).dt.days.to_numpy(dtype=np.int64)
    return days, values.to_numpy(dtype=float)


def series_of(params: DriversParams) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The CSV series the settings name, by what they multiply (read once per file)."""
    out = {}
    for what in DRIVEN:
        path = getattr(params, f"{what}_series")
        if path:
            out[what] = read_series(path, f"drivers.{what}_series", params.start_date)
    return out

"""The common result of every log reader: who acted, towards whom, when.

Every reader (delimited text and tables in :mod:`.tabular`, platform exports in the
``platforms_*`` modules) returns :class:`Events`, built with :func:`events_from_columns`,
and converts times with :func:`parse_times`, so every format is checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ConfigError

KEY = "data"
#: numbers above this magnitude are Unix milliseconds (in seconds: the year 5138)
MAX_SECONDS = 1e11
_EPOCH = pd.Timestamp(0, tz="UTC")


@dataclass(frozen=True)
class Events:
    """An interaction log, read and checked.

    Attributes:
        frame: one row per event, sorted by time (stable): ``actor`` (str), ``target``
            (str, ``""`` when absent) and ``time`` (float, Unix seconds UTC).
        path: the file or folder it was read from.
        source: the format name (``csv``, ``discord-json``...).
        dropped: records left out, by reason (``{"deleted or anonymous authors": 12}``).
        notes: what the reader inferred (``times read as Unix milliseconds``).
    """

    frame: pd.DataFrame
    path: Path
    source: str
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def events_from_columns(
    actor: object,
    target: object,
    time_seconds: object,
    path: Path,
    source: str,
    dropped: dict[str, int] | None = None,
    notes: list[str] | None = None,
) -> Events:
    """Build, check and sort an :class:`Events`.

    Args:
        actor: the actors, one per event (array-like; converted to str).
        target: the targets (array-like, ``None`` for none; missing values become ``""``).
        time_seconds: Unix seconds UTC (array-like of float).
        path: the file read.
        source: the format name.
        dropped: records left out, by reason (zero counts are left out).
        notes: what the reader inferred.

    Raises:
        ConfigError: on ``data`` when there are no events or a time is not finite.
    """
    times = np.asarray(time_seconds, dtype=float)
    n = len(times)
    dropped = {k: int(v) for k, v in (dropped or {}).items() if v}
    if n == 0:
        left = f" ({', '.join(f'{v} {k}' for k, v in dropped.items())} left out)" if dropped else ""
        raise ConfigError(
            KEY,
            str(path),
            f"the export holds no events{left}; give a log with at least one event "
            "(who acted and when)",
        )
    bad = np.flatnonzero(~np.isfinite(times))
    if len(bad):
        raise ConfigError(
            KEY, str(path), f"record {int(bad[0]) + 1} has no valid time; fix or remove it"
        )
    actors = _labels(actor, n)
    targets = _labels(target, n) if target is not None else pd.Series([""] * n, dtype=str)
    if not bool(np.all(times[1:] >= times[:-1])):  # most exports are in time order already
        order = np.argsort(times, kind="stable")
        actors, targets, times = actors.take(order), targets.take(order), times[order]
    frame = pd.DataFrame(
        {
            "actor": actors.reset_index(drop=True),
            "target": targets.reset_index(drop=True),
            "time": times,
        }
    )
    return Events(frame, Path(path), source, dropped, list(notes or []))


def _labels(values: object, n: int) -> pd.Series:
    """Labels as text; missing values become ``""``; whole floats lose ``.0``."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    series = series.reset_index(drop=True)
    if len(series) != n:
        raise ValueError(f"{len(series)} labels for {n} times")
    if pd.api.types.is_float_dtype(series) and series.dropna().mod(1).eq(0).all():
        series = series.astype("Int64")
    return series.astype(str).fillna("")


def parse_times(
    values: pd.Series, key: str, path: Path, timezone: str | None = None
) -> tuple[np.ndarray, list[str]]:
    """Convert a column of times to Unix seconds UTC.

    Accepts Unix seconds, Unix milliseconds (any magnitude above 1e11; said in the notes),
    ISO 8601 and the common date formats pandas reads (``format="mixed"``). Times without a
    zone are in ``timezone`` (default UTC).

    Args:
        values: the raw times (numbers or text), in file order.
        key: the config key naming the column (``data.time``), for errors.
        path: the file, for errors.
        timezone: the zone of naive times (``Europe/Paris``); ``None`` is UTC.

    Returns:
        The seconds (float array) and notes on what was inferred.

    Raises:
        ConfigError: naming the first bad record (row from 1) and the fix, for a time that
            cannot be read, or a column that mixes numbers and text.
    """
    values = values.reset_index(drop=True)
    missing = np.flatnonzero(values.isna().to_numpy())
    if len(missing):
        raise ConfigError(
            key,
            str(path),
            f"record {int(missing[0]) + 1}: the timestamp is missing; give who acted (actor) "
            "and when (timestamp) on every record, or remove it",
        )
    if pd.api.types.is_datetime64_any_dtype(values):
        return _from_datetimes(values, key, path, timezone), []
    if pd.api.types.is_numeric_dtype(values):
        return _from_numbers(values.astype(float), values, key, path)
    text = values.astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    is_number = numbers.notna().to_numpy()
    if is_number.all():
        return _from_numbers(numbers.astype(float), values, key, path)
    if is_number.any():
        row = int(np.flatnonzero(is_number != is_number[0])[0])  # first of the other kind
        raise ConfigError(
            key,
            str(path),
            f"record {row + 1} ({str(values[row])!r}): the times mix numbers and dates; "
            "give every time in one form (Unix seconds or ISO 8601)",
        )
    stamps = _to_datetime(text, key, path, values)
    return _from_datetimes(stamps, key, path, timezone), []


def _from_numbers(
    seconds: pd.Series, raw: pd.Series, key: str, path: Path
) -> tuple[np.ndarray, list[str]]:
    out = seconds.to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(out))
    if len(bad):
        i = int(bad[0])
        raise ConfigError(
            key,
            str(path),
            f"record {i + 1}: the timestamp ({raw[i]}) is missing or not a number; give "
            "who acted (actor) and when (timestamp) on every record, or remove it",
        )
    big = np.abs(out) > MAX_SECONDS
    if big.all():
        return out / 1000.0, ["times read as Unix milliseconds"]
    if big.any():
        i = int(np.flatnonzero(big)[0])
        raise ConfigError(
            key,
            str(path),
            f"record {i + 1}: time {str(raw[i])!r} looks like Unix milliseconds but others are "
            "seconds; give every time in one unit",
        )
    return out, []


def _to_datetime(text: pd.Series, key: str, path: Path, raw: pd.Series) -> pd.Series:
    """Text to timestamps: ISO 8601 first (fast), then pandas' mixed formats.

    A column mixing naive and zoned times is read in UTC (naive ones as UTC).
    """
    for fmt in ("ISO8601", "mixed"):
        for utc in (False, True):
            try:
                return pd.to_datetime(text, format=fmt, utc=utc)
            except (ValueError, TypeError, OverflowError):
                continue
    parsed = pd.to_datetime(text, format="mixed", utc=True, errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    i = int(bad[0]) if len(bad) else 0
    raise ConfigError(
        key,
        str(path),
        f"record {i + 1}: time {str(raw[i])!r} is not a date or a Unix timestamp; give Unix "
        "seconds or ISO 8601 (2004-04-15T14:56:01), or fix or remove the record",
    )


def _from_datetimes(stamps: pd.Series, key: str, path: Path, timezone: str | None) -> np.ndarray:
    """Timestamps (naive ones in ``timezone``) to Unix seconds."""
    if stamps.dtype == object:  # mixed zones: pandas keeps Python datetimes
        stamps = pd.to_datetime(stamps, utc=True)
    if getattr(stamps.dt, "tz", None) is None:
        try:
            stamps = stamps.dt.tz_localize(
                timezone or "UTC", ambiguous="NaT", nonexistent="shift_forward"
            )
        except Exception as exc:  # unknown zone names
            raise ConfigError(
                "data.timezone",
                timezone,
                f"not a time zone ({exc}); use a name such as UTC or Europe/Paris",
            ) from exc
    seconds = (stamps - _EPOCH).dt.total_seconds().to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(seconds))
    if len(bad):
        raise ConfigError(
            key,
            str(path),
            f"record {int(bad[0]) + 1}: the time is missing or falls in a "
            "clock change; fix or remove the record",
        )
    return seconds


__all__ = ["KEY", "MAX_SECONDS", "Events", "events_from_columns", "parse_times"]

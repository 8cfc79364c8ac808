"""What the platform readers share: the reasons records are left out, JSON loading,
turning ``(actor, target, raw time)`` rows into :class:`~.events.Events`, and the
adapter that lets :mod:`.dispatch` call a reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ConfigError

from .events import KEY, Events, events_from_columns, parse_times

DELETED = "deleted or anonymous authors"
BOTS = "bot messages"
SYSTEM = "system messages"


def load_json(path: Path, what: str) -> Any:
    """Parse a JSON file, or fail naming the file and the fix."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            KEY,
            str(path),
            f"cannot read it as {what} ({exc}); give the file as the export wrote it",
        ) from exc


def finish(
    path: Path,
    source: str,
    rows: list[tuple[str, str, Any]],
    dropped: dict[str, int],
    timezone: str | None,
    notes: Iterable[str] = (),
    where: Callable[[int], str] | None = None,
) -> Events:
    """Events from ``(actor, target, raw time)`` rows, times parsed by :func:`parse_times`.

    ``where(i)`` names row ``i``'s place in the export (``message id 42``) for errors.
    """
    if not rows:
        return events_from_columns([], None, [], path, source, dropped, list(notes))
    actor, target, raw = zip(*rows, strict=True)
    seconds, time_notes = parse_located(pd.Series(raw), path, timezone, where)
    return events_from_columns(
        list(actor), list(target), seconds, path, source, dropped, [*notes, *time_notes]
    )


def parse_located(
    raw: pd.Series, path: Path, timezone: str | None, where: Callable[[int], str] | None
) -> tuple[Any, list[str]]:
    """:func:`parse_times`, with an error naming the record's place in the export.

    The kept events are not the export's records one for one (left-out records), so on
    an error the first bad time is found by bisection over prefixes (a prefix with a bad
    time fails, one without reads) and named by ``where``.
    """
    try:
        return parse_times(raw, KEY, path, timezone)
    except ConfigError as exc:
        if where is None or exc.key != KEY:
            raise
        lo, hi = 1, len(raw)
        while lo < hi:
            mid = (lo + hi) // 2
            try:
                parse_times(raw.iloc[:mid], KEY, path, timezone)
                lo = mid + 1
            except ConfigError:
                hi = mid
        fix = exc.fix.split("; ", 1)[-1]
        raise ConfigError(
            KEY, str(path), f"{where(lo - 1)}: time {raw.iloc[lo - 1]!r} cannot be read; {fix}"
        ) from None


Reader = Callable[..., Events]
Detector = Callable[[Path, bytes], "str | None"]


def as_reader(read: Callable[..., Events]) -> Reader:
    """``read(path, *, timezone, ...)`` as dispatch calls readers: ``(path, fmt, actor=,
    time=, target=, timezone=, **options)``.

    A platform export has fixed fields, so naming columns (``data.actor``...) is an error
    rather than silently ignored; options left ``None`` are not passed on.
    """

    def reader(path: Path, fmt: str | None = None, **options: Any) -> Events:
        for key in ("actor", "time", "target"):
            value = options.pop(key, None)
            if value is not None:
                raise ConfigError(
                    f"data.{key}",
                    value,
                    f"a {fmt or 'platform'} export has fixed "
                    "fields; leave data.actor, data.time and data.target out",
                )
        return read(Path(path), **{k: v for k, v in options.items() if v is not None})

    reader.__doc__ = read.__doc__
    return reader


__all__ = [
    "BOTS",
    "DELETED",
    "SYSTEM",
    "Detector",
    "Reader",
    "as_reader",
    "finish",
    "load_json",
    "parse_located",
]

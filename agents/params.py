"""Declaring mechanism parameters: each one carries its unit, range and source.

A mechanism's parameters are a frozen dataclass whose fields are made with :func:`param`.
These declarations are the one place a default lives: the config layer (``sim.config``)
checks every value against the declared range and type before the first simulated day,
``configs/schema.py`` hands the defaults to Hydra (so ``commsim run --cfg job`` shows them)
and ``sim.schema_docs`` writes the parameter tables of ``docs/model.md`` from them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

#: the longest span, in days, any parameter counted in days may take: a hundred years
MAX_DAYS = 36_500
#: the most people any count of people may name (a community that large fails the memory
#: check anyway; this bound only keeps absurd numbers out)
MAX_PEOPLE = 1_000_000_000
#: the most topics a community may have (each person keeps an interest per topic)
MAX_TOPICS = 10_000
#: the largest amount of money or points a parameter may name
MAX_AMOUNT = 1e12
#: the largest value of any other parameter (a rate, a weight, a multiplier, a count of
#: items) declared without its own ``high``
MAX_OTHER = 1e6

#: unit (or the start of one) -> the largest value a parameter in it may take, when its
#: declaration gives no ``high``; the first matching entry wins, MAX_OTHER otherwise
UNIT_HIGH: tuple[tuple[str, float], ...] = (
    ("currency", MAX_AMOUNT),
    ("points", MAX_AMOUNT),
    ("days", MAX_DAYS),
    ("day", MAX_DAYS),
    ("topic", MAX_TOPICS),
    ("topics", MAX_TOPICS),
    ("people", MAX_PEOPLE),
    ("members", MAX_PEOPLE),
    ("attendees", MAX_PEOPLE),
    ("newcomers", MAX_PEOPLE),
    ("s", 86_400.0),
)


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
    doc: str = "",
    constraint: str = "",
) -> Any:
    """A dataclass field for a mechanism parameter.

    Args:
        default: the default value.
        unit: the unit (``"1/day"``, ``"days"``, ``"share"``, ``"-"`` for flags).
        source: where the default comes from: a paper, an industry figure or ``"assumption"``.
        low: smallest allowed value (inclusive), if any.
        high: largest allowed value (inclusive); without it, the bound of the unit
            (:func:`upper_bound`): every number has one.
        choices: the allowed strings, for a choice parameter.
        doc: one line on what the parameter means.
        constraint: a condition checked against other keys, in words, for the docs' range
            column (``"at most behaviour.content.topics"``); checking it is the owner's job.
    """
    meta = {"unit": unit, "source": source, "low": low, "high": high, "choices": choices}
    meta["doc"] = doc
    meta["constraint"] = constraint
    return dataclasses.field(default=default, metadata=meta)


def upper_bound(meta: Mapping[str, Any]) -> float:
    """The largest value a parameter may take: its declared ``high``, else the bound of its
    unit (:data:`UNIT_HIGH`), else :data:`MAX_OTHER`. Every number has one, so an absurd
    value (``1e12`` topics, ``inf`` days) is refused before it costs anything."""
    if meta.get("high") is not None:
        return float(meta["high"])
    unit = str(meta.get("unit", ""))
    for start, bound in UNIT_HIGH:
        if unit == start or unit.startswith(start + "/") or unit.startswith(start + " "):
            return bound
    return MAX_OTHER


def param_defaults(cls: type) -> dict[str, Any]:
    """The defaults of a parameter dataclass as plain config values, in field order.

    Tuples become lists and nested dataclasses dicts, so the result can be a Hydra node.
    Fields made without :func:`param` (e.g. ``behaviour.segments.groups``) are left out.
    """
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if "unit" not in f.metadata:
            continue
        out[f.name] = plain_value(f.default)
    return out


def plain_value(value: Any) -> Any:
    """A default as a plain config value (list for a tuple, dict for a mapping)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: plain_value(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [plain_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value

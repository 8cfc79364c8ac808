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
        high: largest allowed value (inclusive), if any.
        choices: the allowed strings, for a choice parameter.
        doc: one line on what the parameter means.
        constraint: a condition checked against other keys, in words, for the docs' range
            column (``"at most behaviour.content.topics"``); checking it is the owner's job.
    """
    meta = {"unit": unit, "source": source, "low": low, "high": high, "choices": choices}
    meta["doc"] = doc
    meta["constraint"] = constraint
    return dataclasses.field(default=default, metadata=meta)


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

"""Declaring mechanism parameters: each one carries its unit, range and source.

A mechanism's parameters are a frozen dataclass whose fields are made with :func:`param`.
The config layer (``sim.config``) checks every value against the declared range and
type before the first simulated day, and ``docs/model.md`` lists every field (a test
keeps the two in step).
"""

from __future__ import annotations

import dataclasses
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
    """
    meta = {"unit": unit, "source": source, "low": low, "high": high, "choices": choices}
    meta["doc"] = doc
    return dataclasses.field(default=default, metadata=meta)


def param_table(cls: type) -> list[dict[str, Any]]:
    """Rows (name, default, unit, range, source, doc) for every parameter of ``cls``."""
    rows = []
    for f in dataclasses.fields(cls):
        meta = dict(f.metadata)
        rows.append({"name": f.name, "default": f.default, **meta})
    return rows

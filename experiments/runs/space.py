"""Parameter spaces: levers (what the operator controls) and uncertainties (what the world
decides) declared the same way, so optimisation, sensitivity and robustness share code.

A space is a mapping ``config.key -> {type: float|int|categorical, low, high, choices, log}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import ConfigError

TYPES = ("float", "int", "categorical")


@dataclass(frozen=True)
class Dimension:
    """One parameter with its range."""

    key: str
    type: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    log: bool = False

    def bounds(self) -> tuple[float, float]:
        """``(low, high)`` of a numeric dimension."""
        if self.low is None or self.high is None:
            raise ValueError(f"{self.key} is categorical: it has choices, not bounds")
        return self.low, self.high

    def from_unit(self, u: float) -> Any:
        """Map u in [0, 1] onto the range (used by Latin hypercube and Sobol samples)."""
        if self.type == "categorical":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        lo, hi = self.bounds()
        if self.log:
            value = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        else:
            value = lo + u * (hi - lo)
        return int(round(value)) if self.type == "int" else float(value)


def parse_space(values: Mapping[str, Any] | None, key: str) -> list[Dimension]:
    """Check a declared space; errors name ``<key>.<parameter>``."""
    if not values:
        raise ConfigError(key, values, "declare at least one parameter with its range")
    dims = []
    for name, spec in values.items():
        where = f"{key}.{name}"
        if not isinstance(spec, Mapping) or spec.get("type") not in TYPES:
            raise ConfigError(
                where,
                spec,
                f"give {{type: {'|'.join(TYPES)}, low, high}} or "
                "{type: categorical, choices: [...]}",
            )
        if spec["type"] == "categorical":
            choices = tuple(spec.get("choices") or ())
            if len(choices) < 2:
                raise ConfigError(f"{where}.choices", choices, "give at least two choices")
            dims.append(Dimension(name, "categorical", choices=choices))
            continue
        low, high = spec.get("low"), spec.get("high")
        if not (_is_number(low) and _is_number(high)):
            raise ConfigError(where, spec, "give numeric low and high")
        assert isinstance(low, int | float) and isinstance(high, int | float)
        if not low < high:
            raise ConfigError(f"{where}.high", high, f"use high > low ({low})")
        log = bool(spec.get("log", False))
        if log and low <= 0:
            raise ConfigError(f"{where}.low", low, "a log-scaled range needs low > 0")
        dims.append(Dimension(name, spec["type"], float(low), float(high), log=log))
    return dims


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_overrides(values: Mapping[str, Any]) -> list[str]:
    """Parameter values as Hydra overrides (``++key=value``: set, adding the key if absent)."""
    out = []
    for key, value in values.items():
        text = repr(value) if isinstance(value, float) else str(value)
        out.append(f"{key}={text}" if key == "playbook" else f"++{key}={text}")
    return out


def from_unit_rows(dims: list[Dimension], unit: np.ndarray) -> list[dict[str, Any]]:
    """Each row of ``unit`` (values in [0, 1], one column per dimension) as parameter values.

    A ``log: true`` range is spread evenly in log space (:meth:`Dimension.from_unit`), so
    every sampler (Latin hypercube, Morris, Sobol) samples it the same way.
    """
    return [{d.key: d.from_unit(float(u)) for d, u in zip(dims, row, strict=True)} for row in unit]


def latin_hypercube(dims: list[Dimension], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` scenarios spread evenly over the space (seeded Latin hypercube)."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(dims), seed=np.random.default_rng(seed)).random(n)
    return from_unit_rows(dims, unit)

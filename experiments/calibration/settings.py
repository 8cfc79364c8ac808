"""The ``calibration`` section and the command's own keys, checked before anything runs.

``configs/calibration/<name>.yaml`` says what is fitted, to which series and how hard:
``blocks`` of parameters, each with the series (and weights) of its loss, fitted in the
order of ``schedule`` (block coordinate descent; a block may come back, e.g. ``[growth,
engagement, growth]``); ``reps`` replications per candidate, ``restarts`` independent
fits, ``final_reps`` replications to score each restart's result.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig, OmegaConf

from experiments.calibration.logs.options import LogOptions, log_options
from experiments.calibration.series import SERIES
from experiments.calibration.simulate import ACTIVE
from experiments.runs.executors import check_workers
from sim.errors import ConfigError

EXECUTORS = ("serial", "joblib")
#: how the parameters are fitted: blocks of Nelder-Mead with restarts, or ABC-SMC (pyabc)
METHODS = ("nelder-mead", "abc")
#: the command's keys beside the simulation's (removed before a simulation is checked)
CALIBRATE_KEYS = (
    "data",
    "format",
    "as_of",
    "holdout_days",
    "executor",
    "workers",
    "calibration",
)
MIN_FIT_DAYS = 14


@dataclass(frozen=True)
class Param:
    """One fitted parameter and its range (``relative``: low and high are multiples of the
    users seen in the log, as for ``community.n``)."""

    key: str
    type: str
    low: float
    high: float
    log: bool = False
    relative: bool = False

    def bounds(self, users: int) -> tuple[float, float]:
        """The range in the parameter's own units."""
        scale = users if self.relative else 1
        return self.low * scale, self.high * scale

    def value(self, u: float, users: int) -> float | int:
        """The value at ``u`` in [0, 1] (log scale when ``log``; whole for ``int``)."""
        lo, hi = self.bounds(users)
        u = min(max(float(u), 0.0), 1.0)
        v = float(np.exp(np.log(lo) + u * np.log(hi / lo))) if self.log else lo + u * (hi - lo)
        v = min(max(v, lo), hi)  # no rounding error past the ends
        return int(round(v)) if self.type == "int" else v

    def unit(self, value: float, users: int) -> float:
        """The position of ``value`` in [0, 1] (the inverse of :meth:`value`)."""
        lo, hi = self.bounds(users)
        value = min(max(float(value), lo), hi)
        return float(np.log(value / lo) / np.log(hi / lo)) if self.log else (value - lo) / (hi - lo)


#: a levels block's driver -> the fitted key and the series whose block sums it follows
LEVELS = {
    "activity": ("drivers.monthly_activity", "active_users"),
    "reach": ("drivers.monthly_reach", "new_users"),
}


@dataclass(frozen=True)
class Block:
    """Parameters fitted together, to the series of their own loss.

    A levels block (``levels: activity`` or ``reach``) has no parameters: it fits the
    piecewise-constant outside driver ``drivers.monthly_<levels>``, one level per
    ``block_days`` days (0: calendar months), by damped multiplicative updates (``step``)
    smoothed by a penalty (``smooth``) on the change between neighbouring levels; ``evals``
    simulated points (``experiments.calibration.fit.fit_levels``).
    """

    name: str
    params: tuple[Param, ...]
    weights: dict[str, float]
    screen: int
    evals: int
    levels: str = ""
    block_days: int = 14
    smooth: float = 1.0
    step: float = 0.5

    @property
    def key(self) -> str:
        """A levels block's fitted key (``drivers.monthly_activity``)."""
        return LEVELS[self.levels][0]


@dataclass(frozen=True)
class Abc:
    """``calibration.abc``: the budget of ``method: abc`` (``experiments.calibration.abc``)."""

    population: int = 50
    generations: int = 10
    max_simulations: int = 900
    reps: int = 1
    alpha: float = 0.5
    candidates: int = 3


@dataclass(frozen=True)
class Settings:
    """Everything ``commsim calibrate`` needs besides the simulation config."""

    log: LogOptions
    as_of: datetime.date | None
    holdout_days: int
    active: str
    reps: int
    restarts: int
    final_reps: int
    schedule: tuple[str, ...]
    min_cohort: int
    blocks: tuple[Block, ...]
    seed: int
    executor: str
    workers: int | None
    method: str = "nelder-mead"
    abc: Abc = Abc()

    def block(self, name: str) -> Block:
        """The block called ``name``."""
        return next(b for b in self.blocks if b.name == name)

    @property
    def params(self) -> list[Param]:
        """Every fitted parameter, block by block (levels blocks have none)."""
        return [p for b in self.blocks for p in b.params]

    @property
    def levels(self) -> list[Block]:
        """The levels blocks (outside drivers fitted by time block)."""
        return [b for b in self.blocks if b.levels]

    @property
    def weights(self) -> dict[str, float]:
        """The weight of each series in the total loss (summed over blocks)."""
        out: dict[str, float] = {}
        for b in self.blocks:
            for k, w in b.weights.items():
                out[k] = out.get(k, 0.0) + w
        return out


def parse_settings(cfg: DictConfig | Mapping[str, Any]) -> Settings:
    """Check the command's keys and the ``calibration`` section.

    Raises:
        ConfigError: naming the key, the value and the fix.
    """
    plain = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    assert isinstance(plain, Mapping)
    c = plain.get("calibration")
    if not isinstance(c, Mapping):
        raise ConfigError("calibration", c, "choose a calibration config: calibration=default")
    if c.get("active") not in ACTIVE:
        raise ConfigError("calibration.active", c.get("active"), f"use one of: {', '.join(ACTIVE)}")
    counts = {
        k: _whole(f"calibration.{k}", c.get(k), low)
        for k, low in (("reps", 1), ("restarts", 1), ("final_reps", 1), ("min_cohort", 1))
    }
    blocks = c.get("blocks")
    if not isinstance(blocks, Mapping) or not blocks:
        raise ConfigError(
            "calibration.blocks",
            blocks,
            "declare at least one block of "
            "parameters with its series (see configs/calibration/default.yaml)",
        )
    parsed = tuple(_block(str(name), spec) for name, spec in blocks.items())
    schedule = c.get("schedule") or [b.name for b in parsed]
    names = [b.name for b in parsed]
    if not isinstance(schedule, list | tuple) or any(n not in names for n in schedule):
        raise ConfigError(
            "calibration.schedule",
            schedule,
            f"list the blocks to fit in order, each one of: {', '.join(names)}",
        )
    keys = [p.key for b in parsed for p in b.params] + [b.key for b in parsed if b.levels]
    if len(set(keys)) != len(keys):
        raise ConfigError("calibration.blocks", keys, "fit each parameter in one block only")
    lengths = {b.block_days for b in parsed if b.levels}
    if len(lengths) > 1:
        raise ConfigError(
            "calibration.blocks",
            sorted(lengths),
            "levels blocks share drivers.level_days: give them the same block_days",
        )
    executor = plain.get("executor")
    if executor not in EXECUTORS:
        raise ConfigError("executor", executor, f"use one of: {', '.join(EXECUTORS)}")
    workers = check_workers(plain.get("workers"))  # the check every command shares
    return Settings(
        log=log_options(plain.get("data"), plain.get("format")),
        as_of=parse_as_of(plain.get("as_of")),
        holdout_days=_whole("holdout_days", plain.get("holdout_days"), 0),
        active=c["active"],
        blocks=parsed,
        seed=_whole("seed", plain.get("seed"), 0),
        executor=executor,
        workers=workers,
        schedule=tuple(schedule),
        method=_method(c.get("method", "nelder-mead")),
        abc=parse_abc(c.get("abc")),
        **counts,
    )


def _method(value: Any) -> str:
    if value not in METHODS:
        raise ConfigError("calibration.method", value, f"use one of: {', '.join(METHODS)}")
    return str(value)


def parse_abc(spec: Any) -> Abc:
    """``calibration.abc`` (missing keys keep their defaults).

    Raises:
        ConfigError: naming the key, the value and the fix.
    """
    if spec is None:
        return Abc()
    if not isinstance(spec, Mapping):
        raise ConfigError("calibration.abc", spec, "give {population, generations, ...}")
    unknown = set(spec) - set(Abc.__dataclass_fields__)
    if unknown:
        known = ", ".join(Abc.__dataclass_fields__)
        raise ConfigError(f"calibration.abc.{sorted(unknown)[0]}", "?", f"use: {known}")
    out = {
        k: _whole(f"calibration.abc.{k}", spec[k], low)
        for k, low in (
            ("population", 4),
            ("generations", 1),
            ("max_simulations", 1),
            ("reps", 1),
            ("candidates", 1),
        )
        if k in spec
    }
    alpha = spec.get("alpha", Abc.alpha)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ConfigError("calibration.abc.alpha", alpha, "give a quantile between 0 and 1")
    abc = Abc(alpha=float(alpha), **out)
    if abc.max_simulations < abc.population * abc.reps:
        raise ConfigError(
            "calibration.abc.max_simulations",
            abc.max_simulations,
            f"the first generation alone needs population x reps = {abc.population * abc.reps}; "
            "give at least that",
        )
    return abc


def parse_as_of(value: Any) -> datetime.date | None:
    """``as_of``: an ISO date (``2024-03-31``), or None for the default day.

    Raises:
        ConfigError: on ``as_of`` for anything else.
    """
    if value is None or isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            "as_of", value, "give a day of the log as YYYY-MM-DD (or leave it out: the last day)"
        ) from None


def _whole(key: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, value, f"give a whole number >= {low}")
    return int(value)


def _block(name: str, spec: Any) -> Block:
    where = f"calibration.blocks.{name}"
    if not isinstance(spec, Mapping):
        raise ConfigError(where, spec, "give {series: {...}, parameters: {...}, screen, evals}")
    weights = spec.get("series")
    if not isinstance(weights, Mapping) or not weights:
        raise ConfigError(
            f"{where}.series", weights, f"give weights of some of: {', '.join(SERIES)}"
        )
    for series, w in weights.items():
        if series not in SERIES:
            raise ConfigError(f"{where}.series.{series}", w, f"use the series: {', '.join(SERIES)}")
        if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
            raise ConfigError(f"{where}.series.{series}", w, "give a weight >= 0")
    if "levels" in spec:
        return _levels_block(name, spec, weights)
    params = spec.get("parameters")
    if not isinstance(params, Mapping) or not params:
        raise ConfigError(
            f"{where}.parameters",
            params,
            "declare at least one parameter: key: {type: float, low: L, high: H, log: false}",
        )
    return Block(
        name,
        tuple(_param(f"{where}.parameters.{k}", str(k), v) for k, v in params.items()),
        {str(k): float(v) for k, v in weights.items()},
        screen=_whole(f"{where}.screen", spec.get("screen", 0), 0),
        evals=_whole(f"{where}.evals", spec.get("evals"), 1),
    )


def _levels_block(name: str, spec: Mapping[str, Any], weights: Mapping[str, Any]) -> Block:
    where = f"calibration.blocks.{name}"
    if spec["levels"] not in LEVELS:
        raise ConfigError(f"{where}.levels", spec["levels"], f"use one of: {', '.join(LEVELS)}")
    extra = set(spec) - {"levels", "series", "block_days", "smooth", "step", "evals"}
    if extra:
        raise ConfigError(
            f"{where}.{sorted(extra)[0]}",
            spec[sorted(extra)[0]],
            "a levels block takes levels, series, block_days, smooth, step, evals",
        )
    smooth, step = spec.get("smooth", 1.0), spec.get("step", 0.5)
    if isinstance(smooth, bool) or not isinstance(smooth, int | float) or smooth < 0:
        raise ConfigError(f"{where}.smooth", smooth, "give a penalty >= 0 (0: no smoothing)")
    if isinstance(step, bool) or not isinstance(step, int | float) or not 0 < step <= 1:
        raise ConfigError(f"{where}.step", step, "give a damping step in (0, 1]")
    return Block(
        name,
        (),
        {str(k): float(v) for k, v in weights.items()},
        screen=0,
        evals=_whole(f"{where}.evals", spec.get("evals", 6), 1),
        levels=str(spec["levels"]),
        block_days=_whole(f"{where}.block_days", spec.get("block_days", 14), 0),
        smooth=float(smooth),
        step=float(step),
    )


def _param(where: str, key: str, spec: Any) -> Param:
    if not isinstance(spec, Mapping) or spec.get("type", "float") not in ("float", "int"):
        raise ConfigError(where, spec, "give {type: float|int, low: L, high: H, log: false}")
    ends = spec.get("low"), spec.get("high")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in ends):
        raise ConfigError(where, spec, "give numeric low and high")
    low, high = float(ends[0]), float(ends[1])  # type: ignore[arg-type]
    if not low < high:
        raise ConfigError(f"{where}.high", high, f"use high > low ({low})")
    log = bool(spec.get("log", False))
    if log and low <= 0:
        raise ConfigError(f"{where}.low", low, "a log-scaled range needs low > 0")
    relative = spec.get("relative_to")
    if relative not in (None, "users"):
        raise ConfigError(
            f"{where}.relative_to",
            relative,
            "use users (multiples of the users seen in the log) or leave it out",
        )
    if relative and low < 1:
        raise ConfigError(
            f"{where}.low",
            low,
            "the population cannot be smaller than the users seen in the log; use low >= 1",
        )
    return Param(key, spec.get("type", "float"), low, high, log, relative == "users")

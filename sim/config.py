"""Turning a composed Hydra config into checked, typed settings, before day 1.

Every value is checked against the range its mechanism declares (``agents.params.param``);
a bad one raises :class:`~sim.errors.ConfigError` naming the key, the value and the fix.
Unknown keys are errors too: a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from agents.acquisition import AcquisitionParams
from agents.engagement import ChurnParams, CommitmentParams, VisitParams
from sim.community import CommunitySpec, parse_community
from sim.errors import ConfigError

T = TypeVar("T")

PLACEMENTS = ("random", "degree")


@dataclass(frozen=True)
class BehaviourParams:
    """``behaviour.*``: every member mechanism, each with its own switch."""

    name: str = "default"
    visits: VisitParams = field(default_factory=VisitParams)
    commitment: CommitmentParams = field(default_factory=CommitmentParams)
    churn: ChurnParams = field(default_factory=ChurnParams)


@dataclass(frozen=True)
class RunOptions:
    """``run.*``: how the run is carried out (never what it computes)."""

    progress: str = "auto"  # auto | on | off
    handles: str = "auto"  # Member agents: auto (built on first use) | on (at start) | off


@dataclass(frozen=True)
class SimConfig:
    """One simulation's settings, checked."""

    seed: int
    days: int
    community: CommunitySpec
    acquisition: AcquisitionParams
    initial_members: int
    initial_placement: str
    behaviour: BehaviourParams
    run: RunOptions
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def parse_params(cls: type[T], values: Mapping[str, Any] | None, prefix: str) -> T:
    """Build the parameter dataclass ``cls`` from ``values``, checking every key.

    Args:
        cls: a dataclass whose fields were made with ``agents.params.param``.
        values: the config section (may be None: all defaults).
        prefix: the section's dotted key, for error messages (``behaviour.visits``).
    """
    values = dict(values or {})
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in values:
        if key not in fields:
            raise ConfigError(f"{prefix}.{key}", values[key],
                              f"unknown key; the keys of {prefix} are: {', '.join(fields)}")
    kwargs = {}
    for name, f in fields.items():
        if name not in values:
            continue
        kwargs[name] = check_value(f"{prefix}.{name}", values[name], f)
    return cls(**kwargs)


def check_value(key: str, value: Any, f: dataclasses.Field) -> Any:
    """Check one value against its field's declared type, range and choices."""
    meta = f.metadata
    default = f.default
    if dataclasses.is_dataclass(f.type) or isinstance(default, dict):
        return value
    if meta.get("choices"):
        if value not in meta["choices"]:
            raise ConfigError(key, value, f"use one of: {', '.join(meta['choices'])}")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key, value, "use true or false")
        return value
    if value is None:
        if default is None:
            return None
        raise ConfigError(key, value, f"give a number (default {default})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, f"give a number (default {default})")
    if (isinstance(default, int) or "int" in str(f.type)) and "float" not in str(f.type):
        if float(value) != int(value):
            raise ConfigError(key, value, "give a whole number")
        value = int(value)
    return _check_range(key, value, meta.get("low"), meta.get("high"))


def _check_range(key: str, value: float, low: float | None, high: float | None) -> float:
    if value != value:  # NaN
        raise ConfigError(key, value, "give a number, not NaN")
    if low is not None and value < low:
        rng = f"[{low}, {high}]" if high is not None else f">= {low}"
        what = "a probability" if (low, high) == (0.0, 1.0) else "a value"
        raise ConfigError(key, value, f"use {what} in {rng}")
    if high is not None and value > high:
        rng = f"[{low}, {high}]" if low is not None else f"<= {high}"
        what = "a probability" if (low, high) == (0.0, 1.0) else "a value"
        raise ConfigError(key, value, f"use {what} in {rng}")
    return value


def _int(cfg: Mapping[str, Any], key: str, low: int, fix: str) -> int:
    value = cfg.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, value, fix)
    return int(value)


def parse_behaviour(values: Mapping[str, Any] | None) -> BehaviourParams:
    """``behaviour.*`` to :class:`BehaviourParams`."""
    values = dict(values or {})
    sections = {"visits": VisitParams, "commitment": CommitmentParams, "churn": ChurnParams}
    unknown = set(values) - set(sections) - {"name"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"behaviour.{key}", values[key],
                          f"unknown section; behaviour has: {', '.join(sections)}")
    parsed = {k: parse_params(cls, values.get(k), f"behaviour.{k}") for k, cls in sections.items()}
    return BehaviourParams(name=str(values.get("name", "custom")), **parsed)


def parse_config(cfg: Mapping[str, Any]) -> SimConfig:
    """Check a whole (resolved, plain-dict) config and return typed settings.

    Raises:
        ConfigError: naming the first bad key, its value and the fix.
    """
    seed = cfg.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError("seed", seed, "give a whole number >= 0 (same seed, same result)")
    days = _int(cfg, "days", 1, "give a whole number of days >= 1")
    community = parse_community(cfg.get("community"))
    acquisition = parse_params(AcquisitionParams, cfg.get("acquisition"), "acquisition")
    if acquisition.threshold_kind == "share" and acquisition.threshold > 1:
        raise ConfigError("acquisition.threshold", acquisition.threshold,
                          "a share threshold lies in [0, 1]; for a number of neighbours "
                          "set acquisition.threshold_kind=count")
    initial = _int(cfg, "initial_members", 0, "give a whole number of people >= 0")
    if community.kind != "file" and initial > community.n:
        raise ConfigError("initial_members", initial,
                          f"the community has only {community.n} people; use at most that")
    placement = cfg.get("initial_placement", "random")
    if placement not in PLACEMENTS:
        raise ConfigError("initial_placement", placement, f"use one of: {', '.join(PLACEMENTS)}")
    return SimConfig(seed=seed, days=days, community=community, acquisition=acquisition,
                     initial_members=initial, initial_placement=placement,
                     behaviour=parse_behaviour(cfg.get("behaviour")),
                     run=_parse_run(cfg.get("run")), raw=dict(cfg))


def _parse_run(values: Mapping[str, Any] | None) -> RunOptions:
    values = dict(values or {})
    for key in values:
        if key not in ("progress", "handles"):
            raise ConfigError(f"run.{key}", values[key], "unknown key; run has: progress, handles")
    opts = RunOptions(**values)
    for key in ("progress", "handles"):
        value = getattr(opts, key)
        if value not in ("auto", "on", "off", True, False):
            raise ConfigError(f"run.{key}", value, "use auto, on or off")
    return opts

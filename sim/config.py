"""Turning a composed Hydra config into checked, typed settings, before day 1.

Every value is checked against the range its mechanism declares (``agents.params.param``):
a number must be finite and at most its declared ``high``, or, without one, its unit's
bound (``agents.params.upper_bound``); then the memory and time the whole run needs are
estimated (``sim.workload``), all before anything is allocated. A bad value raises
:class:`~sim.errors.ConfigError` naming the key, the value and the fix. Unknown keys
are errors too: a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from agents.acquisition import AcquisitionParams
from agents.consumption import ConsumptionParams
from agents.contribution import ContributionParams
from agents.engagement import ChurnParams, CommitmentParams, DormancyParams, VisitParams
from agents.heterogeneity import HeterogeneityParams
from agents.interests import ContentParams
from agents.levels import LevelParams
from agents.money import MoneyParams
from agents.params import MAX_DAYS, MAX_PEOPLE, param, upper_bound
from agents.segments import SegmentParams, SegmentsParams
from agents.sentiment import SentimentParams
from sim.community import CommunitySpec, parse_community
from sim.drivers import DriversParams
from sim.drivers_check import parse_drivers
from sim.errors import ConfigError
from sim.kpi_settings import ChurnDefinition, Targets, parse_churn, parse_targets
from sim.start import StartParams, check_start
from sim.workload import check_workload

T = TypeVar("T")

PLACEMENTS = ("random", "degree")
#: the top-level keys that hold a section (a mapping of keys to values)
SECTION_KEYS = (
    "community",
    "acquisition",
    "behaviour",
    "run",
    "start",
    "churn",
    "drivers",
    "targets",
    "strategies",
)
#: the largest seed: it is stored as a 64-bit integer with every run's results
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class BehaviourParams:
    """``behaviour.*``: every member mechanism, each with its own switch."""

    name: str = "default"
    segments: SegmentsParams = field(default_factory=SegmentsParams)
    content: ContentParams = field(default_factory=ContentParams)
    visits: VisitParams = field(default_factory=VisitParams)
    heterogeneity: HeterogeneityParams = field(default_factory=HeterogeneityParams)
    consumption: ConsumptionParams = field(default_factory=ConsumptionParams)
    contribution: ContributionParams = field(default_factory=ContributionParams)
    commitment: CommitmentParams = field(default_factory=CommitmentParams)
    levels: LevelParams = field(default_factory=LevelParams)
    sentiment: SentimentParams = field(default_factory=SentimentParams)
    dormancy: DormancyParams = field(default_factory=DormancyParams)
    churn: ChurnParams = field(default_factory=ChurnParams)
    money: MoneyParams = field(default_factory=MoneyParams)


#: the plain parameter sections of ``behaviour`` (segments is parsed on its own)
SECTIONS: dict[str, type] = {
    "content": ContentParams,
    "visits": VisitParams,
    "heterogeneity": HeterogeneityParams,
    "consumption": ConsumptionParams,
    "contribution": ContributionParams,
    "commitment": CommitmentParams,
    "levels": LevelParams,
    "sentiment": SentimentParams,
    "dormancy": DormancyParams,
    "churn": ChurnParams,
    "money": MoneyParams,
}


@dataclass(frozen=True)
class Crisis:
    """A scheduled crisis: on ``day``, a ``share`` of members turn negative (``severity``)."""

    day: int
    share: float
    severity: float


@dataclass(frozen=True)
class RunOptions:
    """``run.*``: how the run is carried out (never what it computes)."""

    progress: str = param(
        "auto",
        unit="-",
        choices=("auto", "on", "off"),
        source="-",
        doc="progress bar: auto (on a terminal), on or off",
    )
    handles: str = param(
        "auto",
        unit="-",
        choices=("auto", "on", "off"),
        source="-",
        doc="Member agents: auto (built when model.agents is first used), on (at start), off",
    )
    metrics: str = param(
        "on",
        unit="-",
        choices=("on", "off"),
        source="-",
        doc="the daily metrics table: off for a caller recording its own (calibrate)",
    )
    reuse_other_versions: str = param(
        "off",
        unit="-",
        choices=("on", "off"),
        source="-",
        doc="on a rerun in the same folder: reuse stored runs made by another model "
        "version (on) or redo them (off); sim.version.MODEL_VERSION",
    )


#: the file formats the commands can write their plots in (matplotlib's writers)
PLOT_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class PlotOptions:
    """``plot_format``, ``plot_dpi``: how the commands that draw (compare, optimise,
    sensitivity, robustness, calibrate) write their plots; never what a run computes (a
    run's key leaves them out, and the engine ignores them)."""

    plot_format: str = param(
        "png",
        unit="-",
        choices=PLOT_FORMATS,
        source="-",
        doc="the plots' file format, or a list of them (plot_format=[png,pdf]); report.html "
        "embeds the first of png and svg",
    )
    plot_dpi: int = param(
        200,
        unit="dots per inch",
        low=50,
        high=1200,
        source="assumption: print quality (matplotlib's own default is 100)",
        doc="resolution of PNG plots and of the raster parts of SVG and PDF ones",
    )


def plot_options(cfg: Mapping[str, Any]) -> tuple[tuple[str, ...], int]:
    """The checked ``plot_format`` (as a tuple of formats, in the order given) and
    ``plot_dpi`` of a composed config (their defaults where absent).

    Raises:
        ConfigError: naming ``plot_format`` (not png, svg or pdf, an empty list, a format
            twice) or ``plot_dpi`` (not a whole number from 50 to 1200).
    """
    fields = {f.name: f for f in dataclasses.fields(PlotOptions)}
    value = cfg.get("plot_format", fields["plot_format"].default)
    formats = [value] if isinstance(value, str) else value
    fix = "use png, svg or pdf, or a list of them: plot_format=[png,pdf]"
    if not isinstance(formats, Sequence) or not formats:
        raise ConfigError("plot_format", value, fix)
    for item in formats:
        if not isinstance(item, str) or item.strip().lower() not in PLOT_FORMATS:
            raise ConfigError("plot_format", item, fix)
    chosen = tuple(item.strip().lower() for item in formats)
    if len(set(chosen)) != len(chosen):
        raise ConfigError("plot_format", value, "name each format once")
    dpi = cfg.get("plot_dpi", fields["plot_dpi"].default)
    return chosen, int(check_value("plot_dpi", dpi, fields["plot_dpi"]))


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
    crises: tuple[Crisis, ...] = ()
    start: StartParams = field(default_factory=StartParams)
    churn: ChurnDefinition = field(default_factory=lambda: ChurnDefinition())
    drivers: DriversParams = field(default_factory=DriversParams)
    targets: Targets = field(default_factory=Targets)


def parse_params(cls: type[T], values: Mapping[str, Any] | None, prefix: str) -> T:
    """Build the parameter dataclass ``cls`` from ``values``, checking every key.

    Args:
        cls: a dataclass whose fields were made with ``agents.params.param``.
        values: the config section (may be None: all defaults).
        prefix: the section's dotted key, for error messages (``behaviour.visits``).
    """
    values = as_section(values, prefix)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in values:
        if key not in fields:
            raise ConfigError(
                f"{prefix}.{key}",
                values[key],
                f"unknown key; the keys of {prefix} are: {', '.join(fields)}",
            )
    kwargs = {}
    for name, f in fields.items():
        if name not in values:
            continue
        kwargs[name] = check_value(f"{prefix}.{name}", values[name], f)
    return cls(**kwargs)


def as_section(values: Any, key: str) -> dict[str, Any]:
    """A config section as a dict (None: empty); anything but a mapping is a ConfigError."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ConfigError(key, values, f"give {key} as a mapping of keys to values")
    return dict(values)


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
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(key, value, "give text (quote it on the command line)")
        return value
    if value is None:
        if default is None:
            return None
        raise ConfigError(key, value, f"give a number (default {default})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, f"give a number (default {default})")
    check_finite(key, value, default)
    if (isinstance(default, int) or "int" in str(f.type)) and "float" not in str(f.type):
        if float(value) != int(value):
            raise ConfigError(key, value, "give a whole number")
        value = int(value)
    else:  # a real-valued parameter is a float, however it was typed (128, not 128.0)
        value = float(value)
    return _check_range(key, value, meta.get("low"), upper_bound(meta))


def check_finite(key: str, value: float, default: Any = None) -> None:
    """Refuse NaN, infinity and integers too large for a float, naming ``key``."""
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        finite = False
    if not finite:
        example = "" if default is None else f" (default {default})"
        raise ConfigError(key, value, f"give a finite number{example}")


def _check_range(key: str, value: float, low: float | None, high: float | None) -> float:
    check_finite(key, value)
    below = low is not None and value < low
    if below or (high is not None and value > high):
        what = "a probability" if (low, high) == (0.0, 1.0) else "a value"
        if low is not None and high is not None:
            raise ConfigError(key, value, f"use {what} in [{low}, {high}]")
        raise ConfigError(key, value, f"use {what} >= {low}" if below else f"use {what} <= {high}")
    return value


def _int(cfg: Mapping[str, Any], key: str, low: int, high: int, fix: str) -> int:
    """A whole number in ``[low, high]``."""
    value = cfg.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(key, value, f"{fix} and <= {high:,}")
    return int(value)


def parse_behaviour(values: Mapping[str, Any] | None) -> BehaviourParams:
    """``behaviour.*`` to :class:`BehaviourParams`."""
    values = as_section(values, "behaviour")
    unknown = set(values) - set(SECTIONS) - {"name", "segments"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            f"behaviour.{key}",
            values[key],
            f"unknown section; behaviour has: segments, {', '.join(SECTIONS)}",
        )
    parsed: dict[str, Any] = {
        k: parse_params(cls, values.get(k), f"behaviour.{k}") for k, cls in SECTIONS.items()
    }
    content = parsed["content"]
    if content.focus_topics > content.topics:
        raise ConfigError(
            "behaviour.content.focus_topics",
            content.focus_topics,
            f"use at most behaviour.content.topics ({content.topics})",
        )
    return BehaviourParams(
        name=str(values.get("name", "custom")),
        segments=parse_segments(values.get("segments")),
        **parsed,
    )


def parse_segments(values: Mapping[str, Any] | None) -> SegmentsParams:
    """``behaviour.segments``: ``assign`` and ``groups: {name: {share: ..., ...}}``."""
    values = as_section(values, "behaviour.segments")
    for key in values:
        if key not in ("assign", "groups"):
            raise ConfigError(
                f"behaviour.segments.{key}",
                values[key],
                "unknown key; behaviour.segments has: assign, groups",
            )
    assign = values.get("assign", "share")
    if assign not in ("share", "block"):
        raise ConfigError("behaviour.segments.assign", assign, "use one of: share, block")
    groups_in = values.get("groups") or {}
    if not isinstance(groups_in, Mapping):
        raise ConfigError(
            "behaviour.segments.groups", groups_in, "give a mapping of segment name -> parameters"
        )
    groups = parse_groups(groups_in, "behaviour.segments.groups")
    return SegmentsParams(assign=assign, groups=groups or None)


def parse_groups(values: Mapping[str, Any], prefix: str) -> dict[str, SegmentParams]:
    """Segment name -> its checked :class:`SegmentParams` (``prefix``: the key of the
    mapping, ``behaviour.segments.groups`` or ``community.segments``)."""
    groups = {
        str(name): parse_params(SegmentParams, g, f"{prefix}.{name}") for name, g in values.items()
    }
    check_groups(groups, prefix)
    return groups


def check_groups(groups: Mapping[str, SegmentParams], key: str) -> None:
    """At least one positive share, at most 100 segments."""
    if groups and sum(g.share for g in groups.values()) <= 0:
        raise ConfigError(
            key,
            {k: g.share for k, g in groups.items()},
            "give at least one segment a positive share",
        )
    if len(groups) > 100:
        raise ConfigError(key, len(groups), "use at most 100 segments")


def community_segments(behaviour: BehaviourParams, community: CommunitySpec) -> BehaviourParams:
    """The behaviour with the community's own segments (``community.segments``), if it
    declares them: they replace ``behaviour.segments.groups`` (the built-in personas), or,
    with ``community.keep_builtin_segments: true``, join them (a segment of the same name
    takes the community's values)."""
    if not community.segments:
        return behaviour
    own = parse_groups(community.segments, "community.segments")
    kept = dict(behaviour.segments.groups or {}) if community.keep_builtin_segments else {}
    groups = {**kept, **own}
    check_groups(groups, "community.segments")
    segments = dataclasses.replace(behaviour.segments, groups=groups)
    return dataclasses.replace(behaviour, segments=segments)


def parse_crises(values: Any, days: int) -> tuple[Crisis, ...]:
    """``crises: [{day: D, share: S, severity: X}, ...]``."""
    if values is None:
        return ()
    if not isinstance(values, list | tuple):
        raise ConfigError(
            "crises", values, "give a list, e.g. crises=[{day:60,share:0.2,severity:0.8}]"
        )
    out = []
    for i, item in enumerate(values):
        key = f"crises[{i}]"
        if not isinstance(item, Mapping) or set(item) != {"day", "share", "severity"}:
            raise ConfigError(key, item, "give {day: D, share: S, severity: X}")
        day = item["day"]
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= days:
            raise ConfigError(f"{key}.day", day, f"use a whole day in [1, {days}]")
        share = _check_range(f"{key}.share", _number(f"{key}.share", item["share"]), 0.0, 1.0)
        sev = _check_range(
            f"{key}.severity", _number(f"{key}.severity", item["severity"]), 0.0, 1.0
        )
        out.append(Crisis(day=day, share=share, severity=sev))
    return tuple(sorted(out, key=lambda c: c.day))


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, "give a number")
    return float(value)


def parse_config(cfg: Mapping[str, Any]) -> SimConfig:
    """Check a whole (resolved, plain-dict) config and return typed settings.

    Raises:
        ConfigError: naming the first bad key, its value and the fix.
    """
    seed = cfg.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(
            "seed", seed, f"give a whole number >= 0 and <= {MAX_SEED} (same seed, same result)"
        )
    days = _int(cfg, "days", 1, MAX_DAYS, "give a whole number of days >= 1")
    for key in SECTION_KEYS:
        as_section(cfg.get(key), key)
    community = parse_community(cfg.get("community"))
    acquisition = parse_params(AcquisitionParams, cfg.get("acquisition"), "acquisition")
    if acquisition.threshold_kind == "share" and acquisition.threshold > 1:
        raise ConfigError(
            "acquisition.threshold",
            acquisition.threshold,
            "a share threshold lies in [0, 1]; for a number of neighbours "
            "set acquisition.threshold_kind=count",
        )
    initial = _int(cfg, "initial_members", 0, MAX_PEOPLE, "give a whole number of people >= 0")
    start = check_start(
        parse_params(StartParams, cfg.get("start"), "start"),
        None if community.kind == "file" else community.n,
    )
    if community.kind != "file" and initial > community.n and not start.given:
        raise ConfigError(
            "initial_members",
            initial,
            f"the community has only {community.n} people; use at most that",
        )
    placement = cfg.get("initial_placement", "random")
    if placement not in PLACEMENTS:
        raise ConfigError("initial_placement", placement, f"use one of: {', '.join(PLACEMENTS)}")
    _check_known_top_level(cfg)
    plot_options(cfg)
    if start.new_per_week and acquisition.rule != "bass":
        raise ConfigError(
            "start.new_per_week",
            start.new_per_week,
            f"sets the joins of acquisition.rule=bass (not {acquisition.rule}); use "
            "acquisition.rule=bass or leave start.new_per_week at 0",
        )
    behaviour = community_segments(parse_behaviour(cfg.get("behaviour")), community)
    check_workload(community.n, community.expected_edges(), days, behaviour.content.topics)
    if behaviour.segments.assign == "block" and community.kind != "sbm":
        raise ConfigError(
            "behaviour.segments.assign",
            "block",
            "segments by block need community=sbm; use assign=share otherwise",
        )
    return SimConfig(
        seed=seed,
        days=days,
        community=community,
        acquisition=acquisition,
        initial_members=initial,
        initial_placement=placement,
        behaviour=behaviour,
        run=_parse_run(cfg.get("run")),
        crises=parse_crises(cfg.get("crises"), days),
        start=start,
        churn=parse_churn(cfg.get("churn")),
        drivers=parse_drivers(cfg.get("drivers")),
        targets=parse_targets(cfg.get("targets")),
    )


def _parse_run(values: Mapping[str, Any] | None) -> RunOptions:
    values = as_section(values, "run")
    known = [f.name for f in dataclasses.fields(RunOptions)]
    for key in values:
        if key not in known:
            raise ConfigError(
                f"run.{key}", values[key], "unknown key; run has: " + ", ".join(known)
            )
    opts = RunOptions(**values)
    for key in ("metrics", "reuse_other_versions"):
        if getattr(opts, key) not in ("on", "off", True, False):
            raise ConfigError(f"run.{key}", getattr(opts, key), "use on or off")
    for key in ("progress", "handles"):
        value = getattr(opts, key)
        if value not in ("auto", "on", "off", True, False):
            raise ConfigError(f"run.{key}", value, "use auto, on or off")
    return opts


TOP_LEVEL = {
    "seed",
    "days",
    "community",
    "acquisition",
    "initial_members",
    "initial_placement",
    "behaviour",
    "run",
    "crises",
    "start",
    "churn",
    "drivers",
    "targets",
    "strategies",
    "playbook_name",
    "playbook_description",
    "budget",  # the budget strategy's total and pacing (sim.runner.with_budget_keys)
    "budget_pacing",
    "plot_format",  # how commands write plots (PlotOptions): checked, not used by a run
    "plot_dpi",
}


def _check_known_top_level(cfg: Mapping[str, Any]) -> None:
    """Keys the engine does not know are errors (a command removes its own keys first)."""
    for key in cfg:
        if key not in TOP_LEVEL:
            raise ConfigError(
                key, cfg[key], f"unknown key; the config has: {', '.join(sorted(TOP_LEVEL))}"
            )

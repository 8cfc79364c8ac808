"""Running one configuration: the pure function every experiment and backend calls.

>>> from sim import build_model, run
>>> result = run(["community=ba", "community.n=2000", "days=180"])
>>> result.summary["members_final"], result.metrics.tail()
>>> model = build_model(["playbook=weekly_qa", "community.n=500", "days=30"])
>>> model.run()

A bad config (strategies included) raises ``ConfigError`` before any simulated day.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim import project
from sim.compose_errors import group_value_error, hydra_error
from sim.config import SimConfig, parse_config
from sim.errors import ConfigError
from sim.io import write_csv, write_json, write_parquet, write_text
from sim.model import CommunityModel
from sim.overrides import check_overrides, quote_non_ascii, range_ends
from sim.summary import segment_summary, summarise

CONFIG_MODULE = "configs"
CONFIG_NAME = "config"


@dataclass
class RunResult:
    """What one simulation returns.

    Attributes:
        metrics: one row per day (day 0 is the starting state).
        summary: KPIs as plain Python numbers.
        members: one row per person, final state.
        transitions: monthly level transitions (month, from_level, to_level, count).
        segments: the people KPIs by segment, one row per segment (``sim.summary``).
        config: the resolved configuration as a plain dict.
        out_dir: where outputs were written, or None.
    """

    metrics: pd.DataFrame
    summary: dict[str, Any]
    members: pd.DataFrame
    transitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    config: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None


def compose(
    overrides: Sequence[str] = (),
    config_name: str = CONFIG_NAME,
    config_dir: str | Path | None = None,
) -> DictConfig:
    """Compose commsim's Hydra config with command-line style overrides.

    Args:
        overrides: Hydra overrides, as on the command line.
        config_name: the primary config in ``configs/`` (``config``, ``compare``...).
        config_dir: a project folder whose groups (``playbook/``, ``community/``...) are
            added to the package's (default: this process's, ``sim.project.config_dir``;
            ``commsim <command> --config-dir=DIR`` sets it).

    Raises:
        ConfigError: for an unknown group option or key, naming it and the choices.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    overrides = range_ends(quote_non_ascii(overrides))  # playbook=直播沙龙, range ends
    check_overrides(overrides)  # what Hydra's grammar refuses, with key, value and fix
    folder = project.config_dir() if config_dir is None else project.check_config_dir(config_dir)
    if folder is not None and not any(o.startswith("hydra.searchpath=") for o in overrides):
        overrides.append(project.searchpath_override(folder))
    key = (config_name, tuple(overrides), str(folder), _files_signature(folder))
    if key in _COMPOSED:
        return copy.deepcopy(_COMPOSED[key])
    try:
        if GlobalHydra.instance().is_initialized():
            cfg = hydra_compose(config_name=config_name, overrides=overrides)
        else:
            with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
                cfg = hydra_compose(config_name=config_name, overrides=overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise hydra_error(exc, overrides) from None
    except ValueError as exc:  # Hydra: "Config group override must be a string or a list"
        raise group_value_error(exc, overrides) from None
    except yaml.YAMLError as exc:  # a config file (often the user's own) that does not parse
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.name}, line {mark.line + 1}" if mark is not None else "a config file"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            where, problem, "the YAML does not parse: check the indentation and brackets there"
        ) from None
    if folder is None and any(o.startswith("hydra.searchpath=") for o in overrides):
        return cfg  # a search path of files not watched: composed each time
    return _remember(key, cfg)


#: configs composed in this process, by primary config, overrides and project folder (with
#: its files' sizes and times): a command composes the same config several times (its check,
#: each run's key, the report), and Hydra takes about 0.15 s each time
_COMPOSED: dict[tuple[Any, ...], DictConfig] = {}
_MAX_COMPOSED = 512


def _remember(key: tuple[Any, ...], cfg: DictConfig) -> DictConfig:
    if len(_COMPOSED) >= _MAX_COMPOSED:
        _COMPOSED.pop(next(iter(_COMPOSED)))
    _COMPOSED[key] = copy.deepcopy(cfg)
    return cfg


def _files_signature(folder: Path | None) -> tuple[tuple[str, int, int], ...] | None:
    """The YAML files of a project folder with their sizes and times: a file written or
    changed since a config was composed makes it composed again."""
    if folder is None:
        return None
    files = []
    for path in sorted(Path(folder).rglob("*.yaml")):
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(files)


def check(cfg: DictConfig | dict[str, Any]) -> SimConfig:
    """Resolve and check a whole config, strategies included, before any simulated day.

    Raises:
        ConfigError: naming the first bad key (``strategies.events.items.qa.capacity``...),
            its value and the fix.
    """
    return prepare(cfg)[0]


def prepare(cfg: DictConfig | dict[str, Any]) -> tuple[SimConfig, list[Any]]:
    """The checked settings and the strategies of a config (what a model is built from).

    Strategy constructors only store and check their levers, so building them is the check.
    """
    settings = parse_config(to_plain(cfg))
    return settings, build_strategies(cfg)


def to_plain(cfg: DictConfig | dict[str, Any]) -> dict[str, Any]:
    """The config as a plain, resolved dict without Hydra's own section."""
    if isinstance(cfg, DictConfig):
        try:
            plain = OmegaConf.to_container(cfg, resolve=True)
        except OmegaConfBaseException as exc:  # ${x} naming no key, an unknown resolver
            key = getattr(exc, "full_key", None) or "config"
            raise ConfigError(
                key,
                _raw(cfg, key),
                f"cannot be resolved ({str(exc).splitlines()[0]}); a ${{...}} must name "
                "another key (${days}); for a text holding $, quote it: \"key='$x'\"",
            ) from None
    else:
        plain = dict(cfg)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return plain  # type: ignore[return-value]


def _raw(cfg: DictConfig, key: str) -> Any:
    """The value of ``key`` as written (an interpolation unresolved), or None."""
    node: Any = OmegaConf.to_container(cfg, resolve=False)
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def build_model(
    overrides: Sequence[str] = (), config_dir: str | Path | None = None
) -> CommunityModel:
    """A checked model with its playbook's strategies attached, at day 0.

    >>> from sim import build_model
    >>> model = build_model(["playbook=weekly_qa", "community.n=500", "days=30"])
    >>> model.run()

    Args:
        overrides: Hydra overrides, as on the command line.
        config_dir: a project folder (its playbooks and communities), as ``--config-dir``.

    Raises:
        ConfigError: for any bad key, strategies included, before any simulated day.
    """
    return model_from_config(compose(overrides, config_dir=config_dir))


def model_from_config(cfg: DictConfig | dict[str, Any]) -> CommunityModel:
    """A checked model (strategies attached) from a composed config or its plain dict."""
    settings, strategies = prepare(cfg)
    return CommunityModel(settings, strategies=strategies)


def run(
    overrides: Sequence[str] = (),
    *,
    out_dir: str | Path | None = None,
    progress: bool | None = None,
    config_dir: str | Path | None = None,
) -> RunResult:
    """Run one simulation from command-line style overrides (the same as ``commsim run``).

    Args:
        overrides: Hydra overrides, e.g. ``["community=ba", "acquisition.p=0.01"]``.
        out_dir: if given, write ``metrics.parquet``, ``summary.json``, ``config.yaml``,
            ``seed.json``, ``members.parquet`` and ``level_transitions.parquet`` there.
        progress: show a progress bar (default: when the run takes more than 2 seconds).
        config_dir: a project folder (its playbooks and communities), as ``--config-dir``.
    """
    return run_config(compose(overrides, config_dir=config_dir), out_dir=out_dir, progress=progress)


#: the top-level keys that set a lever of the budget strategy (``strategies.budget.*``)
BUDGET_KEYS = {"budget": "total", "budget_pacing": "pacing"}
#: the budget strategy's class, named as a config's ``_target_`` (sim never imports it)
BUDGET_TARGET = "strategies.budget.Budget"


def build_strategies(cfg: DictConfig | dict[str, Any]) -> list[Any]:
    """Instantiate the strategies under ``strategies.<kind>`` (each names its ``_target_``).

    The model never imports a strategy class: Hydra instantiates them from the config. The
    top-level keys ``budget`` and ``budget_pacing`` set the budget's levers first
    (:func:`with_budget_keys`).

    Raises:
        ConfigError: naming the strategy and the lever at fault (or the top-level key).
    """
    plain = to_plain(cfg)
    section = plain.get("strategies") or {}
    if not isinstance(section, dict):
        raise ConfigError("strategies", section, "give a mapping kind -> strategy settings")
    section, renames = with_budget_keys(section, plain)
    out = []
    for kind, spec in section.items():
        if spec is None:
            continue
        if not isinstance(spec, dict) or "_target_" not in spec:
            raise ConfigError(
                f"strategies.{kind}",
                spec,
                "each strategy needs its _target_ class; use a playbook (playbook=...) or copy one",
            )
        out.append(instantiate_strategy(kind, spec, renames))
    return sorted(out, key=lambda s: getattr(s, "order", 10))


def with_budget_keys(
    section: dict[str, Any], plain: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The strategies with the top-level ``budget`` and ``budget_pacing`` applied.

    ``budget`` (not null) gives the run a budget strategy with that total, on any playbook,
    or replaces the total of the playbook's own; ``budget_pacing`` (not null) sets its pacing.
    Both are levers of the budget strategy, checked by its declaration (range, choices), so
    a value it refuses is reported under the key the user typed. ``budget_pacing`` on a run
    without a budget is checked too, and has nothing to pace.

    Returns:
        The strategies section, and the lever keys to report as the top-level keys.
    """
    given = {key: plain.get(key) for key in BUDGET_KEYS if plain.get(key) is not None}
    renames = {f"strategies.budget.{BUDGET_KEYS[key]}": key for key in given}
    levers = {BUDGET_KEYS[key]: value for key, value in given.items()}
    own = section.get("budget")
    if not given or (own is not None and not isinstance(own, dict)):
        return section, renames
    if own is None and "budget" not in given:  # nothing to pace: check the value only
        instantiate_strategy("budget", {"_target_": BUDGET_TARGET, **levers}, renames)
        return section, renames
    spec = {"_target_": BUDGET_TARGET, **(own or {}), **levers}
    return {**section, "budget": spec}, renames


def instantiate_strategy(kind: str, spec: dict[str, Any], renames: dict[str, str]) -> Any:
    """One strategy from its spec; a ``ConfigError`` on a key of ``renames`` is reported
    under the key the user typed instead (a top-level key such as ``budget``)."""
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate

    try:
        return instantiate(spec, _convert_="all")
    except InstantiationException as exc:
        cause = exc.__cause__
        if isinstance(cause, ConfigError) and cause.key in renames:
            key = renames[cause.key]
            fix = f"{cause.fix} ({key} sets {cause.key}; {key}=null keeps the playbook's own)"
            raise ConfigError(key, cause.value, fix) from None
        if isinstance(cause, ConfigError):
            raise cause from None
        raise ConfigError(
            f"strategies.{kind}", spec.get("_target_"), str(exc).splitlines()[0]
        ) from None


def run_config(
    cfg: DictConfig | dict[str, Any],
    *,
    out_dir: str | Path | None = None,
    progress: bool | None = None,
) -> RunResult:
    """Run one simulation from a composed config (the pure function behind every backend)."""
    model = model_from_config(cfg)
    if not model.metrics_on:
        raise ConfigError(
            "run.metrics", "off", "a run writes its daily metrics; use run.metrics=on"
        )
    _run_days(model, progress)
    metrics = model.recorder.frame()
    result = RunResult(
        metrics=metrics,
        summary=summarise(model, metrics),
        members=model.members_frame,
        transitions=model.transitions.frame(),
        segments=segment_summary(model),
        config=to_plain(cfg),
    )
    if out_dir is not None:
        result.out_dir = write_outputs(result, Path(out_dir))
    return result


def _run_days(model: CommunityModel, progress: bool | None) -> None:
    show = progress
    if show is None:
        opt = model.config.run.progress
        show = opt in ("on", True) or (opt == "auto" and sys.stderr.isatty())
    if not show:
        model.run()
        return
    from tqdm import tqdm

    with tqdm(total=model.config.days, unit="day", desc="simulating", delay=2.0) as bar:
        model.run(on_day=lambda _: bar.update(1))


def write_outputs(result: RunResult, out_dir: Path) -> Path:
    """Write one run's outputs atomically into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(out_dir / "metrics.parquet", result.metrics)
    write_parquet(out_dir / "members.parquet", result.members)
    write_parquet(out_dir / "level_transitions.parquet", result.transitions)
    write_csv(out_dir / "segments.csv", result.segments)
    write_json(out_dir / "summary.json", result.summary)
    write_text(out_dir / "config.yaml", OmegaConf.to_yaml(OmegaConf.create(result.config)))
    write_json(
        out_dir / "seed.json",
        {"seed": result.summary["seed"], "generator": "numpy.random.default_rng(seed)"},
    )
    return out_dir


__all__ = [
    "ConfigError",
    "RunResult",
    "build_model",
    "check",
    "compose",
    "model_from_config",
    "prepare",
    "run",
    "run_config",
]

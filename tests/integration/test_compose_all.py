"""Every config of every group composes, and its simulation part passes the check.

Groups placed by ``config.yaml`` (community, behaviour, playbook) and the smoke experiment
are composed on their own and checked with ``sim.runner.check``; the groups of the command
configs (search, uncertainty, calibration) are composed with their ``base`` overrides and
every parameter they vary set to each end of its range; the command configs themselves
(compare, optimise, ...) are composed only (their own options are the commands' to check).
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.params import param_defaults
from configs.schema import sim_nodes, strategy_node
from sim import ConfigError
from sim.runner import build_strategies, check, compose, to_plain
from strategies.catalogue import strategy_classes

ROOT = files("configs")
SIM_GROUPS = ("community", "behaviour", "playbook", "experiment")
COMMAND_GROUPS = {"search": "optimise", "uncertainty": "sensitivity", "calibration": "calibrate"}


def options(group: str) -> list[str]:
    """The options of a config group (its YAML files)."""
    return sorted(
        p.name.removesuffix(".yaml")
        for p in ROOT.joinpath(group).iterdir()
        if p.name.endswith(".yaml")
    )


def primary_configs() -> list[str]:
    """The primary configs: ``config`` and one per command."""
    return sorted(p.name.removesuffix(".yaml") for p in ROOT.iterdir() if p.name.endswith(".yaml"))


def group_option_ids() -> list[tuple[str, str]]:
    return [(g, o) for g in SIM_GROUPS for o in options(g)]


def test_every_group_is_covered() -> None:
    groups = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert groups == set(SIM_GROUPS) | set(COMMAND_GROUPS) | {"scenario"}, groups
    assert "smoke" in options("experiment")


@pytest.mark.parametrize(
    ("group", "option"), group_option_ids(), ids=[f"{g}={o}" for g, o in group_option_ids()]
)
def test_group_option_composes_and_checks(group: str, option: str, tmp_path: Path) -> None:
    prefix = "+" if group == "experiment" else ""
    extra = []
    if group == "community" and option == "file":
        edges = tmp_path / "edges.txt"
        edges.write_text("0 1\n1 2\n2 0\n", encoding="utf-8")
        extra = [f"community.path={edges}"]
    if group == "playbook":  # every playbook runs within the smoke config's size
        extra = ["+experiment=smoke"]
    cfg = compose([f"{prefix}{group}={option}", *extra])
    settings = check(cfg)
    if group == "playbook":
        assert settings.community.n == 300 and settings.run.progress == "off"
        assert_every_lever_shown(cfg)
        build_strategies(cfg)


def assert_every_lever_shown(cfg: Any) -> None:
    """Each strategy composes with its ``_target_`` and all its levers (``--cfg job``)."""
    strategies = to_plain(cfg).get("strategies") or {}
    by_target = {strategy_node(c)["_target_"]: c for c in strategy_classes()}
    for kind, spec in strategies.items():
        cls: Any = by_target[spec["_target_"]]
        assert kind == cls.kind
        assert set(param_defaults(cls.Levers)) <= set(spec), kind


def varied_overrides(spec: dict[str, Any], end: str) -> list[str]:
    """Each parameter of a search, uncertainty or calibration block at one end of its range.

    Levers are set as ``optimise`` sets them (``++``: a search may add a strategy's lever);
    every other key must already exist.
    """
    out = []
    for key, rng in spec.items():
        if "choices" in rng:
            value = rng["choices"][0 if end == "low" else -1]
        elif "relative_to" in rng:  # a multiple of the data's size: any size will do
            value = 500
        else:
            value = rng[end]
        out.append(f"++{key}={value}" if key.startswith("strategies.") else f"{key}={value}")
    return out


def command_group_cases() -> list[tuple[str, str, str]]:
    return [(g, o, end) for g in COMMAND_GROUPS for o in options(g) for end in ("low", "high")]


@pytest.mark.parametrize(
    ("group", "option", "end"),
    command_group_cases(),
    ids=[f"{g}={o}-{e}" for g, o, e in command_group_cases()],
)
def test_command_group_varies_real_keys(group: str, option: str, end: str) -> None:
    spec = yaml.safe_load(ROOT.joinpath(group, f"{option}.yaml").read_text(encoding="utf-8"))
    compose([f"{group}={option}"], config_name=COMMAND_GROUPS[group])
    if group == "calibration":
        blocks = [b["parameters"] for b in spec["blocks"].values() if "parameters" in b]
    else:
        blocks = [spec.get("space") or spec["parameters"]]
    for block in blocks:
        cfg = compose([*spec.get("base", []), *varied_overrides(block, end)])
        check(cfg)
        build_strategies(cfg)  # the levers a search varies are the strategies' own


@pytest.mark.parametrize("name", primary_configs())
def test_primary_config_composes(name: str) -> None:
    cfg = to_plain(compose([], config_name=name))
    assert {"seed", "days", "community", "behaviour", "acquisition"} <= set(cfg)


def test_composed_config_shows_every_default() -> None:
    """``commsim run --cfg job`` prints every key: the defaults come from the dataclasses."""
    cfg = to_plain(compose([]))
    for section, node in sim_nodes().items():
        for key, value in node.items():
            if isinstance(value, dict):
                for sub, default in value.items():
                    assert cfg[section][key][sub] == default, f"{section}.{key}.{sub}"
            else:
                assert cfg[section][key] == value, f"{section}.{key}"


def test_unknown_keys_fail_with_commsims_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        compose(["playbook=weekly_qa", "strategies.events.atendance=0.5"])
    assert "strategies.events.atendance" in str(err.value)
    with pytest.raises(ConfigError) as err:
        check(compose(["+behaviour.visits.bse=0.1"]))
    assert err.value.key == "behaviour.visits.bse"


def test_every_strategy_class_has_a_schema_node() -> None:
    kinds = [c.kind for c in strategy_classes()]  # type: ignore[attr-defined]
    assert len(kinds) == len(set(kinds))
    assert {"events", "incentives", "seeding", "crisis_response", "budget"} <= set(kinds)
    for cls in strategy_classes():
        assert dataclasses.is_dataclass(cls.Levers)  # type: ignore[attr-defined]


def test_a_strategy_added_on_the_command_line_gets_its_defaults() -> None:
    """The syntax docs/strategies.md gives: ``+schema/strategies@strategies.<kind>=<kind>``."""
    cfg = compose(["+schema/strategies@strategies.reach=reach", "strategies.reach.ad_end=30"])
    spec = to_plain(cfg)["strategies"]["reach"]
    assert spec["_target_"] == "strategies.reach.OutsideReach" and spec["ad_end"] == 30
    assert set(param_defaults(strategy_classes_by_kind()["reach"].Levers)) <= set(spec)


def strategy_classes_by_kind() -> dict[str, Any]:
    return {c.kind: c for c in strategy_classes()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", options("scenario"))
def test_scenario_loads_composes_and_checks(name: str) -> None:
    """Every built-in scenario (``configs/scenario/``, read by compare, not a Hydra group)
    becomes overrides that compose and pass the check, and changes the config."""
    from experiments.runs.scenarios import load

    (scenario,) = load([name])
    base = compose(["+experiment=smoke", "days=120"])
    cfg = compose(["+experiment=smoke", "days=120", *scenario.overrides(base)])
    check(cfg)
    assert scenario.overrides(base) and to_plain(cfg) != to_plain(base)


def test_the_uncertainty_ranges_bracket_the_defaults() -> None:
    """The caveat of a comparison and `commsim sensitivity` vary each uncertain parameter
    over its range (configs/uncertainty/default.yaml): the default must lie inside it."""
    from omegaconf import OmegaConf

    from experiments.analysis.decision import uncertain_ranges

    cfg = compose([])
    for key, (low, high) in uncertain_ranges().items():
        value = OmegaConf.select(cfg, key)
        assert low <= value <= high, f"{key}: default {value} outside [{low}, {high}]"

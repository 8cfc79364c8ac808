"""Scenarios: named sets of assumptions about the world that every plan is run under.

A scenario is a YAML file in ``configs/scenario/`` (the built-in ones) or in the
``scenario/`` folder of a project (``--config-dir=DIR``; ``sim.project``). It names what it
changes in two ways:

- ``set``: config keys and the values they take (``crises``, ``drivers.shocks``...);
- ``scale``: config keys and a factor on the value the run would otherwise have
  (``acquisition.q: 0.5`` halves word of mouth whatever the community's value is).

.. code-block:: yaml

    scenario_description: a crisis on day 90 turns 30% of members negative
    set:
      crises: [{day: 90, share: 0.3, severity: 0.8}]

``scale`` is why scenarios are files of their own rather than Hydra config groups: a
Hydra override can only set a value, and "half the word of mouth" must be half of the
value of the community and plan at hand. Every scenario becomes plain Hydra overrides
(``++key=value``) of each job, so a scenario's runs are ordinary runs with common random
numbers: replication r has the same seed in every scenario and for every plan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.errors import ConfigError

#: the scenario every comparison has when none is named: the world as configured
BASE = "base"
_KEYS = {"scenario_description", "set", "scale"}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Scenario:
    """One named scenario: values it sets and factors it applies."""

    name: str
    description: str = ""
    values: tuple[tuple[str, Any], ...] = ()
    factors: tuple[tuple[str, float], ...] = ()

    def overrides(self, cfg: DictConfig | None = None) -> list[str]:
        """The scenario as Hydra overrides; ``cfg`` is the composed config it scales."""
        out = [f"++{key}={hydra_value(value, key)}" for key, value in self.values]
        for key, factor in self.factors:
            value = None if cfg is None else OmegaConf.select(cfg, key, default=None)
            out.append(f"++{key}={hydra_value(scaled(value, factor, key, self.name), key)}")
        return out

    def settings(self) -> list[str]:
        """What the scenario changes, as a person reads it (``crises = [...]``, ``x 0.5``)."""
        return [f"{k} = {v}" for k, v in self.values] + [f"{k} x {f:g}" for k, f in self.factors]


def scaled(value: Any, factor: float, key: str, name: str) -> Any:
    """``value * factor`` (each element of a list of numbers; a whole number stays whole)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(round(value * factor)) if isinstance(value, int) else value * factor
    if isinstance(value, Sequence) and not isinstance(value, str):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return [v * factor for v in value]
    raise ConfigError(
        f"scenario {name}: scale.{key}",
        value,
        "scale only numbers (or lists of numbers) that the config has; see commsim run --cfg job",
    )


def hydra_value(value: Any, key: str = "value") -> str:
    """A plain value in Hydra's override grammar (strings quoted, so any text works)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(key, value, "give a finite number")
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, Mapping):
        for k in value:
            if not isinstance(k, str) or not _ID.match(k):
                raise ConfigError(key, k, "keys of a mapping are plain names (letters, _)")
        return "{" + ",".join(f"{k}:{hydra_value(v, key)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(hydra_value(v, key) for v in value) + "]"
    raise ConfigError(key, value, "give a number, text, list or mapping")


def _folders(config_dir: Path | None) -> list[Path | Any]:
    folders: list[Path | Any] = [files("configs").joinpath("scenario")]
    if config_dir is not None and (Path(config_dir) / "scenario").is_dir():
        folders.append(Path(config_dir) / "scenario")
    return folders


def available(config_dir: Path | None = None) -> dict[str, str]:
    """Scenario name -> description: the built-in ones, then the project's."""
    out: dict[str, str] = {BASE: "the world as configured"}
    for folder in _folders(config_dir):
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".yaml"):
                out[item.name.removesuffix(".yaml")] = _read(item).description
    return out


def load(names: Sequence[str], config_dir: Path | None = None) -> list[Scenario]:
    """The named scenarios, in order.

    Raises:
        ConfigError: naming ``scenarios`` for an unknown or repeated name, or the file and
            key of a malformed scenario.
    """
    if len(set(names)) != len(names):
        raise ConfigError("scenarios", list(names), "name each scenario once")
    found: dict[str, Any] = {}
    for folder in _folders(config_dir):
        for item in folder.iterdir():
            if item.name.endswith(".yaml"):
                found[item.name.removesuffix(".yaml")] = item
    out = []
    for name in names:
        if name == BASE and name not in found:
            out.append(Scenario(BASE, "the world as configured"))
        elif name in found:
            out.append(_read(found[name]))
        else:
            known = ", ".join([BASE, *sorted(found)])
            raise ConfigError(
                "scenarios", name, f"no such scenario; use: {known} (or add scenario/{name}.yaml)"
            )
    return out


def _read(item: Any) -> Scenario:
    name = item.name.removesuffix(".yaml")
    where = f"scenario/{item.name}"
    try:
        data = OmegaConf.to_container(OmegaConf.create(item.read_text(encoding="utf-8")))
    except Exception as exc:  # a broken file is named, not a traceback
        raise ConfigError(
            where, name, f"the YAML does not parse: {str(exc).splitlines()[0]}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(where, data, "give a mapping with set: and/or scale:")
    for key in data:
        if key not in _KEYS:
            raise ConfigError(f"{where}: {key!s}", data[key], f"use: {', '.join(sorted(_KEYS))}")
    values = _flat(data.get("set") or {}, f"{where}: set")
    factors = _flat(data.get("scale") or {}, f"{where}: scale")
    for key, factor in factors:
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
            raise ConfigError(f"{where}: scale.{key}", factor, "give a factor >= 0 (0.5: half)")
    return Scenario(
        name,
        str(data.get("scenario_description") or ""),
        tuple(values),
        tuple((k, float(f)) for k, f in factors),
    )


def _flat(section: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(section, dict):
        raise ConfigError(where, section, "give a mapping of config key -> value")
    return [(str(k), v) for k, v in section.items()]

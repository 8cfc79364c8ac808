"""The configuration's defaults, read from the parameter dataclasses, as Hydra config nodes.

Every default is declared once, in a ``param(...)`` field of a dataclass (``agents/*.py``,
``sim.config``, the ``Levers`` of ``strategies/*.py``). This module hands those defaults to
Hydra's ConfigStore, so that composing ``configs/config.yaml`` yields every key with its
value (``commsim run --cfg job`` prints them all) while the YAML files name only what they
change:

- ``schema/acquisition``, ``schema/run``, ``schema/start``, ``schema/churn``,
  ``schema/drivers`` and ``schema/behaviour``: placed by the defaults list of ``config.yaml``
  under their names, before the ``behaviour`` group's file, which adds the personas and
  may change values; ``schema/plots`` (``plot_format``, ``plot_dpi``) at the top level.
- ``schema/strategies/<kind>``: one per strategy class: its ``_target_`` and every lever.
  A playbook places it where the strategy goes and lists only the levers it changes::

      defaults:
        - /schema/strategies/incentives@strategies.incentives
        - _self_
      strategies:
        incentives:
          coupon_rate: 0.1

Why untyped nodes (plain dicts) and not the dataclasses as structured configs: values are
checked by ``sim.config`` and the strategies against the declared ranges, with commsim's own
``ConfigError`` naming the key, the value and the fix; a typed node would make OmegaConf
reject some values first, with its own errors, and the frozen dataclasses would make the
nodes read-only. Unknown keys on the command line still fail at composition (Hydra's struct
mode; ``sim.runner.compose`` names the key), and unknown keys in a YAML file fail the check.

Hydra imports the ``configs`` package to read its YAML files before composing anything, and
``configs/__init__.py`` calls :func:`register` then: the nodes depend only on the code, never
on what else was imported.
"""

from __future__ import annotations

from typing import Any

from agents.acquisition import AcquisitionParams
from agents.params import param_defaults
from agents.segments import SegmentsParams
from sim.config import SECTIONS, PlotOptions, RunOptions
from sim.drivers import DriversParams
from sim.kpi_settings import ChurnDefinition, Targets
from sim.start import StartParams
from strategies.catalogue import strategy_classes

GROUP = "schema"


def sim_nodes() -> dict[str, dict[str, Any]]:
    """The nodes of the simulation's sections: ``acquisition``, ``run``, ``start``, ``churn``,
    ``drivers`` and ``behaviour``."""
    behaviour: dict[str, Any] = {"segments": param_defaults(SegmentsParams)}
    behaviour.update({name: param_defaults(cls) for name, cls in SECTIONS.items()})
    return {
        "acquisition": param_defaults(AcquisitionParams),
        "run": param_defaults(RunOptions),
        "start": param_defaults(StartParams),
        "churn": param_defaults(ChurnDefinition),
        "drivers": param_defaults(DriversParams),
        "targets": param_defaults(Targets),
        "behaviour": behaviour,
    }


def strategy_node(cls: type) -> dict[str, Any]:
    """A strategy's node: its ``_target_`` and every lever at its default."""
    target = f"{cls.__module__}.{cls.__qualname__}"
    return {"_target_": target, **param_defaults(cls.Levers)}  # type: ignore[attr-defined]


def register() -> None:
    """Store every node in Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for name, node in sim_nodes().items():
        store.store(group=GROUP, name=name, node=node, provider="commsim")
    # placed at the top level (``/schema/plots@_global_``): plot_format, plot_dpi
    store.store(group=GROUP, name="plots", node=param_defaults(PlotOptions), provider="commsim")
    for cls in strategy_classes():
        store.store(
            group=f"{GROUP}/strategies",
            name=cls.kind,  # type: ignore[attr-defined]
            node=strategy_node(cls),
            provider="commsim",
        )

"""Running commsim's commands as Hydra applications.

Each command has a primary config in ``configs/`` (``config`` for run, ``compare``,
``optimise``...). Hydra gives ``hydra.run.dir=DIR``, ``-m`` sweeps and ``--cfg job``;
outputs go to ``HydraConfig.get().runtime.output_dir`` (Hydra 1.3 jobs do not chdir).
A bad config fails before any simulated day with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.errors import CommsimError
from sim.runner import compose

Job = Callable[[DictConfig, Path, list[str]], None]

HYDRA_FLAGS = (
    "-m",
    "--multirun",
    "--cfg",
    "-c",
    "--info",
    "--help",
    "-h",
    "--hydra-help",
    "--resolve",
    "--package",
    "-p",
    "--config-dir",
    "-cd",
    "--config-name",
    "-cn",
    "--shell-completion",
    "-sc",
    "--run",
    "-r",
    "--experimental-rerun",
)


def user_overrides(args: Sequence[str]) -> list[str] | None:
    """The config overrides of a command line, or None when Hydra flags are present."""
    if any(a in HYDRA_FLAGS or a.startswith("--") for a in args):
        return None
    return [a for a in args if not a.startswith("hydra.") and not a.startswith("hydra/")]


def strip_keys(overrides: Sequence[str], keys: Sequence[str]) -> list[str]:
    """Overrides without a command's own keys (and Hydra's): what each job gets."""
    return [
        o
        for o in overrides
        if o.split("=", 1)[0].lstrip("+~").split(".")[0] not in keys and not o.startswith("hydra")
    ]


def precompose(config_name: str, args: Sequence[str]) -> DictConfig | None:
    """Compose the config before Hydra starts, so composition errors exit with code 2."""
    overrides = user_overrides(args)
    return None if overrides is None else compose(overrides, config_name=config_name)


def run_app(
    config_name: str,
    args: Sequence[str],
    job: Job,
    check: Callable[[DictConfig], object] | None = None,
) -> int:
    """Run ``job(cfg, out_dir, overrides)`` as a Hydra app; returns the exit code."""
    try:
        cfg = precompose(config_name, args)
        if cfg is not None and check is not None:
            check(cfg)
    except CommsimError as exc:
        print(f"commsim: error: {exc}", file=sys.stderr)
        return 2

    @hydra.main(version_base="1.3", config_path="pkg://configs", config_name=config_name)
    def _app(cfg: DictConfig) -> None:
        hc = HydraConfig.get()
        try:
            job(cfg, Path(hc.runtime.output_dir), list(hc.overrides.task))
        except CommsimError as exc:
            print(f"commsim: error: {exc}", file=sys.stderr)
            sys.exit(2)

    saved = sys.argv
    sys.argv = [f"commsim {config_name}", *args]
    try:
        _app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    finally:
        sys.argv = saved
    return 0

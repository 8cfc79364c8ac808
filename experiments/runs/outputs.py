"""The output folder of a Hydra command, checked and locked before Hydra starts.

Hydra makes the run folder (``hydra.run.dir``, or ``hydra.sweep.dir`` with ``-m``) and
writes into it before commsim's code runs, so a folder that cannot be written must be
found earlier: :func:`output_folder` reads it from the command line (or the command's
config), :func:`sim.io.check_output_folder` checks it, and :func:`sim.io.lock_folder`
keeps a second command from writing into it at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from omegaconf import OmegaConf

#: flags with which Hydra prints and writes nothing
NO_OUTPUT_FLAGS = ("--cfg", "-c", "--help", "-h", "--hydra-help", "--info", "-sc")
MULTIRUN_FLAGS = ("-m", "--multirun")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _default(config_name: str, mode: str) -> str:
    """The command's default ``hydra.<mode>.dir`` (``multirun/...`` when it sets none)."""
    try:
        text = (resources.files("configs") / f"{config_name}.yaml").read_text(encoding="utf-8")
        plain = OmegaConf.to_container(OmegaConf.create(text), resolve=False)
    except (OSError, ValueError):
        plain = {}
    node = plain.get("hydra", {}) if isinstance(plain, dict) else {}
    value = node.get(mode, {}).get("dir") if isinstance(node, dict) else None
    return str(value) if value else "multirun" if mode == "sweep" else "outputs"


def output_folder(config_name: str, args: Sequence[str]) -> tuple[str, Path, bool] | None:
    """The key, folder and whether it was given (not a dated default) of a command line.

    For a dated default (``outputs/run/${now:...}``) the folder is its fixed part
    (``outputs/run``), where the dated folder will be made. None when Hydra will write
    nothing (``--cfg``, ``--help``...).
    """
    if any(a.split("=", 1)[0] in NO_OUTPUT_FLAGS for a in args):
        return None
    mode = "sweep" if any(a in MULTIRUN_FLAGS for a in args) else "run"
    key = f"hydra.{mode}.dir"
    given = [a.split("=", 1)[1] for a in args if a.lstrip("+").startswith(f"{key}=")]
    if given:
        value, explicit = _unquote(given[-1]), True
    else:
        value, explicit = _default(config_name, mode), False
    if "${" in value:
        value, explicit = value.split("${", 1)[0], False
    return key, Path(value or "."), explicit

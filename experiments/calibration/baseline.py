"""The calibrated baseline: ``calibrated.yaml`` (a Hydra config) and ``calibrated.args``.

``calibrated.yaml`` is a ``# @package _global_`` config: the community (group choice and
settings), ``days`` (the log's length), ``initial_members`` (people seen on day 0), the
fitted values and any simulation override the calibration was run with. It is written
into the run folder and linked as ``calibrated/calibrated.yaml`` there, so that the run
folder is a Hydra config directory holding a ``calibrated`` group:

    commsim run --config-dir=RUN_FOLDER +calibrated=calibrated [what-if overrides]
    commsim compare --config-dir=RUN_FOLDER +calibrated=calibrated executor=serial ...

``calibrated.args`` holds the same baseline as command-line overrides, one per line; they
travel to every worker process, so they work with any executor or launcher:

    commsim compare $(cat RUN_FOLDER/calibrated.args) playbooks=[baseline,weekly_qa]
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from experiments.calibration.settings import CALIBRATE_KEYS
from sim.community import SEGMENT_KEYS
from sim.io import write_text

#: keys a calibration sets itself (never carried over from the command line)
OWN_KEYS = ("seed", "days", "initial_members", "community", "hydra", *CALIBRATE_KEYS)


def carried_overrides(overrides: Sequence[str]) -> list[str]:
    """The user's simulation overrides that the baseline keeps (not the command's own)."""
    out = []
    for item in overrides:
        key = item.split("=", 1)[0].lstrip("+~")
        if key.split(".")[0].split("/")[0] not in OWN_KEYS:
            out.append(item)
    return out


def is_group(key: str) -> bool:
    """Whether ``key`` names a config group of commsim (``behaviour``, ``playbook``...)."""
    return "." not in key and resources.files("configs").joinpath(key).is_dir()


def baseline(
    cfg: DictConfig, base: Mapping[str, Any], values: Mapping[str, Any], overrides: Sequence[str]
) -> tuple[list[str], dict[str, Any], list[str]]:
    """The baseline three ways.

    Args:
        cfg: the composed calibrate config (values of the carried overrides come from it).
        base: the plain simulation config of the fit (community, initial members, days).
        values: the fitted values.
        overrides: the user's overrides.

    Returns:
        The group choices (``override /group: option`` lines), the config as a nested
        dict, and the baseline as command-line overrides.
    """
    community = dict(base["community"])
    kind = community.pop("kind")
    community.pop("name", None)
    groups = [f"override /community: {kind}"]
    body: dict[str, Any] = {}
    args = [f"community={kind}"]
    for item in carried_overrides(overrides):
        key, _, choice = item.lstrip("+~").partition("=")
        if key in values:
            continue
        if is_group(key):
            groups.append(f"override /{key}: {choice}")
        else:
            value = OmegaConf.select(cfg, key)
            if isinstance(value, DictConfig | ListConfig):
                value = OmegaConf.to_container(value, resolve=True)
            _set(body, key, value)
        args.append(item)
    own = {k: community.pop(k) for k in SEGMENT_KEYS if k in community}  # a file's segments
    fixed = {f"community.{k}": v for k, v in community.items() if v is not None}
    fixed.update({"days": int(base["days"]), "initial_members": int(base["initial_members"])})
    start_date = base.get("drivers", {}).get("start_date")
    if start_date:  # the log's first day: dated drivers (seasons, shocks) line up with it
        fixed["drivers.start_date"] = start_date
    for key, value in {**fixed, **values}.items():
        _set(body, key, value)
        args.append(f"{key}={_text(value)}")
    for key, value in own.items():  # not keys of the kind's file: added with +
        if value:
            _set(body, f"community.{key}", value)
            args.append(f"+community.{key}={_text(value)}")
    return groups, body, args


def _set(tree: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[last] = value


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):  # one word on the command line: no spaces
        return "[" + ",".join(_text(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_text(k)}:{_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and any(c in value for c in " ,[]{}=:'\""):
        return repr(value)
    return str(value)


def write_baseline(
    out_dir: Path, header: str, groups: Sequence[str], body: Mapping[str, Any], args: Sequence[str]
) -> Path:
    """Write ``calibrated.yaml``, its ``calibrated/`` group link and ``calibrated.args``."""
    lines = ["# @package _global_", *(f"# {h}" if h else "#" for h in header.splitlines())]
    text = "\n".join([*lines, "defaults:", *(f"  - {g}" for g in groups), ""])
    text += OmegaConf.to_yaml(OmegaConf.create(dict(body)))
    path = write_text(out_dir / "calibrated.yaml", text)
    group = out_dir / "calibrated" / "calibrated.yaml"
    group.parent.mkdir(exist_ok=True)
    if group.is_symlink() or group.exists():
        group.unlink()
    try:
        os.symlink(os.path.join("..", "calibrated.yaml"), group)
    except OSError:  # no symbolic links here: a copy
        write_text(group, text)
    write_text(out_dir / "calibrated.args", "\n".join(args) + "\n")
    return path

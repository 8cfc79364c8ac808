"""A strategist's own project folder (``--config-dir=DIR``): their configs beside commsim's.

The folder holds the same config groups as the package's ``configs/``, usually
``community/*.yaml`` (their community) and ``playbook/*.yaml`` (their plans)::

    mybrand/
      community/my_community.yaml
      playbook/my_weekly_live.yaml
      playbook/my_points_lite.yaml

Composition adds the folder to Hydra's search path with the override
``hydra.searchpath=['file:///abs/DIR']`` (:func:`searchpath_override`): the package's
configs stay primary and the folder's groups are added to them. Every command sets the
folder of its process once (:func:`use_config_dir`); ``sim.runner.compose`` adds it to
every composition, and a job carries it to the worker that runs it
(``experiments.runs.jobs.Job.config_dir``).

A file of the folder named like one of the package's (``playbook/weekly_qa.yaml``) is
refused: Hydra would compose the package's file and silently ignore the user's.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from sim.errors import ConfigError

#: the folder of this process (``--config-dir``), or None: see :func:`use_config_dir`
_CURRENT: list[Path | None] = [None]

FLAG = "--config-dir"


def check_config_dir(value: str | Path, key: str = FLAG) -> Path:
    """The folder as an absolute path, checked: it exists, is a folder, and none of its
    files shadows one of commsim's.

    Raises:
        ConfigError: naming ``key`` (``--config-dir``), the value and the fix.
    """
    text = str(value).strip()
    if not text:
        raise ConfigError(key, value, "give your project folder, e.g. --config-dir=mybrand")
    path = Path(text).expanduser()
    if not path.exists():
        raise ConfigError(
            key,
            value,
            f"no such folder ({path.resolve()}); create one with `commsim init {text}`",
        )
    if not path.is_dir():
        raise ConfigError(key, value, "this is a file; give the folder that holds playbook/")
    path = path.resolve()
    for group in sorted(p.name for p in path.iterdir() if p.is_dir()):
        builtin = set(package_options(group))
        for name in user_options(group, path):
            if name in builtin:
                raise ConfigError(
                    key,
                    value,
                    f"{path / group / name}.yaml has the name of commsim's own {group} "
                    f"'{name}', which would be used instead of yours; rename the file "
                    f"(e.g. my_{name}.yaml)",
                )
    return path


def use_config_dir(path: str | Path | None) -> Path | None:
    """Set (or clear, with None) the project folder of this process; returns it checked."""
    folder = None if path is None else check_config_dir(path)
    _CURRENT[0] = folder
    return folder


def config_dir() -> Path | None:
    """The project folder of this process (``--config-dir``), or None."""
    return _CURRENT[0]


def searchpath_override(path: str | Path) -> str:
    """The Hydra override that adds ``path`` to the search path (quoted: spaces, commas)."""
    url = f"file://{Path(path).resolve().as_posix()}"  # Hydra reads the path verbatim
    quoted = url.replace("\\", "\\\\").replace("'", "\\'")
    return f"hydra.searchpath=['{quoted}']"


def package_options(group: str) -> list[str]:
    """The options of one of commsim's config groups (``configs/<group>/*.yaml``)."""
    folder = files("configs").joinpath(group)
    if not folder.is_dir():
        return []
    names = (item.name for item in folder.iterdir() if item.name.endswith(".yaml"))
    return sorted(n.removesuffix(".yaml") for n in names)


def user_options(group: str, path: str | Path | None = None) -> list[str]:
    """The options of a group in the project folder (default: this process's folder)."""
    folder = Path(path) if path is not None else config_dir()
    if folder is None or not (folder / group).is_dir():
        return []
    return sorted(p.stem for p in (folder / group).glob("*.yaml"))


def options_text(group: str) -> str:
    """The options of a group for an error message: commsim's, then the user's, marked."""
    own = [f"{name} (yours)" for name in user_options(group)]
    return ", ".join([*package_options(group), *own])

"""Provenance: which commsim, on what, with which command and config made an output folder.

Every Hydra command (``run`` and each job of a ``-m`` sweep, ``compare``, ``optimise``,
``sensitivity``, ``robustness``, ``calibrate``) writes ``provenance.json`` into its output
folder before its work starts (``experiments.runs.hydra_app.run_app``; a sweep's folder gets
one too, without a config, as its jobs differ), holding:

- ``commsim``: the installed package's version (``importlib.metadata``);
- ``model_version``: :data:`sim.version.MODEL_VERSION`, the version of the simulated results;
- ``git``: the commit and whether the checkout had uncommitted changes, when commsim runs
  from a git checkout of its source (absent otherwise);
- ``python``, ``platform`` and ``packages``: the versions of Python and of the libraries
  the results depend on (those installed);
- ``command``: the command line as typed; ``created``: the time (UTC, ISO 8601);
- ``config``: the resolved config of the command.

Stored runs carry the model version too (``experiments.runs.checksums.seal``): a rerun in
the same folder redoes the runs of another model version (:func:`stale_line`) unless the
command says ``run.reuse_other_versions=on`` (:func:`reuse_other_versions`).
"""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.io import write_json
from sim.version import MODEL_VERSION

#: the file written into every output folder
FILE = "provenance.json"

#: the distributions whose versions are recorded (those installed)
PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "networkx",
    "mesa",
    "hydra-core",
    "omegaconf",
    "optuna",
    "SALib",
    "pyabc",
    "joblib",
    "matplotlib",
)

#: seconds ``git`` may take before the commit is left out
GIT_TIMEOUT = 2.0

#: the source folder of commsim (the root of its checkout, when run from one)
SOURCE = Path(__file__).resolve().parents[2]


def commsim_version() -> str:
    """The installed commsim's version ("unknown" when it is not installed)."""
    try:
        return metadata.version("commsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(SOURCE), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def git_commit() -> dict[str, Any] | None:
    """``{"commit", "dirty"}`` of the checkout commsim runs from, or None outside one
    (an installed package, no ``git``, or a checkout of another project around it)."""
    top = _git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != SOURCE:
        return None
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def version_text() -> str:
    """``commsim --version``: commsim's version, the model version and the commit."""
    text = f"commsim {commsim_version()} (model version {MODEL_VERSION}"
    git = git_commit()
    if git is not None:
        text += f", git {git['commit'][:12]}" + (" with local changes" if git["dirty"] else "")
    return text + ")"


def package_versions() -> dict[str, str]:
    """The versions of :data:`PACKAGES` that are installed, by name."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def record(command: Sequence[str] | None = None, config: Any = None) -> dict[str, Any]:
    """The provenance of this process: versions, commit, command line, time and ``config``."""
    out: dict[str, Any] = {
        "commsim": commsim_version(),
        "model_version": MODEL_VERSION,
    }
    git = git_commit()
    if git is not None:
        out["git"] = git
    out |= {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "command": list(sys.argv if command is None else command),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if config is not None:
        out["config"] = config
    return out


def write(folder: Path, command: Sequence[str] | None = None, config: Any = None) -> Path:
    """Write :func:`record` atomically as ``folder/provenance.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_json(folder / FILE, record(command, config))


def read(folder: Path) -> dict[str, Any] | None:
    """The ``provenance.json`` of ``folder``, or None when it has none (or cannot be read)."""
    from experiments.runs.checksums import read_record

    if not (folder / FILE).is_file():
        return None
    return read_record(folder / FILE)[0]


# the running command's run.reuse_other_versions (set by run_app from its config)
_reuse = [False]


def set_reuse_other_versions(value: object) -> None:
    """Take ``run.reuse_other_versions`` (on/off, or a boolean) of the running command."""
    _reuse[0] = value in ("on", True)


def reuse_other_versions() -> bool:
    """Whether the running command reuses stored runs of another model version."""
    return _reuse[0]


def stored_version(stored: dict[str, Any]) -> object:
    """The model version a stored run's record says made it (None: an older commsim)."""
    return stored.get("model_version")


def stale_line(versions: dict[object, int], where: Path, reuse: bool) -> str:
    """The line that says stored runs of another model version are redone (or reused):
    ``versions`` counts them by the version that made them (None: a commsim that recorded
    none). In the locale's language."""
    from experiments.i18n import translator

    _ = translator(None)
    made = ", ".join(
        _("none") if v is None else str(v) for v in sorted(versions, key=lambda v: str(v))
    )
    values = {"n": sum(versions.values()), "made": made, "version": MODEL_VERSION, "path": where}
    if reuse:
        return _(
            "reusing {n} stored runs made by another model version ({made}; this commsim: "
            "{version}), as run.reuse_other_versions=on says ({path})"
        ).format(**values)
    return _(
        "redoing {n} stored runs made by another model version ({made}; this commsim: "
        "{version}); run.reuse_other_versions=on would reuse them ({path})"
    ).format(**values)


def begin(folder: Path, command: Sequence[str], cfg: Any, sweep: Path | None = None) -> Path:
    """What a Hydra job does first: take its ``run.reuse_other_versions`` and write the
    ``provenance.json`` of its output ``folder``, with its resolved config; a job of a
    ``-m`` sweep also writes one without a config into the ``sweep`` folder."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    set_reuse_other_versions(OmegaConf.select(cfg, "run.reuse_other_versions", default="off"))
    try:
        config = OmegaConf.to_container(cfg, resolve=True)
    except OmegaConfBaseException:  # a value that does not resolve: recorded as written
        config = OmegaConf.to_container(cfg, resolve=False)
    if sweep is not None and sweep.resolve() != folder.resolve():
        write(sweep, command)
    return write(folder, command, config)


def check_study(study: Any, key: str = "search.name") -> None:
    """An Optuna study resumed from its storage goes on only with trials of this model
    version (or with ``run.reuse_other_versions=on``); a new one records the version.

    Raises:
        ConfigError: naming ``key``, when the stored trials were made by another model
            version and ``run.reuse_other_versions`` is off.
    """
    from experiments.i18n import translator
    from sim.errors import ConfigError

    made = study.user_attrs.get("model_version")
    if made == MODEL_VERSION:
        return
    if not study.trials:
        study.set_user_attr("model_version", MODEL_VERSION)
        return
    _ = translator(None)
    values = {
        "n": len(study.trials),
        "made": _("none") if made is None else made,
        "version": MODEL_VERSION,
        "name": study.study_name,
    }
    if reuse_other_versions():
        print(
            _(
                "going on with the {n} trials of the study {name} made by another model "
                "version ({made}; this commsim: {version}), as run.reuse_other_versions=on says"
            ).format(**values),
            file=sys.stderr,
            flush=True,
        )
        return
    raise ConfigError(
        key,
        study.study_name,
        _(
            "the study {name} holds {n} trials made by another model version ({made}; this "
            "commsim: {version}): give another search.name (or storage) to start afresh, or "
            "run.reuse_other_versions=on to go on with them"
        ).format(**values),
    )

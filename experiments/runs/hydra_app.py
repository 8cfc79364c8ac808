"""Running commsim's commands as Hydra applications: the one Hydra entry wrapper.

Each command has a primary config in ``configs/`` (``config`` for run, ``compare``,
``optimise``...) and declares its own top-level keys (``COMPARE_KEYS``...), which it
removes before the simulation's check (:func:`sim_config`). Hydra gives
``hydra.run.dir=DIR``, ``-m`` sweeps and ``--cfg job``; outputs go to
``HydraConfig.get().runtime.output_dir`` (Hydra 1.3 jobs do not chdir), and every job
first writes ``provenance.json`` there (``experiments.runs.provenance``). A bad config fails
before any simulated day with exit code 2 and no traceback.

``--config-dir=DIR`` (or ``--config-dir DIR``, ``-cd DIR``) names the user's project folder
(:func:`config_dir_option`): it becomes this process's folder (``sim.project``) and the
override ``hydra.searchpath=['file:///abs/DIR']``, so Hydra's jobs, the checks before them
and every job they start compose with the folder's playbooks and communities.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from experiments.analysis import plot_settings
from experiments.runs import provenance
from experiments.runs.outputs import output_folder
from sim import project
from sim.errors import CommsimError, ConfigError, OutputError
from sim.io import WRITE_ERRORS, check_output_folder, lock_folder, write_json
from sim.overrides import check_overrides, range_ends, unquote
from sim.runner import compose, to_plain

Job = Callable[[DictConfig, Path, list[str]], Any]

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


CONFIG_DIR_FLAGS = ("--config-dir", "-cd")


def config_dir_option(args: Sequence[str]) -> tuple[Path | None, list[str]]:
    """The project folder of a command line and the other arguments.

    ``--config-dir=DIR``, ``--config-dir DIR`` and ``-cd DIR`` are accepted, and so is
    Hydra's own ``hydra.searchpath=[file://DIR]`` (:func:`searchpath_folder`); the folder
    is checked (``sim.project.check_config_dir``) and made absolute (jobs may run elsewhere).

    Raises:
        ConfigError: naming ``--config-dir``: no folder given, given twice, not a folder;
            naming ``hydra.searchpath``: not one ``file://`` folder, or beside ``--config-dir``.
    """
    rest: list[str] = []
    given: list[str] = []
    items = iter(args)
    for arg in items:
        flag, sep, value = arg.partition("=")
        if flag not in CONFIG_DIR_FLAGS:
            rest.append(arg)
            continue
        if not sep:
            value = next(items, "")
            if not value or value.startswith("-"):
                raise ConfigError(
                    project.FLAG, value or None, "give your project folder: --config-dir=DIR"
                )
        given.append(value)
    searchpath = [a for a in rest if a.lstrip("+").startswith("hydra.searchpath=")]
    if searchpath and given:
        raise ConfigError(
            "hydra.searchpath", given[0], "give --config-dir=DIR or hydra.searchpath, not both"
        )
    if searchpath:
        given += [searchpath_folder(a) for a in searchpath]
        rest = [a for a in rest if a not in searchpath]
    if len(given) > 1:
        raise ConfigError(project.FLAG, given, "give one project folder")
    return (project.check_config_dir(given[0]) if given else None), rest


SEARCHPATH_FIX = (
    "give your project folder as --config-dir=DIR (or hydra.searchpath=[file://DIR], one "
    "folder); commsim adds it to Hydra's search path"
)


def searchpath_folder(arg: str) -> str:
    """The folder of ``hydra.searchpath=[file://DIR]``: one local folder, taken as
    ``--config-dir=DIR`` (so the checks, the playbook lists and every job see it too).

    Raises:
        ConfigError: naming ``hydra.searchpath`` for anything but one ``file://`` folder.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    value = arg.partition("=")[2]
    try:
        parsed = OverridesParser.create().parse_override(arg.lstrip("+")).value()
    except HydraException:
        raise ConfigError("hydra.searchpath", value, SEARCHPATH_FIX) from None
    entries = parsed if isinstance(parsed, list) else [parsed]
    if len(entries) != 1 or not str(entries[0]).startswith("file://"):
        raise ConfigError("hydra.searchpath", value, SEARCHPATH_FIX)
    return str(entries[0]).removeprefix("file://") or "/"


def with_override(args: Sequence[str], override: str) -> list[str]:
    """``args`` with ``override`` beside the other overrides (Hydra's parser takes one run
    of overrides, not overrides on both sides of a flag such as ``--cfg job``)."""
    args = list(args)
    for i, arg in enumerate(args):
        if not arg.startswith("-") and ("=" in arg or arg.startswith("~")):
            return [*args[:i], override, *args[i:]]
    return [*args, override]


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


def sim_config(cfg: DictConfig | dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """The simulation's part of a command's config: the plain config without ``keys``."""
    return {k: v for k, v in to_plain(cfg).items() if k not in keys}


def hydra_overrides(args: Sequence[str]) -> list[str]:
    """The overrides of a command line with Hydra's flags (``-m``, ``--cfg job``...): the
    arguments Hydra's own argument parser takes as overrides."""
    from hydra._internal.utils import get_args_parser

    try:
        return list(get_args_parser().parse_known_args(list(args))[0].overrides)
    except SystemExit:  # a flag without its value: Hydra itself says so
        return []


def check_sweep_choices(overrides: Sequence[str]) -> None:
    """Every option of a group swept with ``-m`` (``playbook=a,b``) exists, before Hydra.

    Raises:
        ConfigError: naming the group, the option and the options there are.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for override in OverridesParser.create().parse_overrides(list(overrides)):
        group = override.key_or_group
        if "." in group or "/" in group or override.is_delete():
            continue
        known = [*project.package_options(group), *project.user_options(group)]
        if not known:
            continue
        choices = (
            list(override.sweep_string_iterator())
            if override.is_sweep_override()
            else [override.get_value_element_as_str()]
        )
        for choice in map(unquote, choices):
            if choice not in known:
                raise ConfigError(
                    group, choice, f"no such {group}; use one of: {project.options_text(group)}"
                )


def precompose(config_name: str, args: Sequence[str]) -> DictConfig | None:
    """Compose the config before Hydra starts, so composition errors exit with code 2.

    With Hydra's flags (``-m``, ``--cfg job``) the config is not composed here, but the
    overrides are still read by Hydra's grammar first (:func:`sim.overrides.check_overrides`),
    so a value it cannot read is named with its key and fix, not by Hydra's parser.
    """
    overrides = user_overrides(args)
    if overrides is None:
        check_overrides(hydra_overrides(args))
        check_sweep_choices(hydra_overrides(args))
        return None
    return compose(overrides, config_name=config_name)


def run_app(
    config_name: str,
    args: Sequence[str],
    job: Job,
    check: Callable[[DictConfig], object] | None = None,
    name: str | None = None,
    rewrite: Callable[[Sequence[str]], list[str]] | None = None,
    check_line: Callable[[DictConfig, Sequence[str]], object] | None = None,
) -> int:
    """Run ``job(cfg, out_dir, overrides)`` as a Hydra app; returns the exit code.

    Args:
        config_name: the command's primary config in ``configs/``.
        args: the command line after the command's name.
        job: what one Hydra job does; its return value is the job's (multiruns keep it).
        check: called on the composed config before Hydra starts (single runs); a
            ``CommsimError`` exits with code 2 before any simulation.
        name: the command's name, as Hydra shows it; default ``config_name``. Hydra's job
            name (and its log file) is the last part of ``job``'s module (``run``...).
        rewrite: turns the command line into Hydra's (``from=DIR`` into overrides...); a
            ``CommsimError`` exits with code 2.
        check_line: like ``check``, also given that command line (its overrides reach the
            ends of a search's ranges).
    """
    name = name or config_name
    typed = ["commsim", name, *args]  # the command line as typed, for provenance.json
    try:
        folder, args = config_dir_option(args)
        project.use_config_dir(folder)
        if folder is not None:
            args = with_override(args, project.searchpath_override(folder))
        if rewrite is not None:
            args = rewrite(args)
        line = list(args)
        args = range_ends(args)  # uncertainty.parameters.acquisition.q.high=0.03...
        cfg = precompose(config_name, args)
        if cfg is not None and check is not None:
            check(cfg)
        if cfg is not None and check_line is not None:
            check_line(cfg, line)
        output = output_folder(config_name, args)
        if output is not None:
            check_output_folder(output[1], output[0])
    except CommsimError as exc:
        print(f"commsim: error: {exc}", file=sys.stderr)
        return 2

    def _app(cfg: DictConfig) -> Any:
        hc = HydraConfig.get()
        out = Path(hc.runtime.output_dir)
        sweep = hc.mode is not None and hc.mode.name == "MULTIRUN"
        if sweep:
            (out / "error.json").unlink(missing_ok=True)  # this attempt's, if it fails
        try:
            provenance.begin(out, typed, cfg, Path(hc.sweep.dir) if sweep else None)
            with plot_settings.use(cfg):  # plot_format, plot_dpi of every plot written
                return job(cfg, out, list(hc.overrides.task))
        except CommsimError as exc:  # bad input: 2; runs that failed (RunsFailed): 1
            print(f"commsim: error: {exc}", file=sys.stderr)
            code = getattr(exc, "exit_code", 2)
            if not sweep or isinstance(exc, OutputError):
                sys.exit(code)
            failed_job(out, str(exc), "", code)  # the other jobs go on (FailedJobs)
        except Exception as exc:  # in a sweep, a crashed job is reported, the others go on
            if not sweep:
                raise
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            print(f"commsim: job crashed ({exc}); see {out / 'error.json'}", file=sys.stderr)
            failed_job(out, str(exc), detail, 1)
        return None

    _app.__module__ = job.__module__  # Hydra names the job (and its log) after the command
    app = hydra.main(version_base="1.3", config_path="pkg://configs", config_name=config_name)
    saved = sys.argv
    sys.argv = [f"commsim {name}", *args]
    FailedJobs.found.clear()
    FailedJobs.codes.clear()
    # Hydra's own errors come back here (not as its stripped traceback): a full disk while
    # it writes .hydra/ or a log is an OutputError, anything else the command's error
    full_error = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        with ExitStack() as stack:
            if output is not None and output[2]:  # a folder given: one writer at a time
                stack.enter_context(lock_folder(output[1], output[0], " ".join(sys.argv)))
            app(_app)()
    except CommsimError as exc:
        print(f"commsim: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        print(f"commsim: error: {OutputError(exc.filename or '?', exc)}", file=sys.stderr)
        return OutputError.exit_code
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    finally:
        sys.argv = saved
        if full_error is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = full_error
    return FailedJobs.exit_code()


def failed_job(out: Path, error: str, detail: str, code: int) -> None:
    """Record a sweep's failed job in its folder: ``error.json`` with the error, the
    traceback (empty for bad input) and the exit code it stands for (2 bad input, 1 a
    failure during the run), which :class:`FailedJobs` reads at the end."""
    write_json(out / "error.json", {"error": error, "traceback": detail, "exit_code": code})


class FailedJobs(Callback):
    """Hydra callback: at the end of a multirun, list the jobs that failed (their
    ``error.json`` without a ``summary.json``), so the command exits with code 2 when a
    job's input was refused, else 1 when a job failed during its run."""

    found: list[Path] = []  # noqa: RUF012 (one multirun per process at a time)
    codes: list[int] = []  # noqa: RUF012

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Find the failed jobs of the sweep folder and name them."""
        root = Path(config.hydra.sweep.dir)
        failed = sorted(
            p.parent for p in root.rglob("error.json") if not (p.parent / "summary.json").exists()
        )
        FailedJobs.found[:] = failed
        FailedJobs.codes[:] = [_exit_code(p / "error.json") for p in failed]
        if failed:
            names = ", ".join(str(p) for p in failed[:10]) + (" ..." if len(failed) > 10 else "")
            print(
                f"commsim: error: {len(failed)} job(s) failed (see error.json in {names})",
                file=sys.stderr,
            )

    @classmethod
    def exit_code(cls) -> int:
        """Of the last multirun: 2 when a job's input was refused, 1 when a job failed
        during its run, 0 when every job finished."""
        return max(cls.codes, default=0) if cls.found else 0


def _exit_code(path: Path) -> int:
    """The exit code a failed job's ``error.json`` stands for (1 when it does not say)."""
    from experiments.runs.checksums import read_record

    record, _why = read_record(path)
    code = record.get("exit_code") if record is not None else None
    return 2 if code == 2 else 1

"""The ``commsim`` command: ``commsim <command> [Hydra overrides]``.

Commands (``commsim <command> --help`` describes each):
    run          one simulation (Hydra: ``-m`` sweeps, ``hydra.run.dir=DIR``, ``--cfg job``)
    compare      playbooks side by side with replications, confidence intervals, a report
    collect      aggregate a sweep's jobs into one table
    optimise     search levers for a KPI under a budget (Optuna)
    sensitivity  which uncertain parameters move a KPI most (Morris, then Sobol)
    robustness   regret and share of wins of playbooks across sampled scenarios
    calibrate    fit uncertain parameters to a real interaction log
    history      read an interaction log and describe it: daily users, people, a summary
    ui           the classroom web page (drawn in the browser)
    playbooks    the ready playbooks, one line each (and yours, with --config-dir=DIR)
    init         write a project folder of your own (community, two plans, README)
    validate     reproduce known published results and print expected vs simulated

``commsim --version`` (``-V``) prints commsim's version, the model version and, run from a
git checkout, the commit (``experiments.runs.provenance``).

Each command is a module of ``experiments.commands`` with a ``main(args) -> int``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim.errors import CommsimError, ConfigError, OutputError
from sim.overrides import quote_non_ascii


@dataclass(frozen=True)
class Command:
    """One ``commsim`` command: its module, one line of help, whether Hydra runs it."""

    module: str
    summary: str
    hydra: bool = True

    def main(self) -> Callable[[Sequence[str]], int]:
        """The command's ``main(args) -> int`` (imported when the command runs)."""
        return importlib.import_module(self.module).main  # type: ignore[no-any-return]

    def help(self) -> str:
        """The command's module docstring (its description and outputs)."""
        return (importlib.import_module(self.module).__doc__ or self.summary).strip()


COMMANDS: dict[str, Command] = {
    "run": Command(
        "experiments.commands.run",
        "run one simulation; writes metrics.parquet, summary.json, config.yaml\n"
        "into the Hydra run folder (hydra.run.dir=DIR chooses it)",
    ),
    "compare": Command(
        "experiments.commands.compare",
        "playbooks side by side: R replications each with common random numbers,\n"
        "KPI table with 95% CIs, paired differences, ranking, report.html",
    ),
    "collect": Command(
        "experiments.commands.collect",
        "aggregate a sweep's jobs into one runs.parquet and summary.csv: commsim collect DIR",
        hydra=False,
    ),
    "optimise": Command(
        "experiments.commands.optimise",
        "search levers for a KPI under a budget (Optuna): commsim optimise search=NAME",
    ),
    "sensitivity": Command(
        "experiments.commands.sensitivity",
        "which uncertain parameters move a KPI most (Morris, then Sobol; SALib)",
    ),
    "robustness": Command(
        "experiments.commands.robustness",
        "regret and share of wins of playbooks across sampled scenarios",
    ),
    "calibrate": Command(
        "experiments.commands.calibrate",
        "fit uncertain parameters to a real interaction log: commsim calibrate data=PATH",
    ),
    "history": Command(
        "experiments.commands.history",
        "read an interaction log (CSV, JSON, Excel, platform exports) without simulating;\n"
        "writes history.csv and people.parquet: commsim history data=PATH [out=DIR]",
        hydra=False,
    ),
    "ui": Command(
        "experiments.commands.ui",
        "the classroom web page: commsim ui [playbook=NAME] [lang=zh] [port=P] [overrides]",
        hydra=False,
    ),
    "playbooks": Command(
        "experiments.commands.playbooks",
        "list the ready playbooks (strategy bundles), one line each",
        hydra=False,
    ),
    "init": Command(
        "experiments.commands.init",
        "write a project folder of your own (community, two plans, README): commsim init DIR",
        hydra=False,
    ),
    "validate": Command(
        "experiments.commands.validate",
        "reproduce known published results (Bass, Fibich-Gibori, Kempe et al.,\n"
        "Centola) and print expected vs simulated with pass/fail",
        hydra=False,
    ),
}

EXAMPLES = """examples:
  commsim run days=180 community=ba community.n=20000
  commsim run community=file community.path=../shared/data/facebook_combined.txt.gz
  commsim run -m acquisition.q=0.02,0.05,0.1 seed='range(3)'
  commsim compare playbooks=[baseline,weekly_qa,points] reps=10 rank_by=members_final
  commsim validate
"""


def usage() -> str:
    """``commsim --help``: every command of :data:`COMMANDS`, then examples."""
    width = max(len(name) for name in COMMANDS) + 2
    lines = ["usage: commsim <command> [overrides...]  |  commsim --version", "", "commands:"]
    for name, command in COMMANDS.items():
        first, *rest = command.summary.splitlines()
        lines.append(f"  {name:<{width}} {first}")
        lines += [f"  {'':<{width}} {line}" for line in rest]
    lines += ["", "commsim <command> --help describes one command.", "", EXAMPLES]
    return "\n".join(lines)


USAGE = usage()


def fail(error: Exception) -> int:
    """Print a user-facing error (no traceback) and return exit code 2."""
    print(f"commsim: error: {error}", file=sys.stderr)
    return 2


def dispatch(name: str, args: Sequence[str]) -> int:
    """Run one command; ``--help`` prints its description (then Hydra's help: every key).

    A command Hydra runs gets its values beyond ASCII quoted (``playbook=直播沙龙`` as
    ``playbook='直播沙龙'``: :func:`~sim.overrides.quote_non_ascii`), which Hydra's
    grammar needs; the others read ``key=value`` themselves and get the arguments as typed.
    """
    command = COMMANDS[name]
    if any(a in ("-h", "--help") for a in args):
        print(f"commsim {name}: {command.help()}\n")
        if not command.hydra:
            return 0
    if command.hydra:
        args = quote_non_ascii(args)
    return int(command.main()(args) or 0)


def leading_config_dir(argv: list[str]) -> list[str]:
    """``commsim --config-dir=DIR compare ...`` as ``commsim compare --config-dir=DIR ...``."""
    if len(argv) >= 2 and argv[0].startswith("--config-dir="):
        return [argv[1], argv[0], *argv[2:]]
    if len(argv) >= 3 and argv[0] in ("--config-dir", "-cd"):
        return [argv[2], *argv[:2], *argv[3:]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``commsim`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-V", "--version"):
        from experiments.runs.provenance import version_text

        print(version_text())
        return 0
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    argv = leading_config_dir(argv)
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        return fail(
            ConfigError("command", command, f"use one of: {', '.join(COMMANDS)} (commsim --help)")
        )
    try:
        return dispatch(command, rest)
    except OutputError as exc:  # a full disk during a run: not bad input
        print(f"commsim: error: {exc}", file=sys.stderr)
        return 1
    except CommsimError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("commsim: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # no bare traceback: say what failed (COMMSIM_DEBUG=1 shows it)
        if os.environ.get("COMMSIM_DEBUG"):
            raise
        print(
            f"commsim: error: {type(exc).__name__}: {exc}\n(set COMMSIM_DEBUG=1 to see "
            "the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

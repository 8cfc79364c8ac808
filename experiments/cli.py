"""The ``commsim`` command: ``commsim <command> [Hydra overrides]``.

Commands:
    run        one simulation (Hydra: ``-m`` sweeps, ``hydra.run.dir=DIR``, ``--cfg job``)
    playbooks  the ready playbooks, one line each
    validate   reproduce known published results and print expected vs simulated
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from sim.errors import CommsimError, ConfigError

USAGE = """usage: commsim <command> [overrides...]

commands:
  run        run one simulation; writes metrics.parquet, summary.json, config.yaml
             into the Hydra run folder (hydra.run.dir=DIR chooses it)
  compare    playbooks side by side: R replications each with common random numbers,
             KPI table with 95% CIs, paired differences, ranking, report.html
  collect    aggregate a sweep's jobs into one runs.parquet and summary.csv
  optimise   search levers for a KPI under a budget (Optuna): commsim optimise search=NAME
  sensitivity  which uncertain parameters move a KPI most (Morris, then Sobol; SALib)
  robustness regret and share of wins of playbooks across sampled scenarios
  calibrate  fit uncertain parameters to a real interaction log: commsim calibrate data=PATH
  ui         the classroom web page (Mesa/Solara): commsim ui [playbook=NAME] [port=P]
  playbooks  list the ready playbooks (strategy bundles), one line each
  validate   reproduce known published results (Bass, Fibich-Gibori, Kempe et al.,
             Centola) and print expected vs simulated with pass/fail

examples:
  commsim run days=180 community=ba community.n=20000
  commsim run community=file community.path=../shared/data/facebook_combined.txt.gz
  commsim run -m acquisition.q=0.02,0.05,0.1 seed='range(3)'
  commsim compare playbooks=[baseline,weekly_qa,points] reps=10 rank_by=members_final
  commsim validate
"""


def fail(error: Exception) -> int:
    """Print a user-facing error (no traceback) and return exit code 2."""
    print(f"commsim: error: {error}", file=sys.stderr)
    return 2


def cmd_run(args: Sequence[str]) -> int:
    """``commsim run``: check the config first, then hand over to Hydra."""
    from experiments.commands.run import main as hydra_run
    from experiments.commands.run import precheck

    try:
        precheck(args)
    except CommsimError as exc:
        return fail(exc)
    return hydra_run(args)


def cmd_collect(args: Sequence[str]) -> int:
    """``commsim collect DIR``: aggregate a sweep's jobs."""
    from experiments.commands.collect import main as collect_main

    return collect_main(args)


def cmd_compare(args: Sequence[str]) -> int:
    """``commsim compare``: playbooks side by side with confidence intervals."""
    from experiments.commands.compare import main as compare_main

    return compare_main(args)


def cmd_optimise(args: Sequence[str]) -> int:
    """``commsim optimise``: search levers for a KPI under a budget."""
    from experiments.commands.optimise import main as optimise_main

    return optimise_main(args)


def cmd_sensitivity(args: Sequence[str]) -> int:
    """``commsim sensitivity``: Morris screen and Sobol indices."""
    from experiments.commands.sensitivity import main as sensitivity_main

    return sensitivity_main(args)


def cmd_robustness(args: Sequence[str]) -> int:
    """``commsim robustness``: playbooks across sampled scenarios."""
    from experiments.commands.robustness import main as robustness_main

    return robustness_main(args)


def cmd_ui(args: Sequence[str]) -> int:
    """``commsim ui``: the classroom web page."""
    from experiments.commands.ui import main as ui_main

    return ui_main(args)


def cmd_calibrate(args: Sequence[str]) -> int:
    """``commsim calibrate data=PATH``: fit to a community's real history."""
    from experiments.commands.calibrate import main as calibrate_main

    return calibrate_main(args)


def cmd_playbooks(args: Sequence[str]) -> int:
    """``commsim playbooks``: list the ready playbooks."""
    from experiments.commands.playbooks import main as playbooks_main

    return playbooks_main(args)


def cmd_validate(args: Sequence[str]) -> int:
    """``commsim validate``: the known-results suite."""
    from experiments.commands.validate import main as validate_main

    return validate_main(args)


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "run": cmd_run,
    "compare": cmd_compare,
    "collect": cmd_collect,
    "optimise": cmd_optimise,
    "sensitivity": cmd_sensitivity,
    "robustness": cmd_robustness,
    "calibrate": cmd_calibrate,
    "ui": cmd_ui,
    "playbooks": cmd_playbooks,
    "validate": cmd_validate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``commsim`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        return fail(
            ConfigError("command", command, f"use one of: {', '.join(COMMANDS)} (commsim --help)")
        )
    try:
        code = COMMANDS[command](rest)
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
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())

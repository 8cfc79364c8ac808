"""Exit codes and checks before the first run (docs/errors.md).

0 success; 2 bad input, refused before day 1 with the key, the value and the fix; 1 when a
run failed (the failures listed, results lacking runs said so). Every command checks its
options (``workers`` one way everywhere, counts with a maximum, the ends of search ranges,
Optuna's storage) before simulating. A lever override applies to the playbooks that have it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from experiments.calibration.settings import parse_settings
from experiments.commands import compare as cmp
from experiments.commands import optimise as opt
from experiments.commands import robustness as rob
from experiments.commands import sensitivity as sens
from experiments.runs import executors
from experiments.runs.checks import check_ends
from experiments.runs.executors import MAX_RUNS, RunsFailed
from experiments.runs.jobs import Job, JobResult, run_job
from experiments.runs.playbook_overrides import per_playbook
from experiments.runs.space import Dimension
from sim.errors import ConfigError
from sim.runner import compose

COMMSIM = [sys.executable, "-m", "experiments.cli"]
TINY = ["community.n=200", "days=5"]
QA = "strategies.events.items.qa.capacity"


def fail_where(monkeypatch: pytest.MonkeyPatch, **labels: Any) -> None:
    """Make every run whose labels include ``labels`` fail (serial executor)."""

    def run(job: Job) -> JobResult:
        if labels.items() <= job.label_dict.items():
            return JobResult(job.label_dict, key="", error="RuntimeError: injected fault")
        return run_job(job)

    monkeypatch.setattr(executors, "run_job", run)


def test_a_sweep_whose_jobs_have_bad_input_exits_2_naming_them(tmp_path: Path) -> None:
    args = [*COMMSIM, "run", "-m", "days=-1,-2", f"hydra.sweep.dir={tmp_path}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "2 job(s) failed" in proc.stderr and "Traceback" not in proc.stderr


def compare_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "reps=2",
        "executor=serial",
        "check_assumptions=off",
        *TINY,
        f"hydra.run.dir={tmp_path}",
        *extra,
    ]


def test_compare_with_a_playbook_whose_runs_all_failed_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_where(monkeypatch, playbook="weekly_qa")
    code = cmp.main(compare_args(tmp_path, "playbooks=[baseline,weekly_qa]"))
    out, err = capsys.readouterr()
    assert code == 1
    assert "results lacking runs: base/weekly_qa: 0 of 2 runs" in out
    assert "2 of 4 runs failed" in err and "injected fault" in err
    assert "results lacking runs" in (tmp_path / "report.html").read_text()
    assert len((tmp_path / "errors.json").read_text()) > 2


def test_compare_whose_runs_all_failed_exits_1_not_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_where(monkeypatch)
    assert cmp.main(compare_args(tmp_path, "playbooks=[baseline]")) == 1
    assert "every run failed" in capsys.readouterr().err


def test_documented_lever_override_applies_where_the_lever_exists() -> None:
    books = per_playbook(["baseline", "weekly_qa"], [*TINY, f"{QA}=100"])
    assert f"{QA}=100" in books["weekly_qa"] and not any(QA in o for o in books["baseline"])
    assert per_playbook(["weekly_qa"], [f"++{QA}=100"])["weekly_qa"][-1] == f"{QA}=100"
    with pytest.raises(ConfigError) as err:
        per_playbook(["baseline"], [f"{QA}=100"])
    assert err.value.key == QA and "baseline" in err.value.fix


def test_documented_compare_command_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cmp.main(compare_args(tmp_path, "playbooks=[weekly_qa]", f"{QA}=100"))
    assert code == 0, capsys.readouterr().err


@pytest.mark.parametrize("prefix", ["", "++"])
def test_a_bad_lever_is_refused_before_any_run(
    tmp_path: Path, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = compare_args(tmp_path, "playbooks=[baseline,weekly_qa]", f"{prefix}{QA}=-5")
    assert cmp.main(args) == 2
    assert f"{QA}=-5" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("compare", cmp.check_options),
        ("optimise", opt.check_search),
        ("sensitivity", sens.check_uncertainty),
        ("robustness", rob.check_options),
        ("calibrate", parse_settings),
    ],
)
@pytest.mark.parametrize("workers", [0, -1, 10**9, 1.5, "many"])
def test_workers_means_the_same_in_every_command(name: str, check: Any, workers: Any) -> None:
    with pytest.raises(ConfigError) as err:
        check(compose([f"workers={workers}"], config_name=name))
    assert err.value.key == "workers" and "null for one per core" in err.value.fix


@pytest.mark.parametrize(
    ("name", "override", "key"),
    [
        ("compare", "reps=1000000000000", "reps"),
        ("compare", f"reps={MAX_RUNS // 2}", "runs"),
        ("optimise", "search.n_trials=1000000000000", "search.n_trials"),
        ("optimise", "search.budget=nan", "search.budget"),
        ("optimise", "search.budget=inf", "search.budget"),
        ("optimise", "search.storage=nosuch://x", "search.storage"),
        ("optimise", "search.storage=sqlite:////no/such/folder/s.db", "search.storage"),
        ("sensitivity", "uncertainty.sobol_samples=1000000000000", "uncertainty.sobol_samples"),
        ("robustness", "scenarios=1000000000", "scenarios"),
    ],
)
def test_options_checked_before_any_run(name: str, override: str, key: str) -> None:
    checks = {
        "compare": cmp.check_options,
        "optimise": opt.check_search,
        "sensitivity": sens.check_uncertainty,
        "robustness": rob.check_options,
    }
    with pytest.raises(ConfigError) as err:
        checks[name](compose([override], config_name=name))
    assert err.value.key == key and err.value.fix


def test_a_range_end_is_checked_before_the_first_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = opt.check_search(compose(["executor=serial"], config_name="optimise"))
    bad = Dimension("strategies.reach.ad_spend_per_day", "float", -5.0, 200.0)
    search["dims"] = [*search["dims"][:2], bad]

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("simulated before checking the ranges")

    monkeypatch.setattr(opt, "evaluate", never)
    with pytest.raises(ConfigError) as err:
        opt.optimise(search, TINY, tmp_path, progress=False)
    assert err.value.key == "search.space.strategies.reach.ad_spend_per_day.low"
    with pytest.raises(ConfigError):
        check_ends([Dimension("acquisition.q", "float", 0.01, 5.0)], TINY, "u")


@pytest.mark.parametrize("command", ["sensitivity", "robustness"])
def test_a_range_end_is_checked_before_the_run_folder(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from experiments.cli import main

    folder = tmp_path / "run"
    end = "uncertainty.parameters.acquisition.q.high"
    assert main([command, f"{end}=5", f"hydra.run.dir={folder}"]) == 2
    assert f"{end}=5.0 is not valid" in capsys.readouterr().err
    assert not folder.exists()


def test_robustness_says_over_how_many_scenarios_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_where(monkeypatch, setting=1)  # scenario 0, the second playbook
    args = [
        "playbooks=[baseline,weekly_qa]",
        "scenarios=3",
        "reps=1",
        "uncertainty=dominant",
        "executor=serial",
        *TINY,
        f"hydra.run.dir={tmp_path}",
    ]
    assert rob.main(args) == 1
    out, err = capsys.readouterr()
    assert "over 2 of 3 scenarios" in out and "1 of 6 runs failed" in err
    assert (tmp_path / "errors.json").is_file()


def test_runs_failed_is_exit_code_1() -> None:
    assert RunsFailed("x").exit_code == 1 == executors.EXIT_RUNS_FAILED

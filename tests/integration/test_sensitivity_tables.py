"""Sensitivity and robustness keep every run: saved tables, no imputation, intervals, PRIM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.discovery import discover
from experiments.commands import robustness as rob
from experiments.commands import sensitivity as sens
from experiments.runs import executors
from experiments.runs.jobs import Job, JobResult, run_job

TINY = ["community.n=200", "days=5"]
#: Morris: 2 trajectories x (3 parameters + 1) = 8 runs; Sobol: 4 x (1 + 2) = 12 runs
SMALL_SENS = [
    "uncertainty=dominant",
    "uncertainty.morris_trajectories=2",
    "uncertainty.sobol_samples=4",
    "uncertainty.base=['community.n=200','days=5']",
    "executor=serial",
]


def fail_where(monkeypatch: pytest.MonkeyPatch, **labels: Any) -> None:
    """Make every run whose labels include ``labels`` fail (serial executor)."""

    def run(job: Job) -> JobResult:
        if labels.items() <= job.label_dict.items():
            return JobResult(job.label_dict, key="", error="RuntimeError: injected fault")
        return run_job(job)

    monkeypatch.setattr(executors, "run_job", run)


@pytest.mark.slow  # simulates 8 to 20 small runs
def test_sensitivity_saves_every_sampled_input_and_outcome(tmp_path: Path) -> None:
    assert sens.main([*SMALL_SENS, f"hydra.run.dir={tmp_path}"]) == 0
    x = pd.read_parquet(tmp_path / "experiments.parquet")
    y = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert len(x) == len(y) == 20 and list(x["run"]) == list(y["run"]) == list(range(20))
    assert list(x["stage"]) == ["morris"] * 8 + ["sobol"] * 12
    assert (y["status"] == "ok").all() and y["joined_total"].notna().all()
    # Sobol varies the top parameter only; the others keep their configured values
    sobol = x[x["stage"] == "sobol"]
    assert sobol["acquisition.q"].nunique() > 1
    assert sobol["behaviour.levels.core_min"].nunique() == 1
    morris = pd.read_csv(tmp_path / "morris.csv")
    assert morris.iloc[0]["parameter"] == "acquisition.q"


@pytest.mark.slow  # simulates 8 to 20 small runs
def test_a_kpi_without_a_value_stops_sensitivity_with_its_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the baseline spends nothing: its return on investment is undefined in every run
    assert sens.main([*SMALL_SENS, "uncertainty.kpi=roi", f"hydra.run.dir={tmp_path}"]) == 1
    err = capsys.readouterr().err
    assert "0 of 8 runs failed and 8 gave no value of roi" in err
    assert not (tmp_path / "morris.csv").exists()
    assert (pd.read_parquet(tmp_path / "outcomes.parquet")["status"] == "undefined").all()


@pytest.mark.slow  # simulates 8 to 20 small runs
def test_a_failed_run_stops_sensitivity_with_its_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fail_where(monkeypatch, setting=1)
    assert sens.main([*SMALL_SENS, f"hydra.run.dir={tmp_path}"]) == 1
    err = capsys.readouterr().err
    assert "Morris: 1 of 8 runs failed and 0 gave no value" in err and "errors.json" in err
    outcomes = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert list(outcomes["status"]).count("failed") == 1 and len(outcomes) == 8
    assert (tmp_path / "errors.json").is_file() and not (tmp_path / "morris.csv").exists()


@pytest.mark.slow  # simulates 8 to 20 small runs
def test_robustness_rows_per_replication_and_intervals(tmp_path: Path) -> None:
    args = ["playbooks=[baseline,weekly_qa]", "scenarios=3", "reps=2", "uncertainty=dominant"]
    args += ["executor=serial", *TINY, f"hydra.run.dir={tmp_path}"]
    assert rob.main(args) == 0
    x = pd.read_parquet(tmp_path / "experiments.parquet")
    y = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert len(x) == len(y) == 12 and set(x["rep"]) == {0, 1}
    cases = pd.read_csv(tmp_path / "scenarios.csv")
    assert len(cases) == 12 and {"regret", "won", "acquisition.q"} <= set(cases.columns)
    reps = pd.read_csv(tmp_path / "robustness_reps.csv")
    assert len(reps) == 4
    table = pd.read_csv(tmp_path / "robustness.csv").set_index("playbook")
    for book, mine in reps.groupby("playbook"):
        row = table.loc[book]
        assert row["mean_regret"] == pytest.approx(mine["mean_regret"].mean())
        assert row["mean_regret_low"] <= row["mean_regret"] <= row["mean_regret_high"]
        assert 0 <= row["share_won_low"] and row["share_won_high"] <= 1
    assert set(pd.read_csv(tmp_path / "discovery.csv")["playbook"]) == {"baseline", "weekly_qa"}


@pytest.mark.slow  # the EMA Workbench takes seconds to import
def test_prim_finds_the_region_where_a_plan_loses() -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(0, 1, (400, 3)), columns=["a", "b", "c"])
    loses = ((x["a"] > 0.6) & (x["b"] < 0.4)).to_numpy()
    cases = pd.concat(
        [x.assign(playbook="fragile", won=~loses), x.assign(playbook="solid", won=True)]
    )
    found = discover(cases, ["a", "b", "c"], ["fragile", "solid"])
    box = found[found["playbook"] == "fragile"].set_index("parameter")
    assert set(box.index) == {"a", "b"}
    assert box.at["a", "low"] == pytest.approx(0.6, abs=0.05)
    assert box.at["b", "high"] == pytest.approx(0.4, abs=0.05)
    assert box["density"].iloc[0] >= 0.8 and box["coverage"].iloc[0] >= 0.8
    solid = found[found["playbook"] == "solid"]
    assert len(solid) == 1 and solid["note"].iloc[0] == "never loses"

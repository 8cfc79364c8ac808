"""Sweeps (``-m``): a job that fails makes the command exit non-zero, and ``compare -m``
collects every comparison into tables with a column per swept parameter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.commands import compare as cmp
from experiments.commands import run as run_command

TINY = ["community.n=100", "days=4"]


def test_a_sweep_with_a_job_failing_during_its_run_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = run_command.run_config

    def crash_on_day_5(cfg: Any, **kwargs: Any) -> Any:
        if cfg.days == 5:
            raise RuntimeError("injected fault")
        return real(cfg, **kwargs)

    monkeypatch.setattr(run_command, "run_config", crash_on_day_5)
    args = ["-m", "community.n=100", "days=4,5", f"hydra.sweep.dir={tmp_path}"]
    assert run_command.main(args) == 1
    assert "1 job(s) failed" in capsys.readouterr().err
    error = json.loads((tmp_path / "1" / "error.json").read_text(encoding="utf-8"))
    assert error["exit_code"] == 1 and "injected fault" in error["error"]
    assert list(pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")["job"]) == [0]
    errors = pd.read_csv(tmp_path / "errors.csv", encoding="utf-8-sig")
    assert list(errors["job"]) == [1] and "injected fault" in errors["error"][0]


@pytest.mark.slow  # two small comparisons (about 10 s): the whole path of compare -m
def test_compare_sweep_collects_tables_with_the_swept_parameter(tmp_path: Path) -> None:
    args = [
        "-m",
        "playbooks=[baseline,weekly_qa]",
        "reps=2",
        *TINY,
        "executor=serial",
        "check_assumptions=off",
        "acquisition.q=0.02,0.2",
        "plot_format=[svg,pdf]",
        f"hydra.sweep.dir={tmp_path}",
    ]
    assert cmp.main(args) == 0
    per_run = pd.read_csv(tmp_path / "runs_summary.csv", encoding="utf-8-sig")
    assert list(per_run["job"]) == [0] * 4 + [1] * 4
    assert list(per_run["acquisition.q"]) == [0.02] * 4 + [0.2] * 4
    assert list(per_run["playbook"])[:4] == ["baseline", "baseline", "weekly_qa", "weekly_qa"]
    for name in ("summary.csv", "differences.csv", "ranking.csv", "segments.csv"):
        table = pd.read_csv(tmp_path / name, encoding="utf-8-sig")
        assert set(table["acquisition.q"]) == {0.02, 0.2}, name
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert runs["job"].dtype == "int64" and set(runs["acquisition.q"]) == {0.02, 0.2}
    wom = per_run.groupby("acquisition.q")["members_final"].mean()
    assert wom[0.2] > wom[0.02]  # the swept value reached the runs
    assert (tmp_path / "0" / "plots" / "curves.pdf").is_file()
    assert not (tmp_path / "0" / "plots" / "curves.png").exists()
    assert "data:image/svg+xml;base64," in (tmp_path / "0" / "report.html").read_text()

"""From a log to a run that starts from today: ``calibrate as_of=``, ``run from=``, ``compare
from=``, as a user runs them (subprocesses), on a small log commsim writes itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.calibration.history import read_history
from experiments.calibration.simulate import write_log
from sim.runner import compose, to_plain

COMMSIM = [sys.executable, "-m", "experiments.cli"]
AS_OF_DAY = 30


def commsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quick calibration of a 600-person, 50-day log, with its state on day 30."""
    folder = tmp_path_factory.mktemp("start")
    overrides = ["community.n=600", "acquisition.p=0.01", "acquisition.q=0.1"]
    plain = to_plain(compose([*overrides, "initial_members=5"]))
    log = write_log(plain, 7, 50, folder / "visits log é.txt.gz")
    as_of = (read_history(log).start + pd.Timedelta(days=AS_OF_DAY)).date().isoformat()
    out = folder / "fit"
    proc = commsim(
        "calibrate",
        f"data={log}",
        f"as_of={as_of}",
        "calibration=smoke",
        "calibration.restarts=1",
        "executor=serial",
        f"hydra.run.dir={out}",
    )
    assert proc.returncode == 0, proc.stderr
    assert f"state on {as_of} (day {AS_OF_DAY})" in proc.stdout, proc.stdout
    return out


def test_the_state_on_as_of_is_recorded(calibrated: Path) -> None:
    report = json.loads((calibrated / "calibration.json").read_text())
    state = pd.read_parquet(calibrated / "start.parquet")
    record = report["as_of"]
    assert record["day"] == AS_OF_DAY and record["people"] == len(state)
    assert record["members"] == int((~state["left"]).sum())
    idle = state.loc[~state["left"], "idle"]
    assert record["weekly_active"] == int((idle < 7).sum())
    assert record["monthly_active"] == int((idle < 30).sum())
    assert state["tenure"].max() <= AS_OF_DAY and len(state) < report["users"]


def test_run_from_the_folder_starts_from_the_state(calibrated: Path, tmp_path: Path) -> None:
    proc = commsim("run", f"from={calibrated}", "days=10", f"hydra.run.dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    metrics = pd.read_parquet(tmp_path / "metrics.parquet")
    state = pd.read_parquet(calibrated / "start.parquet")
    assert len(metrics) == 11 and metrics["members"].iloc[0] == int((~state["left"]).sum())
    report = json.loads((calibrated / "calibration.json").read_text())
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_people"] == report["parameters"]["community.n"]["value"]


def test_compare_from_the_folder(calibrated: Path, tmp_path: Path) -> None:
    proc = commsim(
        "compare",
        f"from={calibrated}",
        "playbooks=[baseline,weekly_qa]",
        "reps=2",
        "days=10",
        "executor=serial",
        "check_assumptions=off",
        f"hydra.run.dir={tmp_path}",
    )
    assert proc.returncode == 0, proc.stderr
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    members = int((~pd.read_parquet(calibrated / "start.parquet")["left"]).sum())
    first = runs[runs["day"] == 0]
    assert len(first) == 4 and (first["members"] == members).all()
    assert runs["day"].max() == 10


def test_dated_drivers_start_on_the_logs_first_day_and_on_as_of(calibrated: Path) -> None:
    """calibrated.args carries the log's first date; from=DIR replaces it by the as_of date."""
    from experiments.calibration.from_folder import expand_from

    folder = calibrated
    args = (folder / "calibrated.args").read_text().split()
    first = [a for a in args if a.startswith("drivers.start_date=")]
    assert len(first) == 1
    report = json.loads((folder / "calibration.json").read_text())
    expanded = expand_from([f"from={folder}", "days=5"])
    dated = [a for a in expanded if a.startswith("drivers.start_date=")]
    assert dated == [f"drivers.start_date={report['as_of']['date']}"]
    log_start = json.loads((folder / "calibration.json").read_text())["start"][:10]
    assert first == [f"drivers.start_date={log_start}"]
    assert report["as_of"]["day"] > 0 and dated != first

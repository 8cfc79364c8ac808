"""``calibration.method=abc`` end to end: the posterior sample, its intervals in
``calibration.json``, reproducibility by seed, and ``compare from=DIR posterior=on``.

A small log written by a commsim community (``write_log``); the smoke budget (a dozen
particles, two generations): seconds, not a fit to trust.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.calibration.simulate import write_log
from sim.runner import compose, to_plain

#: every test here waits for a calibration (the module's fixture) or runs comparisons
pytestmark = pytest.mark.slow
COMMSIM = [sys.executable, "-m", "experiments.cli"]
TRUTH = ["community.n=400", "acquisition.p=0.02", "acquisition.q=0.1", "initial_members=5"]


def commsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("log")
    return write_log(to_plain(compose(TRUTH)), 11, 56, folder / "visits.txt.gz")


def abc_fit(log: Path, out: Path, *extra: str) -> dict:
    proc = commsim(
        "calibrate",
        f"data={log}",
        "calibration=smoke",
        "calibration.method=abc",
        f"hydra.run.dir={out}",
        *extra,
    )
    assert proc.returncode == 0, proc.stderr
    assert "posterior (ABC-SMC)" in proc.stdout
    return json.loads((out / "calibration.json").read_text())


@pytest.fixture(scope="module")
def fit(tmp_path_factory: pytest.TempPathFactory, log: Path) -> Path:
    out = tmp_path_factory.mktemp("abc")
    abc_fit(log, out, "executor=serial")
    return out


def test_posterior_sample_and_intervals(fit: Path) -> None:
    report = json.loads((fit / "calibration.json").read_text())
    frame = pd.read_parquet(fit / "posterior.parquet")
    post = report["posterior"]
    assert report["method"] == "abc"
    assert len(frame) == post["particles"] == 12  # calibration=smoke: abc.population
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert (frame["loss"] >= 0).all()
    assert post["generations"] == len(post["epsilons"]) >= 1
    assert post["epsilons"][0] is None  # the prior sample
    assert post["simulations"] <= report["simulations"]
    for key, spec in report["parameters"].items():
        assert spec["low"] <= spec["q05"] <= spec["median"] <= spec["q95"] <= spec["high"]
        assert frame[key].between(spec["low"], spec["high"]).all()
        assert spec["low"] <= spec["value"] <= spec["high"]
    args = (fit / "calibrated.args").read_text().split()
    assert any(a.startswith("acquisition.p=") for a in args)


def test_same_seed_same_posterior_whatever_the_workers(
    fit: Path, log: Path, tmp_path: Path
) -> None:
    abc_fit(log, tmp_path, "executor=joblib", "workers=2")
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "posterior.parquet"), pd.read_parquet(fit / "posterior.parquet")
    )


def compare(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return commsim(
        "compare",
        f"from={folder}",
        "playbooks=[baseline,weekly_qa]",
        "reps=3",
        "days=20",
        "executor=serial",
        "check_assumptions=off",
        f"hydra.run.dir={out}",
        *extra,
    )


def test_compare_draws_from_the_posterior(fit: Path, tmp_path: Path) -> None:
    on, off = tmp_path / "on", tmp_path / "off"
    assert compare(fit, on, "posterior=on").returncode == 0
    assert compare(fit, off).returncode == 0
    runs_on = pd.read_csv(on / "runs_summary.csv")
    runs_off = pd.read_csv(off / "runs_summary.csv")
    assert not runs_on["members_final"].equals(runs_off["members_final"])  # other parameters


def test_posterior_on_needs_a_posterior_sample(fit: Path, tmp_path: Path) -> None:
    (fit / "posterior.parquet").rename(tmp_path / "kept.parquet")
    try:
        proc = compare(fit, tmp_path / "out", "posterior=on")
    finally:
        (tmp_path / "kept.parquet").rename(fit / "posterior.parquet")
    assert proc.returncode == 2
    assert "posterior" in proc.stderr and "calibration.method=abc" in proc.stderr
    assert "Traceback" not in proc.stderr

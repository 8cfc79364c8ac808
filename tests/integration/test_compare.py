"""commsim compare and sweeps: outputs, confidence intervals, pairing, determinism, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.commands.compare import check_options, compare
from sim.runner import compose

SMALL = ["community.n=500", "days=60"]
COMMSIM = [sys.executable, "-m", "experiments.cli"]


def options(**kw) -> dict:
    cfg = compose(
        [
            f"playbooks=[{','.join(kw.pop('books', ['baseline', 'weekly_qa']))}]",
            f"reps={kw.pop('reps', 3)}",
            "executor=serial",
            "check_assumptions=off",
        ],
        config_name="compare",
    )
    return {**check_options(cfg), **kw}


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory):
    a = compare(options(), SMALL, tmp_path_factory.mktemp("a"), progress=False)
    b = compare(options(), SMALL, tmp_path_factory.mktemp("b"), progress=False)
    return a, b


def test_compare_writes_every_output(twice) -> None:
    out = twice[0].out_dir
    for name in (
        "runs.parquet",
        "summary.csv",
        "differences.csv",
        "ranking.csv",
        "runs_summary.csv",
        "report.html",
        "segments.csv",
        "summary.xlsx",
        "decision.json",
        "plots/curves.png",
        "plots/effects.png",
        "plots/cost.png",
        "plots/channels.png",
    ):
        assert (out / name).is_file(), name
    runs = pd.read_parquet(out / "runs.parquet")
    assert {"playbook", "rep", "seed", "day", "members", "active", "posts"} <= set(runs.columns)
    assert len(runs) == 2 * 3 * 61
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and 'src="http' not in html


def test_each_interval_contains_its_mean(twice) -> None:
    s = twice[0].summary.dropna(subset=["mean"])
    assert ((s["ci_low"] <= s["mean"]) & (s["mean"] <= s["ci_high"])).all()


def test_same_compare_twice_gives_identical_tables(twice) -> None:
    a, b = twice
    cols = [c for c in a.per_run.columns if c != "key"]
    assert a.per_run[cols].equals(b.per_run[cols])
    assert a.summary.equals(b.summary) and a.differences.equals(b.differences)
    assert a.runs.equals(b.runs)


def test_replication_r_has_the_same_seed_in_every_playbook(twice) -> None:
    per_run = twice[0].per_run
    seeds = per_run.pivot(index="rep", columns="playbook", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()
    assert sorted(seeds.iloc[:, 0]) == [0, 1, 2]


def test_differences_are_paired_against_the_first_playbook(twice) -> None:
    d = twice[0].differences
    assert set(d["playbook"]) == {"weekly_qa"}
    per_run = twice[0].per_run.set_index(["playbook", "rep"])
    manual = (
        per_run.loc["weekly_qa", "members_final"] - per_run.loc["baseline", "members_final"]
    ).mean()
    row = d[d["kpi"] == "members_final"].iloc[0]
    assert row["diff"] == pytest.approx(manual)
    assert {"p_ttest", "p_wilcoxon", "effect_dz", "diff_low", "diff_high"} <= set(d.columns)


def test_rerun_in_the_same_folder_resumes(tmp_path: Path, capsys) -> None:
    compare(options(books=["baseline"], reps=2), SMALL, tmp_path, progress=False)
    first = sorted(p.name for p in (tmp_path / "runs").glob("*.json"))
    result = compare(options(books=["baseline"], reps=3), SMALL, tmp_path, progress=False)
    assert "runs: 2 of 3 already done" in capsys.readouterr().out
    assert len(result.per_run) == 3
    assert set(first) <= {p.name for p in (tmp_path / "runs").glob("*.json")}


def test_bad_compare_options_name_the_key() -> None:
    from sim import ConfigError

    for override, key in (
        ("playbooks=[nope]", "playbooks"),
        ("reps=0", "reps"),
        ("rank_by=happiness", "rank_by"),
        ("executor=spark", "executor"),
    ):
        with pytest.raises(ConfigError) as err:
            check_options(compose([override], config_name="compare"))
        assert err.value.key == key


def test_compare_cli_prints_table(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            *COMMSIM,
            "compare",
            "playbooks=[baseline]",
            "reps=2",
            *SMALL,
            "executor=serial",
            "lang=en",
            f"hydra.run.dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "members at the end" in proc.stdout and "report.html" in proc.stdout
    assert "No plan beats the baseline (baseline)" in proc.stdout
    bad = subprocess.run(
        [*COMMSIM, "compare", "playbooks=[nope]", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "playbooks" in bad.stderr and "Traceback" not in bad.stderr


def finished_jobs(sweep: Path) -> int:
    """Jobs the resume logic skips: a summary and the completion marker (``seed.json`` with
    the config key, written last), as ``experiments.commands.run.finished`` checks."""
    return sum(
        1
        for marker in sweep.glob("*/seed.json")
        if "config_key" in json.loads(marker.read_text())
        and (marker.parent / "summary.json").exists()
    )


@pytest.mark.slow
def test_killed_sweep_rerun_has_every_run_exactly_once(tmp_path: Path) -> None:
    args = [
        *COMMSIM,
        "run",
        "-m",
        "community.n=2000",
        "days=200",
        "seed=0,1,2,3,4,5",
        f"hydra.sweep.dir={tmp_path}",
    ]
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 120
    while time.time() < deadline and finished_jobs(tmp_path) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = finished_jobs(tmp_path)
    assert 2 <= done_before < 6, "the sweep was not interrupted midway"
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.count("already done") == done_before
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert sorted(summary["seed"]) == [0, 1, 2, 3, 4, 5]
    assert summary["config_key"].is_unique


def test_crashed_job_is_listed_and_others_finish(tmp_path: Path) -> None:
    edges = tmp_path / "g.txt"
    edges.write_text("0 1\n1 2\n2 3\n3 0\n")
    args = [
        *COMMSIM,
        "run",
        "-m",
        "community=file",
        f"community.path={edges}",
        "days=5",
        "initial_members=2,99",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    ]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    summary = pd.read_csv(tmp_path / "sweep" / "summary.csv")
    assert list(summary["initial_members"]) == [2]
    assert proc.returncode == 2 and "initial_members" in proc.stderr  # a job's bad input: 2
    errors = pd.read_csv(tmp_path / "sweep" / "errors.csv")
    assert list(errors["initial_members"]) == [99] and "initial_members" in errors["error"][0]

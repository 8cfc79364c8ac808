"""``commsim optimise``: best.yaml reproduces the study, the best is re-run on fresh seeds,
no trial within the budget is a failure (exit 1), and the options and lever ranges are
checked before Hydra makes the run folder (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from experiments.commands import optimise as opt
from experiments.runs.best import merge_overrides
from sim.runner import compose, run_config, to_plain

#: differs from the search file's days=180 and the default community size
LINE = ["community.n=300", "days=20"]
SMALL_STUDY = [
    "search=seeding_ads",
    "search.n_trials=3",
    "search.reps=2",
    "search.recheck.top=2",
    "search.recheck.reps=2",
    "executor=serial",
]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The printed texts in English (the tests read them), whatever the locale."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.mark.slow  # 3 trials x 2 runs, 2 x 2 fresh runs, 2 runs to reproduce (~10 s)
def test_best_yaml_reproduces_the_reported_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opt.main([*SMALL_STUDY, *LINE, f"hydra.run.dir={tmp_path}"]) == 0
    out = capsys.readouterr().out
    best = yaml.safe_load((tmp_path / "best.yaml").read_text(encoding="utf-8"))
    overrides = best["overrides"]
    assert "days=20" in overrides and "days=180" not in overrides
    plain = to_plain(compose(overrides))
    assert plain["days"] == 20 and plain["community"]["n"] == 300
    kpi = best["kpi"]
    values = []
    for seed in best["seeds"]:
        result = run_config(compose([*overrides, f"seed={seed}", "run.progress=off"]))
        values.append(float(result.summary[kpi]))
    assert values == best["runs"]
    assert float(pd.Series(values).mean()) == best["value"]
    trials = pd.read_csv(tmp_path / "trials.csv", encoding="utf-8-sig")
    assert trials.set_index("trial").loc[best["trial"], "kpi"] == best["value"]
    fresh = best["fresh"]
    assert fresh["seeds"] == [2, 3] and not set(fresh["seeds"]) & set(best["seeds"])
    assert fresh["ci_low"] <= fresh["mean"] <= fresh["ci_high"] and fresh["runs"] == 2
    table = pd.read_csv(tmp_path / "recheck.csv", encoding="utf-8-sig")
    assert len(table) == 2 and table.iloc[0]["trial"] == best["trial"]
    assert table.iloc[0]["fresh_mean"] >= table.iloc[1]["fresh_mean"]  # members: more is better
    assert "in-sample" in out and "95% CI" in out and "over it (infeasible)" in out
    assert f"seed={','.join(map(str, best['seeds']))}" in best["command"]


def test_no_trial_within_the_budget_exits_1_and_keeps_the_trials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        *SMALL_STUDY,
        "search.n_trials=2",
        "search.reps=1",
        "search.budget=10",
        "search.space.strategies.reach.ad_spend_per_day.low=50",
        *LINE,
        f"hydra.run.dir={tmp_path}",
    ]
    assert opt.main(args) == 1
    err = capsys.readouterr().err
    trials = pd.read_csv(tmp_path / "trials.csv", encoding="utf-8-sig")
    assert len(trials) == 2 and not trials["feasible"].any()
    cheapest = f"{trials['cost_total'].min():,.0f}"
    assert "no trial met the budget" in err and "all 2 finished trials" in err
    assert cheapest in err and "Raise search.budget" in err and "Traceback" not in err
    assert not (tmp_path / "best.yaml").exists()


@pytest.mark.parametrize(
    ("arg", "key"),
    [
        ("search.space.strategies.reach.ad_spend_per_day.low=-5", "ad_spend_per_day.low"),
        ("search.space.strategies.seeding.k.high=100000000", "search.space.strategies.seeding.k"),
        ("seed=4", "seed="),
        ("search.recheck.seed=1", "search.recheck.seed"),
        ("search.recheck.reps=1", "search.recheck.reps"),
        ("search.budget=-1", "search.budget"),
        ("search.storage=nosuch://x", "search.storage"),
        ("workers=0", "workers"),
    ],
)
def test_options_and_range_ends_are_checked_before_the_run_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arg: str, key: str
) -> None:
    folder = tmp_path / "run"
    assert opt.main(["search=seeding_ads", *LINE, arg, f"hydra.run.dir={folder}"]) == 2
    assert key in capsys.readouterr().err
    assert not folder.exists()


def test_a_key_given_again_keeps_its_last_value() -> None:
    merged = merge_overrides(["days=180", "+a.b=1", "community.n=1000", "days=90", "a.b=2"])
    assert merged == ["community.n=1000", "days=90", "++a.b=2"]
    assert merge_overrides(["~x", "x=1", "++y=2", "y=3"]) == ["~x", "x=1", "++y=3"]


def test_a_full_disk_under_the_study_storage_is_an_output_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Optuna's SQLite file on a real 48 KiB tmpfs (its tables need more) where the machine
    lets the tests mount one; otherwise SQLite's own "database or disk is full" is raised
    from the storage."""
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(disk)]
    real = subprocess.run(mount, capture_output=True).returncode == 0
    try:
        args = [*SMALL_STUDY, *LINE, f"search.storage=sqlite:///{disk}/study.db"]
        args += [f"hydra.run.dir={tmp_path / 'out'}"]
        if real:
            code = opt.main(args)
        else:
            import sqlite3

            import optuna
            from sqlalchemy.exc import OperationalError

            def full(*_: object, **__: object) -> None:
                cause = sqlite3.OperationalError("database or disk is full")
                raise OperationalError("INSERT INTO studies", {}, cause)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(optuna, "create_study", full)
                code = opt.main(args)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"cannot write {disk}/study.db (No space left on device)" in err
    assert "rerun the same command" in err and "Traceback" not in err

"""Optimise, sensitivity and robustness on small problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.commands import optimise as opt
from experiments.commands import robustness as rob
from experiments.commands import sensitivity as sens
from experiments.runs.evaluate import evaluate
from sim import ConfigError
from sim.runner import compose

SMALL = ["community.n=800", "days=60"]


def test_optimiser_beats_random_lever_choice(tmp_path: Path) -> None:
    cfg = compose(
        [
            "search=seeding_ads",
            "search.n_trials=10",
            "search.reps=2",
            "search.recheck.top=2",
            "search.recheck.reps=2",
            "executor=serial",
            *SMALL,
        ],
        config_name="optimise",
    )
    search = opt.check_search(cfg)
    study = opt.optimise(search, SMALL, tmp_path, progress=False)
    for name in ("best.yaml", "trials.csv", "recheck.csv", "optimisation.png"):
        assert (tmp_path / name).is_file()
    best = study.best
    assert best["cost_total"] <= search["budget"] and best["fresh"]["within_budget"]
    counts = best["trials"]
    assert counts["within_budget"] + counts["over_budget"] == counts["finished"] == 10
    assert counts["over_budget"] == int((~study.trials["feasible"]).sum())
    assert not set(best["seeds"]) & set(best["fresh"]["seeds"])
    rng = np.random.default_rng(7)
    randoms = [{d.key: d.from_unit(rng.random()) for d in search["dims"]} for _ in range(6)]
    runs = evaluate(randoms, [*search["base"], *SMALL], 2, search["seed"], "serial", progress=False)
    feasible = runs.groupby("setting").filter(lambda g: g["cost_total"].mean() <= search["budget"])
    random_mean = feasible.groupby("setting")[search["kpi"]].mean().mean()
    assert best["value"] > random_mean


def test_optimise_is_seeded(tmp_path: Path) -> None:
    cfg = compose(
        [
            "search=seeding_ads",
            "search.n_trials=4",
            "search.reps=1",
            "search.recheck.top=1",
            "search.recheck.reps=2",
            "executor=serial",
            *SMALL,
        ],
        config_name="optimise",
    )
    search = opt.check_search(cfg)
    a = opt.optimise(search, SMALL, tmp_path / "a", progress=False)
    b = opt.optimise(search, SMALL, tmp_path / "b", progress=False)
    assert a.trials.equals(b.trials) and a.fresh.equals(b.fresh) and a.best == b.best


def test_sensitivity_ranks_the_dominant_parameter_first(tmp_path: Path) -> None:
    cfg = compose(["uncertainty=dominant", "executor=serial"], config_name="sensitivity")
    u = sens.check_uncertainty(cfg)
    morris, sobol = sens.sensitivity(u, [], tmp_path, progress=False)
    assert morris.iloc[0]["parameter"] == "acquisition.q"
    assert morris.iloc[0]["mu_star"] > 5 * morris.iloc[1]["mu_star"]
    assert {"mu_star_conf", "sigma"} <= set(morris.columns)
    assert sobol is not None and sobol.iloc[0]["ST"] > 0.5
    assert (tmp_path / "sensitivity.png").is_file() and (tmp_path / "sobol.csv").is_file()


def test_robustness_reports_regret_and_wins(tmp_path: Path) -> None:
    cfg = compose(
        [
            "playbooks=[baseline,weekly_qa]",
            "scenarios=3",
            "reps=1",
            "uncertainty=dominant",
            "executor=serial",
        ],
        config_name="robustness",
    )
    table = rob.robustness(rob.check_options(cfg), [], tmp_path, progress=False)
    assert set(table["playbook"]) == {"baseline", "weekly_qa"}
    assert table["share_won"].sum() >= 1.0 - 1e-9
    assert (table["mean_regret"] >= 0).all()
    per = pd.read_csv(tmp_path / "scenarios.csv")
    assert per["scenario"].nunique() == 3


@pytest.mark.parametrize(
    ("name", "override", "key"),
    [
        ("optimise", "search.kpi=fun", "search.kpi"),
        ("optimise", "search.n_trials=0", "search.n_trials"),
        (
            "sensitivity",
            "uncertainty.parameters.acquisition.q.high=-1",
            "uncertainty.parameters.acquisition.q.high",
        ),
        ("robustness", "playbooks=[baseline]", "playbooks"),
        ("robustness", "discovery.min_density=0", "discovery.min_density"),
    ],
)
def test_bad_search_options_name_the_key(name: str, override: str, key: str) -> None:
    checks = {
        "optimise": opt.check_search,
        "sensitivity": sens.check_uncertainty,
        "robustness": rob.check_options,
    }
    with pytest.raises(ConfigError) as err:
        checks[name](compose([override], config_name=name))
    assert err.value.key == key

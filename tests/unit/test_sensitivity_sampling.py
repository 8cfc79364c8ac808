"""Sensitivity's sampling and analysis, without simulating: log ranges, seeds, no imputation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from experiments.commands import sensitivity as sens
from experiments.runs.executors import RunsFailed
from experiments.runs.space import Dimension, from_unit_rows

LOG = Dimension("acquisition.p", "float", 1e-5, 0.1, log=True)
LIN = Dimension("behaviour.visits.slope", "float", 0.0, 1.0)


def test_a_log_range_is_sampled_in_log_space() -> None:
    values = [row["acquisition.p"] for row in from_unit_rows([LOG], np.array([[0], [0.5], [1]]))]
    assert values == pytest.approx([1e-5, 1e-3, 0.1])


def test_morris_levels_of_a_log_range_are_evenly_spaced_in_log_space() -> None:
    from SALib.sample import morris as sample

    u = {"seed": 0}
    x = sample.sample(sens._problem([LOG, LIN]), 6, num_levels=4, seed=sens._rng(u))
    levels = sorted({row["acquisition.p"] for row in from_unit_rows([LOG, LIN], x)})
    assert levels == pytest.approx([1e-5, 10 ** (-5 + 4 / 3), 10 ** (-5 + 8 / 3), 0.1])
    slopes = sorted({row["behaviour.visits.slope"] for row in from_unit_rows([LOG, LIN], x)})
    assert slopes == pytest.approx([0, 1 / 3, 2 / 3, 1])


def fake_stage(kpi: str, undefined: set[int] = frozenset()) -> Any:  # type: ignore[assignment]
    """A stand-in for the simulation: the KPI is a known function of the unit inputs."""

    def run_stage(
        u: dict[str, Any],
        stage: str,
        dims: list[Dimension],
        unit: np.ndarray,
        base: Any,
        start: int = 0,
        progress: Any = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        y = np.sin(3 * unit[:, 0]) + 0.3 * unit[:, -1] ** 2 + unit[:, 0] * unit[:, -1]
        runs = np.arange(len(unit)) + start
        status = ["undefined" if i in undefined else "ok" for i in range(len(unit))]
        y = np.where([s == "ok" for s in status], y, np.nan)
        experiments = pd.DataFrame({"run": runs, "stage": stage})
        outcomes = pd.DataFrame({"run": runs, "stage": stage, "status": status, kpi: y})
        return experiments, outcomes

    return run_stage


def options(seed: int) -> dict[str, Any]:
    return {
        "dims": [LOG, LIN, Dimension("acquisition.q", "float", 0.0, 0.2)],
        "kpi": "members_final",
        "seed": seed,
        "morris_trajectories": 6,
        "morris_levels": 4,
        "sobol_samples": 16,
        "sobol_top": 2,
    }


@pytest.mark.parametrize("seed", [0, 7])
def test_identical_runs_give_identical_confidence_intervals(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sens, "run_stage", fake_stage("members_final"))
    u = options(seed)
    first = [sens.morris(u, [])[2], sens.sobol(u, ["acquisition.p", "acquisition.q"], [])[2]]
    second = [sens.morris(u, [])[2], sens.sobol(u, ["acquisition.p", "acquisition.q"], [])[2]]
    for a, b in zip(first, second, strict=True):
        assert a is not None and b is not None
        pd.testing.assert_frame_equal(a, b)
    assert first[1]["S1_conf"].notna().all() and (first[1]["S1_conf"] > 0).all()


def test_an_undefined_run_stops_sensitivity_with_its_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sens, "run_stage", fake_stage("members_final", undefined={3}))
    monkeypatch.setattr(sens, "check_ends", lambda *a, **k: None)
    monkeypatch.setattr(sens, "fixed_values", lambda dims, base: {})
    u = {**options(0), "base": []}
    with pytest.raises(RunsFailed) as err:
        sens.sensitivity(u, [], tmp_path, progress=False)
    assert "0 of 24 runs failed and 1 gave no value of members_final" in str(err.value)
    assert "nothing is imputed" in str(err.value)
    assert not (tmp_path / "morris.csv").exists()
    outcomes = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert (outcomes["status"] == "undefined").sum() == 1 and len(outcomes) == 24

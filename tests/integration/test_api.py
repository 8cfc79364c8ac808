"""The public API (``sim.build_model``, ``sim.run``), one check before day 1, the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.runner import compose

ROOT = Path(__file__).resolve().parents[2]
BAD_LEVER = ["playbook=weekly_qa", "strategies.events.items.qa.capacity=-5"]
KEY = "strategies.events.items.qa.capacity"


def test_check_rejects_a_bad_strategy_lever() -> None:
    with pytest.raises(sim.ConfigError, match=re.escape(KEY)):
        sim.check(compose(BAD_LEVER))


def test_build_model_rejects_a_bad_strategy_lever_before_day_one() -> None:
    with pytest.raises(sim.ConfigError, match=re.escape(KEY)):
        sim.build_model(BAD_LEVER)


def test_commsim_run_exits_2_naming_the_lever_before_simulating(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "run", *BAD_LEVER, f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and KEY in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "metrics.parquet").exists()


def test_build_model_attaches_the_playbooks_strategies() -> None:
    model = sim.build_model(["playbook=weekly_qa", "community.n=300", "days=10"])
    assert [type(s).__name__ for s in model.strategies] == ["EventCalendar"]
    assert model.day == 0


def test_build_model_then_run_is_the_same_as_run() -> None:
    overrides = ["playbook=weekly_qa", "community.n=300", "days=15", "run.progress=off"]
    model = sim.build_model(overrides)
    days: list[int] = []
    model.run(on_day=lambda m: days.append(m.day))
    assert days == list(range(1, 16))
    expected = sim.run(overrides).metrics
    assert model.recorder.frame().equals(expected)


def test_the_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Quickstart: Python") :]
    code = section[section.index("```python") + len("```python") : section.index("```\n", 10)]
    small = code.replace('"community.n=2000", "days=180"', '"community.n=300", "days=20"')
    assert small != code, "the README example's run size changed: shrink it here too"
    import matplotlib

    matplotlib.use("Agg")
    exec(compile(small, "README.md", "exec"), {})


def test_the_simulation_accepts_only_its_own_keys_whatever_was_imported() -> None:
    from experiments.commands import compare, optimise, robustness, sensitivity  # noqa: F401
    from experiments.runs.hydra_app import sim_config

    cfg = compose(["reps=2"], config_name="compare")
    with pytest.raises(sim.ConfigError, match="reps|playbooks|rank_by"):
        sim.check(cfg)  # compare's keys are compare's, not the simulation's
    assert sim.check(sim_config(cfg, compare.COMPARE_KEYS)).days == cfg.days


def test_an_unknown_kpi_names_the_key_that_asked_for_it() -> None:
    from sim.kpis import Direction, kpi

    assert kpi("cost_total", "rank_by").direction is Direction.MIN
    with pytest.raises(sim.ConfigError, match="rank_by"):
        kpi("members_finale", "rank_by")


def test_the_architecture_page_example_runs() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("## One way to build and run") :]
    code = section[section.index("```python") + len("```python") : section.index("```\n", 10)]
    small = code.replace('"community.n=2000", "days=90"', '"community.n=300", "days=40"')
    assert small.count("community.n=300") == 2, "the example's run size changed: shrink it here"
    exec(compile(small, "docs/architecture.md", "exec"), {"print": lambda *a: None})

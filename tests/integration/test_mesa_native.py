"""Mesa's own tools on ``CommunityModel``: ``mesa.batch_run`` from keyword parameters, one
seed per run, and ``DataCollector`` agent data joined to ``members.parquet`` by id."""

from __future__ import annotations

from pathlib import Path

import mesa
import pandas as pd
import pytest

import sim
from sim.model import CommunityModel

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"community.n": 200, "days": 20, "run.progress": "off"}


def test_batch_run_builds_the_model_from_keywords_one_seed_per_run() -> None:
    rows = mesa.batch_run(
        CommunityModel,
        parameters={"seed": range(3), **SMALL},
        max_steps=20,
        number_processes=1,
        display_progress=False,
    )
    assert [r["seed"] for r in rows] == [0, 1, 2] and {r["Step"] for r in rows} == {19}
    expected = sim.run(["seed=2", "community.n=200", "days=20"])  # built the usual way
    assert rows[2]["members"] == expected.metrics["members"][19]
    assert rows[2]["joined_total"] == expected.metrics["joined_total"][19]
    assert len({(r["members"], r["joined_total"], r["posts"]) for r in rows}) > 1


def test_batch_run_iterations_without_a_seed_get_fresh_recorded_seeds() -> None:
    rows = mesa.batch_run(CommunityModel, SMALL, iterations=3, max_steps=20, display_progress=False)
    seeds = [r["seed"] for r in rows]
    assert len(set(seeds)) == 3
    again = CommunityModel(seed=seeds[1], **SMALL).run()  # the recorded seed repeats it
    assert again.recorder.rows["members"][19] == rows[1]["members"]


def test_keywords_are_the_command_line_keys() -> None:
    model = CommunityModel(seed=4, days=15, playbook="weekly_qa", community={"n": 300})
    built = sim.build_model(["seed=4", "days=15", "playbook=weekly_qa", "community.n=300"])
    assert model.config == built.config
    assert [type(s) for s in model.strategies] == [type(s) for s in built.strategies]
    assert model.run().recorder.frame().equals(built.run().recorder.frame())
    assert CommunityModel(built.config, seed=9).config.seed == 9
    with pytest.raises(sim.ConfigError, match=r"community\.size"):
        CommunityModel(**{"community.size": 300})
    with pytest.raises(sim.ConfigError, match="days"):
        CommunityModel(built.config, days=10)


def test_keyword_values_of_every_kind_reach_the_config() -> None:
    crisis = {"day": 10, "share": 0.3, "severity": 0.8}
    model = CommunityModel(
        seed=1, crises=[crisis], run={"progress": False}, budget=None, **{"community.n": 200}
    )
    assert (model.config.crises[0].day, model.config.crises[0].severity) == (10, 0.8)
    assert model.config.run.progress is False and model.config.seed == 1
    path = "/no such folder/it's start.parquet"  # spaces and a quote, kept whole
    with pytest.raises(sim.ConfigError) as error:
        CommunityModel(seed=1, **{"start.path": path})
    assert error.value.key == "start.path" and error.value.value == path


def test_the_architecture_page_example_joins_agent_data_to_members_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("## Mesa's tools") :]
    code = section[section.index("```python") + len("```python") : section.index("```\n", 10)]
    monkeypatch.chdir(tmp_path)
    space: dict[str, object] = {}
    exec(compile(code, "docs/architecture.md", "exec"), space)
    batch, joined = space["batch"], space["joined"]
    assert isinstance(batch, pd.DataFrame) and isinstance(joined, pd.DataFrame)
    assert sorted(batch["seed"]) == [0, 1, 2] and batch["members"].nunique() > 1
    assert len(joined) == len(space["agents"])  # type: ignore[arg-type]
    last = joined[joined["Step"] == 40]
    assert len(last) == 300 and (last["AgentID"] == last["id"]).all()
    for column in ("sentiment", "posts", "visits"):  # the agent data's last day is the table
        assert (last[column] == last[f"{column}_end"]).all(), column
    assert joined["Step"].nunique() == 41 and (last["visits"] > 1).any()

"""A comparison a strategist can act on: from `commsim init`, plans x scenarios, the paired
KPIs against the baseline, the decision first in the report, the workbook and the CSVs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

COMMSIM = [sys.executable, "-m", "experiments.cli"]
PLANS = ["baseline", "my_weekly_live", "my_points_lite"]
SMALL = ["community.n=400", "days=100"]


def commsim(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMSIM, *args], capture_output=True, text=True, timeout=timeout, encoding="utf-8"
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("brand") / "mybrand"
    done = commsim("init", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def zh(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The comparison of the issue, small: three plans, two scenarios, Chinese, in yuan."""
    out = tmp_path_factory.mktemp("zh")
    done = commsim(
        f"--config-dir={project}",
        "compare",
        "community=my_community",
        f"playbooks=[{','.join(PLANS)}]",
        "scenarios=[base,crisis_day90]",
        "reps=3",
        *SMALL,
        "lang=zh",
        "currency=¥",
        "executor=serial",
        f"hydra.run.dir={out}",
    )
    assert done.returncode == 0, done.stderr
    assert "推荐方案" in done.stdout or "没有方案" in done.stdout, done.stdout
    return out


def last(runs: pd.DataFrame, column: str) -> pd.Series:
    return runs.sort_values("day").groupby(["scenario", "playbook", "rep"])[column].last()


def test_incremental_kpis_match_a_recomputation_from_the_daily_table(zh: Path) -> None:
    runs = pd.read_parquet(zh / "runs.parquet")
    per = pd.read_csv(zh / "runs_summary.csv").set_index(["scenario", "playbook", "rep"])
    members = last(runs, "members")
    active = members - last(runs, "dormant")
    days = runs[runs["day"] > 0].groupby(["scenario", "playbook", "rep"])
    mean_active, revenue, cost = days["active"].mean(), days["revenue"].sum(), days["cost"].sum()

    def against_baseline(series: pd.Series) -> pd.Series:
        base = series.xs("baseline", level="playbook")
        return series - base.reindex(series.index.droplevel("playbook")).to_numpy()

    extra = against_baseline(members)
    extra_cost, extra_revenue = against_baseline(cost), against_baseline(revenue)
    expect = pd.DataFrame(
        {
            "incremental_members": extra,
            "incremental_active": against_baseline(mean_active),
            "incremental_revenue": extra_revenue,
            "incremental_cost": extra_cost,
            "incremental_roi": ((extra_revenue - extra_cost) / extra_cost).where(extra_cost > 0),
            "cost_per_incremental_member": (extra_cost.clip(lower=0) / extra).where(extra > 0),
            "cost_per_incremental_retained_member": (
                extra_cost.clip(lower=0) / against_baseline(active)
            ).where(against_baseline(active) > 0),
        }
    )
    plans = expect.index.get_level_values("playbook") != "baseline"
    for column in expect:
        got = per.loc[expect.index, column].to_numpy(dtype=float)[plans]
        want = expect[column].to_numpy(dtype=float)[plans]
        np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=column)
    assert (per.loc[expect.index[~plans], "incremental_members"] == 0).all()
    assert per["cost_total"].max() > 0, "the example plans spend money"


def test_every_plan_runs_in_every_scenario_with_the_same_seeds(zh: Path) -> None:
    per = pd.read_csv(zh / "runs_summary.csv")
    cells = per.groupby(["scenario", "playbook"])["seed"].apply(sorted)
    assert len(cells) == 2 * 3 and all(seeds == [0, 1, 2] for seeds in cells)
    crisis = per[per["scenario"] == "crisis_day90"]["sentiment_final"].mean()
    assert crisis < per[per["scenario"] == "base"]["sentiment_final"].mean()


def test_the_report_opens_with_the_decision_in_chinese(zh: Path) -> None:
    page = (zh / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page
    decision = page.index('id="decision"')
    assert decision < page.index("<img") and decision < page.index("<details>")
    assert "决策建议" in page and "方案 × 情景" in page and "按用户分群" in page
    assert "¥" in page and "members_final" not in page[: page.index("<details>")]
    facts = json.loads((zh / "decision.json").read_text(encoding="utf-8"))
    assert facts["best"] in PLANS and facts["n_scenarios"] == 2
    assert facts["caveat"]["key"].startswith(("acquisition.", "behaviour."))


def test_workbook_and_csvs_for_excel(zh: Path) -> None:
    book = pd.read_excel(zh / "summary.xlsx", sheet_name=None)
    assert set(book) == {"decision", "kpis", "differences", "daily", "segments", "runs"}
    assert book["kpis"]["name"].str.contains("成员").any()
    assert len(book["daily"]) == 2 * 3 * 101
    for name in ("summary", "segments", "runs_summary", "differences", "ranking"):
        assert (zh / f"{name}.csv").read_bytes()[:3] == b"\xef\xbb\xbf", name
    segments = pd.read_csv(zh / "segments.csv")
    assert set(segments["segment"]) == {"regulars", "occasional"}  # the project's own
    assert {"incremental_members", "conversion"} <= set(segments["kpi"])


def test_the_report_in_english(project: Path, tmp_path: Path) -> None:
    """(serial and joblib give identical numbers: tests/integration/test_project_folder.py)"""
    done = commsim(
        f"--config-dir={project}",
        "compare",
        "community=my_community",
        "playbooks=[baseline,my_weekly_live]",
        "reps=2",
        "community.n=300",
        "days=40",
        "lang=en",
        "currency=EUR",
        "check_assumptions=off",
        f"hydra.run.dir={tmp_path}",
    )
    assert done.returncode == 0, done.stderr
    assert "Recommended plan" in done.stdout or "No plan beats" in done.stdout
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="decision"' in page and "The plans at a glance" in page and "EUR" in page
    assert 'lang="en"' in page and "决策" not in page


def test_unknown_scenario_names_the_key(tmp_path: Path) -> None:
    done = commsim("compare", "scenarios=[base,meteor]", f"hydra.run.dir={tmp_path}")
    assert done.returncode == 2 and "scenarios" in done.stderr and "meteor" in done.stderr
    assert "Traceback" not in done.stderr


def test_chinese_plan_and_scenario_names_typed_as_is(project: Path, tmp_path: Path) -> None:
    """A plan and a scenario named in Chinese, unquoted on the command line as typed."""
    named = tmp_path / "中文项目"
    (named / "playbook").mkdir(parents=True)
    (named / "scenario").mkdir()
    plan = (project / "playbook" / "my_points_lite.yaml").read_text(encoding="utf-8")
    (named / "playbook" / "积分计划.yaml").write_text(plan, encoding="utf-8")
    (named / "scenario" / "危机.yaml").write_text(
        "scenario_description: 第 30 天危机\n"
        "set:\n  crises: [{day: 30, share: 0.3, severity: 0.8}]\n",
        encoding="utf-8",
    )
    done = commsim(
        "compare",
        f"--config-dir={named}",
        "playbooks=[baseline,积分计划]",
        "scenarios=[base,危机]",
        "reps=2",
        "community.n=300",
        "days=40",
        "check_assumptions=off",
        "lang=zh",
        f"hydra.run.dir={tmp_path / 'out'}",
    )
    assert done.returncode == 0, done.stderr
    per = pd.read_csv(tmp_path / "out" / "runs_summary.csv")
    assert set(per["playbook"]) == {"baseline", "积分计划"}
    assert set(per["scenario"]) == {"base", "危机"}
    assert "积分计划" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")

"""A project folder of one's own: ``commsim init DIR``, then ``--config-dir=DIR`` everywhere."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.runs.executors import execute
from experiments.runs.hydra_app import config_dir_option
from experiments.runs.jobs import Job, config_key
from sim import project
from sim.errors import ConfigError
from sim.runner import compose, run

COMMSIM = [sys.executable, "-m", "experiments.cli"]
SMALL = ["community.n=300", "days=20"]
BOOKS = "playbooks=[baseline,my_weekly_live,my_points_lite]"


def commsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder written by ``commsim init``."""
    path = tmp_path_factory.mktemp("project") / "mybrand"
    proc = commsim("init", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "commsim playbooks --config-dir=" in proc.stdout
    return path


@pytest.fixture(autouse=True)
def no_folder_after():
    """Each test leaves this process without a project folder."""
    yield
    project.use_config_dir(None)


def test_init_writes_a_ready_folder_and_refuses_to_overwrite(folder: Path) -> None:
    for rel in (
        "community/my_community.yaml",
        "playbook/my_weekly_live.yaml",
        "playbook/my_points_lite.yaml",
        "README.md",
    ):
        assert (folder / rel).is_file(), rel
    readme = (folder / "README.md").read_text()
    assert f"commsim playbooks --config-dir={folder}" in readme
    assert f"commsim compare --config-dir={folder} community=my_community {BOOKS}" in readme
    again = commsim("init", str(folder))
    assert again.returncode == 2
    assert "my_community.yaml" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr


def test_init_force_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "p"
    assert commsim("init", str(path)).returncode == 0
    (path / "README.md").write_text("old")
    assert commsim("init", str(path), "--force").returncode == 0
    assert (path / "README.md").read_text() != "old"


def test_playbooks_lists_the_users_plans(folder: Path) -> None:
    proc = commsim("playbooks", f"--config-dir={folder}")
    assert proc.returncode == 0, proc.stderr
    assert "my_weekly_live (yours)" in proc.stdout and "my_points_lite (yours)" in proc.stdout
    assert "weekly_qa " in proc.stdout
    assert "(yours)" not in commsim("playbooks").stdout


def test_the_folder_composes_as_written(folder: Path) -> None:
    cfg = compose(["community=my_community", "playbook=my_weekly_live", *SMALL], config_dir=folder)
    qa = cfg.strategies.events["items"].qa
    assert (qa.day, qa.capacity, qa.type) == (3, 150, "qa")
    assert cfg.strategies.budget.total == 15000.0
    lite = compose(["playbook=my_points_lite"], config_dir=folder).strategies.incentives
    assert (lite.points_per_post, lite.points_per_reply, lite.reward_cost) == (5.0, 2.0, 3.0)
    assert lite.points_per_visit == 1.0  # the rest as in the ready playbook points


def test_a_user_playbook_may_use_the_schema_nodes(tmp_path: Path) -> None:
    (tmp_path / "playbook").mkdir()
    (tmp_path / "playbook" / "my_plan.yaml").write_text(
        "# @package _global_\n"
        "defaults:\n  - /schema/strategies/events@strategies.events\n  - _self_\n"
        "playbook_name: my_plan\nplaybook_description: mine\n"
        "strategies:\n  events:\n    items:\n      live: {type: qa, every: weekly, day: 2}\n"
    )
    cfg = compose(["playbook=my_plan"], config_dir=tmp_path)
    assert cfg.strategies.events["items"].live.day == 2
    assert "_target_" in cfg.strategies.events  # every lever from the schema node


def test_the_key_of_a_run_does_not_depend_on_where_the_folder_is(
    folder: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(folder, moved)
    overrides = ["community=my_community", "playbook=my_points_lite", *SMALL]
    project.use_config_dir(folder)
    here = config_key(overrides)
    job = Job(tuple(overrides))
    assert job.config_dir == str(folder.resolve())
    project.use_config_dir(moved)
    assert config_key(overrides) == here


def test_compare_serial_and_joblib_give_identical_numbers(folder: Path, tmp_path: Path) -> None:
    tables = {}
    for executor in ("serial", "joblib"):
        out = tmp_path / executor
        proc = commsim(
            "compare",
            f"--config-dir={folder}",
            "community=my_community",
            BOOKS,
            "reps=2",
            "check_assumptions=off",
            f"executor={executor}",
            "workers=2",
            *SMALL,
            f"hydra.run.dir={out}",
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "failed" not in proc.stdout
        tables[executor] = pd.read_csv(out / "runs_summary.csv")
    serial, joblib = tables["serial"], tables["joblib"]
    assert set(serial["playbook"]) == {"baseline", "my_weekly_live", "my_points_lite"}
    pd.testing.assert_frame_equal(serial, joblib)
    assert serial.loc[serial["playbook"] == "my_weekly_live", "cost_total"].gt(0).all()


def test_robustness_runs_a_user_playbook(folder: Path, tmp_path: Path) -> None:
    proc = commsim(
        "robustness",
        "--config-dir",
        str(folder),
        "community=my_community",
        "playbooks=[baseline,my_points_lite]",
        "scenarios=2",
        "reps=1",
        "executor=serial",
        *SMALL,
        f"hydra.run.dir={tmp_path}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = pd.read_csv(tmp_path / "robustness.csv")
    assert set(table["playbook"]) == {"baseline", "my_points_lite"}


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["compare", BOOKS.replace("my_points_lite", "my_nope")], "my_weekly_live"),
        (["run", "playbook=my_nope"], "my_weekly_live (yours)"),
        (["run", "community=my_nope"], "my_community (yours)"),
        (["sensitivity", "playbook=my_nope"], "my_points_lite (yours)"),
    ],
)
def test_an_unknown_name_is_a_friendly_error(folder: Path, args: list[str], names: str) -> None:
    proc = commsim(args[0], f"--config-dir={folder}", *args[1:], *SMALL)
    assert proc.returncode == 2, proc.stderr
    assert "my_nope" in proc.stderr and names in proc.stderr
    for raw in ("Traceback", "Could not find", "search path"):
        assert raw not in proc.stderr


@pytest.mark.parametrize("command", ["run", "compare", "playbooks", "ui"])
def test_a_missing_folder_names_the_option(command: str) -> None:
    proc = commsim(command, "--config-dir=/nonexistent/mybrand")
    assert proc.returncode == 2
    assert "--config-dir" in proc.stderr and "/nonexistent/mybrand" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_spelling_of_the_option(folder: Path) -> None:
    for args in (
        [f"--config-dir={folder}", "x=1"],
        ["--config-dir", str(folder), "x=1"],
        ["-cd", str(folder), "x=1"],
    ):
        assert config_dir_option(args) == (folder.resolve(), ["x=1"])
    with pytest.raises(ConfigError, match="--config-dir"):
        config_dir_option(["--config-dir"])
    proc = commsim("run", "-cd", str(folder), "playbook=my_points_lite", "--cfg", "job")
    assert proc.returncode == 0, proc.stderr
    assert "playbook_name: my_points_lite" in proc.stdout


def test_a_user_file_named_like_a_ready_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "playbook").mkdir()
    (tmp_path / "playbook" / "weekly_qa.yaml").write_text("# @package _global_\n")
    with pytest.raises(ConfigError, match="rename the file"):
        compose(["playbook=weekly_qa"], config_dir=tmp_path)


def _segments(folder: Path, *extra: str) -> pd.Series:
    result = run(
        ["community=my_community", "community.n=2000", "days=1", *extra], config_dir=folder
    )
    return result.members["segment"].value_counts(normalize=True)


def test_user_segments_replace_the_builtin_ones(folder: Path) -> None:
    shares = _segments(folder)
    assert set(shares.index) == {"regulars", "occasional"}
    assert abs(shares["regulars"] - 0.3) < 0.05 and abs(shares["occasional"] - 0.7) < 0.05


def test_keep_builtin_segments_adds_them(folder: Path) -> None:
    shares = _segments(folder, "community.keep_builtin_segments=true")
    assert set(shares.index) == {"regulars", "occasional", "students", "professionals", "older"}


def test_strategies_see_the_users_segments(folder: Path) -> None:
    ok = ["strategies.events.items.qa.segments=[regulars]", "playbook=my_weekly_live"]
    assert run([*ok, *SMALL, "community=my_community"], config_dir=folder).summary
    with pytest.raises(ConfigError, match="regulars"):
        run(
            ["strategies.events.items.qa.segments=[students]", "playbook=my_weekly_live"]
            + ["community=my_community", *SMALL],
            config_dir=folder,
        )


@pytest.mark.slow
def test_a_user_playbook_runs_on_ray(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'commsim[ray]'")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    project.use_config_dir(folder)
    jobs = [
        Job(("community=my_community", "playbook=my_weekly_live", *SMALL, f"seed={s}"))
        for s in (0, 1)
    ]
    project.use_config_dir(None)  # the workers know the folder only from the jobs
    try:
        results = execute(jobs, executor="ray", workers=2, progress=False)
    finally:
        ray.shutdown()
    assert all(r.ok for r in results), [r.error for r in results]
    serial = execute(jobs, executor="serial", progress=False)
    key = {r.summary["seed"]: r.summary["cost_total"] for r in serial}
    assert {r.summary["seed"]: r.summary["cost_total"] for r in results} == key
    assert all(v > 0 for v in key.values())


def test_the_classroom_page_takes_a_user_playbook(folder: Path) -> None:
    from experiments.classroom.model import preset_levers
    from experiments.commands.ui import parse_options, solara_env

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = parse_options(["-cd", str(folder), "playbook=my_weekly_live", f"port={port}"])
    assert options.playbook == "my_weekly_live" and options.config_dir == folder.resolve()
    assert solara_env(options)["COMMSIM_CONFIG_DIR"] == str(folder.resolve())
    assert preset_levers("my_weekly_live")["weekly_qa"]
    with pytest.raises(ConfigError, match="my_points_lite"):
        parse_options(["-cd", str(folder), "playbook=my_nope", f"port={port}"])


def test_a_hydra_sweep_runs_the_users_playbooks(folder: Path, tmp_path: Path) -> None:
    proc = commsim(
        "run",
        "-m",
        f"--config-dir={folder}",
        "community=my_community",
        "playbook=my_weekly_live,my_points_lite",
        "community.n=200",
        "days=5",
        f"hydra.sweep.dir={tmp_path}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.glob("*/summary.json")) == ["summary.json"] * 2


def test_a_calibrated_baseline_keeps_the_communitys_segments(folder: Path) -> None:
    from experiments.calibration.baseline import baseline
    from sim.runner import to_plain

    base = to_plain(compose(["community=my_community", *SMALL], config_dir=folder))
    _, body, args = baseline(compose([]), base, {"acquisition.q": 0.05}, [])
    assert set(body["community"]["segments"]) == {"regulars", "occasional"}
    cfg = compose(args)  # the baseline as overrides, without the folder
    assert set(cfg.community.segments) == {"regulars", "occasional"}
    assert cfg.community.segments.regulars.visit == 1.4


def test_a_broken_user_file_is_named(folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "playbook" / "my_broken.yaml").write_text("strategies:\n  events: [\n")
    proc = commsim("run", f"--config-dir={broken}", "playbook=my_broken", *SMALL)
    assert proc.returncode == 2, proc.stderr
    assert "my_broken.yaml" in proc.stderr and "Traceback" not in proc.stderr

"""The ``commsim`` command end to end, in a subprocess like a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

COMMSIM = [sys.executable, "-m", "experiments.cli"]


def commsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_run_writes_outputs_into_hydra_run_dir(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = commsim("run", "community.n=400", "days=40", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    for name in ("metrics.parquet", "summary.json", "config.yaml", "members.parquet"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert summary["members_final"] == metrics["members"].iloc[-1]
    assert "members_final" in proc.stdout and str(out) in proc.stdout


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("acquisition.p=1.5", "acquisition.p"),
        ("community.n=1", "community.n"),
        ("days=0", "days"),
        ("community=moon", "community"),
        ("community.path=/no/such/file.txt", "community"),
    ],
)
def test_bad_input_exit_code_2_without_traceback(tmp_path: Path, override: str, key: str) -> None:
    args = ["run", override, f"hydra.run.dir={tmp_path}"]
    if "path" in override:
        args.insert(1, "community=file")
    proc = commsim(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert key in proc.stderr and "commsim: error" in proc.stderr


def test_missing_file_error_names_path(tmp_path: Path) -> None:
    proc = commsim("run", "community=file", f"community.path={tmp_path}/x.txt")
    assert proc.returncode == 2 and "x.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_edge_list_gives_line_number(tmp_path: Path) -> None:
    edges = tmp_path / "bad.txt"
    edges.write_text("0 1\n1 2\nthree\n")
    proc = commsim(
        "run", "community=file", f"community.path={edges}", f"hydra.run.dir={tmp_path / 'o'}"
    )
    assert proc.returncode == 2, proc.stderr
    assert "line 3" in proc.stderr and "Traceback" not in proc.stderr


def test_multirun_sweep(tmp_path: Path) -> None:
    proc = commsim(
        "run", "-m", "community.n=200", "days=10", "seed=0,1", f"hydra.sweep.dir={tmp_path}"
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "0" / "summary.json").is_file()
    assert (tmp_path / "1" / "summary.json").is_file()


def test_unknown_command() -> None:
    proc = commsim("fly")
    assert proc.returncode == 2 and "fly" in proc.stderr


def test_every_command_is_in_the_table_the_usage_and_the_docstring() -> None:
    import experiments.cli as cli

    modules = {p.stem for p in (Path(cli.__file__).parent / "commands").glob("*.py")}
    commands = modules - {"__init__"}
    assert set(cli.COMMANDS) == commands
    for name in commands:
        assert f"\n  {name} " in cli.USAGE, name
        assert f"\n    {name} " in (cli.__doc__ or ""), name


@pytest.mark.parametrize("name", ["run", "playbooks", "collect"])
def test_each_command_has_help(name: str) -> None:
    proc = commsim(name, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"commsim {name}: ")

"""serial, joblib, Hydra's submitit launcher (submitit_local) and Ray give identical results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from experiments.runs.executors import execute
from experiments.runs.jobs import Job

OVERRIDES = ("community.n=400", "days=40", "playbook=weekly_qa")
SEEDS = (0, 1, 2)


def jobs() -> list[Job]:
    return [Job((*OVERRIDES, f"seed={s}"), (("seed", s),)) for s in SEEDS]


def by_seed(results) -> dict[int, dict]:
    assert all(r.ok for r in results), [r.error for r in results]
    return {r.labels["seed"]: r.summary for r in results}


@pytest.fixture(scope="module")
def serial() -> dict[int, dict]:
    return by_seed(execute(jobs(), executor="serial", progress=False))


def test_joblib_matches_serial(serial) -> None:
    assert by_seed(execute(jobs(), executor="joblib", workers=2, progress=False)) == serial


@pytest.mark.slow
def test_submitit_local_launcher_matches_serial(serial, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.cli",
            "run",
            "-m",
            "hydra/launcher=submitit_local",
            *OVERRIDES,
            f"seed={','.join(map(str, SEEDS))}",
            f"hydra.sweep.dir={tmp_path}",
            "hydra.launcher.timeout_min=10",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {}
    for path in tmp_path.glob("*/summary.json"):
        summary = json.loads(path.read_text())
        got[summary["seed"]] = summary
    assert got == serial


@pytest.mark.slow
def test_ray_local_cluster_matches_serial(serial, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'commsim[ray]'")
    ray_bin = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    port = "6391"
    short = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Unix socket paths must be short
    # A loopback-only test cluster without token auth: Ray >= 2.59 turns auth on for
    # `ray start --head` whenever ~/.ray/auth_token exists, but ray.init(address=...) does
    # not send that token, so head and client must agree explicitly.
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    start = subprocess.run(
        [
            ray_bin,
            "start",
            "--head",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            f"--temp-dir={short}",
            "--node-ip-address=127.0.0.1",
            "--disable-usage-stats",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert start.returncode == 0, start.stderr[-3000:]
    try:
        monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
        results = execute(jobs(), executor="ray", workers=2, progress=False)
        assert by_seed(results) == serial
    finally:
        import ray

        ray.shutdown()
        subprocess.run([ray_bin, "stop", "--force"], capture_output=True, timeout=120, env=env)
        shutil.rmtree(short, ignore_errors=True)


def test_slurm_launcher_settings_in_the_docs_compose() -> None:
    """docs/experiments.md's SLURM command uses keys the submitit launcher really has."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.cli",
            "run",
            "hydra/launcher=submitit_slurm",
            "hydra.launcher.partition=compute",
            "hydra.launcher.timeout_min=60",
            "hydra.launcher.cpus_per_task=1",
            "hydra.launcher.mem_gb=4",
            "hydra.launcher.array_parallelism=100",
            "--cfg",
            "hydra",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "partition: compute" in proc.stdout and "array_parallelism: 100" in proc.stdout

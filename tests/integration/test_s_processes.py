"""A killed comparison or sweep leaves no process behind; its rerun loses and repeats nothing.

``kill -9`` of a joblib compare midway: its workers (and joblib's and multiprocessing's
resource trackers, which end when the workers do) are gone within seconds
(``experiments.runs.executors.watch_parent``); rerunning the command in the same folder
finishes the comparison, whose tables equal an uninterrupted run's, with each run once.
``kill -9`` of a ``commsim run -m`` sweep midway: its rerun skips the sealed jobs and its
``summary.csv`` equals an uninterrupted sweep's.
"""

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

COMMSIM = [sys.executable, "-m", "experiments.cli"]
RUNS = 8  # 2 playbooks x 4 replications


def _children() -> dict[int, list[int]]:
    """Every process's children, from psutil or /proc."""
    out: dict[int, list[int]] = {}
    try:
        import psutil

        for p in psutil.process_iter(["pid", "ppid"]):
            out.setdefault(p.info["ppid"], []).append(p.info["pid"])
        return out
    except ImportError:
        pass
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        ppid = int(text.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(stat.parent.name))
    return out


def descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, their children, and so on."""
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def command(out: Path, executor: str = "joblib") -> list[str]:
    return [
        *COMMSIM,
        "compare",
        "playbooks=[baseline,weekly_qa]",
        "reps=4",
        "community.n=2000",
        "days=60",
        f"executor={executor}",
        "workers=2",
        "check_assumptions=off",
        f"hydra.run.dir={out}",
    ]


def finished(out: Path) -> int:
    return len(list((out / "runs").glob("*.json"))) if (out / "runs").is_dir() else 0


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_kill_9_leaves_no_process_and_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    proc = subprocess.Popen(command(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while finished(killed) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = descendants(proc.pid)
    done_before = finished(killed)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 <= done_before < RUNS, "the comparison was not interrupted midway"
    assert len(workers) >= 2, "no joblib worker was started"
    end = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < end:
        time.sleep(0.2)
    left = sorted(p for p in workers if alive(p))
    assert not left, f"processes of the killed command still run: {left}"

    done_at_kill = finished(killed)
    rerun = subprocess.run(command(killed), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done_at_kill} of {RUNS} already done" in rerun.stdout
    whole = tmp_path / "whole"
    once = subprocess.run(command(whole, "serial"), capture_output=True, text=True, timeout=600)
    assert once.returncode == 0, once.stderr
    assert finished(killed) == finished(whole) == RUNS
    key = ["playbook", "rep"]
    a = pd.read_csv(killed / "runs_summary.csv").sort_values(key).reset_index(drop=True)
    b = pd.read_csv(whole / "runs_summary.csv").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert not a.duplicated(key).any()


TREE = """
import subprocess, sys, time
from experiments.runs import reaper
reaper.start(__import__("os").getpid())
# like a local Ray cluster: a server whose agent outlives it, and a busy worker
server = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); time.sleep(600)"])
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("started", flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_kill_9_of_a_command_ends_what_it_started_through_the_reaper() -> None:
    """What a local Ray cluster leaves after a ``kill -9`` of the command (agents whose
    server died, workers) is ended by ``experiments.runs.reaper``, which ``executor=ray``
    starts beside the cluster (checked by hand with Ray: ``ray::DashboardAgent`` and
    ``ray::RuntimeEnvAgent`` outlived the command without it)."""
    proc = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    while len(descendants(proc.pid)) < 4 and time.monotonic() < deadline:  # reaper, 3 sleepers
        time.sleep(0.1)
    started = descendants(proc.pid)
    time.sleep(1.0)  # the reaper notes the tree twice a second
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 15
    while any(alive(p) for p in started) and time.monotonic() < end:
        time.sleep(0.1)
    left = sorted(p for p in started if alive(p))
    assert len(started) == 4 and not left, f"still running: {left} of {sorted(started)}"


def sweep(out: Path) -> list[str]:
    seeds = ",".join(str(s) for s in range(SWEEP_JOBS))
    return [*COMMSIM, "run", "-m", f"seed={seeds}", "community.n=10000", "days=90",
            f"hydra.sweep.dir={out}"]  # fmt: skip


SWEEP_JOBS = 6


def sealed(out: Path) -> int:
    """Jobs of a sweep whose run is sealed: a ``seed.json`` holding the config key (it is
    first written without one when the run starts, and sealed last)."""
    count = 0
    for path in out.glob("*/seed.json"):
        try:
            count += "config_key" in json.loads(path.read_text())
        except (OSError, ValueError):
            pass  # being written
    return count


@pytest.mark.slow
def test_a_sweep_killed_midway_resumes_to_an_uninterrupted_sweep(tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    proc = subprocess.Popen(sweep(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while sealed(killed) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = sealed(killed)
    assert 2 <= at_kill < SWEEP_JOBS, "the sweep was not interrupted midway"
    assert not (killed / "summary.csv").exists()

    rerun = subprocess.run(sweep(killed), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.count("already done (same config and seed)") == at_kill
    whole = tmp_path / "whole"
    once = subprocess.run(sweep(whole), capture_output=True, text=True, timeout=600)
    assert once.returncode == 0, once.stderr
    a = pd.read_csv(killed / "summary.csv", encoding="utf-8-sig")
    b = pd.read_csv(whole / "summary.csv", encoding="utf-8-sig")
    assert len(a) == SWEEP_JOBS and not a.duplicated("job").any()
    pd.testing.assert_frame_equal(a, b)

"""Faults of outputs and stored runs: damaged run-store files and job folders are named and
redone, a folder that cannot be written is refused before day 1 (exit 2, naming the key), a
full disk stops with a clear error and resumes (a real small tmpfs where the machine lets the
tests mount one, else a simulated ``ENOSPC``), one writer per folder, normal permissions,
no temporary file left behind."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from experiments.commands.compare import check_options, compare
from sim.errors import OutputError
from sim.runner import compose

SMALL = ["community.n=200", "days=20"]
COMMSIM = [sys.executable, "-m", "experiments.cli"]


def options(books: list[str]) -> dict:
    cfg = compose(
        [f"playbooks=[{','.join(books)}]", "reps=2", "executor=serial", "check_assumptions=off"],
        config_name="compare",
    )
    return check_options(cfg)


def commsim(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, timeout=timeout)


def per_run(result) -> pd.DataFrame:  # noqa: ANN001
    frame = result.per_run.drop(columns=["seconds"], errors="ignore")
    return frame.sort_values("key").reset_index(drop=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("whole")
    return per_run(compare(options(["baseline", "weekly_qa"]), SMALL, folder, progress=False))


@pytest.mark.slow
def test_damaged_run_store_files_are_named_and_redone(
    tmp_path: Path, uninterrupted: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    compare(options(["baseline", "weekly_qa"]), SMALL, tmp_path, progress=False)
    runs = tmp_path / "runs"
    records = sorted(runs.glob("*.json"))
    assert len(records) == 4
    truncated = records[0].with_suffix(".parquet")
    truncated.write_bytes(truncated.read_bytes()[:100])
    records[1].write_text('{"labels": {"playbook": "baseline"', encoding="utf-8")  # cut short
    edited = json.loads(records[2].read_text())
    edited["summary"]["members_final"] = 10**6
    records[2].write_text(json.dumps(edited), encoding="utf-8")
    capsys.readouterr()
    again = compare(options(["baseline", "weekly_qa"]), SMALL, tmp_path, progress=False)
    out, err = capsys.readouterr()
    assert "runs: 1 of 4 already done" in out
    assert err.count("redoing a damaged stored run") == 3
    assert truncated.name in err and records[1].name in err and records[2].name in err
    assert "checksum differs" in err and "cannot be read" in err
    pd.testing.assert_frame_equal(per_run(again), uninterrupted)


@pytest.mark.slow
def test_damaged_job_folders_are_redone_and_collect_names_them(tmp_path: Path) -> None:
    sweep = [*COMMSIM, "run", "-m", *SMALL, "seed=0,1,2", f"hydra.sweep.dir={tmp_path}"]
    assert subprocess.run(sweep, capture_output=True, timeout=300).returncode == 0
    (tmp_path / "0" / "metrics.parquet").write_bytes(b"garbage, not parquet")
    (tmp_path / "1" / "seed.json").write_text("{", encoding="utf-8")
    collected = commsim("collect", str(tmp_path))
    assert collected.returncode == 0, collected.stderr
    assert "Traceback" not in collected.stderr
    assert "metrics.parquet" in collected.stderr and "seed.json" in collected.stderr
    assert list(pd.read_csv(tmp_path / "summary.csv")["seed"]) == [2]
    assert pd.read_csv(tmp_path / "errors.csv")["error"].str.startswith("damaged").all()
    rerun = subprocess.run(sweep, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("redoing a damaged stored run") == 2
    assert rerun.stdout.count("already done") == 1
    assert sorted(pd.read_csv(tmp_path / "summary.csv")["seed"]) == [0, 1, 2]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["run", *SMALL, "hydra.run.dir={file}"], "hydra.run.dir"),
        (["run", "-m", *SMALL, "seed=0,1", "hydra.sweep.dir={file}/sub"], "hydra.sweep.dir"),
        (["compare", "playbooks=[baseline]", "reps=2", *SMALL, "hydra.run.dir={file}"], None),
        (["collect", "{file}/sub"], "collect"),
        (["init", "{file}/sub"], "init"),
    ],
)
def test_an_output_path_that_is_a_file_exits_2(
    tmp_path: Path, args: list[str], key: str | None
) -> None:
    file = tmp_path / "taken"
    file.write_text("a file\n", encoding="utf-8")
    proc = commsim(*(a.replace("{file}", str(file)) for a in args))
    assert proc.returncode == 2, proc.stderr
    assert f"{key or 'hydra.run.dir'}=" in proc.stderr and "is a file" in proc.stderr
    assert "Traceback" not in proc.stderr and not list(tmp_path.glob("**/*.parquet"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    proc = commsim("run", *SMALL, f"hydra.run.dir={folder / 'out'}")
    assert proc.returncode == 2 and "hydra.run.dir=" in proc.stderr
    assert "cannot be written" in proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_that_refuses_writes_is_named_before_day_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the read-only test, where the tests run as root: the probe's write is refused."""
    import sim.io
    from experiments.cli import main

    def refuse(folder: Path, name: str) -> Path:
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(sim.io, "_temp_file", refuse)
    assert main(["run", *SMALL, f"hydra.run.dir={tmp_path / 'out'}"]) == 2
    assert not (tmp_path / "out").exists()


FULL_DISK = """
import errno, sys
import pandas as pd
real, calls = pd.DataFrame.to_parquet, []
def full(self, *args, **kwargs):
    calls.append(1)
    if len(calls) > {after}:
        raise OSError(errno.ENOSPC, "No space left on device")
    return real(self, *args, **kwargs)
pd.DataFrame.to_parquet = full
from experiments.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_raises_an_output_error_and_keeps_the_finished_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = pd.DataFrame.to_parquet, []

    def full(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    with pytest.raises(OutputError, match="No space left on device"):
        compare(options(["baseline"]), SMALL, tmp_path, progress=False)
    assert not list(tmp_path.glob("**/*.tmp"))
    assert len(list((tmp_path / "runs").glob("*.json"))) == 1


HYDRA_FULL_DISK = """
import errno, sys
import hydra.core.utils as utils
def full(cfg, filename, output_dir):
    raise OSError(errno.ENOSPC, "No space left on device", str(output_dir / filename))
utils._save_config = full  # Hydra writing .hydra/config.yaml into the run folder
from experiments.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_while_hydra_writes_its_files_is_an_output_error(tmp_path: Path) -> None:
    args = ["run", *SMALL, f"hydra.run.dir={tmp_path / 'run'}"]
    proc = subprocess.run(
        [sys.executable, "-c", HYDRA_FULL_DISK, *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert (
        "cannot write" in proc.stderr
        and ".hydra/config.yaml (No space left on device)" in proc.stderr
    )
    assert "rerun the same command" in proc.stderr
    assert "Traceback" not in proc.stderr and "HYDRA_FULL_ERROR" not in proc.stderr


def mount_tmpfs(folder: Path, options: str) -> bool:
    """Mount a tmpfs at ``folder`` (as root, where the machine allows it)."""
    folder.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)  # fmt: skip
    return done.returncode == 0


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A folder to mount a small tmpfs on; unmounted afterwards."""
    yield tmp_path / "disk"
    subprocess.run(["umount", "-l", str(tmp_path / "disk")], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_stops_clearly_and_the_rerun_resumes(
    disk: Path, uninterrupted: pd.DataFrame
) -> None:
    """On a real 100 KiB tmpfs where the machine lets the tests mount one; otherwise the
    disk fills during the second run's writing (``OSError(ENOSPC)`` from ``to_parquet``)."""
    real = mount_tmpfs(disk, "size=100k")
    out = disk / "out"
    args = ["compare", "playbooks=[baseline,weekly_qa]", "reps=2", *SMALL]
    args += ["executor=serial", "check_assumptions=off", f"hydra.run.dir={out}"]
    script = ["-m", "experiments.cli"] if real else ["-c", FULL_DISK.format(after=3)]
    full = subprocess.run(
        [sys.executable, *script, *args], capture_output=True, text=True, timeout=300
    )
    assert full.returncode == 1, full.stderr
    assert "No space left on device" in full.stderr and "rerun the same command" in full.stderr
    assert "Traceback" not in full.stderr
    stored = len(list((out / "runs").glob("*.json")))
    assert 1 <= stored < 4, f"{stored} runs stored before the disk was full"
    assert not list(out.glob("**/*.tmp"))
    if real:
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)
    rerun = commsim(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert f"runs: {stored} of 4 already done" in rerun.stdout
    got = pd.read_csv(out / "runs_summary.csv").sort_values("key").reset_index(drop=True)
    assert list(got["key"]) == list(uninterrupted["key"])
    assert list(got["members_final"]) == list(uninterrupted["members_final"])


def test_a_read_only_disk_exits_2_before_day_1(disk: Path) -> None:
    """A real read-only tmpfs (root writes into read-only folders, not onto a read-only disk)."""
    if not mount_tmpfs(disk, "size=1m,ro"):
        pytest.skip("mounting a tmpfs is not allowed here (a simulated refusal is tested above)")
    proc = commsim("run", *SMALL, f"hydra.run.dir={disk / 'out'}")
    assert proc.returncode == 2, proc.stderr
    assert "hydra.run.dir=" in proc.stderr and "Read-only file system" in proc.stderr
    assert "Traceback" not in proc.stderr


HOLD = """
import sys, time
from sim.io import lock_folder
with lock_folder(sys.argv[1], "hydra.run.dir", "commsim compare playbooks=[weekly_qa]"):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_writer_is_refused_and_a_killed_writer_leaves_nothing(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        refused = commsim("run", *SMALL, f"hydra.run.dir={tmp_path}")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "another command is writing" in refused.stderr
        assert "commsim compare playbooks=[weekly_qa]" in refused.stderr
        assert f"pid {holder.pid}" in refused.stderr
        assert not (tmp_path / "metrics.parquet").exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    leftovers = [
        tmp_path / ".metrics.parquet.a1b2c3d4.tmp",
        tmp_path / ".hydra" / ".x.k9_Zq2w8.tmp",
    ]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half")
    time.sleep(0.1)
    done = commsim("run", *SMALL, f"hydra.run.dir={tmp_path}")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "metrics.parquet").is_file()
    assert not any(path.exists() for path in leftovers)


def test_outputs_have_the_permissions_of_the_umask(tmp_path: Path) -> None:
    from sim.io import write_json, write_text

    old = os.umask(0o022)
    try:
        compare(options(["baseline"]), SMALL, tmp_path, progress=False)
        os.umask(0o027)
        write_text(tmp_path / "private.txt", "x")
        write_json(tmp_path / "private.json", {})
    finally:
        os.umask(old)
    modes = {
        p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o777
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    assert modes.pop("private.txt") == modes.pop("private.json") == 0o640
    assert modes and set(modes.values()) == {0o644}, modes

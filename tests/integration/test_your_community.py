"""Every command of docs/your-community.md runs, on exports the test writes (tests/integration/
exports.py): history commands run as they are; each calibrate command is checked up to the fit
(its log read, ``as_of`` placed, every setting checked); the walk (a calibration, then run and
compare from its folder) runs for real with a quick fit, fewer replications and days."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.calibration.logs.options import hydra_arguments
from experiments.calibration.simulate import write_log
from experiments.commands import calibrate, history
from sim.runner import compose, to_plain
from tests.integration.exports import write_exports, write_members_csv

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "your-community.md"
COMMSIM = [sys.executable, "-m", "experiments.cli"]
AGGREGATES = ROOT / "sim" / "start_aggregates.py"
QUICK_FIT = ["calibration=smoke", "calibration.restarts=1", "executor=serial"]


def commands() -> list[list[str]]:
    """The ``commsim`` commands of the page's bash blocks, as argument lists."""
    blocks = re.findall(r"```bash\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("commsim ")]


def shrunk(args: list[str]) -> list[str]:
    """A run or comparison made small: 10 days, 2 replications, in this process's order."""
    out = [re.sub(r"^days=\d+$", "days=10", re.sub(r"^reps=\d+$", "reps=2", a)) for a in args]
    small = [*out, "executor=serial", "check_assumptions=off"]
    return small if args[0] == "compare" else out


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with every export of the page; members.csv is a commsim community's log."""
    here = tmp_path_factory.mktemp("community")
    write_exports(here)
    plain = to_plain(compose(["community.n=2000", "acquisition.p=0.004", "initial_members=10"]))
    write_members_csv(here / "members.csv", write_log(plain, 3, 31, here / "visits.txt"))
    return here


def test_the_page_has_every_kind_of_command() -> None:
    found = commands()
    assert {c[0] for c in found} == {"history", "calibrate", "run", "compare"}
    datas = {a for c in found for a in c if a.startswith("data=")}
    assert len(datas) >= 8, datas  # a table, Excel and the six platform exports


def test_history_and_calibrate_commands_read_their_exports(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(folder)
    for args in commands():
        if args[0] == "history":
            assert history.main(args[1:]) == 0, args
            assert "users: " in capsys.readouterr().out
        elif args[0] == "calibrate":
            given = [a for a in args[1:] if not a.startswith("hydra.")]
            cfg = compose(hydra_arguments(given), config_name="calibrate")
            problem, read = calibrate.check(cfg)
            assert read.n_days == 31 and problem.settings.as_of is not None, args


def test_the_walk_runs(folder: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}

    def commsim(args: list[str]) -> None:
        proc = subprocess.run(
            [*COMMSIM, *args], cwd=folder, capture_output=True, text=True, timeout=600, env=env
        )
        assert proc.returncode == 0, (args, proc.stderr)

    walk = [c for c in commands() if c[0] in ("run", "compare")]
    mine = next(c for c in commands() if c[0] == "calibrate" and "outputs/mine" in c[-1])
    commsim([*mine, *QUICK_FIT])
    state = pd.read_parquet(folder / "outputs" / "mine" / "start.parquet")
    for i, args in enumerate(walk):
        if any(a.startswith("start.members") for a in args) and not AGGREGATES.exists():
            pytest.skip("start.members is not in this checkout's model yet (sim/start_aggregates)")
        commsim([*shrunk(args), f"hydra.run.dir=outputs/walk{i}"])
        out = folder / "outputs" / f"walk{i}"
        table = "metrics.parquet" if args[0] == "run" else "runs.parquet"
        day0 = pd.read_parquet(out / table).query("day == 0")["members"]
        if any(a.startswith("from=") for a in args):
            assert (day0 == int((~state["left"]).sum())).all(), args

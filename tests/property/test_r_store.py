"""Property: a stored run whose files are mutated in any way (bytes flipped, cut short,
replaced by garbage) is never trusted and never crashes the resume; an untouched one is."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.commands.collect import collect
from experiments.runs.checksums import seal
from experiments.runs.jobs import JobResult
from experiments.runs.store import RunStore

KEY = "0123456789abcdef0123"


def stored(root: Path) -> list[Path]:
    """A store with one run; its files."""
    result = JobResult(
        {"playbook": "baseline", "rep": 0},
        key=KEY,
        summary={"members_final": 12.5, "seed": 0},
        metrics=pd.DataFrame({"day": [0, 1, 2], "members": [1.0, 2.0, 3.0]}),
        segments=pd.DataFrame({"segment": ["a"], "members": [3]}),
    )
    RunStore(root).save(result)
    return sorted((root / "runs").iterdir())


TEMPLATE = Path(tempfile.mkdtemp(prefix="commsim-store-"))
atexit.register(shutil.rmtree, TEMPLATE, True)
FILES = [p.name for p in stored(TEMPLATE)]
JOB_FILES = ["metrics.parquet", "summary.json", "seed.json"]


def job_folder(job: Path, key: str) -> None:
    """A sweep's finished job folder, sealed as ``commsim run`` seals it."""
    job.mkdir(parents=True)
    pd.DataFrame({"day": [0, 1], "members": [1.0, 2.0]}).to_parquet(job / "metrics.parquet")
    (job / "summary.json").write_text(json.dumps({"members_final": 2.0, "seed": 0}))
    record = seal({"seed": 0, "config_key": key}, job, JOB_FILES[:2])
    (job / "seed.json").write_text(json.dumps(record))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    which=st.sampled_from(FILES),
    how=st.sampled_from(["flip", "cut", "garbage", "append"]),
    where=st.integers(min_value=0, max_value=10**6),
    data=st.binary(min_size=1, max_size=64),
)
def test_a_mutated_stored_run_is_redone_never_trusted(
    which: str, how: str, where: int, data: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(TEMPLATE / "runs", root / "runs")
        path = root / "runs" / which
        raw = path.read_bytes()
        at = where % len(raw)
        mutated = {
            "flip": raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :],
            "cut": raw[:at],
            "garbage": data,
            "append": raw + data,
        }[how]
        path.write_bytes(mutated)
        store = RunStore(root)
        done = store.done_keys()
        assert done == (set() if mutated != raw else {KEY})
        runs, per_run = store.load()
        assert len(per_run) == len(done)


def test_an_untouched_stored_run_is_trusted() -> None:
    assert RunStore(TEMPLATE).done_keys() == {KEY}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    which=st.sampled_from(JOB_FILES),
    cut=st.integers(min_value=0, max_value=10**6),
    data=st.binary(max_size=64),
)
def test_collect_leaves_out_a_damaged_job_and_names_it(which: str, cut: int, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        job_folder(root / "0", "a")
        job_folder(root / "1", "b")
        path = root / "0" / which
        raw = path.read_bytes()
        mutated = raw[: cut % len(raw)] + data
        path.write_bytes(mutated)
        _, summary = collect(root)
        assert len(summary) == (2 if mutated == raw else 1)
        if mutated != raw:
            errors = pd.read_csv(root / "errors.csv")
            assert list(errors["job"]) == [0] and errors["error"][0].startswith("damaged")

"""Provenance: ``commsim --version``, ``provenance.json``, and the model version that a
resume checks before it reuses a stored run."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import optuna
import pandas as pd
import pytest
from omegaconf import OmegaConf

from experiments import cli
from experiments.analysis.labels import Labels
from experiments.analysis.report import provenance_html
from experiments.commands.run import finished
from experiments.runs import provenance
from experiments.runs.checksums import _record_digest, seal
from experiments.runs.jobs import JobResult, plain_key
from experiments.runs.store import RunStore
from sim.config import _parse_run
from sim.errors import ConfigError
from sim.version import MODEL_VERSION

KEY = "0123456789abcdef0123"


@pytest.fixture(autouse=True)
def _reuse_off() -> Iterator[None]:
    provenance.set_reuse_other_versions("off")
    yield
    provenance.set_reuse_other_versions("off")


def test_version_names_commsim_the_model_and_the_commit(capsys: pytest.CaptureFixture) -> None:
    for flag in ("--version", "-V"):
        assert cli.main([flag]) == 0
        out = capsys.readouterr().out.strip()
        assert out.startswith(f"commsim {metadata.version('commsim')} ")
        assert f"model version {MODEL_VERSION}" in out
        git = provenance.git_commit()
        assert (git is not None) == (" git " in out)
        if git is not None:
            assert git["commit"][:12] in out


def _git_head() -> str | None:
    try:
        top = subprocess.run(
            ["git", "-C", str(provenance.SOURCE), "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return top[1] if Path(top[0]).resolve() == provenance.SOURCE else None


def test_record_holds_versions_commit_command_and_config(tmp_path: Path) -> None:
    path = provenance.write(tmp_path / "out", ["commsim", "run", "days=5"], {"days": 5})
    made = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "provenance.json" and provenance.read(tmp_path / "out") == made
    assert made["commsim"] == metadata.version("commsim")
    assert made["model_version"] == MODEL_VERSION
    assert made["packages"]["numpy"] == metadata.version("numpy")
    assert made["packages"]["pandas"] == metadata.version("pandas")
    assert made["command"] == ["commsim", "run", "days=5"] and made["config"] == {"days": 5}
    assert made["python"].count(".") == 2 and made["created"].endswith("+00:00")
    head = _git_head()
    assert made.get("git", {}).get("commit") == head
    assert not list((tmp_path / "out").glob("*.tmp*"))  # written atomically


def test_no_commit_outside_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provenance, "SOURCE", tmp_path)
    provenance.git_commit.cache_clear()
    try:
        assert provenance.git_commit() is None
        assert "git" not in provenance.record([])
        assert " git " not in provenance.version_text()
    finally:
        provenance.git_commit.cache_clear()
    assert provenance.read(tmp_path) is None


def _store(root: Path) -> RunStore:
    store = RunStore(root)
    store.save(
        JobResult(
            {"playbook": "baseline", "rep": 0},
            key=KEY,
            summary={"members_final": 12.5, "seed": 0},
            metrics=pd.DataFrame({"day": [0, 1], "members": [1.0, 2.0]}),
        )
    )
    return store


def _reseal(path: Path, version: object) -> None:
    """The record at ``path`` as a commsim of model version ``version`` sealed it (None:
    one that recorded no version): the files' checksums as they are, its own redone."""
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["checksum"]
    record.pop("model_version")
    if version is not None:
        record["model_version"] = version
    record["checksum"] = _record_digest(record)
    path.write_text(json.dumps(record), encoding="utf-8")


def test_a_stored_run_records_its_model_version(tmp_path: Path) -> None:
    _store(tmp_path)
    record = json.loads((tmp_path / "runs" / f"{KEY}.json").read_text(encoding="utf-8"))
    assert record["model_version"] == MODEL_VERSION
    assert record["commsim"] == metadata.version("commsim")
    assert RunStore(tmp_path).done_keys() == {KEY}


def test_a_run_of_another_model_version_is_redone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _store(tmp_path)
    _reseal(tmp_path / "runs" / f"{KEY}.json", MODEL_VERSION - 1)
    assert RunStore(tmp_path).done_keys() == set()
    err = capsys.readouterr().err
    assert "redoing 1 stored runs made by another model version" in err
    assert f"({MODEL_VERSION - 1}; this commsim: {MODEL_VERSION})" in err
    assert "damaged" not in err
    provenance.set_reuse_other_versions("on")
    assert RunStore(tmp_path).done_keys() == {KEY}
    assert "reusing 1 stored runs" in capsys.readouterr().err


def test_a_run_without_a_model_version_is_redone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _store(tmp_path)
    _reseal(tmp_path / "runs" / f"{KEY}.json", None)
    record = json.loads((tmp_path / "runs" / f"{KEY}.json").read_text(encoding="utf-8"))
    assert "model_version" not in record
    assert RunStore(tmp_path).done_keys() == set()
    assert "(none; this commsim" in capsys.readouterr().err


def test_a_run_folder_of_another_model_version_is_redone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({"members_final": 2.0, "seed": 0}))
    record = seal({"seed": 0, "config_key": KEY}, tmp_path, ["summary.json"])
    (tmp_path / "seed.json").write_text(json.dumps(record))
    assert finished(tmp_path, KEY) == {"members_final": 2.0, "seed": 0}
    _reseal(tmp_path / "seed.json", MODEL_VERSION + 1)
    assert finished(tmp_path, KEY) is None
    assert "redoing 1 stored runs made by another model version" in capsys.readouterr().err
    provenance.set_reuse_other_versions(True)
    assert finished(tmp_path, KEY) == {"members_final": 2.0, "seed": 0}


def test_the_reuse_option_is_checked_and_leaves_the_key_alone() -> None:
    assert _parse_run({"reuse_other_versions": "on"}).reuse_other_versions == "on"
    with pytest.raises(ConfigError, match="run.reuse_other_versions"):
        _parse_run({"reuse_other_versions": "maybe"})
    plain = {"days": 5, "run": {"metrics": "on"}}
    assert plain_key(plain) == plain_key(
        {**plain, "run": {**plain["run"], "reuse_other_versions": "on"}}
    )


def test_the_report_shows_the_folder_provenance(tmp_path: Path) -> None:
    provenance.write(tmp_path, ["commsim", "compare", "reps=2"], {"reps": 2})
    block = provenance_html(tmp_path, Labels("en"))
    assert f"commsim {metadata.version('commsim')}, model version {MODEL_VERSION}" in block
    assert "command line: commsim compare reps=2" in block
    assert "provenance.json" in block
    zh = provenance_html(tmp_path, Labels("zh"))
    assert "commsim compare reps=2" in zh and "command line:" not in zh


def test_a_command_takes_its_reuse_option(tmp_path: Path) -> None:
    """What run_app's jobs do first: the option on the command line reaches the store."""
    cfg = OmegaConf.create({"days": 5, "run": {"reuse_other_versions": "on"}})
    provenance.begin(tmp_path / "job", ["commsim", "run"], cfg, sweep=tmp_path)
    assert provenance.reuse_other_versions()
    assert provenance.read(tmp_path / "job")["config"] == OmegaConf.to_container(cfg)  # type: ignore[index]
    assert "config" not in provenance.read(tmp_path)  # type: ignore[operator]
    provenance.begin(tmp_path / "job", ["commsim", "run"], OmegaConf.create({"days": 5}))
    assert not provenance.reuse_other_versions()


def test_a_stored_study_of_another_model_version_is_not_resumed(
    capsys: pytest.CaptureFixture,
) -> None:
    study = optuna.create_study(study_name="levers")
    provenance.check_study(study)
    assert study.user_attrs["model_version"] == MODEL_VERSION
    study.optimize(lambda trial: trial.suggest_float("x", 0.0, 1.0), n_trials=1)
    provenance.check_study(study)  # this version's trials: resumed
    study.set_user_attr("model_version", MODEL_VERSION - 1)
    with pytest.raises(ConfigError, match="search.name='levers'.*another model version"):
        provenance.check_study(study)
    provenance.set_reuse_other_versions("on")
    provenance.check_study(study)
    assert "going on with the 1 trials of the study levers" in capsys.readouterr().err

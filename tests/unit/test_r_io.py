"""Output helpers: the folder check, the lock, temporary files, permissions, a full disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sim.errors import ConfigError, OutputError
from sim.io import check_output_folder, clean_temp_files, lock_folder, write_text


def test_a_path_through_a_file_is_refused_with_the_key(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    for path, words in ((tmp_path / "f", "is a file"), (tmp_path / "f" / "g", "cannot be made")):
        with pytest.raises(ConfigError, match=words) as err:
            check_output_folder(path, "hydra.run.dir")
        assert err.value.key == "hydra.run.dir"
    assert check_output_folder(tmp_path / "new" / "sub", "out") == tmp_path / "new" / "sub"
    assert not (tmp_path / "new").exists()


def test_a_second_lock_names_the_holder(tmp_path: Path) -> None:
    with lock_folder(tmp_path, "out", "commsim history data=log.csv"):
        with pytest.raises(ConfigError, match="commsim history data=log.csv") as err:
            with lock_folder(tmp_path, "out", "commsim history"):
                pass
        assert err.value.key == "out" and f"pid {os.getpid()}" in str(err.value)
    with lock_folder(tmp_path, "out", "again"):  # released
        pass


def test_temporary_files_are_cleaned_and_others_kept(tmp_path: Path) -> None:
    (tmp_path / "0").mkdir()
    leftovers = [tmp_path / ".a.csv.x1y2z3w4.tmp", tmp_path / "0" / ".m.parquet.ab_cd123.tmp"]
    kept = [tmp_path / "notes.tmp", tmp_path / ".hidden"]
    for path in [*leftovers, *kept]:
        path.write_text("x")
    assert sorted(clean_temp_files(tmp_path)) == sorted(leftovers)
    assert all(p.exists() for p in kept)


def test_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert write_text(tmp_path / "a.txt", "x").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_a_full_disk_is_an_output_error_and_leaves_the_old_file(tmp_path: Path) -> None:
    from sim.io import atomic_write

    target = write_text(tmp_path / "a.txt", "old")

    def full(path: Path) -> None:
        path.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device.*rerun") as err:
        atomic_write(target, full)
    assert isinstance(err.value, OSError) and not isinstance(err.value, ConfigError)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]

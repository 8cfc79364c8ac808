"""Packed inputs are measured as unpacked before a reader unpacks them into memory."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

import sim.io
from experiments.calibration.logs.dispatch import read_events
from sim.errors import ConfigError
from sim.io import check_unpacked

#: a small log that unpacks to more than the lowered limit below
LOG = "actor,target,time\n" + "".join(
    f"a{i},b{i},2024-01-01 10:{i % 60:02d}:00\n" for i in range(200)
)


def test_gzip_and_zip_are_measured_unpacked(tmp_path: Path) -> None:
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(LOG.encode()))
    with zipfile.ZipFile(tmp_path / "log.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("log.csv", LOG)
    size = len(LOG.encode())
    for path in (packed, tmp_path / "log.zip"):
        check_unpacked("data", path, max_bytes=size)  # exactly the limit: read
        with pytest.raises(ConfigError, match="unpacks to more than") as err:
            check_unpacked("data", path, max_bytes=size - 1)
        assert err.value.key == "data" and err.value.value == str(path)
    plain = tmp_path / "log.csv"
    plain.write_text(LOG)
    check_unpacked("data", plain, max_bytes=10)  # left to check_input_file's size check


def test_a_damaged_gzip_names_the_file(tmp_path: Path) -> None:
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(LOG.encode())[:-30])
    with pytest.raises(ConfigError, match="cannot be decompressed as gzip"):
        check_unpacked("data", packed)


def test_a_log_that_unpacks_too_large_is_refused_before_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(LOG.encode()))
    assert len(read_events(packed).frame) > 0  # readable under the real limit
    monkeypatch.setattr(sim.io.check_unpacked, "__defaults__", (1000,))
    with pytest.raises(ConfigError, match="unpacks to more than the 0 MiB") as err:
        read_events(packed)
    assert err.value.key == "data"


def test_stack_exchange_files_in_a_folder_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
        + "".join(
            f'  <row Id="{i}" PostTypeId="1" CreationDate="2024-01-0{1 + i % 9}T10:00:00.000" '
            f'OwnerUserId="{i % 7 + 1}" />\n'
            for i in range(1, 60)
        )
        + "</posts>\n"
    )
    assert len(read_events(tmp_path).frame) > 0
    monkeypatch.setattr(sim.io.check_input_file, "__defaults__", (100,))
    with pytest.raises(ConfigError, match="more than") as err:
        read_events(tmp_path)
    assert "Posts.xml" in str(err.value.value)

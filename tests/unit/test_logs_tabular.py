"""Delimited text and tables (``experiments.calibration.logs``): every format, by name."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.logs import Events, events_from_columns, parse_times, read_events
from sim.errors import ConfigError

T0 = 1_082_040_961
#: actor, target, seconds after T0 (file order is not time order)
ROWS = [("ann", "bob", 3600), ("bob", "ann", 0), ("cy", "", 90_000), ("ann", "cy", 200_000)]


def frame(time_name: str = "timestamp", ms: bool = False) -> pd.DataFrame:
    times = [(T0 + t) * (1000 if ms else 1) for _, _, t in ROWS]
    return pd.DataFrame(
        {
            "weight": [1.5, 2.0, 3.0, 1.0],
            time_name: times,
            "Sender": [a for a, _, _ in ROWS],
            "reply_to": [g or None for _, g, _ in ROWS],
        }
    )


def check(events: Events) -> None:
    assert list(events.frame["actor"]) == ["bob", "ann", "cy", "ann"]
    assert list(events.frame["target"]) == ["ann", "bob", "", "cy"]
    assert list(events.frame["time"]) == [T0, T0 + 3600, T0 + 90_000, T0 + 200_000]


def write_csv(df: pd.DataFrame, path: Path, sep: str = ",") -> Path:
    df.to_csv(path, sep=sep, index=False)
    return path


@pytest.mark.parametrize("name", ["log.csv", "log.csv.gz", "log.tsv", "log.txt", "log.csv.zip"])
def test_delimited_text_by_header_name_in_any_order(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    sep = "\t" if ".tsv" in name else ","
    plain = write_csv(frame(), tmp_path / "plain.csv", sep)
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(plain.read_bytes()))
    elif name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(plain, "log.csv")
    else:
        path.write_bytes(plain.read_bytes())
    events = read_events(path)
    check(events)
    assert events.notes == [] and events.dropped == {}


def test_jsonl_parquet_and_excel(tmp_path: Path) -> None:
    df = frame("created_utc")
    df.to_json(tmp_path / "log.jsonl", orient="records", lines=True)
    df.to_parquet(tmp_path / "log.parquet")
    df.to_excel(tmp_path / "log.xlsx", index=False)
    for name, source in [("log.jsonl", "jsonl"), ("log.parquet", "parquet"), ("log.xlsx", "excel")]:
        events = read_events(tmp_path / name)
        check(events)
        assert events.source == source


def test_excel_dates_and_no_header(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"a": ["ann", "bob"], "b": ["bob", "ann"], "c": pd.to_datetime([T0, T0 + 60], unit="s")}
    )
    df.to_excel(tmp_path / "log.xlsx", index=False, header=False)
    events = read_events(tmp_path / "log.xlsx")
    assert list(events.frame["time"]) == [T0, T0 + 60]


def test_source_target_weight_timestamp_reads_the_timestamp(tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_text(f"source,target,weight,timestamp\n1,2,5,{T0}\n2,3,1,{T0 + 86_400 * 3}\n")
    events = read_events(path)
    assert list(events.frame["time"]) == [T0, T0 + 86_400 * 3]
    assert list(events.frame["actor"]) == ["1", "2"] and list(events.frame["target"]) == ["2", "3"]


def test_explicit_columns_and_ambiguous_header(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f"user,author,when,reply\nann,x,{T0},bob\nbob,y,{T0 + 5},ann\n")
    with pytest.raises(ConfigError) as err:
        read_events(path)
    message = str(err.value)
    assert err.value.key == "data.actor" and "user, author" in message
    assert "data.actor=NAME" in message
    events = read_events(path, actor="author", time="WHEN", target="reply")
    assert list(events.frame["actor"]) == ["x", "y"]
    assert list(events.frame["target"]) == ["bob", "ann"]
    with pytest.raises(ConfigError, match="the columns are: user, author, when, reply"):
        read_events(path, actor="nobody", time="when")


def test_no_time_column_names_the_columns_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("user,message\nann,hello\n")
    with pytest.raises(ConfigError) as err:
        read_events(path)
    assert err.value.key == "data.time" and "user, message" in str(err.value)
    assert "data.time=NAME" in str(err.value)


def test_milliseconds_are_detected_and_said(tmp_path: Path) -> None:
    events = read_events(write_csv(frame("ts", ms=True), tmp_path / "log.csv"))
    check(events)
    assert events.notes == ["times read as Unix milliseconds"]


def test_iso_with_zones_and_naive_times_in_a_timezone(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("author,date\nann,2024-01-15T10:00:00Z\nbob,2024-01-15T12:00:00+01:00\n")
    times = read_events(path).frame["time"].tolist()
    start = pd.Timestamp("2024-01-15T10:00:00Z").timestamp()
    assert times == [start, start + 3600]
    naive = tmp_path / "naive.csv"
    naive.write_text("author,date\nann,2024-01-15 10:00:00\nbob,15 January 2024 11:00\n")
    assert read_events(naive).frame["time"].tolist() == [start, start + 3600]
    paris = read_events(naive, timezone="Europe/Paris").frame["time"].tolist()
    assert paris == [start - 3600, start]
    with pytest.raises(ConfigError, match="time zone"):
        read_events(naive, timezone="Mars/Olympus")


def test_positional_rule_without_header(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text(
        "# comment\nann bob 2004-04-15T14:56:01\n\ncy 2004-04-15 15:00:00\n"
        "bob ann 2004-04-16 09:00:00\n"
    )
    events = read_events(path)
    assert list(events.frame["actor"]) == ["ann", "cy", "bob"]
    assert list(events.frame["target"]) == ["bob", "", "ann"]
    assert events.frame["time"].iloc[-1] == pd.Timestamp("2004-04-16T09:00:00Z").timestamp()
    two = tmp_path / "two.tsv"
    two.write_text(f"ann\t{T0}\nbob\t{T0 + 1}\n")
    assert list(read_events(two).frame["target"]) == ["", ""]


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("author,date\nann,2024-01-15\nbob,1705312800\n", "data", ["line 3", "mix"]),
        ("author,date\nann,2024-01-15\nbob,someday\n", "data", ["line 3", "'someday'"]),
        ("author,date\n", "data", ["header but no events"]),
        ("ann bob 1705312800000\nbob ann 1705312800\n", "data", ["line 1", "one unit"]),
    ],
)
def test_bad_times_name_the_line_and_the_fix(
    tmp_path: Path, text: str, key: str, words: list[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        read_events(path)
    assert err.value.key == key and str(path) in str(err.value)
    for word in words:
        assert word in str(err.value), str(err.value)


def test_unknown_format_and_bad_format_name(tmp_path: Path) -> None:
    path = tmp_path / "log.bin"
    path.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(ConfigError) as err:
        read_events(path)
    assert err.value.key == "format" and "format=NAME" in str(err.value)
    with pytest.raises(ConfigError, match="use one of"):
        read_events(path, format="fax")
    empty = tmp_path / "export"
    empty.mkdir()
    with pytest.raises(ConfigError, match="this folder holds no export"):
        read_events(empty)


def test_events_from_columns_checks_and_sorts(tmp_path: Path) -> None:
    events = events_from_columns(
        [1, 2], None, [5.0, 1.0], tmp_path, "test", dropped={"deleted": 3, "none": 0}
    )
    assert list(events.frame["actor"]) == ["2", "1"] and events.dropped == {"deleted": 3}
    with pytest.raises(ConfigError, match="3 deleted left out"):
        events_from_columns([], None, [], tmp_path, "test", dropped={"deleted": 3})
    with pytest.raises(ConfigError, match="record 2"):
        events_from_columns(["a", "b"], None, [1.0, np.nan], tmp_path, "test")


def test_parse_times_forms() -> None:
    seconds, notes = parse_times(pd.Series(["1700000000", "1700000060"]), "data", Path("x"), None)
    assert seconds.tolist() == [1_700_000_000, 1_700_000_060] and notes == []
    seconds, notes = parse_times(pd.Series([1_700_000_000_000]), "data", Path("x"), None)
    assert seconds.tolist() == [1_700_000_000] and "milliseconds" in notes[0]
    seconds, _ = parse_times(pd.Series(["2023-11-14T22:13:20+00:00"]), "data", Path("x"), None)
    assert seconds.tolist() == [1_700_000_000]

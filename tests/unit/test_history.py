"""Reading interaction logs (``experiments.calibration.history``): formats, series, errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from experiments.calibration.history import cohort_retention, daily_series, read_history
from sim.errors import ConfigError

DAY = 86_400
T0 = 1_082_040_961  # CollegeMsg's first message


def write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


#: a small log: day 0 a->b, a->c; day 1 b->a; day 2 d (no target); day 8 c->a
EVENTS = [
    ("a", "b", 0),
    ("a", "c", 3600),
    ("b", "a", DAY + 5),
    ("d", "", 2 * DAY + 1),
    ("c", "a", 8 * DAY + 10),
]


def as_text(sep: str, header: str = "", iso: bool = False) -> str:
    rows = [header] if header else []
    for actor, target, t in EVENTS:
        stamp = np.datetime64(T0 + t, "s").astype(str) if iso else str(T0 + t)
        rows.append(sep.join(f for f in (actor, target, stamp) if f or sep == ","))
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("log.txt", as_text(" ")),
        ("log.tsv", as_text("\t")),
        ("log.csv", as_text(",", header="sender,receiver,timestamp")),
        ("log.csv.gz", as_text(",", header="actor,target,time")),
        ("log_iso.txt", as_text(" ", iso=True)),
        ("log_iso.csv", as_text(",", iso=True)),
    ],
)
def test_formats_give_the_same_history(tmp_path: Path, name: str, text: str) -> None:
    history = read_history(write(tmp_path / name, text))
    ev = history.events
    assert list(ev["actor"]) == ["a", "a", "b", "d", "c"]
    assert list(ev["target"]) == ["b", "c", "a", "", "a"]
    assert list(ev["day"]) == [0, 0, 1, 2, 8]
    assert history.n_days == 9 and history.n_users == 4
    assert history.start.timestamp() == T0


def test_iso_with_a_space_comments_blank_lines_and_unsorted_lines(tmp_path: Path) -> None:
    text = (
        "# exported from the forum\n\nbob alice 2004-04-16 09:00:00\n"
        "alice bob 2004-04-15 08:00:00+00:00\n"
    )
    history = read_history(write(tmp_path / "log.txt", text))
    assert list(history.events["actor"]) == ["alice", "bob"]
    assert list(history.events["day"]) == [0, 1]


def test_daily_series_and_retention_of_a_small_log(tmp_path: Path) -> None:
    history = read_history(write(tmp_path / "log.txt", as_text(" ")))
    frame = daily_series(history)
    assert frame["new_users"].tolist() == [3, 0, 1, 0, 0, 0, 0, 0, 0]  # a, b, c; then d
    assert frame["active_users"].tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 1]
    assert frame["cumulative_users"].tolist() == [3, 3, 4, 4, 4, 4, 4, 4, 4]
    table = cohort_retention(
        read_history(write(tmp_path / "long.txt", as_text(" ") + f"a b {T0 + 13 * DAY}\n"))
    )
    # week 0: a, b, c, d; in week 1 only c and a act
    row = table[(table["cohort"] == 0) & (table["age"] == 1)].iloc[0]
    assert (row["size"], row["retained"], row["retention"]) == (4, 2, 0.5)


def test_collegemsg_loads_as_it_is_and_matches_the_facts(data_dir: Path) -> None:
    history = read_history(data_dir / "CollegeMsg.txt.gz")
    assert len(history.events) == 59_835 and history.n_users == 1_899
    assert history.n_days == 194  # days 0..193
    frame = daily_series(history).set_index("day")
    facts = {
        7: (146, 49),
        14: (505, 144),
        21: (849, 283),
        30: (1_107, 175),
        60: (1_703, 100),
        90: (1_753, 58),
        193: (1_899, 13),
    }
    for day, (seen, senders) in facts.items():
        assert frame.loc[day, "cumulative_users"] == seen
        assert frame.loc[day, "active_users"] == senders


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["no events"]),
        ("# only a comment\n\n", ["no events"]),
        ("sender,receiver,timestamp\n", ["header but no events"]),
        ("a b 1082040961\nb a yesterday\n", ["line 2", "'yesterday'", "Unix seconds", "ISO 8601"]),
        ("a b 1082040961\nb a 2004-13-45T00:00:00\n", ["line 2", "ISO 8601"]),
        ("a b 1082040961000\nb a 1082140961\n", ["line 1", "milliseconds", "one unit"]),
        ("a b 1082040961\nlonely\n", ["line 2", "actor", "timestamp"]),
        ("a b 1082040961\nb a 1082050961\n", ["single day"]),
    ],
)
def test_bad_logs_fail_with_key_line_value_and_fix(
    tmp_path: Path, text: str, words: list[str]
) -> None:
    path = write(tmp_path / "bad.txt", text)
    with pytest.raises(ConfigError) as err:
        read_history(path)
    message = str(err.value)
    assert err.value.key == "data" and str(path) in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("value", "words"), [(None, ["data=PATH"]), ("/no/such/log.txt", ["no such file"])]
)
def test_missing_log(value: str | None, words: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        read_history(value)
    assert err.value.key == "data"
    assert all(w in str(err.value) for w in words)


def test_corrupt_gzip_and_folder(tmp_path: Path) -> None:
    bad = tmp_path / "log.txt.gz"
    bad.write_bytes(gzip.compress(b"a b 1082040961\n" * 100)[:40])
    with pytest.raises(ConfigError, match="gzip"):
        read_history(bad)
    with pytest.raises(ConfigError, match="folder"):
        read_history(tmp_path)


def test_until_keeps_the_first_days(tmp_path: Path) -> None:
    history = read_history(write(tmp_path / "log.txt", as_text(" ")))
    assert history.until(1).n_days == 2 and len(history.until(1).events) == 3


def test_calibration_reads_tables_by_header_name(tmp_path: Path) -> None:
    """The standard edge-list export: the time is ``timestamp``, not ``weight``."""
    rows = "".join(f"{a},{g},0.5,{T0 + t}\n" for a, g, t in EVENTS if g)
    history = read_history(write(tmp_path / "edges.csv", "source,target,weight,timestamp\n" + rows))
    assert list(history.events["day"]) == [0, 0, 1, 8]
    assert history.start.timestamp() == T0
    named = write(tmp_path / "named.csv", "who,when,x\n" + f"a,{T0},1\nb,{T0 + 3 * DAY},1\n")
    assert read_history(named, actor="who", time="when").n_days == 4

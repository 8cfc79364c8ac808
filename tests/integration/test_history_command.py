"""``commsim history``: outputs on a small log and on CollegeMsg, and bad files exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.calibration.history import daily_series, read_history
from experiments.calibration.logs import read_events
from experiments.commands.history import daily_table, people_table

COMMSIM = [sys.executable, "-m", "experiments.cli"]
T0 = 1_700_000_000_000  # milliseconds
DAY = 86_400_000


def commsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMSIM, *args], capture_output=True, text=True, timeout=300)


def test_history_writes_daily_and_people_tables(tmp_path: Path) -> None:
    log = tmp_path / "export.csv"
    log.write_text(
        "channel,sender,reply_to,sent_at\n"
        f"x,ann,,{T0}\nx,bob,ann,{T0 + 3_600_000}\nx,ann,bob,{T0 + DAY}\n"
        f"x,cy,ann,{T0 + 40 * DAY}\nx,ann,cy,{T0 + 40 * DAY + 5}\n"
    )
    out = tmp_path / "out"
    proc = commsim("history", f"data={log}", f"out={out}")
    assert proc.returncode == 0, proc.stderr
    daily = pd.read_csv(out / "history.csv")
    assert list(daily.columns) == ["date", "day", "new", "active", "cumulative", "events"]
    assert len(daily) == 41 and daily["date"].iloc[0] == "2023-11-14"
    assert daily["new"].sum() == 3 and daily["cumulative"].iloc[-1] == 3
    assert daily.loc[0, ["new", "active", "events"]].tolist() == [2, 2, 2]
    people = pd.read_parquet(out / "people.parquet").set_index("person")
    ann = people.loc["ann"]
    assert (ann["events"], ann["events_7d"], ann["events_30d"], ann["events_90d"]) == (3, 1, 1, 3)
    assert ann["events_received"] == 2 and ann["first_seen_day"] == 0
    assert ann["last_active_day"] == 40
    assert people.loc["cy", "first_seen_day"] == 40
    for words in ("41 days", "2023-11-14", "users: 3", "events: 5", "milliseconds"):
        assert words in proc.stdout, proc.stdout


def test_history_matches_the_calibration_series_on_collegemsg(
    data_dir: Path, tmp_path: Path
) -> None:
    path = data_dir / "CollegeMsg.txt.gz"
    events = read_events(path)
    daily = daily_table(events)
    series = daily_series(read_history(path))
    assert daily["new"].tolist() == series["new_users"].tolist()
    assert daily["active"].tolist() == series["active_users"].tolist()
    assert daily["cumulative"].tolist() == series["cumulative_users"].tolist()
    people = people_table(events)
    assert len(people) == 1_899 and people["events"].sum() == 59_835
    proc = commsim("history", f"data={path}", f"hydra.run.dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    assert "194 days" in proc.stdout and "users: 1,899" in proc.stdout


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("log.bin", "\x00\x01\x02", ["format=NAME"]),
        ("log.csv", "user,message\nann,hi\n", ["data.time=NAME", "user, message"]),
        ("log.csv", "author,date\nann,2024-01-15\nbob,1705312800\n", ["line 3", "one form"]),
        ("log.csv", "author,date\nann,2024-02-30\n", ["line 2", "2024-02-30"]),
        ("log.csv", "", ["no events"]),
    ],
)
def test_bad_files_exit_2_with_file_line_and_fix(
    tmp_path: Path, name: str, text: str, words: list[str]
) -> None:
    log = tmp_path / name
    log.write_text(text)
    proc = commsim("history", f"data={log}", f"out={tmp_path / 'out'}")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "commsim: error" in proc.stderr
    assert str(log) in proc.stderr or "format" in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_help_and_unknown_option() -> None:
    proc = commsim("history", "--help")
    assert proc.returncode == 0 and "people.parquet" in proc.stdout
    proc = commsim("history", "data=x.csv", "colour=red")
    assert proc.returncode == 2 and "data.actor" in proc.stderr


def test_whatsapp_date_order_can_be_chosen(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "01/02/21, 9:41 PM - Alice: hi\n01/02/21, 9:45 PM - Bob: hello\n"
        "03/02/21, 10:00 AM - Alice: again\n"
    )
    month_first = read_events(chat)
    day_first = read_events(chat, dayfirst=True)
    assert any("ambiguous" in n for n in month_first.notes)
    span = day_first.frame["time"].max() - day_first.frame["time"].min()
    assert 2 * 86_400 - 86_400 < span < 2 * 86_400 + 86_400  # 1 Feb to 3 Feb, not 2 Jan to 2 Mar
    table = tmp_path / "log.csv"
    table.write_text("user,timestamp\na,1600000000\n")
    proc = commsim("history", f"data={table}", "data.dayfirst=true", f"out={tmp_path / 'o'}")
    assert proc.returncode == 2 and "data.dayfirst" in proc.stderr

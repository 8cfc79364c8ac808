"""Small exports of every kind docs/your-community.md names, written as the platforms write them.

One history (eight people, 31 days from 2024-03-01, replies included) in each layout, under
the file names the page uses; :func:`write_members_csv` writes a commsim community's log as
a table with its own column names, for a calibration worth running.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pandas as pd

START = pd.Timestamp("2024-03-01 09:00", tz="UTC")
PEOPLE = ("ann", "bob", "cy", "dee", "eli", "fay", "gus", "hal")


def history() -> list[tuple[str, str, pd.Timestamp]]:
    """(actor, target or "", time): two or three events a day, the first at 09:00 UTC."""
    rows = []
    for day in range(31):
        for k in range(2 + day % 2):
            actor = PEOPLE[(3 * day + k) % len(PEOPLE)]
            target = PEOPLE[(day + k + 1) % len(PEOPLE)] if k else ""
            rows.append((actor, target, START + pd.Timedelta(days=day, hours=2 * k)))
    return rows


def write_exports(folder: Path) -> None:
    """Every export of the page, into ``folder``."""
    rows = history()
    frame = pd.DataFrame(rows, columns=["author", "replied_to", "date"])
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d %H:%M")).to_excel(
        folder / "members.xlsx", index=False
    )
    _discord(folder / "general.json", rows)
    _slack(folder / "slack-export.zip", rows)
    _telegram(folder / "ChatExport" / "result.json", rows)
    whatsapp = [f"{t.month}/{t.day}/{t:%y}, {t:%H:%M} - {a}: hello" for a, _, t in rows]
    (folder / "WhatsApp Chat with Book Club.txt").write_text("\n".join(whatsapp) + "\n")
    _stackexchange(folder / "cooking.stackexchange.com", rows)
    _reddit(folder / "r_bookclub.jsonl.gz", rows)


def write_members_csv(path: Path, log: Path) -> None:
    """A commsim log (``person unix_seconds``) as ``member_id,posted,replied_to_member``."""
    frame = pd.read_csv(log, sep=" ", header=None, names=["member_id", "time"])
    shift = START.timestamp() - frame["time"].min()
    posted = pd.to_datetime(frame["time"] + shift, unit="s", utc=True)
    table = pd.DataFrame(
        {
            "member_id": "m" + frame["member_id"].astype(str),
            "posted": posted.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "replied_to_member": "",
            "channel": "general",
        }
    )
    table.to_csv(path, index=False)


def _discord(path: Path, rows: list) -> None:
    ids = {}
    messages = []
    for i, (actor, target, t) in enumerate(rows):
        message = {
            "id": str(i),
            "type": "Reply" if target else "Default",
            "timestamp": t.isoformat(),
            "author": {"id": actor, "name": actor, "discriminator": "0000", "isBot": False},
            "content": "hello",
        }
        if target in ids:
            message["reference"] = {"messageId": ids[target]}
        ids[actor] = str(i)
        messages.append(message)
    data = {"guild": {"id": "0", "name": "club"}, "channel": {"id": "1"}, "messages": messages}
    path.write_text(json.dumps(data))


def _slack(path: Path, rows: list) -> None:
    users = [{"id": f"U{i}", "name": name} for i, name in enumerate(PEOPLE)]
    by_day: dict[str, list] = {}
    for actor, _, t in rows:
        message = {"type": "message", "user": f"U{PEOPLE.index(actor)}", "text": "hello"}
        by_day.setdefault(f"{t:%Y-%m-%d}", []).append({**message, "ts": f"{t.timestamp()}"})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("users.json", json.dumps(users))
        archive.writestr("channels.json", json.dumps([{"id": "C1", "name": "general"}]))
        for day, messages in by_day.items():
            archive.writestr(f"general/{day}.json", json.dumps(messages))


def _telegram(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    messages = [
        {
            "id": i + 1,
            "type": "message",
            "date": f"{t:%Y-%m-%dT%H:%M:%S}",
            "date_unixtime": str(int(t.timestamp())),
            "from": actor,
            "from_id": f"user{PEOPLE.index(actor)}",
            "text": "hello",
        }
        for i, (actor, _, t) in enumerate(rows)
    ]
    chat = {"name": "Book Club", "type": "private_supergroup", "id": 7, "messages": messages}
    path.write_text(json.dumps(chat))


def _stackexchange(folder: Path, rows: list) -> None:
    folder.mkdir()
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
    for i, (actor, target, t) in enumerate(rows, start=1):
        owner = PEOPLE.index(actor) + 1
        kind = '"2" ParentId="1"' if target and i > 1 else '"1"'
        lines.append(
            f'  <row Id="{i}" PostTypeId={kind} OwnerUserId="{owner}" '
            f'CreationDate="{t:%Y-%m-%dT%H:%M:%S}.000" />'
        )
    (folder / "Posts.xml").write_text("\n".join([*lines, "</posts>"]) + "\n")


def _reddit(path: Path, rows: list) -> None:
    records = [
        {"author": actor, "created_utc": int(t.timestamp()), "id": f"s{i}", "name": f"t3_s{i}"}
        for i, (actor, _, t) in enumerate(rows)
    ]
    with gzip.open(path, "wt") as stream:
        stream.write("".join(json.dumps(r) + "\n" for r in records))

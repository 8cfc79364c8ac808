"""Platform exports read as the platforms write them (fixtures in each export's layout)."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from experiments.calibration.logs import (
    platforms_chat,
    platforms_forums,
    platforms_slack,
    platforms_whatsapp,
)
from experiments.calibration.logs.dispatch import read_events
from experiments.calibration.logs.events import Events
from sim.errors import ConfigError

T0 = 1614600000  # 2021-03-01T12:00:00Z


def _rows(events: Events) -> list[tuple[str, str, float]]:
    return list(events.frame.itertuples(index=False, name=None))


def _detected(path: Path) -> str | None:
    """The format the detectors of these modules give, and A's dispatch when it is there."""
    formats: dict = {}
    detectors: list = []
    for module in (platforms_chat, platforms_forums):  # as dispatch registers them
        module.register(formats, detectors)
    head = b"" if path.is_dir() else path.read_bytes()[:4096]
    found = {d(path, head) for d in detectors} - {None}
    assert len(found) <= 1, found
    return found.pop() if found else None


def _dispatch_reads(path: Path, source: str) -> None:
    """The registry of every format detects and reads it (``commsim history data=PATH``)."""
    assert read_events(path).source == source


def _author(name: str, id_: str, bot: bool = False) -> dict:
    return {"id": id_, "name": name, "discriminator": "0000", "nickname": name, "isBot": bot}


def test_discord_json(tmp_path: Path) -> None:
    msg = [
        {
            "id": "1",
            "type": "Default",
            "timestamp": "2021-03-01T12:00:00+00:00",
            "author": _author("alice", "11"),
            "content": "hi",
        },
        {
            "id": "2",
            "type": "Reply",
            "timestamp": "2021-03-01T13:00:00.123+01:00",
            "author": _author("bob", "12"),
            "reference": {"messageId": "1"},
            "content": "yo",
        },
        {
            "id": "3",
            "type": "Reply",
            "timestamp": "2021-03-01T12:30:00+00:00",
            "author": _author("carol", "13"),
            "reference": {"messageId": "999"},
        },
        {
            "id": "4",
            "type": "GuildMemberJoin",
            "timestamp": "2021-03-01T12:00:01+00:00",
            "author": _author("dave", "14"),
        },
        {
            "id": "5",
            "type": "Default",
            "timestamp": "2021-03-01T12:00:02+00:00",
            "author": _author("MEE6", "15", bot=True),
        },
        {
            "id": "6",
            "type": "Default",
            "timestamp": "2021-03-01T12:00:03+00:00",
            "author": _author("Deleted User", "16"),
        },
    ]
    path = tmp_path / "chat.json"
    data = {"guild": {"id": "0", "name": "g"}, "channel": {"id": "9"}, "messages": msg}
    path.write_text(json.dumps(data))
    events = platforms_chat.read_discord_json(path)
    assert _rows(events) == [
        ("alice", "", T0),
        ("bob", "alice", T0 + 0.123),
        ("carol", "", T0 + 1800),
    ]
    assert events.dropped == {
        "deleted or anonymous authors": 1,
        "bot messages": 1,
        "system messages": 1,
    }
    assert _detected(path) == "discord-json"
    _dispatch_reads(path, "discord-json")


def test_discord_csv(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(
        '"AuthorID","Author","Date","Content","Attachments","Reactions"\n'
        '"11","alice#1234","2021-03-01T12:00:00.000+00:00","hi, ""all""","",""\n'
        '"12","bob","2021-03-01T12:01:00.000+00:00","two\nlines","",""\n'
        '"16","Deleted User#0000","2021-03-01T12:02:00.000+00:00","gone","",""\n'
    )
    events = platforms_chat.read_discord_csv(path)
    assert _rows(events) == [("alice#1234", "", T0), ("bob", "", T0 + 60)]
    assert events.dropped == {"deleted or anonymous authors": 1}
    assert _detected(path) == "discord-csv"
    _dispatch_reads(path, "discord-csv")


def _slack_export(root: Path) -> None:
    users = [
        {"id": "U1", "name": "alice"},
        {"id": "U2", "name": "bob"},
        {"id": "B1", "name": "helper", "is_bot": True},
    ]
    (root / "general").mkdir(parents=True)
    (root / "users.json").write_text(json.dumps(users))
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    day = [
        {
            "type": "message",
            "user": "U1",
            "ts": f"{T0}.000100",
            "text": "q",
            "thread_ts": f"{T0}.000100",
            "reply_count": 1,
        },
        {
            "type": "message",
            "user": "U2",
            "ts": f"{T0 + 5}.000200",
            "text": "a",
            "thread_ts": f"{T0}.000100",
            "parent_user_id": "U1",
        },
        {"type": "message", "subtype": "channel_join", "user": "U2", "ts": f"{T0 + 1}.0"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B1", "ts": f"{T0 + 2}.0"},
        {"type": "message", "user": "U9", "ts": f"{T0 + 9}.5", "text": "left the company"},
    ]
    (root / "general" / "2021-03-01.json").write_text(json.dumps(day))
    (root / "random").mkdir()  # the same thread ts in another channel is another thread
    other = [{"type": "message", "user": "U1", "ts": f"{T0 + 7}.0", "thread_ts": f"{T0}.000100"}]
    (root / "random" / "2021-03-01.json").write_text(json.dumps(other))


@pytest.mark.parametrize("zipped", [False, True])
def test_slack(tmp_path: Path, zipped: bool) -> None:
    _slack_export(tmp_path / "export")
    path = tmp_path / "export"
    if zipped:
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for file in sorted((tmp_path / "export").rglob("*.json")):
                archive.write(file, file.relative_to(tmp_path / "export").as_posix())
    events = platforms_slack.read_slack(path)
    assert _rows(events) == [
        ("alice", "", T0 + 0.0001),
        ("bob", "alice", T0 + 5.0002),
        ("alice", "", T0 + 7),
        ("U9", "", T0 + 9.5),
    ]
    assert events.dropped == {"bot messages": 1, "system messages": 1}
    assert _detected(path) == "slack"
    _dispatch_reads(path, "slack")


def test_telegram_single_and_all_chats(tmp_path: Path) -> None:
    msg = [
        {
            "id": 1,
            "type": "service",
            "date": "2021-03-01T11:59:00",
            "actor": "alice",
            "actor_id": "user1",
            "action": "create_group",
        },
        {
            "id": 2,
            "type": "message",
            "date": "2021-03-01T13:00:00",
            "date_unixtime": str(T0),
            "from": "alice",
            "from_id": "user1",
            "text": "hi",
        },
        {
            "id": 3,
            "type": "message",
            "date": "2021-03-01T13:01:00",
            "date_unixtime": str(T0 + 60),
            "from": "bob",
            "from_id": "user2",
            "reply_to_message_id": 2,
            "text": "yo",
        },
        {
            "id": 4,
            "type": "message",
            "date": "2021-03-01T13:02:00",
            "date_unixtime": str(T0 + 120),
            "from": None,
            "from_id": "user3",
            "text": "x",
        },
    ]
    chat = {"name": "Group", "type": "private_supergroup", "id": 77, "messages": msg}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, indent=1))
    events = platforms_chat.read_telegram(path)
    assert _rows(events) == [("user1", "", T0), ("user2", "user1", T0 + 60)]
    assert events.dropped == {"deleted or anonymous authors": 1, "system messages": 1}
    assert _detected(path) == "telegram"
    _dispatch_reads(path, "telegram")
    every = tmp_path / "all" / "result.json"
    every.parent.mkdir()
    every.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": [chat, chat]}}))
    assert len(platforms_chat.read_telegram(every.parent).frame) == 4


ANDROID = """12/31/20, 9:41 PM - Messages and calls are end-to-end encrypted. Tap to learn more.
12/31/20, 9:41 PM - Alice: happy new year
and a second line: still Alice
12/31/20, 11:59 PM - Bob: soon
1/13/21, 12:05 AM - Alice added Carol
1/13/21, 12:06 AM - Carol: hi
1/13/21, 12:07 AM - \u202a+1 555 0100\u202c: hey
"""
IOS = """\u200e[31.12.20, 21:41:05] Group: \u200eMessages and calls are end-to-end encrypted.
[31.12.20, 21:41:05] Alice: happy new year
[01.01.21, 00:00:30] Bob: \u200eimage omitted
"""


def test_whatsapp_android_and_ios(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Group.txt"
    path.write_text(ANDROID)
    events = platforms_whatsapp.read_whatsapp(path, timezone="UTC")
    t = 1609450860  # 2020-12-31T21:41:00Z
    assert _rows(events) == [
        ("Alice", "", t),
        ("Bob", "", t + 8280),
        ("Carol", "", t + 13 * 86400 - 21 * 3600 - 41 * 60 + 6 * 60),
        ("+1 555 0100", "", t + 13 * 86400 - 21 * 3600 - 41 * 60 + 7 * 60),
    ]
    assert events.dropped == {"system messages": 2}
    assert _detected(path) == "whatsapp"
    _dispatch_reads(path, "whatsapp")
    path.write_text(IOS)
    events = platforms_whatsapp.read_whatsapp(path, timezone="Europe/Berlin")
    assert _rows(events) == [("Alice", "", t + 5 - 3600), ("Bob", "", t + 8370 - 3600)]
    assert events.dropped == {"system messages": 1}
    assert _detected(path) == "whatsapp"


def test_whatsapp_ambiguous_order_is_said_and_mixed_order_fails(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("01/02/2021, 10:00 - Alice: hi\n")
    assert any("ambiguous" in n for n in platforms_whatsapp.read_whatsapp(path).notes)
    first = platforms_whatsapp.read_whatsapp(path, dayfirst=True).frame["time"][0]
    assert first == 1612173600  # 2021-02-01T10:00Z
    path.write_text("13/02/2021, 10:00 - Alice: hi\n02/13/2021, 10:00 - Bob: hi\n")
    with pytest.raises(ConfigError, match="chat.txt:2"):
        platforms_whatsapp.read_whatsapp(path)


POSTS = """<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" OwnerUserId="8" CreationDate="2021-03-01T12:00:00.000" />
  <row Id="2" PostTypeId="2" ParentId="1" OwnerUserId="9" CreationDate="2021-03-01T12:01:00.500" />
  <row Id="3" PostTypeId="2" ParentId="1" CreationDate="2021-03-01T12:02:00.000" />
  <row Id="4" PostTypeId="5" OwnerUserId="-1" CreationDate="2021-03-01T12:03:00.000" />
  <row Id="5" PostTypeId="1" OwnerUserId="-1" CreationDate="2021-03-01T12:04:00.000" />
</posts>
"""
COMMENTS = """<?xml version="1.0" encoding="utf-8"?>
<comments>
  <row Id="1" PostId="2" UserId="8" CreationDate="2021-03-01T12:10:00.000" />
  <row Id="2" PostId="3" CreationDate="2021-03-01T12:11:00.000" />
</comments>
"""


def test_stackexchange(tmp_path: Path) -> None:
    (tmp_path / "Posts.xml").write_text(POSTS)
    events = platforms_forums.read_stackexchange(tmp_path / "Posts.xml")
    assert _rows(events) == [("8", "", T0), ("9", "8", T0 + 60.5)]
    assert events.dropped == {
        "deleted or anonymous authors": 1,
        "bot messages": 1,
        "other post types": 1,
    }
    assert _detected(tmp_path / "Posts.xml") == "stackexchange"
    (tmp_path / "Comments.xml").write_text(COMMENTS)
    events = platforms_forums.read_stackexchange(tmp_path)
    assert _rows(events)[-1] == ("8", "9", T0 + 600)
    assert events.dropped["deleted or anonymous authors"] == 2
    assert _detected(tmp_path) == "stackexchange"
    _dispatch_reads(tmp_path, "stackexchange")


def test_reddit_gzip_and_zst(tmp_path: Path) -> None:
    records = [
        {"author": "alice", "created_utc": T0, "id": "s1", "name": "t3_s1", "title": "q"},
        {
            "author": "bob",
            "created_utc": str(T0 + 10),
            "id": "c1",
            "parent_id": "t3_s1",
            "link_id": "t3_s1",
        },
        {
            "author": "[deleted]",
            "created_utc": T0 + 20,
            "id": "c2",
            "parent_id": "t1_c1",
            "link_id": "t3_s1",
        },
        {
            "author": "AutoModerator",
            "created_utc": T0 + 30,
            "id": "c3",
            "parent_id": "t1_c1",
            "link_id": "t3_s1",
        },
        {
            "author": "carol",
            "created_utc": T0 + 40,
            "id": "c4",
            "parent_id": "t1_zz",
            "link_id": "t3_s1",
        },
    ]
    path = tmp_path / "RC_2021-03.ndjson.gz"
    with gzip.open(path, "wt") as stream:
        stream.write("".join(json.dumps(r) + "\n" for r in records))
    events = platforms_forums.read_reddit(path)
    assert _rows(events) == [
        ("alice", "", T0),
        ("bob", "alice", T0 + 10),
        ("AutoModerator", "bob", T0 + 30),
        ("carol", "", T0 + 40),
    ]
    assert events.dropped == {"deleted or anonymous authors": 1}
    assert _detected(path) == "reddit"
    _dispatch_reads(path, "reddit")
    zst = tmp_path / "RC_2021-03.zst"
    zst.write_bytes(b"\x28\xb5\x2f\xfd0000")
    with pytest.raises(ConfigError, match="zstd -d"):
        platforms_forums.read_reddit(zst)


@pytest.mark.parametrize(
    ("name", "content", "reader", "match"),
    [
        (
            "chat.json",
            '{"guild": {}, "channel": {}, "messages": []}',
            platforms_chat.read_discord_json,
            "no events",
        ),
        (
            "result.json",
            '{"name": "x", "type": "personal_chat", "id": 1}',
            platforms_chat.read_telegram,
            "Machine-readable JSON",
        ),
        ("chat.txt", "hello\n", platforms_whatsapp.read_whatsapp, "Export chat"),
        (
            "chat.txt",
            "12/31/20, 25:99 - Alice: hi\n",
            platforms_whatsapp.read_whatsapp,
            "chat.txt:1",
        ),
        (
            "chat.json",
            json.dumps(
                {
                    "guild": {},
                    "messages": [
                        {"id": "a", "type": "GuildMemberJoin", "author": {"name": "x"}},
                        {
                            "id": "b",
                            "timestamp": "2021-03-01T12:00:00+00:00",
                            "author": {"name": "y"},
                        },
                        {"id": "c", "timestamp": "yesterday", "author": {"name": "z"}},
                    ],
                }
            ),
            platforms_chat.read_discord_json,
            r"message 3 \(id c\): time 'yesterday'",
        ),
        (
            "Posts.xml",
            "<posts><row Id='1' PostTypeId='1' CreationDate='2021-03-01T12:00:00'/>"
            "<row Id='2' PostTypeId='1' OwnerUserId='3' CreationDate='2021-02-30T12:00:00'/>"
            "</posts>",
            platforms_forums.read_stackexchange,
            r"Posts.xml row 2 \(Id=2\)",
        ),
        (
            "Posts.xml",
            "<posts><row Id='1' PostTypeId='1' OwnerUserId='3'/></posts>",
            platforms_forums.read_stackexchange,
            "row 1",
        ),
    ],
)
def test_bad_exports_name_the_file_and_fix(tmp_path, name, content, reader, match) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ConfigError, match=match) as error:
        reader(path)
    assert name in str(error.value)


@pytest.mark.parametrize(
    "line",
    [
        "12/31/20, 9:41\u202fPM - Alice: x",
        "31/12/2020 21:41 - Alice: x",
        "[31/12/2020, 9:41:00 p. m.] Alice: x",
        "31.12.20, 21:41 - Alice: x",
        "[2020-12-31 21:41:00] Alice: x",
    ],
)
def test_whatsapp_date_and_clock_variants(tmp_path: Path, line: str) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(line + "\n")
    assert _rows(platforms_whatsapp.read_whatsapp(path)) == [("Alice", "", 1609450860)]
    assert _detected(path) == "whatsapp"


@pytest.mark.parametrize("line", ["2020-12-31 21:41:05 alice bob", "1 2 1082040961"])
def test_plain_logs_are_not_taken_for_whatsapp(tmp_path: Path, line: str) -> None:
    path = tmp_path / "log.txt"
    path.write_text(line + "\n")
    assert _detected(path) is None

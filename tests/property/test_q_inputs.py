"""Property tests of what people type and give: the command line, graph files, logs.

Hypothesis generates command lines of ``commsim run`` (real keys and random ones; values of
unicode, Hydra's grammar characters, quotes, brackets, numbers), and random or mutated
bytes as a graph file (edge list, GraphML, GEXF, gzip) and as an interaction log (CSV, JSON
lines, Excel, Parquet, zip, gzip). Each either gives a valid result or a ``ConfigError``
naming the key (``community.path``, ``data``...), never another exception and never a
hang (an alarm fails an example that takes longer than ``LIMIT`` seconds).
"""

from __future__ import annotations

import gzip
import io
import os
import signal
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.calibration.history import read_history
from experiments.runs.hydra_app import precompose
from sim.errors import ConfigError
from sim.graphs import load_graph
from sim.overrides import check_overrides, quote_non_ascii, range_ends
from sim.runner import check, compose

#: seconds an example may take before it counts as a hang
LIMIT = 20
#: examples per test (COMMSIM_PROPERTY_EXAMPLES=5000 searches longer; COMMSIM_PROPERTY_RANDOM=1
#: with a new seed each time)
EXAMPLES = int(os.environ.get("COMMSIM_PROPERTY_EXAMPLES", "150"))
DERANDOMIZE = not os.environ.get("COMMSIM_PROPERTY_RANDOM")
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def no_hang(seconds: int = LIMIT) -> Iterator[None]:
    """Fail (TimeoutError) when the block takes longer than ``seconds``."""

    def alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- the command line -------------------------------------------------------------------

KEYS = [
    "days",
    "seed",
    "playbook",
    "community",
    "community.n",
    "community.path",
    "acquisition.q",
    "behaviour.visits.slope",
    "strategies.events.items.qa.capacity",
    "+extra",
    "~seed",
    "wéekly.n",
    "",
]
#: Hydra's grammar characters, quotes, blanks, letters beyond ASCII
GRAMMAR = "[]{}(),'\"=:$\\ ~#!%*@?|/.-+_\t直é"
words = st.text(alphabet=st.sampled_from(list(GRAMMAR) + list("abq019")), max_size=12)
values = st.one_of(
    words,
    st.text(max_size=10),
    st.sampled_from(["30", "-1", "nan", "inf", "1e400", "[1,2]", "{a:1}", "null", "baseline"]),
    st.lists(words, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
)
arguments = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(KEYS), values),
    st.builds(lambda k, v: f"{k}={v}", words, values),
    words,
    st.text(max_size=15),
)


def parse_run(args: list[str]) -> object:
    """What ``commsim run`` does with its command line before the first day."""
    args = range_ends(quote_non_ascii(args))
    check_overrides(args)
    return check(compose(args))


@SETTINGS
@given(st.lists(arguments, min_size=1, max_size=4))
def test_a_command_line_is_a_config_or_a_config_error(args: list[str]) -> None:
    with no_hang():
        try:
            parse_run(args)
        except ConfigError as exc:
            assert exc.key, f"{args}: {exc}"
            assert "Traceback" not in str(exc)


@SETTINGS
@given(st.lists(arguments, min_size=1, max_size=4), st.sampled_from([["-m"], ["--cfg", "job"]]))
def test_a_command_line_with_hydra_flags_is_read_or_a_config_error(
    args: list[str], flags: list[str]
) -> None:
    with no_hang():
        try:
            precompose("config", range_ends(quote_non_ascii([*flags, *args])))
        except ConfigError as exc:
            assert exc.key, f"{args}: {exc}"


#: a text without brackets, quotes, commas, ``$`` or ``\\``: Hydra must read it as typed
texts = (
    st.text(
        alphabet=st.characters(blacklist_characters="[]{}(),'\"$\\", blacklist_categories=["Cs"]),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@SETTINGS
@given(texts)
def test_a_plain_text_value_is_read_back_as_typed(text: str) -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    quoted = quote_non_ascii([f"title={text}"])
    try:
        check_overrides(quoted)
    except ConfigError as exc:  # only a text Hydra's lexer cannot hold even quoted
        assert exc.key == "title", exc
        return
    value = OverridesParser.create().parse_overrides(quoted)[0].value()
    assert not isinstance(value, str) or value == text, (quoted, value)


# --- graph files ------------------------------------------------------------------------

EDGES = b"# a graph\n1 2\n2 3\n3 1\n3 4\n"
GRAPHML = (
    b'<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    b'<graph edgedefault="undirected"><node id="a"/><node id="b"/><node id="c"/>'
    b'<edge source="a" target="b"/><edge source="b" target="c"/></graph></graphml>'
)
GEXF = (
    b'<?xml version="1.0"?><gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">'
    b'<graph defaultedgetype="undirected"><nodes><node id="0"/><node id="1"/></nodes>'
    b'<edges><edge id="0" source="0" target="1"/></edges></graph></gexf>'
)


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """``seed`` with bytes replaced, inserted and cut."""

    def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
        out = bytearray(data)
        for kind, where, chunk in edits:
            at = where % (len(out) + 1)
            if kind == 0:
                out[at : at + len(chunk)] = chunk
            elif kind == 1:
                out[at:at] = chunk
            else:
                del out[at : at + len(chunk)]
        return bytes(out)

    edit = st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.binary(min_size=1, max_size=8))
    return st.lists(edit, min_size=1, max_size=6).map(lambda edits: mutate(seed, edits))


def contents(*seeds: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, random text, or a valid file mutated; gzipped or not."""
    raw = st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8")),
        *[mutated(seed) for seed in seeds],
    )
    return st.one_of(raw, raw.map(gzip.compress))


def in_a_file(suffix: str, data: bytes, read: Callable[[Path], object], key: str) -> None:
    """``read`` the bytes as a file named ``*suffix``: a result or a ConfigError on ``key``."""
    with tempfile.TemporaryDirectory() as folder, no_hang():
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except ConfigError as exc:
            named = exc.key == key or str(exc.key).startswith((f"{key}.", str(path)))
            assert named or exc.key == "format", f"{suffix} {data[:80]!r}: {exc}"


@SETTINGS
@given(
    st.sampled_from([".txt", ".csv", ".graphml", ".gexf", ".txt.gz", ".edges"]),
    contents(EDGES, GRAPHML, GEXF),
)
def test_a_graph_file_is_a_graph_or_a_config_error(suffix: str, data: bytes) -> None:
    in_a_file(suffix, data, load_graph, "community.path")


# --- interaction logs -------------------------------------------------------------------

CSV_LOG = b"actor,target,time\na,b,2024-01-01 10:00\nb,a,2024-01-02 11:00\nc,a,2024-01-05\n"
JSONL_LOG = (
    b'{"actor": "a", "target": "b", "time": "2024-01-01T10:00:00"}\n'
    b'{"actor": "b", "target": "a", "time": "2024-01-03T10:00:00"}\n'
)


def table_bytes(kind: str) -> bytes:
    """A small valid log as Excel or Parquet bytes (mutated by the test)."""
    frame = pd.DataFrame(
        {"actor": ["a", "b"], "target": ["b", "a"], "time": ["2024-01-01", "2024-01-04"]}
    )
    buffer = io.BytesIO()
    if kind == "excel":
        frame.to_excel(buffer, index=False, header=False)
    else:
        frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("log.csv", data)
    return buffer.getvalue()


@SETTINGS
@given(
    st.sampled_from([".csv", ".tsv", ".txt", ".jsonl", ".json", ".csv.gz", ".log"]),
    contents(CSV_LOG, JSONL_LOG),
)
def test_a_log_is_a_history_or_a_config_error(suffix: str, data: bytes) -> None:
    in_a_file(suffix, data, read_history, "data")


@settings(max_examples=max(1, EXAMPLES * 2 // 5), deadline=None, derandomize=DERANDOMIZE)
@given(
    st.sampled_from([".xlsx", ".parquet", ".zip"]).flatmap(
        lambda suffix: st.tuples(
            st.just(suffix),
            mutated(
                zipped(CSV_LOG)
                if suffix == ".zip"
                else table_bytes("excel" if suffix == ".xlsx" else "parquet")
            ),
        )
    )
)
def test_a_mutated_table_or_archive_is_a_history_or_a_config_error(
    case: tuple[str, bytes],
) -> None:
    in_a_file(case[0], case[1], read_history, "data")

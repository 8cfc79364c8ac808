"""Load a real social graph from a file: edge lists (plain or gzip), GraphML and GEXF.

Whatever the file, the result is an undirected :class:`~sim.graphs.csr.SocialGraph` with
people renumbered 0..N-1 and their original labels kept in ``original_ids``. A directed
file is made undirected: an edge either way is a tie (``a b`` and ``b a`` give one tie).
Self-loops are dropped. Every problem with the file is a :class:`~sim.errors.ConfigError`
on ``community.path`` that says what is wrong and where (line numbers for edge lists).

Edge lists: one edge per line, the first two fields are the two people; separators are
whitespace and/or commas; further fields (weights, timestamps) are ignored; ``#`` starts
a comment anywhere on a line, ``%`` a comment line (KONECT style); blank lines are
skipped. The first data line is a header, and skipped, when its first two fields are not
both integers and either every other line's are, or they are usual column names
(``source target``, ``from to``, ``src dst``, ...). Labels that are all integers are
numbered in numeric order, otherwise in string order.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

import networkx as nx
import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.graphs.csr import SocialGraph, from_edges
from sim.io import check_input_file, read_input, read_text

KEY = "community.path"
#: Format name -> file extensions (each may also end in ``.gz``).
FORMATS: dict[str, tuple[str, ...]] = {
    "edgelist": (".txt", ".csv", ".tsv", ".edges", ".el"),
    "graphml": (".graphml",),
    "gexf": (".gexf",),
}
_HEADER_WORDS = frozenset(
    "source target from to src dst sender receiver node1 node2 node_1 node_2 user1 user2 "
    "id1 id2 head tail u v".split()
)
_PERCENT_COMMENT = re.compile(r"(?m)^[ \t,]*%.*$")


def load_graph(path: str | Path, fmt: str | None = None) -> SocialGraph:
    """Read a social graph from an edge list, GraphML or GEXF file.

    Args:
        path: the file. Edge lists: ``.txt``, ``.csv``, ``.tsv``, ``.edges``, ``.el``;
            ``.graphml``; ``.gexf``; any of them may be gzip-compressed (``.gz``).
        fmt: ``"edgelist"``, ``"graphml"`` or ``"gexf"`` to override the extension.

    Returns:
        The graph, named after the file, with ``original_ids`` set.

    Raises:
        ConfigError: on ``community.path`` for a missing file, a folder, an unknown file
            type, an unreadable or empty file, a malformed line (with its number), or a
            GraphML/GEXF parse error; on ``community.format`` for an unknown ``fmt``.
    """
    path = check_input_file(KEY, path)  # a regular file of a sensible size
    fmt = _format_of(path, fmt)
    try:
        return _load(path, fmt)
    except ConfigError:
        raise
    except Exception as exc:  # what the parsers did not foresee in a damaged file
        detail = str(exc).splitlines()[0] if str(exc) else ""
        raise ConfigError(
            KEY,
            str(path),
            f"cannot be read as {fmt} ({type(exc).__name__}: {detail}); check that the file "
            "is complete, or set community.format= to its format",
        ) from exc


def _load(path: Path, fmt: str) -> SocialGraph:
    """The graph of a checked file of a known format."""
    if fmt == "edgelist":
        u_labels, v_labels = parse_edge_list(read_text(path, KEY, "edge list"), path)
        original_ids, inverse = np.unique(np.concatenate((u_labels, v_labels)), return_inverse=True)
        u, v = inverse[: u_labels.size], inverse[u_labels.size :]
    else:
        node_labels, u_labels, v_labels = _read_xml_graph(path, fmt)
        original_ids = np.unique(node_labels)
        u, v = np.searchsorted(original_ids, u_labels), np.searchsorted(original_ids, v_labels)
    if u.size == 0:
        raise ConfigError(KEY, str(path), "the file has no edges; give a graph with ties")
    graph = from_edges(u, v, original_ids.size, path.name, original_ids=original_ids)
    if graph.n_edges == 0:
        raise ConfigError(KEY, str(path), "the file has only self-loops; give a graph with ties")
    return graph


def parse_edge_list(text: str, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Split edge-list text into the labels of each edge's two ends (header removed).

    Uses pandas' C parser; if that fails or finds a short line, a line-by-line parse
    finds the culprit and reports its 1-based line number and text.

    Args:
        text: the decompressed file contents.
        path: the file, for error messages.

    Returns:
        Two arrays with one entry per edge line: int64 when every label is an integer,
        otherwise strings.

    Raises:
        ConfigError: for a line with fewer than two fields.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(",", " ")
    if "%" in text:
        text = _PERCENT_COMMENT.sub("", text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=r"\s+",
            header=None,
            names=[0, 1],
            usecols=[0, 1],
            comment="#",
            dtype=str,
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
        u_labels, v_labels = frame[0], frame[1]
        if (v_labels == "").any():
            raise ValueError("a line with one field")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        u_labels, v_labels = _parse_lines(text, path)
    return _typed_labels(u_labels, v_labels)


def _parse_lines(text: str, path: Path) -> tuple[pd.Series, pd.Series]:
    """Slow, exact parse of edge-list text, line by line, reporting the first bad line."""
    us, vs = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) < 2:
            raise ConfigError(
                KEY,
                str(path),
                f"line {number} has only one field ({line.strip()!r}); each line needs two "
                "node labels separated by spaces, tabs or commas (further fields ignored)",
            )
        us.append(fields[0])
        vs.append(fields[1])
    return pd.Series(us, dtype=str), pd.Series(vs, dtype=str)


def _typed_labels(u_labels: pd.Series, v_labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Drop a header row (see the module docstring); int64 labels if all are integers."""
    if u_labels.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    first_u, first_v = _integers(u_labels.iloc[:1]), _integers(v_labels.iloc[:1])
    first_numeric = first_u is not None and first_v is not None
    rest_u = _integers(u_labels.iloc[1:])
    rest_v = _integers(v_labels.iloc[1:]) if rest_u is not None else None
    rest_numeric = rest_u is not None and rest_v is not None
    if first_u is not None and first_v is not None and rest_u is not None and rest_v is not None:
        return np.concatenate((first_u, rest_u)), np.concatenate((first_v, rest_v))
    named = {u_labels.iloc[0].lower(), v_labels.iloc[0].lower()} <= _HEADER_WORDS
    header = not first_numeric and (named or (rest_numeric and u_labels.size > 1))
    if not header:
        return u_labels.to_numpy(dtype=str), v_labels.to_numpy(dtype=str)
    if rest_u is not None and rest_v is not None:
        return rest_u, rest_v
    return u_labels.iloc[1:].to_numpy(dtype=str), v_labels.iloc[1:].to_numpy(dtype=str)


def _integers(labels: pd.Series) -> np.ndarray | None:
    """The labels as int64, or None if any is not an integer."""
    try:
        return labels.astype(np.int64).to_numpy()
    except (ValueError, OverflowError, TypeError):
        return None


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError("community.format", fmt, f"use one of: {', '.join(FORMATS)}")
        return fmt
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    suffix = suffixes[-1] if suffixes else ""
    for name, extensions in FORMATS.items():
        if suffix in extensions:
            return name
    accepted = ", ".join(f"{name} ({' '.join(ext)})" for name, ext in FORMATS.items())
    raise ConfigError(
        KEY,
        str(path),
        f"unknown file type {suffix or '(none)'!r}; accepted: "
        f"{accepted}, each optionally .gz; or set community.format= to one of "
        f"{', '.join(FORMATS)}",
    )


def _read_xml_graph(path: Path, fmt: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node labels and edge end labels (as strings) of a GraphML or GEXF file."""
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    raw = read_input(path, KEY, fmt)  # gunzipped, with the size checks
    try:
        graph = reader(io.BytesIO(raw))
    except (
        ParseError,
        nx.NetworkXError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        EOFError,
        zlib.error,
    ) as exc:
        raise ConfigError(
            KEY,
            str(path),
            f"cannot be parsed as {fmt} ({exc}); check the "
            f"file, or set community.format= if it is not {fmt}",
        ) from exc
    nodes = pd.Series([str(node) for node in graph.nodes()], dtype=str)
    numeric = _integers(nodes)
    edges = pd.DataFrame(
        [(str(a), str(b)) for a, b in graph.edges()], columns=["u", "v"], dtype=str
    )
    u_numeric, v_numeric = _integers(edges["u"]), _integers(edges["v"])
    if numeric is not None and u_numeric is not None and v_numeric is not None:
        return numeric, u_numeric, v_numeric
    return (
        nodes.to_numpy(dtype=str),
        edges["u"].to_numpy(dtype=str),
        edges["v"].to_numpy(dtype=str),
    )

"""``commsim ui [playbook=NAME] [port=P] [lang=zh] [Hydra overrides]``: serve the classroom page.

Checks the options (composing the page's first run once, so a bad override fails here,
naming the key, value and fix), prints the address, then runs ``solara run`` on
``experiments/classroom/app.py`` in a child process, passing the options through
environment variables (``COMMSIM_UI_PLAYBOOK``, ``COMMSIM_UI_SEED``, ``COMMSIM_UI_N``,
``COMMSIM_UI_LANG``, ``COMMSIM_UI_NETWORK``, ``COMMSIM_UI_GRAPH_FILE``,
``COMMSIM_UI_OVERRIDES`` (a JSON list), ``COMMSIM_CONFIG_DIR``). Ctrl+C stops it.

Options (all ``key=value``):
    playbook     the preset the page opens with (default baseline; ``commsim playbooks``)
    port         the port to serve on (default 8765)
    host         the address to listen on (default 127.0.0.1: this machine only)
    seed         the starting seed (default 0)
    lang         the page's language: en or zh (default: the locale's)
    community.n  people in the network, 100..5000 (default 1000)
    community    the network the page opens with: ring, ws (small world), holme_kim
                 (power law, the default) or file with community.path=FILE (a graph file
                 of at most 5,000 people, then offered on the page as "Graph file")
    any other    a Hydra override applied to every run of the page, after its levers
                 (``acquisition.p=0.001``, ``community.k=4``...), as ``commsim run`` takes it

``--config-dir=DIR`` (a project folder, ``commsim init DIR``) adds its playbooks to the presets.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from experiments.classroom.model import ClassroomPlan
from experiments.classroom.networks import (
    DEFAULT_NETWORK,
    MAX_PEOPLE,
    NETWORK_OF_COMMUNITY,
    check_people,
)
from experiments.commands.playbooks import playbooks
from experiments.i18n import check_lang
from experiments.runs.hydra_app import config_dir_option
from sim import project
from sim.errors import ConfigError

APP = Path(__file__).resolve().parent.parent / "classroom" / "app.py"
KEYS = ("playbook", "port", "host", "seed", "lang", "community.n", "community", "community.path")


@dataclass(frozen=True)
class UiOptions:
    """The checked options of ``commsim ui``."""

    playbook: str = "baseline"
    port: int = 8765
    host: str = "127.0.0.1"
    seed: int = 0
    n_people: int = 1000
    config_dir: Path | None = None
    lang: str = "en"
    network: str = DEFAULT_NETWORK
    graph_file: str | None = None
    overrides: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """Where the page is served."""
        return f"http://{self.host}:{self.port}/"


def _whole(key: str, value: str, low: int, high: int, fix: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(key, value, fix) from None
    if not low <= number <= high:
        raise ConfigError(key, value, fix)
    return number


def _split(args: Sequence[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The page's own options (:data:`KEYS`) and the further Hydra overrides."""
    given: dict[str, str] = {}
    extra: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if key in KEYS and sep:
            given[key] = value
        elif sep or arg.startswith("~"):
            extra.append(arg)
        else:
            raise ConfigError(
                "ui",
                arg,
                f"use key=value with a key of: {', '.join(KEYS)} or a config key "
                "(e.g. commsim ui playbook=weekly_qa port=8766 acquisition.q=0.02)",
            )
    return given, tuple(extra)


def _network(given: dict[str, str]) -> tuple[str, str | None]:
    """The network the page opens with, and the graph file (``community=file``)."""
    community = given.get("community", "holme_kim")
    path = given.get("community.path")
    if community == "file":
        if not path:
            raise ConfigError("community.path", path, "give the graph file: community.path=FILE")
        if "community.n" in given:
            raise ConfigError(
                "community.n", given["community.n"], "a graph file has its own people"
            )
        return "file", str(Path(path).expanduser().resolve())
    if path is not None:
        raise ConfigError("community.path", path, "add community=file to draw a graph file")
    if community not in NETWORK_OF_COMMUNITY:
        choices = ", ".join([*NETWORK_OF_COMMUNITY, "file"])
        raise ConfigError("community", community, f"the page offers: {choices}")
    return NETWORK_OF_COMMUNITY[community], None


def _check_graph_file(path: str) -> None:
    """A graph file the page can draw: at most MAX_PEOPLE people."""
    from sim.graphs.loaders import load_graph

    n = load_graph(path).n
    if n > MAX_PEOPLE:
        raise ConfigError(
            "community.path",
            path,
            f"the page draws everyone: this graph has {n} people; use one of at most "
            f"{MAX_PEOPLE} (commsim run for larger ones)",
        )


def parse_options(args: Sequence[str]) -> UiOptions:
    """Check ``key=value`` arguments (and ``--config-dir=DIR``, which becomes this
    process's project folder); raises ConfigError naming the key, value and fix.

    Any key but the page's own is a Hydra override; the page's first run is composed
    once here, so a bad key or value fails before serving.
    """
    folder, args = config_dir_option(args)
    project.use_config_dir(folder)
    given, extra = _split(args)
    books = playbooks()
    playbook = given.get("playbook", "baseline")
    if playbook not in books:
        raise ConfigError("playbook", playbook, f"no such playbook; use one of: {', '.join(books)}")
    port = _whole(
        "port",
        given.get("port", "8765"),
        1,
        65535,
        "give a port number from 1 to 65535, e.g. port=8766",
    )
    seed = _whole("seed", given.get("seed", "0"), 0, 2**32 - 1, "give a whole number >= 0")
    lang = check_lang(given.get("lang"))
    network, graph_file = _network(given)
    n_people = check_people("community.n", given.get("community.n", "1000"))
    plan = ClassroomPlan.from_levers(
        playbook, seed, n_people, network=network, extra=extra, graph_file=graph_file
    )
    plan.prepare()
    if graph_file:
        _check_graph_file(graph_file)
    options = UiOptions(
        playbook,
        port,
        given.get("host", "127.0.0.1"),
        seed,
        n_people,
        folder,
        lang,
        network,
        graph_file,
        extra,
    )
    check_port_free(options.host, options.port)
    return options


def check_port_free(host: str, port: int) -> None:
    """Fail early, with the fix, when the host cannot be found or the port served on.

    Raises:
        ConfigError: naming ``host`` when it does not resolve (or is not this machine's),
            ``port`` when the port is taken or not allowed.
    """
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(
            "host",
            host,
            f"cannot be resolved ({getattr(exc, 'strerror', None) or exc}); give a name or "
            "address of this machine, e.g. host=127.0.0.1 (this machine only) or "
            "host=0.0.0.0 (every network)",
        ) from None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ConfigError(
                    "host",
                    host,
                    f"is not an address of this machine ({exc.strerror}); give one of its "
                    "names or addresses, e.g. host=127.0.0.1 or host=0.0.0.0",
                ) from None
            raise ConfigError(
                "port",
                port,
                f"cannot serve on {host}:{port} ({exc.strerror}); "
                f"choose another, e.g. port={port + 1 if port < 65535 else 8765}",
            ) from None


def solara_command(options: UiOptions) -> list[str]:
    """The ``solara run`` command line for the page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        options.host,
        "--port",
        str(options.port),
        "--no-open",
        "--production",
        "--no-check-version",
        "--theme-variant",
        "light",
    ]


def solara_env(options: UiOptions) -> dict[str, str]:
    """The environment of the server: the page's options; no telemetry, no version check."""
    return {
        **os.environ,
        "COMMSIM_UI_PLAYBOOK": options.playbook,
        "COMMSIM_UI_SEED": str(options.seed),
        "COMMSIM_UI_N": str(options.n_people),
        "COMMSIM_UI_LANG": options.lang,
        "COMMSIM_UI_NETWORK": options.network,
        "COMMSIM_UI_GRAPH_FILE": options.graph_file or "",
        "COMMSIM_UI_OVERRIDES": json.dumps(list(options.overrides)),
        "COMMSIM_CONFIG_DIR": str(options.config_dir or ""),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # Mesa's ComponentsView trips solara's hook linter; the page does not use it
        "PYTHONWARNINGS": "ignore::UserWarning:solara.validate_hooks",
    }


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(args: Sequence[str] = ()) -> int:
    """Serve the page until Ctrl+C (or SIGTERM); returns the exit code."""
    options = parse_options(args)
    print(
        f"commsim ui: serving the classroom page at {options.url} "
        f"(playbook {options.playbook}); press Ctrl+C to stop",
        flush=True,
    )
    server = subprocess.Popen(solara_command(options), env=solara_env(options))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if in_main else None
    try:
        return server.wait()
    except KeyboardInterrupt:
        print("commsim ui: stopped", flush=True)
        return 0
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

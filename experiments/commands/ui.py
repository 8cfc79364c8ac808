"""``commsim ui [playbook=NAME] [port=P]``: serve the classroom page on localhost.

Checks the options, prints the address, then runs ``solara run`` on ``experiments/classroom/app.py``
(beside this file) in a child process, passing the options through environment variables
(``COMMSIM_UI_PLAYBOOK``, ``COMMSIM_UI_SEED``, ``COMMSIM_UI_N``, ``COMMSIM_CONFIG_DIR``).
Ctrl+C stops it.

Options (all ``key=value``):
    playbook     the preset the page opens with (default baseline; ``commsim playbooks``)
    port         the port to serve on (default 8765)
    host         the address to listen on (default 127.0.0.1: this machine only)
    seed         the starting seed (default 0)
    community.n  people in the network, 100..3000 (default 1000)

``--config-dir=DIR`` (a project folder, ``commsim init DIR``) adds its playbooks to the presets.
"""

from __future__ import annotations

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

from experiments.classroom.model import MAX_PEOPLE, MIN_PEOPLE
from experiments.commands.playbooks import playbooks
from experiments.runs.hydra_app import config_dir_option
from sim import project
from sim.errors import ConfigError

APP = Path(__file__).resolve().parent.parent / "classroom" / "app.py"
KEYS = ("playbook", "port", "host", "seed", "community.n")


@dataclass(frozen=True)
class UiOptions:
    """The checked options of ``commsim ui``."""

    playbook: str = "baseline"
    port: int = 8765
    host: str = "127.0.0.1"
    seed: int = 0
    n_people: int = 1000
    config_dir: Path | None = None

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


def parse_options(args: Sequence[str]) -> UiOptions:
    """Check ``key=value`` arguments (and ``--config-dir=DIR``, which becomes this
    process's project folder); raises ConfigError naming the key, value and fix."""
    folder, args = config_dir_option(args)
    project.use_config_dir(folder)
    given: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or key not in KEYS:
            raise ConfigError(
                "ui",
                arg,
                f"use key=value with a key of: {', '.join(KEYS)} "
                "(e.g. commsim ui playbook=weekly_qa port=8766)",
            )
        given[key] = value
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
    n_people = _whole(
        "community.n",
        given.get("community.n", "1000"),
        MIN_PEOPLE,
        MAX_PEOPLE,
        f"the page draws everyone: use {MIN_PEOPLE}..{MAX_PEOPLE}",
    )
    options = UiOptions(playbook, port, given.get("host", "127.0.0.1"), seed, n_people, folder)
    check_port_free(options.host, options.port)
    return options


def check_port_free(host: str, port: int) -> None:
    """Fail early, with the fix, when the port cannot be served on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind((host, port))
        except OSError as exc:
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

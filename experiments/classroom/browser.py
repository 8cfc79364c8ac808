"""Driving the classroom page in Debian's headless Chromium, as a teacher would.

Used by the page's browser tests (``tests/browser``) and its speed benchmark
(``benchmarks/bench_ui.py``), so both press the same buttons through the same hooks: the
day counter ``.commsim-day`` ("Day N" / "第 N 天"), the play button ``aria-label="Play"``
(``"Pause"`` while playing), the speed slider ``.commsim-speed``, and
``window.commsimFrames``, where the network widget notes each day it has drawn and when.
Selenium is a development dependency (``pip install -e .[dev]``); nothing here downloads
a browser.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)


class PageError(AssertionError):
    """The page did not show what was expected in time."""


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(args: Sequence[str] = (), timeout: float = 120.0) -> Iterator[str]:
    """``commsim ui port=<free> *args`` for the ``with`` block; yields the page's address."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "ui", f"port={port}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
        start_new_session=True,
    )
    try:
        end = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise PageError(f"commsim ui exited with code {proc.returncode}:\n{out}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > end:
                    raise PageError(f"commsim ui did not listen on {port}") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def chromium(
    width: int = 1600,
    height: int = 1000,
    downloads: Path | None = None,
    binary: tuple[str, str] = (CHROMIUM, CHROMEDRIVER),
) -> Any:
    """A headless Chromium (Selenium) with a fresh profile and a viewport of this size.

    Args:
        width, height: the viewport, in CSS pixels.
        downloads: where downloads land (none allowed when None).
        binary: the paths of chromium and chromedriver.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary[0]
    profile = tempfile.mkdtemp(prefix="commsim-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt": False}
        )
    driver = webdriver.Chrome(service=Service(executable_path=binary[1]), options=options)
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return driver


def text(driver: Any) -> str:
    """Everything the page shows as text."""
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def wait_for(driver: Any, check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll ``check`` until it gives something true; raise :class:`PageError` naming ``what``."""
    end = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception:  # the page re-renders under us: try again
            pass
        if time.monotonic() > end:
            raise PageError(
                f"the page never showed {what} within {timeout:.0f} s; it shows:\n"
                f"{text(driver)[:2000]}"
            )
        time.sleep(0.1)


def find(driver: Any, css: str) -> Any:
    """The first element matching ``css`` (an exception when none)."""
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)


def day(driver: Any) -> int:
    """The day the counter shows (``Day 12`` / ``第 12 天``)."""
    match = re.search(r"\d+", find(driver, ".commsim-day").text.replace(",", ""))
    if match is None:
        raise PageError("the day counter shows no number")
    return int(match.group())


def open_page(driver: Any, url: str, timeout: float = 120.0) -> None:
    """Load the page and wait for day 0 drawn in the network."""
    driver.get(url)
    wait_for(driver, lambda: day(driver) == 0, "the day counter at day 0", timeout)
    wait_for(driver, lambda: drawn(driver), "the network drawn", timeout)


def drawn(driver: Any) -> list[dict[str, float]]:
    """The days the network has drawn, with their times (``window.commsimFrames``)."""
    return list(driver.execute_script("return window.commsimFrames || []"))


def play_button(driver: Any) -> Any:
    """The play/pause button."""
    return find(driver, "button[aria-label='Play'], button[aria-label='Pause']")


def play(driver: Any) -> None:
    """Press Play (and wait until it says Pause)."""
    find(driver, "button[aria-label='Play']").click()
    wait_for(driver, lambda: find(driver, "button[aria-label='Pause']"), "the Pause button")


def set_speed(driver: Any, fastest: bool = True) -> None:
    """Move the speed slider to its end (as fast as possible) or its start (slowest)."""
    from selenium.webdriver.common.keys import Keys

    thumb = find(driver, ".commsim-speed [role='slider']")
    thumb.send_keys(Keys.END if fastest else Keys.HOME)


def days_per_second(frames: list[dict[str, float]], skip: int = 3) -> float:
    """Drawn days per second over ``frames`` (the first ``skip`` frames warm up)."""
    frames = frames[skip:]
    if len(frames) < 2:
        return 0.0
    seconds = (frames[-1]["t"] - frames[0]["t"]) / 1000.0
    return (frames[-1]["day"] - frames[0]["day"]) / seconds if seconds > 0 else 0.0

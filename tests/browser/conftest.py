"""Fixtures for the page tests: ``commsim ui`` on a free port, and Debian's headless Chromium.

No browser is ever downloaded: the tests drive ``/usr/bin/chromium`` through Debian's
``chromedriver`` (``make test`` installs both when missing). Without them the browser tests
fail in CI (``CI=true``) and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1920,1080",
)


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    """Wait until something listens on ``port``; fail with the server's output otherwise."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"commsim ui exited with code {proc.returncode}:\n{out}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"commsim ui did not listen on port {port} within {timeout:.0f} s")


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: the browser test must run here)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """Debian's chromium and chromedriver; fail in CI, skip locally when absent."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        _missing(
            "Debian's chromium and chromedriver are not installed; `make test` installs "
            "them (apt-get install chromium chromium-driver)"
        )
    assert browser is not None and driver is not None
    return browser, driver


@pytest.fixture(scope="module")
def ui_url() -> Iterator[str]:
    """``commsim ui port=<free port>`` running for the module; stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "ui", f"port={port}", "playbook=weekly_qa"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
        start_new_session=True,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group of the server we started
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def browser(chromium_paths: tuple[str, str]) -> Iterator[Any]:
    """A headless Chromium (Selenium), fresh profile, 1920x1080 like a projector."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chromium_paths
    profile = tempfile.mkdtemp(prefix="commsim-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    # the viewport itself at 1920x1080 (headless windows count their chrome in --window-size)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def save_screenshot(request: pytest.FixtureRequest, record_property: Any) -> Any:
    """``save_screenshot(driver, name)``: write ``test-artifacts/<name>`` and report its path."""

    def save(driver: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = (ARTIFACTS / name).resolve()
        assert driver.save_screenshot(str(path)), f"could not write {path}"
        print(f"\nscreenshot: {path}")
        record_property("screenshot", str(path))
        return path

    return save

"""Fixtures for the page tests: Debian's headless Chromium, and screenshots of what it shows.

No browser is ever downloaded: the tests drive ``/usr/bin/chromium`` through Debian's
``chromedriver`` (``make test`` installs both when missing). Without them the browser tests
fail in CI (``CI=true``) and are skipped, with the reason, elsewhere. Serving the page and
starting Chromium are :mod:`experiments.classroom.browser`'s, shared with the benchmark.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from experiments.classroom import browser as page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


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


@pytest.fixture
def browser(chromium_paths: tuple[str, str]) -> Iterator[Any]:
    """A headless Chromium (Selenium), fresh profile, 1920x1080 like a projector."""
    driver = page.chromium(1920, 1080, binary=chromium_paths)
    try:
        yield driver
    finally:
        driver.quit()


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

"""The comparison report in Debian's headless Chromium: it opens with the decision, its
charts load, it reads in Chinese; screenshots in test-artifacts/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COMMSIM = [sys.executable, "-m", "experiments.cli"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small comparison from a fresh project folder, in Chinese, amounts in yuan."""
    root = tmp_path_factory.mktemp("report")
    init = subprocess.run(
        [*COMMSIM, "init", str(root / "mybrand")], capture_output=True, text=True, timeout=120
    )
    assert init.returncode == 0, init.stderr
    done = subprocess.run(
        [
            *COMMSIM,
            "compare",
            f"--config-dir={root / 'mybrand'}",
            "community=my_community",
            "playbooks=[baseline,my_weekly_live,my_points_lite]",
            "reps=2",
            "community.n=400",
            "days=60",
            "lang=zh",
            "currency=¥",
            f"hydra.run.dir={root / 'out'}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return root / "out" / "report.html"


def test_report_opens_with_the_decision(report: Path, browser: Any, save_screenshot: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    decision = browser.find_element(By.ID, "decision")
    assert decision.is_displayed() and decision.location["y"] < 400, "not on the first screen"
    text = decision.text
    assert "推荐方案" in text or "没有方案" in text, text
    assert "¥" in text or "没有方案" in text
    images = browser.find_elements(By.TAG_NAME, "img")
    assert len(images) >= 4
    for img in images:
        width = browser.execute_script("return arguments[0].naturalWidth", img)
        assert width > 300, img.get_attribute("alt")
    appendix = browser.find_element(By.TAG_NAME, "details")
    assert appendix.get_attribute("open") is None, "the statistics are folded away"
    save_screenshot(browser, "report_zh_first_screen.png")
    height = browser.execute_script("return document.body.scrollHeight")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": min(int(height), 12000), "deviceScaleFactor": 1, "mobile": False},
    )
    save_screenshot(browser, "report_zh_full.png")

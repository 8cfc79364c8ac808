"""The classroom page in a real browser: ``commsim ui`` served, Chromium driving it.

The page is driven only through its own controls (Mesa's Step and Reset buttons, the
sidebar levers, the preset menu), like a teacher at the front of the class.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.slow

STEPS = 10


def body_text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def wait_for(driver: Any, check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll ``check`` until true; fail naming ``what`` with the page's text."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except Exception:  # the page re-renders under us: try again
            pass
        time.sleep(0.2)
    pytest.fail(
        f"the page never showed {what} within {timeout:.0f} s; it shows:\n"
        f"{body_text(driver)[:2000]}"
    )


def wait_for_text(driver: Any, text: str, timeout: float = 60.0) -> None:
    wait_for(driver, lambda: text in body_text(driver), repr(text), timeout)


def button(driver: Any, label: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.XPATH, f"//button[normalize-space(.)='{label}']")


def element_png(driver: Any, css: str) -> bytes:
    """What an element looks like on screen, as PNG bytes."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return bytes(element.screenshot_as_png)


def open_page(driver: Any, url: str) -> None:
    driver.get(url)
    wait_for_text(driver, "Step: 0", timeout=90)
    wait_for(driver, lambda: len(element_png(driver, ".commsim-charts img")) > 1000, "the charts")


def test_step_through_the_page(ui_url: str, browser: Any, save_screenshot: Any) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, ui_url)
    assert "Day 0 of 365" in body_text(browser)
    charts_before = element_png(browser, ".commsim-charts img")
    network_before = element_png(browser, ".commsim-network img")
    for step in range(1, STEPS + 1):
        button(browser, "Step").click()
        wait_for_text(browser, f"Step: {step}")
    text = body_text(browser)
    assert f"Day {STEPS} of 365" in text
    assert "Step: 0" not in text
    wait_for(
        browser,
        lambda: element_png(browser, ".commsim-charts img") != charts_before,
        "the charts changing after the steps",
    )
    wait_for(
        browser,
        lambda: element_png(browser, ".commsim-network img") != network_before,
        "the network recoloured after the steps",
    )
    top = browser.find_element(By.CSS_SELECTOR, ".commsim-preset")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", top)
    path = save_screenshot(browser, "ui.png")
    assert path.stat().st_size > 10_000


def test_a_lever_applies_on_reset(ui_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, ui_url)
    assert "points off" in body_text(browser)
    button(browser, "Step").click()
    wait_for_text(browser, "Step: 1")
    browser.find_element(By.XPATH, "//label[normalize-space(.)='Points and badges']").click()
    button(browser, "Reset").click()
    wait_for_text(browser, "points on")
    text = body_text(browser)
    assert "Step: 0" in text and "Day 0 of 365" in text
    assert "+strategies.incentives._target_=strategies.incentives.Incentives" in text


def test_a_preset_sets_the_levers(ui_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, ui_url)
    title = "//div[contains(@class, 'v-list-item__title') and normalize-space(.)='seed_degree']"

    opened = [0.0]  # when the menu was last asked to open

    def choose_preset() -> bool:
        """Open the preset menu (again after 3 s if it never showed) and click seed_degree
        once it is shown (the menu renders asynchronously: a click can land before it
        exists)."""
        items = [e for e in browser.find_elements(By.XPATH, title) if e.is_displayed()]
        if not items:
            if time.monotonic() - opened[0] > 3.0:
                browser.find_element(By.CSS_SELECTOR, ".commsim-preset .v-input__slot").click()
                opened[0] = time.monotonic()
            return False
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", items[0])
        items[0].click()
        return True

    wait_for(browser, choose_preset, "the seed_degree preset in the menu")
    wait_for_text(browser, "invite at launch 50 by degree")
    assert "weekly Q&A off" in body_text(browser)
    button(browser, "Step").click()
    wait_for_text(browser, "Step: 1")
    button(browser, "Reset").click()  # rebuilt from the sidebar, which holds the preset's levers
    wait_for_text(browser, "Step: 0")
    text = body_text(browser)
    assert "commsim run playbook=seed_degree" in text and "weekly Q&A off" in text

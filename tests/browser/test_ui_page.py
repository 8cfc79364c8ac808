"""The classroom page in a real browser: ``commsim ui`` served, Chromium driving it.

The page is driven only through its own controls, like a teacher at the front of the
class: Play, a preset chosen while playing, another network, a click on a person, the
speed at its fastest until the last day, the CSV download; in English and in Chinese, in
the light and the dark theme, at a projector's 1600x1000 and at 1280x720 and 1024x768.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from experiments.classroom import browser as page

pytestmark = pytest.mark.slow

DAYS = 80  # the run's length here (days=80 on the command line): the finish comes soon


@pytest.fixture(scope="module")
def url(chromium_paths: tuple[str, str]) -> Iterator[str]:
    with page.served(["playbook=weekly_qa", f"days={DAYS}"]) as address:
        yield address


@pytest.fixture
def driver(tmp_path: Path, chromium_paths: tuple[str, str]) -> Iterator[Any]:
    d = page.chromium(1600, 1000, downloads=tmp_path)
    try:
        yield d
    finally:
        d.quit()


def choose(driver: Any, css: str, option: str) -> None:
    """Pick ``option`` (its shown text) in the drop-down with class ``css``."""
    from selenium.webdriver.common.by import By

    item = (
        "//div[contains(@class, 'v-menu__content')"
        " and contains(@class, 'menuable__content__active')]"
        f"//div[contains(@class, 'v-list-item__title') and normalize-space(.)='{option}']"
    )
    opened = [0.0]

    def pick() -> bool:
        items = [e for e in driver.find_elements(By.XPATH, item) if e.is_displayed()]
        if not items:
            if time.monotonic() - opened[0] > 3.0:
                page.find(driver, f".{css} .v-input__slot").click()
                opened[0] = time.monotonic()
            return False
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", items[0])
        items[0].click()
        return True

    page.wait_for(driver, pick, f"{option!r} in the {css} menu")


def label(driver: Any) -> str:
    return str(page.play_button(driver).get_attribute("aria-label"))


def click_a_person(driver: Any, person: int = 0) -> str:
    """Click where the network draws ``person``; returns the text of the panel that opens."""
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = page.find(driver, ".commsim-network canvas")
    x, y = driver.execute_script(
        "return arguments[0].commsimPersonAt(arguments[1])", canvas, person
    )
    w, h = canvas.size["width"], canvas.size["height"]
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(round(x - w / 2)), int(round(y - h / 2))
    ).click().perform()
    panel = page.wait_for(
        driver,
        lambda: next(
            (
                p
                for p in driver.find_elements("css selector", ".commsim-person")
                if p.is_displayed() and p.text.strip()
            ),
            None,
        ),
        "a person's panel after the click",
        timeout=20,
    )
    return str(panel.text)


def test_a_lesson_on_the_page(url: str, driver: Any, tmp_path: Path, save_screenshot: Any) -> None:
    page.open_page(driver, url)
    assert page.find(driver, ".commsim-day").text == "Day 0"
    assert label(driver) == "Play"

    # Play: the days go by, drawn one after the other
    page.play(driver)
    page.wait_for(driver, lambda: page.day(driver) >= 3, "day 3 while playing")
    save_screenshot(driver, "ui.png")

    # a preset chosen while playing: paused, applied, reset to day 0; Play works again
    choose(driver, "commsim-preset", "seed_degree")
    page.wait_for(
        driver,
        lambda: "commsim run playbook=seed_degree" in page.text(driver),
        "the seed_degree run",
    )
    page.wait_for(
        driver,
        lambda: page.day(driver) == 0 and label(driver) == "Play",
        "day 0, paused, after the preset",
    )
    page.play(driver)
    page.wait_for(driver, lambda: page.day(driver) >= 2, "day 2 after the preset")
    page.play_button(driver).click()
    page.wait_for(driver, lambda: label(driver) == "Play", "paused")

    # another network: the page rebuilds on it
    choose(driver, "commsim-network-choice", "Small world")
    page.wait_for(driver, lambda: "community=ws" in page.text(driver), "the small-world run")
    assert page.day(driver) == 0

    # a person: click in the network
    page.play(driver)
    page.wait_for(driver, lambda: page.day(driver) >= 5, "day 5 on the small world")
    page.play_button(driver).click()
    info = click_a_person(driver)
    assert "Person 0" in info and "Friends" in info and "Posts" in info
    save_screenshot(driver, "ui_person.png")

    # as fast as possible, to the last day: it stops there and says so
    page.set_speed(driver, fastest=True)
    page.play(driver)
    page.wait_for(
        driver,
        lambda: page.find(driver, ".commsim-finished").is_displayed(),
        "the finished message",
        timeout=120,
    )
    assert page.day(driver) == DAYS
    page.wait_for(driver, lambda: label(driver) == "Play", "Play again after the last day")
    assert str(DAYS) in page.find(driver, ".commsim-finished").text
    frames = page.drawn(driver)
    assert [f["day"] for f in frames[-5:]] == list(range(DAYS - 4, DAYS + 1))  # every day drawn
    save_screenshot(driver, "ui_finished.png")

    # the charts as a picture
    from selenium.webdriver.common.by import By

    page.find(driver, ".commsim-png").click()
    png = page.wait_for(driver, lambda: next(iter(tmp_path.glob("*.png")), None), "the PNG")
    time.sleep(0.5)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5_000

    # the day series as CSV, for Excel (byte-order mark), one row per day

    driver.find_element(By.XPATH, "//button[contains(., 'Download the days')]").click()
    csv = page.wait_for(driver, lambda: next(iter(tmp_path.glob("*.csv")), None), "the CSV")
    time.sleep(0.5)
    data = csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("day,") and len(lines) == DAYS + 2  # header, days 0..DAYS


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_fits_small_screens(url: str, size: tuple[int, int], save_screenshot: Any) -> None:
    driver = page.chromium(*size)
    try:
        page.open_page(driver, url)
        width, height = size
        for css in (
            ".commsim-play",
            ".commsim-speed",
            ".commsim-network canvas",
            ".commsim-charts canvas",
            ".commsim-day",
        ):
            box = driver.execute_script(
                "return arguments[0].getBoundingClientRect().toJSON()", page.find(driver, css)
            )
            assert box["right"] <= width + 1 and box["bottom"] <= height + 1, (css, box)
            assert box["width"] > 0 and box["height"] > 0, (css, box)
        save_screenshot(driver, f"ui_{width}x{height}.png")
    finally:
        driver.quit()


def luminance(css_colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of a CSS ``rgb(...)``/``rgba(...)`` colour."""
    inside = css_colour[css_colour.index("(") + 1 : css_colour.index(")")]
    r, g, b = (float(v) / 255 for v in inside.split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_chinese_and_dark(chromium_paths: tuple[str, str], save_screenshot: Any) -> None:
    with page.served(["lang=zh", "days=30"]) as address:
        driver = page.chromium(1600, 1000)
        try:
            page.open_page(driver, address)
            assert page.find(driver, ".commsim-day").text == "第 0 天"
            assert page.play_button(driver).get_attribute("aria-label") == "Play"
            assert "播放" in page.play_button(driver).text
            page.play(driver)
            page.wait_for(driver, lambda: page.day(driver) >= 3, "第 3 天")
            page.play_button(driver).click()
            # the dark theme: every text light on dark
            page.find(driver, ".commsim-theme button").click()
            page.wait_for(
                driver, lambda: page.find(driver, ".commsim-status.commsim-dark"), "the dark theme"
            )
            style = "return getComputedStyle(arguments[0]).color"
            for css in (".commsim-day", ".commsim-controls .v-label", ".commsim-legend"):
                colour = driver.execute_script(style, page.find(driver, css))
                assert luminance(colour) > 0.6, (css, colour)
            save_screenshot(driver, "ui_zh_dark.png")
            # the About tab, in Chinese
            from selenium.webdriver.common.by import By

            tab = [
                t
                for t in driver.find_elements(By.CSS_SELECTOR, ".v-tab")
                if t.text == "关于这个模型"
            ]
            tab[0].click()
            page.wait_for(
                driver,
                lambda: "社群" in page.find(driver, ".commsim-about").text,
                "the About panel in Chinese",
            )
            save_screenshot(driver, "ui_zh_about.png")
        finally:
            driver.quit()


def more_settings(driver: Any, typed: str) -> None:
    """Type ``typed`` into *More settings* and press Enter."""
    from selenium.webdriver.common.keys import Keys

    box = page.find(driver, ".commsim-overrides input")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(typed)
    time.sleep(0.5)  # as a person types: the field takes the text before Enter
    box.send_keys(Keys.ENTER)


def test_any_command_line_setting_is_reachable(url: str, driver: Any) -> None:
    page.open_page(driver, url)
    more_settings(driver, "days=40 community.n=100")
    page.wait_for(driver, lambda: "This run: 100 people" in page.text(driver), "100 people")
    assert "of 40" in page.find(driver, ".commsim-status").text
    more_settings(driver, "colour=red")
    error = page.wait_for(driver, lambda: page.find(driver, ".commsim-error"), "the error")
    assert "colour" in error.text and "red" in error.text  # the key, the value and the fix
    assert "This run: 100 people" in page.text(driver)  # the run on screen stays

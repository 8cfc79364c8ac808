"""Speed of the classroom page: simulated days per second, every day drawn, in Chromium.

Serves ``commsim ui`` and drives it in Debian's headless Chromium (1600x1000, as on a
projector) at the fastest speed: Play, then the days the network widget reports drawn
(``window.commsimFrames``) over ``--seconds``. Three cases, each ``--repeats`` times (the
median is printed, with the minimum and maximum):

1. 1,000 people, one tab (target: >= 15 days/s);
2. 5,000 people, one tab (target: >= 5 days/s);
3. 1,000 people, two tabs on the same server, playing at once (target: >= 5 days/s each;
   the slower tab counts). Each tab is its own browser window, both visible, as on two
   students' screens.

Every day must be drawn: a day missing from ``window.commsimFrames`` stops the benchmark.

    python benchmarks/bench_ui.py
    python benchmarks/bench_ui.py --seconds 10 --repeats 1
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from common import median, table

from experiments.classroom import browser

TARGETS = {"1,000 people": 15.0, "5,000 people": 5.0, "1,000 people, two tabs": 5.0}


def skipped(frames: list[dict[str, float]]) -> int:
    """Days the page never drew between its first and last drawn day (0: every day)."""
    days = {int(f["day"]) for f in frames}
    return (max(days) - min(days) + 1 - len(days)) if days else 0


def measure(drivers: list[Any], url: str, seconds: float) -> list[float]:
    """Days per second of each page, playing at the same time for ``seconds``.

    Raises SystemExit when a page skipped a day (the figure would not be every day drawn).
    """
    for driver in drivers:
        browser.open_page(driver, url)
        driver.execute_script("window.commsimFrames = []")
        browser.set_speed(driver, fastest=True)
    for driver in drivers:
        browser.play(driver)
    time.sleep(seconds)
    frames = [browser.drawn(driver) for driver in drivers]
    missing = [skipped(f) for f in frames]
    if any(missing):
        raise SystemExit(f"days not drawn while playing: {missing}")
    rates = [browser.days_per_second(f) for f in frames]
    for driver in drivers:
        button = browser.play_button(driver)
        if button.get_attribute("aria-label") == "Pause":
            button.click()
    return rates


def case(people: int, tabs: int, seconds: float) -> float:
    """The slowest tab's days per second for one case (a fresh server and browsers)."""
    with browser.served([f"community.n={people}"]) as url:
        drivers = [browser.chromium(1600, 1000) for _ in range(tabs)]
        try:
            return min(measure(drivers, url, seconds))
        finally:
            for driver in drivers:
                driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="playing time per case")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median)")
    args = parser.parse_args()
    cases = {"1,000 people": (1000, 1), "5,000 people": (5000, 1)}
    cases["1,000 people, two tabs"] = (1000, 2)
    rows = []
    for name, (people, tabs) in cases.items():
        rates = [case(people, tabs, args.seconds) for _ in range(args.repeats)]
        rows.append(
            {
                "case": name,
                "days/s (median)": f"{median(rates):.1f}",
                "min": f"{min(rates):.1f}",
                "max": f"{max(rates):.1f}",
                "target": f">= {TARGETS[name]:g}",
                "met": "yes" if median(rates) >= TARGETS[name] else "NO",
            }
        )
        print(f"{name}: {', '.join(f'{r:.1f}' for r in rates)} days/s", flush=True)
    print(table(rows, ["case", "days/s (median)", "min", "max", "target", "met"]))


if __name__ == "__main__":
    main()

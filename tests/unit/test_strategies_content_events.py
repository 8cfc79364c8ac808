"""Content plan and event calendar: mechanisms and lever checks (directions: tests/validation)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import ConfigError, run
from strategies.content import ContentPlan, items_today
from strategies.events import EventCalendar
from tests.conftest import SMOKE, Builder

SMALL = [*SMOKE, "community.n=600", "days=90", "run.handles=off"]
QA = {"type": "qa", "every": "weekly", "day": 3, "capacity": 40}
MEETUP = {
    "type": "meetup",
    "every": "monthly",
    "day": 10,
    "capacity": 30,
    "cost": 500.0,
    "cost_per_attendee": 10.0,
}


def calendar() -> EventCalendar:
    lottery = {"type": "lottery", "every": "monthly", "day": 20, "capacity": 20}
    challenge = {
        "type": "challenge",
        "every": "weekly",
        "day": 5,
        "capacity": 50,
        "segments": ["students"],
        "topic": 1,
    }
    return EventCalendar(
        items={"qa": QA, "meetup": MEETUP, "lottery": lottery, "challenge": challenge}
    )


def plan() -> ContentPlan:
    return ContentPlan(promotional_per_week=2, target_segments=["professionals"])


# ----- determinism, reset, costs -------------------------------------------------------------
@pytest.mark.parametrize("make", [calendar, plan], ids=["events", "content"])
def test_same_seed_same_result(make: Any, make_model: Builder) -> None:
    a = make_model(*SMALL, "seed=2", strategies=[make()]).run()
    b = make_model(*SMALL, "seed=2", strategies=[make()]).run()
    pd.testing.assert_frame_equal(a.recorder.frame(), b.recorder.frame())
    assert a.cost_by_item == b.cost_by_item and a.social.n_edges == b.social.n_edges


@pytest.mark.parametrize("make", [calendar, plan], ids=["events", "content"])
def test_setup_resets(make: Any, make_model: Builder) -> None:
    strategy = make()
    first = make_model(*SMALL, "seed=4", strategies=[strategy]).run().recorder.frame()
    again = make_model(*SMALL, "seed=4", strategies=[strategy]).run()  # the same instance
    pd.testing.assert_frame_equal(first, again.recorder.frame())


def test_costs_booked_under_their_items(make_model: Builder) -> None:
    model = make_model(*SMALL, strategies=[calendar(), plan()]).run()
    assert set(model.cost_by_item) == {"events", "content"}
    assert model.cost_by_item["events"] > 0 and model.cost_by_item["content"] > 0


def test_no_budget_no_action(make_model: Builder) -> None:
    events, content = calendar(), plan()
    model = make_model(*SMALL, "seed=1", strategies=[events, content])
    model.ops.set_budget(0.0)
    edges = model.social.n_edges
    model.run(30)
    assert model.cost_by_item == {} and not (model.pool.author == -1).any()
    assert events.attendance_total_ == 0 and model.social.n_edges == edges
    assert model.budget_exhausted_day == 1


# ----- invalid levers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "override, key",
    [
        ("strategies.events.items.qa.capacity=-5", "strategies.events.items.qa.capacity"),
        ("strategies.events.items.qa.type=party", "strategies.events.items.qa.type"),
        ("strategies.events.items.qa.every=daily", "strategies.events.items.qa.every"),
        ("strategies.events.items.qa.day=0", "strategies.events.items.qa.day"),
        ("strategies.events.items.qa.until=3", "strategies.events.items.qa.until"),
        ("strategies.events.items.qa.segments=[pensioners]", "strategies.events.items.qa.segments"),
        ("strategies.events.items.qa.segments=students", "strategies.events.items.qa.segments"),
        ("strategies.events.items.qa.topic=99", "strategies.events.items.qa.topic"),
        ("+strategies.events.items.qa.colour=red", "strategies.events.items.qa.colour"),
        ("strategies.events.attendance=1.5", "strategies.events.attendance"),
    ],
)
def test_invalid_event_levers_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        run(["playbook=weekly_qa", *SMALL, override])
    assert err.value.key == key


@pytest.mark.parametrize(
    "override, key",
    [
        ("strategies.content.target_segments=[pensioners]", "strategies.content.target_segments"),
        ("strategies.content.topic_breadth=9", "strategies.content.topic_breadth"),
        ("strategies.content.quality=2", "strategies.content.quality"),
        ("strategies.content.educational_per_week=-1", "strategies.content.educational_per_week"),
        ("strategies.content.cost_per_item=-3", "strategies.content.cost_per_item"),
    ],
)
def test_invalid_content_levers_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        run(["playbook=knowledge_sessions_offline", *SMALL, override])
    assert err.value.key == key


def test_items_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError) as err:
        EventCalendar(items=["qa"])
    assert err.value.key == "strategies.events.items"


# ----- mechanisms ----------------------------------------------------------------------------
@pytest.mark.parametrize("per_week", [0, 1, 2, 3, 5, 7, 10, 15])
def test_schedule_spreads_the_weekly_count(per_week: int) -> None:
    week = [items_today(per_week, day) for day in range(1, 8)]
    assert sum(week) == per_week
    assert max(week) - min(week) <= 1
    assert week == [items_today(per_week, day) for day in range(8, 15)]


def test_content_is_published_on_schedule_within_breadth(make_model: Builder) -> None:
    content = ContentPlan(
        educational_per_week=3,
        entertaining_per_week=0,
        prompts_per_week=0,
        topic_breadth=2,
        cost_per_item=10.0,
    )
    model = make_model(*SMALL, "days=14", strategies=[content]).run()
    ours = model.pool.author == -1  # items live a week: the second week's three are left
    assert content.n_published_ == 6 and ours.sum() == 3
    assert list(model.pool.day[ours]) == [8, 10, 12]
    assert set(model.pool.topic[ours]) <= {0, 1}
    assert model.cost_by_item["content"] == 60.0


def test_event_attendance_metric(make_model: Builder) -> None:
    events = EventCalendar(items={"qa": QA})
    metrics = make_model(*SMALL, strategies=[events]).run().recorder.frame()
    held = (metrics["day"] >= 3) & ((metrics["day"] - 3) % 7 == 0)
    assert (metrics.loc[~held, "event_attendance"] == 0).all()
    assert metrics.loc[held, "event_attendance"].gt(0).all()
    assert metrics["event_attendance"].max() <= QA["capacity"]


def test_meetups_add_ties(make_model: Builder) -> None:
    events = EventCalendar(items={"meetup": MEETUP})
    model = make_model(*SMALL, strategies=[events]).run()
    assert events.ties_added_ > 0
    without = make_model(*SMALL, strategies=[]).run()
    assert model.social.n_edges == without.social.n_edges + events.ties_added_


def test_lottery_brings_low_commitment_entrants(make_model: Builder) -> None:
    lottery = {"type": "lottery", "every": "once", "day": 5, "capacity": 40}
    events = EventCalendar(items={"lottery": lottery}, lottery_commitment=0.05)
    model = make_model(*SMALL, "days=5", strategies=[events]).run()
    joined = model.pop.joined_day == 5
    assert events.attendance_total_ >= 20 and np.count_nonzero(joined) >= 20
    assert np.count_nonzero(model.pop.commitment[joined] < 0.2) >= 20

"""``retention_dN`` has one definition: under ``behaviour=diffusion``, where every member
counts as active every day (the daily ``active``), it is the share of the cohort still
members on the window's first day, not 0."""

from __future__ import annotations

import numpy as np

from agents.states import MEMBER
from sim.population import RETENTION_WINDOWS
from sim.summary import summarise
from tests.conftest import SMOKE, Builder

#: acquisition only, with churn on so that some joiners leave; 60 days
DIFFUSION = [*SMOKE, "behaviour=diffusion", "behaviour.churn.enabled=true", "days=60"]


def test_diffusion_retention_is_the_share_active_in_the_window(make_model: Builder) -> None:
    model = make_model(*DIFFUSION)
    assert not model.visits_on
    member_on = [model.pop.state == MEMBER]  # membership at the end of each day, day 0 first
    model.run(on_day=lambda m: member_on.append(m.pop.state == MEMBER))
    metrics = model.recorder.frame()
    assert (metrics["active"] == metrics["members"]).all()  # every member counts as active
    summary = summarise(model, metrics)
    joined = model.pop.joined_day
    days = np.arange(model.n_people)
    for n, (low, high) in RETENTION_WINDOWS.items():
        cohort = (joined >= 0) & (joined <= model.day - n)
        if not cohort.any():
            assert summary[f"retention_d{n}"] is None
            continue
        active = np.stack(member_on)  # day x person: a member, so active, that day
        people = days[cohort]
        in_window = [active[joined[p] + low : joined[p] + high + 1, p].any() for p in people]
        assert summary[f"retention_d{n}"] == np.mean(in_window), n
    assert 0.0 < summary["retention_d30"] < 1.0  # some of the cohort left: it can tell
    assert summary["retention_d90"] is None


def test_retention_with_visits_still_counts_visits(make_model: Builder) -> None:
    model = make_model(*SMOKE, "days=40").run()
    summary = summarise(model, model.recorder.frame())
    old = (model.pop.joined_day >= 0) & (model.pop.joined_day <= model.day - 30)
    kept = (model.pop.retained & np.uint8(2)) != 0  # bit 1: the 30-day window
    assert summary["retention_d30"] == kept[old].mean()

"""Budget: pacing (even, front, asap), the top-level keys ``budget`` and ``budget_pacing``.

Ads (``strategies.reach``, 50 a day by default) ask for more than a paced budget allows, so
the pacing is what decides the spending. ``asap`` must give exactly what the budget gave
before pacing existed: :class:`UnpacedBudget` is that strategy, kept here as the reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from sim import run
from sim.model import CommunityModel
from sim.runner import build_strategies, check, compose, model_from_config
from sim.verbs import OperatorVerbs
from strategies.budget import Budget, allowed_share, budget_left
from strategies.incentives import Incentives
from tests.conftest import SMOKE

ADD_REACH = "+strategies.reach._target_=strategies.reach.OutsideReach"
DAYS = 60
TOTAL = 1500.0  # even: 25 a day, half what the ads ask for
AD = 50.0  # the ads' daily spend (strategies.reach.ad_spend_per_day's default)
ADS = [*SMOKE, "community.n=1000", f"days={DAYS}", ADD_REACH, f"budget={TOTAL}"]


class UnpacedBudget(Budget):
    """The budget strategy as it was before pacing: the total, and nothing else."""

    kind: ClassVar[str] = "unpaced_budget"

    def setup(self, ops: OperatorVerbs) -> None:
        ops.set_budget(self.total)
        ops.add_reporter("budget_left", budget_left)

    def act(self, ops: OperatorVerbs) -> None:
        pass


def spent(metrics: pd.DataFrame) -> pd.Series:
    """Cumulative spending by the end of each day."""
    return metrics["cost"].cumsum()


@pytest.fixture(scope="module")
def paced() -> dict[str, Any]:
    """The ads' run under each pacing."""
    return {p: run([*ADS, f"budget_pacing={p}"]) for p in ("even", "front", "asap")}


def test_allowed_share_formulas() -> None:
    days = 100
    t = np.arange(days + 1)
    even = np.array([allowed_share("even", d, days) for d in t])
    front = np.array([allowed_share("front", d, days) for d in t])
    assert np.allclose(even, t / days) and np.allclose(front, 1 - (1 - t / days) ** 2)
    assert front[1] == pytest.approx(2 * even[1], rel=0.01)  # twice the even rate at first
    assert (np.diff(front) >= 0).all() and (front >= even).all() and front[-1] == 1.0
    assert allowed_share("asap", 1, days) == 1.0
    assert allowed_share("even", days + 5, days) == 1.0  # past the run: the whole total


def test_even_spreads_spending(paced: dict[str, Any]) -> None:
    r = paced["even"]
    m, s = r.metrics, r.summary
    t = m["day"]
    assert (spent(m) <= TOTAL * t / DAYS + AD).all()
    assert (spent(m) <= m["budget_allowed"] + 1e-9).all()
    assert m["budget_allowed"].iloc[-1] == pytest.approx(TOTAL)
    assert spent(m).iloc[DAYS // 2] == pytest.approx(TOTAL / 2, abs=AD)  # half by mid-run
    assert s["cost_total"] <= TOTAL and m["budget_held_back"].sum() > 0
    # held back is not run out: the total refuses only when what is left is below one ad
    assert s["budget_exhausted_day"] is None or s["budget_exhausted_day"] > DAYS * (1 - AD / TOTAL)


def test_front_spends_more_in_the_first_half(paced: dict[str, Any]) -> None:
    even, front = paced["even"].metrics, paced["front"].metrics
    half = DAYS // 2
    assert spent(front).iloc[half] > spent(even).iloc[half] + AD
    x = front["day"] / DAYS
    assert (spent(front) <= TOTAL * (1 - (1 - x) ** 2) + AD).all()
    assert paced["front"].summary["cost_total"] <= TOTAL


def test_asap_spends_until_the_total_is_gone(paced: dict[str, Any]) -> None:
    m, s = paced["asap"].metrics, paced["asap"].summary
    assert s["budget_exhausted_day"] == int(TOTAL // AD) + 1  # 50 a day, then nothing
    assert m["budget_held_back"].sum() == 0 and (m["budget_allowed"] == TOTAL).all()
    assert s["cost_total"] == TOTAL


@pytest.mark.parametrize(
    "overrides",
    [
        ["playbook=coupons", "community.n=1000", "days=120", "budget=40"],
        ["playbook=full_playbook", "community.n=1000", "days=60", "budget=5000"],
        [ADD_REACH, "days=40", "budget=420"],
    ],
    ids=["coupons", "full_playbook", "ads"],
)
def test_asap_reproduces_the_unpaced_budget_bit_for_bit(overrides: list[str]) -> None:
    cfg = compose([*SMOKE, *overrides, "budget_pacing=asap"])
    paced = model_from_config(cfg).run()
    total = float(cfg.budget)
    others = [s for s in build_strategies(cfg) if not isinstance(s, Budget)]
    before = CommunityModel(check(cfg), strategies=[UnpacedBudget(total=total), *others]).run()
    assert paced.budget_exhausted_day == before.budget_exhausted_day > 0  # the budget binds
    a, b = paced.recorder.frame(), before.recorder.frame()
    assert a[b.columns].equals(b)
    assert paced.cost_by_item == before.cost_by_item
    for name in ("state", "commitment", "sentiment", "points", "purchases"):
        assert np.array_equal(getattr(paced.pop, name), getattr(before.pop, name)), name


def test_full_playbook_keeps_its_unpaced_budget() -> None:
    """full_playbook times its own spending (launch, partner months): its budget is asap."""
    cfg = compose([*SMOKE, "playbook=full_playbook"])
    (budget,) = [s for s in build_strategies(cfg) if isinstance(s, Budget)]
    assert (budget.total, budget.pacing) == (200000.0, "asap")


def test_a_budget_on_the_baseline_costs_nothing() -> None:
    r = run([*SMOKE, "playbook=baseline", "budget=5000"])
    assert r.summary["cost_total"] == 0 and r.summary["budget_exhausted_day"] is None
    assert (r.metrics["budget_left"] == 5000).all()
    assert r.metrics["budget_allowed"].iloc[-1] == pytest.approx(5000)


def test_a_budget_caps_points() -> None:
    r = run([*SMOKE, "playbook=points", "community.n=1000", "days=120", "budget=5000"])
    assert 0 < r.summary["cost_total"] <= 5000


def test_a_paced_refusal_pauses_the_points_scheme_without_ending_it() -> None:
    model = model_from_config(
        compose([*SMOKE, "playbook=points", "community.n=1000", "days=120", "budget=250"])
    ).run()
    m = model.recorder.frame()
    (scheme,) = [s for s in model.strategies if isinstance(s, Incentives)]
    first = int(m.index[m["budget_held_back"] > 0][0])  # the pacing's first refusal
    out = model.budget_exhausted_day  # the total runs out near the end (allowed ~ total)
    assert first < 120 and (out == -1 or out > first + 3)
    # paused the day after a paced refusal, stopped only once the total ran out
    assert scheme.halted_day_ is None or (out > 0 and scheme.halted_day_ > out)
    assert (
        m["incentives_rewards"].iloc[out if out > 0 else -1] > m["incentives_rewards"].iloc[first]
    )
    assert m["cost"].sum() <= 250 and (spent(m) <= m["budget_allowed"] + 1e-9).all()


def test_a_held_back_crisis_response_comes_later_and_weaker() -> None:
    """Crisis on day 120, a 3,000 response due on day 127: an even 3,600 over 180 days
    allows 3,000 from day 150 on; unpaced, it is paid on time."""
    base = [*SMOKE, "playbook=crisis_slow_good", "days=180", "budget=3600"]
    for pacing, day in (("even", 150), ("asap", 127)):
        model = model_from_config(compose([*base, f"budget_pacing={pacing}"])).run()
        m = model.recorder.frame()
        (resp,) = model.strategies[1:]
        assert resp.responses_ == 1 and model.budget_exhausted_day == -1
        assert m["cost"].iloc[day] == 3000 and m["cost"].sum() == 3000
        assert (m["budget_held_back"].iloc[127:day] == 3000).all()
    assert resp.immediate_shift(150 - 120) < resp.immediate_shift()


def test_top_level_keys_replace_the_playbooks_budget() -> None:
    def budget_of(*overrides: str) -> Budget:
        cfg = compose([*SMOKE, "playbook=full_playbook", *overrides])
        (found,) = [s for s in build_strategies(cfg) if isinstance(s, Budget)]
        return found

    b = budget_of("budget=1234")
    assert (b.total, b.pacing) == (1234, "asap")  # the playbook's pacing stays
    b = budget_of("budget=1234", "budget_pacing=front")
    assert (b.total, b.pacing) == (1234, "front")
    b = budget_of("budget_pacing=even")
    assert (b.total, b.pacing) == (200000.0, "even")


def test_without_a_budget_the_default_pacing_applies() -> None:
    cfg = compose([*SMOKE, "budget=100"])
    (b,) = build_strategies(cfg)
    assert isinstance(b, Budget) and b.pacing == Budget().pacing == "even"
    assert build_strategies(compose([*SMOKE, "budget_pacing=front"])) == []  # nothing to pace


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("budget=-1", "budget"),
        ("budget=lots", "budget"),
        ("budget_pacing=weekly", "budget_pacing"),
    ],
)
def test_bad_budget_keys_exit_2_naming_the_key(
    override: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", override, "community.n=300", "days=30", f"hydra.run.dir={tmp_path}/run"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{override.split('=')[0]}=" in err and key in err and "not valid" in err
    assert not (tmp_path / "run").exists()  # stopped before the first simulated day


@pytest.mark.parametrize("name", ["config", "compare", "robustness", "optimise", "sensitivity"])
def test_every_command_takes_the_budget_keys(name: str) -> None:
    cfg = compose(["budget=5000", "budget_pacing=front"], config_name=name)
    assert cfg.budget == 5000 and cfg.budget_pacing == "front"

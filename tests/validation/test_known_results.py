"""Known published results, several seeds each (the checks `commsim validate` prints)."""

from __future__ import annotations

import pytest

from experiments.commands import validate
from sim import run

pytestmark = [pytest.mark.slow, pytest.mark.validation]


def test_bass_curve_on_complete_graph() -> None:
    check = validate.check_bass()
    assert check.passed, check.simulated


def test_bass_test_rejects_a_curve_that_is_not_the_models() -> None:
    """The test can fail: adoption simulated with q=0.36 is not the chain of q=0.3."""
    curves = validate.adoption_curves(
        [
            "behaviour=diffusion",
            "initial_members=0",
            "community=complete",
            "community.n=1000",
            "days=40",
            "acquisition.rule=bass",
            "acquisition.p=0.01",
            "acquisition.q=0.36",
        ],
        range(8),
    )
    target = validate.bass_chain(1000, 0.01, 0.3, 40)[1:].mean()
    assert validate.one_sample(curves[:, 1:].mean(axis=1), target)[1] < 0.01


def test_checks_take_size_seeds_and_alpha() -> None:
    check = validate.check_kempe(validate.Settings(n=1000, seeds=(3, 4, 5), alpha=0.05))
    assert "3 replications" in check.simulated and "alpha = 0.05" in check.test
    assert 0 <= check.p_value <= 1 and check.passed == (check.p_value < 0.05)


def test_bass_recursion_is_the_textbook_one() -> None:
    f = validate.bass_recursion(0.01, 0.3, 2)
    assert f[1] == pytest.approx(0.01)
    assert f[2] == pytest.approx(0.01 + (0.01 + 0.3 * 0.01) * 0.99)


def test_fibich_gibori_ordering() -> None:
    check = validate.check_fibich_gibori()
    assert check.passed, check.simulated


def test_kempe_degree_beats_random() -> None:
    check = validate.check_kempe()
    assert check.passed, check.simulated


def test_centola_clustered_beats_random_for_complex_contagion() -> None:
    check = validate.check_centola()
    assert check.passed, check.simulated


def test_centola_simple_contagion_random_as_good() -> None:
    check = validate.check_simple_contagion()
    assert check.passed, check.simulated


def test_determinism_same_seed_identical_other_seed_differs() -> None:
    args = ["community=ba", "community.n=500", "days=60", "run.progress=off"]
    a, b, c = run([*args, "seed=3"]), run([*args, "seed=3"]), run([*args, "seed=4"])
    assert a.metrics.equals(b.metrics) and a.summary == b.summary
    assert a.members.equals(b.members)
    assert not a.metrics.equals(c.metrics)

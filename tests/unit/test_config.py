"""Bad input fails before day 1 with the key, the value and the fix."""

from __future__ import annotations

import pytest

from sim import ConfigError, run
from sim.runner import check, compose


@pytest.mark.parametrize(
    ("override", "key", "hint"),
    [
        ("acquisition.p=1.5", "acquisition.p", "[0.0, 1.0]"),
        ("acquisition.q=-0.1", "acquisition.q", "[0.0, 1.0]"),
        ("acquisition.w=2", "acquisition.w", "[0.0, 1.0]"),
        ("behaviour.visits.base=1.2", "behaviour.visits.base", "[0.0, 1.0]"),
        ("community.n=1", "community.n", "at least 2"),
        ("days=0", "days", ">= 1"),
        ("acquisition.rule=viral", "acquisition.rule", "bass, cascade, threshold"),
        ("initial_placement=best", "initial_placement", "random, degree"),
        ("seed=-3", "seed", ">= 0"),
        ("acquisition.threshold=3", "acquisition.threshold", "threshold_kind=count"),
        ("initial_members=999999", "initial_members", "at most"),
    ],
)
def test_bad_values_name_key_value_and_fix(override: str, key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        check(compose([override]))
    assert err.value.key == key
    assert override.split("=", 1)[1] in str(err.value)
    assert hint in str(err.value)


def test_unknown_community_names_choices() -> None:
    with pytest.raises(ConfigError) as err:
        compose(["community=moon"])
    assert "community" in str(err.value) and "moon" in str(err.value)
    assert "holme_kim" in str(err.value)


def test_unknown_key_is_an_error_not_a_fallback() -> None:
    with pytest.raises(ConfigError) as err:
        compose(["acquisition.pp=0.1"])
    assert "acquisition.pp" in str(err.value)


def test_missing_file_names_path(tmp_path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(ConfigError) as err:
        check(compose(["community=file", f"community.path={missing}"]))
    assert err.value.key == "community.path" and "nope.txt" in str(err.value)


def test_too_large_for_memory_refused_before_building() -> None:
    with pytest.raises(ConfigError) as err:
        run(["community=ba", "community.n=200000000", "community.m=5", "run.progress=off"])
    assert err.value.key == "community.n"

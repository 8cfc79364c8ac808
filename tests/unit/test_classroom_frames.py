"""The classroom page's frames: arrays and the person panel agree with the model."""

from __future__ import annotations

import numpy as np
import pytest

from agents.states import Level, State
from experiments.classroom import frames
from experiments.classroom.model import ClassroomModel
from experiments.i18n import translator


@pytest.fixture(scope="module")
def model() -> ClassroomModel:
    built = ClassroomModel.from_levers(
        n_people=200, days=8, word_of_mouth=0.3, extra=("community.n=200",)
    )
    for _ in range(6):
        built.step()
    return built


def test_state_codes_agree_with_the_population(model: ClassroomModel) -> None:
    codes = frames.state_codes(model)
    pop = model.pop
    assert codes.dtype == np.uint8 and codes.shape == (pop.n,)
    np.testing.assert_array_equal(codes == frames.PROSPECT, pop.state == State.PROSPECT.value)
    np.testing.assert_array_equal(codes == frames.CHURNED, pop.state == State.CHURNED.value)
    members = pop.state == State.MEMBER.value
    assert members.any()
    for level, code in [(Level.LURKER, frames.LURKER), (Level.CORE, frames.CORE)]:
        np.testing.assert_array_equal(codes[members] == code, pop.level[members] == level.value)
    assert set(np.unique(codes)) <= set(range(6))


def test_arrays_have_the_widget_dtypes(model: ClassroomModel) -> None:
    n = model.n_people
    ref, joined = frames.referrers(model), frames.join_days(model)
    assert ref.dtype == np.int32 and ref.shape == (n,)
    assert joined.dtype == np.int16 and joined.shape == (n,)
    np.testing.assert_array_equal(ref, model.pop.referrer)
    np.testing.assert_array_equal(joined, model.pop.joined_day)
    pos = frames.positions32(model)
    assert pos.dtype == np.float32 and pos.shape == (n, 2) and pos.flags.c_contiguous
    assert pos.min() >= 0 and pos.max() <= 1
    ties = frames.tie_pairs(model)
    assert ties.dtype == np.int32 and ties.shape == (model.csr.nnz // 2, 2)
    assert (ties[:, 0] < ties[:, 1]).all()
    assert (np.asarray(model.csr[ties[:, 0], ties[:, 1]]).ravel() > 0).all()


def test_series_and_day_row(model: ClassroomModel) -> None:
    table = frames.series(model)
    assert list(table["day"]) == list(range(model.day + 1))
    assert {"members", "active", "posts", "sentiment", "new_members", "core"} <= set(table)
    row = frames.day_row(model)
    assert list(row) == list(frames.CHART_COLUMNS)
    assert row["day"] == model.day and row["members"] == model.n_members
    chart = frames.chart_table(model)
    assert chart.dtype == np.float32 and chart.shape == (model.day + 1, len(row))
    np.testing.assert_allclose(chart[-1], list(row.values()), rtol=1e-6)


def test_person_info_agrees_with_the_arrays(model: ClassroomModel) -> None:
    _ = translator("en")
    pop = model.pop
    brought = np.flatnonzero(pop.referrer >= 0)
    prospect = np.flatnonzero(pop.state == State.PROSPECT.value)
    assert len(brought) and len(prospect)
    i = int(brought[0])
    info = frames.person_info(model, i, _)
    assert info["title"] == f"Person {i}"
    rows = dict(info["rows"])
    assert rows["Joined on day"] == str(pop.joined_day[i])
    assert rows["Brought by"] == f"Person {pop.referrer[i]}"
    assert rows["Posts"] == str(pop.posts[i])
    assert rows["Friends"] == str(pop.degree[i])
    assert rows["State"] == frames.STATE_NAMES[frames.state_codes(model)[i]]
    rows = dict(frames.person_info(model, int(prospect[0]), _)["rows"])
    assert (rows["State"], rows["Joined on day"], rows["Brought by"]) == ("prospect", "-", "-")
    assert frames.person_info(model, -1, _) == {}
    assert frames.person_info(model, model.n_people, _) == {}


def test_person_info_is_translated(model: ClassroomModel) -> None:
    info = frames.person_info(model, 0, lambda msgid, /, **values: "T:" + msgid.format(**values))
    assert info["title"] == "T:Person 0"
    assert all(label.startswith("T:") for label, _ in info["rows"])

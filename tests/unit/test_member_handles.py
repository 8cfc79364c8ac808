"""``Member`` handles: the person's index as ``unique_id``, every population array as an
attribute (written only where meaningful, within range), no model kept alive by Mesa."""

from __future__ import annotations

import gc
import math
import weakref

import mesa
import numpy as np
import pytest

from agents.member import Member
from agents.people import FIELDS, WRITABLE
from agents.states import State
from tests.conftest import SMOKE, Builder


def test_unique_id_is_the_index_whatever_order_the_handles_are_made_in(
    make_model: Builder,
) -> None:
    model = make_model(*SMOKE)
    assert model.member(42).unique_id == 42 and model.member(7).unique_id == 7
    ids = [a.unique_id for a in model.agents]  # built after two handles made on demand
    assert ids == list(range(model.n_people))  # listed in index order
    assert all(a.unique_id == a.index for a in model.agents)
    assert model.member(42) is next(a for a in model.agents if a.unique_id == 42)


def test_a_handle_has_what_a_mesa_agent_has(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    plain = mesa.Agent(model)  # what mesa.Agent.__init__ sets, whatever the Mesa version
    member = model.member(3)
    assert isinstance(member, Member) and set(vars(plain)) <= set(vars(member))
    assert member in model.agents and member.pos is None
    plain.remove()


def test_the_model_is_freed_once_dropped(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    assert len(model.agents) == model.n_people
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None  # no class-wide id counter keyed by the model keeps it


def test_every_population_array_is_an_attribute(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    model.run(5)
    person = int(np.flatnonzero(model.pop.state == State.MEMBER.value)[0])
    member = model.member(person)
    for name, field in FIELDS.items():
        stored = getattr(model.pop, name)[person]
        value = getattr(member, name)
        expected = field.enum(int(stored)) if field.enum else stored.item()
        assert value == expected and type(value) is type(expected), name
    assert np.array_equal(member.interests, model.pop.interests[person])
    with pytest.raises(ValueError):
        member.interests[0] = 1.0


def test_writable_attributes_write_the_arrays_within_their_range(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    member = model.member(11)
    member.sentiment = -0.5
    member.points = 30
    member.commitment = np.float64(0.75)
    assert model.pop.sentiment[11] == -0.5 and model.pop.points[11] == 30.0
    assert model.pop.commitment[11] == 0.75
    for name, bad in [
        ("sentiment", 1.5),
        ("commitment", -0.1),
        ("points", -1),
        ("sentiment", math.nan),
        ("points", "3"),
        ("commitment", True),
    ]:
        with pytest.raises(ValueError, match=f"Member.{name}"):
            setattr(member, name, bad)
    assert model.pop.sentiment[11] == -0.5 and model.pop.points[11] == 30.0


def test_the_model_s_bookkeeping_is_read_only(make_model: Builder) -> None:
    model = make_model(*SMOKE)
    member = model.member(5)
    read_only = [n for n in FIELDS if n not in WRITABLE]
    assert {"state", "level", "visits", "posts", "revenue", "joined_day"} <= set(read_only)
    for name in read_only:
        before = getattr(model.pop, name)[5].copy()
        with pytest.raises(AttributeError, match=f"Member.{name} is read-only"):
            setattr(member, name, 1)
        assert getattr(model.pop, name)[5] == before

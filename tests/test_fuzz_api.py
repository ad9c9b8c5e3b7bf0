"""Every public command, fuzzed: whatever a caller passes, civicvol answers with a
CivicVolError or does the work, and a refusal stores nothing."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicvol import CivicVol, Source
from civicvol.domain.errors import CivicVolError
from tests.conftest import ADMIN, DISPATCHER, POINTS_AUDITOR, RESIDENT, STATION_KEEPER
from tests.world import World, build_world

COMMANDS = ["register_volunteer", "register_volunteers", "update_contact",
            "suspend_volunteer", "reactivate_volunteer", "volunteer_leaves", "create_team",
            "join_team", "join_team_in_bulk", "leave_team", "appoint_leader",
            "stand_down_leader", "dissolve_team", "place_order", "dispatch_order",
            "accept_order", "decline_order", "complete_order", "rate_order", "cancel_order",
            "credit_points", "credit_many", "approve_points", "reject_points",
            "reverse_points", "redeem_points",
            # branch cycle: review, pools, activities, hours, district settings
            "review_order", "offer_order", "claim_order", "withdraw_from_order",
            "start_activity", "sign_in", "sign_out", "close_activity", "add_hours",
            "change_district_setting",
            # gifts: the points' validity and the gift counter
            "set_points_validity", "expire_points", "open_station", "add_gift",
            "restock_gift", "issue_redemption_code", "redeem_code"]
CALLS_PER_EXAMPLE = 20
EXAMPLES = 520  # 520 x 20 = 10,400 calls a run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    app = CivicVol("memory://")
    yield build_world(app)
    app.close()


def values(world: World) -> st.SearchStrategy[Any]:
    ids = [world.team, world.other_team, world.barber, world.helper, world.outsider]
    text = st.text(st.characters(codec=None), max_size=30)  # surrogates, controls, NUL
    plain = st.one_of(
        st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True),
        text, st.binary(max_size=8), st.sampled_from(ids), st.sampled_from([str(i) for i in ids]),
        st.sampled_from(["理发", "special", "13600136000", "2", "E1", "东庄社区", "",
                         "蜂享驿站", "毛巾", "1y", "year-end", "ABCD2345"]),
        st.builds(Source, text, text), st.just(Source("award", "fuzz")),
        st.sampled_from([ADMIN, DISPATCHER, RESIDENT, POINTS_AUDITOR, STATION_KEEPER,
                         world.barber_actor, "administrator:admin-1", None]),
    )
    return st.one_of(plain, st.lists(plain, max_size=3), st.tuples(plain, plain))


def arguments(world: World) -> dict[str, st.SearchStrategy[list[Any]]]:
    """For each command: every required argument, and some of the optional ones."""
    value = values(world)
    shapes = {}
    for name in COMMANDS:
        params = list(inspect.signature(getattr(CivicVol, name)).parameters.values())[1:]
        positional = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        required = sum(p.default is p.empty for p in positional)
        shapes[name] = st.lists(value, min_size=required, max_size=len(positional))
    return shapes


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_public_command_answers_bad_input_with_a_civicvol_error(
        world: World, shapes: dict[str, st.SearchStrategy[list[Any]]],
        data: st.DataObject) -> None:
    app = world.app
    for _ in range(CALLS_PER_EXAMPLE):
        name = data.draw(st.sampled_from(COMMANDS))
        args = data.draw(shapes[name])
        before = app.event_count()
        try:
            getattr(app, name)(*args)
        except CivicVolError:
            assert app.event_count() == before, f"{name}{tuple(args)!r} refused but stored"


@pytest.fixture(scope="module")
def shapes(world: World) -> dict[str, st.SearchStrategy[list[Any]]]:
    return arguments(world)

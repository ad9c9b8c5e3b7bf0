"""The order cycle's refusals not told in test_order_cycle.py, on every store."""

from __future__ import annotations

import pytest

from civicvol import CivicVol
from civicvol.domain import errors
from tests.conftest import ADMIN, DISPATCHER, NEIGHBOUR, RESIDENT
from tests.refusal import refused
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


class TestPlacing:
    def test_an_order_names_its_service(self, world: World) -> None:
        message = refused(world.app, errors.InvalidName, world.app.place_order, RESIDENT, " ")
        assert "service" in message

    def test_too_many_beneficiary_groups_are_refused_as_input(self, world: World) -> None:
        groups = [f"group {i}" for i in range(21)]
        message = refused(world.app, errors.InvalidInput, world.app.place_order, RESIDENT,
                          "理发", beneficiaries=groups)
        assert "at most 20" in message

    def test_only_a_resident_places_orders(self, world: World) -> None:
        refused(world.app, errors.PermissionDenied, world.app.place_order, DISPATCHER, "理发")

    def test_an_over_long_description_is_refused(self, world: World) -> None:
        message = refused(world.app, errors.InvalidInput, world.app.place_order, RESIDENT,
                          "理发", description="长" * 2001)
        assert "at most 2000" in message


class TestDispatching:
    def test_an_order_is_not_dispatched_twice_to_the_same_team(self, world: World) -> None:
        order = world.dispatched_order()
        message = refused(world.app, errors.IllegalTransition, world.app.dispatch_order,
                          DISPATCHER, order, world.team)
        assert "already dispatched" in message

    def test_an_undeclined_order_may_go_to_another_team(self, world: World) -> None:
        order = world.dispatched_order()
        world.app.dispatch_order(DISPATCHER, order, world.other_team)
        assert world.app.order(order).team_id == world.other_team

    def test_an_accepted_order_is_not_dispatched_again(self, world: World) -> None:
        order = world.accepted_order()
        refused(world.app, errors.IllegalTransition, world.app.dispatch_order, DISPATCHER,
                order, world.other_team)

    def test_an_unknown_team_is_named(self, world: World) -> None:
        order = world.placed_order()
        refused(world.app, errors.TeamNotFound, world.app.dispatch_order, DISPATCHER, order,
                "3f2b9c1e-0000-4000-8000-000000000000")


class TestDeclining:
    def test_a_non_member_cannot_decline_for_the_team(self, world: World) -> None:
        order = world.dispatched_order()
        refused(world.app, errors.NotAMember, world.app.decline_order,
                world.as_volunteer(world.outsider), order, "没空")

    def test_only_the_accepting_volunteer_gives_an_order_back(self, world: World) -> None:
        order = world.accepted_order()
        refused(world.app, errors.NotTheAcceptingVolunteer, world.app.decline_order,
                world.as_volunteer(world.helper), order, "我来不了")

    def test_a_decline_needs_a_reason(self, world: World) -> None:
        order = world.dispatched_order()
        message = refused(world.app, errors.InvalidInput, world.app.decline_order,
                          world.barber_actor, order, "")
        assert "reason" in message

    def test_a_placed_order_cannot_be_declined(self, world: World) -> None:
        order = world.placed_order()
        refused(world.app, errors.IllegalTransition, world.app.decline_order,
                world.barber_actor, order, "没空")


class TestCompletingRatingCancelling:
    def test_an_order_is_completed_once(self, world: World) -> None:
        order = world.completed_order()
        refused(world.app, errors.IllegalTransition, world.app.complete_order,
                world.barber_actor, order, "1")

    @pytest.mark.parametrize("served", [-1, 10_001])
    def test_people_served_must_be_plausible(self, world: World, served: int) -> None:
        order = world.accepted_order()
        message = refused(world.app, errors.InvalidInput, world.app.complete_order,
                          world.barber_actor, order, "1", served)
        assert "people served" in message

    def test_an_order_is_rated_only_after_completion(self, world: World) -> None:
        order = world.accepted_order()
        message = refused(world.app, errors.IllegalTransition, world.app.rate_order, RESIDENT,
                          order, 5)
        assert "it is accepted" in message

    def test_only_the_requester_cancels_among_residents(self, world: World) -> None:
        order = world.placed_order()
        refused(world.app, errors.NotTheRequester, world.app.cancel_order, NEIGHBOUR, order,
                "不要了")

    def test_a_cancellation_needs_a_reason(self, world: World) -> None:
        order = world.placed_order()
        refused(world.app, errors.InvalidInput, world.app.cancel_order, RESIDENT, order, " ")

    def test_a_cancelled_order_is_closed(self, world: World) -> None:
        order = world.dispatched_order()
        world.app.cancel_order(RESIDENT, order, "已经自己解决")
        refused(world.app, errors.IllegalTransition, world.app.cancel_order, DISPATCHER, order,
                "again")
        refused(world.app, errors.IllegalTransition, world.app.accept_order,
                world.barber_actor, order)

    def test_a_volunteer_who_left_cannot_complete(self, world: World) -> None:
        order = world.accepted_order()
        world.app.volunteer_leaves(ADMIN, world.barber, "搬家")
        refused(world.app, errors.VolunteerHasLeft, world.app.complete_order,
                world.barber_actor, order, "1")

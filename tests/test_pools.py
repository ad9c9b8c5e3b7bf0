"""抢单: the centre offers an order to several teams, or to a community's teams; the first
team to claim it gets it, and the others are told who took it."""

from __future__ import annotations

import pytest

from civicvol import Actor, CivicVol
from civicvol.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotAMember,
    OrderAlreadyTaken,
    PermissionDenied,
)
from civicvol.domain.values import OrderStatus
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.refusal import refused


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    return build_cycle_world(app)


def offered(world: CycleWorld) -> object:
    order = world.app.place_order(RESIDENT, "助老", volunteers=2)
    world.app.offer_order(DISPATCHER, order, [world.team, world.other_team])
    return order


class TestPools:
    def test_the_first_team_to_claim_gets_it_and_its_members_accept(
            self, world: CycleWorld) -> None:
        app = world.app
        order = offered(world)
        assert app.order(order).status is OrderStatus.OFFERED
        assert app.views.orders.get(str(order))["status"] == "offered"
        app.claim_order(Actor("volunteer", str(world.outsider)), order, world.other_team)
        taken = app.order(order)
        assert (taken.status, taken.team_id) == (OrderStatus.DISPATCHED, world.other_team)
        assert app.views.orders.get(str(order))["team_id"] == str(world.other_team)
        app.accept_order(Actor("volunteer", str(world.outsider)), order)

    def test_the_others_see_it_taken_and_by_whom(self, world: CycleWorld) -> None:
        app = world.app
        order = offered(world)
        app.claim_order(world.leading, order, world.team)
        message = refused(app, OrderAlreadyTaken, app.claim_order,
                          Actor("volunteer", str(world.outsider)), order, world.other_team)
        assert "关爱老人志愿队" in message and str(world.team) in message

    def test_only_a_member_of_a_team_in_the_pool_claims(self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "助老")
        app.offer_order(DISPATCHER, order, [world.team])
        refused(app, NotAMember, app.claim_order, Actor("volunteer", str(world.outsider)),
                order, world.team)
        assert "not offered" in refused(app, IllegalTransition, app.claim_order,
                                        Actor("volunteer", str(world.outsider)), order,
                                        world.other_team)
        refused(app, PermissionDenied, app.claim_order, RESIDENT, order, world.team)

    def test_offered_to_a_communitys_teams(self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "助老")
        assert app.offer_order(DISPATCHER, order, [], "金星社区") == [world.other_team]
        refused(app, InvalidInput, app.offer_order, DISPATCHER,
                app.place_order(RESIDENT, "助老"), [], "无名社区")

    def test_an_offer_needs_teams_and_a_placed_order(self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "助老")
        refused(app, InvalidInput, app.offer_order, DISPATCHER, order, [])
        app.dispatch_order(DISPATCHER, order, world.team)
        refused(app, IllegalTransition, app.offer_order, DISPATCHER, order, [world.team])
        refused(app, PermissionDenied, app.offer_order, ADMIN, order, [world.team])

    def test_the_centre_may_still_dispatch_an_offered_order_itself(
            self, world: CycleWorld) -> None:
        order = offered(world)
        world.app.dispatch_order(DISPATCHER, order, world.team)
        assert world.app.order(order).status is OrderStatus.DISPATCHED

"""No decision on stale state: a command that read a record another application changed
before the command was stored fails with ConcurrentChange, and stores nothing.

Each story replays the interleaving deterministically: the command loads what it needs,
then (just before its save) a second application on the same store changes what it read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import pytest

from civicvol import Actor, CivicVol
from civicvol.domain.errors import ConcurrentChange
from civicvol.domain.values import OrderStatus
from civicvol.plugins.extensions import PluginExtensions
from civicvol.plugins.rider_clues import plugin as rider_clues
from civicvol.plugins.rider_clues.commands import RiderClues
from civicvol.plugins.testkit import host_with
from tests.conftest import ADMIN, DISPATCHER
from tests.stores import shared_store
from tests.world import World, build_world

pytestmark = shared_store


class Interleaved(CivicVol):
    """An application that lets a rival change the store after it decided, before it saves."""

    name = CivicVol.name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rival: Callable[[], object] | None = None

    def commit(self, command: str, actor: Actor, *aggregates: Any, **kwargs: Any) -> Any:
        rival, self.rival = self.rival, None
        if rival is not None:
            rival()
        return super().commit(command, actor, *aggregates, **kwargs)


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


@pytest.fixture
def deciding(world: World) -> Iterator[Interleaved]:
    """A second application on the world's store: it makes the decision under test, while
    ``world.app`` plays the rival."""
    with closing(Interleaved(world.app.store_url)) as app:
        yield app


def decided_on_stale_state(deciding: Interleaved, world: World, rival: Callable[[], object],
                           decide: Callable[[], object]) -> None:
    deciding.rival = rival
    with pytest.raises(ConcurrentChange):
        decide()
    assert deciding.rival is None, "the rival never ran: the story tests nothing"


class TestCoreCommands:
    def test_a_dispatch_to_a_team_dissolved_meanwhile_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        order = world.placed_order()
        decided_on_stale_state(
            deciding, world, lambda: world.app.dissolve_team(ADMIN, world.team, "合并"),
            lambda: deciding.dispatch_order(DISPATCHER, order, world.team))
        assert world.app.order(order).status is OrderStatus.PLACED

    def test_an_accept_by_a_volunteer_suspended_meanwhile_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        order = world.dispatched_order()
        decided_on_stale_state(
            deciding, world, lambda: world.app.suspend_volunteer(ADMIN, world.barber, "核查"),
            lambda: deciding.accept_order(world.barber_actor, order))
        assert world.app.order(order).status is OrderStatus.DISPATCHED

    def test_a_join_of_a_volunteer_suspended_meanwhile_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        decided_on_stale_state(
            deciding, world, lambda: world.app.suspend_volunteer(ADMIN, world.barber, "核查"),
            lambda: deciding.join_team(ADMIN, world.other_team, world.barber))
        assert world.app.membership(world.other_team, world.barber) is None

    def test_a_join_to_a_team_dissolved_meanwhile_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        decided_on_stale_state(
            deciding, world, lambda: world.app.dissolve_team(ADMIN, world.other_team, "合并"),
            lambda: deciding.join_team(ADMIN, world.other_team, world.barber))
        assert world.app.membership(world.other_team, world.barber) is None

    def test_a_leader_appointed_after_leaving_the_team_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        decided_on_stale_state(
            deciding, world, lambda: world.app.leave_team(ADMIN, world.team, world.helper),
            lambda: deciding.appoint_leader(ADMIN, world.team, world.helper))
        assert world.helper not in world.app.team(world.team).leaders

    def test_an_order_completed_after_leaving_the_team_is_not_stored(
            self, world: World, deciding: Interleaved) -> None:
        order = world.accepted_order()
        decided_on_stale_state(
            deciding, world, lambda: world.app.leave_team(ADMIN, world.team, world.barber),
            lambda: deciding.complete_order(world.barber_actor, order, "2"))
        assert world.app.order(order).status is OrderStatus.ACCEPTED
        assert world.app.point_account(world.barber) is None

    def test_an_unchanged_read_set_lets_the_decision_through(
            self, world: World, deciding: Interleaved) -> None:
        order = world.placed_order()
        deciding.rival = lambda: world.app.place_order(Actor("resident", "r-9"), "送餐")
        deciding.dispatch_order(DISPATCHER, order, world.team)
        assert world.app.order(order).status is OrderStatus.DISPATCHED


class TestPluginCommands:
    def test_a_clue_reported_after_leaving_the_rider_team_is_not_stored(
            self, world: World) -> None:
        extensions = PluginExtensions(host_with({"rider-clues": rider_clues}), {},
                                      on_failure=lambda failure: None)
        with closing(Interleaved(world.app.store_url, extensions=extensions)) as app:
            extensions.start(app)
            before = world.app.event_count()
            decided_on_stale_state(
                app, world, lambda: world.app.leave_team(ADMIN, world.team, world.barber),
                lambda: app.plugin("rider-clues", RiderClues).report_clue(
                    world.barber_actor, world.team, "飞线充电", "photo.jpg", "3 栋"))
            assert world.app.event_count() == before + 1  # the leave only

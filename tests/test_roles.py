"""Who may do what: an auditor reads everything and changes nothing; unknown roles are named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from civicvol import Actor, CivicVol, Source
from civicvol.app.authorization import known_roles
from civicvol.app.views import district_report, order_view, points_view, volunteer_view
from civicvol.domain import errors
from civicvol.domain.values import Role
from tests.conftest import AUDITOR, POINTS_AUDITOR
from tests.refusal import refused
from tests.world import World, build_world

Command = Callable[[CivicVol, Actor, World, Any], object]

# Every command of the core, each with arguments that would succeed for its rightful actor.
COMMANDS: dict[str, Command] = {
    "register volunteer": lambda app, a, w, o: app.register_volunteer(
        a, "新人", "13600136000", "东庄社区"),
    "update contact": lambda app, a, w, o: app.update_contact(a, w.helper, "王阿姨",
                                                              "13500135000"),
    "suspend volunteer": lambda app, a, w, o: app.suspend_volunteer(a, w.helper, "核查"),
    "reactivate volunteer": lambda app, a, w, o: app.reactivate_volunteer(a, w.outsider),
    "volunteer leaves": lambda app, a, w, o: app.volunteer_leaves(a, w.helper, "搬家"),
    "create team": lambda app, a, w, o: app.create_team(a, "新队", "special"),
    "join team": lambda app, a, w, o: app.join_team(a, w.other_team, w.helper),
    "leave team": lambda app, a, w, o: app.leave_team(a, w.team, w.helper),
    "appoint leader": lambda app, a, w, o: app.appoint_leader(a, w.team, w.helper),
    "stand down leader": lambda app, a, w, o: app.stand_down_leader(a, w.team, w.barber),
    "dissolve team": lambda app, a, w, o: app.dissolve_team(a, w.other_team, "合并"),
    "place order": lambda app, a, w, o: app.place_order(a, "理发"),
    "dispatch order": lambda app, a, w, o: app.dispatch_order(a, o["placed"], w.team),
    "accept order": lambda app, a, w, o: app.accept_order(a, o["dispatched"]),
    "decline order": lambda app, a, w, o: app.decline_order(a, o["dispatched"], "没空"),
    "complete order": lambda app, a, w, o: app.complete_order(a, o["accepted"], "1"),
    "rate order": lambda app, a, w, o: app.rate_order(a, o["completed"], 5),
    "cancel order": lambda app, a, w, o: app.cancel_order(a, o["placed"], "不要了"),
    "credit points": lambda app, a, w, o: app.credit_points(a, w.barber, 5,
                                                            Source("award", "c-1")),
    "approve points": lambda app, a, w, o: app.approve_points(a, w.barber),
    "reject points": lambda app, a, w, o: app.reject_points(a, w.barber, "E1", "无效"),
    "reverse points": lambda app, a, w, o: app.reverse_points(a, w.barber, "E1", "争议"),
    "redeem points": lambda app, a, w, o: app.redeem_points(a, w.barber, 1, "毛巾", "蜂享驿站"),
}


@pytest.fixture
def world(app: CivicVol) -> World:
    world = build_world(app)
    from tests.conftest import ADMIN

    app.appoint_leader(ADMIN, world.team, world.barber)
    app.suspend_volunteer(ADMIN, world.outsider, "核查")
    return world


def orders(world: World) -> dict[str, Any]:
    completed = world.completed_order()
    return {"placed": world.placed_order(), "dispatched": world.dispatched_order(),
            "accepted": world.accepted_order(), "completed": completed}


class TestTheAuditor:
    def test_an_auditor_reads_every_record(self, world: World) -> None:
        app, order = world.app, world.completed_order()
        assert volunteer_view(app.volunteer(world.barber))["orders_completed"] == 1
        assert order_view(app.order(order))["status"] == "completed"
        assert points_view(world.barber, app.point_account(world.barber))["pending"] == 20
        assert district_report(app)["orders"]["completed"] == 1

    @pytest.mark.parametrize("command", list(COMMANDS))
    def test_every_command_refuses_an_auditor(self, world: World, command: str) -> None:
        message = refused(world.app, errors.PermissionDenied, COMMANDS[command], world.app,
                          AUDITOR, world, orders(world))
        assert "auditor" in message


class TestUnknownRoles:
    @pytest.mark.parametrize("command", list(COMMANDS))
    def test_an_unknown_role_is_refused_with_the_roles(self, world: World,
                                                       command: str) -> None:
        message = refused(world.app, errors.InvalidInput, COMMANDS[command], world.app,
                          Actor("mayor", "m-1"), world, orders(world))
        assert "'mayor' is not a role" in message
        for role in Role:
            if role is not Role.SYSTEM:
                assert role.value in message

    def test_the_known_roles_are_the_issues_roles(self) -> None:
        assert set(known_roles()) >= {"resident", "volunteer", "leader", "dispatcher",
                                      "points-auditor", "station-keeper", "administrator",
                                      "auditor"}
        assert "system" not in known_roles()

    def test_a_malformed_actor_is_refused(self) -> None:
        with pytest.raises(errors.InvalidInput, match="ROLE:ID"):
            Actor.parse("administrator")

    def test_a_points_auditor_does_not_register_volunteers(self, world: World) -> None:
        message = refused(world.app, errors.PermissionDenied, COMMANDS["register volunteer"],
                          world.app, POINTS_AUDITOR, world, {})
        assert "administrator" in message

"""Stories of the district's teams: the corps, standing and special teams, members, leaders."""

from __future__ import annotations

from uuid import UUID

import pytest

from civicvol import Actor, CivicVol
from civicvol.app.views import team_members, team_view
from civicvol.domain import errors
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.refusal import refused


def volunteer(app: CivicVol, name: str = "李师傅", phone: str = "13800138000") -> UUID:
    return app.register_volunteer(ADMIN, name, phone, "东庄社区")


def leader_actor(volunteer_id: UUID) -> Actor:
    return Actor("leader", str(volunteer_id))


@pytest.fixture
def corps(app: CivicVol) -> UUID:
    return app.create_team(ADMIN, "盘龙区志愿服务总队", "corps")


class TestCreating:
    def test_the_corps_standing_and_special_teams_form_a_tree(
        self, app: CivicVol, corps: UUID
    ) -> None:
        standing = app.create_team(ADMIN, "助老常备队", "standing", parent=corps)
        special = app.create_team(ADMIN, "学雷锋志愿理发队", "special", parent=str(standing),
                                  community="东庄社区")
        views = [team_view(app.team(t), 0) for t in (corps, standing, special)]
        assert [(v["kind"], v["parent_id"], v["community"]) for v in views] == [
            ("corps", None, ""), ("standing", str(corps), ""),
            ("special", str(standing), "东庄社区")]
        assert all(v["leaders"] == [] and not v["dissolved"] for v in views)

    def test_the_corps_cannot_have_a_parent(self, app: CivicVol, corps: UUID) -> None:
        message = refused(app, errors.InvalidTeamStructure, app.create_team, ADMIN,
                          "第二总队", "corps", parent=corps)
        assert "no parent" in message

    def test_an_unknown_kind_is_refused_with_the_kinds(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidTeamStructure, app.create_team, ADMIN, "某队",
                          "squad")
        assert all(kind in message for kind in ("corps", "standing", "special"))

    def test_a_team_has_a_name(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidName, app.create_team, ADMIN, " ", "special")
        assert "team name" in message

    def test_the_parent_must_exist(self, app: CivicVol) -> None:
        unknown = "3f2b9c1e-0000-4000-8000-000000000000"
        message = refused(app, errors.TeamNotFound, app.create_team, ADMIN, "某队", "special",
                          parent=unknown)
        assert unknown in message

    def test_a_dissolved_team_cannot_be_a_parent(self, app: CivicVol, corps: UUID) -> None:
        standing = app.create_team(ADMIN, "助老常备队", "standing", parent=corps)
        app.dissolve_team(ADMIN, standing, "合并")
        refused(app, errors.TeamDissolved, app.create_team, ADMIN, "某队", "special",
                parent=standing)

    def test_only_an_administrator_creates_teams(self, app: CivicVol) -> None:
        message = refused(app, errors.PermissionDenied, app.create_team, DISPATCHER, "某队",
                          "special")
        assert "administrator" in message


class TestMembers:
    def test_a_volunteer_joins_leaves_and_rejoins(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        assert team_members(app, corps) == 1
        app.leave_team(ADMIN, corps, barber, "休息一阵")
        assert team_members(app, corps) == 0
        membership = app.membership(corps, barber)
        assert membership is not None and not membership.active
        app.join_team(ADMIN, corps, barber)
        assert team_members(app, corps) == 1
        membership = app.membership(corps, barber)
        assert membership is not None
        assert [type(e).__name__ for e in app.events.get(membership.id)] == [
            "Joined", "Left", "Rejoined"]

    def test_a_volunteer_who_leaves_the_service_no_longer_counts_as_a_member(
        self, app: CivicVol, corps: UUID
    ) -> None:
        from civicvol.app.views import district_report

        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.join_team(ADMIN, corps, helper)
        app.volunteer_leaves(ADMIN, helper, "搬家")
        assert team_members(app, corps) == 1
        assert district_report(app)["volunteers"]["memberships"] == 1

    def test_a_member_joins_once(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        message = refused(app, errors.AlreadyMember, app.join_team, ADMIN, corps, barber)
        assert "already a member" in message

    def test_a_volunteer_leaves_a_team_themself(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.leave_team(Actor("volunteer", str(barber)), corps, barber)
        assert team_members(app, corps) == 0

    def test_a_volunteer_cannot_take_another_off_a_team(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        refused(app, errors.PermissionDenied, app.leave_team, Actor("volunteer", str(helper)),
                corps, barber)

    def test_only_a_member_leaves(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        message = refused(app, errors.NotAMember, app.leave_team, ADMIN, corps, barber)
        assert "nothing to take them off" in message
        app.join_team(ADMIN, corps, barber)
        app.leave_team(ADMIN, corps, barber)
        refused(app, errors.NotAMember, app.leave_team, ADMIN, corps, barber)

    def test_joining_an_unknown_team_or_volunteer_is_refused(
        self, app: CivicVol, corps: UUID
    ) -> None:
        unknown = "3f2b9c1e-0000-4000-8000-000000000000"
        refused(app, errors.TeamNotFound, app.join_team, ADMIN, unknown, volunteer(app))
        refused(app, errors.VolunteerNotFound, app.join_team, ADMIN, corps, unknown)

    def test_a_resident_cannot_add_members(self, app: CivicVol, corps: UUID) -> None:
        refused(app, errors.PermissionDenied, app.join_team, RESIDENT, corps, volunteer(app))


class TestLeaders:
    def test_a_leader_adds_and_removes_members_of_their_own_team(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        assert app.team(corps).leaders == (barber,)
        app.join_team(leader_actor(barber), corps, helper)
        assert team_members(app, corps) == 2
        app.leave_team(leader_actor(barber), corps, helper, "调走")
        assert team_members(app, corps) == 1

    def test_check_leads_lets_only_a_leader_of_the_team_or_an_administrator_through(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        team = app.team(corps)
        app.check_leads(ADMIN, team, "cancel its haircut sessions")
        app.check_leads(leader_actor(barber), team, "cancel its haircut sessions")
        for outsider in (Actor("volunteer", str(barber)), RESIDENT, DISPATCHER):
            with pytest.raises(errors.PermissionDenied) as refusal:
                app.check_leads(outsider, team, "cancel its haircut sessions")
            assert str(refusal.value).startswith(
                f"{outsider.role} {outsider.id} may not cancel its haircut sessions for team "
                "'盘龙区志愿服务总队'; only its leaders")

    def test_a_leader_of_another_team_is_refused_in_the_commands_words(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber = volunteer(app)
        other = app.create_team(ADMIN, "安全小红帽", "special", parent=corps)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        with pytest.raises(errors.PermissionDenied, match=r"may run its knitting drives$"):
            app.check_leads(leader_actor(barber), app.team(other), "run its knitting drives")

    def test_a_leader_changes_only_their_own_team(self, app: CivicVol, corps: UUID) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        other = app.create_team(ADMIN, "安全小红帽", "special", parent=corps)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        message = refused(app, errors.PermissionDenied, app.join_team, leader_actor(barber),
                          other, helper)
        assert "does not lead team '安全小红帽'" in message
        app.join_team(ADMIN, other, helper)
        refused(app, errors.PermissionDenied, app.leave_team, leader_actor(barber), other,
                helper)

    def test_a_leader_must_be_a_member(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        message = refused(app, errors.NotAMember, app.appoint_leader, ADMIN, corps, barber)
        assert "not a member" in message

    def test_a_former_member_cannot_be_appointed(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.leave_team(ADMIN, corps, barber)
        refused(app, errors.NotAMember, app.appoint_leader, ADMIN, corps, barber)

    def test_a_leader_is_appointed_once(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        message = refused(app, errors.RuleViolation, app.appoint_leader, ADMIN, corps, barber)
        assert "already leads" in message

    def test_a_leader_who_stands_down_no_longer_adds_members(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        app.stand_down_leader(ADMIN, corps, barber)
        assert app.team(corps).leaders == ()
        refused(app, errors.PermissionDenied, app.join_team, leader_actor(barber), corps, helper)
        message = refused(app, errors.RuleViolation, app.stand_down_leader, ADMIN, corps,
                          barber)
        assert "does not lead" in message

    def test_a_suspended_leader_cannot_change_the_team(self, app: CivicVol, corps: UUID) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        message = refused(app, errors.VolunteerNotActive, app.join_team, leader_actor(barber),
                          corps, helper)
        assert "suspended" in message
        app.reactivate_volunteer(ADMIN, barber)
        app.join_team(leader_actor(barber), corps, helper)
        assert team_members(app, corps) == 2

    def test_a_leader_who_leaves_the_team_stops_leading_it(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        app.leave_team(Actor("volunteer", str(barber)), corps, barber, "退休")
        assert app.team(corps).leaders == ()
        refused(app, errors.PermissionDenied, app.join_team, leader_actor(barber), corps, helper)

    def test_only_an_administrator_appoints(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        helper = volunteer(app, "王阿姨", "13900139000")
        app.join_team(leader_actor(barber), corps, helper)
        refused(app, errors.PermissionDenied, app.appoint_leader, leader_actor(barber), corps,
                helper)


class TestDissolving:
    def test_a_dissolved_team_refuses_joins_and_has_no_leaders(
        self, app: CivicVol, corps: UUID
    ) -> None:
        barber, helper = volunteer(app), volunteer(app, "王阿姨", "13900139000")
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        app.dissolve_team(ADMIN, corps, "机构调整")
        dissolved = app.team(corps)
        assert (dissolved.dissolved, dissolved.leaders) == (True, ())
        message = refused(app, errors.TeamDissolved, app.join_team, ADMIN, corps, helper)
        assert "still serves" in message
        refused(app, errors.TeamDissolved, app.appoint_leader, ADMIN, corps, barber)

    def test_a_team_is_dissolved_once(self, app: CivicVol, corps: UUID) -> None:
        app.dissolve_team(ADMIN, corps, "机构调整")
        refused(app, errors.TeamDissolved, app.dissolve_team, ADMIN, corps, "again")

    def test_a_team_is_dissolved_for_a_stated_reason(self, app: CivicVol, corps: UUID) -> None:
        message = refused(app, errors.InvalidInput, app.dissolve_team, ADMIN, corps, " ")
        assert "reason for dissolving is empty" in message
        assert not app.team(corps).dissolved

    def test_only_an_administrator_dissolves(self, app: CivicVol, corps: UUID) -> None:
        barber = volunteer(app)
        app.join_team(ADMIN, corps, barber)
        app.appoint_leader(ADMIN, corps, barber)
        refused(app, errors.PermissionDenied, app.dissolve_team, leader_actor(barber), corps,
                "自行解散")
        assert not app.team(corps).dissolved

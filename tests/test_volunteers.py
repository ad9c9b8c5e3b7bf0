"""Stories of a volunteer's record: registered, corrected, suspended, reactivated, gone."""

from __future__ import annotations

from uuid import UUID

import pytest

from civicvol import Actor, CivicVol
from civicvol.app.views import volunteer_view
from civicvol.domain import errors
from civicvol.domain.values import MAX_NAME_LENGTH
from tests.conftest import ADMIN, RESIDENT
from tests.refusal import refused


def register_barber(app: CivicVol) -> UUID:
    return app.register_volunteer(ADMIN, "李师傅", "138 0013 8000", "东庄社区", ["理发", "理发"])


def as_volunteer(volunteer: UUID) -> Actor:
    return Actor("volunteer", str(volunteer))


class TestRegistering:
    def test_an_administrator_registers_a_volunteer_who_starts_active(
        self, app: CivicVol
    ) -> None:
        barber = register_barber(app)
        view = volunteer_view(app.volunteer(barber))
        assert (view["name"], view["phone"], view["community"]) == (
            "李师傅", "13800138000", "东庄社区")
        assert view["skills"] == ["理发"]  # said twice, kept once
        assert (view["status"], view["service_hours"], view["orders_completed"]) == (
            "active", "0", 0)
        (registered,) = app.events.get(barber)
        assert type(registered).__name__ == "Registered"
        assert registered.by == ADMIN

    def test_a_landline_with_an_area_code_is_a_phone_number(self, app: CivicVol) -> None:
        volunteer = app.register_volunteer(ADMIN, "王阿姨", "0871-63123456", "龙江社区")
        assert app.volunteer(volunteer).contact.phone == "0871-63123456"

    @pytest.mark.parametrize("name", ["", "   "])
    def test_an_empty_name_is_refused(self, app: CivicVol, name: str) -> None:
        message = refused(app, errors.InvalidName, app.register_volunteer, ADMIN, name,
                          "13800138000", "东庄社区")
        assert "empty" in message and "name" in message

    def test_an_over_long_name_is_refused(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidName, app.register_volunteer, ADMIN,
                          "李" * (MAX_NAME_LENGTH + 1), "13800138000", "东庄社区")
        assert f"at most {MAX_NAME_LENGTH}" in message

    def test_a_name_of_the_longest_allowed_length_is_kept(self, app: CivicVol) -> None:
        volunteer = app.register_volunteer(ADMIN, "李" * MAX_NAME_LENGTH, "13800138000",
                                           "东庄社区")
        assert app.volunteer(volunteer).contact.name == "李" * MAX_NAME_LENGTH

    @pytest.mark.parametrize("phone", ["", "12345", "1380013800", "138001380001",
                                       "12800138000", "phone-me"])
    def test_a_malformed_phone_is_refused(self, app: CivicVol, phone: str) -> None:
        message = refused(app, errors.InvalidPhone, app.register_volunteer, ADMIN, "李师傅",
                          phone, "东庄社区")
        assert "13800138000" in message  # the message shows what a good number looks like

    def test_a_volunteer_belongs_to_a_community(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidName, app.register_volunteer, ADMIN, "李师傅",
                          "13800138000", "")
        assert "community" in message

    def test_too_many_skills_are_refused(self, app: CivicVol) -> None:
        skills = [f"skill {i}" for i in range(21)]
        message = refused(app, errors.InvalidInput, app.register_volunteer, ADMIN, "李师傅",
                          "13800138000", "东庄社区", skills)
        assert "at most 20" in message

    def test_only_an_administrator_registers(self, app: CivicVol) -> None:
        message = refused(app, errors.PermissionDenied, app.register_volunteer, RESIDENT,
                          "李师傅", "13800138000", "东庄社区")
        assert "administrator" in message

    def test_registering_many_is_all_or_nothing(self, app: CivicVol) -> None:
        people = [("甲", "13800138000", "东庄社区", ()), ("乙", "bad", "东庄社区", ())]
        refused(app, errors.InvalidPhone, app.register_volunteers, ADMIN, people)
        ids = app.register_volunteers(ADMIN, [people[0], ("乙", "13900139000", "东庄社区", ())])
        assert [app.volunteer(v).contact.name for v in ids] == ["甲", "乙"]


class TestContactDetails:
    def test_an_administrator_corrects_a_volunteers_contact(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.update_contact(ADMIN, barber, "李建国", "13900139000")
        contact = app.volunteer(barber).contact
        assert (contact.name, contact.phone) == ("李建国", "13900139000")

    def test_a_volunteer_corrects_their_own_contact(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.update_contact(as_volunteer(barber), barber, "李师傅", "0871-63123456")
        assert app.volunteer(barber).contact.phone == "0871-63123456"
        assert list(app.events.get(barber))[-1].by == as_volunteer(barber)

    def test_a_volunteer_cannot_change_another_volunteers_contact(
        self, app: CivicVol
    ) -> None:
        barber = register_barber(app)
        other = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
        message = refused(app, errors.PermissionDenied, app.update_contact,
                          as_volunteer(other), barber, "冒名", "13700137000")
        assert "only for themself" in message
        assert app.volunteer(barber).contact.name == "李师傅"

    def test_a_malformed_phone_is_refused_on_update(self, app: CivicVol) -> None:
        barber = register_barber(app)
        refused(app, errors.InvalidPhone, app.update_contact, ADMIN, barber, "李师傅", "12")

    def test_an_empty_name_is_refused_on_update(self, app: CivicVol) -> None:
        barber = register_barber(app)
        refused(app, errors.InvalidName, app.update_contact, ADMIN, barber, "", "13800138000")

    def test_a_volunteer_who_left_has_no_contact_to_correct(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(ADMIN, barber, "搬家")
        message = refused(app, errors.VolunteerHasLeft, app.update_contact, ADMIN, barber,
                          "李师傅", "13800138000")
        assert "register them again" in message

    def test_an_unknown_volunteer_is_named(self, app: CivicVol) -> None:
        unknown = "3f2b9c1e-0000-4000-8000-000000000000"
        message = refused(app, errors.VolunteerNotFound, app.update_contact, ADMIN, unknown,
                          "李师傅", "13800138000")
        assert unknown in message

    def test_a_malformed_volunteer_id_is_refused(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidId, app.update_contact, ADMIN, "42", "李师傅",
                          "13800138000")
        assert "not a volunteer id" in message


class TestSuspension:
    def test_a_suspended_volunteer_is_reactivated(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        assert app.volunteer(barber).status.value == "suspended"
        app.reactivate_volunteer(ADMIN, barber)
        assert app.volunteer(barber).status.value == "active"
        assert [type(e).__name__ for e in app.events.get(barber)] == [
            "Registered", "Suspended", "Reactivated"]

    def test_a_suspension_needs_a_reason(self, app: CivicVol) -> None:
        barber = register_barber(app)
        message = refused(app, errors.InvalidInput, app.suspend_volunteer, ADMIN, barber, " ")
        assert "reason" in message

    def test_a_suspended_volunteer_is_not_suspended_again(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        message = refused(app, errors.VolunteerNotActive, app.suspend_volunteer, ADMIN,
                          barber, "again")
        assert "suspended" in message

    def test_an_active_volunteer_is_already_active(self, app: CivicVol) -> None:
        barber = register_barber(app)
        message = refused(app, errors.VolunteerAlreadyActive, app.reactivate_volunteer,
                          ADMIN, barber)
        assert "already active" in message

    def test_a_volunteer_who_left_is_not_reactivated(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(ADMIN, barber, "搬家")
        refused(app, errors.VolunteerHasLeft, app.reactivate_volunteer, ADMIN, barber)
        refused(app, errors.VolunteerHasLeft, app.suspend_volunteer, ADMIN, barber, "x")

    def test_only_an_administrator_suspends_or_reactivates(self, app: CivicVol) -> None:
        barber = register_barber(app)
        refused(app, errors.PermissionDenied, app.suspend_volunteer, as_volunteer(barber),
                barber, "自己停")
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        message = refused(app, errors.PermissionDenied, app.reactivate_volunteer,
                          as_volunteer(barber), barber)
        assert "administrator" in message


class TestLeaving:
    def test_a_volunteer_leaves_the_service_themself(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(as_volunteer(barber), barber, "年纪大了")
        assert app.volunteer(barber).status.value == "left"

    def test_an_administrator_records_that_a_volunteer_left(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(ADMIN, barber, "搬家")
        assert app.volunteer(barber).status.value == "left"

    def test_a_volunteer_cannot_make_another_leave(self, app: CivicVol) -> None:
        barber = register_barber(app)
        other = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
        refused(app, errors.PermissionDenied, app.volunteer_leaves, as_volunteer(other), barber)
        assert app.volunteer(barber).status.value == "active"

    def test_a_volunteer_leaves_once(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(ADMIN, barber, "搬家")
        refused(app, errors.VolunteerHasLeft, app.volunteer_leaves, ADMIN, barber)

    def test_a_suspended_volunteer_may_still_leave(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        app.volunteer_leaves(as_volunteer(barber), barber, "搬家")
        assert app.volunteer(barber).status.value == "left"

    def test_a_volunteer_who_left_cannot_join_a_team(self, app: CivicVol) -> None:
        barber = register_barber(app)
        team = app.create_team(ADMIN, "学雷锋志愿理发队", "special")
        app.volunteer_leaves(ADMIN, barber, "搬家")
        refused(app, errors.VolunteerHasLeft, app.join_team, ADMIN, team, barber)

    def test_a_suspended_volunteer_cannot_join_a_team(self, app: CivicVol) -> None:
        barber = register_barber(app)
        team = app.create_team(ADMIN, "学雷锋志愿理发队", "special")
        app.suspend_volunteer(ADMIN, barber, "投诉核查中")
        refused(app, errors.VolunteerNotActive, app.join_team, ADMIN, team, barber)

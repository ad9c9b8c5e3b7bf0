"""The national volunteer number (全国志愿者编号): a volunteer may carry the number the national
volunteer system gave them. It names the person, so it is sealed with their name and phone,
found only through the directory's blind index, and erased with the rest of them."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest

from civicvol import Actor, CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.app.views import volunteer_view
from civicvol.audit.history import aggregate_history
from civicvol.domain import errors
from civicvol.domain.values import check_national_number
from tests.conftest import ADMIN
from tests.history_fixture import HISTORY_V1, load_history
from tests.refusal import refused

NUMBER = "53010200000001"


def register_barber(app: CivicVol, national_number: str | None = NUMBER) -> UUID:
    return app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区", ["理发"],
                                  national_number=national_number)


def stored_bytes(app: CivicVol) -> bytes:
    return b"".join(n.state for n in app.all_events())


class TestTheNumbersShape:
    @pytest.mark.parametrize(("given", "kept"), [
        ("53010200000001", "53010200000001"),
        (" 5301 0200 0000 01 ", "53010200000001"),
        ("ab1234567", "AB1234567"),
        ("５３０１０２００", "53010200"),  # typed full-width with a Chinese input method
        (53010200000001, "53010200000001"),  # a spreadsheet's number cell
        ("", ""),
        (None, ""),
    ])
    def test_letters_and_digits_are_kept_in_one_spelling(self, given: str | int | None,
                                                         kept: str) -> None:
        assert check_national_number(given) == kept  # type: ignore[arg-type]

    @pytest.mark.parametrize("given", ["12345", "1" * 33, "5301-0200-0001", "编号530102",
                                       "53010200000001。"])
    def test_anything_else_is_refused_saying_what_a_number_looks_like(self,
                                                                       given: str) -> None:
        with pytest.raises(errors.InvalidNationalNumber) as caught:
            check_national_number(given)
        message = str(caught.value)
        assert repr(given) in message and "6 to 32 letters and digits" in message

    def test_a_bad_number_refuses_the_registration(self, app: CivicVol) -> None:
        message = refused(app, errors.InvalidNationalNumber, app.register_volunteer, ADMIN,
                          "李师傅", "13800138000", "东庄社区", national_number="53-01")
        assert "national volunteer number '53-01'" in message


class TestRegisteringWithTheNumber:
    def test_the_number_is_kept_and_shown(self, app: CivicVol) -> None:
        barber = register_barber(app)
        assert volunteer_view(app.volunteer(barber))["national_number"] == NUMBER
        assert app.views.volunteers.get(str(barber))["national_number"] == NUMBER  # type: ignore[index]

    def test_without_one_the_volunteer_has_none(self, app: CivicVol) -> None:
        barber = register_barber(app, None)
        assert volunteer_view(app.volunteer(barber))["national_number"] is None
        assert app.views.volunteers.get(str(barber))["national_number"] is None  # type: ignore[index]

    def test_it_is_sealed_like_the_name_and_phone(self, app: CivicVol) -> None:
        register_barber(app)
        assert NUMBER.encode() not in stored_bytes(app)

    def test_it_is_nowhere_in_the_store_file_in_the_clear(self, tmp_path: Path) -> None:
        db = tmp_path / "civicvol.db"
        app = CivicVol(f"sqlite:///{db}")
        try:
            register_barber(app)
            assert app.views.volunteers.search(national_number=NUMBER)  # views caught up
        finally:
            app.close()
        files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
        assert "东庄社区".encode() in files  # the scan sees what is kept in the clear ...
        for secret in (NUMBER, "13800138000", "李师傅"):  # ... and no personal data
            assert secret.encode() not in files, secret

    def test_a_second_person_with_the_same_number_is_refused_naming_the_first(
            self, app: CivicVol) -> None:
        barber = register_barber(app)
        message = refused(app, errors.AlreadyRegistered, app.register_volunteer, ADMIN,
                          "王阿姨", "13900139000", "龙江社区", national_number=NUMBER.lower())
        assert NUMBER in message and str(barber) in message and "李师傅" in message

    def test_the_number_of_someone_who_left_may_be_registered_again(self,
                                                                    app: CivicVol) -> None:
        barber = register_barber(app)
        app.volunteer_leaves(ADMIN, barber, "moved away")
        again = app.register_volunteer(ADMIN, "李师傅", "13700137000", "金星社区",
                                       national_number=NUMBER)
        assert app.volunteer(again).contact.national_number == NUMBER

    def test_a_contact_update_keeps_the_number(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.update_contact(ADMIN, barber, "李建国", "13800138001")
        assert app.volunteer(barber).contact.national_number == NUMBER


class TestRegisteringInBulk:
    def test_people_with_and_without_a_number_are_registered_together(
            self, app: CivicVol) -> None:
        ids = app.register_volunteers(ADMIN, [
            ("李师傅", "13800138000", "东庄社区", ["理发"], NUMBER),
            ("王阿姨", "13900139000", "龙江社区", [], None),
            ("张伟", "13700137000", "金星社区", []),
        ])
        numbers = [app.volunteer(i).contact.national_number for i in ids]
        assert numbers == [NUMBER, "", ""]

    def test_one_number_for_two_people_refuses_the_whole_batch(self, app: CivicVol) -> None:
        message = refused(app, errors.AlreadyRegistered, app.register_volunteers, ADMIN, [
            ("李师傅", "13800138000", "东庄社区", [], NUMBER),
            ("王阿姨", "13900139000", "龙江社区", [], NUMBER)])
        assert NUMBER in message and "two people" in message

    def test_a_number_already_registered_refuses_the_whole_batch(self, app: CivicVol) -> None:
        barber = register_barber(app)
        message = refused(app, errors.AlreadyRegistered, app.register_volunteers, ADMIN, [
            ("王阿姨", "13900139000", "龙江社区", [], None),
            ("张伟", "13700137000", "金星社区", [], NUMBER)])
        assert str(barber) in message

    def test_a_bad_number_in_the_batch_is_refused(self, app: CivicVol) -> None:
        refused(app, errors.InvalidNationalNumber, app.register_volunteers, ADMIN, [
            ("王阿姨", "13900139000", "龙江社区", [], "12")])


class TestRecordingItLater:
    def test_an_administrator_sets_it_then_corrects_it(self, app: CivicVol) -> None:
        barber = register_barber(app, None)
        assert app.record_national_number(ADMIN, barber, "5301 0200 0000 09") == \
            "53010200000009"
        app.record_national_number(ADMIN, barber, NUMBER)
        assert app.volunteer(barber).contact.national_number == NUMBER
        assert app.views.volunteers.search(national_number="53010200000009") == []
        (found,) = app.views.volunteers.search(national_number=NUMBER)
        assert found["id"] == str(barber)
        last = list(app.events.get(barber))[-1]
        assert type(last).__name__ == "ContactUpdated"  # a change of the contact details
        assert NUMBER.encode() not in stored_bytes(app)

    def test_the_volunteer_sets_their_own_and_not_anyone_elses(self, app: CivicVol) -> None:
        barber = register_barber(app, None)
        helper = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "龙江社区")
        app.record_national_number(Actor("volunteer", str(barber)), barber, NUMBER)
        assert app.volunteer(barber).contact.national_number == NUMBER
        refused(app, errors.PermissionDenied, app.record_national_number,
                Actor("volunteer", str(helper)), barber, "53010200000002")

    def test_recording_the_same_number_again_is_not_a_duplicate(self, app: CivicVol) -> None:
        barber = register_barber(app)
        app.record_national_number(ADMIN, barber, NUMBER)
        assert app.volunteer(barber).contact.national_number == NUMBER

    def test_another_persons_number_is_refused(self, app: CivicVol) -> None:
        barber = register_barber(app)
        helper = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "龙江社区")
        message = refused(app, errors.AlreadyRegistered, app.record_national_number, ADMIN,
                          helper, NUMBER)
        assert str(barber) in message

    @pytest.mark.parametrize("given", ["", "  ", "12"])
    def test_an_empty_or_bad_number_is_refused(self, app: CivicVol, given: str) -> None:
        barber = register_barber(app, None)
        message = refused(app, errors.InvalidNationalNumber, app.record_national_number,
                          ADMIN, barber, given)
        assert "national volunteer number" in message


class TestErasure:
    def test_erasing_the_person_erases_their_number(self, app: CivicVol) -> None:
        barber = register_barber(app)
        erase_volunteer(app, ADMIN, barber, "asked to be forgotten")
        assert app.volunteer(barber).contact.national_number == ""
        assert volunteer_view(app.volunteer(barber))["national_number"] is None
        assert app.views.volunteers.search(national_number=NUMBER) == []
        assert app.views.volunteers.with_national_numbers([NUMBER]) == {}
        assert NUMBER not in str(aggregate_history(app, barber))

    def test_a_number_recorded_later_is_erased_too(self, app: CivicVol) -> None:
        barber = register_barber(app, None)
        app.record_national_number(ADMIN, barber, NUMBER)
        erase_volunteer(app, ADMIN, barber, "asked to be forgotten")
        reread = CivicVol(app.store_url) if app.store_url != "memory://" else app
        assert reread.volunteer(barber).contact.national_number == ""
        assert NUMBER not in str(aggregate_history(reread, barber))

    def test_an_erased_persons_number_cannot_be_recorded(self, app: CivicVol) -> None:
        barber = register_barber(app, None)
        erase_volunteer(app, ADMIN, barber, "asked to be forgotten")
        refused(app, errors.PersonalDataErased, app.record_national_number, ADMIN, barber,
                NUMBER)


class TestAnOldStore:
    """Details written before the number existed (and before encryption at rest: the
    0.1.0 history of tests/fixtures) load without one, and can be given one, sealed."""

    def test_old_volunteers_load_without_a_number_and_can_be_given_one(
            self, app: CivicVol) -> None:
        load_history(app)
        ids = [json.loads(x)["originator_id"] for x in
               HISTORY_V1.read_text(encoding="utf-8").splitlines()
               if "Volunteer.Registered" in x]
        old = [app.volunteer(v) for v in ids]
        assert [v.contact.national_number for v in old] == ["", ""]
        assert all(v.contact.subject is None for v in old)  # written in the clear
        app.record_national_number(ADMIN, ids[0], NUMBER)
        given = app.volunteer(ids[0]).contact
        assert given.national_number == NUMBER and given.subject is not None  # now sealed
        assert NUMBER.encode() not in stored_bytes(app)
        (found,) = app.views.volunteers.search(national_number=NUMBER)
        assert found["id"] == ids[0] and found["name"] == given.name

"""Personal data sealed with a key per person; erasing the person destroys the key
(crypto-shredding): their name and phone can no longer be read anywhere, while every count,
their hours and points, and the hash chain stay exactly as they were."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from civicvol import CivicVol
from civicvol.app.erasure import PersonalDataNotSealed, erase_volunteer
from civicvol.app.views import district_report, volunteer_view
from civicvol.audit.history import aggregate_history
from civicvol.audit.recorders import as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.cli import cli
from civicvol.domain.errors import PermissionDenied, PersonalDataErased
from tests.conftest import ADMIN, POINTS_AUDITOR
from tests.history_fixture import load_history
from tests.stores import shared_store, store_for_cli
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    world = build_world(app)
    world.completed_order("2")
    app.approve_points(POINTS_AUDITOR, world.barber)
    return world


def stored_bytes(app: CivicVol) -> bytes:
    return b"".join(n.state for n in app.all_events())


class TestSealedAtRest:
    def test_names_and_phones_are_not_in_the_stored_events(self, world: World) -> None:
        stored = stored_bytes(world.app)
        for secret in ("李师傅", "13800138000", "王阿姨", "13900139000"):
            assert secret.encode() not in stored
        assert world.app.volunteer(world.barber).contact.name == "李师傅"

    def test_each_person_has_their_own_key(self, world: World) -> None:
        assert world.app.personal_keys.count() == 3

    def test_a_contact_update_keeps_the_person_and_their_key(self, world: World) -> None:
        app = world.app
        before = app.volunteer(world.helper).contact.subject
        app.update_contact(ADMIN, world.helper, "王秀英", "13600136000")
        after = app.volunteer(world.helper).contact
        assert (after.name, after.subject) == ("王秀英", before)
        assert app.personal_keys.count() == 3

    @shared_store
    def test_another_process_reads_them_with_the_keys_in_the_store(self, world: World) -> None:
        other = CivicVol(store_for_cli(world.app))
        assert other.volunteer(world.barber).contact.phone == "13800138000"


class TestErasure:
    def test_an_erased_person_can_no_longer_be_read(self, world: World) -> None:
        app = world.app
        erase_volunteer(app, ADMIN, world.barber, "asked to be forgotten")
        view = volunteer_view(app.volunteer(world.barber))
        assert (view["name"], view["phone"]) == ("[erased]", "[erased]")
        history = aggregate_history(app, world.barber)
        assert history[0]["changes"]["contact"] == "[erased]"
        assert history[-1]["event"] == "Volunteer.PersonalDataErased"
        assert "李师傅" not in str(history)

    def test_every_count_and_total_still_adds_up(self, world: World) -> None:
        app = world.app
        before = district_report(app)
        hours = app.volunteer(world.barber).service_hours
        balance = app.point_account(world.barber).balance  # type: ignore[union-attr]
        erase_volunteer(app, ADMIN, world.barber, "本人申请")
        after = district_report(app)
        assert after["events"] == before["events"] + 1
        assert {k: v for k, v in after.items() if k != "events"} == \
            {k: v for k, v in before.items() if k != "events"}
        assert app.volunteer(world.barber).service_hours == hours
        assert app.point_account(world.barber).balance == balance  # type: ignore[union-attr]

    def test_the_chain_still_verifies_and_no_stored_event_was_rewritten(
            self, world: World) -> None:
        app = world.app
        before = [(n.id, n.state) for n in app.all_events()]
        erase_volunteer(app, ADMIN, world.barber, "本人申请")
        after = [(n.id, n.state) for n in app.all_events()]
        assert after[:len(before)] == before
        result = verify_store(as_chained(app.recorder))
        assert result.intact, result.finding
        assert result.event_count == len(before) + 1

    def test_the_erasure_is_recorded_without_personal_data(self, world: World) -> None:
        app = world.app
        erase_volunteer(app, ADMIN, world.barber, "the person's request")
        last = list(app.all_events())[-1]
        assert last.topic.endswith("Volunteer.PersonalDataErased")
        assert b"administrator" in last.state and b"13800138000" not in last.state
        assert app.personal_keys.count() == 2

    def test_the_others_are_untouched(self, world: World) -> None:
        erase_volunteer(world.app, ADMIN, world.barber, "本人申请")
        assert world.app.volunteer(world.helper).contact.name == "王阿姨"

    def test_the_erased_volunteer_keeps_their_place_in_the_service(self, world: World) -> None:
        app = world.app
        erase_volunteer(app, ADMIN, world.barber, "本人申请")
        order = world.dispatched_order()
        app.accept_order(world.barber_actor, order)
        assert app.order(order).volunteer_id == world.barber

    def test_only_an_administrator_may_erase_and_a_refusal_stores_nothing(
            self, world: World) -> None:
        app = world.app
        before = app.event_count()
        with pytest.raises(PermissionDenied):
            erase_volunteer(app, world.barber_actor, world.barber, "本人申请")
        assert app.event_count() == before
        assert app.volunteer(world.barber).contact.name == "李师傅"

    def test_erasing_twice_is_refused(self, world: World) -> None:
        app = world.app
        erase_volunteer(app, ADMIN, world.barber, "本人申请")
        before = app.event_count()
        with pytest.raises(PersonalDataErased, match="already erased"):
            erase_volunteer(app, ADMIN, world.barber, "本人申请")
        assert app.event_count() == before

    def test_an_erased_person_cannot_be_given_new_details(self, world: World) -> None:
        erase_volunteer(world.app, ADMIN, world.barber, "本人申请")
        with pytest.raises(PersonalDataErased, match="register the person again"):
            world.app.update_contact(ADMIN, world.barber, "李四", "13500135000")

    def test_details_stored_in_the_clear_cannot_be_shredded(self, app: CivicVol) -> None:
        load_history(app)
        volunteer = next(n.originator_id for n in app.all_events()
                         if n.topic.endswith("Volunteer.Registered"))
        before = app.event_count()
        with pytest.raises(PersonalDataNotSealed, match="before encryption at rest"):
            erase_volunteer(app, ADMIN, volunteer, "本人申请")
        assert app.event_count() == before

    @shared_store
    def test_the_cli_erases_for_an_administrator(self, world: World) -> None:
        url = store_for_cli(world.app)
        refused = CliRunner().invoke(cli, ["--store", url, "--as", "volunteer:" +
                                           str(world.barber), "volunteer", "erase",
                                           str(world.barber), "--reason", "request", "--yes"])
        assert refused.exit_code != 0 and "administrator" in refused.output
        outcome = CliRunner().invoke(cli, ["--store", url, "--as", "administrator:admin-1",
                                           "volunteer", "erase", str(world.barber),
                                           "--reason", "request", "--yes"])
        assert outcome.exit_code == 0, outcome.output
        assert CivicVol(url).volunteer(world.barber).contact.name == "[erased]"


class TestReportsNeverDecrypt:
    def test_the_report_and_the_report_as_of_a_day_read_no_key(self, world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        from civicvol.audit.asof import district_report_as_of
        from civicvol.audit.privacy import PersonalKeys

        def no_keys(*args: object, **kwargs: object) -> None:
            raise AssertionError("a report read a personal key")

        monkeypatch.setattr(PersonalKeys, "key_for", no_keys)
        assert district_report(world.app)["volunteers"]["registered"] == 3
        assert district_report_as_of(world.app, date(2100, 1, 1))["events"] > 0

    def test_replay_reads_no_key(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        from civicvol.audit.replay import replay

        def no_keys(*args: object, **kwargs: object) -> None:
            raise AssertionError("replay read a personal key")

        monkeypatch.setattr(world.app.personal_keys, "_select", no_keys)
        assert replay(world.app).agrees
        monkeypatch.undo()
        assert world.app.volunteer(world.barber).contact.name == "李师傅"

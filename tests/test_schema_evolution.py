"""An old history still replays: ServiceOrder.Placed gained ``channel`` (class_version 2),
and the history written before (tests/fixtures/history_v1.jsonl) loads, reports and verifies
on every store."""

from __future__ import annotations

import json

from civicvol import CivicVol
from civicvol.app.views import district_report
from civicvol.audit.recorders import as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.domain.service_order import OrderChannel, ServiceOrder
from civicvol.domain.volunteer import Volunteer
from tests.conftest import RESIDENT
from tests.history_fixture import HISTORY_V1, load_history


def placed_lines() -> list[dict[str, str]]:
    lines = [json.loads(x) for x in HISTORY_V1.read_text(encoding="utf-8").splitlines()]
    return [x for x in lines if x["topic"].endswith("ServiceOrder.Placed")]


class TestHistoryWrittenBeforeChannels:
    def test_the_fixture_really_is_version_1(self) -> None:
        for line in placed_lines():
            state = json.loads(line["state"])
            assert "channel" not in state and "class_version" not in state

    def test_old_orders_load_as_placed_through_the_platform(self, app: CivicVol) -> None:
        load_history(app)
        for line in placed_lines():
            order = app.order(line["originator_id"])
            assert isinstance(order, ServiceOrder)
            assert order.channel is OrderChannel.PLATFORM
            # Before activities and review: one volunteer each, never reviewed.
            assert order.volunteers_wanted == 1 and order.rejection_reason == ""
            assert order.status.value != "reviewing"

    def test_the_report_of_the_old_history_is_what_it_was(self, app: CivicVol) -> None:
        assert load_history(app) == 35
        report = district_report(app)
        assert report["events"] == 35
        assert report["orders"]["placed"] == 4
        assert report["orders"]["completed"] == 3
        assert report["orders"]["by_year"] == {2023: 2, 2024: 2}
        assert report["service"]["hours"] == "6.5"
        assert report["points"]["credited"] == 65
        assert report["points"]["approved"] == 50
        assert report["points"]["redeemed"] == 2
        assert report["volunteers"]["registered"] == 2

    def test_contact_details_written_in_the_clear_are_still_read(self, app: CivicVol) -> None:
        load_history(app)
        volunteer_ids = [json.loads(x)["originator_id"] for x in
                         HISTORY_V1.read_text(encoding="utf-8").splitlines()
                         if "Volunteer.Registered" in x]
        names = {app.load(Volunteer, v).contact.name for v in volunteer_ids}
        assert names == {"李师傅", "王阿姨"}

    def test_the_imported_history_verifies(self, app: CivicVol) -> None:
        load_history(app)
        result = verify_store(as_chained(app.recorder))
        assert result.intact, result.finding
        assert result.event_count == 35

    def test_old_orders_load_with_a_free_text_service_and_no_attributes(
            self, app: CivicVol) -> None:
        load_history(app)
        for line in placed_lines():
            order = app.order(line["originator_id"])
            assert order.service_code == "" and order.attributes == {}
            assert (order.lat, order.long) == (None, None)

    def test_new_orders_are_written_as_version_3_with_their_channel(self, app: CivicVol) -> None:
        # Version 3 added service_code, attributes, lat and long (the service catalogue),
        # volunteers_wanted and under_review (the cycle) beside the channel.
        load_history(app)
        order = app.place_order(RESIDENT, "理发", channel="hotline")
        assert app.order(order).channel is OrderChannel.HOTLINE
        stored = json.loads(list(app.all_events())[-1].state)
        assert stored["channel"] == "hotline" and stored["class_version"] == 3
        assert stored["service_code"] == "" and stored["attributes"] == {}
        assert stored["volunteers_wanted"] == 1 and stored["under_review"] is False
        assert district_report(app)["orders"]["placed"] == 5

    def test_an_unknown_channel_is_refused_and_nothing_is_stored(self, app: CivicVol) -> None:
        import pytest

        from civicvol.domain.errors import InvalidInput

        before = app.event_count()
        with pytest.raises(InvalidInput, match="platform, station, hotline"):
            app.place_order(RESIDENT, "理发", channel="wechat")
        assert app.event_count() == before

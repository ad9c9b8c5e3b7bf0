"""Hours: recorded at the activity (signing in and out with its code) and hours an
administrator adds afterwards with a reason are kept apart on the volunteer's record and on
the certificate; a district setting says whether added hours earn points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from civicvol import CivicVol
from civicvol.app.views import volunteer_view
from civicvol.audit.bundle import export_bundle
from civicvol.audit.certificate import (
    certificate_markdown,
    check_certificate,
    check_certificate_offline,
    issue_certificate,
    sign_certificate,
)
from civicvol.audit.recorders import as_chained
from civicvol.domain import clock
from civicvol.domain.errors import InvalidHours, InvalidInput, PermissionDenied, VolunteerHasLeft
from civicvol.store import store_name
from tests.conftest import ADMIN, DISPATCHER
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.refusal import refused
from tests.test_certificate import ISSUER, ISSUER_KEY

NINE = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    world = build_cycle_world(app)
    order = world.activity(1)
    app.accept_order(world.volunteer(1), order)
    with clock.frozen_at(NINE):
        code = app.start_activity(world.leading, order)
        app.sign_in(world.volunteer(1), order, code)
    with clock.frozen_at(NINE + timedelta(hours=2)):
        app.sign_out(world.volunteer(1), order, code)
    app.close_activity(world.leading, order, [str(world.members[1])])
    return world


class TestAddedHours:
    def test_kept_apart_from_the_hours_recorded_at_activities(self, world: CycleWorld) -> None:
        app, volunteer = world.app, world.members[1]
        assert app.add_hours(ADMIN, volunteer, "3", "补录 2025 年防汛值守") == 0
        record = app.volunteer(volunteer)
        assert (record.service_hours, record.added_hours) == (Decimal("2.00"), Decimal(3))
        shown = volunteer_view(record)
        assert (shown["service_hours"], shown["added_hours"]) == ("2.00", "3")

    def test_they_earn_points_only_where_the_district_says_so(
            self, world: CycleWorld) -> None:
        app, volunteer = world.app, world.members[1]
        account = app.point_account(volunteer)
        assert account is not None
        before = account.pending
        app.add_hours(ADMIN, volunteer, "1", "补录")
        assert app.point_account(volunteer).pending == before  # type: ignore[union-attr]
        app.change_district_setting(ADMIN, "added_hours_earn_points", "true")
        assert app.add_hours(ADMIN, volunteer, "1.5", "补录") == 15
        assert app.point_account(volunteer).pending == before + 15  # type: ignore[union-attr]

    def test_adding_needs_an_administrator_a_reason_and_sensible_hours(
            self, world: CycleWorld) -> None:
        app, volunteer = world.app, world.members[1]
        refused(app, InvalidInput, app.add_hours, ADMIN, volunteer, "2", "")
        refused(app, InvalidHours, app.add_hours, ADMIN, volunteer, "0", "补录")
        refused(app, InvalidHours, app.add_hours, ADMIN, volunteer, "30", "补录")
        refused(app, PermissionDenied, app.add_hours, DISPATCHER, volunteer, "2", "补录")
        refused(app, PermissionDenied, app.add_hours, world.volunteer(1), volunteer, "2",
                "自己补")
        app.volunteer_leaves(ADMIN, volunteer, "搬家")
        refused(app, VolunteerHasLeft, app.add_hours, ADMIN, volunteer, "2", "补录")


class TestTheCertificate:
    def test_it_states_which_hours_are_which_and_still_checks(
            self, world: CycleWorld, tmp_path: Path) -> None:
        app, volunteer = world.app, world.members[1]
        app.add_hours(ADMIN, volunteer, "3", "补录防汛值守")
        cert = issue_certificate(app, volunteer, ISSUER)
        assert cert["hours"] == "2.00"  # served at activities
        assert cert["added_hours"] == "3"
        assert [(a["hours"], a["reason"]) for a in cert["added"]] == [("3", "补录防汛值守")]
        assert "added afterwards by an administrator" in certificate_markdown(cert)
        assert check_certificate_offline(cert, [ISSUER_KEY]) == []
        bundle = tmp_path / "bundle"
        export_bundle(as_chained(app.recorder), store_name(app.store_url), bundle)
        assert check_certificate(cert, bundle, issuer_keys=[ISSUER_KEY]) == []

    def test_added_hours_passed_off_as_others_are_caught(
            self, world: CycleWorld, tmp_path: Path) -> None:
        app, volunteer = world.app, world.members[1]
        app.add_hours(ADMIN, volunteer, "3", "补录")
        cert = issue_certificate(app, volunteer, ISSUER)
        edited = {k: v for k, v in cert.items() if k != "signature"}
        edited["added"] = [{**edited["added"][0], "hours": "8"}]
        bundle = tmp_path / "bundle"
        export_bundle(as_chained(app.recorder), store_name(app.store_url), bundle)
        problems = check_certificate(sign_certificate(ISSUER, edited), bundle,
                                     issuer_keys=[ISSUER_KEY])
        assert any("added hours" in p for p in problems)
        cert["added_hours"] = "0"  # changed after signing
        assert any("added_hours" in p for p in check_certificate_offline(cert, [ISSUER_KEY]))

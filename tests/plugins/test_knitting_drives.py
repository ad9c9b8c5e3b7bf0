"""龙江爱心织女队: knitting drives of hats and scarves for two nursing homes and a village
school, told as 龙江社区 lives them, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest
from click.testing import CliRunner

from civicvol import Actor, CivicVol, open_district
from civicvol.app.views import district_report
from civicvol.cli import cli
from civicvol.domain.errors import NotAMember, PermissionDenied, TeamDissolved
from civicvol.plugins import PluginHost
from civicvol.plugins.knitting_drives import plugin as knitting_plugin
from civicvol.plugins.knitting_drives.commands import KnittingDrives
from civicvol.plugins.knitting_drives.errors import (
    DriveClosed,
    DriveNotFound,
    InvalidDelivery,
    InvalidPieces,
    InvalidTarget,
    NotEnoughSets,
    UnknownInstitution,
)
from civicvol.plugins.testkit import PluginConformance
from tests.conftest import ADMIN, POINTS_AUDITOR, RESIDENT
from tests.refusal import refused

HEWAN, HONGFU, SCHOOL = "鹤湾敬老院", "鸿福敬老院", "滇源中心学校三转弯小学"


@attrs.define
class Longjiang:
    app: CivicVol
    drives: KnittingDrives
    team: UUID
    leader: UUID
    knitter: UUID
    outsider: UUID

    @property
    def leader_actor(self) -> Actor:
        return Actor("leader", str(self.leader))

    def as_volunteer(self, volunteer: UUID) -> Actor:
        return Actor("volunteer", str(volunteer))

    def launched(self, target: int = 30) -> UUID:
        return self.drives.launch_drive(self.leader_actor, self.team, "2023 冬日送温暖", target)

    def knitted(self, hats: int = 10, scarves: int = 10) -> UUID:
        drive = self.launched()
        self.drives.log_knitting(self.as_volunteer(self.knitter), drive, self.knitter, hats,
                                 scarves)
        return drive


def open_with_knitting(store: str, config: Path | None = None) -> CivicVol:
    host = PluginHost()
    record = host.register(knitting_plugin, "knitting-drives")
    assert record.status == "loaded", record.reason
    return open_district(store, plugins=host, config=config)


def make_longjiang(app: CivicVol) -> Longjiang:
    team = app.create_team(ADMIN, "龙江爱心织女队", "special", community="龙江社区")
    leader = app.register_volunteer(ADMIN, "王大姐", "13900139001", "龙江社区", ["编织"])
    knitter = app.register_volunteer(ADMIN, "刘阿姨", "13900139002", "龙江社区", ["编织"])
    outsider = app.register_volunteer(ADMIN, "陈师傅", "13900139003", "东庄社区")
    for volunteer in (leader, knitter):
        app.join_team(ADMIN, team, volunteer)
    app.appoint_leader(ADMIN, team, leader)
    return Longjiang(app, app.plugin("knitting-drives", KnittingDrives), team, leader, knitter,
                     outsider)


@pytest.fixture
def lj(store_url: str) -> Iterator[Longjiang]:
    app = open_with_knitting(store_url)
    yield make_longjiang(app)
    app.close()


def section(app: CivicVol) -> dict[str, Any]:
    figures: dict[str, Any] = district_report(app)["knitting-drives"]
    return figures


class TestLaunching:
    def test_a_drive_knits_for_the_three_institutions_by_default(self, lj: Longjiang) -> None:
        drive = lj.drives.drive(lj.launched(30))
        assert (drive.target_sets, drive.recipients, drive.closed) == (
            30, (HEWAN, HONGFU, SCHOOL), False)

    def test_a_drive_may_name_its_own_recipients(self, lj: Longjiang) -> None:
        drive = lj.drives.launch_drive(lj.leader_actor, lj.team, "敬老院专场", 10, [HEWAN])
        assert lj.drives.drive(drive).recipients == (HEWAN,)

    def test_a_target_is_a_positive_number_of_sets(self, lj: Longjiang) -> None:
        message = refused(lj.app, InvalidTarget, lj.drives.launch_drive, lj.leader_actor,
                          lj.team, "x", 0)
        assert "sets" in message

    def test_only_the_teams_leader_or_an_administrator_launches(self, lj: Longjiang) -> None:
        refused(lj.app, PermissionDenied, lj.drives.launch_drive,
                lj.as_volunteer(lj.knitter), lj.team, "x", 10)
        refused(lj.app, PermissionDenied, lj.drives.launch_drive,
                Actor("leader", str(lj.outsider)), lj.team, "x", 10)
        assert lj.drives.launch_drive(ADMIN, lj.team, "x", 10)

    def test_a_dissolved_team_launches_nothing(self, lj: Longjiang) -> None:
        lj.app.dissolve_team(ADMIN, lj.team, "合并")
        refused(lj.app, TeamDissolved, lj.drives.launch_drive, ADMIN, lj.team, "x", 10)


class TestKnitting:
    def test_a_knitter_logs_her_hats_and_scarves_and_earns_two_points_a_piece(
            self, lj: Longjiang) -> None:
        drive = lj.launched()
        log = lj.drives.log_knitting(lj.as_volunteer(lj.knitter), drive, lj.knitter, 3, 2)
        assert log == "K1"
        found = lj.drives.drive(drive)
        assert (found.hats, found.scarves, found.sets_knitted) == (3, 2, 2)
        account = lj.app.point_account(lj.knitter)
        assert account is not None
        assert (account.balance, account.pending) == (0, 10)
        assert str(account.entries["E1"].source) == f"knitting:{drive}/K1"
        lj.app.approve_points(POINTS_AUDITOR, lj.knitter)
        assert lj.app.point_account(lj.knitter).balance == 10  # type: ignore[union-attr]

    def test_the_leader_logs_for_a_knitter_but_a_knitter_only_for_herself(
            self, lj: Longjiang) -> None:
        drive = lj.launched()
        assert lj.drives.log_knitting(lj.leader_actor, drive, lj.knitter, 1, 1) == "K1"
        refused(lj.app, PermissionDenied, lj.drives.log_knitting, lj.as_volunteer(lj.knitter),
                drive, lj.leader, 1, 1)

    def test_only_members_of_the_team_knit_for_its_drives(self, lj: Longjiang) -> None:
        drive = lj.launched()
        message = refused(lj.app, NotAMember, lj.drives.log_knitting,
                          lj.as_volunteer(lj.outsider), drive, lj.outsider, 1, 1)
        assert "leader must add them to the team first" in message

    def test_a_log_counts_real_pieces(self, lj: Longjiang) -> None:
        drive = lj.launched()
        knitter = lj.as_volunteer(lj.knitter)
        refused(lj.app, InvalidPieces, lj.drives.log_knitting, knitter, drive, lj.knitter, 0, 0)
        refused(lj.app, InvalidPieces, lj.drives.log_knitting, knitter, drive, lj.knitter, -2, 4)
        refused(lj.app, InvalidPieces, lj.drives.log_knitting, knitter, drive, lj.knitter,
                150, 150)

    def test_the_log_and_the_credit_are_one_transaction(self, lj: Longjiang) -> None:
        drive = lj.launched()
        before = lj.app.event_count()
        lj.drives.log_knitting(lj.as_volunteer(lj.knitter), drive, lj.knitter, 2, 2)
        assert lj.app.event_count() == before + 3  # Knitted, account Opened, Credited


class TestDeliveries:
    def test_finished_sets_go_to_a_recipient_and_the_beneficiaries_are_counted(
            self, lj: Longjiang) -> None:
        drive = lj.knitted(12, 10)
        assert lj.drives.deliver(lj.leader_actor, drive, HEWAN, 6, 18) == "D1"
        assert lj.drives.deliver(lj.leader_actor, drive, SCHOOL, 4, 20) == "D2"
        found = lj.drives.drive(drive)
        assert (found.sets_delivered, found.sets_in_hand, found.beneficiaries) == (10, 0, 38)
        assert found.delivered == {HEWAN: 6, SCHOOL: 4}

    def test_no_more_sets_than_are_finished(self, lj: Longjiang) -> None:
        drive = lj.knitted(5, 3)
        message = refused(lj.app, NotEnoughSets, lj.drives.deliver, lj.leader_actor, drive,
                          HONGFU, 4, 10)
        assert "3 finished sets in hand" in message

    def test_an_institution_that_is_not_a_recipient_is_added_first(self, lj: Longjiang) -> None:
        drive = lj.knitted(2, 2)
        message = refused(lj.app, UnknownInstitution, lj.drives.deliver, lj.leader_actor,
                          drive, "阿子营敬老院", 1, 3)
        assert "add it as a recipient first" in message
        lj.drives.add_recipient(lj.leader_actor, drive, "阿子营敬老院")
        refused(lj.app, UnknownInstitution, lj.drives.add_recipient, lj.leader_actor, drive,
                "阿子营敬老院")
        lj.drives.deliver(lj.leader_actor, drive, "阿子营敬老院", 1, 3)

    def test_recipients_are_added_by_the_leader_of_this_team(self, lj: Longjiang) -> None:
        drive = lj.launched()
        refused(lj.app, PermissionDenied, lj.drives.add_recipient, lj.as_volunteer(lj.knitter),
                drive, "阿子营敬老院")
        refused(lj.app, PermissionDenied, lj.drives.add_recipient,
                Actor("leader", str(lj.outsider)), drive, "阿子营敬老院")

    def test_a_delivery_benefits_somebody(self, lj: Longjiang) -> None:
        drive = lj.knitted(2, 2)
        refused(lj.app, InvalidDelivery, lj.drives.deliver, lj.leader_actor, drive, HEWAN, 1, 0)
        refused(lj.app, InvalidDelivery, lj.drives.deliver, lj.leader_actor, drive, HEWAN, 0, 3)
        refused(lj.app, PermissionDenied, lj.drives.deliver, lj.as_volunteer(lj.knitter),
                drive, HEWAN, 1, 3)


class TestClosing:
    def test_a_closed_drive_takes_no_more_knitting_or_deliveries(self, lj: Longjiang) -> None:
        drive = lj.knitted(4, 4)
        lj.drives.close_drive(lj.leader_actor, drive, "圆满结束")
        refused(lj.app, DriveClosed, lj.drives.log_knitting, lj.as_volunteer(lj.knitter),
                drive, lj.knitter, 1, 1)
        refused(lj.app, DriveClosed, lj.drives.deliver, lj.leader_actor, drive, HEWAN, 1, 2)
        refused(lj.app, DriveClosed, lj.drives.close_drive, lj.leader_actor, drive)
        refused(lj.app, PermissionDenied, lj.drives.close_drive, RESIDENT, drive)

    def test_an_unknown_drive_is_named_as_such(self, lj: Longjiang) -> None:
        message = refused(lj.app, DriveNotFound, lj.drives.drive,
                          "6f1c6f0e-0000-4000-8000-000000000000")
        assert "civicvol knitting-drives list" in message


class TestFigures:
    def test_figures_per_drive_and_in_total(self, lj: Longjiang) -> None:
        first = lj.knitted(10, 10)
        lj.drives.deliver(lj.leader_actor, first, HEWAN, 10, 30)
        lj.drives.close_drive(lj.leader_actor, first)
        second = lj.knitted(6, 8)
        lj.drives.deliver(lj.leader_actor, second, HONGFU, 4, 12)
        figures = section(lj.app)
        assert (figures["drives"], figures["closed"], figures["knitters"]) == (2, 1, 1)
        assert (figures["hats"], figures["scarves"], figures["sets_knitted"]) == (16, 18, 16)
        assert (figures["sets_delivered"], figures["beneficiaries"]) == (14, 42)
        assert figures["sets_by_institution"] == {HEWAN: 10, HONGFU: 4}
        assert figures["institutions"] == 2
        assert len(figures["per_drive"]) == 1  # both drives have the same title and year
        json.dumps(figures, ensure_ascii=False)

    def test_points_per_piece_comes_from_civicvol_toml(self, tmp_path: Path) -> None:
        config = tmp_path / "civicvol.toml"
        config.write_text("[plugins.knitting-drives]\npoints_per_piece = 0\n", encoding="utf-8")
        lj = make_longjiang(open_with_knitting("memory://", config))
        lj.knitted(3, 3)
        assert lj.app.point_account(lj.knitter) is None


class TestCommandLine:
    def test_a_drive_from_launch_to_figures(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'lj.db'}"
        with closing(open_with_knitting(store)) as app:
            lj = make_longjiang(app)
        leader = f"leader:{lj.leader}"

        def run(*args: str, actor: str | None = None) -> tuple[int, str, str]:
            argv = ["--store", store, *(["--as", actor] if actor else []), *args]
            result = CliRunner().invoke(cli, argv, catch_exceptions=False)
            return result.exit_code, result.stdout, result.stderr

        code, out, err = run("knitting-drives", "launch", str(lj.team), "--title", "2024 春",
                             "--target", "20", actor=leader)
        assert code == 0, err
        drive = out.strip().splitlines()[-1]
        code, out, err = run("knitting-drives", "log", drive, str(lj.knitter), "--hats", "5",
                             "--scarves", "5", actor=f"volunteer:{lj.knitter}")
        assert (code, out.strip()) == (0, "logged 5 hats and 5 scarves as K1"), err
        code, _, err = run("knitting-drives", "deliver", drive, "--to", SCHOOL, "--sets", "9",
                           "--beneficiaries", "30", actor=leader)
        assert code != 0 and err.startswith("error: cannot deliver 9 sets")
        code, _, err = run("knitting-drives", "deliver", drive, "--to", SCHOOL, "--sets", "5",
                           "--beneficiaries", "30", actor=leader)
        assert code == 0, err
        assert run("knitting-drives", "add-recipient", drive, "阿子营敬老院", actor=leader)[0] == 0
        assert run("knitting-drives", "close", drive, actor=leader)[0] == 0
        shown = json.loads(run("knitting-drives", "show", drive, "--json")[1])
        assert (shown["sets_delivered"], shown["beneficiaries"], shown["closed"]) == (5, 30, True)
        figures = json.loads(run("knitting-drives", "figures", "--json")[1])
        assert (figures["drives"], figures["sets_delivered"]) == (1, 5)
        listed = json.loads(run("knitting-drives", "list", "--json")[1])
        assert [d["id"] for d in listed] == [drive]
        report = json.loads(run("report", "--json")[1])
        assert report["knitting-drives"]["beneficiaries"] == 30


class TestKnittingDrivesConforms(PluginConformance):
    plugin = knitting_plugin
    name = "knitting-drives"

    def exercise(self, app: CivicVol) -> None:
        lj = make_longjiang(app)
        drive = lj.knitted(6, 5)
        lj.drives.add_recipient(lj.leader_actor, drive, "阿子营敬老院")
        lj.drives.deliver(lj.leader_actor, drive, HEWAN, 5, 15)
        lj.drives.close_drive(lj.leader_actor, drive, "圆满结束")

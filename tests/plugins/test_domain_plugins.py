"""The plug-ins' aggregates on their own: haircut sessions and knitting drives."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from civicvol import Actor
from civicvol.plugins.haircut_days import errors as haircut_errors
from civicvol.plugins.haircut_days.session import HaircutSession, SessionKind, SessionStatus
from civicvol.plugins.knitting_drives import errors as knitting_errors
from civicvol.plugins.knitting_drives.drive import KnittingDrive

LEADER = Actor("leader", "l-1")
HOMES = ["鹤湾敬老院", "鸿福敬老院", "滇源中心学校三转弯小学"]


class TestHaircutSession:
    def session(self) -> HaircutSession:
        return HaircutSession.schedule(uuid4(), date(2023, 9, 28), SessionKind.REGULAR, LEADER,
                                       place="东庄社区活动室")

    def test_the_same_day_and_team_give_the_same_session(self) -> None:
        team = uuid4()
        one = HaircutSession.schedule(team, date(2023, 9, 28), SessionKind.REGULAR, LEADER)
        two = HaircutSession.schedule(team, date(2023, 9, 28), SessionKind.REGULAR, LEADER)
        special = HaircutSession.schedule(team, date(2023, 9, 28), SessionKind.SPECIAL, LEADER)
        assert one.id == two.id != special.id

    def test_a_held_session_counts_the_residents_served(self) -> None:
        session = self.session()
        barbers = (uuid4(), uuid4())
        session.hold((*barbers, barbers[0]), 18, LEADER)
        session.record_served(4, LEADER)
        assert (session.status, session.barbers, session.served) == (
            SessionStatus.HELD, barbers, 22)

    def test_a_session_without_barbers_is_not_held(self) -> None:
        session = self.session()
        with pytest.raises(haircut_errors.NoBarbers):
            session.hold((), 5, LEADER)
        assert session.status is SessionStatus.SCHEDULED

    def test_served_counts_must_be_plausible(self) -> None:
        session = self.session()
        with pytest.raises(haircut_errors.InvalidServedCount):
            session.hold((uuid4(),), -1, LEADER)
        session.hold((uuid4(),), 499, LEADER)
        with pytest.raises(haircut_errors.InvalidServedCount, match="500"):
            session.record_served(2, LEADER)
        with pytest.raises(haircut_errors.InvalidServedCount):
            session.record_served(0, LEADER)

    def test_residents_are_counted_only_at_a_held_session(self) -> None:
        with pytest.raises(haircut_errors.SessionNotHeld):
            self.session().record_served(3, LEADER)

    def test_a_cancelled_session_cannot_be_held(self) -> None:
        session = self.session()
        session.cancel("暴雨", LEADER)
        with pytest.raises(haircut_errors.SessionNotScheduled, match="cancelled"):
            session.hold((uuid4(),), 3, LEADER)
        with pytest.raises(haircut_errors.SessionNotScheduled):
            session.cancel("again", LEADER)


class TestKnittingDrive:
    def drive(self) -> KnittingDrive:
        return KnittingDrive.launch(uuid4(), "2023 冬日暖心", 30, HOMES, LEADER)

    def test_a_set_is_a_hat_and_a_scarf(self) -> None:
        drive = self.drive()
        knitter = uuid4()
        assert drive.log_knitting(knitter, 5, 3, LEADER) == "K1"
        assert drive.log_knitting(uuid4(), 0, 4, LEADER) == "K2"
        assert (drive.hats, drive.scarves, drive.sets_knitted) == (5, 7, 5)
        assert drive.knitted_by[str(knitter)] == 8

    def test_deliveries_take_finished_sets_to_a_recipient(self) -> None:
        drive = self.drive()
        drive.log_knitting(uuid4(), 10, 10, LEADER)
        assert drive.deliver("鹤湾敬老院", 6, 20, LEADER) == "D1"
        assert (drive.sets_delivered, drive.sets_in_hand, drive.beneficiaries) == (6, 4, 20)
        with pytest.raises(knitting_errors.NotEnoughSets, match="4 finished sets in hand"):
            drive.deliver("鸿福敬老院", 5, 10, LEADER)

    def test_only_the_drives_recipients_receive(self) -> None:
        drive = self.drive()
        drive.log_knitting(uuid4(), 2, 2, LEADER)
        with pytest.raises(knitting_errors.UnknownInstitution, match="add it as a recipient first"):
            drive.deliver("阿子营敬老院", 1, 3, LEADER)
        drive.add_recipient("阿子营敬老院", LEADER)
        drive.deliver("阿子营敬老院", 1, 3, LEADER)
        assert drive.delivered == {"阿子营敬老院": 1}

    def test_bad_figures_are_refused(self) -> None:
        with pytest.raises(knitting_errors.InvalidTarget):
            KnittingDrive.launch(uuid4(), "x", 0, HOMES, LEADER)
        with pytest.raises(knitting_errors.UnknownInstitution):
            KnittingDrive.launch(uuid4(), "x", 10, [], LEADER)
        drive = self.drive()
        with pytest.raises(knitting_errors.InvalidPieces):
            drive.log_knitting(uuid4(), 0, 0, LEADER)
        with pytest.raises(knitting_errors.InvalidPieces):
            drive.log_knitting(uuid4(), -1, 3, LEADER)
        drive.log_knitting(uuid4(), 3, 3, LEADER)
        with pytest.raises(knitting_errors.InvalidDelivery):
            drive.deliver("鹤湾敬老院", 1, 0, LEADER)

    def test_a_closed_drive_takes_no_more_work(self) -> None:
        drive = self.drive()
        drive.close("年度活动结束", LEADER)
        with pytest.raises(knitting_errors.DriveClosed):
            drive.log_knitting(uuid4(), 1, 1, LEADER)
        with pytest.raises(knitting_errors.DriveClosed):
            drive.close("again", LEADER)

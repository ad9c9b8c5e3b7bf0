"""先锋骑手: riders' snap reports through 发现→处置→反馈→激励, told as the community lives them."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicvol import Actor, CivicVol
from civicvol.app.report import fold_log
from civicvol.app.views import district_report
from civicvol.audit.asof import district_report_as_of
from civicvol.domain.errors import (
    InsufficientPoints,
    PermissionDenied,
    StationRedeemsByCode,
    VolunteerHasLeft,
)
from civicvol.domain.values import Source
from civicvol.plugins import PluginSettingError, hookimpl
from civicvol.plugins.rider_clues import plugin as rider_clues_plugin
from civicvol.plugins.rider_clues.categories import ClueCategories
from civicvol.plugins.rider_clues.clue import ClueStatus, Verdict
from civicvol.plugins.rider_clues.commands import RiderClues
from civicvol.plugins.rider_clues.demo import build_rider_clues
from civicvol.plugins.rider_clues.errors import (
    ClueAlreadyHandled,
    ClueAlreadyJudged,
    ClueNotFound,
    ClueNotHandled,
    ClueNotJudged,
    ClueNotValid,
    ClueSeenInFuture,
    FeedbackAlreadyGiven,
    InvalidClueSettings,
    InvalidPhotoReference,
    InvalidSeenTime,
    InvalidVerdict,
    NotARider,
    OriginalClueNotFound,
    UnknownClueCategory,
)
from civicvol.plugins.rider_clues.report import RiderCluesFigures
from civicvol.plugins.testkit import PluginConformance
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.plugins.districts import district_with, full_demo_part
from tests.refusal import refused

HANDLER = Actor("clue-handler", "jinshi-grid-1")
PHOTO = "wx-group/2024-05-01/IMG_0412.jpg"


@attrs.define
class Riders:
    app: CivicVol
    clues: RiderClues
    team: UUID
    rider: UUID
    other_rider: UUID
    outsider: UUID

    def actor(self, volunteer: UUID | None = None) -> Actor:
        return Actor("volunteer", str(volunteer or self.rider))

    def report(self, category: str = "flying-wire-charging", rider: UUID | None = None) -> UUID:
        return self.clues.report_clue(self.actor(rider), self.team, category, PHOTO,
                                      "金实社区 7 栋楼下", description="楼道里拉线给电瓶车充电")

    def valid_clue(self) -> UUID:
        clue = self.report()
        self.clues.triage(HANDLER, clue, "valid")
        return clue


def make_riders(app: CivicVol, clues: RiderClues) -> Riders:
    team = app.create_team(ADMIN, "先锋骑手", "special", community="金实社区")
    rider = app.register_volunteer(ADMIN, "张骑手", "13700137001", "金实社区")
    other = app.register_volunteer(ADMIN, "刘骑手", "13700137002", "金实社区")
    outsider = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
    app.join_team(ADMIN, team, rider)
    app.join_team(ADMIN, team, other)
    return Riders(app, clues, team, rider, other, outsider)


District = Callable[..., CivicVol]


def with_rider_clues(plugin_district: District, store: str = "memory://",
                     toml: str = "") -> CivicVol:
    """A district with the plug-in, its settings read as civicvol.toml would give them."""
    config = tomllib.loads(toml).get("plugins", {})
    return plugin_district(rider_clues_plugin, name="rider-clues", store=store, config=config)


@pytest.fixture
def riders(plugin_district: District, store_url: str) -> Riders:
    app = with_rider_clues(plugin_district, store_url)
    return make_riders(app, app.plugin("rider-clues", RiderClues))


def points_of(app: CivicVol, volunteer: UUID) -> tuple[int, int]:
    account = app.point_account(volunteer)
    return (account.balance, account.pending) if account else (0, 0)


class TestRewardForAValidClue:
    def test_a_valid_flying_wire_clue_earns_5_points_once_the_points_auditor_approves(
            self, riders: Riders) -> None:
        app = riders.app
        clue = riders.report("飞线充电")
        assert riders.clues.clue(clue).category == "flying-wire-charging"
        assert riders.clues.triage(HANDLER, clue, "valid") == 5
        assert points_of(app, riders.rider) == (0, 5)
        app.approve_points(POINTS_AUDITOR, riders.rider)
        assert points_of(app, riders.rider) == (5, 0)
        entry = app.point_account(riders.rider).entries["E1"]  # type: ignore[union-attr]
        assert str(entry.source) == f"clue:{clue}"

    def test_the_valid_verdict_and_the_credit_are_stored_together(self, riders: Riders) -> None:
        clue = riders.report()
        before = riders.app.event_count()
        riders.clues.triage(HANDLER, clue, "valid")
        # Judged, the account opened and credited: one transaction, three events.
        assert riders.app.event_count() == before + 3
        assert riders.clues.clue(clue).verdict is Verdict.VALID

    def test_the_whole_flow_discover_handle_feed_back_reward(self, riders: Riders) -> None:
        clue = riders.valid_clue()
        riders.clues.handle(HANDLER, clue, "金实社区物业", "拆除飞线, 告知住户到充电桩充电")
        riders.clues.give_feedback(HANDLER, clue, "已处置, 谢谢你的随手拍")
        done = riders.clues.clue(clue)
        assert done.status is ClueStatus.FED_BACK
        assert (done.handled_by, done.feedback) == ("金实社区物业", "已处置, 谢谢你的随手拍")

    def test_points_follow_the_communitys_scheme_per_category(self, riders: Riders) -> None:
        app = riders.app
        scheme = ClueCategories.from_settings(points={"online-fraud": 8}, default_points=3)
        clues = RiderClues(app, scheme)
        fraud = clues.report_clue(riders.actor(), riders.team, "网络诈骗", PHOTO, "金实社区")
        food = clues.report_clue(riders.actor(), riders.team, "unhygienic-food", PHOTO, "夜市")
        assert clues.triage(HANDLER, fraud, "valid") == 8
        assert clues.triage(HANDLER, food, "valid") == 3
        assert points_of(app, riders.rider) == (0, 11)

    def test_a_category_added_in_the_settings_can_be_reported(self, riders: Riders) -> None:
        app = riders.app
        scheme = ClueCategories.from_settings(categories={"blocked-fire-exit": "消防通道堵塞"},
                                              points={"blocked-fire-exit": 6})
        clues = RiderClues(app, scheme)
        clue = clues.report_clue(riders.actor(), riders.team, "消防通道堵塞", PHOTO, "3 号院")
        assert clues.triage(HANDLER, clue, "valid") == 6

    def test_a_category_worth_no_points_is_judged_without_a_credit(self,
                                                                   riders: Riders) -> None:
        app = riders.app
        clues = RiderClues(app, ClueCategories.from_settings(points={"online-fraud": 0}))
        clue = clues.report_clue(riders.actor(), riders.team, "online-fraud", PHOTO, "金实社区")
        assert clues.triage(HANDLER, clue, "valid") == 0
        assert app.point_account(riders.rider) is None

    def test_a_rider_redeems_approved_points_at_the_bee_station(self, riders: Riders) -> None:
        app = riders.app
        riders.valid_clue()
        riders.valid_clue()
        refused(app, InsufficientPoints, riders.clues.redeem, STATION_KEEPER, riders.rider,
                10, "雨衣")
        app.approve_points(POINTS_AUDITOR, riders.rider)
        riders.clues.redeem(STATION_KEEPER, riders.rider, 10, "雨衣")
        account = app.point_account(riders.rider)
        assert account is not None and account.balance == 0
        assert [e.station for e in account.entries.values() if e.kind == "redemption"] == [
            "蜂享驿站"]

    def test_once_the_bee_station_keeps_a_catalogue_riders_redeem_by_code(
            self, riders: Riders) -> None:
        app, clues = riders.app, riders.clues
        riders.valid_clue()
        riders.valid_clue()
        app.approve_points(POINTS_AUDITOR, riders.rider)
        clues.open_station(ADMIN, [("雨衣", 10, 1)])
        refused(app, StationRedeemsByCode, clues.redeem, STATION_KEEPER, riders.rider, 10,
                "雨衣")
        entry = clues.redeem_code(STATION_KEEPER, clues.code(riders.actor(), "雨衣"))
        account = app.point_account(riders.rider)
        assert account is not None and account.entries[entry].station == "蜂享驿站"
        assert [g.stock for g in app.catalogue("蜂享驿站")] == [0]
        section = RiderCluesFigures()
        fold_log(app.all_events(), app.mapper, [section])
        assert (section.as_dict()["redemptions"], section.as_dict()["points_redeemed"]) == (
            1, 10)


class TestSettings:
    def test_the_community_sets_categories_and_points_in_civicvol_toml(
            self, plugin_district: District) -> None:
        app = with_rider_clues(plugin_district, toml='[plugins.rider-clues]\n'
                               'categories.blocked-fire-exit = "消防通道堵塞"\n'
                               'points.blocked-fire-exit = 7\n'
                               'points.flying-wire-charging = 4\n'
                               'station = "金实蜂享驿站"\n')
        riders = make_riders(app, app.plugin("rider-clues", RiderClues))
        assert riders.clues.station == "金实蜂享驿站"
        blocked = riders.clues.report_clue(riders.actor(), riders.team, "消防通道堵塞", PHOTO,
                                           "3 号院")
        assert riders.clues.triage(HANDLER, blocked, "valid") == 7
        assert riders.clues.triage(HANDLER, riders.report(), "valid") == 4
        assert riders.clues.triage(HANDLER, riders.report("online-fraud"), "valid") == 5

    def test_a_bad_setting_is_refused_naming_the_key(self, plugin_district: District) -> None:
        with pytest.raises(PluginSettingError, match="points"):
            with_rider_clues(plugin_district, toml="[plugins.rider-clues]\n"
                             "points.flying-wire-charging = -1\n")

    def test_points_for_a_category_nobody_added_are_refused(
            self, plugin_district: District) -> None:
        with pytest.raises(InvalidClueSettings, match="unknown categories noise"):
            with_rider_clues(plugin_district, toml="[plugins.rider-clues]\npoints.noise = 2\n")


class TestCluesThatEarnNothing:
    def test_a_duplicate_clue_earns_nothing(self, riders: Riders) -> None:
        first = riders.valid_clue()
        again = riders.report(rider=riders.other_rider)
        assert riders.clues.triage(HANDLER, again, "duplicate", duplicate_of=first) == 0
        assert riders.clues.clue(again).duplicate_of == first
        assert riders.app.point_account(riders.other_rider) is None

    def test_an_invalid_clue_earns_nothing_and_gets_feedback_without_handling(
            self, riders: Riders) -> None:
        clue = riders.report()
        riders.clues.triage(HANDLER, clue, "invalid", note="照片看不清")
        refused(riders.app, ClueNotValid, riders.clues.handle, HANDLER, clue, "物业", "无")
        riders.clues.give_feedback(HANDLER, clue, "照片看不清, 下次靠近些拍")
        assert riders.clues.clue(clue).status is ClueStatus.FED_BACK
        assert riders.app.point_account(riders.rider) is None


class TestRefusals:
    def test_a_duplicate_must_name_an_existing_original(self, riders: Riders) -> None:
        clue = riders.report()
        message = refused(riders.app, OriginalClueNotFound, riders.clues.triage, HANDLER, clue,
                          "duplicate", duplicate_of=uuid4())
        assert "rider-clues list" in message
        refused(riders.app, InvalidVerdict, riders.clues.triage, HANDLER, clue, "duplicate")
        refused(riders.app, InvalidVerdict, riders.clues.triage, HANDLER, clue, "duplicate",
                duplicate_of=clue)

    def test_only_a_duplicate_names_an_original(self, riders: Riders) -> None:
        first, clue = riders.report(), riders.report()
        refused(riders.app, InvalidVerdict, riders.clues.triage, HANDLER, clue, "valid",
                duplicate_of=first)

    def test_an_unknown_verdict_is_refused(self, riders: Riders) -> None:
        clue = riders.report()
        message = refused(riders.app, InvalidVerdict, riders.clues.triage, HANDLER, clue, "ok")
        assert "valid, invalid, duplicate" in message

    def test_an_unknown_category_is_refused_with_the_known_ones(self, riders: Riders) -> None:
        message = refused(riders.app, UnknownClueCategory, riders.report, "noise")
        assert "flying-wire-charging (飞线充电)" in message and "categories.<slug>" in message

    def test_a_volunteer_outside_the_rider_team_cannot_report(self, riders: Riders) -> None:
        refused(riders.app, NotARider, riders.report, rider=riders.outsider)

    def test_only_a_volunteer_reports_a_clue(self, riders: Riders) -> None:
        message = refused(riders.app, PermissionDenied, riders.clues.report_clue,
                          Actor("resident", str(riders.rider)), riders.team, "online-fraud",
                          PHOTO, "金实社区")
        assert "only a volunteer may" in message

    def test_a_rider_cannot_judge_clues(self, riders: Riders) -> None:
        clue = riders.report()
        refused(riders.app, PermissionDenied, riders.clues.triage, riders.actor(), clue,
                "valid")

    def test_a_clue_seen_in_the_future_or_without_time_zone_is_refused(
            self, riders: Riders) -> None:
        later = datetime.now(UTC) + timedelta(days=1)
        refused(riders.app, ClueSeenInFuture, riders.clues.report_clue, riders.actor(),
                riders.team, "online-fraud", PHOTO, "金实社区", seen_at=later)
        refused(riders.app, InvalidSeenTime, riders.clues.report_clue, riders.actor(),
                riders.team, "online-fraud", PHOTO, "金实社区",
                seen_at=datetime(2024, 5, 1, 18, 30))

    def test_a_clue_needs_a_photo_and_a_place(self, riders: Riders) -> None:
        from civicvol.domain.errors import InvalidName

        message = refused(riders.app, InvalidPhotoReference, riders.clues.report_clue,
                          riders.actor(), riders.team, "online-fraud", " ", "金实社区")
        assert "needs its photo" in message
        refused(riders.app, InvalidPhotoReference, riders.clues.report_clue, riders.actor(),
                riders.team, "online-fraud", "https://img.example/" + "x" * 500, "金实社区")
        long_link = "https://pan.example.cn/s/1a2b3c4d5e6f7g8h9i0j?photo=IMG_20240501_183012.jpg"
        riders.clues.report_clue(riders.actor(), riders.team, "online-fraud", long_link,
                                 "金实社区")
        refused(riders.app, InvalidName, riders.clues.report_clue, riders.actor(),
                riders.team, "online-fraud", PHOTO, "")

    def test_a_clue_is_triaged_once(self, riders: Riders) -> None:
        clue = riders.valid_clue()
        refused(riders.app, ClueAlreadyJudged, riders.clues.triage, HANDLER, clue, "invalid")

    def test_a_clue_is_handled_only_after_triage_and_once(self, riders: Riders) -> None:
        clue = riders.report()
        refused(riders.app, ClueNotJudged, riders.clues.handle, HANDLER, clue, "物业", "拆线")
        refused(riders.app, ClueNotJudged, riders.clues.give_feedback, HANDLER, clue, "谢谢")
        riders.clues.triage(HANDLER, clue, "valid")
        riders.clues.handle(HANDLER, clue, "物业", "拆线")
        refused(riders.app, ClueAlreadyHandled, riders.clues.handle, HANDLER, clue, "物业", "再拆")

    def test_a_valid_clue_is_fed_back_only_after_handling_and_once(self, riders: Riders) -> None:
        clue = riders.valid_clue()
        message = refused(riders.app, ClueNotHandled, riders.clues.give_feedback, HANDLER,
                          clue, "谢谢")
        assert "rider-clues handle" in message
        riders.clues.handle(HANDLER, clue, "物业", "拆线")
        riders.clues.give_feedback(HANDLER, clue, "谢谢")
        refused(riders.app, FeedbackAlreadyGiven, riders.clues.give_feedback, HANDLER, clue,
                "再谢")

    def test_an_unknown_clue_is_refused(self, riders: Riders) -> None:
        refused(riders.app, ClueNotFound, riders.clues.handle, HANDLER, uuid4(), "物业", "拆线")

    def test_a_rider_who_left_earns_nothing_and_the_verdict_is_not_stored(
            self, riders: Riders) -> None:
        clue = riders.report()
        riders.app.volunteer_leaves(ADMIN, riders.rider, "换了工作")
        refused(riders.app, VolunteerHasLeft, riders.clues.triage, HANDLER, clue, "valid")
        assert riders.clues.clue(clue).status is ClueStatus.REPORTED

    def test_points_for_an_unknown_category_are_refused_in_the_settings(self) -> None:
        with pytest.raises(InvalidClueSettings, match="unknown categories noise"):
            ClueCategories.from_settings(points={"noise": 2})
        with pytest.raises(InvalidClueSettings, match="not a whole number"):
            ClueCategories.from_settings(points={"online-fraud": "five"})  # type: ignore


class TestReportSection:
    def test_the_section_counts_riders_clues_verdicts_points_and_redemptions(
            self, riders: Riders) -> None:
        app = riders.app
        first = riders.valid_clue()
        riders.clues.triage(HANDLER, riders.report("高空抛物", rider=riders.other_rider),
                            "valid")
        riders.clues.triage(HANDLER, riders.report(), "duplicate", duplicate_of=first)
        riders.clues.triage(HANDLER, riders.report("online-fraud"), "invalid")
        riders.report("unhygienic-food")
        app.approve_points(POINTS_AUDITOR, riders.rider)
        riders.clues.redeem(STATION_KEEPER, riders.rider, 5, "矿泉水")
        section = RiderCluesFigures()
        fold_log(app.all_events(), app.mapper, [section])
        figures = section.as_dict()
        assert figures["riders_taking_part"] == 2
        assert figures["clues_reported"] == 5
        assert figures["by_category"] == {"飞线充电": 2, "高空抛物": 1, "网络诈骗": 1,
                                          "餐饮不卫生": 1}
        assert figures["by_verdict"] == {"valid": 2, "invalid": 1, "duplicate": 1,
                                         "awaiting triage": 1}
        assert figures["valid_clues"] == 2
        assert figures["by_category_and_verdict"] == {
            "飞线充电": {"valid": 1, "duplicate": 1}, "高空抛物": {"valid": 1},
            "网络诈骗": {"invalid": 1}, "餐饮不卫生": {"awaiting triage": 1}}
        assert (figures["points_credited"], figures["points_approved"],
                figures["points_pending"]) == (10, 5, 5)
        assert (figures["redemptions"], figures["points_redeemed"]) == (1, 5)
        assert district_report(app)["points"]["redemptions"] == 1


class TestRiderCluesConforms(PluginConformance):
    plugin = rider_clues_plugin
    name = "rider-clues"

    def exercise(self, app: CivicVol) -> None:
        riders = make_riders(app, app.plugin("rider-clues", RiderClues))
        first = riders.valid_clue()
        riders.clues.handle(HANDLER, first, "物业", "拆除飞线")
        riders.clues.give_feedback(HANDLER, first, "已处置")
        again = riders.report(rider=riders.other_rider)
        riders.clues.triage(HANDLER, again, "duplicate", duplicate_of=first)
        app.approve_points(POINTS_AUDITOR, riders.rider)
        riders.clues.redeem(STATION_KEEPER, riders.rider, 5, "矿泉水")


@pytest.fixture(scope="module")
def demo() -> Iterator[CivicVol]:
    with full_demo_part(rider_clues_plugin, "rider-clues", build_rider_clues) as app:
        yield app


class TestTheArticlesRiders:
    def test_67_riders_150_valid_clues_34_redemptions_at_the_bee_station(
            self, demo: CivicVol) -> None:
        riders = district_report(demo)["rider-clues"]
        assert (riders["riders_taking_part"], riders["valid_clues"],
                riders["redemptions"]) == (67, 150, 34)
        assert set(riders["by_category"]) == {"飞线充电", "网络诈骗", "高空抛物", "餐饮不卫生"}
        assert riders["handled"] == 150 and riders["fed_back"] == riders["clues_reported"]
        # Every valid clue earned the default 5 points, all approved by the points auditor.
        assert riders["points_credited"] == riders["points_approved"] == 750

    def test_as_of_a_day_the_riders_record_stands_as_it_was(self, demo: CivicVol) -> None:
        before = district_report_as_of(demo, date(2023, 2, 28))["rider-clues"]
        assert (before["clues_reported"], before["redemptions"]) == (0, 0)
        midway = district_report_as_of(demo, date(2023, 12, 31))["rider-clues"]
        assert 0 < midway["valid_clues"] < 150
        assert 0 < midway["redemptions"] < 34


class DoubleForFlyingWires:
    """A community's extra rule: flying-wire clues count double this month."""

    @hookimpl
    def points_for_credit(self, app: CivicVol, points: int, source: Source) -> int | None:
        if source.kind != "clue":
            return None
        clue = app.plugin("rider-clues", RiderClues).clue(source.id)
        return points * 2 if clue.category == "flying-wire-charging" else None


def test_another_plugins_points_rule_decides_the_credit_and_triage_says_so(
        plugin_district: District) -> None:
    app = plugin_district(plugins={"rider-clues": rider_clues_plugin,
                                   "double": DoubleForFlyingWires()})
    riders = make_riders(app, app.plugin("rider-clues", RiderClues))
    assert riders.clues.triage(HANDLER, riders.report(), "valid") == 10
    assert riders.clues.triage(HANDLER, riders.report("online-fraud"), "valid") == 5
    assert points_of(app, riders.rider) == (0, 15)


STEPS = ["valid", "invalid", "duplicate", "handle", "feedback"]
Outcome = tuple[str, type[Exception] | None]


def expected_outcome(status: str, verdict: str | None, step: str) -> Outcome:
    """The clue's next status after ``step``, or the error that refuses it (the flow's
    written rules, restated independently of the aggregate)."""
    if step in ("valid", "invalid", "duplicate"):
        return ("judged", None) if status == "reported" else (status, ClueAlreadyJudged)
    if status == "reported":
        return status, ClueNotJudged
    if step == "handle":
        if verdict != "valid":
            return status, ClueNotValid
        return ("handled", None) if status == "judged" else (status, ClueAlreadyHandled)
    if status == "fed-back":
        return status, FeedbackAlreadyGiven
    if verdict == "valid" and status == "judged":
        return status, ClueNotHandled
    return "fed-back", None


class TestClueFlowProperty:
    @settings(max_examples=30, deadline=None)
    @given(steps=st.lists(st.sampled_from(STEPS), max_size=6))
    def test_any_sequence_of_steps_follows_the_flow_and_pays_only_a_valid_verdict(
            self, steps: list[str]) -> None:
        with district_with(rider_clues_plugin, "rider-clues") as app:
            riders = make_riders(app, app.plugin("rider-clues", RiderClues))
            original = riders.report(rider=riders.other_rider)
            clue = riders.report()
            status, verdict = "reported", None
            act = {
                "handle": lambda: riders.clues.handle(HANDLER, clue, "物业", "拆线"),
                "feedback": lambda: riders.clues.give_feedback(HANDLER, clue, "谢谢"),
            }
            for step in steps:
                status_after, error = expected_outcome(status, verdict, step)
                call = act.get(step) or (lambda step=step: riders.clues.triage(
                    HANDLER, clue, step,
                    duplicate_of=original if step == "duplicate" else None))
                if error is not None:
                    refused(app, error, call)
                else:
                    call()
                    verdict = step if step in STEPS[:3] else verdict
                status = status_after
                assert riders.clues.clue(clue).status.value == status
            earned = points_of(app, riders.rider)
            assert earned == ((0, 5) if verdict == "valid" else (0, 0))


class NoPointsForClues:
    """A community's rule: clues earn no points this month."""

    @hookimpl
    def points_for_credit(self, points: int, source: Source) -> int | None:
        return 0 if source.kind == "clue" else None


def test_a_points_rule_that_pays_nothing_leaves_the_clue_valid_and_triage_says_0(
        plugin_district: District) -> None:
    app = plugin_district(plugins={"rider-clues": rider_clues_plugin,
                                   "none": NoPointsForClues()})
    riders = make_riders(app, app.plugin("rider-clues", RiderClues))
    clue = riders.report("online-fraud")
    assert riders.clues.triage(HANDLER, clue, "valid") == 0
    assert riders.clues.clue(clue).verdict is Verdict.VALID
    assert points_of(app, riders.rider) == (0, 0)

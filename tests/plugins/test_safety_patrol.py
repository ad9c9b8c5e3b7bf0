"""安全小红帽: courtyard inspections, hazards and their deadlines, lectures and drills."""

from __future__ import annotations

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
from civicvol.domain.errors import InvalidName, PermissionDenied, VolunteerNotActive
from civicvol.plugins import PluginSettingError
from civicvol.plugins.safety_patrol import plugin as safety_patrol_plugin
from civicvol.plugins.safety_patrol.commands import (
    InspectionRecord,
    ReinspectionRecord,
    SafetyPatrol,
)
from civicvol.plugins.safety_patrol.demo import build_safety_patrol
from civicvol.plugins.safety_patrol.errors import (
    HazardAlreadyClosed,
    HazardNotFound,
    InspectionNotFound,
    InvalidCount,
    InvalidDeadline,
    InvalidDrillKind,
    InvalidRecordTime,
    InvalidReinspectionDay,
    NotAnInspector,
)
from civicvol.plugins.safety_patrol.hazard import Hazard
from civicvol.plugins.safety_patrol.inspection import Finding
from civicvol.plugins.safety_patrol.report import SafetyPatrolFigures
from civicvol.plugins.testkit import PluginConformance
from tests.conftest import ADMIN
from tests.plugins.districts import district_with, full_demo_part
from tests.refusal import refused

MAY_1 = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)


District = Callable[..., CivicVol]


def with_safety_patrol(plugin_district: District, store: str = "memory://",
                       **settings: object) -> CivicVol:
    return plugin_district(safety_patrol_plugin, name="safety-patrol", store=store,
                           config={"safety-patrol": settings})


@attrs.define
class Patrol:
    app: CivicVol
    patrol: SafetyPatrol
    team: UUID
    inspector: Actor
    outsider: Actor

    def inspect(self, *findings: Finding, on: datetime = MAY_1,
                place: str = "金星社区 3 号院") -> UUID:
        with self.app.events_dated(on):
            return self.patrol.inspect(self.inspector, self.team, place, findings)

    def hazard(self, inspection: UUID, number: int = 1) -> Hazard:
        return self.patrol.hazard(self.patrol.inspection(inspection).hazard_ids[number - 1])

    def reinspect(self, hazard: UUID, fixed: bool, on: datetime) -> None:
        with self.app.events_dated(on):
            self.patrol.reinspect(self.inspector, hazard, fixed, "复查")

    def figures(self, as_of: date | None = None) -> dict[str, object]:
        figures = SafetyPatrolFigures(as_of)
        fold_log(self.app.all_events(), self.app.mapper, [figures])
        return figures.as_dict()


def make_patrol(app: CivicVol) -> Patrol:
    team = app.create_team(ADMIN, "安全小红帽", "special", community="金星社区")
    member = app.register_volunteer(ADMIN, "李楼栋长", "13800138001", "金星社区")
    outsider = app.register_volunteer(ADMIN, "赵骑手", "13700137000", "金实社区")
    app.join_team(ADMIN, team, member)
    return Patrol(app, app.plugin("safety-patrol", SafetyPatrol), team,
                  Actor("inspector", str(member)), Actor("inspector", str(outsider)))


@pytest.fixture
def patrol(plugin_district: District, store_url: str) -> Patrol:
    return make_patrol(with_safety_patrol(plugin_district, store_url))


DEADLINE = date(2024, 5, 15)
STACKED = Finding("楼道堆放杂物")
FLYING_WIRE = Finding("电动车楼道飞线充电", DEADLINE)


class TestInspections:
    def test_an_inspection_records_hazards_fixed_on_the_spot_and_with_a_deadline(
            self, patrol: Patrol) -> None:
        inspection = patrol.inspect(STACKED, FLYING_WIRE)
        stacked, wire = patrol.hazard(inspection, 1), patrol.hazard(inspection, 2)
        assert (stacked.fixed_on_spot, stacked.closed) == (True, True)
        assert (wire.fixed_on_spot, wire.closed, wire.deadline) == (False, False, DEADLINE)
        assert patrol.patrol.inspection(inspection).inspected_on == MAY_1.date()

    def test_an_inspection_that_finds_nothing_is_still_counted(self, patrol: Patrol) -> None:
        patrol.inspect()
        figures = patrol.figures()
        assert (figures["inspections"], figures["hazards_found"]) == (1, 0)

    def test_a_deadline_hazard_is_closed_at_its_reinspection(self, patrol: Patrol) -> None:
        hazard = patrol.hazard(patrol.inspect(FLYING_WIRE)).id
        patrol.reinspect(hazard, True, MAY_1 + timedelta(days=10))
        closed = patrol.patrol.hazard(hazard)
        assert closed.closed and closed.closed_on == date(2024, 5, 11)
        assert patrol.patrol.overdue(date(2024, 6, 1)) == []

    def test_the_default_deadline_comes_from_the_settings(
            self, plugin_district: District) -> None:
        patrol = make_patrol(with_safety_patrol(plugin_district, default_deadline_days=30))
        with patrol.app.events_dated(MAY_1):
            assert patrol.patrol.default_deadline() == date(2024, 5, 31)

    def test_a_default_deadline_outside_1_to_366_days_is_refused(
            self, plugin_district: District) -> None:
        with pytest.raises(PluginSettingError, match="default_deadline_days"):
            with_safety_patrol(plugin_district, default_deadline_days=0)


class TestOverdueHazards:
    def test_a_hazard_with_a_deadline_passed_is_overdue_until_reinspected(
            self, patrol: Patrol) -> None:
        hazard = patrol.hazard(patrol.inspect(STACKED, FLYING_WIRE), 2).id
        assert patrol.patrol.overdue(DEADLINE) == []  # due today, not yet overdue
        overdue = patrol.patrol.overdue(DEADLINE + timedelta(days=1))
        assert [(h["id"], h["days_overdue"]) for h in overdue] == [(str(hazard), 1)]
        patrol.reinspect(hazard, False, datetime(2024, 5, 20, 2, tzinfo=UTC))
        assert len(patrol.patrol.overdue(date(2024, 5, 21))) == 1  # still open: still overdue
        patrol.reinspect(hazard, True, datetime(2024, 5, 25, 2, tzinfo=UTC))
        assert patrol.patrol.overdue(date(2024, 5, 26)) == []
        # ... and the history remembers it was overdue between the deadline and the closing.
        assert len(patrol.patrol.overdue(date(2024, 5, 24))) == 1

    def test_the_report_counts_overdue_as_of_a_day(self, patrol: Patrol) -> None:
        patrol.inspect(FLYING_WIRE)
        assert patrol.figures(date(2024, 5, 10))["overdue"] == 0
        assert patrol.figures(date(2024, 5, 16))["overdue"] == 1
        assert patrol.figures(date(2024, 4, 30))["inspections"] == 0  # not yet inspected

    def test_a_hazard_fixed_on_the_spot_is_never_overdue(self, patrol: Patrol) -> None:
        patrol.inspect(STACKED)
        assert patrol.patrol.overdue(date(2025, 1, 1)) == []


class TestLecturesAndDrills:
    def test_lectures_and_drills_by_kind_are_logged(self, patrol: Patrol) -> None:
        p, team, inspector = patrol.patrol, patrol.team, patrol.inspector
        p.hold_lecture(inspector, team, "消防安全", "社区活动室", audience=45)
        p.hold_drill(inspector, team, "flood", "金星社区广场", partner="联盟街道消防站")
        p.hold_drill(inspector, team, "消防应急演练", "3 号院", participants=60)
        p.hold_drill(inspector, team, "fire", "5 号院")
        p.hold_drill(inspector, team, "evacuation", "金星小学")
        p.hold_drill(inspector, team, "灾难医疗培训", "社区卫生服务中心")
        figures = patrol.figures()
        assert figures["lectures"] == 1
        assert figures["drills"] == {"flood": 1, "fire": 2, "evacuation": 1}
        assert figures["disaster_medicine_trainings"] == 1

    def test_an_unknown_drill_kind_is_refused_with_the_known_ones(self, patrol: Patrol) -> None:
        message = refused(patrol.app, InvalidDrillKind, patrol.patrol.hold_drill,
                          patrol.inspector, patrol.team, "earthquake", "广场")
        assert "flood (防汛演练)" in message

    def test_a_lecture_needs_a_topic_and_a_sensible_audience(self, patrol: Patrol) -> None:
        refused(patrol.app, InvalidName, patrol.patrol.hold_lecture, patrol.inspector,
                patrol.team, " ", "活动室")
        refused(patrol.app, InvalidCount, patrol.patrol.hold_lecture, patrol.inspector,
                patrol.team, "消防安全", "活动室", -3)


class TestRefusals:
    def test_only_a_member_of_the_patrol_team_inspects(self, patrol: Patrol) -> None:
        message = refused(patrol.app, NotAnInspector, patrol.patrol.inspect, patrol.outsider,
                          patrol.team, "3 号院", [STACKED])
        assert "must add them to the team before they inspect" in message
        refused(patrol.app, NotAnInspector, patrol.patrol.hold_lecture, patrol.outsider,
                patrol.team, "消防安全", "活动室")

    def test_a_suspended_member_does_not_inspect(self, patrol: Patrol) -> None:
        patrol.app.suspend_volunteer(ADMIN, UUID(patrol.inspector.id), "长期外出")
        refused(patrol.app, VolunteerNotActive, patrol.patrol.inspect, patrol.inspector,
                patrol.team, "3 号院")

    def test_only_an_inspector_records_inspections(self, patrol: Patrol) -> None:
        volunteer = Actor("volunteer", patrol.inspector.id)
        message = refused(patrol.app, PermissionDenied, patrol.patrol.inspect, volunteer,
                          patrol.team, "3 号院")
        assert "only an inspector may" in message

    def test_a_deadline_must_fall_after_the_inspection_day(self, patrol: Patrol) -> None:
        with patrol.app.events_dated(MAY_1):
            message = refused(patrol.app, InvalidDeadline, patrol.patrol.inspect,
                              patrol.inspector, patrol.team, "3 号院",
                              [STACKED, Finding("消防通道被占用", MAY_1.date())])
            assert "fixed on the spot" in message
            refused(patrol.app, InvalidDeadline, patrol.patrol.inspect, patrol.inspector,
                    patrol.team, "3 号院", [Finding("围墙开裂", date(2026, 5, 1))])

    def test_a_hazard_needs_a_description_and_an_inspection_a_courtyard(
            self, patrol: Patrol) -> None:
        refused(patrol.app, InvalidName, patrol.patrol.inspect, patrol.inspector, patrol.team,
                "3 号院", [Finding("")])
        refused(patrol.app, InvalidName, patrol.patrol.inspect, patrol.inspector, patrol.team,
                "", [STACKED])

    def test_a_closed_hazard_is_not_reinspected(self, patrol: Patrol) -> None:
        inspection = patrol.inspect(STACKED, FLYING_WIRE)
        on_the_spot, wire = patrol.hazard(inspection, 1).id, patrol.hazard(inspection, 2).id
        message = refused(patrol.app, HazardAlreadyClosed, patrol.patrol.reinspect,
                          patrol.inspector, on_the_spot, True)
        assert "fixed on the spot" in message
        patrol.reinspect(wire, True, MAY_1 + timedelta(days=3))
        refused(patrol.app, HazardAlreadyClosed, patrol.patrol.reinspect, patrol.inspector,
                wire, True)

    def test_unknown_records_are_refused(self, patrol: Patrol) -> None:
        refused(patrol.app, HazardNotFound, patrol.patrol.reinspect, patrol.inspector, uuid4(),
                True)
        with pytest.raises(InspectionNotFound):
            patrol.patrol.inspection(uuid4())

    def test_only_a_member_reinspects(self, patrol: Patrol) -> None:
        wire = patrol.hazard(patrol.inspect(FLYING_WIRE)).id
        refused(patrol.app, NotAnInspector, patrol.patrol.reinspect, patrol.outsider, wire,
                True)


class TestImportingPaperRecords:
    def test_an_administrator_imports_inspections_and_reinspections_dated_as_they_happened(
            self, patrol: Patrol) -> None:
        inspector = UUID(patrol.inspector.id)
        records = [InspectionRecord(MAY_1, inspector, "1 号院", (STACKED, FLYING_WIRE)),
                   InspectionRecord(MAY_1 + timedelta(days=2), inspector, "2 号院")]
        first, second = patrol.patrol.import_records(ADMIN, patrol.team, records)
        wire = patrol.hazard(first, 2).id
        again = ReinspectionRecord(datetime(2024, 5, 14, 2, tzinfo=UTC), wire, inspector, True)
        patrol.patrol.import_records(ADMIN, patrol.team, reinspections=[again])
        assert patrol.patrol.inspection(second).inspected_on == date(2024, 5, 3)
        assert patrol.patrol.hazard(wire).closed_on == date(2024, 5, 14)
        figures = patrol.figures(date(2024, 6, 1))
        assert (figures["inspections"], figures["hazards_found"], figures["closed"]) == (2, 2, 1)

    def test_one_bad_record_refuses_the_whole_import(self, patrol: Patrol) -> None:
        inspector, outsider = UUID(patrol.inspector.id), UUID(patrol.outsider.id)
        records = [InspectionRecord(MAY_1, inspector, "1 号院", (STACKED,)),
                   InspectionRecord(MAY_1, outsider, "2 号院")]
        refused(patrol.app, NotAnInspector, patrol.patrol.import_records, ADMIN, patrol.team,
                records)
        early = [InspectionRecord(MAY_1, inspector, "1 号院", (FLYING_WIRE,))]
        first = patrol.patrol.import_records(ADMIN, patrol.team, early)[0]
        before_found = ReinspectionRecord(MAY_1 - timedelta(days=3), patrol.hazard(first).id,
                                          inspector, True)
        refused(patrol.app, InvalidReinspectionDay, patrol.patrol.import_records, ADMIN,
                patrol.team, (), [before_found])

    def test_a_record_without_a_time_zone_is_refused(self, patrol: Patrol) -> None:
        naive = InspectionRecord(datetime(2019, 5, 1, 9, 30), UUID(patrol.inspector.id), "1 号院")
        message = refused(patrol.app, InvalidRecordTime, patrol.patrol.import_records, ADMIN,
                          patrol.team, [naive])
        assert "time zone" in message

    def test_only_an_administrator_imports(self, patrol: Patrol) -> None:
        refused(patrol.app, PermissionDenied, patrol.patrol.import_records, patrol.inspector,
                patrol.team, [])


class TestReportSection:
    def test_the_section_counts_inspections_hazards_and_their_outcomes(
            self, patrol: Patrol) -> None:
        first = patrol.inspect(STACKED, FLYING_WIRE)
        second = patrol.inspect(Finding("围墙开裂", date(2024, 5, 20)), on=MAY_1 + timedelta(1))
        patrol.inspect()
        patrol.reinspect(patrol.hazard(first, 2).id, True, MAY_1 + timedelta(days=14))
        patrol.reinspect(patrol.hazard(second).id, False, MAY_1 + timedelta(days=19))
        figures = patrol.figures(date(2024, 6, 1))
        assert {k: figures[k] for k in ("inspections", "hazards_found", "fixed_on_spot",
                                        "with_deadline", "closed", "open", "overdue",
                                        "reinspections")} == {
            "inspections": 3, "hazards_found": 3, "fixed_on_spot": 1, "with_deadline": 2,
            "closed": 1, "open": 1, "overdue": 1, "reinspections": 2}


class TestSafetyPatrolConforms(PluginConformance):
    plugin = safety_patrol_plugin
    name = "safety-patrol"

    def exercise(self, app: CivicVol) -> None:
        patrol = make_patrol(app)
        first = patrol.inspect(STACKED, FLYING_WIRE)
        patrol.reinspect(patrol.hazard(first, 2).id, False, MAY_1 + timedelta(days=15))
        inspector = UUID(patrol.inspector.id)
        patrol.patrol.import_records(ADMIN, patrol.team, [
            InspectionRecord(MAY_1 + timedelta(days=1), inspector, "5 号院", (FLYING_WIRE,))])
        patrol.patrol.hold_lecture(patrol.inspector, patrol.team, "防灾减灾", "活动室", 30)
        patrol.patrol.hold_drill(patrol.inspector, patrol.team, "evacuation", "金星小学")


@pytest.fixture(scope="module")
def demo() -> Iterator[CivicVol]:
    with full_demo_part(safety_patrol_plugin, "safety-patrol", build_safety_patrol) as app:
        yield app


class TestTheArticlesPatrol:
    def test_960_inspections_624_hazards_lectures_and_drills(self, demo: CivicVol) -> None:
        patrol = district_report(demo)["safety-patrol"]
        assert {k: patrol[k] for k in ("inspections", "hazards_found", "fixed_on_spot",
                                       "with_deadline", "lectures",
                                       "disaster_medicine_trainings")} == {
            "inspections": 960, "hazards_found": 624, "fixed_on_spot": 196,
            "with_deadline": 428, "lectures": 12, "disaster_medicine_trainings": 2}
        assert patrol["drills"] == {"flood": 7, "fire": 17, "evacuation": 16}
        assert patrol["closed"] + patrol["open"] == 428
        assert patrol["closed"] > 0.9 * 428

    def test_as_of_a_day_the_record_and_its_overdue_hazards_stand_as_they_were(
            self, demo: CivicVol) -> None:
        before = district_report_as_of(demo, date(2018, 5, 31))["safety-patrol"]
        assert (before["inspections"], before["hazards_found"]) == (0, 0)
        then = district_report_as_of(demo, date(2021, 6, 30))["safety-patrol"]
        assert 0 < then["inspections"] < 960
        assert then["as_of"] == "2021-06-30"
        patrol = demo.plugin("safety-patrol", SafetyPatrol)
        assert then["overdue"] == len(patrol.overdue(date(2021, 6, 30)))
        assert district_report_as_of(demo, date(2024, 6, 20))["safety-patrol"]["overdue"] > 0


class TestOverdueProperty:
    @settings(max_examples=25, deadline=None)
    @given(deadline_days=st.integers(min_value=1, max_value=40),
           visits=st.lists(st.tuples(st.integers(min_value=0, max_value=20), st.booleans()),
                           max_size=4))
    def test_a_deadline_hazard_is_overdue_exactly_from_its_deadline_until_closed(
            self, deadline_days: int, visits: list[tuple[int, bool]]) -> None:
        with district_with(safety_patrol_plugin, "safety-patrol") as app:
            patrol = make_patrol(app)
            found = MAY_1.date()
            deadline = found + timedelta(days=deadline_days)
            hazard = patrol.hazard(patrol.inspect(Finding("消防通道被占用", deadline))).id
            closed_on: date | None = None
            day = found
            for gap, fixed in visits:
                day += timedelta(days=gap)
                when = datetime.combine(day, MAY_1.timetz())
                if closed_on is not None:
                    refused(patrol.app, HazardAlreadyClosed, patrol.reinspect, hazard, fixed,
                            when)
                    continue
                patrol.reinspect(hazard, fixed, when)
                closed_on = day if fixed else None
            for offset in range(0, deadline_days + 90, 7):
                on = found + timedelta(days=offset)
                expected = on > deadline and (closed_on is None or closed_on > on)
                assert len(patrol.patrol.overdue(on)) == int(expected), (on, closed_on)

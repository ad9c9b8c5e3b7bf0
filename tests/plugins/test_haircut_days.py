"""学雷锋志愿理发队: free haircuts on the last working day of every month, told as 东庄社区
lives them, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import icalendar
import pytest
from click.testing import CliRunner, Result

from civicvol import Actor, CivicVol, open_district
from civicvol.app.views import district_report
from civicvol.cli import cli
from civicvol.domain.errors import (
    NotAMember,
    PermissionDenied,
    TeamDissolved,
    VolunteerNotActive,
)
from civicvol.plugins import PluginHost, PluginSettingError, hookimpl
from civicvol.plugins.haircut_days import plugin as haircut_plugin
from civicvol.plugins.haircut_days.commands import HOME_VISIT_DISPATCHER, HaircutDays
from civicvol.plugins.haircut_days.errors import (
    CalendarOutOfRange,
    InvalidServedCount,
    InvalidSessionDate,
    NoBarbers,
    SessionAlreadyScheduled,
    SessionNotFound,
    SessionNotHeld,
    SessionNotScheduled,
)
from civicvol.plugins.haircut_days.session import SessionKind, SessionStatus
from civicvol.plugins.haircut_days.working_days import supported_years
from civicvol.plugins.testkit import PluginConformance
from tests.conftest import ADMIN, POINTS_AUDITOR, RESIDENT
from tests.refusal import refused

SEPT_2023 = date(2023, 9, 28)
LEI_FENG_DAY = date(2023, 3, 3)


@attrs.define
class Dongzhuang:
    app: CivicVol
    haircuts: HaircutDays
    team: UUID
    leader: UUID
    barber: UUID
    outsider: UUID
    other_team: UUID

    @property
    def leader_actor(self) -> Actor:
        return Actor("leader", str(self.leader))

    def as_volunteer(self, volunteer: UUID) -> Actor:
        return Actor("volunteer", str(volunteer))

    def scheduled(self, day: date = SEPT_2023) -> UUID:
        return self.haircuts.schedule_session(self.leader_actor, self.team, day)

    def held(self, served: int = 20) -> UUID:
        session = self.scheduled()
        self.haircuts.hold_session(self.leader_actor, session, [self.leader, self.barber], served)
        return session


def open_with_haircuts(store: str, config: Path | None = None,
                       *extra: tuple[object, str]) -> CivicVol:
    host = PluginHost()
    for plugin, name in [(haircut_plugin, "haircut-days"), *extra]:
        record = host.register(plugin, name)
        assert record.status == "loaded", record.reason
    return open_district(store, plugins=host, config=config)


def make_dongzhuang(app: CivicVol) -> Dongzhuang:
    team = app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
    other = app.create_team(ADMIN, "老街坊", "special", community="天祥社区")
    leader = app.register_volunteer(ADMIN, "张师傅", "13800138001", "东庄社区", ["理发"])
    barber = app.register_volunteer(ADMIN, "李师傅", "13800138002", "东庄社区", ["理发"])
    outsider = app.register_volunteer(ADMIN, "赵阿姨", "13800138003", "天祥社区")
    for volunteer in (leader, barber):
        app.join_team(ADMIN, team, volunteer)
    app.join_team(ADMIN, other, outsider)
    app.appoint_leader(ADMIN, team, leader)
    return Dongzhuang(app, app.plugin("haircut-days", HaircutDays), team, leader, barber,
                      outsider, other)


@pytest.fixture
def dz(store_url: str) -> Iterator[Dongzhuang]:
    app = open_with_haircuts(store_url)
    yield make_dongzhuang(app)
    app.close()


@pytest.fixture
def memory_dz() -> Iterator[Dongzhuang]:
    app = open_with_haircuts("memory://")
    yield make_dongzhuang(app)
    app.close()


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "civicvol.toml"
    path.write_text("[plugins.haircut-days]\n" + text, encoding="utf-8")
    return path


def section(app: CivicVol) -> dict[str, Any]:
    figures: dict[str, Any] = district_report(app)["haircut-days"]
    return figures


class TestScheduling:
    def test_the_leader_schedules_septembers_session_on_the_28th(self, dz: Dongzhuang) -> None:
        session = dz.haircuts.session(dz.scheduled())
        assert (session.day, session.kind, session.status) == (
            SEPT_2023, SessionKind.REGULAR, SessionStatus.SCHEDULED)
        assert session.place == "东庄社区新时代文明实践站"

    def test_the_29th_of_september_2023_was_a_holiday_so_it_is_refused(
            self, dz: Dongzhuang) -> None:
        message = refused(dz.app, InvalidSessionDate, dz.haircuts.schedule_session,
                          dz.leader_actor, dz.team, date(2023, 9, 29))
        assert "2023-09-28" in message and "special session" in message

    def test_a_month_is_scheduled_once(self, dz: Dongzhuang) -> None:
        dz.scheduled()
        message = refused(dz.app, SessionAlreadyScheduled, dz.haircuts.schedule_session,
                          dz.leader_actor, dz.team, SEPT_2023)
        assert "hold or cancel" in message

    def test_an_adjusted_saturday_is_a_regular_session_day(self, dz: Dongzhuang) -> None:
        session = dz.haircuts.session(dz.scheduled(date(2026, 2, 28)))
        assert session.day.strftime("%A") == "Saturday"

    def test_a_year_outside_the_official_calendar_is_refused_without_a_fallback(
            self, dz: Dongzhuang) -> None:
        _, last = supported_years()
        message = refused(dz.app, CalendarOutOfRange, dz.haircuts.schedule_session,
                          dz.leader_actor, dz.team, date(last + 1, 1, 29))
        assert "calendar_fallback" in message

    def test_the_weekdays_fallback_schedules_outside_the_calendar(self, tmp_path: Path) -> None:
        app = open_with_haircuts("memory://", config_file(tmp_path,
                                                          'calendar_fallback = "weekdays"\n'))
        dz = make_dongzhuang(app)
        _, last = supported_years()
        day = dz.haircuts.session_day(last + 1, 3)
        assert day.weekday() < 5 and day.month == 3
        assert dz.haircuts.session(dz.scheduled(day)).day == day

    def test_the_3_5_lei_feng_day_special_session_with_a_partner(self, dz: Dongzhuang) -> None:
        special = dz.haircuts.schedule_special_session(
            dz.leader_actor, dz.team, LEI_FENG_DAY, "“3·5”学雷锋日志愿理发",
            partner="云南省林业调查规划院")
        session = dz.haircuts.session(special)
        assert (session.kind, session.day, session.partner) == (
            SessionKind.SPECIAL, LEI_FENG_DAY, "云南省林业调查规划院")

    def test_special_sessions_are_scheduled_by_the_teams_leader_once_a_day(
            self, dz: Dongzhuang) -> None:
        refused(dz.app, PermissionDenied, dz.haircuts.schedule_special_session,
                dz.as_volunteer(dz.barber), dz.team, LEI_FENG_DAY, "学雷锋日")
        dz.haircuts.schedule_special_session(dz.leader_actor, dz.team, LEI_FENG_DAY, "学雷锋日")
        refused(dz.app, SessionAlreadyScheduled, dz.haircuts.schedule_special_session,
                dz.leader_actor, dz.team, LEI_FENG_DAY, "again")

    def test_only_the_teams_leader_or_an_administrator_schedules(self, dz: Dongzhuang) -> None:
        refused(dz.app, PermissionDenied, dz.haircuts.schedule_session,
                Actor("leader", str(dz.outsider)), dz.team, SEPT_2023)
        refused(dz.app, PermissionDenied, dz.haircuts.schedule_session,
                dz.as_volunteer(dz.barber), dz.team, SEPT_2023)
        refused(dz.app, PermissionDenied, dz.haircuts.schedule_session, RESIDENT, dz.team,
                SEPT_2023)
        assert dz.haircuts.schedule_session(ADMIN, dz.team, SEPT_2023)

    def test_a_dissolved_team_schedules_nothing(self, dz: Dongzhuang) -> None:
        dz.app.dissolve_team(ADMIN, dz.team, "队员年事已高")
        refused(dz.app, TeamDissolved, dz.haircuts.schedule_session, ADMIN, dz.team, SEPT_2023)


class TestTheSessionDay:
    def test_each_barber_earns_ten_points_for_the_session_pending_the_audit(
            self, dz: Dongzhuang) -> None:
        session = dz.held(served=22)
        held = dz.haircuts.session(session)
        assert (held.status, held.served) == (SessionStatus.HELD, 22)
        assert set(held.barbers) == {dz.leader, dz.barber}
        for barber in (dz.leader, dz.barber):
            account = dz.app.point_account(barber)
            assert account is not None
            assert (account.balance, account.pending) == (0, 10)
            (entry,) = account.entries.values()
            assert str(entry.source) == f"haircut-session:{session}"
        dz.app.approve_points(POINTS_AUDITOR, dz.barber)
        assert dz.app.point_account(dz.barber).balance == 10  # type: ignore[union-attr]

    def test_the_session_and_every_barbers_credit_are_one_transaction(
            self, dz: Dongzhuang) -> None:
        session = dz.scheduled()
        before = dz.app.event_count()
        dz.haircuts.hold_session(dz.leader_actor, session, [dz.leader, dz.barber], 15)
        # Held, then for each barber the account opened and credited: 1 + 2 × 2 events.
        assert dz.app.event_count() == before + 5
        positions = [n.id for n in dz.app.all_events()][-5:]
        assert positions == list(range(before + 1, before + 6))

    def test_a_volunteer_of_another_team_cannot_be_named_a_barber(
            self, dz: Dongzhuang) -> None:
        session = dz.scheduled()
        message = refused(dz.app, NotAMember, dz.haircuts.hold_session, dz.leader_actor,
                          session, [dz.barber, dz.outsider], 12)
        assert "leader must add them to the team first" in message
        assert dz.app.point_account(dz.barber) is None

    def test_a_suspended_barber_cannot_serve(self, dz: Dongzhuang) -> None:
        dz.app.suspend_volunteer(ADMIN, dz.barber, "体检未通过")
        refused(dz.app, VolunteerNotActive, dz.haircuts.hold_session, dz.leader_actor,
                dz.scheduled(), [dz.barber], 5)

    def test_a_session_needs_barbers_and_a_plausible_count(self, dz: Dongzhuang) -> None:
        session = dz.scheduled()
        refused(dz.app, NoBarbers, dz.haircuts.hold_session, dz.leader_actor, session, [], 5)
        refused(dz.app, InvalidServedCount, dz.haircuts.hold_session, dz.leader_actor, session,
                [dz.barber], -3)

    def test_a_session_is_held_once(self, dz: Dongzhuang) -> None:
        session = dz.held()
        refused(dz.app, SessionNotScheduled, dz.haircuts.hold_session, dz.leader_actor,
                session, [dz.barber], 5)

    def test_a_barber_adds_the_afternoons_residents(self, dz: Dongzhuang) -> None:
        session = dz.held(served=20)
        assert dz.haircuts.record_served(dz.as_volunteer(dz.barber), session, 6) == 26
        assert dz.haircuts.session(session).served == 26

    def test_a_suspended_barber_counts_no_residents(self, dz: Dongzhuang) -> None:
        session = dz.held(served=20)
        dz.app.suspend_volunteer(ADMIN, dz.barber, "体检未通过")
        refused(dz.app, VolunteerNotActive, dz.haircuts.record_served,
                dz.as_volunteer(dz.barber), session, 6)

    def test_residents_are_counted_by_the_team_only_and_after_the_session(
            self, dz: Dongzhuang) -> None:
        scheduled = dz.scheduled()
        refused(dz.app, SessionNotHeld, dz.haircuts.record_served, dz.leader_actor,
                scheduled, 3)
        dz.haircuts.hold_session(dz.leader_actor, scheduled, [dz.barber], 10)
        refused(dz.app, NotAMember, dz.haircuts.record_served, dz.as_volunteer(dz.outsider),
                scheduled, 3)
        refused(dz.app, InvalidServedCount, dz.haircuts.record_served, dz.leader_actor,
                scheduled, 0)
        refused(dz.app, PermissionDenied, dz.haircuts.record_served, RESIDENT, scheduled, 3)

    def test_a_rained_off_session_is_cancelled_and_not_held(self, dz: Dongzhuang) -> None:
        session = dz.scheduled()
        refused(dz.app, PermissionDenied, dz.haircuts.cancel_session,
                dz.as_volunteer(dz.barber), session, "暴雨")
        dz.haircuts.cancel_session(dz.leader_actor, session, "暴雨")
        message = refused(dz.app, SessionNotScheduled, dz.haircuts.hold_session,
                          dz.leader_actor, session, [dz.barber], 5)
        assert "cancelled" in message

    def test_an_unknown_session_is_named_as_such(self, dz: Dongzhuang) -> None:
        message = refused(dz.app, SessionNotFound, dz.haircuts.session,
                          "6f1c6f0e-0000-4000-8000-000000000000")
        assert "civicvol haircut-days" in message


class TestHomeVisits:
    def test_a_resident_who_cannot_come_gets_a_barber_at_home(self, dz: Dongzhuang) -> None:
        app = dz.app
        order_id = dz.haircuts.request_home_visit(RESIDENT, dz.team, "东庄社区 5 栋 302",
                                                  wanted_time="周五下午")
        order = app.order(order_id)
        assert (order.status.value, order.team_id, order.service, order.requester) == (
            "dispatched", dz.team, "上门理发", RESIDENT.id)
        events = list(app.events.get(order_id))
        assert [str(e.by) for e in events] == [str(RESIDENT), str(HOME_VISIT_DISPATCHER)]
        barber = dz.as_volunteer(dz.barber)
        app.accept_order(barber, order_id)
        app.complete_order(barber, order_id, "1", served=1)
        app.rate_order(RESIDENT, order_id, 5, "师傅上门，很方便")
        figures = section(app)
        assert (figures["home_visits_requested"], figures["home_visits_completed"]) == (1, 1)

    def test_only_residents_ask_and_only_a_serving_team_is_asked(self, dz: Dongzhuang) -> None:
        refused(dz.app, PermissionDenied, dz.haircuts.request_home_visit,
                dz.as_volunteer(dz.barber), dz.team, "5 栋")
        dz.app.dissolve_team(ADMIN, dz.team, "解散")
        refused(dz.app, TeamDissolved, dz.haircuts.request_home_visit, RESIDENT, dz.team,
                "5 栋")


class DoubleForLeiFengMonth:
    """A community points rule: sessions in March (学雷锋月) earn double."""

    @hookimpl
    def points_for_credit(self, app: CivicVol, points: int, source: Any) -> int | None:
        if source.kind != "haircut-session":
            return None
        session = app.plugin("haircut-days", HaircutDays).session(source.id)
        return points * 2 if session.day.month == 3 else None


class TestSettingsAndRules:
    def test_points_per_session_comes_from_civicvol_toml(self, tmp_path: Path) -> None:
        app = open_with_haircuts("memory://", config_file(tmp_path, "points_per_session = 12\n"))
        dz = make_dongzhuang(app)
        dz.held()
        assert dz.app.point_account(dz.barber).pending == 12  # type: ignore[union-attr]

    def test_sessions_may_earn_no_points(self, tmp_path: Path) -> None:
        app = open_with_haircuts("memory://", config_file(tmp_path, "points_per_session = 0\n"))
        dz = make_dongzhuang(app)
        session = dz.scheduled()
        assert dz.haircuts.hold_session(dz.leader_actor, session, [dz.barber], 9) == {}
        assert dz.haircuts.session(session).served == 9
        assert dz.app.point_account(dz.barber) is None

    def test_a_bad_setting_names_the_plugin_and_the_key(self, tmp_path: Path) -> None:
        with pytest.raises(PluginSettingError, match=r"calendar_fallback.*haircut-days"):
            open_with_haircuts("memory://", config_file(tmp_path, 'calendar_fallback = "guess"\n'))
        with pytest.raises(PluginSettingError, match="points_per_session"):
            open_with_haircuts("memory://", config_file(tmp_path, "points_per_session = -1\n"))

    def test_other_plugins_points_rules_apply_to_session_credits(self) -> None:
        app = open_with_haircuts("memory://", None, (DoubleForLeiFengMonth(), "lei-feng-month"))
        dz = make_dongzhuang(app)
        march = dz.scheduled(date(2023, 3, 31))
        dz.haircuts.hold_session(dz.leader_actor, march, [dz.barber], 30)
        dz.held()
        account = dz.app.point_account(dz.barber)
        assert account is not None
        assert [e.points for e in account.entries.values()] == [20, 10]


class TestReportSection:
    def test_the_section_counts_sessions_residents_barbers_and_points(
            self, dz: Dongzhuang) -> None:
        dz.held(served=20)
        dz.scheduled(date(2023, 10, 31))
        special = dz.haircuts.schedule_special_session(dz.leader_actor, dz.team, LEI_FENG_DAY,
                                                       "学雷锋日", partner="云南省林业调查规划院")
        dz.haircuts.hold_session(dz.leader_actor, special, [dz.barber], 40)
        cancelled = dz.scheduled(date(2023, 11, 30))
        dz.haircuts.cancel_session(dz.leader_actor, cancelled, "停水")
        figures = section(dz.app)
        assert figures["sessions_held"] == 2
        assert (figures["regular_sessions_held"], figures["special_sessions_held"]) == (1, 1)
        assert (figures["sessions_scheduled"], figures["sessions_cancelled"]) == (1, 1)
        assert figures["residents_served"] == 60
        assert figures["barbers"] == 2
        assert figures["points_credited"] == 30
        assert figures["special_sessions"] == {"2023-03-03": "学雷锋日 / 云南省林业调查规划院"}
        assert figures["held_by_year"] == {"2023": 2}


class TestCommandLine:
    """The haircut team at the command line on a SQLite store: ``civicvol haircut-days ...``."""

    def run(self, store: str, *args: str, actor: str | None = None) -> Result:
        argv = ["--store", store, *(["--as", actor] if actor else []), *args]
        return CliRunner().invoke(cli, argv, catch_exceptions=False, prog_name="civicvol")

    def ok(self, store: str, *args: str, actor: str | None = None) -> str:
        result = self.run(store, *args, actor=actor)
        assert result.exit_code == 0, result.output
        return result.stdout

    def refused(self, store: str, *args: str, actor: str | None = None) -> str:
        with closing(CivicVol(store)) as app:
            before = app.event_count()
        result = self.run(store, *args, actor=actor)
        assert result.exit_code != 0, result.output
        (line,) = result.stderr.splitlines()
        assert line.startswith("error: ")
        with closing(CivicVol(store)) as app:
            assert app.event_count() == before
        return line

    def test_the_calendar_writes_the_coming_sessions_as_icalendar(self, tmp_path: Path) -> None:
        store, ics = f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "haircuts.ics"
        out = self.ok(store, "haircut-days", "calendar", "--from", "2023-09-01",
                      "--months", "4", "--ics", str(ics), "--json")
        assert json.loads(out) == ["2023-09-28", "2023-10-31", "2023-11-30", "2023-12-29"]
        raw = ics.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n"), "every line ends with CRLF"
        assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
        parsed = icalendar.Calendar.from_ical(raw)
        events = list(parsed.walk("VEVENT"))
        # 09:00 Beijing time is 01:00 UTC.
        assert events[0].decoded("DTSTART") == datetime(2023, 9, 28, 1, tzinfo=UTC)
        assert [e.decoded("DTSTART").date() for e in events] == [
            date(2023, 9, 28), date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 29)]
        assert len({str(e["UID"]) for e in events}) == 4
        assert all("DTSTAMP" in e for e in events)
        assert str(events[0]["SUMMARY"]) == "学雷锋志愿理发队 免费理发"
        assert "行动不便" in str(events[0]["DESCRIPTION"])  # folded and unfolded intact

    def test_the_calendar_refuses_years_it_does_not_know_unless_told_to_approximate(
            self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'c.db'}"
        _, last = supported_years()
        line = self.refused(store, "haircut-days", "calendar", "--from", f"{last}-11-01",
                            "--months", "3")
        assert "outside the official working-day calendar" in line
        out = self.ok(store, "haircut-days", "calendar", "--from", f"{last}-11-01",
                      "--months", "3", "--fallback", "weekdays", "--json")
        assert [d[:7] for d in json.loads(out)] == [f"{last}-11", f"{last}-12", f"{last + 1}-01"]

    def test_a_month_from_scheduling_to_a_home_visit(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'dz.db'}"
        with closing(open_with_haircuts(store)) as app:
            dz = make_dongzhuang(app)
        leader = f"leader:{dz.leader}"
        session = self.ok(store, "haircut-days", "schedule", str(dz.team), "--month", "2023-09",
                          actor=leader).strip().splitlines()[-1]
        line = self.refused(store, "haircut-days", "schedule", str(dz.team), "--date",
                            "2023-09-29", actor=leader)
        assert "2023-09-28" in line
        self.refused(store, "haircut-days", "schedule", str(dz.team), "--month", "Sept",
                     actor=leader)
        out = self.ok(store, "haircut-days", "hold", session, "--barber", str(dz.barber),
                      "--barber", str(dz.leader), "--served", "18", actor=leader)
        assert "2 barbers credited 20 points" in out
        self.ok(store, "haircut-days", "record-served", session, "3",
                actor=f"volunteer:{dz.barber}")
        shown = json.loads(self.ok(store, "haircut-days", "show", session, "--json"))
        assert (shown["day"], shown["status"], shown["served"]) == ("2023-09-28", "held", 21)
        special = self.ok(store, "haircut-days", "schedule-special", str(dz.team), "--date",
                          "2024-03-05", "--title", "学雷锋日", actor=leader).splitlines()[-1]
        self.ok(store, "haircut-days", "cancel", special, "--reason", "下雨", actor=leader)
        order = self.ok(store, "haircut-days", "home-visit", str(dz.team), "--place", "5 栋",
                        actor="resident:r-9").splitlines()[-1]
        self.refused(store, "haircut-days", "home-visit", str(dz.team), "--place", "5 栋",
                     actor=f"volunteer:{dz.barber}")
        listed = json.loads(self.ok(store, "haircut-days", "sessions", "--json"))
        assert [(s["day"], s["status"]) for s in listed] == [
            ("2023-09-28", "held"), ("2024-03-05", "cancelled")]
        report = json.loads(self.ok(store, "report", "--json"))["haircut-days"]
        assert (report["sessions_held"], report["residents_served"],
                report["sessions_cancelled"], report["home_visits_requested"]) == (1, 21, 1, 1)
        with closing(CivicVol(store)) as app:
            assert app.order(order).team_id == dz.team


class TestHaircutDaysConforms(PluginConformance):
    plugin = haircut_plugin
    name = "haircut-days"

    def exercise(self, app: CivicVol) -> None:
        dz = make_dongzhuang(app)
        dz.held(served=20)
        special = dz.haircuts.schedule_special_session(dz.leader_actor, dz.team, LEI_FENG_DAY,
                                                       "学雷锋日")
        dz.haircuts.hold_session(dz.leader_actor, special, [dz.barber], 30)
        dz.haircuts.record_served(dz.as_volunteer(dz.barber), special, 2)
        dz.haircuts.cancel_session(dz.leader_actor, dz.scheduled(date(2023, 11, 30)), "停水")
        dz.haircuts.request_home_visit(RESIDENT, dz.team, "5 栋")

"""Each hook, told as a story: a small plug-in registered for one test, then thrown away.

Every hook of civicvol.plugins.hookspecs has at least one test here marked
``@pytest.mark.hook("<hook name>")`` (tests/plugins/test_plugin_docs.py checks it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import click
import pytest
from click.testing import CliRunner
from eventsourcing.domain import event
from eventsourcing.persistence import JSONTranscoder

from civicvol import Actor, CivicVol, Source
from civicvol.app import authorization
from civicvol.app.authorization import authorize, known_roles
from civicvol.app.report import event_topic
from civicvol.app.transcodings import AttrsTranscoding
from civicvol.app.views import district_report
from civicvol.demo import District, build_panlong
from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import InvalidHours, PermissionDenied
from civicvol.domain.service_order import ServiceOrder
from civicvol.plugins import CommandRefusedByPlugin, PluginNotLoaded, Setting, hookimpl
from civicvol.plugins.errors import PluginHookFailed
from civicvol.plugins.extensions import PluginExtensions
from civicvol.plugins.manager import PluginHost
from civicvol.plugins.testkit import host_with, open_test_district
from civicvol.views import View
from tests.conftest import ADMIN, RESIDENT
from tests.world import World, build_world

POINTS_AUDITOR = Actor("points-auditor", "pa-1")


@pytest.fixture(autouse=True)
def own_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plug-ins' grants last for one test."""
    monkeypatch.setattr(authorization, "PERMISSIONS", dict(authorization.PERMISSIONS))


@pytest.fixture
def opened() -> Any:
    apps: list[CivicVol] = []

    def open_with(plugins: Mapping[str, object], **kwargs: Any) -> CivicVol:
        app = open_test_district(plugins=plugins, **kwargs)
        apps.append(app)
        return app

    yield open_with
    for app in apps:
        app.close()


def extensions_of(app: CivicVol) -> PluginExtensions:
    assert isinstance(app.extensions, PluginExtensions)
    return app.extensions


# --- a tiny plug-in with an aggregate and a value object ---------------------------------------
@attrs.frozen
class Tally:
    """A value object only the plug-in knows: the transcoder must learn it from the plug-in."""

    hats: int
    scarves: int


class Bundle(CivicAggregate):
    @event("Packed")
    def __init__(self, tally: Tally, by: Actor) -> None:
        self.tally = tally


class BundleService:
    def __init__(self, app: CivicVol, settings: Mapping[str, Any]) -> None:
        self.app = app
        self.settings = settings

    def pack(self, actor: Actor, hats: int, scarves: int) -> UUID:
        authorize(actor, "bundle.pack")
        bundle = Bundle(Tally(hats, scarves), by=actor)
        self.app.commit("bundle.pack", actor, bundle)
        return bundle.id


class Bundles:
    civicvol_event_modules = (__name__,)

    @hookimpl
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        transcoder.register(AttrsTranscoding(Tally, "test_bundle_tally"))

    @hookimpl
    def register_permissions(self, grant: Callable[..., None]) -> None:
        grant("bundle.pack", "knitter")

    @hookimpl
    def register_settings(self) -> Mapping[str, Setting]:
        return {"sets_per_bundle": Setting(25, help="hat-and-scarf sets in one bundle")}

    @hookimpl
    def register_service(self, app: CivicVol, settings: Mapping[str, Any]) -> object:
        return BundleService(app, settings)


KNITTER = Actor("knitter", "k-1")


class TestRegistration:
    @pytest.mark.hook("register_transcodings")
    def test_a_plugin_value_object_is_stored_and_read_back(self, opened: Any) -> None:
        app = opened({"bundles": Bundles()})
        bundle = app.plugin("bundles", BundleService).pack(KNITTER, hats=60, scarves=40)
        assert app.repository.get(bundle).tally == Tally(60, 40)
        stored = [n for n in app.all_events() if n.topic == event_topic(Bundle, "Packed")]
        assert b"test_bundle_tally" in stored[0].state

    @pytest.mark.hook("register_permissions")
    def test_a_plugin_grants_its_command_to_a_new_role(self, opened: Any) -> None:
        app = opened({"bundles": Bundles()})
        assert "knitter" in known_roles()
        assert "knitter" in authorization.PERMISSIONS["bundle.pack"]
        record = extensions_of(app).host.records["bundles"]
        assert record.permissions == {"bundle.pack": ["knitter"]}
        with pytest.raises(PermissionDenied):
            app.plugin("bundles", BundleService).pack(RESIDENT, 1, 1)

    @pytest.mark.hook("register_settings")
    def test_settings_have_defaults_and_can_be_set(self, opened: Any) -> None:
        default = opened({"bundles": Bundles()})
        assert default.plugin("bundles", BundleService).settings == {"sets_per_bundle": 25}
        chosen = opened({"bundles": Bundles()}, config={"bundles": {"sets_per_bundle": 30}})
        assert chosen.plugin("bundles", BundleService).settings == {"sets_per_bundle": 30}

    @pytest.mark.hook("register_service")
    def test_the_service_is_found_by_the_plugin_name(self, opened: Any) -> None:
        app = opened({"bundles": Bundles()})
        service = app.plugin("bundles", BundleService)
        assert service.app is app
        with pytest.raises(PluginNotLoaded, match="'rider-clues'"):
            app.plugin("rider-clues")

    @pytest.mark.hook("register_commands")
    def test_a_plugin_group_is_mounted_on_civicvol(self, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
        from civicvol.cli import plugins as cli_plugins

        class Greeting:
            @hookimpl
            def register_commands(self, cli: click.Group) -> None:
                @cli.group("greeting")
                def greeting() -> None:
                    """Say hello."""

                @greeting.command("hello")
                def hello() -> None:
                    click.echo("你好")

        class Hijack:
            @hookimpl
            def register_commands(self, cli: click.Group) -> None:
                cli.add_command(click.Command("report", callback=lambda: None))

        monkeypatch.setattr(cli_plugins, "_hosts", [host_with({"greeting": Greeting(),
                                                              "hijack": Hijack()})])
        main = click.Group("civicvol", commands={"report": click.Command("report")})
        cli_plugins.mount_plugin_commands(main)
        assert CliRunner().invoke(main, ["greeting", "hello"]).output == "你好\n"
        record = cli_plugins.plugin_host().records["hijack"]
        assert record.status == "failed"
        assert "'report' would replace civicvol's own" in record.reason
        assert main.commands["report"].callback is None


# --- decisions ---------------------------------------------------------------------------------
class Curfew:
    """Refuses orders placed for the night, by a veto; refuses cancellations by raising."""

    @hookimpl
    def validate_command(self, command: str, events: Sequence[Any]) -> str | None:
        if command == "order.place" and any("夜" in getattr(e, "wanted_time", "")
                                            for e in events):
            return "no service at night"
        if command == "order.cancel":
            raise InvalidHours("cancellations go through the hotline")
        return None


class TestDecisions:
    @pytest.mark.hook("validate_command")
    def test_a_veto_refuses_the_command_names_the_plugin_and_stores_nothing(
        self, opened: Any
    ) -> None:
        app = opened({"curfew": Curfew()})
        before = app.event_count()
        with pytest.raises(CommandRefusedByPlugin, match="plug-in 'curfew' refused order "
                                                         "place: no service at night") as err:
            app.place_order(RESIDENT, "理发", wanted_time="夜里十点")
        assert err.value.plugin == "curfew"
        assert app.event_count() == before
        app.place_order(RESIDENT, "理发", wanted_time="上午")
        assert app.event_count() == before + 1

    @pytest.mark.hook("validate_command")
    def test_an_exception_refuses_the_command_with_the_plugins_error(self, opened: Any
                                                                     ) -> None:
        app = opened({"curfew": Curfew()})
        order = app.place_order(RESIDENT, "理发")
        before = app.event_count()
        with pytest.raises(CommandRefusedByPlugin, match=r"'curfew'.*hotline") as err:
            app.cancel_order(RESIDENT, order, "不需要了")
        assert isinstance(err.value.reason, InvalidHours)
        assert err.value.exit_code == InvalidHours.exit_code
        assert app.event_count() == before
        assert app.order(order).status.value == "placed"

    @pytest.mark.hook("points_for_order")
    def test_a_points_rule_decides_what_an_order_earns(self, opened: Any) -> None:
        class ElderlyDouble:
            @hookimpl
            def points_for_order(self, order: ServiceOrder, scheme: Any) -> int | None:
                if "elderly" in order.beneficiaries:
                    return 2 * scheme.points_for_service(order.hours)
                return None

        world = build_world(opened({"elderly-double": ElderlyDouble()}))
        world.completed_order(hours="2")
        account = world.app.point_account(world.barber)
        assert account is not None and account.pending == 40

    @pytest.mark.hook("points_for_order")
    def test_a_failing_points_rule_refuses_the_completion(self, opened: Any) -> None:
        class Broken:
            @hookimpl
            def points_for_order(self) -> int:
                raise ZeroDivisionError("division by zero")

        world = build_world(opened({"broken-rule": Broken()}))
        order = world.accepted_order()
        before = world.app.event_count()
        with pytest.raises(CommandRefusedByPlugin, match="'broken-rule' refused order "
                                                         "complete"):
            world.app.complete_order(world.barber_actor, order, "2")
        assert world.app.event_count() == before
        assert world.app.point_account(world.barber) is None

    @pytest.mark.hook("points_for_credit")
    def test_a_points_rule_adds_a_bonus_to_plugin_credits(self, opened: Any) -> None:
        class LeiFengDay:
            @hookimpl
            def points_for_credit(self, points: int, source: Source) -> int | None:
                return points + 5 if source.kind == "award" else None

        world = build_world(opened({"lei-feng-day": LeiFengDay()}))
        world.app.credit_points(ADMIN, world.barber, 5, Source("award", "c-1"))
        world.app.credit_points(ADMIN, world.barber, 3, Source("commendation", "s-1"))
        account = world.app.point_account(world.barber)
        assert account is not None and account.pending == 10 + 3


# --- observers ---------------------------------------------------------------------------------
class TestObservers:
    @pytest.mark.hook("command_committed")
    def test_observers_see_committed_events_and_one_failure_stops_no_one(
        self, opened: Any
    ) -> None:
        seen: list[tuple[str, list[str], list[int]]] = []

        class Clerk:
            @hookimpl
            def command_committed(self, command: str, events: Sequence[Any],
                                  recordings: Sequence[Any]) -> None:
                seen.append((command, [type(e).__name__ for e in events],
                             [r.notification.id for r in recordings]))

        class Clumsy:
            @hookimpl
            def command_committed(self, command: str) -> None:
                raise KeyError("lost the ledger")

        app = opened({"clerk": Clerk(), "clumsy": Clumsy()})
        team = app.create_team(ADMIN, "老街坊", "special", community="天祥社区")
        assert app.team(team).name == "老街坊"
        assert seen == [("team.create", ["Created"], [1])]
        (failure,) = extensions_of(app).failures
        assert (failure.plugin, failure.hook, failure.command) == ("clumsy",
                                                                   "command_committed",
                                                                   "team.create")
        assert "plug-in 'clumsy' failed in command_committed after team.create" in str(failure)

    @pytest.mark.hook("command_committed")
    def test_a_failing_observer_is_a_warning_on_stderr_in_the_cli(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
    ) -> None:
        from civicvol.cli import cli
        from civicvol.cli import plugins as cli_plugins

        class Clumsy:
            @hookimpl
            def command_committed(self) -> None:
                raise KeyError("lost the ledger")

        monkeypatch.setattr(cli_plugins, "_hosts", [host_with({"clumsy": Clumsy()})])
        result = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'c.db'}", "--as",
                                          "administrator:a-1", "team", "create", "--name", "老街坊",
                                          "--kind", "special"])
        assert result.exit_code == 0, result.output
        assert "warning: plug-in 'clumsy' failed in command_committed after team.create: " \
               "KeyError" in result.stderr


# --- reports and the demo ----------------------------------------------------------------------
class BarberFigures:
    name = "barber_figures"

    def __init__(self) -> None:
        self.hours = Decimal(0)

    @property
    def topic(self) -> str:
        return event_topic(ServiceOrder, "Completed")

    def fold(self, notification: Any, decode: Callable[[], Any]) -> None:
        if notification.topic == self.topic:
            self.hours += decode().hours

    def as_dict(self) -> dict[str, Any]:
        return {"hours": str(self.hours)}


class TestReportsAndDemo:
    @pytest.mark.hook("report_sections")
    def test_a_section_is_folded_from_the_same_events_as_the_core(self, opened: Any) -> None:
        class Barbers:
            @hookimpl
            def report_sections(self) -> object:
                return BarberFigures()

        world: World = build_world(opened({"barbers": Barbers()}))
        world.completed_order(hours="1.5")
        world.completed_order(hours="2")
        report = district_report(world.app)
        assert report["barber_figures"] == {"hours": "3.5"}
        assert report["service"]["hours"] == "3.5"
        json.dumps(report)

    @pytest.mark.hook("report_sections")
    def test_a_section_may_not_take_a_core_name(self, opened: Any) -> None:
        class Usurper:
            @hookimpl
            def report_sections(self) -> object:
                section = BarberFigures()
                section.name = "points"
                return section

        app = opened({"usurper": Usurper()})
        with pytest.raises(PluginHookFailed, match="plug-in 'usurper' failed in "
                                                   "report_sections: report section 'points' "
                                                   "is already taken"):
            district_report(app)

    @pytest.mark.hook("register_views")
    def test_a_plugins_view_follows_the_log_and_rebuilds_to_the_same_rows(
            self, opened: Any) -> None:
        class ServicesView(View):
            name = "services_seen"
            tables = ("CREATE TABLE IF NOT EXISTS {services_seen} (service TEXT PRIMARY KEY, "
                      "orders INTEGER)",)

            def setup(self) -> None:
                self.on(ServiceOrder, "Placed", self.placed)

            def placed(self, c: Any, e: Any, position: int, counts: Any) -> None:
                c.execute("INSERT INTO {services_seen} (service, orders) VALUES (?, 1) ON "
                          "CONFLICT (service) DO UPDATE SET orders = {services_seen}.orders + 1",
                          [e.service])

        class Services:
            @hookimpl
            def register_views(self) -> object:
                return ServicesView

        world: World = build_world(opened({"services": Services()}))
        world.completed_order(hours="1.5")
        world.completed_order(hours="2")
        view = world.app.views.services_seen
        live = view.rows("SELECT service, orders FROM {services_seen} ORDER BY service")
        assert live == [("理发", 2)]
        world.app.views.rebuild(["services_seen"])
        assert view.rows("SELECT service, orders FROM {services_seen} ORDER BY service") == live

    @pytest.mark.hook("register_views")
    def test_a_view_that_is_not_a_view_names_the_plugin(self, opened: Any) -> None:
        class Wrong:
            @hookimpl
            def register_views(self) -> object:
                return dict

        app = opened({"wrong": Wrong()})
        with pytest.raises(PluginHookFailed, match="plug-in 'wrong' failed in register_views"):
            app.views.status()

    @pytest.mark.hook("build_demo")
    def test_a_plugin_adds_its_part_to_the_demo(self, opened: Any) -> None:
        parts: list[tuple[int, int]] = []

        class Haircuts:
            @hookimpl
            def build_demo(self, app: CivicVol, district: District,
                           progress: Callable[[str, int, int], None]) -> None:
                team = district.teams["学雷锋志愿理发队"]
                parts.append((len(district.members[team]), app.event_count()))
                progress("haircuts", 1, 1)

        stages: list[str] = []
        app = opened({"haircuts": Haircuts()})
        build_panlong(app, scale=0.0001, progress=lambda stage, done, total:
                      stages.append(stage))
        ((members, events),) = parts
        # the plug-in's part comes last; only the demo's Finished marker follows it
        assert members >= 2 and events == app.event_count() - 1
        assert stages[-1] == "haircuts"


class TestFailuresOutsideCommands:
    @pytest.mark.hook("build_demo")
    def test_a_failing_demo_part_names_the_plugin(self, opened: Any) -> None:
        class Broken:
            @hookimpl
            def build_demo(self) -> None:
                raise LookupError("no team called 学雷锋志愿理发队")

        app = opened({"broken-demo": Broken()})
        with pytest.raises(PluginHookFailed, match="plug-in 'broken-demo' failed in "
                                                   "build_demo: LookupError: no team"):
            build_panlong(app, scale=0.0001)

    @pytest.mark.hook("register_service")
    def test_a_failing_service_names_the_plugin(self) -> None:
        class Broken:
            @hookimpl
            def register_service(self) -> object:
                raise ValueError("the calendar is not configured")

        app = open_test_district(Broken(), "no-service")  # made on first need, not at open
        try:
            with pytest.raises(PluginHookFailed, match="plug-in 'no-service' failed in "
                                                       "register_service: ValueError"):
                app.plugin("no-service")
        finally:
            app.close()

    @pytest.mark.hook("register_service")
    def test_a_service_is_made_on_its_first_need_and_only_once(self, opened: Any) -> None:
        made: list[CivicVol] = []

        class Counted:
            @hookimpl
            def register_service(self, app: CivicVol) -> object:
                made.append(app)
                return object()

            @hookimpl
            def validate_command(self, service: object) -> None:
                assert service is not None

        app = opened({"counted": Counted()})
        assert made == []  # opening the store made nothing
        assert app.event_count() == 0
        assert made == []  # nor did a read
        app.create_team(ADMIN, "老街坊", "special")  # validate_command is given the service
        assert made == [app]
        assert app.plugin("counted") is app.plugin("counted")
        assert made == [app]

    @pytest.mark.hook("register_service")
    def test_two_threads_asking_at_once_get_one_service(self, opened: Any) -> None:
        import threading
        import time

        made: list[object] = []

        class Slow:
            @hookimpl
            def register_service(self) -> object:
                time.sleep(0.05)  # widen the window in which a second thread could enter
                made.append(object())
                return made[-1]

        app = opened({"slow": Slow()})
        got: list[object] = []
        threads = [threading.Thread(target=lambda: got.append(app.plugin("slow")))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(made) == 1 and got == made * 4

    @pytest.mark.hook("check_settings")
    def test_settings_that_contradict_each_other_are_refused_when_the_store_opens(
            self) -> None:
        from civicvol.plugins import PluginSettingError

        seen: list[dict[str, Any]] = []

        class Rota:
            @hookimpl
            def register_settings(self) -> dict[str, Setting]:
                return {"first_hour": Setting(20), "last_hour": Setting(18)}

            @hookimpl
            def check_settings(self, settings: Mapping[str, Any]) -> None:
                seen.append(dict(settings))
                if settings["first_hour"] >= settings["last_hour"]:
                    raise PluginSettingError("first_hour must come before last_hour", "rota",
                                             "first_hour")

        with pytest.raises(PluginSettingError, match="first_hour must come before"):
            open_test_district(Rota(), "rota")
        assert seen == [{"first_hour": 20, "last_hour": 18}]
        app = open_test_district(Rota(), "rota", config={"rota": {"first_hour": 8}})
        app.close()
        assert seen[-1] == {"first_hour": 8, "last_hour": 18}

    @pytest.mark.hook("check_settings")
    def test_a_check_that_breaks_names_the_plugin(self) -> None:
        class Careless:
            @hookimpl
            def check_settings(self) -> None:
                raise KeyError("points")

        with pytest.raises(PluginHookFailed, match="plug-in 'careless' failed in "
                                                   "check_settings: KeyError"):
            open_test_district(Careless(), "careless")


def test_no_plugins_means_the_core_scheme(opened: Any) -> None:
    world = build_world(opened({}))
    world.completed_order(hours="2")
    account = world.app.point_account(world.barber)
    assert account is not None and account.pending == 20
    assert isinstance(extensions_of(world.app).host, PluginHost)


# --- a plug-in's own arguments -----------------------------------------------------------------
class QuietHours:
    """Vetoes orders wanted at the hour its own setting names; reads it from ``settings``."""

    @hookimpl
    def register_settings(self) -> dict[str, Any]:
        from civicvol.plugins.settings import Setting

        return {"quiet": Setting("午休", "a time of day when no service is given")}

    @hookimpl
    def register_service(self, settings: Any) -> dict[str, Any]:
        return {"quiet": settings["quiet"]}

    @hookimpl
    def validate_command(self, command: str, events: Sequence[Any], settings: Any,
                         service: Any) -> str | None:
        assert service == {"quiet": settings["quiet"]}
        if command == "order.place" and any(settings["quiet"] in getattr(e, "wanted_time", "")
                                            for e in events):
            return f"no service during {settings['quiet']}"
        return None

    @hookimpl
    def report_sections(self, settings: Any, service: Any) -> Any:
        return None if service == {"quiet": settings["quiet"]} else 1 / 0


class TestAPluginsOwnArguments:
    @pytest.mark.hook("validate_command")
    def test_a_hook_gets_its_settings_under_whatever_name_it_is_registered(
        self, plugin_district: Any
    ) -> None:
        from civicvol.app.views import district_report
        from civicvol.plugins.errors import CommandRefusedByPlugin
        from tests.conftest import RESIDENT

        app = plugin_district(QuietHours(), name="quiet-hours-2",
                              config={"quiet-hours-2": {"quiet": "夜里"}})
        with pytest.raises(CommandRefusedByPlugin, match="no service during 夜里"):
            app.place_order(RESIDENT, "理发", wanted_time="夜里十点")
        app.place_order(RESIDENT, "理发", wanted_time="午休")
        assert district_report(app)["orders"]["placed"] == 1

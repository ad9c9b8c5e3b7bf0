"""The district's service catalogue, told as stories: administrators add, change and retire
services; orders name them; plug-ins bring their own; the CLI speaks it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from civicvol import Actor, CivicVol, open_district
from civicvol.app import authorization
from civicvol.cli import cli
from civicvol.domain.errors import (
    InvalidAttributeValue,
    InvalidInput,
    InvalidServiceDefinition,
    PermissionDenied,
    ServiceAlreadyInCatalogue,
    ServiceRetired,
    UnknownService,
)
from civicvol.domain.service_catalogue import (
    AttributeValue,
    ServiceAttribute,
    ServiceDefinition,
)
from civicvol.plugins import hookimpl
from civicvol.plugins.errors import PluginHookFailed
from civicvol.plugins.testkit import open_test_district
from tests.conftest import ADMIN, RESIDENT
from tests.refusal import refused

FLOOR = ServiceAttribute.checked("floor", "number", "楼层 / floor", required=True, order=1)
NEEDS = ServiceAttribute.checked(
    "needs", "multivaluelist", "需要什么 / what is needed", order=2,
    values=[AttributeValue.checked("shopping", "代购"), AttributeValue.checked("talk", "聊天")])


def add_company(app: CivicVol) -> str:
    return app.add_service(ADMIN, "elder-company", "助老陪伴", "Elderly company", group="助老",
                           keywords=["陪伴", "老人"], description="志愿者上门陪伴老人",
                           attributes=[FLOOR, NEEDS])


class TestAdministratorsKeepTheCatalogue:
    def test_an_administrator_adds_a_service_and_it_reads_back_after_a_reopen(
            self, disk_url: str) -> None:
        app = CivicVol(disk_url)
        add_company(app)
        app.close()
        again = CivicVol(disk_url)
        try:
            service = again.service("elder-company")
            assert (service.name_zh, service.name_en, service.group) == ("助老陪伴",
                                                                         "Elderly company", "助老")
            assert service.keywords == ("陪伴", "老人")
            assert [a.code for a in service.attributes] == ["floor", "needs"]
            assert service.attributes[1].values[0] == AttributeValue("shopping", "代购")
        finally:
            again.close()

    def test_a_change_is_an_event_and_keeps_what_was_not_changed(self, app: CivicVol) -> None:
        add_company(app)
        before = app.event_count()
        app.change_service(ADMIN, "elder-company", name_en="Company for the elderly",
                           attributes=[FLOOR])
        assert app.event_count() == before + 1
        service = app.service("elder-company")
        assert service.name_en == "Company for the elderly" and service.name_zh == "助老陪伴"
        assert [a.code for a in service.attributes] == ["floor"]

    def test_a_retired_service_takes_no_new_order_but_keeps_its_old_ones(
            self, app: CivicVol) -> None:
        add_company(app)
        old = app.place_order(RESIDENT, "elder-company", attributes={"floor": "3"})
        app.retire_service(ADMIN, "elder-company", "并入助老助残队的日常服务")
        message = refused(app, ServiceRetired, app.place_order, RESIDENT, "elder-company",
                          attributes={"floor": "3"})
        assert "retired" in message and "choose another service" in message
        assert app.order(old).service_code == "elder-company"
        assert [s.code for s in app.services()] == []
        assert app.retired_services() == {"elder-company": "并入助老助残队的日常服务"}

    def test_a_code_is_never_given_twice_even_once_retired(self, app: CivicVol) -> None:
        add_company(app)
        refused(app, ServiceAlreadyInCatalogue, add_company, app)
        app.retire_service(ADMIN, "elder-company", "merged")
        message = refused(app, ServiceAlreadyInCatalogue, add_company, app)
        assert "never reused" in message

    def test_only_an_administrator_changes_the_catalogue(self, app: CivicVol) -> None:
        refused(app, PermissionDenied, app.add_service, RESIDENT, "x", "理发", "Haircut")
        add_company(app)
        refused(app, PermissionDenied, app.retire_service, Actor("dispatcher", "d-1"),
                "elder-company", "no")

    @pytest.mark.parametrize(("kwargs", "says"), [
        ({"code": "has space"}, "1 to 40 letters"),
        ({"code": ""}, "1 to 40 letters"),
        ({"name_zh": ""}, "Chinese name is empty"),
        ({"name_en": "x" * 61}, "shorten it"),
        ({"keywords": [f"词{i}" for i in range(21)]}, "at most 20 keywords"),
        ({"code": 7}, "must be str"),
    ])
    def test_a_malformed_definition_is_refused(self, memory_app: CivicVol,
                                               kwargs: dict[str, Any], says: str) -> None:
        fields = {"code": "ok", "name_zh": "理发", "name_en": "Haircut", **kwargs}
        message = refused(memory_app, InvalidInput, memory_app.add_service, ADMIN, **fields)
        assert says in message

    @pytest.mark.parametrize(("make", "says"), [
        (lambda: ServiceAttribute.checked("a", "colour", "x"), "not one of string, number"),
        (lambda: ServiceAttribute.checked("a", "singlevaluelist", "x"), "needs 1 to 100"),
        (lambda: ServiceAttribute.checked("a", "string", "x",
                                          values=[AttributeValue("k", "n")]), "needs no values"),
        (lambda: ServiceAttribute.checked("a", "string", ""), "description is empty"),
        (lambda: ServiceAttribute.checked("a", "string", "x", order=0), "order must be"),
    ])
    def test_a_malformed_attribute_is_refused(self, make: Any, says: str) -> None:
        with pytest.raises(InvalidServiceDefinition if "empty" not in says else InvalidInput,
                           match=says):
            make()

    def test_an_attribute_code_given_twice_is_refused(self) -> None:
        with pytest.raises(InvalidServiceDefinition, match="attribute code twice"):
            ServiceDefinition.checked("x", "理发", "Haircut", attributes=[FLOOR, FLOOR])


class TestOrdersNameAService:
    def test_an_order_names_the_service_by_code_or_name_and_records_its_code(
            self, app: CivicVol) -> None:
        add_company(app)
        by_code = app.place_order(RESIDENT, "elder-company",
                                  attributes={"floor": "5", "needs": ["talk", "shopping"]})
        by_name = app.place_order(RESIDENT, "助老陪伴", attributes={"floor": "2"})
        by_english = app.place_order(RESIDENT, "elderly company", attributes={"floor": "2"})
        for order in (by_code, by_name, by_english):
            assert app.order(order).service == "助老陪伴"
            assert app.order(order).service_code == "elder-company"
        assert app.order(by_code).attributes == {"floor": "5", "needs": ["talk", "shopping"]}

    @pytest.mark.parametrize(("attributes", "says"), [
        ({}, "needs attribute 'floor'"),
        ({"floor": "three"}, "is a number"),
        ({"floor": "3", "needs": ["dancing"]}, "has no value 'dancing'"),
        ({"floor": "3", "colour": "red"}, "has no attribute 'colour'"),
        ({"floor": ["3", "4"]}, "takes one value"),
    ])
    def test_attribute_values_are_checked_against_the_definition(
            self, memory_app: CivicVol, attributes: dict[str, Any], says: str) -> None:
        add_company(memory_app)
        message = refused(memory_app, InvalidAttributeValue, memory_app.place_order, RESIDENT,
                          "elder-company", attributes=attributes)
        assert says in message

    def test_once_the_district_has_a_catalogue_an_unknown_service_is_refused(
            self, app: CivicVol) -> None:
        add_company(app)
        message = refused(app, UnknownService, app.place_order, RESIDENT, "修电脑")
        assert "name a service by its code or name" in message

    def test_a_district_without_a_catalogue_keeps_free_text_services(
            self, memory_app: CivicVol) -> None:
        order = memory_app.place_order(RESIDENT, "修电脑", description="笔记本开不了机")
        assert memory_app.order(order).service == "修电脑"
        assert memory_app.order(order).service_code == ""
        refused(memory_app, InvalidInput, memory_app.place_order, RESIDENT, "修电脑",
                attributes={"floor": "3"})

    def test_a_position_must_be_real_degrees(self, memory_app: CivicVol) -> None:
        add_company(memory_app)
        order = memory_app.place_order(RESIDENT, "elder-company", attributes={"floor": "1"},
                                       position=(25.04, 102.71))
        assert (memory_app.order(order).lat, memory_app.order(order).long) == (25.04, 102.71)
        refused(memory_app, InvalidInput, memory_app.place_order, RESIDENT, "elder-company",
                attributes={"floor": "1"}, position=(95.0, 102.71))


@pytest.fixture
def own_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authorization, "PERMISSIONS", dict(authorization.PERMISSIONS))


class Tailors:
    @hookimpl
    def register_services(self) -> ServiceDefinition:
        size = ServiceAttribute.checked("size", "string", "衣服尺码 / size")
        return ServiceDefinition.checked("mending", "缝补", "Mending", group="生活服务",
                                         attributes=[size])


class TestPluginsBringServices:
    @pytest.mark.hook("register_services")
    def test_a_plugins_service_is_offered_and_ordered_beside_the_districts(self) -> None:
        app = open_test_district(plugins={"tailors": Tailors()})
        try:
            add_company(app)
            assert {s.code: s.plugin for s in app.services()} == {"elder-company": "",
                                                                   "mending": "tailors"}
            order = app.place_order(RESIDENT, "缝补", attributes={"size": "XL"})
            assert app.order(order).service_code == "mending"
        finally:
            app.close()

    @pytest.mark.hook("register_services")
    def test_retiring_a_plugins_service_records_it_in_the_catalogue(self) -> None:
        app = open_test_district(plugins={"tailors": Tailors()})
        try:
            app.retire_service(ADMIN, "mending", "裁缝队解散")
            catalogue = app.service_catalogue()
            assert catalogue is not None and catalogue.services["mending"].plugin == "tailors"
            refused(app, ServiceRetired, app.place_order, RESIDENT, "mending")
            refused(app, InvalidServiceDefinition, app.add_service, ADMIN, "mending", "缝补",
                    "Mending")
        finally:
            app.close()

    @pytest.mark.hook("register_services")
    def test_two_plugins_claiming_one_code_name_the_second(self) -> None:
        class Rivals:
            @hookimpl
            def register_services(self) -> list[ServiceDefinition]:
                return [ServiceDefinition.checked("mending", "缝补", "Mending")]

        app = open_test_district(plugins={"tailors": Tailors(), "rivals": Rivals()})
        try:
            with pytest.raises(PluginHookFailed, match="is taken by plug-in"):
                app.services()
        finally:
            app.close()

    @pytest.mark.hook("register_services")
    def test_something_that_is_not_a_service_names_the_plugin(self) -> None:
        class Wrong:
            @hookimpl
            def register_services(self) -> object:
                return {"code": "x"}

        app = open_test_district(plugins={"wrong": Wrong()})
        try:
            with pytest.raises(PluginHookFailed, match="plug-in 'wrong' failed in "
                                                       "register_services"):
                app.services()
        finally:
            app.close()

    def test_the_haircut_team_offers_its_haircut(self) -> None:
        app = open_district("memory://")
        try:
            haircut = app.service("haircut")
            assert (haircut.name_zh, haircut.plugin) == ("理发", "haircut-days")
            order = app.place_order(RESIDENT, "理发", attributes={"mobility": "bedridden"})
            assert app.order(order).service_code == "haircut"
        finally:
            app.close()


@pytest.fixture
def cli_store(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'catalogue.db'}"


def run(store: str, *args: str, actor: str | None = None) -> Any:
    argv = ["--store", store] + (["--as", actor] if actor else [])
    return CliRunner().invoke(cli, [*argv, *args], catch_exceptions=False,
                              prog_name="civicvol")


class TestTheCommandLine:
    def test_add_list_show_change_retire(self, cli_store: str) -> None:
        attribute = json.dumps({"code": "floor", "datatype": "number", "description": "楼层",
                                "required": True}, ensure_ascii=False)
        added = run(cli_store, "service", "add", "--code", "001", "--name-zh", "助老陪伴",
                    "--name-en", "Elderly company", "--keyword", "陪伴", "--attribute",
                    attribute, actor="administrator:a-1")
        assert added.exit_code == 0, added.output
        assert added.stdout.strip().splitlines()[-1] == "001"
        listed = json.loads(run(cli_store, "service", "list", "--json").stdout)
        assert {r["code"]: r["status"] for r in listed} == {
            "001": "active", "haircut": "active", "haircut-home-visit": "active"}
        shown = json.loads(run(cli_store, "service", "show", "001", "--json").stdout)
        assert shown["attributes"][0]["code"] == "floor" and shown["keywords"] == ["陪伴"]
        changed = run(cli_store, "service", "change", "001", "--name-en", "Company",
                      actor="administrator:a-1")
        assert changed.exit_code == 0, changed.output
        placed = run(cli_store, "order", "place", "--service", "001", "--attribute", "floor=3",
                     actor="resident:r-1")
        assert placed.exit_code == 0, placed.output
        retired = run(cli_store, "service", "retire", "001", "--reason", "merged",
                      actor="administrator:a-1")
        assert retired.exit_code == 0, retired.output
        everything = json.loads(run(cli_store, "service", "list", "--all", "--json").stdout)
        assert {r["code"]: r["retired_because"] for r in everything}["001"] == "merged"

    @pytest.mark.parametrize(("args", "actor", "says", "code"), [
        (["service", "add", "--code", "x", "--name-zh", "a", "--name-en", "b", "--attribute",
          "{bad"], "administrator:a-1", "is not JSON", 2),
        (["service", "add", "--code", "x", "--name-zh", "a", "--name-en", "b", "--attribute",
          '{"code": "c"}'], "administrator:a-1", "needs code and datatype", 2),
        (["service", "add", "--code", "x", "--name-zh", "a", "--name-en", "b"],
         "resident:r-1", "may not make the command 'service.add'", 4),
        (["service", "show", "nope"], None, "no service with code 'nope'", 3),
        (["order", "place", "--service", "haircut", "--attribute", "mobility"],
         "resident:r-1", "is not CODE=VALUE", 2),
    ])
    def test_mistakes_print_one_line_and_store_nothing(
            self, cli_store: str, args: list[str], actor: str | None, says: str,
            code: int) -> None:
        assert run(cli_store, "init").exit_code == 0
        result = run(cli_store, *args, actor=actor)
        assert result.exit_code == code, result.output
        assert says in result.stderr and result.stderr.count("\n") == 1
        app = CivicVol(cli_store)
        try:
            assert app.event_count() == 0
        finally:
            app.close()


def test_the_demo_district_orders_from_its_catalogue() -> None:
    from civicvol.demo import CATALOGUE, build_panlong

    app = open_district("memory://")
    try:
        build_panlong(app, scale=0.0001)
        assert {s.code for s in app.services()} >= {code for code, _, _ in CATALOGUE.values()}
        orders = app.views.service_requests.requests()
        assert orders and all(row["service_code"] for row in orders)
    finally:
        app.close()


def test_a_service_retired_while_an_order_for_it_is_decided_stores_no_order(
        disk_url: str) -> None:
    """Another office retires the service between the order's check and its save (a
    decision hook of this test stands in for the other process): the order was decided on
    a catalogue that no longer holds, so it is refused and nothing of it is stored."""
    from civicvol.domain.errors import ConcurrentChange

    other = CivicVol(disk_url)
    add_company(other)

    class OtherOffice:
        @hookimpl
        def validate_command(self, command: str) -> None:
            if command == "order.place":
                other.retire_service(ADMIN, "elder-company", "并入日常服务")

    app = open_test_district(plugins={"other-office": OtherOffice()}, store=disk_url)
    try:
        with pytest.raises(ConcurrentChange):
            app.place_order(RESIDENT, "elder-company", attributes={"floor": "2"})
        assert app.views.service_requests.requests() == []
        assert other.retired_services() == {"elder-company": "并入日常服务"}
    finally:
        app.close()
        other.close()

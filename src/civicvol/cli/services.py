"""civicvol service ...: the district's service catalogue (服务目录)."""

from __future__ import annotations

import json
from typing import Any

import click

from civicvol.app.services import attribute_from_dict, service_as_dict
from civicvol.cli.context import json_option, print_json, print_record, session, writes
from civicvol.cli.listing import print_rows
from civicvol.domain.errors import InvalidServiceDefinition
from civicvol.domain.service_definition import ServiceAttribute
from civicvol.i18n import _

SERVICE_COLUMNS = ("code", "name_zh", "name_en", "group", "status", "plugin", "attributes")


@click.group()
def service() -> None:
    """Add, change, retire and list the services residents can order."""


def attributes_option(function: Any) -> Any:
    return click.option(
        "--attribute", "attributes", multiple=True, metavar="JSON",
        help=_('An Open311 attribute as JSON, e.g. {"code": "floor", "datatype": "number", '
               '"description": "楼层", "required": true}; repeatable.'))(function)


def parse_attributes(texts: tuple[str, ...]) -> list[ServiceAttribute]:
    parsed: list[ServiceAttribute] = []
    for text in texts:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidServiceDefinition(
                _("--attribute {text!r:.60} is not JSON ({error}); give an object such as "
                  '{{"code": "floor", "datatype": "number", "description": "楼层"}}').format(
                    text=text, error=error.msg)) from None
        parsed.append(attribute_from_dict(data))
    return parsed


@writes
@service.command("add")
@click.option("--code", required=True, help=_("The service code, e.g. haircut or 001."))
@click.option("--name-zh", required=True, help=_("The Chinese name, e.g. 助老陪伴."))
@click.option("--name-en", required=True, help=_("The English name, e.g. Elderly company."))
@click.option("--group", default="", help=_("The group it is listed under, e.g. 助老."))
@click.option("--keyword", "keywords", multiple=True, help=_("A search word; repeatable."))
@click.option("--description", default="", help=_("What the service is, free text."))
@attributes_option
def add(code: str, name_zh: str, name_en: str, group: str, keywords: tuple[str, ...],
        description: str, attributes: tuple[str, ...]) -> None:
    """Add a service to the catalogue (administrator)."""
    s = session()
    added = s.app.add_service(s.actor, code, name_zh, name_en, group, list(keywords),
                              description, parse_attributes(attributes))
    click.echo(_("service added"), err=True)
    click.echo(added)


@writes
@service.command("change")
@click.argument("code")
@click.option("--name-zh", default=None, help=_("A new Chinese name."))
@click.option("--name-en", default=None, help=_("A new English name."))
@click.option("--group", default=None, help=_("A new group."))
@click.option("--keyword", "keywords", multiple=True,
              help=_("The new search words (replace the old); repeatable."))
@click.option("--description", default=None, help=_("A new description."))
@attributes_option
@click.option("--no-attributes", is_flag=True, help=_("Drop every attribute."))
def change(code: str, name_zh: str | None, name_en: str | None, group: str | None,
           keywords: tuple[str, ...], description: str | None, attributes: tuple[str, ...],
           no_attributes: bool) -> None:
    """Change a service's names, group, keywords, description or attributes
    (administrator)."""
    changes: dict[str, Any] = {k: v for k, v in {
        "name_zh": name_zh, "name_en": name_en, "group": group,
        "description": description}.items() if v is not None}
    if keywords:
        changes["keywords"] = list(keywords)
    if attributes or no_attributes:
        changes["attributes"] = parse_attributes(attributes)
    s = session()
    s.app.change_service(s.actor, code, **changes)
    click.echo(_("service {code} changed").format(code=code))


@writes
@service.command("retire")
@click.argument("code")
@click.option("--reason", required=True, help=_("Why it is no longer offered."))
def retire(code: str, reason: str) -> None:
    """Retire a service: new orders cannot name it; old ones keep it (administrator)."""
    s = session()
    s.app.retire_service(s.actor, code, reason)
    click.echo(_("service {code} retired").format(code=code))


@service.command("list")
@click.option("--all", "include_retired", is_flag=True, help=_("Retired services too."))
@json_option
def list_services(include_retired: bool, as_json: bool) -> None:
    """The catalogue's services, in code order."""
    app = session().app
    retired = app.retired_services()
    rows = [service_as_dict(s, retired.get(s.code))
            for s in app.services(include_retired=include_retired)]
    if not as_json:
        for row in rows:
            row["attributes"] = [a["code"] for a in row["attributes"]]
    print_rows(_("catalogue services"), rows, SERVICE_COLUMNS, as_json,
               empty=_("the catalogue holds no service; 'civicvol service add' adds one"))


@service.command("show")
@click.argument("code")
@json_option
def show(code: str, as_json: bool) -> None:
    """One service with its attributes."""
    app = session().app
    retired = app.retired_services()
    found = next((s for s in app.services(include_retired=True) if s.code == code), None)
    data = service_as_dict(found if found is not None else app.service(code),
                           retired.get(code))
    if as_json:
        print_json(data)
        return
    data["attributes"] = [f"{a['code']} ({a['datatype']}"
                          + (", " + _("answer required") if a["required"] else "") + ")"
                          for a in data["attributes"]]
    print_record(_("service {code}").format(code=code), data)

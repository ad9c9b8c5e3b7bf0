"""The service catalogue's commands and queries, mixed into :class:`CivicVol`.

The catalogue a district offers is its stored one (administrators' events) together with the
services its plug-ins bring (the ``register_services`` hook). A stored code wins over a
plug-in's; changing or retiring a plug-in's service first adopts it into the stored
catalogue, so that the change is an event like any other.

Orders and the catalogue: an order names a service by code (or by its Chinese or English
name); a district whose administrators have not added a single service yet keeps taking
free-text services, as every order did before the catalogue existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from civicvol.app.authorization import authorize
from civicvol.app.boundary import checked
from civicvol.domain.errors import InvalidServiceDefinition, UnknownService
from civicvol.domain.service_definition import (
    AttributeValue,
    ServiceAttribute,
    ServiceDefinition,
    check_code,
)
from civicvol.domain.values import Actor
from civicvol.i18n import _

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate
    from eventsourcing.persistence import Recording

    from civicvol.app.extensions import Extensions
    from civicvol.domain.service_catalogue import ServiceCatalogue

if TYPE_CHECKING:
    A = TypeVar("A", bound=Aggregate)


class ServiceCatalogueCommands:
    """Mixed into :class:`~civicvol.app.application.CivicVol`, which provides these."""

    if TYPE_CHECKING:
        extensions: Extensions

        def find(self, cls: type[A], aggregate_id: UUID) -> A | None: ...

        def commit(self, command: str, actor: Actor, *aggregates: Aggregate | None,
                   reads: Iterable[Aggregate | None] = ()) -> list[Recording[UUID]]: ...

    # --- queries -----------------------------------------------------------------------------
    def service_catalogue(self) -> ServiceCatalogue | None:
        """The stored catalogue, or None before the first service is added."""
        from civicvol.domain.service_catalogue import CATALOGUE_ID, ServiceCatalogue

        return self.find(ServiceCatalogue, CATALOGUE_ID)

    def offered_by_plugins(self) -> dict[str, ServiceDefinition]:
        cached: dict[str, ServiceDefinition] | None = self.__dict__.get("_plugin_services")
        if cached is None:
            cached = {s.code: s for s in self.extensions.catalogue_services()}
            self.__dict__["_plugin_services"] = cached
        return cached

    def services(self, *, include_retired: bool = False) -> list[ServiceDefinition]:
        """The catalogue's services in code order (retired ones only when asked)."""
        catalogue = self.service_catalogue()
        stored = catalogue.services if catalogue else {}
        retired = catalogue.retired if catalogue else {}
        merged = {**self.offered_by_plugins(), **stored}
        return [merged[c] for c in sorted(merged) if include_retired or c not in retired]

    def retired_services(self) -> dict[str, str]:
        """Retired codes and why they were retired."""
        catalogue = self.service_catalogue()
        return dict(catalogue.retired) if catalogue else {}

    def service(self, code: str) -> ServiceDefinition:
        """The active service with this code: UnknownService or ServiceRetired otherwise."""
        if not isinstance(code, str):
            raise UnknownService(_("a service code is text, not {kind}").format(
                                   kind=type(code).__name__))
        return self._service_in(self.service_catalogue(), code)

    def _service_in(self, catalogue: ServiceCatalogue | None, code: str) -> ServiceDefinition:
        if catalogue is not None and code in catalogue.services:
            return catalogue.service(code)
        offered = self.offered_by_plugins().get(code)
        if offered is None:
            raise UnknownService(_("no service with code {code!r} in the catalogue; check "
                                   "the code in the catalogue's list").format(code=code)).hinted(
                                       _("'civicvol service list' lists the codes"))
        return offered

    def service_for_order(self, name: str, catalogue: ServiceCatalogue | None = None
                          ) -> ServiceDefinition | None:
        """The service an order names by code or name; None (free text) while the district
        has no stored catalogue and no plug-in's service matches. ``catalogue``: the stored
        catalogue as already loaded (else it is loaded here)."""
        catalogue = catalogue or self.service_catalogue()
        found = catalogue.find(name) if catalogue else None
        if found is not None:
            return self._service_in(catalogue, found.code)
        wanted = name.strip().casefold() if isinstance(name, str) else ""
        offered = next((s for s in self.offered_by_plugins().values()
                        if wanted in s.names() or name == s.code), None)
        if offered is not None:
            return offered
        if catalogue is not None and catalogue.services:
            raise UnknownService(_(
                "service {name!r} is not in the district's catalogue; name a service by its "
                "code or name").format(name=name)).hinted(
                    _("'civicvol service list' lists the codes"))
        return None

    # --- commands ----------------------------------------------------------------------------
    @checked
    def add_service(self, actor: Actor, code: str, name_zh: str, name_en: str,
                    group: str = "", keywords: Sequence[str] = (), description: str = "",
                    attributes: Sequence[ServiceAttribute] = ()) -> str:
        """Add a service to the catalogue; returns its code."""
        from civicvol.domain.service_catalogue import ServiceCatalogue

        authorize(actor, "service.add")
        definition = ServiceDefinition.checked(code, name_zh, name_en, group, keywords,
                                               description, attributes)
        if definition.code in self.offered_by_plugins():
            raise InvalidServiceDefinition(
                _("service code {code!r} belongs to the plug-in {plugin!r}; change it with "
                  "the catalogue's own change of a service, or choose another code").format(
                  code=definition.code,
                  plugin=self.offered_by_plugins()[definition.code].plugin)).hinted(
                  _("'civicvol service change' changes it"))
        catalogue = self.service_catalogue() or ServiceCatalogue(by=actor)
        catalogue.add(definition, by=actor)
        self.commit("service.add", actor, catalogue)
        return definition.code

    @checked
    def change_service(self, actor: Actor, code: str, **changes: Any) -> None:
        """Change a service's names, group, keywords, description or attributes (keyword
        arguments named as :meth:`add_service`'s)."""
        authorize(actor, "service.change")
        current = self.service(check_code(code))
        allowed = {"name_zh", "name_en", "group", "keywords", "description", "attributes"}
        if set(changes) - allowed or not changes:
            raise InvalidServiceDefinition(
                _("give what changes among {choices}, not {value}").format(
                  choices=', '.join(sorted(allowed)),
                  value=', '.join(sorted(set(changes) - allowed)) or _('nothing')))
        fields = {"name_zh": current.name_zh, "name_en": current.name_en,
                  "group": current.group, "keywords": current.keywords,
                  "description": current.description, "attributes": current.attributes,
                  **changes}
        definition = ServiceDefinition.checked(current.code, plugin=current.plugin, **fields)
        catalogue = self._adopting(actor, current)
        catalogue.change(definition, by=actor)
        self.commit("service.change", actor, catalogue)

    @checked
    def retire_service(self, actor: Actor, code: str, reason: str) -> None:
        authorize(actor, "service.retire")
        catalogue = self._adopting(actor, self.service(check_code(code)))
        catalogue.retire(code, reason, by=actor)
        self.commit("service.retire", actor, catalogue)

    def _adopting(self, actor: Actor, service: ServiceDefinition) -> ServiceCatalogue:
        """The stored catalogue, holding ``service`` (a plug-in's is added first)."""
        from civicvol.domain.service_catalogue import ServiceCatalogue

        catalogue = self.service_catalogue() or ServiceCatalogue(by=actor)
        if service.code not in catalogue.services:
            catalogue.add(service, by=actor)
        return catalogue


def attribute_from_dict(data: Mapping[str, Any]) -> ServiceAttribute:
    """An attribute from JSON-like data (the CLI's ``--attribute`` and plug-ins): keys as in
    Open311 (``code``, ``datatype``, ``description``, ``required``, ``order``, ``values``
    as a list of ``{"key", "name"}``, ``datatype_description``)."""
    if not isinstance(data, Mapping):
        raise InvalidServiceDefinition(_("an attribute is an object, not {data!r:.60}").format(
                                         data=data))
    unknown = set(data) - {"code", "datatype", "description", "required", "order", "values",
                           "datatype_description", "variable"}
    if unknown or "code" not in data or "datatype" not in data:
        needs = _("attribute {data!r:.80} needs code and datatype, and takes only "
                  "description, required, order, values and datatype_description").format(
                  data=dict(data))
        if unknown:
            needs = _("{needs} (not {unknown})").format(
                needs=needs, unknown=", ".join(sorted(unknown)))
        raise InvalidServiceDefinition(needs)
    values = data.get("values") or []
    if not isinstance(values, list) or not all(isinstance(v, Mapping) and "key" in v
                                               for v in values):
        raise InvalidServiceDefinition(_('attribute {value!r}: values is a list of {{"key": ..., '
                                         '"name": ...}}').format(value=data['code']))
    return ServiceAttribute.checked(
        code=data["code"], datatype=data["datatype"],
        description=data.get("description", ""), required=data.get("required", False),
        order=data.get("order", 1),
        values=[AttributeValue.checked(str(v["key"]), str(v.get("name", v["key"])))
                for v in values],
        datatype_description=data.get("datatype_description", ""))


def service_as_dict(service: ServiceDefinition, retired: str | None = None) -> dict[str, Any]:
    """A service as JSON: English keys, Open311's names for the attributes."""
    return {
        "code": service.code, "name_zh": service.name_zh, "name_en": service.name_en,
        "group": service.group, "keywords": list(service.keywords),
        "description": service.description, "plugin": service.plugin,
        "status": "retired" if retired is not None else "active",
        "retired_because": retired or "",
        "attributes": [attribute_as_dict(a) for a in service.attributes],
    }


def attribute_as_dict(attribute: ServiceAttribute) -> dict[str, Any]:
    return {"variable": True, "code": attribute.code, "datatype": attribute.datatype.value,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description,
            "order": attribute.order, "description": attribute.description,
            "values": [{"key": v.key, "name": v.name} for v in attribute.values]}


def services_from_plugin(plugin: str, result: Any) -> Iterable[ServiceDefinition]:
    """What a ``register_services`` implementation returned, marked with the plug-in."""
    for item in result if isinstance(result, list | tuple) else [result]:
        if item is None:
            continue
        if not isinstance(item, ServiceDefinition):
            raise InvalidServiceDefinition(_("{item!r:.60} is not a ServiceDefinition").format(
                                             item=item))
        yield ServiceDefinition.checked(item.code, item.name_zh, item.name_en, item.group,
                                        item.keywords, item.description, item.attributes,
                                        plugin=plugin)

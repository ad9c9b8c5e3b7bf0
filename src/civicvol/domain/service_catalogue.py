"""服务目录: the district's service catalogue, the services residents can order.

Each service has a code (what Open311 calls ``service_code``), a Chinese and an English name,
a group and keywords, and the attributes a request for it carries (Open311's service
definition, :mod:`civicvol.domain.service_definition`). Administrators add, change and retire
services; a retired code stays in the catalogue, so the orders that named it still read, and
is never given to another service. The whole district has one catalogue: a small aggregate
with a fixed id.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import (
    InvalidServiceDefinition,
    ServiceAlreadyInCatalogue,
    ServiceRetired,
    UnknownService,
)
from civicvol.domain.service_definition import (
    CODE_PATTERN,
    MAX_ATTRIBUTES,
    MAX_KEYWORDS,
    MAX_VALUES,
    AttributeType,
    AttributeValue,
    ServiceAttribute,
    ServiceDefinition,
    check_code,
)
from civicvol.domain.values import Actor, check_text
from civicvol.i18n import _

CATALOGUE_ID = uuid5(NAMESPACE_URL, "civicvol:service-catalogue")


class ServiceCatalogue(CivicAggregate):
    @staticmethod
    def create_id() -> UUID:
        return CATALOGUE_ID

    @event("Opened")
    def __init__(self, by: Actor) -> None:
        self.services: dict[str, ServiceDefinition] = {}
        self.retired: dict[str, str] = {}

    # --- queries -----------------------------------------------------------------------------
    def active(self) -> list[ServiceDefinition]:
        return [s for code, s in self.services.items() if code not in self.retired]

    def service(self, code: str) -> ServiceDefinition:
        """The active service with this code, or UnknownService / ServiceRetired."""
        found = self.services.get(code)
        if found is None:
            raise UnknownService(_("no service with code {code!r} in the catalogue; check "
                                   "the code in the catalogue's list").format(code=code)).hinted(
                                       _("'civicvol service list' lists the codes"))
        if code in self.retired:
            raise ServiceRetired(_("service {code!r} ({name}) was retired: {reason}; choose "
                                   "another service").format(code=code, name=found.name_zh,
                                                             reason=self.retired[code]))
        return found

    def find(self, name: str) -> ServiceDefinition | None:
        """The service a resident names by code, Chinese or English name (retired ones too)."""
        if name in self.services:
            return self.services[name]
        wanted = name.strip().casefold()
        return next((s for s in self.services.values() if wanted in s.names()), None)

    # --- commands ----------------------------------------------------------------------------
    def add(self, service: ServiceDefinition, by: Actor) -> None:
        if service.code in self.services:
            message = _("service code {code!r} was retired (a code is never reused); choose "
                        "another code") if service.code in self.retired else _(
                "service code {code!r} is in the catalogue; choose another code, or "
                "'civicvol service change' the service")
            raise ServiceAlreadyInCatalogue(message.format(code=service.code))
        self._add(service, by)

    @event("ServiceAdded")
    def _add(self, service: ServiceDefinition, by: Actor) -> None:
        self.services[service.code] = service

    def change(self, service: ServiceDefinition, by: Actor) -> None:
        self.service(service.code)
        if self.services[service.code] == service:
            raise InvalidServiceDefinition(_("service {code!r} already reads like that; give what"
                                             " changes").format(code=service.code))
        self._change(service, by)

    @event("ServiceChanged")
    def _change(self, service: ServiceDefinition, by: Actor) -> None:
        self.services[service.code] = service

    def retire(self, code: str, reason: str, by: Actor) -> None:
        self.service(code)
        self._retire(code, check_text(reason, "reason for retiring", required=True), by)

    @event("ServiceRetired")
    def _retire(self, code: str, reason: str, by: Actor) -> None:
        self.retired[code] = reason


# The values live in civicvol.domain.service_definition (importing them loads no aggregate);
# they are offered here too, where plug-ins and the docs have always found them.
__all__ = ["CATALOGUE_ID", "CODE_PATTERN", "MAX_ATTRIBUTES", "MAX_KEYWORDS", "MAX_VALUES",
           "AttributeType", "AttributeValue", "ServiceAttribute", "ServiceCatalogue",
           "ServiceDefinition", "check_code"]

"""How the service catalogue's values are written into its events (JSON, via eventsourcing).

JSON has no tuples: the lists read back are made tuples again, and the datatype an enum."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder

from civicvol.app.transcodings import AttrsTranscoding
from civicvol.domain.service_definition import (
    AttributeType,
    AttributeValue,
    ServiceAttribute,
    ServiceDefinition,
)


class ServiceAttributeTranscoding(AttrsTranscoding):
    def encode(self, obj: Any) -> dict[str, Any]:
        return {**super().encode(obj), "datatype": obj.datatype.value}

    def decode(self, data: dict[str, Any]) -> Any:
        return ServiceAttribute(**{**data, "datatype": AttributeType(data["datatype"]),
                                   "values": tuple(data["values"])})


class ServiceDefinitionTranscoding(AttrsTranscoding):
    def decode(self, data: dict[str, Any]) -> Any:
        return ServiceDefinition(**{**data, "keywords": tuple(data["keywords"]),
                                    "attributes": tuple(data["attributes"])})


def register_catalogue_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(AttrsTranscoding(AttributeValue, "service_attribute_value"))
    transcoder.register(ServiceAttributeTranscoding(ServiceAttribute, "service_attribute"))
    transcoder.register(ServiceDefinitionTranscoding(ServiceDefinition, "service_definition"))

"""schemathesis against the served /openapi.json: whatever the description allows a client to
send, the service answers without a 5xx, with a documented status, content type and body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web_server import District, Server, build_district, session_server, stop_session_server


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield session_server()
    stop_session_server()


@pytest.fixture(scope="module")
def district(server: Server) -> District:
    return build_district(server)


@pytest.fixture(scope="module")
def served_schema(server: Server, district: District) -> Any:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.slow
def test_no_request_the_description_allows_gets_a_5xx(served_schema: Any,
                                                       district: District) -> None:
    """Every operation, a few generated requests each, as the administrator (who may make
    the most commands). (schemathesis' own pytest plug-in is driven by hand: its
    ``parametrize`` does not run under this pytest.)"""
    auth = {"Authorization": f"Bearer {district.tokens['administrator']}"}
    operations = [result.ok() for result in served_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        @settings(max_examples=3, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=auth, checks=CHECKS)

        exercise()

"""A resident rates their own request through the client they placed it with (评单), and a
client's writes are limited by its api_key: over real HTTP, through the whole web service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from civicvol import Actor
from civicvol.web.open311.clients import Clients
from tests.conftest import ADMIN
from tests.web_server import Server, start_server

DISPATCHER = Actor("dispatcher", "centre")


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """A served district whose writes refill at 1 in 1,000 s after a burst (the test's
    ``burst`` mark, else 30)."""
    mark = request.node.get_closest_marker("burst")
    server = start_server(f"sqlite:///{tmp_path / 'd.db'}", plugins=False,
                          write_rate=0.001, write_burst=mark.args[0] if mark else 30)
    civic = server.civic
    civic.add_service(ADMIN, "haircut", "理发", "Haircut")
    key = Clients(civic).create("wechat-mini")
    yield server, key
    server.stop()


def place(server: Server, key: str, account: str) -> tuple[int, object]:
    with server.client() as http:
        answer = http.post("/open311/v2/requests.json", data={
            "api_key": key, "service_code": "haircut", "account_id": account,
            "address_string": "东庄社区 3 栋"})
    return answer.status_code, answer.json()


def served_order(server: Server, order: str) -> None:
    """The order dispatched, accepted and completed by a barber, through the Python API."""
    civic = server.civic
    team = civic.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
    barber = civic.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
    civic.join_team(ADMIN, team, barber)
    civic.dispatch_order(DISPATCHER, order, team)
    civic.accept_order(Actor("volunteer", str(barber)), order)
    civic.complete_order(Actor("volunteer", str(barber)), order, "1", served=1)


def test_only_the_requester_rates_through_the_client_and_only_once(
        served: tuple[Server, str]) -> None:
    server, key = served
    status, body = place(server, key, "wx-0001")
    assert status == 201, body
    order = body[0]["service_request_id"]  # type: ignore[index]
    served_order(server, order)
    before = server.civic.event_count()

    def rate(account: str, stars: str) -> tuple[int, object]:
        with server.client() as http:
            answer = http.post(f"/open311/v2/requests/{order}/rating.json", data={
                "api_key": key, "account_id": account, "stars": stars})
        return answer.status_code, answer.json()

    other, refusal = rate("wx-0002", "1")  # another resident of the same client
    assert other == 403 and set(refusal[0]) == {"code", "description"}  # type: ignore[index]
    assert server.civic.event_count() == before  # nothing stored
    bad, _ = rate("wx-0001", "6")
    assert bad == 400 and server.civic.event_count() == before
    ok, rated = rate("wx-0001", "5")
    assert ok == 200, rated
    assert server.civic.order(order).stars == 5
    assert "rated" in rated[0]["status_notes"]  # type: ignore[index]


@pytest.mark.burst(3)
def test_a_clients_writes_are_limited_by_its_key(served: tuple[Server, str]) -> None:
    server, key = served
    answers = [place(server, key, f"wx-{n:04d}")[0] for n in range(5)]
    assert answers[:3] == [201, 201, 201]  # the burst
    assert answers[3:] == [429, 429]  # then refused, and nothing stored for them
    assert server.civic.views.orders.list(limit=10) and len(
        server.civic.views.orders.list(limit=10)) == 3

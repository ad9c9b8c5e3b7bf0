"""The staff API told as stories, over real HTTP to a real uvicorn server (tests/web_server.py):
an order goes 点单 → 派单 → 接单 → 评单 with each account recorded as its actor, records carry
ETags, lists page; every refusal is a problem detail and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends, Request

from civicvol.plugins import hookimpl
from civicvol.plugins.testkit import open_test_district
from civicvol.web.accounts import Account, Accounts
from civicvol.web.security import civic, reading_account
from tests.web_server import (
    District,
    Server,
    build_district,
    session_server,
    start_server,
    stop_session_server,
)

PROBLEM = "application/problem+json"


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield session_server()
    stop_session_server()


@pytest.fixture(scope="module")
def district(server: Server) -> District:
    return build_district(server)


def placed(district: District) -> str:
    with district.client("resident") as resident:
        reply = resident.post("/api/v1/orders", json={
            "service": "理发", "description": "上门理发", "place": "东庄社区 3 栋",
            "beneficiaries": ["elderly"]})
    assert reply.status_code == 201, reply.text
    assert reply.headers["location"].endswith(reply.json()["id"])
    return str(reply.json()["id"])


def refused(reply: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    body = reply.json()
    assert body["status"] == status and body["error"] == error
    assert body["title"] and body["detail"] and body["type"].startswith("urn:civicvol:error:")
    return dict(body)


class TestTheOrderCycle:
    def test_an_order_goes_round_the_cycle_with_each_account_as_its_actor(
            self, district: District) -> None:
        order = placed(district)
        with district.client("dispatcher") as dispatcher:
            queue = dispatcher.get("/api/v1/orders/queue", params={"limit": 500}).json()
            assert order in [o["id"] for o in queue["items"]]
            assert dispatcher.post(f"/api/v1/orders/{order}/dispatch",
                                   json={"team_id": district.team}).status_code == 200
            queue = dispatcher.get("/api/v1/orders/queue", params={"limit": 500}).json()
            assert order not in [o["id"] for o in queue["items"]]
        with district.client("barber") as barber:
            assert barber.post(f"/api/v1/orders/{order}/accept").status_code == 200
            assert barber.post(f"/api/v1/orders/{order}/complete",
                               json={"hours": "1.5", "served": 1}).status_code == 200
        with district.client("resident") as resident:
            assert resident.post(f"/api/v1/orders/{order}/rate",
                                 json={"stars": 5, "comment": "好"}).status_code == 200
        with district.client("dispatcher") as dispatcher:
            shown = dispatcher.get(f"/api/v1/orders/{order}").json()
            history = dispatcher.get(f"/api/v1/orders/{order}/history").json()
        assert shown["status"] == "rated" and shown["stars"] == 5
        assert shown["team_id"] == district.team and shown["volunteer_id"] == district.barber
        accounts = {a.role: a for a in Accounts(district.server.civic).list()}
        by = {row["event"].split(".")[-1]: row["by"] for row in history}
        assert by["Dispatched"] == f"dispatcher:{accounts['dispatcher'].id}"
        assert by["Accepted"] == f"volunteer:{district.barber}"
        assert by["Placed"] == by["Rated"] == f"resident:{accounts['resident'].id}"

    def test_the_volunteer_sees_the_order_among_theirs_and_its_points_pending(
            self, district: District) -> None:
        with district.client("administrator") as admin:
            theirs = admin.get(f"/api/v1/volunteers/{district.barber}/orders").json()["items"]
            points = admin.get(f"/api/v1/volunteers/{district.barber}/points").json()
            pending = admin.get("/api/v1/points/pending").json()["items"]
        assert theirs and all(o["volunteer_id"] == district.barber for o in theirs)
        assert points["pending"] > 0
        assert any(p["volunteer_id"] == district.barber for p in pending)

    def test_the_points_auditor_approves_the_pending_credits(self, district: District) -> None:
        with district.client("points-auditor") as auditor:
            approved = auditor.post(f"/api/v1/volunteers/{district.barber}/points/approve",
                                    json={})
            account = auditor.get(f"/api/v1/volunteers/{district.barber}/points").json()
        assert approved.status_code == 200 and approved.json()
        assert account["pending"] == 0 and account["balance"] > 0


class TestRecordsAndLists:
    def test_a_record_has_an_etag_and_an_unchanged_one_answers_304(
            self, district: District) -> None:
        order = placed(district)
        with district.client("dispatcher") as dispatcher:
            first = dispatcher.get(f"/api/v1/orders/{order}")
            tag = first.headers["etag"]
            again = dispatcher.get(f"/api/v1/orders/{order}", headers={"If-None-Match": tag})
            dispatcher.post(f"/api/v1/orders/{order}/dispatch", json={"team_id": district.team})
            changed = dispatcher.get(f"/api/v1/orders/{order}", headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert changed.status_code == 200 and changed.headers["etag"] != tag

    def test_lists_come_in_pages_with_a_next_link_until_the_last(
            self, district: District) -> None:
        for _ in range(3):
            placed(district)
        with district.client("dispatcher") as dispatcher:
            seen: list[str] = []
            url: str | None = "/api/v1/orders?limit=2"
            while url:
                page = dispatcher.get(url).json()
                assert len(page["items"]) <= 2
                seen += [o["id"] for o in page["items"]]
                url = page["next"]
            everything = dispatcher.get("/api/v1/orders", params={"limit": 500}).json()
        assert seen == [o["id"] for o in everything["items"]] and len(seen) >= 3

    def test_teams_members_volunteers_and_the_report_read_through_the_views(
            self, district: District) -> None:
        with district.client("administrator") as admin:
            teams = admin.get("/api/v1/teams").json()["items"]
            members = admin.get(f"/api/v1/teams/{district.team}/members").json()["items"]
            found = admin.get("/api/v1/volunteers", params={"phone": "13800138000"}).json()
            report = admin.get("/api/v1/report").json()
        assert {t["id"] for t in teams} >= {district.team, district.other_team}
        assert [m["volunteer_id"] for m in members] == [district.barber]
        assert [v["id"] for v in found["items"]] == [district.barber]
        assert report["events"] == district.server.events() and "store" not in report

    def test_the_openapi_description_is_3_1_and_names_every_route(
            self, server: Server) -> None:
        with server.client() as anyone:
            spec = anyone.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        assert {"/api/v1/orders", "/api/v1/orders/{order_id}/dispatch",
                "/api/v1/plugins/rider-clues/clues"} <= set(spec["paths"])


@pytest.fixture(scope="module")
def orders(district: District) -> dict[str, str]:
    """A placed order and one dispatched to the barber's team, made before counting."""
    dispatched = placed(district)
    with district.client("dispatcher") as dispatcher:
        assert dispatcher.post(f"/api/v1/orders/{dispatched}/dispatch",
                               json={"team_id": district.team}).status_code == 200
    return {"placed": placed(district), "dispatched": dispatched}


class TestRefusals:
    """Each refusal: the right status, a problem detail, and not one event stored."""

    @pytest.fixture(autouse=True)
    def unchanged(self, district: District, orders: dict[str, str]) -> Iterator[None]:
        before = district.server.events()
        yield
        assert district.server.events() == before

    def test_no_token_a_wrong_token_and_a_revoked_token_are_401(
            self, district: District) -> None:
        server = district.server
        body = {"service": "理发"}
        with server.client() as anonymous:
            refused(anonymous.post("/api/v1/orders", json=body), 401, "NotAuthenticated")
            refused(anonymous.get("/api/v1/orders"), 401, "NotAuthenticated")
        with server.client("cv_not-a-token") as stranger:
            refused(stranger.post("/api/v1/orders", json=body), 401, "NotAuthenticated")
        with httpx.Client(base_url=server.url, headers={"Authorization": "Basic YTpi"}) as basic:
            refused(basic.post("/api/v1/orders", json=body), 401, "NotAuthenticated")
        account, token = server.account("resident", "搬走的居民")
        Accounts(server.civic).revoke(account)
        with server.client(token) as revoked:
            reply = refused(revoked.post("/api/v1/orders", json=body), 401, "NotAuthenticated")
        assert "revoked" in reply["detail"]

    def test_a_rotated_token_replaces_the_old_one(self, district: District) -> None:
        server = district.server
        account, old = server.account("dispatcher", "轮换的调度")
        _, new = Accounts(server.civic).rotate(account)
        with server.client(old) as stale:
            refused(stale.get("/api/v1/orders/queue"), 401, "NotAuthenticated")
        with server.client(new) as fresh:
            assert fresh.get("/api/v1/orders/queue").status_code == 200

    def test_a_role_that_may_not_is_403(self, district: District,
                                        orders: dict[str, str]) -> None:
        with district.client("resident") as resident:
            refused(resident.post(f"/api/v1/orders/{orders['placed']}/dispatch",
                                  json={"team_id": district.team}), 403, "PermissionDenied")
            refused(resident.get("/api/v1/volunteers"), 403, "PermissionDenied")
        with district.client("barber") as barber:
            refused(barber.post("/api/v1/volunteers", json={
                "name": "冒名", "phone": "13600136000", "community": "东庄社区"}),
                403, "PermissionDenied")
        with district.client("dispatcher") as dispatcher:
            refused(dispatcher.post(f"/api/v1/volunteers/{district.barber}/points/approve",
                                    json={}), 403, "PermissionDenied")

    def test_a_rule_of_the_domain_is_409(self, district: District,
                                         orders: dict[str, str]) -> None:
        with district.client("outsider") as outsider:
            refused(outsider.post(f"/api/v1/orders/{orders['dispatched']}/accept"),
                    409, "NotAMember")
        with district.client("dispatcher") as dispatcher:
            refused(dispatcher.post(f"/api/v1/orders/{orders['dispatched']}/dispatch",
                                    json={"team_id": district.team}), 409, "IllegalTransition")

    def test_unknown_ids_and_routes_are_404(self, district: District) -> None:
        unknown = "3f2b9c1e-0000-4000-8000-000000000000"
        with district.client("dispatcher") as dispatcher:
            refused(dispatcher.get(f"/api/v1/orders/{unknown}"), 404, "OrderNotFound")
            refused(dispatcher.post(f"/api/v1/orders/{unknown}/dispatch",
                                    json={"team_id": district.team}), 404, "OrderNotFound")
            refused(dispatcher.get(f"/api/v1/teams/{unknown}/members"), 404, "TeamNotFound")
            refused(dispatcher.get("/api/v1/nowhere"), 404, "NotFound")
            refused(dispatcher.get("/api/v1/orders/not-an-id"), 400, "InvalidId")

    def test_wrong_types_huge_numbers_bad_utf8_and_huge_bodies_are_4xx(
            self, district: District, orders: dict[str, str]) -> None:
        json_body = {"content-type": "application/json"}
        with district.client("administrator") as admin:
            refused(admin.post("/api/v1/volunteers", json={"name": 5, "phone": [],
                                                           "community": None}),
                    400, "InvalidInput")
            refused(admin.post("/api/v1/teams", json={"name": "队", "kind": "special",
                                                      "extra": 1}), 400, "InvalidInput")
            refused(admin.post("/api/v1/volunteers", content=b'{"name": "\xff\xfe"}',
                               headers=json_body), 400, "InvalidInput")
            refused(admin.post("/api/v1/volunteers", content=b"{not json",
                               headers=json_body), 400, "InvalidInput")
            refused(admin.post("/api/v1/volunteers", json={
                "name": "大" * 100_000, "phone": "1", "community": "x"}),
                413, "RequestTooLarge")
            refused(admin.post("/api/v1/volunteers", headers=json_body,
                               content=iter([b"{", b" " * 70_000, b"}"])),
                    413, "RequestTooLarge")
            refused(admin.get("/api/v1/orders", params={"limit": 10**30}), 400,
                    "InvalidInput")
            refused(admin.get("/api/v1/volunteers", params={"name": "\x00"}), 400,
                    "InvalidInput")
            refused(admin.get("/api/v1/orders/%FF%FE"), 400, "InvalidId")
            refused(admin.get("/api/v1/orders?status=%FF"), 400, "InvalidInput")
            refused(admin.post("/api/v1/volunteers", json={
                "name": "坏\x07名", "phone": "13500135000", "community": "东庄社区"}),
                400, "InvalidInput")
        with district.client("dispatcher") as dispatcher:
            refused(dispatcher.post("/api/v1/orders/%00/dispatch", json={"team_id": "x"}),
                    400, "InvalidId")
            refused(dispatcher.post(f"/api/v1/orders/{orders['placed']}/dispatch",
                                    headers=json_body, content=b'{"team_id": "\\ud800"}'),
                    400, "InvalidInput")
        with district.client("resident") as resident:
            rate = f"/api/v1/orders/{orders['placed']}/rate"
            refused(resident.post(rate, json={"stars": 10**40}), 400, "InvalidInput")
            refused(resident.post(rate, json={"stars": "five"}), 400, "InvalidInput")


def test_writes_beyond_an_accounts_rate_are_429_and_not_stored(tmp_path: Any) -> None:
    server = start_server(f"sqlite:///{tmp_path / 'rate.db'}", write_rate=0.5, write_burst=2)
    try:
        _, token = server.account("resident", "急性子")
        with server.client(token) as resident:
            replies = [resident.post("/api/v1/orders", json={"service": "理发"})
                       for _ in range(5)]
        codes = [r.status_code for r in replies]
        assert codes[:2] == [201, 201] and 429 in codes
        limited = next(r for r in replies if r.status_code == 429)
        assert limited.json()["error"] == "RateLimited" and limited.headers["retry-after"]
        assert server.events() == codes.count(201)
    finally:
        server.stop()


class Greeting:
    """A plug-in with one route: who the caller acts as, and how many orders there are."""

    @hookimpl
    def register_routes(self) -> APIRouter:
        routes = APIRouter()

        @routes.get("/hello")
        def hello(request: Request, account: Account = Depends(reading_account)
                  ) -> dict[str, Any]:
            with civic(request) as app:
                return {"actor": str(account.actor),
                        "orders": len(app.views.orders.list())}

        return routes


@pytest.mark.hook("register_routes")
def test_a_plugins_routes_are_mounted_under_its_name_and_authenticated(tmp_path: Any) -> None:
    app = open_test_district(plugins={"greeting": Greeting()},
                             store=f"sqlite:///{tmp_path / 'hooks.db'}")
    server = start_server(app)  # type: ignore[arg-type]
    try:
        account, token = server.account("dispatcher", "调度")
        with server.client(token) as dispatcher:
            hello = dispatcher.get("/api/v1/plugins/greeting/hello")
        with server.client() as anonymous:
            refused(anonymous.get("/api/v1/plugins/greeting/hello"), 401, "NotAuthenticated")
        assert hello.json() == {"actor": f"dispatcher:{account}", "orders": 0}
    finally:
        server.stop()
        app.close()


@pytest.mark.hook("register_routes")
def test_rider_clues_route_takes_a_riders_clue_and_shows_it(district: District) -> None:
    with district.client("barber") as rider:
        reply = rider.post("/api/v1/plugins/rider-clues/clues", json={
            "team_id": district.team, "category": "flying-wire-charging",
            "photo": "photo-1.jpg", "place": "东庄社区 5 栋"})
        assert reply.status_code == 201, reply.text
        shown = rider.get(f"/api/v1/plugins/rider-clues/clues/{reply.json()['id']}").json()
    assert shown["rider"] == district.barber and shown["category_name"] == "飞线充电"


def test_docs_web_md_documents_every_endpoint_of_the_description(server: Server) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "web.md").read_text("utf-8")
    with server.client() as anyone:
        spec = anyone.get("/openapi.json").json()
    missing = [f"{method.upper()} {path}" for path, operations in spec["paths"].items()
               for method in operations if not path.startswith("/open311")
               and f"`{method.upper()} {path}`" not in text]
    assert missing == []


def test_open311_is_mounted_with_its_own_error_format(tmp_path: Any) -> None:
    """create_app serves civicvol.web.open311 at /open311/v2: its answers and its errors are
    Open311's; the staff API's errors stay problem details."""
    server = start_server(f"sqlite:///{tmp_path / 'o.db'}", plugins=False)
    try:
        with server.client() as client:
            discovery = client.get("/open311/v2/discovery.json")
            unknown = client.get("/open311/v2/services/no-such-service.json")
            refused_here = client.get("/api/v1/orders")
        assert discovery.status_code == 200 and "endpoints" in discovery.json()
        assert unknown.status_code == 404
        (error,) = unknown.json()
        assert set(error) == {"code", "description"} and error["code"] == 404
        assert refused_here.status_code == 401
        assert refused_here.headers["content-type"].startswith(PROBLEM)
    finally:
        server.stop()


class TestTheNationalVolunteerNumber:
    """全国志愿者编号 through the API: given at registration, set later, shown, searched."""

    def test_registered_with_it_then_corrected_and_found_by_it(
            self, district: District) -> None:
        with district.client("administrator") as admin:
            reply = admin.post("/api/v1/volunteers", json={
                "name": "赵师傅", "phone": "13500135123", "community": "东庄社区",
                "national_number": "53010200000077"})
            assert reply.status_code == 201, reply.text
            ident = reply.json()["id"]
            assert admin.get(f"/api/v1/volunteers/{ident}").json()["national_number"] == \
                "53010200000077"
            fixed = admin.post(f"/api/v1/volunteers/{ident}/national-number",
                               json={"national_number": "53010200000078"})
            assert fixed.status_code == 200, fixed.text
            shown = admin.get(f"/api/v1/volunteers/{ident}").json()
            found = admin.get("/api/v1/volunteers",
                              params={"national_number": "53010200000078"}).json()
        assert shown["national_number"] == "53010200000078"
        assert [v["id"] for v in found["items"]] == [ident]

    def test_a_bad_or_taken_number_is_refused_and_nothing_is_stored(
            self, district: District) -> None:
        before = district.server.events()
        with district.client("administrator") as admin:
            bad = admin.post("/api/v1/volunteers", json={
                "name": "钱师傅", "phone": "13500135124", "community": "东庄社区",
                "national_number": "53-01"})
            refused(bad, 400, "InvalidNationalNumber")
            assert "53-01" in bad.json()["detail"]
            taken = admin.post("/api/v1/volunteers", json={
                "name": "钱师傅", "phone": "13500135124", "community": "东庄社区",
                "national_number": "53010200000078"})
            refused(taken, 409, "AlreadyRegistered")
            refused(admin.post(f"/api/v1/volunteers/{district.barber}/national-number",
                               json={"national_number": "53010200000078"}),
                    409, "AlreadyRegistered")
        assert district.server.events() == before

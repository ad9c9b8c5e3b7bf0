"""The dispatcher's console in a real browser: Debian's chromium, headless, driven by
Playwright (never ``playwright install``). A dispatcher signs in with a token, sees an order
waiting with the barber's team suggested, dispatches it in one click, and sees it leave the
queue; the order's page shows its history; the points auditor approves a credit. Screenshots
go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_server import District, Server, build_district, session_server, stop_session_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                 reason=f"{CHROMIUM} is not installed (.ci/run installs it)")]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield session_server()
    stop_session_server()


@pytest.fixture(scope="module")
def district(server: Server) -> District:
    return build_district(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def place(district: District, service: str = "理发") -> str:
    with district.client("resident") as resident:
        reply = resident.post("/api/v1/orders", json={
            "service": service, "place": "东庄社区 3 栋", "description": "上门理发"})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def sign_in(page: Any, server: Server, token: str) -> None:
    page.goto(f"{server.url}/console/login")
    page.fill("#token", token)
    page.click("#sign-in")


def test_a_dispatcher_signs_in_dispatches_with_one_click_and_the_order_leaves_the_queue(
        page: Any, district: District) -> None:
    order = place(district)
    sign_in(page, district.server, district.tokens["dispatcher"])
    row = page.locator(f'tr.order[data-order="{order}"]')
    assert row.count() == 1
    assert page.locator("h1").inner_text() == "待派单的订单"
    suggested = row.locator("button.dispatch").first
    assert suggested.get_attribute("data-team") == district.team  # same community, 理发
    assert "学雷锋志愿理发队" in suggested.inner_text()
    shot(page, "queue")
    suggested.click()
    page.wait_for_selector("#done")
    assert page.locator(f'tr.order[data-order="{order}"]').count() == 0
    shot(page, "dispatched")
    with district.client("dispatcher") as dispatcher:
        shown = dispatcher.get(f"/api/v1/orders/{order}").json()
    assert shown["status"] == "dispatched" and shown["team_id"] == district.team

    page.goto(f"{district.server.url}/console/orders/{order}")
    history = page.locator("#history").inner_text()
    assert "Placed" in history and "Dispatched" in history and "dispatcher:acct-" in history
    shot(page, "order")


def test_a_wrong_token_does_not_sign_in_and_pages_need_signing_in(
        page: Any, district: District) -> None:
    page.goto(f"{district.server.url}/console/queue")
    assert page.url.endswith("/console/login")
    sign_in(page, district.server, "cv_wrong")
    assert page.locator("#failed").count() == 1
    shot(page, "login-refused")


def test_a_resident_signed_in_cannot_dispatch_and_nothing_is_stored(
        page: Any, district: District) -> None:
    order = place(district)
    before = district.server.events()
    sign_in(page, district.server, district.tokens["resident"])
    page.locator(f'tr.order[data-order="{order}"] button.dispatch').first.click()
    assert "PermissionDenied" in page.locator("#refused").inner_text()
    assert district.server.events() == before


def test_the_points_auditor_approves_a_pending_credit(page: Any, district: District) -> None:
    order = place(district)
    with district.client("dispatcher") as dispatcher:
        dispatcher.post(f"/api/v1/orders/{order}/dispatch", json={"team_id": district.team})
    with district.client("barber") as barber:
        barber.post(f"/api/v1/orders/{order}/accept")
        barber.post(f"/api/v1/orders/{order}/complete", json={"hours": "2", "served": 1})
    sign_in(page, district.server, district.tokens["points-auditor"])
    page.goto(f"{district.server.url}/console/points")
    entries = page.locator("tr.entry")
    assert entries.count() >= 1
    entry = entries.first.get_attribute("data-entry")
    shot(page, "points")
    entries.first.locator("button.approve").click()
    page.wait_for_selector("#done")
    assert page.locator(f'tr.entry[data-entry="{entry}"]').count() == 0
    with district.client("points-auditor") as auditor:
        pending = auditor.get("/api/v1/points/pending", params={"limit": 500}).json()["items"]
    assert entry not in [p["entry_id"] for p in pending]

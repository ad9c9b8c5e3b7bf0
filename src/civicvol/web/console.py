"""The dispatcher's console (调度台): server-rendered pages under /console.

Sign in with an account's token (kept in an HttpOnly, SameSite=Strict cookie, so another
site cannot make the browser post a form here); the queue of orders waiting for dispatch with
suggested teams and one-click dispatch; an order's page with its whole history; the points
auditor's pending queue with approve and reject. Every action is the same application command
the API and the CLI make, as the signed-in account. Texts are English in the templates,
shown in Simplified Chinese (``CIVICVOL_LANG`` may choose another catalog).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from civicvol.audit.history import aggregate_history
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError, NotAuthenticated
from civicvol.i18n import DOMAIN, LANG_ENV, LOCALE_DIR
from civicvol.web.accounts import Account
from civicvol.web.api_orders import order_record
from civicvol.web.problems import status_of
from civicvol.web.security import civic
from civicvol.web.suggestions import suggest, team_profiles

COOKIE = "civicvol_console"
PAGE = 50
router = APIRouter(prefix="/console", include_in_schema=False)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    lang = os.environ.get(LANG_ENV) or "zh_CN"
    translations = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang],
                                       fallback=True)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["minute"] = _minute
    return env


def _minute(moment: str | None) -> str:
    """A stored moment in Asia/Shanghai, to the minute."""
    if not moment:
        return "-"
    from datetime import datetime

    try:
        return datetime.fromisoformat(moment).astimezone(DISTRICT_TIME).strftime(
            "%Y-%m-%d %H:%M")
    except ValueError:
        return moment


_env: list[Environment] = []


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    if not _env:
        _env.append(_environment())
    html = _env[0].get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


def _account(request: Request) -> Account | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        with civic(request):
            account: Account = request.app.state.accounts.authenticate(token)
            return account
    except NotAuthenticated:
        return None


def _refused(request: Request, account: Account, error: CivicVolError) -> HTMLResponse:
    return render(request, "console_error.html", status=status_of(error), account=account,
                  error=error, kind=type(error).__name__)


def _sign_in_first() -> Response:
    return RedirectResponse("/console/login", status_code=303)


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "console_login.html", account=None, failed=False)


@router.post("/login")
def login(request: Request, token: str = Form(..., max_length=200)) -> Response:
    try:
        with civic(request):
            request.app.state.accounts.authenticate(token.strip())
    except NotAuthenticated:
        return render(request, "console_login.html", status=401, account=None, failed=True)
    reply = RedirectResponse("/console/queue", status_code=303)
    reply.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict",
                     path="/console")
    return reply


@router.post("/logout")
def logout() -> Response:
    reply = RedirectResponse("/console/login", status_code=303)
    reply.delete_cookie(COOKIE, path="/console")
    return reply


@router.get("")
def home() -> Response:
    return RedirectResponse("/console/queue", status_code=303)


@router.get("/queue")
def queue(request: Request, done: str | None = None) -> Response:
    account = _account(request)
    if account is None:
        return _sign_in_first()
    with civic(request) as app:
        orders = app.views.orders.queue(limit=PAGE)
        profiles = team_profiles(app.views)
    rows = [(o, suggest(o, profiles)) for o in orders]
    return render(request, "console_queue.html", account=account, rows=rows, done=done,
                  teams=profiles)


@router.post("/orders/{order_id}/dispatch")
def dispatch(order_id: str, request: Request,
             team_id: str = Form(..., max_length=100)) -> Response:
    account = _account(request)
    if account is None:
        return _sign_in_first()
    try:
        with civic(request) as app:
            request.app.state.write_rate.take(account.id)
            app.dispatch_order(account.actor, order_id, team_id)
    except CivicVolError as error:
        return _refused(request, account, error)
    return RedirectResponse(f"/console/queue?done={order_id}", status_code=303)


@router.get("/orders/{order_id}")
def order_page(order_id: str, request: Request) -> Response:
    account = _account(request)
    if account is None:
        return _sign_in_first()
    try:
        with civic(request) as app:
            order = order_record(app, order_id)
            history = aggregate_history(app, order["id"])
    except CivicVolError as error:
        return _refused(request, account, error)
    return render(request, "console_order.html", account=account, order=order,
                  history=history)


@router.get("/points")
def points(request: Request, done: str | None = None) -> Response:
    account = _account(request)
    if account is None:
        return _sign_in_first()
    with civic(request) as app:
        pending = app.views.points.pending(limit=PAGE)
    return render(request, "console_points.html", account=account, pending=pending,
                  done=done)


@router.post("/points/{volunteer_id}/{action}")
def audit_points(volunteer_id: str, action: str, request: Request,
                 entry_id: str = Form(..., max_length=100),
                 reason: str = Form("", max_length=2000)) -> Response:
    account = _account(request)
    if account is None:
        return _sign_in_first()
    try:
        with civic(request) as app:
            request.app.state.write_rate.take(account.id)
            if action == "approve":
                app.approve_points(account.actor, volunteer_id, entry_id)
            elif action == "reject":
                app.reject_points(account.actor, volunteer_id, entry_id, reason)
            else:
                return render(request, "console_error.html", status=404, account=account,
                              error="approve or reject", kind="NotFound")
    except CivicVolError as error:
        return _refused(request, account, error)
    return RedirectResponse(f"/console/points?done={entry_id}", status_code=303)

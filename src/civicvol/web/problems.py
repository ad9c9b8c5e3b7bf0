"""RFC 9457 problem details for every refusal: a CivicVolError, a malformed request, an
unknown route. The status says the kind of refusal; ``error`` names the CivicVolError class."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from civicvol.domain import errors as e
from civicvol.i18n import _
from civicvol.plugins.errors import PluginHookFailed

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)

# The first class in the error's MRO found here decides the status.
STATUS: dict[type[e.CivicVolError], int] = {
    e.NotAuthenticated: 401,
    e.PermissionDenied: 403,
    e.NotFound: 404,
    e.RequestTooLarge: 413,
    e.InvalidInput: 400,
    e.RateLimited: 429,
    e.ConcurrentChange: 409,
    e.RuleViolation: 409,
    PluginHookFailed: 500,
    e.StoreError: 503,
}
_KEBAB = re.compile(r"(?<!^)(?=[A-Z])")


_SCHEMA = {"type": "object", "required": ["type", "title", "status", "detail", "error"],
           "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                          "status": {"type": "integer"}, "detail": {"type": "string"},
                          "error": {"type": "string"}}}
# Every refusal a staff API route can answer, for the OpenAPI description.
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": {PROBLEM: {"schema": _SCHEMA}}}
    for status, description in (
        (400, "Bad input (InvalidInput and its kinds, a malformed request)."),
        (401, "No token, an unknown one, or a revoked one (NotAuthenticated)."),
        (403, "The account's role may not (PermissionDenied)."),
        (404, "Unknown id or route (NotFound)."),
        (409, "A rule refuses it now, or a concurrent change (RuleViolation, "
              "ConcurrentChange)."),
        (413, "The body is too large (RequestTooLarge)."),
        (429, "Too many writes from this account (RateLimited)."),
        (503, "The store is unavailable (StoreError)."))}


def status_of(error: e.CivicVolError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 400


def problem(status: int, error: str, detail: str, title: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:civicvol:error:{_KEBAB.sub('-', error).lower()}",
            "title": title or _title(status), "status": status, "detail": detail,
            "error": error, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _title(status: int) -> str:
    return {400: _("Bad input"), 401: _("Not signed in"), 403: _("Not allowed"),
            404: _("Not found"), 405: _("Method not allowed"), 409: _("Conflict"),
            413: _("Request too large"), 429: _("Too many writes"),
            503: _("Store unavailable")}.get(status, _("Server error"))


def _theirs(request: Request, error: Exception) -> Response | None:
    """Under /open311 the errors are Open311's own format, when its module gives one
    (``civicvol.web.open311.error_response(request, error) -> Response | None``)."""
    respond = getattr(request.app.state, "open311_errors", None)
    if respond is None or not request.url.path.startswith("/open311/"):
        return None
    reply: Response | None = respond(request, error)
    return reply


def civic_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, e.CivicVolError)
    theirs = _theirs(request, error)
    if theirs is not None:
        return theirs
    status = status_of(error)
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="civicvol"'
    if status == 429:
        headers["Retry-After"] = str(getattr(error, "retry_after", 1))
    if status >= 500:
        log.error("%s on %s %s: %s", type(error).__name__, request.method, request.url.path,
                  error)
    return problem(status, type(error).__name__, str(error), headers=headers)


def invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    theirs = _theirs(request, error)
    if theirs is not None:
        return theirs
    mistakes = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()))
        mistakes.append({"where": where, "problem": str(item.get("msg", ""))})
    detail = "; ".join(f"{m['where']}: {m['problem']}" for m in mistakes[:5])
    return problem(400, "InvalidInput", _("the request is malformed: {detail}; see "
                                          "/openapi.json for what it takes").format(
                                              detail=detail), mistakes=mistakes)


def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    theirs = _theirs(request, error)
    if theirs is not None:
        return theirs
    name = {404: "NotFound", 405: "MethodNotAllowed", 413: "RequestTooLarge"}.get(
        error.status_code, "InvalidInput")
    status = error.status_code if error.status_code < 500 else 400
    detail = str(error.detail)
    if error.status_code == 404:
        detail = _("no such endpoint: {path}; see /openapi.json").format(path=request.url.path)
    return problem(status, name, detail, headers=dict(error.headers or {}))


def unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "ServerError", _("the service failed on this request; nothing was "
                                         "stored unless a later read shows it; tell the "
                                         "district's operator"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.CivicVolError, civic_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)

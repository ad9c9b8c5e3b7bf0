"""Two guards in front of the API: a body-size limit (as an ASGI middleware, so a huge body
is refused before it is read whole) and a per-account token bucket on writes.

The bucket lives in the server process: with ``--workers N`` each process keeps its own, so
an account may make up to N times the rate; good enough to stop a runaway client.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from starlette.exceptions import HTTPException

from civicvol.domain.errors import RateLimited
from civicvol.i18n import _

MAX_BODY = 64 * 1024


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app: Any, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({
            "type": "urn:civicvol:error:request-too-large", "title": _("Request too large"),
            "status": 413, "error": "RequestTooLarge",
            "detail": _("the request body is larger than {n} bytes; send less").format(
                n=self.limit)}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised while the body streams in: FastAPI passes an HTTPException on untouched, and
    the problem handlers render it as 413."""

    def __init__(self) -> None:
        super().__init__(413, _("the request body is too large; send less"))


class WriteRate:
    """A token bucket per account: ``burst`` writes at once, refilled at ``rate`` a second."""

    def __init__(self, rate: float = 10.0, burst: int = 30) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, account_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(account_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens < 1:
                wait = max(1, int((1 - tokens) / self.rate + 0.999))
                error = RateLimited(_("account {id} made more than {rate:g} writes a second; "
                                      "nothing was stored; retry in {wait} s").format(
                                          id=account_id, rate=self.rate, wait=wait))
                error.retry_after = wait  # type: ignore[attr-defined]
                self._buckets[account_id] = (tokens, now)
                raise error
            self._buckets[account_id] = (tokens - 1, now)

"""Lists come in pages (``limit``/``offset`` and a ``next`` link); records carry an ETag
and answer ``If-None-Match`` with 304."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import BaseModel, StringConstraints

Limit = Annotated[int, Query(ge=1, le=500, description="Rows in a page.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")]
# A filter: one printable line, short (no NUL or control character reaches a database).
Filter = Annotated[str, StringConstraints(min_length=1, max_length=200,
                                          pattern=r"^[^\x00-\x1f\x7f]+$")]
RECORD: dict[int | str, dict[str, Any]] = {200: {"description": "The record (with an ETag).",
                "content": {"application/json": {"schema": {"type": "object"}}}},
          304: {"description": "Not modified since the ETag given in If-None-Match."}}


class Page(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    next: str | None = None


def paged(request: Request, fetch: Callable[[int, int], list[dict[str, Any]]], limit: int,
          offset: int) -> Page:
    """One page of ``fetch(limit, offset)``; one row more is read to know there is a next."""
    rows = fetch(limit + 1, offset)
    more = len(rows) > limit
    next_link = (str(request.url.include_query_params(limit=limit, offset=offset + limit))
                 if more else None)
    return Page(items=rows[:limit], limit=limit, offset=offset, next=next_link)


def record(request: Request, data: dict[str, Any]) -> Response:
    """The record as JSON with a strong ETag of its content; 304 when the client has it."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    wanted = request.headers.get("if-none-match", "")
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    if etag in tags or "*" in tags:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})

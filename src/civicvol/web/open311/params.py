"""What an Open311 client sends, read strictly: UTF-8 only, each parameter once, numbers and
dates that parse, so that a mistake is a 400 with a reason and never reaches a command."""

from __future__ import annotations

import math
import re
from datetime import datetime
from urllib.parse import parse_qsl

from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _

MAX_BODY = 64 * 1024
MULTI = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
Params = list[tuple[str, str]]


def parse_form(body: bytes) -> Params:
    """An ``application/x-www-form-urlencoded`` body (the spec's POST), as UTF-8 text."""
    if len(body) > MAX_BODY:
        raise InvalidInput(_("the request body has {size} bytes; send at most {most}")
                           .format(size=len(body), most=MAX_BODY))
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=200)
    except UnicodeDecodeError:
        raise InvalidInput(_("the request is not UTF-8 text; Open311 requires UTF-8 "
                             "everywhere")) from None
    except ValueError as error:
        raise InvalidInput(_("the request body is not form data: {error}").format(
            error=error)) from None


def single(params: Params, name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise InvalidInput(_("{name} is given {n} times; give it once").format(
            name=name, n=len(values)))
    return values[0] if values else None


def attributes(params: Params) -> dict[str, str | list[str]]:
    """``attribute[CODE]=v`` (and ``attribute[CODE][]=v`` repeated, for a multivaluelist)."""
    found: dict[str, list[str]] = {}
    for key, value in params:
        match = MULTI.match(key)
        if match:
            found.setdefault(match.group(1), []).append(value)
    return {code: values[0] if len(values) == 1 else values for code, values in found.items()}


def coordinate(params: Params, name: str, limit: float) -> float | None:
    text = single(params, name)
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise InvalidInput(_("{name} {text!r} is not a number of degrees between -{limit} "
                             "and {limit}").format(name=name, text=text, limit=f"{limit:g}"))
    return value


def moment(params: Params, name: str) -> str | None:
    """A date and time with its zone, as the views store them (district time, ISO 8601)."""
    text = single(params, name)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidInput(_("{name} {text!r} is not an ISO 8601 date and time with its zone, "
                             "e.g. 2026-12-01T09:30:00+08:00 or 2026-12-01T01:30:00Z").format(
                                 name=name, text=text))
    return value.astimezone(DISTRICT_TIME).isoformat(timespec="seconds")


def whole(params: Params, name: str, default: int, low: int, high: int) -> int:
    text = single(params, name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(_("{name} {text!r} must be a whole number from {low} to {high}")
                           .format(name=name, text=text, low=low, high=high))
    return int(text)

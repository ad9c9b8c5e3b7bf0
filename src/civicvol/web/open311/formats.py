"""Open311's two formats: ``.xml`` (the spec's required one) and ``.json``, chosen by the
path's suffix, and Open311's own error format (a list of ``{code, description}``)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from starlette.responses import Response

FORMATS = ("json", "xml")
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element each member of a list is written as, by the list's own element name.
ITEMS = {"services": "service", "attributes": "attribute", "values": "value",
         "service_requests": "request", "endpoints": "endpoint", "formats": "format",
         "errors": "error", "service_request_updates": "request_update"}


def render(fmt: str, root: str, data: Any, status_code: int = 200) -> Response:
    """``data`` (a list or an object) under the element ``root`` in XML, or as it is in
    JSON."""
    if fmt == "json":
        import json

        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        element = ElementTree.Element(root)
        _fill(element, data)
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
            element, encoding="utf-8", xml_declaration=False)
    return Response(body, status_code=status_code, media_type=MEDIA_TYPES[fmt])


def errors(fmt: str, status_code: int, description: str) -> Response:
    """Open311's error answer: one error with the HTTP status as its code."""
    return render(fmt if fmt in FORMATS else "xml", "errors",
                  [{"code": status_code, "description": description}], status_code)


def _fill(element: ElementTree.Element, data: Any) -> None:
    if isinstance(data, list):
        item = ITEMS.get(element.tag, "item")
        for value in data:
            _fill(ElementTree.SubElement(element, item), value)
    elif isinstance(data, dict):
        for key, value in data.items():
            _fill(ElementTree.SubElement(element, key), value)
    elif data is None:
        return
    elif isinstance(data, bool):
        element.text = "true" if data else "false"
    else:
        element.text = str(data)

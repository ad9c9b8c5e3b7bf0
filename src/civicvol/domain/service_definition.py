"""The service catalogue's values: a service's definition and the attributes a request for it
carries (the aggregate that keeps them is :mod:`civicvol.domain.service_catalogue`).

Each service has a code (what Open311 calls ``service_code``), a Chinese and an English name,
a group and keywords, and the attributes a request for it carries (Open311's service
definition). Administrators add, change and retire services; a retired code stays in the
catalogue, so the orders that named it still read, and is never given to another service.
The whole district has one catalogue: a small aggregate with a fixed id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import attrs

from civicvol.domain.errors import (
    InvalidAttributeValue,
    InvalidServiceDefinition,
)
from civicvol.domain.text import clean_text
from civicvol.domain.values import check_name, check_text
from civicvol.i18n import N_, _

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
MAX_ATTRIBUTES = 30
MAX_VALUES = 100
MAX_KEYWORDS = 20


class AttributeType(StrEnum):
    """Open311's attribute datatypes."""

    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"


def check_code(value: object, what: str = "service code") -> str:
    code = clean_text(value, what).strip()
    if not CODE_PATTERN.match(code):
        raise InvalidServiceDefinition(_(
            "the {what} {value!r} must be 1 to 40 letters, digits, '-', '_' or '.', starting "
            "with a letter or digit (e.g. haircut or 001)").format(what=what, value=value))
    return code


@attrs.frozen
class AttributeValue:
    """One choice of a list attribute: the ``key`` sent, the ``name`` shown."""

    key: str
    name: str

    @classmethod
    def checked(cls, key: str, name: str) -> AttributeValue:
        return cls(key=check_code(key, "attribute value key"),
                   name=check_name(name, N_("attribute value name")))


@attrs.frozen
class ServiceAttribute:
    """One question a request for the service answers (Open311's ``attribute``)."""

    code: str
    datatype: AttributeType
    description: str
    required: bool = False
    order: int = 1
    values: tuple[AttributeValue, ...] = ()
    datatype_description: str = ""

    @classmethod
    def checked(cls, code: str, datatype: str, description: str, required: bool = False,
                order: int = 1, values: Iterable[AttributeValue] = (),
                datatype_description: str = "") -> ServiceAttribute:
        try:
            kind = AttributeType(datatype)
        except ValueError:
            raise InvalidServiceDefinition(
                _("attribute datatype {datatype!r} is not one of {choices}").format(
                  datatype=datatype, choices=', '.join(t.value for t in AttributeType))) from None
        if not isinstance(required, bool):
            raise InvalidServiceDefinition(_("attribute {code!r}: required must be "
                                             "true or false").format(
                                             code=code))
        if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= 1000:
            raise InvalidServiceDefinition(_("attribute {code!r}: order must be 1 to 1000").format(
                                             code=code))
        choices = tuple(values)
        is_list = kind in (AttributeType.SINGLEVALUELIST, AttributeType.MULTIVALUELIST)
        if is_list != bool(choices) or len(choices) > MAX_VALUES:
            raise InvalidServiceDefinition(
                _("attribute {code!r}: a {kind} attribute needs 1 to {most} values").format(
                  code=code, kind=kind.value, most=MAX_VALUES) if is_list else
                _("attribute {code!r}: a {kind} attribute needs no values").format(
                  code=code, kind=kind.value))
        if len({v.key for v in choices}) != len(choices):
            raise InvalidServiceDefinition(_("attribute {code!r} lists a value key twice").format(
                                             code=code))
        return cls(code=check_code(code, "attribute code"), datatype=kind,
                   description=check_text(description, "attribute description", required=True),
                   required=required, order=order, values=choices,
                   datatype_description=check_text(datatype_description,
                                                   "datatype description"))

    def check_value(self, value: str | Sequence[str]) -> str | tuple[str, ...]:
        """The value a request gives, checked against the definition (a multivaluelist takes
        several keys, every other datatype one text)."""
        if self.datatype is AttributeType.MULTIVALUELIST:
            keys = (value,) if isinstance(value, str) else tuple(value)
            for key in keys:
                self._check_key(key)
            return tuple(dict.fromkeys(keys))
        if not isinstance(value, str):
            raise InvalidAttributeValue(_("attribute {code!r} takes one value, not {n}")
                                        .format(code=self.code, n=len(value)))
        text = check_text(value, f"attribute {self.code}",
                          multiline=self.datatype is AttributeType.TEXT)
        if self.datatype is AttributeType.SINGLEVALUELIST:
            self._check_key(text)
        elif self.datatype is AttributeType.NUMBER:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                raise InvalidAttributeValue(_(
                    "attribute {code!r} is a number, not {value!r}; give e.g. 3 or 2.5")
                    .format(code=self.code, value=value))
        elif self.datatype is AttributeType.DATETIME:
            try:
                datetime.fromisoformat(text)
            except ValueError:
                raise InvalidAttributeValue(_(
                    "attribute {code!r} is a date and time, not {value!r}; give ISO 8601, "
                    "e.g. 2026-12-02T09:30:00+08:00").format(code=self.code, value=value)
                ) from None
        return text

    def _check_key(self, key: object) -> None:
        if key not in {v.key for v in self.values}:
            raise InvalidAttributeValue(_(
                "attribute {code!r} has no value {key!r}; give one of {keys}").format(
                    code=self.code, key=key, keys=", ".join(v.key for v in self.values)))


@attrs.frozen
class ServiceDefinition:
    """A service of the catalogue. ``plugin`` names the plug-in that offers it ('' for the
    district's own)."""

    code: str
    name_zh: str
    name_en: str
    group: str = ""
    keywords: tuple[str, ...] = ()
    description: str = ""
    attributes: tuple[ServiceAttribute, ...] = ()
    plugin: str = ""

    @classmethod
    def checked(cls, code: str, name_zh: str, name_en: str, group: str = "",
                keywords: Iterable[str] = (), description: str = "",
                attributes: Iterable[ServiceAttribute] = (),
                plugin: str = "") -> ServiceDefinition:
        if isinstance(keywords, str):
            keywords = [k for k in re.split(r"[,，]", keywords) if k.strip()]
        words = tuple(dict.fromkeys(check_name(k, N_("keyword")) for k in keywords))
        questions = tuple(sorted(attributes, key=lambda a: (a.order, a.code)))
        if len(words) > MAX_KEYWORDS or len(questions) > MAX_ATTRIBUTES:
            raise InvalidServiceDefinition(_("a service has at most {max_keywords} keywords and "
                                             "{max_attributes} attributes").format(
                                             max_keywords=MAX_KEYWORDS,
                                             max_attributes=MAX_ATTRIBUTES))
        if len({a.code for a in questions}) != len(questions):
            raise InvalidServiceDefinition(_("service {code!r} names an attribute "
                                             "code twice").format(
                                             code=code))
        return cls(code=check_code(code), name_zh=check_name(name_zh, N_("Chinese name")),
                   name_en=check_name(name_en, N_("English name")),
                   group=check_text(group, "service group", multiline=False),
                   keywords=words, description=check_text(description, "service description"),
                   attributes=questions, plugin=plugin)

    def names(self) -> set[str]:
        return {self.code, self.name_zh, self.name_en.casefold()}

    def check_attributes(self, given: Mapping[str, str | Sequence[str]]
                         ) -> dict[str, str | list[str]]:
        """A request's attribute values checked against the definition: unknown codes and
        missing required ones are refused."""
        known = {a.code: a for a in self.attributes}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise InvalidAttributeValue(_(
                "service {code!r} has no attribute {name!r}; its attributes are {names}")
                .format(code=self.code, name=unknown[0], names=", ".join(known) or "-"))
        checked: dict[str, str | list[str]] = {}
        for code, attribute in known.items():
            value = given.get(code)
            if value in (None, "", [], ()):
                if attribute.required:
                    raise InvalidAttributeValue(_(
                        "service {service!r} needs attribute {code!r} ({description})")
                        .format(service=self.code, code=code,
                                description=attribute.description))
                continue
            assert value is not None
            result = attribute.check_value(value)
            checked[code] = list(result) if isinstance(result, tuple) else result
        return checked

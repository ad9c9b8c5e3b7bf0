"""Value objects: frozen ``attrs`` classes, compared by value, checked on construction.

They are persisted inside events through the transcodings in :mod:`civicvol.app.transcodings`.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from uuid import UUID

import attrs

from civicvol.domain.errors import (
    InvalidHours,
    InvalidInput,
    InvalidName,
    InvalidNationalNumber,
    InvalidPhone,
    InvalidPoints,
    InvalidRating,
)
from civicvol.domain.text import clean_text
from civicvol.i18n import _

MAX_NAME_LENGTH = 60
MAX_TEXT_LENGTH = 2000
# One order is one visit: more than a day of service in one order is a typing mistake.
MAX_HOURS_PER_ORDER = Decimal(24)
MAX_SERVED_PER_ORDER = 10_000
MAX_POINTS_PER_ENTRY = 100_000
# Mainland mobile numbers (11 digits, starting 1) and landlines with an area code.
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# The number 全国志愿服务信息系统 gives a person: letters and digits; the bounds only catch a
# cell that holds something else (a phone cut short, a note, a whole paragraph).
NATIONAL_NUMBER_LENGTH = (6, 32)
NATIONAL_NUMBER_PATTERN = re.compile(r"^[0-9A-Z]+$")


class Role(StrEnum):
    """What an actor is acting as. The role decides which commands it may make."""

    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    LEADER = "leader"
    DISPATCHER = "dispatcher"
    POINTS_AUDITOR = "points-auditor"
    STATION_KEEPER = "station-keeper"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    SYSTEM = "system"


MAX_ACTOR_ID_LENGTH = 100


def _check_actor_part(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    what = f"actor's {attribute.name}"
    text = clean_text(value, what)
    if not text.strip() or text != text.strip():
        raise InvalidInput(_("the {what} {value!r} is empty or padded; give e.g. "
                             "Actor('resident', 'r-1001')").format(what=what, value=value))
    if len(text) > MAX_ACTOR_ID_LENGTH:
        raise InvalidInput(_("the {what} has {count} characters; give at most "
                             "{MAX_ACTOR_ID_LENGTH}").format(
                             what=what, count=len(text), MAX_ACTOR_ID_LENGTH=MAX_ACTOR_ID_LENGTH))


@attrs.frozen
class Actor:
    """Who makes a command: a role and an id (a volunteer's id, a resident's account, ...).

    Both are non-empty single-line texts of at most 100 characters (else InvalidInput);
    whether the role is known is checked when the actor makes a command.
    """

    role: str = attrs.field(validator=_check_actor_part)
    id: str = attrs.field(validator=_check_actor_part)

    @classmethod
    def parse(cls, text: str) -> Actor:
        """Read ``ROLE:ID`` as given to ``civicvol --as``."""
        role, sep, ident = text.partition(":")
        if not sep or not ident.strip():
            raise InvalidInput(
                _("actor {text!r} is not ROLE:ID; write it like 'resident:r-1001' or "
                  "'volunteer:<volunteer id>'").format(text=text)
            )
        return cls(role=role.strip(), id=ident.strip())

    def __str__(self) -> str:
        return f"{self.role}:{self.id}"


SYSTEM = Actor(role=Role.SYSTEM.value, id="civicvol")


class TeamKind(StrEnum):
    """区级志愿服务总队 / 常备队伍 / 特色队伍."""

    CORPS = "corps"
    STANDING = "standing"
    SPECIAL = "special"


class OrderStatus(StrEnum):
    """Where a service order stands in the 点单 → 审单 → 派单 → 接单 → 评单 cycle."""

    REVIEWING = "reviewing"  # 审核中: placed where the district reviews orders
    REJECTED = "rejected"  # 已拒绝: the centre's review turned it down, with a reason
    PLACED = "placed"
    OFFERED = "offered"  # in a pool of teams (抢单), waiting for one to claim it
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    RATED = "rated"
    CLOSED_UNRATED = "closed-unrated"  # completed and not rated within the district's days
    CANCELLED = "cancelled"


class EntryStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVERSED = "reversed"


ERASED = "[erased]"


def new_subject() -> UUID:
    """A new data subject's id, ordered by creation time (the layout of UUID version 7), so
    that people registered together sit together wherever subjects are indexed."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # the RFC 4122 variant
    return UUID(int=value)


@attrs.frozen
class ContactDetails:
    """A volunteer's personal data. It lives only in the volunteer's own events.

    ``subject`` names the person the details belong to (the data subject): it stays the same
    when the details change, so that everything stored about one person can be erased at
    once. Details stored before subjects existed have none.
    """

    name: str
    phone: str
    subject: UUID | None = None
    # 全国志愿者编号, "" when the person has none (or it is not known yet): it identifies the
    # person, so it is sealed and erased with the name and phone.
    national_number: str = ""

    @classmethod
    def checked(cls, name: str, phone: str, subject: UUID | None = None,
                national_number: str | None = "") -> ContactDetails:
        return cls(name=check_name(name, "volunteer's name"), phone=check_phone(phone),
                   subject=subject or new_subject(),
                   national_number=check_national_number(national_number))

    @classmethod
    def erased(cls, subject: UUID | None) -> ContactDetails:
        """What is left of the details once the person's data has been erased."""
        return cls(name=ERASED, phone=ERASED, subject=subject)

    @property
    def is_erased(self) -> bool:
        return self.name == ERASED


@attrs.frozen
class Source:
    """What earned (or spent) points: an order, a clue, a session ... ``kind`` names the thing.

    ``id`` is the aggregate id of the record that earned the points (the order, the clue, the
    session), so that ``audit trace-points`` can follow a credit to the event that earned it;
    several credits of one record add ``/`` and a part (``"<drive id>/L3"``, a drive's third
    log line). The plug-in test kit checks that every credit names a stored record.
    """

    kind: str
    id: str

    @property
    def record_id(self) -> UUID | None:
        """The id of the record named (the part of ``id`` before any ``/``), or None when
        ``id`` is not a record's id."""
        try:
            return UUID(self.id.partition("/")[0])
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Source:
        kind, _, ident = text.partition(":")
        return cls(kind=kind, id=ident)


@attrs.frozen
class PointsEntry:
    """One line of a point account. Credits wait for the points audit; redemptions spend."""

    entry_id: str
    kind: str  # "credit" or "redemption"
    points: int
    source: Source
    status: EntryStatus
    reason: str = ""
    gift: str = ""
    station: str = ""


# --- checks shared by the aggregates -------------------------------------------------------------
def check_name(value: str, what: str) -> str:
    text = clean_text("" if value is None else value, what).strip()
    if not text:
        raise InvalidName(_("the {what} is empty; give a name of 1 to {MAX_NAME_LENGTH} "
                            "characters").format(what=_(what), MAX_NAME_LENGTH=MAX_NAME_LENGTH))
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidName(
            _("the {what} has {count} characters; shorten it to at most {MAX_NAME_LENGTH}").format(
              what=_(what), count=len(text), MAX_NAME_LENGTH=MAX_NAME_LENGTH)
        )
    return text


def check_text(value: str, what: str, *, required: bool = False,
               multiline: bool = True) -> str:
    text = clean_text("" if value is None else value, what, multiline=multiline).strip()
    if required and not text:
        raise InvalidInput(_("the {what} is empty; describe it in a few words").format(
                             what=_(what)))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(
            _("the {what} has {count} characters; shorten it to at most {MAX_TEXT_LENGTH}").format(
              what=_(what), count=len(text), MAX_TEXT_LENGTH=MAX_TEXT_LENGTH)
        )
    return text


def check_phone(value: str) -> str:
    text = clean_text("" if value is None else value, "phone number").replace(" ", "").strip()
    if not PHONE_PATTERN.match(text):
        raise InvalidPhone(
            _("phone number {value!r} is not a mainland mobile (11 digits starting 1, e.g. "
              "13800138000) or a landline with area code (e.g. 0871-63123456)").format(
              value=value)
        )
    return text


def check_national_number(value: str | int | None) -> str:
    """A national volunteer number, spaces dropped and letters in capitals; "" for none.

    Raises InvalidNationalNumber unless it is 6 to 32 letters and digits."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):  # a spreadsheet's number
        value = str(value)
    text = clean_text(value, "national volunteer number")
    # Full-width digits and letters (typed with a Chinese input method) read as ASCII.
    text = unicodedata.normalize("NFKC", text).replace(" ", "").strip().upper()
    low, high = NATIONAL_NUMBER_LENGTH
    if text and not (NATIONAL_NUMBER_PATTERN.match(text) and low <= len(text) <= high):
        raise InvalidNationalNumber(
            _("national volunteer number {value!r} is not {low} to {high} letters and digits "
              "(as the national volunteer system gives it, e.g. 53010200000001); give the "
              "number without spaces or dashes").format(value=value, low=low, high=high))
    return text


def check_hours(value: Decimal | float | str | int) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise InvalidHours(_("service hours {value!r} is not a number; give e.g. 2 or 1.5").format(
                             value=value)) from None
    if not hours.is_finite():
        raise InvalidHours(_("service hours {value!r} is not a number; give e.g. 2 or 1.5").format(
                             value=value))
    if hours <= 0:
        raise InvalidHours(_("service hours must be more than 0, not {value}; give e.g. 2 "
                             "or 1.5").format(value=value))
    if hours > MAX_HOURS_PER_ORDER:
        raise InvalidHours(
            _("{value} service hours for one order is more than a day; give at most "
              "{MAX_HOURS_PER_ORDER} (record a longer service as several orders)").format(
              value=value, MAX_HOURS_PER_ORDER=MAX_HOURS_PER_ORDER)
        )
    if hours != hours.quantize(Decimal("0.01")):
        raise InvalidHours(_("service hours {value} has too many decimals; round to 0.01 "
                             "hours").format(value=value))
    return hours.normalize() if hours == hours.to_integral() else hours


def check_served(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(_("people served must be a whole number 0 or more, "
                             "not {value!r}").format(value=value))
    if value > MAX_SERVED_PER_ORDER:
        raise InvalidInput(
            _("{value} people served in one order is implausible; give at most "
              "{MAX_SERVED_PER_ORDER}").format(
              value=value, MAX_SERVED_PER_ORDER=MAX_SERVED_PER_ORDER)
        )
    return value


def check_stars(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise InvalidRating(_("a rating is 1 to 5 stars, not {value!r}; give a whole "
                              "number 1..5").format(value=value))
    return value


def check_points(value: int, what: str = "points") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidPoints(_("{what} must be a whole number above 0, not {value!r}").format(
                              what=what, value=value))
    if value > MAX_POINTS_PER_ENTRY:
        raise InvalidPoints(_("{value} {what} in one entry is implausible; give at most "
                              "{MAX_POINTS_PER_ENTRY}").format(
                              value=value, what=what, MAX_POINTS_PER_ENTRY=MAX_POINTS_PER_ENTRY))
    return value

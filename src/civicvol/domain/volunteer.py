"""志愿者: a registered volunteer, with contact details and a running total of service hours."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import (
    InvalidInput,
    InvalidNationalNumber,
    PersonalDataErased,
    VolunteerAlreadyActive,
    VolunteerHasLeft,
    VolunteerNotActive,
)
from civicvol.domain.values import (
    Actor,
    ContactDetails,
    check_hours,
    check_name,
    check_national_number,
    check_text,
    new_subject,
)
from civicvol.i18n import _

MAX_SKILLS = 20


class VolunteerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


def check_skills(skills: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(check_name(s, "skill") for s in skills))
    if len(cleaned) > MAX_SKILLS:
        raise InvalidInput(_("{count} skills given; list at most {most}").format(
            count=len(cleaned), most=MAX_SKILLS))
    return cleaned


class Volunteer(CivicAggregate):
    """A person registered to serve. Personal data stays in this aggregate's events only."""

    @event("Registered")
    def __init__(
        self, contact: ContactDetails, community: str, skills: tuple[str, ...], by: Actor
    ) -> None:
        self.contact = contact
        self.community = community
        self.skills = tuple(skills)
        self.status = VolunteerStatus.ACTIVE
        self.service_hours = Decimal(0)
        self.orders_completed = 0
        self.personal_data_erased = False

    @classmethod
    def register(
        cls,
        name: str,
        phone: str,
        community: str,
        by: Actor,
        skills: tuple[str, ...] | list[str] = (),
        national_number: str | None = "",
    ) -> Volunteer:
        return cls(
            contact=ContactDetails.checked(name, phone, national_number=national_number),
            community=check_name(community, "community"),
            skills=check_skills(skills),
            by=by,
        )

    # --- checks ------------------------------------------------------------------------------
    def check_is_active(self) -> None:
        if self.status is VolunteerStatus.SUSPENDED:
            raise VolunteerNotActive(
                _("volunteer {id} is suspended; an administrator must reactivate them "
                  "first").format(id=self.id))
        self.check_has_not_left()

    def check_is_not_erased(self) -> None:
        if self.personal_data_erased:
            raise PersonalDataErased(
                _("volunteer {id}'s personal data was erased; register the person again if "
                  "they come back").format(id=self.id))

    def check_has_not_left(self) -> None:
        if self.status is VolunteerStatus.LEFT:
            raise VolunteerHasLeft(
                _("volunteer {id} has left the service; register them again to come "
                  "back").format(id=self.id))

    # --- commands ----------------------------------------------------------------------------
    def update_contact(self, name: str, phone: str, by: Actor) -> None:
        self.check_has_not_left()
        self.check_is_not_erased()
        self._update_contact(ContactDetails.checked(
            name, phone, self.contact.subject, self.contact.national_number), by)

    def record_national_number(self, national_number: str, by: Actor) -> str:
        """Set or correct the person's national volunteer number (全国志愿者编号). It is part
        of their contact details, so the change is a ``ContactUpdated`` like any other: sealed
        under the person's key, and erased with the rest. Returns the number as kept."""
        self.check_has_not_left()
        self.check_is_not_erased()
        checked = check_national_number(national_number)
        if not checked:
            raise InvalidNationalNumber(_("the national volunteer number is empty; give the "
                                          "number the national volunteer system gave the "
                                          "person"))
        self._update_contact(attrs.evolve(self.contact, national_number=checked,
                                          subject=self.contact.subject or new_subject()), by)
        return checked

    @event("ContactUpdated")
    def _update_contact(self, contact: ContactDetails, by: Actor) -> None:
        self.contact = contact

    def suspend(self, reason: str, by: Actor) -> None:
        self.check_is_active()
        self._suspend(check_text(reason, "reason for the suspension", required=True), by)

    @event("Suspended")
    def _suspend(self, reason: str, by: Actor) -> None:
        self.status = VolunteerStatus.SUSPENDED

    def reactivate(self, by: Actor) -> None:
        self.check_has_not_left()
        if self.status is VolunteerStatus.ACTIVE:
            raise VolunteerAlreadyActive(_("volunteer {id} is already active; only a "
                                           "suspended volunteer can be reactivated").format(
                                           id=self.id))
        self._reactivate(by)

    @event("Reactivated")
    def _reactivate(self, by: Actor) -> None:
        self.status = VolunteerStatus.ACTIVE

    def leave(self, reason: str, by: Actor) -> None:
        self.check_has_not_left()
        self._leave(check_text(reason, "reason for leaving", required=True), by)

    @event("Left")
    def _leave(self, reason: str, by: Actor) -> None:
        self.status = VolunteerStatus.LEFT

    def record_service(self, order_id: UUID, hours: Decimal, by: Actor) -> None:
        self.check_is_active()
        self._record_service(order_id, hours, by)

    @event("ServiceRecorded")
    def _record_service(self, order_id: UUID, hours: Decimal, by: Actor) -> None:
        self.service_hours += hours
        self.orders_completed += 1

    def add_hours(self, hours: Decimal | float | str, reason: str, by: Actor) -> Decimal:
        """Hours an administrator adds afterwards, with a reason: kept apart from the hours
        recorded at activities (``service_hours``)."""
        self.check_has_not_left()
        checked = check_hours(hours)
        self._add_hours(checked, check_text(reason, "reason for adding hours", required=True),
                        by)
        return checked

    @event("HoursAdded")
    def _add_hours(self, hours: Decimal, reason: str, by: Actor) -> None:
        self.added_hours = self.added_hours + hours

    @property
    def added_hours(self) -> Decimal:
        return Decimal(self.__dict__.get("_added_hours", 0))

    @added_hours.setter
    def added_hours(self, hours: Decimal) -> None:
        self.__dict__["_added_hours"] = hours

    def erase_personal_data(self, reason: str, by: Actor) -> None:
        """Record that the person's data is erased (the key that sealed it is destroyed);
        the event carries no personal data, and every count and total stays."""
        self.check_is_not_erased()
        self._erase_personal_data(check_text(reason, "reason for the erasure", required=True),
                                  by)

    @event("PersonalDataErased")
    def _erase_personal_data(self, reason: str, by: Actor) -> None:
        self.personal_data_erased = True
        self.contact = ContactDetails.erased(self.contact.subject)

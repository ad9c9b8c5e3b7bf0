"""Erasing a volunteer's personal data (crypto-shredding), as an administrator's command.

The erasure is recorded as an event on the volunteer (who erased, why; no personal data),
then the person's key is destroyed: every stored copy of their name and phone becomes
unreadable, while their events, hours, points and the hash chain stay exactly as they were.
Running it again after an interruption finishes the job (destroys a key left behind).
"""

from __future__ import annotations

from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.app.authorization import authorize, grant
from civicvol.domain.errors import PersonalDataErased, RuleViolation
from civicvol.domain.values import Actor, Role
from civicvol.i18n import _

grant("volunteer.erase", Role.ADMINISTRATOR.value)


class PersonalDataNotSealed(RuleViolation):
    """The details were stored in the clear, before encryption at rest."""


def erase_volunteer(app: CivicVol, actor: Actor, volunteer_id: UUID | str,
                    reason: str = "") -> UUID:
    """Erase the volunteer's personal data; returns the subject whose key was destroyed."""
    authorize(actor, "volunteer.erase")
    volunteer = app.volunteer(volunteer_id)
    subject = volunteer.contact.subject
    if subject is None:
        raise PersonalDataNotSealed(
            _("volunteer {id}'s contact details were stored before encryption at rest and cannot "
              "be crypto-shredded; export and rebuild the store to erase them").format(
              id=volunteer.id)
        )
    if volunteer.personal_data_erased:  # again: finish an interrupted or busy erasure
        if not app.personal_keys.destroy(subject):
            raise PersonalDataErased(_("volunteer {id}'s personal data is already erased; there "
                                       "is nothing left to erase").format(id=volunteer.id))
        return subject
    volunteer.erase_personal_data(reason, by=actor)
    app.commit("volunteer.erase", actor, volunteer)
    app.personal_keys.destroy(subject)
    return subject

"""What can go wrong with the safety patrol's records, each with what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import IllegalTransition, InvalidInput, NotAMember, NotFound


class InvalidDeadline(InvalidInput):
    """A rectification deadline that is not a date after the inspection day."""


class InvalidReinspectionDay(InvalidInput):
    """A re-inspection dated before the hazard was found."""


class InvalidRecordTime(InvalidInput):
    """An imported record whose time has no time zone."""


class InvalidDrillKind(InvalidInput):
    pass


class InvalidCount(InvalidInput):
    pass


class InvalidAsOf(InvalidInput):
    pass


class InspectionNotFound(NotFound):
    pass


class HazardNotFound(NotFound):
    pass


class HazardOfAnotherTeam(HazardNotFound):
    """An import names a hazard that another team found."""


class NotAnInspector(NotAMember):
    """The inspector is not an active member of the patrol team named."""


class HazardAlreadyClosed(IllegalTransition):
    """A hazard fixed on the spot or closed at a re-inspection needs no re-inspection."""

"""What can go wrong with a knitting drive, each with what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import InvalidInput, NotFound, RuleViolation


class InvalidTarget(InvalidInput):
    pass


class InvalidPieces(InvalidInput):
    """A knitting log with no pieces, a negative count, or an implausible one."""


class InvalidDelivery(InvalidInput):
    pass


class UnknownInstitution(InvalidInput):
    """A delivery to an institution that is not one of the drive's recipients."""


class DriveNotFound(NotFound):
    pass


class DriveClosed(RuleViolation):
    pass


class NotEnoughSets(RuleViolation):
    """More sets delivered than the drive's knitters have finished."""

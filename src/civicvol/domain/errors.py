"""Every error a user can cause, in one hierarchy under :class:`CivicVolError`.

Each message says what was wrong and what to do instead. The CLI prints the message on one
line and exits non-zero; the application guarantees that nothing was stored.
"""

from __future__ import annotations

from typing import Self


class CivicVolError(Exception):
    """Base class of every error civicvol raises on purpose.

    The message speaks to any caller; what to type at the command line (an option, a
    command) is kept apart in :attr:`cli_hint`, which only the CLI prints."""

    exit_code = 1
    cli_hint = ""

    def hinted(self, hint: str) -> Self:
        """This error with a hint for the command line (e.g. "act with --as ROLE:ID")."""
        self.cli_hint = hint
        return self


# --- input -------------------------------------------------------------------------------------
class InvalidInput(CivicVolError):
    """A value given to a command is malformed or out of range."""

    exit_code = 2


class InvalidName(InvalidInput):
    pass


class InvalidPhone(InvalidInput):
    pass


class InvalidHours(InvalidInput):
    pass


class InvalidRating(InvalidInput):
    pass


class InvalidPoints(InvalidInput):
    pass


class InvalidId(InvalidInput):
    pass


# --- things that do not exist ------------------------------------------------------------------
class NotFound(CivicVolError):
    """An id names nothing in the store."""

    exit_code = 3


class VolunteerNotFound(NotFound):
    pass


class TeamNotFound(NotFound):
    pass


class OrderNotFound(NotFound):
    pass


class EntryNotFound(NotFound):
    pass


# --- who may do what ---------------------------------------------------------------------------
class PermissionDenied(CivicVolError):
    """The actor's role (or identity) does not allow the command."""

    exit_code = 4


# --- rules of the domain -----------------------------------------------------------------------
class RuleViolation(CivicVolError):
    """A command breaks one of the domain's rules in the current state."""

    exit_code = 5


class VolunteerNotActive(RuleViolation):
    pass


class VolunteerAlreadyActive(RuleViolation):
    pass


class PersonalDataErased(RuleViolation):
    """The volunteer's personal data was erased (crypto-shredded)."""


class VolunteerHasLeft(RuleViolation):
    pass


class TeamDissolved(RuleViolation):
    pass


class AlreadyMember(RuleViolation):
    pass


class AlreadyRegistered(RuleViolation):
    """The person (the same phone) is registered already."""


class NotAMember(RuleViolation):
    pass


class InvalidTeamStructure(RuleViolation):
    pass


class IllegalTransition(RuleViolation):
    """An order cannot move from its current state by the command given."""


class OrderAlreadyAccepted(IllegalTransition):
    pass


class OrderAlreadyRated(IllegalTransition):
    pass


class NotTheRequester(PermissionDenied):
    pass


class NotTheAcceptingVolunteer(PermissionDenied):
    pass


class InsufficientPoints(RuleViolation):
    pass


class EntryNotPending(RuleViolation):
    pass


# --- storage -----------------------------------------------------------------------------------
class ConcurrentChange(CivicVolError):
    """Someone else changed the same record at the same moment; the command was not stored."""

    exit_code = 6


class StoreBusy(ConcurrentChange):
    """Another writer held the store's lock past the lock timeout; the command was not stored."""


class StoreError(CivicVolError):
    """The store URL or the store itself is not usable."""

    exit_code = 7


class StoreMissing(StoreError):
    """The store named does not exist, and the command does not create one."""


class NotACivicVolStore(StoreError):
    """The database named holds another application's tables, not a civicvol store."""


class StoreKeepsNothing(StoreError):
    """A write to a ``memory://`` store from the command line, which would vanish at exit."""


class StoreNotEmpty(StoreError):
    """The store already holds a district, and the command builds a new one."""


class ViewsBehind(StoreError):
    """The views did not reach a position in time: is a follower running?"""

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


class MissingExtra(InvalidInput):
    """A command needs an optional face of civicvol (an extra such as ``office``) that is not
    installed here."""


class InvalidPhone(InvalidInput):
    pass


class InvalidNationalNumber(InvalidInput):
    """A national volunteer number (全国志愿者编号) is not letters and digits of a sensible
    length."""


class InvalidHours(InvalidInput):
    pass


class InvalidRating(InvalidInput):
    pass


class InvalidPoints(InvalidInput):
    pass


class InvalidId(InvalidInput):
    pass


class RequestTooLarge(InvalidInput):
    """A web request's body is larger than the service accepts."""
class InvalidServiceDefinition(InvalidInput):
    """A service's definition (code, names, attributes) is malformed."""


class InvalidAttributeValue(InvalidInput):
    """A value given for a service's attribute does not fit its definition."""


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


class StationNotFound(NotFound):
    """No station of that name; 'civicvol station list' names the stations."""


class GiftNotFound(NotFound):
    """The station's catalogue has no gift of that name."""


class RedemptionCodeNotFound(NotFound):
    """No redemption code like that was issued (or it was mistyped)."""


class EntryNotFound(NotFound):
    pass


class AccountNotFound(NotFound):
    """No staff account (of the web service) with that id."""
class UnknownService(NotFound):
    """A service code the district's catalogue does not hold."""


class UnknownClient(NotFound):
    """An Open311 client application name no client was created with."""


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


class NotAuthenticated(PermissionDenied):
    """A web request without a valid account token (none, unknown, or revoked)."""
class ActivityFull(OrderAlreadyAccepted):
    """An activity has all the volunteers it asked for."""


class OrderAlreadyTaken(IllegalTransition):
    """An order offered to a pool of teams was claimed by another team first."""


class WrongActivityCode(RuleViolation):
    """The one-time code given to sign in or out is not the activity's."""


class InvalidSetting(InvalidInput):
    """A district setting's name or value is not acceptable."""


class NotTheRequester(PermissionDenied):
    pass


class NotTheAcceptingVolunteer(PermissionDenied):
    pass


class ApiKeyRefused(PermissionDenied):
    """An Open311 api_key is missing, unknown or revoked."""


class ApiKeyRevoked(ApiKeyRefused):
    """The Open311 api_key was revoked: known, and refused (403, not 401)."""


class InsufficientPoints(RuleViolation):
    pass


class EntryNotPending(RuleViolation):
    pass


class DatedBeforeItsRecord(RuleViolation):
    """An event made now would be dated before its record's last event: the writer's clock
    is behind the store's."""
class ServiceRetired(RuleViolation):
    """The service was retired from the catalogue: new orders cannot name it."""


class ServiceAlreadyInCatalogue(RuleViolation):
    """A service code is in the catalogue already (or was, and is retired)."""
class StationExists(RuleViolation):
    """A station of that name is open already."""


class GiftExists(RuleViolation):
    """The station's catalogue has that gift already: restock it instead."""


class OutOfStock(RuleViolation):
    """The gift asked for has no stock left at the station."""


class CodeNotUsable(RuleViolation):
    """A redemption code that was used, has expired, or belongs to another station."""


class StationRedeemsByCode(RuleViolation):
    """A direct redemption at a station with a catalogue: its gifts are redeemed by code."""


# --- storage -----------------------------------------------------------------------------------

class ConcurrentChange(CivicVolError):
    """Someone else changed the same record at the same moment; the command was not stored."""

    exit_code = 6


class StoreBusy(ConcurrentChange):
    """Another writer held the store's lock past the lock timeout; the command was not stored."""


class RateLimited(ConcurrentChange):
    """An account made more writes than the web service's rate allows; retry a moment later."""


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

"""编织爱心物送温暖: one knitting drive of the caring knitters.

A drive has a target in sets (a set is one hat and one scarf) and the institutions it knits
for. Knitters log the hats and scarves they finish; deliveries take finished sets to one of the
recipients and count the people who benefit. A closed drive takes no more logs or deliveries.

    open ──log knitting / add recipient / deliver──▶ open ──close──▶ closed
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _, ngettext
from civicvol.plugins.knitting_drives.errors import (
    DriveClosed,
    InvalidDelivery,
    InvalidPieces,
    InvalidTarget,
    NotEnoughSets,
    UnknownInstitution,
)

MAX_TARGET_SETS = 10_000
MAX_PIECES_PER_LOG = 200  # one knitter's report of one sitting, not a season's
MAX_BENEFICIARIES_PER_DELIVERY = 10_000
MAX_RECIPIENTS = 20


class KnittingDrive(CivicAggregate):
    @event("Launched")
    def __init__(self, team_id: UUID, title: str, target_sets: int,
                 recipients: tuple[str, ...], by: Actor) -> None:
        self.team_id = team_id
        self.title = title
        self.target_sets = target_sets
        self.recipients = tuple(recipients)
        self.hats = 0
        self.scarves = 0
        self.knitted_by: dict[str, int] = {}  # volunteer id → pieces
        self.logs = 0
        self.delivered: dict[str, int] = {}
        self.beneficiaries = 0
        self.deliveries = 0
        self.closed = False

    @classmethod
    def launch(cls, team_id: UUID, title: str, target_sets: int, recipients: list[str] |
               tuple[str, ...], by: Actor) -> KnittingDrive:
        if not is_whole(target_sets, 1, MAX_TARGET_SETS):
            raise InvalidTarget(
                _("a drive's target is a whole number of sets from 1 to {max_target_sets}, not "
                  "{target_sets!r}").format(
                  max_target_sets=MAX_TARGET_SETS, target_sets=target_sets)
            )
        return cls(team_id=team_id, title=check_name(title, N_("drive title")),
                   target_sets=target_sets, recipients=check_recipients(recipients), by=by)

    # --- figures -----------------------------------------------------------------------------
    @property
    def sets_knitted(self) -> int:
        return min(self.hats, self.scarves)

    @property
    def sets_delivered(self) -> int:
        return sum(self.delivered.values())

    @property
    def sets_in_hand(self) -> int:
        return self.sets_knitted - self.sets_delivered

    # --- checks ------------------------------------------------------------------------------
    def check_is_open(self) -> None:
        if self.closed:
            raise DriveClosed(
                _("the knitting drive {title!r} is closed; launch a new drive for new work").format(
                  title=self.title)
            )

    def check_is_recipient(self, institution: str) -> str:
        name = check_name(institution, N_("institution"))
        if name not in self.recipients:
            raise UnknownInstitution(
                _("{name!r} is not a recipient of the drive {title!r} (recipients: {choices}); "
                  "add it as a recipient first").format(
                  name=name, title=self.title, choices=', '.join(self.recipients))
            ).hinted(_("'civicvol knitting-drives add-recipient' adds it"))
        return name

    # --- commands ----------------------------------------------------------------------------
    def log_knitting(self, volunteer_id: UUID, hats: int, scarves: int, by: Actor) -> str:
        """A knitter finished ``hats`` hats and ``scarves`` scarves; returns the log's id."""
        self.check_is_open()
        for count, what in ((hats, N_("hats")), (scarves, N_("scarves"))):
            if not is_whole(count, 0):
                raise InvalidPieces(_("{what} must be a whole number 0 or more, not "
                                      "{count!r}").format(what=_(what), count=count))
        if hats + scarves == 0:
            raise InvalidPieces(_("log at least one hat or scarf; nothing was finished"))
        if hats + scarves > MAX_PIECES_PER_LOG:
            raise InvalidPieces(
                _("{value} pieces in one log is implausible; log at most {max_pieces_per_log} at "
                  "a time").format(value=hats + scarves, max_pieces_per_log=MAX_PIECES_PER_LOG)
            )
        log_id = f"K{self.logs + 1}"
        self._log_knitting(log_id, volunteer_id, hats, scarves, by)
        return log_id

    @event("Knitted")
    def _log_knitting(self, log_id: str, volunteer_id: UUID, hats: int, scarves: int,
                      by: Actor) -> None:
        self.logs += 1
        self.hats += hats
        self.scarves += scarves
        key = str(volunteer_id)
        self.knitted_by[key] = self.knitted_by.get(key, 0) + hats + scarves

    def add_recipient(self, institution: str, by: Actor) -> None:
        self.check_is_open()
        name = check_name(institution, N_("institution"))
        if name in self.recipients:
            raise UnknownInstitution(_("{name!r} already receives from the drive "
                                       "{title!r}").format(name=name, title=self.title))
        check_recipients((*self.recipients, name))
        self._add_recipient(name, by)

    @event("RecipientAdded")
    def _add_recipient(self, institution: str, by: Actor) -> None:
        self.recipients = (*self.recipients, institution)

    def deliver(self, institution: str, sets: int, beneficiaries: int, by: Actor) -> str:
        """Hand ``sets`` finished sets to ``institution``; returns the delivery's id."""
        self.check_is_open()
        name = self.check_is_recipient(institution)
        if not is_whole(sets, 1):
            raise InvalidDelivery(_("deliver at least 1 set, not {sets!r}").format(sets=sets))
        if sets > self.sets_in_hand:
            raise NotEnoughSets(
                _("cannot deliver {sets} sets: the drive {title!r} has {sets_in_hand} finished "
                  "sets in hand ({hats} hats, {scarves} scarves knitted, {sets_delivered} sets "
                  "delivered); log the knitting first").format(
                  sets=sets, title=self.title, sets_in_hand=self.sets_in_hand, hats=self.hats,
                  scarves=self.scarves, sets_delivered=self.sets_delivered)
            )
        if not is_whole(beneficiaries, 1, MAX_BENEFICIARIES_PER_DELIVERY):
            raise InvalidDelivery(
                _("people who benefit must be a whole number from 1 to "
                  "{max_beneficiaries_per_delivery}, not {beneficiaries!r}").format(
                  max_beneficiaries_per_delivery=MAX_BENEFICIARIES_PER_DELIVERY,
                  beneficiaries=beneficiaries)
            )
        delivery_id = f"D{self.deliveries + 1}"
        self._deliver(delivery_id, name, sets, beneficiaries, by)
        return delivery_id

    @event("Delivered")
    def _deliver(self, delivery_id: str, institution: str, sets: int, beneficiaries: int,
                 by: Actor) -> None:
        self.deliveries += 1
        self.delivered[institution] = self.delivered.get(institution, 0) + sets
        self.beneficiaries += beneficiaries

    def close(self, note: str, by: Actor) -> None:
        self.check_is_open()
        self._close(check_text(note, "closing note"), by)

    @event("Closed")
    def _close(self, note: str, by: Actor) -> None:
        self.closed = True


def check_recipients(recipients: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(check_name(r, N_("institution")) for r in recipients))
    if not names:
        raise UnknownInstitution(
            _("name at least one institution the drive knits for (e.g. 鹤湾敬老院)")
        )
    if len(names) > MAX_RECIPIENTS:
        raise UnknownInstitution(ngettext("{n} institution given; name at most {most}",
                                          "{n} institutions given; name at most {most}",
                                          len(names)).format(n=len(names), most=MAX_RECIPIENTS))
    return names


def is_whole(value: object, low: int, high: int | None = None) -> bool:
    """A whole number (not a bool) from ``low`` to ``high``."""
    return (isinstance(value, int) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))

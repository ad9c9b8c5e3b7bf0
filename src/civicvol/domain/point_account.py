"""志愿积分: one volunteer's points, audited before they count, spent on gifts at a station.

Entries are numbered E1, E2, ... in the order they were made. A credit names its source (the
order, clue or session that earned it) and a source is credited once: crediting it again is a
no-op, so retries and replays never pay twice. The balance counts approved credits less
redemptions, reversals and expiries, and never goes below zero.

Approved credits are lots dated by the day they were earned (the credit's time). Spending
takes the oldest lots first (FIFO), so the points that expire soonest go first; a lot past
its validity (:mod:`civicvol.domain.points_validity`) expires with an ``Expired`` event of
its own, which touches no service hours. Lots are folded from the events, so accounts from
before lots existed load unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.clock import district_day
from civicvol.domain.dated import DatedEvent, event_time
from civicvol.domain.errors import EntryNotFound, EntryNotPending, InsufficientPoints
from civicvol.domain.points_validity import PointsValidity
from civicvol.domain.values import (
    Actor,
    EntryStatus,
    PointsEntry,
    Source,
    check_name,
    check_points,
    check_text,
)
from civicvol.i18n import _


class PointAccount(CivicAggregate):
    class Event(DatedEvent):
        pass

    @staticmethod
    def create_id(volunteer_id: UUID) -> UUID:
        return point_account_id(volunteer_id)

    @event("Opened")
    def __init__(self, volunteer_id: UUID, by: Actor) -> None:
        self.volunteer_id = volunteer_id
        self.entries: dict[str, PointsEntry] = {}
        self.credited_sources: dict[str, str] = {}
        self.balance = 0
        self.earned_at: dict[str, datetime] = {}
        self.lots: dict[str, int] = {}  # approved credit -> points not yet spent or expired
        self.spent_from: dict[str, dict[str, int]] = {}  # redemption -> {lot: points}
        self.expiries: dict[str, tuple[str, int, date]] = {}  # entry -> (lot, points, day)

    # --- queries -----------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return sum(e.points for e in self.entries.values()
                   if e.kind == "credit" and e.status is EntryStatus.PENDING)

    @property
    def redeemed(self) -> int:
        return sum(e.points for e in self.entries.values() if e.kind == "redemption")

    @property
    def expired(self) -> int:
        return sum(points for _, points, _ in self.expiries.values())

    def lot_expiries(self, validity_for: Callable[[datetime], PointsValidity]
                     ) -> list[tuple[str, int, date | None]]:
        """Each lot with points left, oldest first: (entry, points left, first day invalid)."""
        return [(lot, left, validity_for(self.earned_at[lot]).expires_on(
                    district_day(self.earned_at[lot])))
                for lot, left in self._oldest_lots() if left > 0]

    def _expired_of(self, lot: str) -> int:
        return sum(points for of, points, _ in self.expiries.values() if of == lot)

    def _oldest_lots(self) -> list[tuple[str, int]]:
        return sorted(self.lots.items(), key=lambda kv: int(kv[0][1:]))

    def pending_entries(self) -> list[PointsEntry]:
        return [e for e in self.entries.values()
                if e.kind == "credit" and e.status is EntryStatus.PENDING]

    def has_credit_for(self, source: Source) -> bool:
        return str(source) in self.credited_sources

    def _next_entry_id(self) -> str:
        return f"E{len(self.entries) + 1}"

    # --- checks ------------------------------------------------------------------------------
    def check_entry(self, entry_id: str) -> PointsEntry:
        try:
            return self.entries[entry_id]
        except KeyError:
            known = ", ".join(self.entries) or "none yet"
            raise EntryNotFound(
                _("volunteer {volunteer_id}'s account has no entry {entry_id!r} (entries: "
                  "{known})").format(
                  volunteer_id=self.volunteer_id, entry_id=entry_id, known=known)
            ) from None

    def check_pending(self, entry_id: str) -> PointsEntry:
        entry = self.check_entry(entry_id)
        if entry.kind != "credit" or entry.status is not EntryStatus.PENDING:
            raise EntryNotPending(
                _("entry {entry_id} is {described}; only a pending credit can be approved "
                  "or rejected (take back an approved one with 'points reverse')").format(
                  entry_id=entry_id, described=_described(entry))
            )
        return entry

    def check_can_spend(self, points: int, doing: str) -> None:
        if points > self.balance:
            advice = (_("redeem at most {balance}").format(balance=self.balance)
                      if doing == "redeem" else
                      _("they were spent, so the credit can no longer be taken back"))
            raise InsufficientPoints(
                _("cannot {doing} {points} points: volunteer {volunteer_id} has {balance} "
                  "approved points ({pending} still wait for the audit); {advice}").format(
                  doing=_(doing), points=points, volunteer_id=self.volunteer_id,
                  balance=self.balance, pending=self.pending, advice=advice)
            )

    # --- commands ----------------------------------------------------------------------------
    def credit(self, points: int, source: Source, by: Actor, *, approved: bool = False) -> bool:
        """Credit points earned by ``source``; returns False if the source was credited before."""
        if self.has_credit_for(source):
            return False
        self._credit(self._next_entry_id(), check_points(points), source, approved, by)
        return True

    @event("Credited")
    def _credit(self, entry_id: str, points: int, source: Source, approved: bool,
                by: Actor) -> None:
        status = EntryStatus.APPROVED if approved else EntryStatus.PENDING
        self.entries[entry_id] = PointsEntry(entry_id, "credit", points, source, status)
        self.credited_sources[str(source)] = entry_id
        self.earned_at[entry_id] = event_time(self)
        if approved:
            self.balance += points
            self.lots[entry_id] = points

    def approve(self, entry_id: str, by: Actor) -> None:
        self.check_pending(entry_id)
        self._approve(entry_id, by)

    @event("Approved")
    def _approve(self, entry_id: str, by: Actor) -> None:
        entry = self.entries[entry_id]
        self.entries[entry_id] = attrs.evolve(entry, status=EntryStatus.APPROVED)
        self.balance += entry.points
        self.lots[entry_id] = entry.points

    def reject(self, entry_id: str, reason: str, by: Actor) -> None:
        self.check_pending(entry_id)
        self._reject(entry_id, check_text(reason, "reason for rejecting", required=True), by)

    @event("Rejected")
    def _reject(self, entry_id: str, reason: str, by: Actor) -> None:
        self.entries[entry_id] = attrs.evolve(
            self.entries[entry_id], status=EntryStatus.REJECTED, reason=reason
        )

    def redeem(self, points: int, gift: str, station: str, by: Actor) -> str:
        self.check_can_spend(check_points(points), "redeem")
        entry_id = self._next_entry_id()
        self._redeem(entry_id, points, check_name(gift, "gift"), check_name(station, "station"),
                     by)
        return entry_id

    @event("Redeemed")
    def _redeem(self, entry_id: str, points: int, gift: str, station: str, by: Actor) -> None:
        source = Source("redemption", entry_id)
        self.entries[entry_id] = PointsEntry(entry_id, "redemption", points, source,
                                             EntryStatus.APPROVED, gift=gift, station=station)
        self.balance -= points
        self.spent_from[entry_id] = self._take_oldest(points)

    def _take_oldest(self, points: int) -> dict[str, int]:
        """Take ``points`` from the oldest lots first; returns what came from which lot."""
        taken: dict[str, int] = {}
        for lot, left in self._oldest_lots():
            if points <= 0:
                break
            take = min(left, points)
            if take:
                self.lots[lot] = left - take
                taken[lot] = take
                points -= take
        return taken

    def expire_due(self, today: date, validity_for: Callable[[datetime], PointsValidity],
                   by: Actor) -> list[str]:
        """Expire every lot whose validity ended by ``today``; returns the new entries.
        Idempotent: an expired lot has nothing left to expire."""
        made = []
        for lot, left, ends in self.lot_expiries(validity_for):
            if ends is not None and ends <= today:
                entry_id = self._next_entry_id()
                self._expire(entry_id, lot, left, ends.isoformat(), by)
                made.append(entry_id)
        return made

    @event("Expired")
    def _expire(self, entry_id: str, lot: str, points: int, expired_on: str,
                by: Actor) -> None:
        self.entries[entry_id] = PointsEntry(entry_id, "expiry", points, Source("expiry", lot),
                                             EntryStatus.APPROVED)
        self.lots[lot] -= points
        self.balance -= points
        self.expiries[entry_id] = (lot, points, date.fromisoformat(expired_on))

    def reverse(self, entry_id: str, reason: str, by: Actor) -> None:
        """Take back a credit (a clue later found false, an order disputed)."""
        entry = self.check_entry(entry_id)
        if entry.kind != "credit" or entry.status in (EntryStatus.REJECTED,
                                                       EntryStatus.REVERSED):
            raise EntryNotPending(
                _("entry {entry_id} is {described}; only a pending or approved credit can "
                  "be reversed").format(entry_id=entry_id, described=_described(entry))
            )
        if self._expired_of(entry_id):
            raise EntryNotPending(_(
                "entry {entry}'s points expired (see 'points show'); what expired is gone "
                "already, so the credit can no longer be taken back").format(entry=entry_id))
        if entry.status is EntryStatus.APPROVED:
            self.check_can_spend(entry.points, "reverse")
        self._reverse(entry_id, check_text(reason, "reason for reversing", required=True), by)

    @event("Reversed")
    def _reverse(self, entry_id: str, reason: str, by: Actor) -> None:
        entry = self.entries[entry_id]
        if entry.status is EntryStatus.APPROVED:
            # What is left of the lot goes back; what of it was spent comes from the oldest
            # lots (a lot that expired, even in part, is never reversed).
            self.balance -= entry.points
            self._take_oldest(entry.points - self.lots.pop(entry_id, 0))
        self.entries[entry_id] = attrs.evolve(entry, status=EntryStatus.REVERSED, reason=reason)


def _described(entry: PointsEntry) -> str:
    """E.g. "an approved credit", "a redemption"."""
    if entry.kind in ("redemption", "expiry"):
        return f"a{'n' if entry.kind == 'expiry' else ''} {entry.kind}"
    status = entry.status.value
    return f"{'an' if status[0] in 'aeiou' else 'a'} {status} credit"


def point_account_id(volunteer_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:points:{volunteer_id}")

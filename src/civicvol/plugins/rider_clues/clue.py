"""线索 (随手拍): a problem a rider saw on the round, through 发现→处置→反馈→激励.

    reported ──triage──▶ valid ──handle──▶ handled ──feedback──▶ fed back
        │                                        (the valid verdict credits the rider's points)
        └────triage──▶ invalid / duplicate ──feedback──▶ fed back

The reward is the core point account's credit with source ``clue:<id>``, saved in the same
transaction as the valid verdict; the points auditor approves it like any other credit.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from civicvol.domain import clock
from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_name, check_text
from civicvol.i18n import N_, _
from civicvol.plugins.rider_clues.errors import (
    ClueAlreadyHandled,
    ClueAlreadyJudged,
    ClueNotHandled,
    ClueNotJudged,
    ClueNotValid,
    ClueSeenInFuture,
    FeedbackAlreadyGiven,
    InvalidPhotoReference,
    InvalidSeenTime,
    InvalidVerdict,
)

MAX_PHOTO_REFERENCE = 500


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    DUPLICATE = "duplicate"


class ClueStatus(StrEnum):
    REPORTED = "reported"
    JUDGED = "judged"
    HANDLED = "handled"
    FED_BACK = "fed-back"


def check_photo(reference: str) -> str:
    """Where the rider's photo is: a chat message, a file or a link (the photo stays there)."""
    text = (reference or "").strip()
    if not text:
        raise InvalidPhotoReference(
            _("a clue needs its photo; give where it is (a chat message id, a file or a link)")
        )
    if len(text) > MAX_PHOTO_REFERENCE:
        raise InvalidPhotoReference(
            _("the photo reference has {count} characters; give a shorter link or id (at "
              "most {MAX_PHOTO_REFERENCE})").format(
              count=len(text), MAX_PHOTO_REFERENCE=MAX_PHOTO_REFERENCE)
        )
    return text


def check_verdict(value: str) -> Verdict:
    try:
        return Verdict(str(value).strip().lower())
    except ValueError:
        raise InvalidVerdict(
            _("verdict {value!r} is not one of valid, invalid, duplicate").format(value=value)
        ) from None


class Clue(CivicAggregate):
    @event("Reported")
    def __init__(self, rider_id: UUID, team_id: UUID, category: str, photo: str, place: str,
                 seen_at: datetime, description: str, by: Actor) -> None:
        self.rider_id = rider_id
        self.team_id = team_id
        self.category = category
        self.photo = photo
        self.place = place
        self.seen_at = seen_at
        self.description = description
        self.status = ClueStatus.REPORTED
        self.verdict: Verdict | None = None
        self.duplicate_of: UUID | None = None
        self.judgement_note = ""
        self.handled_by = ""
        self.action = ""
        self.feedback = ""

    @classmethod
    def report(cls, rider_id: UUID, team_id: UUID, category: str, photo: str, place: str,
               seen_at: datetime, by: Actor, description: str = "") -> Clue:
        """A rider's snap report; ``category`` is a slug already resolved by the settings."""
        if seen_at.tzinfo is None:
            raise InvalidSeenTime(_("the time seen {seen_at} has no time zone; give e.g. "
                                    "2024-05-01T18:30+08:00").format(seen_at=seen_at))
        if seen_at > clock.now():
            raise ClueSeenInFuture(
                _("the clue was seen at {isoformat}, which is in the future; give the time "
                  "the rider took the photo").format(isoformat=seen_at.isoformat())
            )
        return cls(rider_id=rider_id, team_id=team_id, category=category,
                   photo=check_photo(photo), place=check_name(place, "place"),
                   seen_at=seen_at, description=check_text(description, "description"), by=by)

    # --- checks ------------------------------------------------------------------------------
    def check_judged(self, doing: str) -> None:
        if self.status is ClueStatus.REPORTED:
            raise ClueNotJudged(
                _("cannot {doing} clue {id}: it is not triaged yet; a clue handler must "
                  "judge it valid, invalid or duplicate first").format(doing=doing, id=self.id)
            )

    # --- 处置: triage and handling ---------------------------------------------------------------
    def judge(self, verdict: Verdict, by: Actor, duplicate_of: UUID | None = None,
              note: str = "") -> None:
        if self.status is not ClueStatus.REPORTED:
            raise ClueAlreadyJudged(
                _("clue {id} was already judged {verdict}; a clue is triaged once").format(
                  id=self.id, verdict=self.verdict)
            )
        if verdict is Verdict.DUPLICATE and duplicate_of is None:
            raise InvalidVerdict(
                _("clue {id} is judged a duplicate but no original is named; give the id "
                  "of the clue it repeats").format(id=self.id)
            ).hinted(_("give it with --duplicate-of ID"))
        if verdict is not Verdict.DUPLICATE and duplicate_of is not None:
            raise InvalidVerdict(
                _("only a duplicate names an original clue; name none for a {verdict} "
                  "verdict").format(verdict=_(verdict))
            ).hinted(_("leave out --duplicate-of"))
        if duplicate_of == self.id:
            raise InvalidVerdict(_("clue {id} cannot be a duplicate of itself; name the "
                                   "earlier clue it repeats").format(id=self.id))
        self._judge(verdict.value, duplicate_of, check_text(note, "triage note"), by)

    @event("Judged")
    def _judge(self, verdict: str, duplicate_of: UUID | None, note: str, by: Actor) -> None:
        self.status = ClueStatus.JUDGED
        self.verdict = Verdict(verdict)
        self.duplicate_of = duplicate_of
        self.judgement_note = note

    def handle(self, handled_by: str, action: str, by: Actor) -> None:
        self.check_judged("handle")
        if self.verdict is not Verdict.VALID:
            raise ClueNotValid(
                _("clue {id} was judged {verdict}; only a valid clue is handled (give the "
                  "rider feedback instead)").format(id=self.id, verdict=self.verdict)
            )
        if self.status is not ClueStatus.JUDGED:
            raise ClueAlreadyHandled(
                _("clue {id} was already handled by {handled_by}; a clue is handled once").format(
                  id=self.id, handled_by=self.handled_by)
            )
        self._handle(check_name(handled_by, N_("handler")),
                     check_text(action, "action taken", required=True), by)

    @event("Handled")
    def _handle(self, handled_by: str, action: str, by: Actor) -> None:
        self.status = ClueStatus.HANDLED
        self.handled_by = handled_by
        self.action = action

    # --- 反馈 ----------------------------------------------------------------------------------
    def give_feedback(self, message: str, by: Actor) -> None:
        self.check_judged("give feedback on")
        if self.status is ClueStatus.FED_BACK:
            raise FeedbackAlreadyGiven(_("the rider already had feedback on clue {id}").format(
                                         id=self.id))
        if self.verdict is Verdict.VALID and self.status is not ClueStatus.HANDLED:
            raise ClueNotHandled(
                _("clue {id} is valid but not handled yet; record what was done "
                  "(rider-clues handle) before telling the rider").format(id=self.id)
            )
        self._give_feedback(check_text(message, "feedback", required=True), by)

    @event("FedBack")
    def _give_feedback(self, message: str, by: Actor) -> None:
        self.status = ClueStatus.FED_BACK
        self.feedback = message

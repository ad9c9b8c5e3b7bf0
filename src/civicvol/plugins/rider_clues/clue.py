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
            "a clue needs its photo; give where it is (a chat message id, a file or a link)"
        )
    if len(text) > MAX_PHOTO_REFERENCE:
        raise InvalidPhotoReference(
            f"the photo reference has {len(text)} characters; give a shorter link or id (at "
            f"most {MAX_PHOTO_REFERENCE})"
        )
    return text


def check_verdict(value: str) -> Verdict:
    try:
        return Verdict(str(value).strip().lower())
    except ValueError:
        raise InvalidVerdict(
            f"verdict {value!r} is not one of valid, invalid, duplicate"
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
            raise InvalidSeenTime(f"the time seen {seen_at} has no time zone; give e.g. "
                                   "2024-05-01T18:30+08:00")
        if seen_at > clock.now():
            raise ClueSeenInFuture(
                f"the clue was seen at {seen_at.isoformat()}, which is in the future; give "
                "the time the rider took the photo"
            )
        return cls(rider_id=rider_id, team_id=team_id, category=category,
                   photo=check_photo(photo), place=check_name(place, "place"),
                   seen_at=seen_at, description=check_text(description, "description"), by=by)

    # --- checks ------------------------------------------------------------------------------
    def check_judged(self, doing: str) -> None:
        if self.status is ClueStatus.REPORTED:
            raise ClueNotJudged(
                f"cannot {doing} clue {self.id}: it is not triaged yet; a clue handler must "
                "judge it valid, invalid or duplicate first"
            )

    # --- 处置: triage and handling ---------------------------------------------------------------
    def judge(self, verdict: Verdict, by: Actor, duplicate_of: UUID | None = None,
              note: str = "") -> None:
        if self.status is not ClueStatus.REPORTED:
            raise ClueAlreadyJudged(
                f"clue {self.id} was already judged {self.verdict}; a clue is triaged once"
            )
        if verdict is Verdict.DUPLICATE and duplicate_of is None:
            raise InvalidVerdict(
                f"clue {self.id} is judged a duplicate but no original is named; give the id "
                "of the clue it repeats (--duplicate-of)"
            )
        if verdict is not Verdict.DUPLICATE and duplicate_of is not None:
            raise InvalidVerdict(
                f"only a duplicate names an original clue; drop --duplicate-of for a {verdict} "
                "verdict"
            )
        if duplicate_of == self.id:
            raise InvalidVerdict(f"clue {self.id} cannot be a duplicate of itself; name the "
                                 "earlier clue it repeats")
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
                f"clue {self.id} was judged {self.verdict}; only a valid clue is handled "
                "(give the rider feedback instead)"
            )
        if self.status is not ClueStatus.JUDGED:
            raise ClueAlreadyHandled(
                f"clue {self.id} was already handled by {self.handled_by}; a clue is handled "
                "once"
            )
        self._handle(check_name(handled_by, "handler"),
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
            raise FeedbackAlreadyGiven(f"the rider already had feedback on clue {self.id}")
        if self.verdict is Verdict.VALID and self.status is not ClueStatus.HANDLED:
            raise ClueNotHandled(
                f"clue {self.id} is valid but not handled yet; record what was done "
                "(rider-clues handle) before telling the rider"
            )
        self._give_feedback(check_text(message, "feedback", required=True), by)

    @event("FedBack")
    def _give_feedback(self, message: str, by: Actor) -> None:
        self.status = ClueStatus.FED_BACK
        self.feedback = message

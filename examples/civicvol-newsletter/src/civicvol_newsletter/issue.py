"""One published issue of a bulletin: its number, title, date and the editors who made it.

The id is derived from the bulletin and the number, so an issue number exists once.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor, check_text
from civicvol_newsletter.errors import InvalidIssue

MAX_TITLE_LENGTH = 120
MAX_EDITORS_PER_ISSUE = 20


class BulletinIssue(CivicAggregate):
    @staticmethod
    def create_id(bulletin_id: UUID, number: int) -> UUID:
        return issue_id(bulletin_id, number)

    @event("Published")
    def __init__(self, bulletin_id: UUID, number: int, title: str, published_on: str,
                 editors: tuple[UUID, ...], by: Actor) -> None:
        self.bulletin_id = bulletin_id
        self.number = number
        self.title = title
        self.published_on = published_on  # ISO date
        self.editors = tuple(editors)

    @classmethod
    def publish(cls, bulletin_id: UUID, number: int, title: str, published_on: date,
                editors: tuple[UUID, ...] | list[UUID], by: Actor) -> BulletinIssue:
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise InvalidIssue(f"an issue number is a whole number from 1, not {number!r}")
        text = check_text(title, "issue title")
        if not text:
            raise InvalidIssue(f"issue No. {number} has no title; give it one, e.g. "
                               f"'第{number}期 社区动态'")
        if len(text) > MAX_TITLE_LENGTH:
            raise InvalidIssue(f"the issue title has {len(text)} characters; shorten it to "
                               f"at most {MAX_TITLE_LENGTH}")
        names = tuple(dict.fromkeys(editors))
        if not names:
            raise InvalidIssue(f"name the editors of issue No. {number} (at least one)")
        if len(names) > MAX_EDITORS_PER_ISSUE:
            raise InvalidIssue(f"name at most {MAX_EDITORS_PER_ISSUE} editors for one issue")
        return cls(bulletin_id=bulletin_id, number=number, title=text,
                   published_on=published_on.isoformat(), editors=names, by=by)


def issue_id(bulletin_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol-newsletter:issue:{bulletin_id}:{number}")


def parse_issue_date(text: str | date) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidIssue(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. "
                           "2024-06-15") from None

"""The bulletin's report section, folded from its events: issues published, editors and
their roles among the residents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.report import EventFold, event_topic, originator
from civicvol_newsletter.bulletin import Bulletin, EditorRole
from civicvol_newsletter.issue import BulletinIssue

Decode = Callable[[], Any]


class NewsletterFigures(EventFold):
    name = "newsletter"

    def __init__(self) -> None:
        super().__init__()
        self.bulletins: dict[UUID, str] = {}
        self.editors: dict[tuple[UUID, str], tuple[str, ...]] = {}
        self.issues: list[tuple[str, int, str]] = []  # (date, number, title)
        self.handlers.update({
            event_topic(Bulletin, "Founded"): self._founded,
            event_topic(Bulletin, "EditorAppointed"): self._roles,
            event_topic(Bulletin, "RolesAssigned"): self._roles,
            event_topic(Bulletin, "EditorStoodDown"): self._stood_down,
            event_topic(BulletinIssue, "Published"): self._published,
        })

    def _founded(self, n: Notification, decode: Decode) -> None:
        self.bulletins[originator(n)] = decode().title

    def _roles(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.editors[(originator(n), str(e.volunteer_id))] = tuple(e.roles)

    def _stood_down(self, n: Notification, decode: Decode) -> None:
        self.editors.pop((originator(n), str(decode().volunteer_id)), None)

    def _published(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.issues.append((e.published_on, e.number, e.title))

    def as_dict(self) -> dict[str, Any]:
        roles = Counter(r for held in self.editors.values() for r in held)
        latest = max(self.issues, default=None)
        return {
            "bulletins": len(self.bulletins),
            "issues_published": len(self.issues),
            "issues_by_year": dict(sorted(Counter(d[:4] for d, _, _ in self.issues).items())),
            "latest_issue": f"No. {latest[1]} {latest[2]} ({latest[0]})" if latest else None,
            "editors": len(self.editors),
            "editors_by_role": {f"{r.value} {r.chinese}": roles.get(r.value, 0)
                                for r in EditorRole},
        }


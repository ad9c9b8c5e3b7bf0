"""The knitters' report section, folded from the drives' events: figures per drive and in
total, and what each institution received."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.app.report import EventFold, event_topic, originator
from civicvol.i18n import _, ngettext
from civicvol.office.charts import Chart
from civicvol.plugins.knitting_drives.drive import KnittingDrive

Decode = Callable[[], Any]


class KnittingFigures(EventFold):
    name = "knitting-drives"

    @property
    def title(self) -> str:
        """The section's heading in the HTML report (in the reader's language)."""
        return _("Knitting drives")

    def charts(self, figures: dict[str, Any]) -> list[Chart]:
        """The HTML report's charts of this section, drawn from its figures (as_dict)."""
        return [
            Chart(_("Hats and scarves knitted, sets delivered"),
                  (_("Hats"), _("Scarves"), _("Sets delivered")),
                  [("", (figures["hats"], figures["scarves"], figures["sets_delivered"]))]),
            Chart.of(_("Sets delivered by institution"), figures["sets_by_institution"],
                     "barh", _("sets")),
        ]

    def __init__(self) -> None:
        super().__init__()
        self.drives: dict[UUID, dict[str, Any]] = {}
        self.by_institution = Counter[str]()
        self.handlers.update({
            event_topic(KnittingDrive, "Launched"): self._launched,
            event_topic(KnittingDrive, "Knitted"): self._knitted,
            event_topic(KnittingDrive, "Delivered"): self._delivered,
            event_topic(KnittingDrive, "Closed"): self._closed,
        })

    def _launched(self, n: Notification, decode: Decode) -> None:
        e = decode()
        self.drives[originator(n)] = {
            "title": e.title, "year": e.timestamp.year, "target_sets": e.target_sets,
            "hats": 0, "scarves": 0, "knitters": set(), "sets_delivered": 0,
            "beneficiaries": 0, "closed": False,
        }

    def _knitted(self, n: Notification, decode: Decode) -> None:
        e = decode()
        drive = self.drives[originator(n)]
        drive["hats"] += e.hats
        drive["scarves"] += e.scarves
        drive["knitters"].add(e.volunteer_id)

    def _delivered(self, n: Notification, decode: Decode) -> None:
        e = decode()
        drive = self.drives[originator(n)]
        drive["sets_delivered"] += e.sets
        drive["beneficiaries"] += e.beneficiaries
        self.by_institution[e.institution] += e.sets

    def _closed(self, n: Notification, _: Decode) -> None:
        self.drives[originator(n)]["closed"] = True

    def as_dict(self) -> dict[str, Any]:
        drives = sorted(self.drives.values(), key=lambda d: (d["year"], d["title"]))
        return {
            "drives": len(drives),
            "closed": sum(1 for d in drives if d["closed"]),
            "knitters": len({k for d in drives for k in d["knitters"]}),
            "hats": sum(d["hats"] for d in drives),
            "scarves": sum(d["scarves"] for d in drives),
            "sets_knitted": sum(min(d["hats"], d["scarves"]) for d in drives),
            "sets_delivered": sum(d["sets_delivered"] for d in drives),
            "beneficiaries": sum(d["beneficiaries"] for d in drives),
            "institutions": len(self.by_institution),
            "sets_by_institution": dict(self.by_institution.most_common()),
            "per_drive": {
                f"{d['year']} {d['title']}": (  # a line for people (in their language)
                    _("{delivered}/{target} sets, ").format(delivered=d["sets_delivered"],
                                                            target=d["target_sets"])
                    + ngettext("{n} beneficiary", "{n} beneficiaries",
                               d["beneficiaries"]).format(n=d["beneficiaries"])
                    + (_(", closed") if d["closed"] else ""))
                for d in drives
            },
        }


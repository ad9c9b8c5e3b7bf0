"""Standard data out: plain dicts (JSON-ready) describing the district's records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from civicvol.app.application import CivicVol

if TYPE_CHECKING:  # the records' modules load with the records a command reads
    from eventsourcing.persistence import Notification

    from civicvol.app.missing import MissingPlugins
    from civicvol.domain.point_account import PointAccount
    from civicvol.domain.points_validity import PointsValidity
    from civicvol.domain.service_order import ServiceOrder
    from civicvol.domain.team import Team
    from civicvol.domain.volunteer import Volunteer

DistrictReport = dict[str, Any]


def volunteer_view(v: Volunteer) -> dict[str, Any]:
    return {
        "id": str(v.id),
        "name": v.contact.name,
        "phone": v.contact.phone,
        "national_number": v.contact.national_number or None,  # 全国志愿者编号, if known
        "community": v.community,
        "skills": list(v.skills),
        "status": v.status.value,
        "service_hours": str(v.service_hours),
        "added_hours": str(v.added_hours),  # added afterwards by an administrator
        "orders_completed": v.orders_completed,
        "registered_on": v.created_on.isoformat(),
        "version": v.version,
    }


def team_view(t: Team, members: int) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "name": t.name,
        "kind": str(getattr(t.kind, "value", t.kind)),
        "parent_id": str(t.parent_id) if t.parent_id else None,
        "community": t.community,
        "leaders": [str(v) for v in t.leaders],
        "members": members,
        "dissolved": t.dissolved,
        "created_on": t.created_on.isoformat(),
    }


def order_view(o: ServiceOrder) -> dict[str, Any]:
    return {
        "id": str(o.id),
        "status": o.status.value,
        "channel": o.channel.value,
        "requester": o.requester,
        "service": o.service,
        "description": o.description,
        "place": o.place,
        "wanted_time": o.wanted_time,
        "beneficiaries": list(o.beneficiaries),
        "team_id": str(o.team_id) if o.team_id else None,
        "volunteer_id": str(o.volunteer_id) if o.volunteer_id else None,
        "hours": str(o.hours),
        "served": o.served,
        "stars": o.stars,
        "comment": o.comment,
        "declines": o.declines,
        "volunteers_wanted": o.volunteers_wanted,
        "volunteers": [str(v) for v in o.volunteers],
        "rejection_reason": o.rejection_reason or None,
        "pool": [str(t) for t in o.pool],
        "started": o.started,
        "code": o.code or None,  # the activity's one-time code, while it runs
        "attendance": {v: str(h) for v, h in o.attendance.items()},
        "placed_on": o.created_on.isoformat(),
        "modified_on": o.modified_on.isoformat(),
    }


def points_view(volunteer_id: UUID, account: PointAccount | None,
                validity_for: Callable[[datetime], PointsValidity] | None = None
                ) -> dict[str, Any]:
    """The account as ``points show`` prints it; with ``validity_for`` (the district's
    validity at a moment, ``app.validity_for()``) the lots left say when they expire."""
    from civicvol.domain.points_validity import NEVER

    entries = list(account.entries.values()) if account else []
    lots = account.lot_expiries(validity_for or (lambda _: NEVER)) if account else []
    return {
        "volunteer_id": str(volunteer_id),
        "balance": account.balance if account else 0,
        "pending": account.pending if account else 0,
        "redeemed": account.redeemed if account else 0,
        "expired": account.expired if account else 0,
        # What is left of each approved credit, oldest (spent first) first.
        "lots": [{"entry": lot, "points": left,
                  "expires_on": ends.isoformat() if ends else None}
                 for lot, left, ends in lots],
        "entries": [
            {"entry": e.entry_id, "kind": e.kind, "points": e.points,
             "source": str(e.source), "status": e.status.value, "reason": e.reason,
             "gift": e.gift, "station": e.station}
            for e in entries
        ],
    }


def team_members(app: CivicVol, team_id: UUID) -> int:
    """Members serving in a team, from the memberships view."""
    return int(app.views.memberships.serving_in(str(team_id)))


def district_report(app: CivicVol) -> DistrictReport:
    """Every figure of the district, from the views (kept from the events); plug-ins add
    their sections, each folded only over the events since it was last folded. Events of a
    plug-in that is not loaded are named once (``missing_plugins``), never silently left out."""
    from civicvol.app.missing import MissingPlugins
    from civicvol.views.figures import district_figures
    from civicvol.views.sections import SavedSections

    head = app.views.head()
    figures = district_figures(app.views)
    sections = app.extensions.report_sections(app)
    missing = MissingPlugins()
    SavedSections(app.views.db).fold(app, [*sections, missing], head,
                                     context=_loaded_plugins(app))
    report = {"store": app.store_url, "events": app.event_count(), **figures,
              **{s.name: s.as_dict() for s in sections}}
    if missing.unreadable:
        report[missing.name] = missing.as_list()
    if not_loaded := _not_loaded(app, missing):
        report["plugins_not_loaded"] = not_loaded
    skipped = app.views.skipped()
    if skipped:  # never silently: the figures leave these events out
        report["skipped_events"] = skipped
    return report


def _loaded_plugins(app: CivicVol) -> str:
    """Which plug-ins read the log: a saved section folded under others is folded again."""
    host = getattr(app.extensions, "host", None)
    records = getattr(host, "records", {})
    return ",".join(sorted(f"{n}={getattr(r, 'version', '')}" for n, r in records.items()
                           if getattr(r, "status", "") == "loaded"))


def _not_loaded(app: CivicVol, missing: MissingPlugins) -> list[dict[str, Any]]:
    """The writers of this store that a plug-in host opened without (none for the core
    alone, which loads no plug-ins by design)."""
    host = getattr(app.extensions, "host", None)
    if host is None:
        return []
    records = getattr(host, "records", {})
    loaded = {n for n, r in records.items() if getattr(r, "status", "") == "loaded"}

    def why(plugin: str) -> str:
        record = records.get(plugin)
        if record is not None:
            return f"{getattr(record, 'status', 'not loaded')}: {getattr(record, 'reason', '')}"
        from civicvol.plugins.discovery import ALLOW_ENV, allowed_plugins, installed_plugins

        allow = allowed_plugins()
        if allow is not None and plugin in {p.name for p in installed_plugins()}:
            return f"{ALLOW_ENV} leaves it out; add it there to see its section"
        return "this application was opened without it"

    return missing.not_loaded(loaded, why)


def fold_report(app: CivicVol, notifications: Iterable[Notification], *,
                sections: Sequence[Any] | None = None, also: Sequence[Any] = ()
                ) -> DistrictReport:
    """The core figures and the plug-ins' sections (``app``'s unless ``sections`` are given)
    folded over ``notifications``; the folds in ``also`` are fed the same events."""
    from civicvol.app.missing import MissingPlugins
    from civicvol.app.report import DistrictFigures, fold_log

    figures, missing = DistrictFigures(), MissingPlugins()
    if sections is None:
        sections = app.extensions.report_sections(app)
    unreadable = fold_log(notifications, app.mapper, [figures, missing, *also, *sections])
    report = {**figures.as_dict(), **{s.name: s.as_dict() for s in sections}}
    if missing.unreadable:  # named once, never silently left out
        report[missing.name] = missing.as_list()
    if unreadable:  # named, so the figures are read knowing what they leave out
        report["unreadable_events"] = unreadable
    return report


__all__ = ["district_report", "fold_report", "order_view", "points_view", "team_members",
           "team_view", "volunteer_view"]

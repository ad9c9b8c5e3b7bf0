"""Records out to the office: volunteers, orders, points and hours, read from the views.

Each export is one or more sections (a sheet each in .xlsx; a .csv file each), with headers in
the chosen language (Chinese unless told otherwise), moments in Asia/Shanghai to the minute,
and numbers as numbers (hours as decimals). The hours are the volunteers' completed orders,
the services their ``ServiceRecorded`` events record, as certificates state them. An erased
volunteer's name and phone are left out; their hours and points stay. ``as_of`` answers from
the views as they stood at the end of that day (:mod:`civicvol.views.asof`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from civicvol import i18n
from civicvol.app.application import CivicVol, parse_id
from civicvol.app.boundary import checked
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput
from civicvol.domain.values import ERASED
from civicvol.i18n import N_, _
from civicvol.office.sheets import (
    FORMATS,
    Sheet,
    as_path,
    check_writable,
    file_format,
    write_sheets,
)
from civicvol.views.runner import Views

KINDS = ("volunteers", "orders", "points", "hours")
# Statuses and kinds as people read them (the views keep the English codes).
WORDS = {w: w for w in (N_("active"), N_("suspended"), N_("left"), N_("placed"),
                        N_("dispatched"), N_("accepted"), N_("completed"), N_("rated"),
                        N_("cancelled"), N_("pending"), N_("approved"), N_("rejected"),
                        N_("reversed"), N_("credit"), N_("redemption"))}
Rows = list[list[Any]]


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Headers in ``lang``; else in the language chosen (--lang, CIVICVOL_LANG); else
    Chinese, the office's language."""
    if lang is not None and i18n.normalise(lang) is None:
        raise InvalidInput(_("language {lang!r} is not one civicvol speaks; give en or "
                             "zh_CN").format(lang=lang))
    if lang is None:
        lang = i18n.chosen() or (i18n.language() if os.environ.get(i18n.LANG_ENV)
                                 else "zh_CN")
    with i18n.speaking(lang):
        yield


@checked
def export(app: CivicVol, what: str, path: Path | str, *, format: str | None = None,
           community: str | None = None, team: str | None = None, since: date | None = None,
           until: date | None = None, as_of: date | None = None,
           lang: str | None = None) -> list[Path]:
    """Write the export ``what`` (one of :data:`KINDS`) to ``path``; returns the files
    written (a .csv export of several sections writes one file per section)."""
    if what not in KINDS:
        raise InvalidInput(_("there is no export {what!r}; choose one of {kinds}").format(
            what=what, kinds=", ".join(KINDS)))
    path = as_path(path)
    for day, name in ((since, N_("since")), (until, N_("until")), (as_of, N_("as of"))):
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise InvalidInput(_("the {name} day {day!r} is not a date; give a "
                                 "datetime.date").format(name=_(name), day=day))
    for text, name in ((community, N_("community")), (team, N_("team")),
                       (format, N_("format"))):
        if text is not None and not isinstance(text, str):
            raise InvalidInput(_("the {what} must be a text, not {type}").format(
                what=_(name), type=type(text).__name__))
    kind = format or file_format(path)
    if kind not in FORMATS:
        raise InvalidInput(_("format {kind!r} is not one civicvol writes; give xlsx or "
                             "csv").format(kind=kind))
    if path.suffix.lower() != f".{kind}":
        raise InvalidInput(_("{file} does not end in .{kind}; name the file for its "
                             "format").format(file=path.name, kind=kind))
    if since and until and since > until:
        raise InvalidInput(_("the period starts {since} after it ends {until}; give the "
                             "earlier date first").format(since=since, until=until))
    team_id = str(parse_id(team, "team")) if team else None
    if team_id is not None:
        app.team(team_id)  # a team that does not exist is named, not exported as empty
    # Refused before the work, and in the reader's language, not the headers' (Chinese).
    check_writable(path)
    with speaking(lang):
        if as_of is None:
            sheets = SECTIONS[what](app.views, Filter(community, team_id, since, until))
        else:
            from civicvol.audit.asof import end_of_day
            from civicvol.views.asof import views_as_of

            with views_as_of(app, end_of_day(as_of)) as views:
                sheets = SECTIONS[what](views, Filter(community, team_id, since, until))
        return write_sheets(path, sheets, kind=kind)


class Filter:
    def __init__(self, community: str | None, team: str | None, since: date | None,
                 until: date | None) -> None:
        self.community, self.team, self.since, self.until = community, team, since, until

    def in_period(self, moment: str | None) -> bool:
        if not moment:
            return False
        day = datetime.fromisoformat(moment).astimezone(DISTRICT_TIME).date()
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until)

    @property
    def has_period(self) -> bool:
        return self.since is not None or self.until is not None


def _moment(text: str | None) -> datetime | None:
    """A view's ISO moment as the district's clock shows it (naive, to the minute)."""
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone(DISTRICT_TIME).replace(
        tzinfo=None, second=0, microsecond=0)


def _hours(text: Any) -> Decimal:
    return Decimal(str(text or 0))


def _people(views: Views, f: Filter) -> list[dict[str, Any]]:
    """The volunteers in the community and team asked for, with erased details blanked."""
    people: list[dict[str, Any]] = views.volunteers.search(community=f.community,
                                                           team=f.team, limit=None)
    for v in people:
        if v["erased"] or v["name"] == ERASED:
            v["name"] = v["phone"] = v["national_number"] = ""
    return people


def volunteers_sheets(views: Views, f: Filter) -> list[Sheet]:
    rows: Rows = [[v["id"], v["name"], v["phone"], v["community"], "、".join(v["skills"]),
                   _(WORDS[v["status"]]), _hours(v["service_hours"]), v["orders_completed"],
                   _moment(v["registered_at"]), v["national_number"] or ""]
                  for v in _people(views, f)
                  if not f.has_period or f.in_period(v["registered_at"])]
    # The national number last: the columns before it keep their places for older sheets.
    return [Sheet(_("volunteers"), [_("Volunteer ID"), _("Name"), _("Phone"), _("Community"),
                                    _("Skills"), _("Status"), _("Service hours"),
                                    _("Orders completed"), _("Registered at"),
                                    _("National volunteer number")], rows)]


def orders_sheets(views: Views, f: Filter) -> list[Sheet]:
    orders = views.orders.list(team=f.team, community=f.community,
                               since=f.since.isoformat() if f.since else None,
                               until=f.until.isoformat() if f.until else None)
    rows: Rows = [[o["id"], _(WORDS[o["status"]]), o["channel"], o["service"],
                   o["description"], o["place"], o["wanted_time"], "、".join(o["beneficiaries"]),
                   o["team_id"] or "", o["volunteer_id"] or "", _moment(o["placed_at"]),
                   _moment(o["dispatched_at"]), _moment(o["accepted_at"]),
                   _moment(o["completed_at"]), _moment(o["rated_at"]),
                   _moment(o["cancelled_at"]), _hours(o["hours"]), o["served"], o["stars"],
                   o["declines"]] for o in orders]
    return [Sheet(_("orders"), [
        _("Order ID"), _("Status"), _("Channel"), _("Service"), _("Description"), _("Place"),
        _("Wanted time"), _("Beneficiaries"), _("Team ID"), _("Volunteer ID"), _("Placed at"),
        _("Dispatched at"), _("Accepted at"), _("Completed at"), _("Rated at"),
        _("Cancelled at"), _("Service hours"), _("People served"), _("Stars"),
        _("Declines")], rows)]


def points_sheets(views: Views, f: Filter) -> list[Sheet]:
    people = {v["id"]: v for v in _people(views, f)}
    accounts = views.points.every_account()
    entries = [e for e in views.points.every_entry() if e["volunteer_id"] in people
               and (not f.has_period or f.in_period(e["at"]))]
    account_rows: Rows = [[vid, people[vid]["name"], people[vid]["community"], a["balance"],
                           a["pending"], a["redeemed"]]
                          for vid, a in accounts.items() if vid in people]
    entry_rows: Rows = [[e["volunteer_id"], people[e["volunteer_id"]]["name"], e["entry_id"],
                         _(WORDS[e["kind"]]), e["points"], _(WORDS[e["status"]]), e["source"],
                         e["gift"] or "", e["station"] or "", _moment(e["at"]),
                         _moment(e["decided_at"])] for e in entries]
    return [Sheet(_("accounts"), [_("Volunteer ID"), _("Name"), _("Community"), _("Balance"),
                                  _("Pending"), _("Redeemed")], account_rows),
            Sheet(_("entries"), [_("Volunteer ID"), _("Name"), _("Entry"), _("Kind"),
                                 _("Points"), _("Status"), _("Source"), _("Gift"),
                                 _("Station"), _("At"), _("Decided at")], entry_rows)]


def hours_sheets(views: Views, f: Filter) -> list[Sheet]:
    """Per volunteer, the hours of their completed orders (in the period), and each service
    as a certificate lists it: date, order, service, place, hours. ``--team``: the services
    of the team's orders, whoever served them (a former member's too)."""
    people = {v["id"]: v for v in _people(views, Filter(f.community, None, None, None))}
    served = [o for status in ("completed", "rated")
              for o in views.orders.list(status=status, team=f.team)
              if o["volunteer_id"] in people and f.in_period(o["completed_at"])]
    served.sort(key=lambda o: (o["volunteer_id"], o["position"]))
    totals: dict[str, tuple[Decimal, int]] = {}
    for o in served:
        hours, count = totals.get(o["volunteer_id"], (Decimal(0), 0))
        totals[o["volunteer_id"]] = (hours + _hours(o["hours"]), count + 1)
    by_volunteer: Rows = [[vid, v["name"], v["community"], *totals.get(vid, (Decimal(0), 0))]
                          for vid, v in people.items()
                          if vid in totals or not (f.has_period or f.team)]
    services: Rows = [[o["volunteer_id"], people[o["volunteer_id"]]["name"],
                       _moment(o["completed_at"]), o["id"], o["service"], o["place"],
                       _hours(o["hours"])] for o in served]
    return [Sheet(_("hours by volunteer"), [_("Volunteer ID"), _("Name"), _("Community"),
                                            _("Service hours"), _("Services")], by_volunteer),
            Sheet(_("services"), [_("Volunteer ID"), _("Name"), _("Completed at"),
                                  _("Order ID"), _("Service"), _("Place"), _("Service hours")],
                  services)]


SECTIONS: dict[str, Callable[[Views, Filter], list[Sheet]]] = {
    "volunteers": volunteers_sheets, "orders": orders_sheets, "points": points_sheets,
    "hours": hours_sheets}

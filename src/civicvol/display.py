"""How values are shown to people: times in the district's zone to the minute, statuses and
labels in the current language. JSON output does not come here: it keeps ISO 8601 with the
offset and the English codes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from civicvol.domain.clock import DISTRICT_TIME
from civicvol.i18n import N_, _, ngettext

_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")

# Codes the records keep (order stages, volunteer and entry states, kinds, channels ...),
# shown in words; an unknown code is shown as it is.
STATUSES = {
    # order stages
    "open": N_("open"), "placed": N_("placed"), "dispatched": N_("dispatched"),
    "accepted": N_("accepted"), "completed": N_("completed"), "rated": N_("rated"),
    "cancelled": N_("cancelled"), "declined": N_("declined"),
    # volunteers and members
    "active": N_("active"), "suspended": N_("suspended"), "left": N_("left"),
    "erased": N_("erased"),
    # point entries
    "pending": N_("pending"), "approved": N_("approved"), "rejected": N_("rejected"),
    "redeemed": N_("redeemed"), "reversed": N_("reversed"), "credited": N_("credited"),
    # teams
    "corps": N_("corps"), "standing": N_("standing team"), "special": N_("special team"),
    "dissolved": N_("dissolved"),
    # channels
    "platform": N_("platform"), "station": N_("station"), "hotline": N_("hotline"),
    # beneficiaries
    "elderly": N_("elderly"), "left-behind children": N_("left-behind children"),
    "disabled": N_("disabled"), "children": N_("children"),
    # plug-ins' sessions, drives, clues, hazards
    "scheduled": N_("scheduled"), "held": N_("held"), "regular": N_("regular"),
    "closed": N_("closed"), "fed-back": N_("fed back"), "handled": N_("handled"),
    "triaged": N_("triaged"), "reported": N_("reported"), "valid": N_("valid"),
    "invalid": N_("invalid"), "duplicate": N_("duplicate"), "fixed": N_("fixed"),
    "overdue": N_("overdue"), "running": N_("running"), "stopped": N_("stopped"),
    "true": N_("yes"), "false": N_("no"), "yes": N_("yes"), "no": N_("no"),
    "credit": N_("credit"), "redemption": N_("redemption"), "reversal": N_("reversal"),
    "ok": N_("ok"), "failed": N_("failed"), "built-in": N_("built-in"),
    "external": N_("external"), "loaded": N_("loaded"),
    # the cycle as districts run it, and points that expire
    "reviewing": N_("under review"), "offered": N_("offered to teams"),
    "closed-unrated": N_("closed unrated"), "expired": N_("expired"), "expiry": N_("expiry"),
}


# the fields whose values are codes shown in words
CODED = frozenset({"status", "kind", "channel", "beneficiaries", "state", "verdict"})


# what a refused command was doing, named in messages
VERBS = (N_("accept"), N_("decline"), N_("rate"), N_("cancel"), N_("complete"), N_("dispatch"),
         N_("redeem"), N_("reverse"), N_("change its members"), N_(" or "))


def status(code: object) -> str:
    """An order stage, a volunteer's or an entry's state ... in words."""
    text = str(code.value if hasattr(code, "value") else code)
    return _(STATUSES[text]) if text in STATUSES else text


def word(key: object) -> str:
    """A mapping's key as shown: a code in words, a field name as a label, data as it is."""
    text = str(key)
    return status(text) if text in STATUSES else label(text)


def label(key: str) -> str:
    """A record's or a report's field name (an English JSON key) as a heading."""
    return _(key.replace("_", " "))


def moment(value: datetime | str) -> str:
    """A moment as people read it: the district's time, to the minute."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%d %H:%M")
    return when.astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")


def is_moment(value: Any) -> bool:
    return isinstance(value, datetime) or (isinstance(value, str)
                                           and _ISO_MOMENT.match(value) is not None)


def day(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else value


def hours(amount: object) -> str:
    """"1 hour", "1.5 hours", "2 hours" (and 1 小时 ...)."""
    text = str(amount)
    one = text in ("1", "1.0", "1.00")
    return ngettext("{hours} hour", "{hours} hours", 1 if one else 2).format(hours=text)


def count(n: int, singular: str, plural: str) -> str:
    """``n`` things with the plural right in the current language."""
    return ngettext(singular, plural, n).format(n=n)


# Field names (JSON keys) as headings: declared here so that the catalog has them.
LABELS = (
    N_("accepted"), N_("accepted at"), N_("action"), N_("actions"), N_("active"),
    N_("approved"), N_("approved at"), N_("approved by"), N_("as of"), N_("average stars"),
    N_("balance"), N_("barbers"), N_("beneficiaries"), N_("beneficiary groups"), N_("by"),
    N_("by category"), N_("by category and verdict"), N_("by channel"), N_("by month"),
    N_("by service"), N_("by verdict"), N_("by year"), N_("calendar fallback"), N_("cancelled"),
    N_("cancelled at"), N_("categories"), N_("category"), N_("category name"), N_("changes"),
    N_("channel"), N_("checkpoints checked"), N_("closed"), N_("closed on"),
    N_("clues reported"), N_("comment"), N_("communities"), N_("community"), N_("completed"),
    N_("completed at"), N_("corps"), N_("created at"), N_("created on"), N_("credited"),
    N_("cycle"), N_("day"), N_("deadline"), N_("declined"), N_("declines"),
    N_("default points"), N_("delivered"), N_("description"), N_("disabled"),
    N_("disaster medicine trainings"), N_("dispatched"), N_("dispatched at"), N_("dissolved"),
    N_("district"), N_("drills"), N_("drives"), N_("duplicate of"), N_("elderly"),
    N_("entries"), N_("entry"), N_("erased"), N_("evacuation"), N_("event"), N_("event count"),
    N_("event modules"), N_("events"), N_("fed back"), N_("feedback"), N_("finding"),
    N_("fire"), N_("fixed on spot"), N_("flood"), N_("found on"), N_("gift"), N_("handled"),
    N_("handled by"), N_("hats"), N_("hazards found"), N_("head"), N_("head hash"),
    N_("held by year"), N_("home visits completed"), N_("home visits requested"), N_("hooks"),
    N_("hours"), N_("id"), N_("in service"), N_("inspection"), N_("inspections"),
    N_("institutions"), N_("intact"), N_("joined at"), N_("kind"), N_("knitters"), N_("lag"),
    N_("largest"), N_("latest session"), N_("launched on"), N_("leaders"), N_("lectures"),
    N_("left"), N_("left at"), N_("left-behind children"), N_("members"), N_("memberships"),
    N_("modified on"), N_("name"), N_("open"), N_("open orders"), N_("order_funnel"),
    N_("orders"), N_("orders completed"), N_("orders taken"), N_("origin"), N_("originator id"),
    N_("outstanding"), N_("overdue"), N_("parent id"), N_("partner"), N_("pending"),
    N_("people served"), N_("per drive"), N_("permissions"), N_("personal keys lost"),
    N_("phone"), N_("photo"), N_("place"), N_("placed"), N_("placed at"), N_("placed on"),
    N_("platform"), N_("points"), N_("points approved"), N_("points balance"),
    N_("points credited"), N_("points pending"), N_("points per piece"),
    N_("points per session"), N_("points redeemed"), N_("pos"), N_("position"), N_("rated"),
    N_("rated at"), N_("reason"), N_("recipients"), N_("record"), N_("redeemed"),
    N_("redemptions"), N_("registered"), N_("registered at"), N_("registered on"),
    N_("regular sessions held"), N_("reinspections"), N_("rejected"), N_("reported on"),
    N_("requester"), N_("requires"), N_("residents served"), N_("reversed"), N_("rider"),
    N_("riders taking part"), N_("scarves"), N_("seen at"), N_("served"), N_("service"),
    N_("service hours"), N_("session hours"), N_("session start"), N_("sessions cancelled"),
    N_("sessions held"), N_("sessions scheduled"), N_("sets by institution"),
    N_("sets delivered"), N_("sets in hand"), N_("sets knitted"), N_("settings"), N_("skills"),
    N_("source"), N_("special"), N_("special sessions"), N_("special sessions held"),
    N_("standing"), N_("stars"), N_("station"), N_("status"), N_("store"), N_("suspended"),
    N_("target sets"), N_("team"), N_("team id"), N_("teams"), N_("time"),
    N_("time (Asia/Shanghai)"), N_("title"), N_("total"), N_("triage note"), N_("v"),
    N_("valid"), N_("valid clues"), N_("verdict"), N_("version"), N_("view"),
    N_("volunteer id"), N_("volunteers"), N_("waiting for a volunteer"),
    N_("waiting for dispatch"), N_("waiting for rating"), N_("wanted time"), N_("what changed"),
    N_("with deadline"), N_("days overdue"), N_("hazard"),
    # the cycle, the catalogue and the gift counter
    N_("added hours"), N_("volunteers wanted"), N_("rejection reason"), N_("pool"),
    N_("started"), N_("code"), N_("attendance"), N_("closed unrated"),
    N_("offered to pools"), N_("returned unaccepted"), N_("review accepted"),
    N_("review rejected"), N_("waiting for review"), N_("handed out"), N_("in stock"),
    N_("by station"), N_("stations"), N_("service code"), N_("attributes"), N_("lat"),
    N_("long"), N_("under review"), N_("expired"), N_("volunteers accepted"),
    N_("national number"),
)

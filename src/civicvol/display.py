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
    "ok": N_("ok"), "failed": N_("failed"), "built-in": N_("built-in"),
    "external": N_("external"), "loaded": N_("loaded"), "disabled plug-in": N_("disabled"),
}


# the fields whose values are codes shown in words
CODED = frozenset({"status", "kind", "channel", "beneficiaries", "state", "verdict"})


def status(code: object) -> str:
    """An order stage, a volunteer's or an entry's state ... in words."""
    text = str(code.value if hasattr(code, "value") else code)
    return _(STATUSES[text]) if text in STATUSES else text


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

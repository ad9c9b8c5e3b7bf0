"""The district's settings for the order cycle, kept as events so history says when each
changed: whether the centre reviews orders (审单), how long a dispatched order may wait for
a volunteer, how many days a resident has to rate, whether hours added afterwards earn points.

One aggregate per store, at a fixed id; a store that never changed a setting has none and
every setting is its default (the cycle as it ran before these settings existed).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.errors import InvalidSetting
from civicvol.domain.values import Actor
from civicvol.i18n import _

DISTRICT_SETTINGS_ID = uuid5(NAMESPACE_URL, "civicvol:district-settings")
MAX_LIMIT = 10_000


@attrs.frozen
class CycleSetting:
    """One district setting: its default (which gives its kind) and what it means."""

    default: bool | int
    help: str

    def parse(self, key: str, value: object) -> bool | int:
        """The value as the setting's kind, from a bool/int or the text given on the CLI."""
        if isinstance(self.default, bool):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "yes", "on", "1"):
                return True
            if text in ("false", "no", "off", "0"):
                return False
            raise InvalidSetting(_("district setting {key!r} is true or false, not "
                                   "{value!r}").format(
                                   key=key, value=value))
        if isinstance(value, bool):
            raise InvalidSetting(_("district setting {key!r} is a whole number, not "
                                   "{value!r}").format(
                                   key=key, value=value))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InvalidSetting(_("district setting {key!r} is a whole number (0 for no limit), "
                                   "not {value!r}").format(key=key, value=value)) from None
        if not 0 <= number <= MAX_LIMIT:
            raise InvalidSetting(_("district setting {key!r} must be 0 to {max_limit}, not "
                                   "{number}").format(
                                   key=key, max_limit=MAX_LIMIT, number=number))
        return number


SETTINGS: dict[str, CycleSetting] = {
    "review_orders": CycleSetting(False, "The centre reviews each placed order (审单) before "
                                         "it can be dispatched."),
    "accept_within_hours": CycleSetting(0, "A dispatched order nobody accepted within this "
                                           "many hours goes back to the centre's queue "
                                           "(0: no limit)."),
    "rate_within_days": CycleSetting(0, "A completed order not rated within this many days "
                                        "closes unrated (0: no limit)."),
    "added_hours_earn_points": CycleSetting(False, "Hours an administrator adds afterwards "
                                                   "earn points like hours recorded at the "
                                                   "activity."),
}


def check_setting(key: object, value: object) -> tuple[str, bool | int]:
    name = str(key).strip().replace("-", "_")
    setting = SETTINGS.get(name)
    if setting is None:
        raise InvalidSetting(_("there is no district setting {key!r}; the settings are "
                               "{choices}").format(key=key, choices=', '.join(SETTINGS)))
    return name, setting.parse(name, value)


class DistrictSettings(CivicAggregate):
    @staticmethod
    def create_id() -> UUID:
        return DISTRICT_SETTINGS_ID

    @event("Opened")
    def __init__(self, by: Actor) -> None:
        self.values: dict[str, Any] = {k: s.default for k, s in SETTINGS.items()}

    def change(self, key: object, value: object, by: Actor) -> bool:
        """Set a setting; False (no event) when it has that value already."""
        name, parsed = check_setting(key, value)
        if self.values[name] == parsed:
            return False
        self._change(name, parsed, by)
        return True

    @event("Changed")
    def _change(self, key: str, value: bool | int, by: Actor) -> None:
        self.values[key] = value


def defaults() -> dict[str, Any]:
    return {k: s.default for k, s in SETTINGS.items()}

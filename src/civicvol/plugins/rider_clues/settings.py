"""The rider-clues settings, overridden in civicvol.toml under ``[plugins.rider-clues]``::

    [plugins.rider-clues]
    categories.blocked-fire-exit = "消防通道堵塞"
    points.flying-wire-charging = 5
    default_points = 3
    station = "蜂享驿站"
"""

from __future__ import annotations

from civicvol.i18n import _
from civicvol.plugins.rider_clues.categories import (
    DEFAULT_POINTS,
    DEFAULT_STATION,
    check_categories_setting,
    check_default_points_setting,
    check_points_setting,
)
from civicvol.plugins.settings import Setting


def _check_station(value: str) -> None:
    if not value.strip():
        raise ValueError(_("the station needs a name, e.g. 蜂享驿站"))


SETTINGS: dict[str, Setting] = {
    "categories": Setting({}, help=_("extra clue categories: slug = 中文名"),
                          check=check_categories_setting),
    "points": Setting({}, help=_("points a valid clue of a category earns: slug = points"),
                      check=check_points_setting),
    "default_points": Setting(DEFAULT_POINTS, help=_("points for categories not in 'points'"),
                              check=check_default_points_setting),
    "station": Setting(DEFAULT_STATION, help=_("the station where riders redeem their points"),
                       check=_check_station),
}

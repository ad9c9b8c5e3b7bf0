"""The clue categories riders look out for, and the points a valid clue of each earns.

The four defaults are the article's; a community adds its own in civicvol.toml and sets the
points of its "积分兑" scheme per category::

    [plugins.rider-clues]
    categories.blocked-fire-exit = "消防通道堵塞"
    points.flying-wire-charging = 5
    default_points = 3

A category is named by its slug or by its Chinese name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from civicvol.domain.values import MAX_POINTS_PER_ENTRY
from civicvol.i18n import _
from civicvol.plugins.rider_clues.errors import InvalidClueSettings, UnknownClueCategory

DEFAULT_CATEGORIES: dict[str, str] = {
    "flying-wire-charging": "飞线充电",
    "online-fraud": "网络诈骗",
    "objects-thrown-from-height": "高空抛物",
    "unhygienic-food": "餐饮不卫生",
}
DEFAULT_POINTS = 5
DEFAULT_STATION = "蜂享驿站"
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


@attrs.frozen
class ClueCategories:
    """Category slug → Chinese name, and slug → points a valid clue earns."""

    labels: Mapping[str, str] = attrs.field(factory=lambda: dict(DEFAULT_CATEGORIES))
    points: Mapping[str, int] = attrs.field(factory=dict)
    default_points: int = DEFAULT_POINTS

    @classmethod
    def from_settings(cls, categories: Mapping[str, str] | None = None,
                      points: Mapping[str, int] | None = None,
                      default_points: int = DEFAULT_POINTS) -> ClueCategories:
        """The defaults plus ``categories`` (slug → 中文名), with ``points`` per slug and
        ``default_points`` for the rest; malformed values raise InvalidClueSettings."""
        labels = dict(DEFAULT_CATEGORIES)
        for slug, label in (categories or {}).items():
            labels[_check_slug(slug)] = _check_label(slug, label)
        scheme = {_check_slug(slug): _check_points(f"points.{slug}", value)
                  for slug, value in (points or {}).items()}
        unknown = sorted(set(scheme) - set(labels))
        if unknown:
            raise InvalidClueSettings(
                _("points are set for unknown categories {join}; add them with "
                  'categories.<slug> = "中文名" or fix the spelling (known: {join2})').format(
                  join=', '.join(unknown), join2=', '.join(labels))
            )
        return cls(labels=labels, points=scheme,
                   default_points=_check_points("default_points", default_points))

    def resolve(self, name: str) -> str:
        """The slug of a category given by slug or Chinese name."""
        text = (name or "").strip()
        if text in self.labels:
            return text
        for slug, label in self.labels.items():
            if label == text:
                return slug
        known = ", ".join(f"{slug} ({label})" for slug, label in self.labels.items())
        raise UnknownClueCategory(
            _("clue category {name!r} is not known; use one of {known}, or add it in the "
              'rider-clues settings as categories.<slug> = "中文名"').format(
              name=name, known=known)
        )

    def points_for(self, category: str) -> int:
        return self.points.get(category, self.default_points)


def _check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise InvalidClueSettings(
            _("category slug {slug!r} is not lower-case letters, digits and dashes (2 to "
              '40, starting with a letter), e.g. categories.noise = "噪音扰民"').format(slug=slug)
        )
    return slug


def _check_label(slug: str, value: object) -> str:
    label = value.strip() if isinstance(value, str) else ""
    if not label:
        raise InvalidClueSettings(_("categories.{slug} has no name; give its Chinese name").format(
                                    slug=slug))
    return label


def _check_points(key: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidClueSettings(_("{key} = {value!r} is not a whole number of points").format(
                                    key=key, value=value))
    points = value
    if not 0 <= points <= MAX_POINTS_PER_ENTRY:
        raise InvalidClueSettings(
            _("{key} = {points} is out of range; give 0 (no reward) to "
              "{MAX_POINTS_PER_ENTRY}").format(
              key=key, points=points, MAX_POINTS_PER_ENTRY=MAX_POINTS_PER_ENTRY)
        )
    return points


# --- checks of the civicvol.toml settings (ValueError, as the plug-in settings expect) -------
def check_categories_setting(value: Mapping[str, str]) -> None:
    try:
        ClueCategories.from_settings(categories=value)
    except InvalidClueSettings as error:
        raise ValueError(str(error)) from None


def check_points_setting(value: Mapping[str, int]) -> None:
    try:
        for slug, points in value.items():
            _check_slug(slug)
            _check_points(f"points.{slug}", points)
    except InvalidClueSettings as error:
        raise ValueError(str(error)) from None


def check_default_points_setting(value: int) -> None:
    try:
        _check_points("default_points", value)
    except InvalidClueSettings as error:
        raise ValueError(str(error)) from None

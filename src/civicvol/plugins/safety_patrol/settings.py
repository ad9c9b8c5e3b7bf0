"""The safety-patrol settings, overridden in civicvol.toml under ``[plugins.safety-patrol]``::

    [plugins.safety-patrol]
    default_deadline_days = 15
"""

from __future__ import annotations

from civicvol.i18n import _
from civicvol.plugins.safety_patrol.permissions import MAX_DEADLINE_DAYS
from civicvol.plugins.settings import Setting

DEFAULT_DEADLINE_DAYS = 15


def _check_days(value: int) -> None:
    if not 1 <= value <= MAX_DEADLINE_DAYS:
        raise ValueError(_("give a number of days from 1 to {most}").format(
                           most=MAX_DEADLINE_DAYS))


SETTINGS: dict[str, Setting] = {
    "default_deadline_days": Setting(
        DEFAULT_DEADLINE_DAYS, check=_check_days,
        help=_("days given to rectify a hazard when the inspector names no deadline")),
}

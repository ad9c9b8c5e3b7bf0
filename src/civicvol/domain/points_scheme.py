"""积分制度: the written scheme that turns service into points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import attrs

from civicvol.domain.errors import InvalidPoints
from civicvol.i18n import _


@attrs.frozen
class PointsScheme:
    """Points per service hour, and whether credits skip the points audit."""

    points_per_hour: int = 10
    auto_approve: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.points_per_hour, int) or self.points_per_hour < 0:
            raise InvalidPoints(
                _("points per hour must be a whole number 0 or more, not "
                  "{points_per_hour!r}").format(
                  points_per_hour=self.points_per_hour)
            )

    def points_for_service(self, hours: Decimal) -> int:
        return int((hours * self.points_per_hour).quantize(Decimal(1), rounding=ROUND_HALF_UP))

"""The pure domain: aggregates, events, value objects and errors. No databases here.

The names below are imported on first use (:mod:`civicvol.lazy`), so importing
``civicvol.domain.errors`` does not import every aggregate (and eventsourcing with them).
"""

from typing import TYPE_CHECKING

from civicvol.lazy import lazy_exports

if TYPE_CHECKING:
    from civicvol.domain.errors import CivicVolError
    from civicvol.domain.membership import Membership
    from civicvol.domain.point_account import PointAccount
    from civicvol.domain.service_order import ServiceOrder
    from civicvol.domain.team import Team
    from civicvol.domain.values import Actor, Role, TeamKind
    from civicvol.domain.volunteer import Volunteer

__all__ = [
    "Actor",
    "CivicVolError",
    "Membership",
    "PointAccount",
    "Role",
    "ServiceOrder",
    "Team",
    "TeamKind",
    "Volunteer",
]
__getattr__ = lazy_exports(__name__, {
    "CivicVolError": "civicvol.domain.errors",
    "Membership": "civicvol.domain.membership",
    "PointAccount": "civicvol.domain.point_account",
    "ServiceOrder": "civicvol.domain.service_order",
    "Team": "civicvol.domain.team",
    **dict.fromkeys(("Actor", "Role", "TeamKind"), "civicvol.domain.values"),
    "Volunteer": "civicvol.domain.volunteer",
})

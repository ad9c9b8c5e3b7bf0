"""The pure domain: aggregates, events, value objects and errors. No databases here."""

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

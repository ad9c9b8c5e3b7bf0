"""The read side: views that follow the event log (see docs/views.md).

Each view is an :class:`eventsourcing.projection.Projection` whose tables live in the store's
own database beside its tracked position; ``app.views`` holds them and catches them up before
every query, so a query sees every committed command.
"""

from __future__ import annotations

from civicvol.views.directory import DirectoryView
from civicvol.views.memberships import MembershipsView
from civicvol.views.orders import OrdersView
from civicvol.views.points import PointsView
from civicvol.views.runner import Views
from civicvol.views.services import ServiceRequestsView
from civicvol.views.stations import StationsView
from civicvol.views.teams import TeamsView
from civicvol.views.timeline import TimelineView
from civicvol.views.view import View
from civicvol.views.volunteers import VolunteersView

CORE_VIEWS: tuple[type[View], ...] = (OrdersView, VolunteersView, DirectoryView, TeamsView,
                                      MembershipsView, PointsView, TimelineView,
                                      ServiceRequestsView, StationsView)

__all__ = ["CORE_VIEWS", "View", "Views"]

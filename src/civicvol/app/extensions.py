"""The seam through which plug-ins take part in the application's commands.

:class:`Extensions` is what the application calls at fixed points of every command; its
defaults do nothing beyond the core scheme. The plug-in manager
(:mod:`civicvol.plugins`) provides the implementation that calls the plug-ins' hooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Recording

from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.values import Actor, Source
from civicvol.i18n import _

if TYPE_CHECKING:
    from datetime import datetime

    from civicvol.app.application import CivicVol
    from civicvol.domain.service_order import ServiceOrder


class Extensions:
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Add the transcodings of plug-ins' value objects."""

    def before_save(self, app: CivicVol, command: str, actor: Actor,
                    events: Sequence[Any]) -> None:
        """Decide on a command's new events before they are saved; raise to refuse it."""

    def after_commit(self, app: CivicVol, command: str, actor: Actor,
                     recordings: Sequence[Recording[UUID]]) -> None:
        """Observe events once they are committed."""

    def report_sections(self, app: CivicVol) -> list[Any]:
        """Extra report sections: folds with ``name``, ``fold(notification, decode)`` and
        ``as_dict()``, fed the same events as the core figures."""
        return []

    def views(self) -> list[type[Any]]:
        """The plug-ins' view classes (subclasses of :class:`civicvol.views.View`)."""
        return []

    def routes(self, app: CivicVol) -> list[tuple[str, Any]]:
        """The plug-ins' web routes: ``(plug-in name, fastapi.APIRouter)`` pairs."""
        return []

    def catalogue_services(self) -> list[Any]:
        """The services the plug-ins add to the catalogue (``ServiceDefinition``s)."""
        return []

    def build_demo(self, app: CivicVol, district: Any, progress: Any) -> None:
        """Add the plug-ins' parts to ``civicvol demo`` (``district`` is a
        :class:`civicvol.demo.District`)."""

    def fire_deadlines(self, app: CivicVol, now: datetime) -> list[tuple[str, str]]:
        """The plug-ins' deadlines due at ``now``, fired: (kind, record id) for each."""
        return []

    def points_for_order(self, app: CivicVol, order: ServiceOrder,
                         scheme: PointsScheme) -> int:
        """The points a completed order earns its volunteer."""
        return scheme.points_for_service(order.hours)

    def points_for_credit(self, app: CivicVol, volunteer_id: UUID, points: int,
                          source: Source) -> int:
        """The points another credit (a clue, a session ...) earns after the points rules."""
        return points

    def service(self, app: CivicVol, name: str) -> Any:
        """The application service of the plug-in ``name``; none without plug-ins."""
        from civicvol.plugins.errors import PluginNotLoaded

        raise PluginNotLoaded(_("plug-in {name!r} is not loaded: this application was opened "
                                "without plug-ins; open it with "
                                "civicvol.open_district(store)").format(name=name), name)

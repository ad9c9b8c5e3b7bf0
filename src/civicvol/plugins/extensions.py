"""The plug-ins wired into the application through its :class:`Extensions` seam."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Recording
from eventsourcing.utils import get_topic

from civicvol.app.extensions import Extensions
from civicvol.domain.errors import CivicVolError
from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.values import Actor, Source
from civicvol.i18n import N_, _
from civicvol.plugins.errors import CommandRefusedByPlugin, PluginHookFailed, PluginNotLoaded
from civicvol.plugins.manager import HookCall, HookFailure, PluginHost, PluginRecord
from civicvol.plugins.settings import resolve_settings

if TYPE_CHECKING:
    from datetime import datetime

    from civicvol.app.application import CivicVol
    from civicvol.domain.service_order import ServiceOrder

CORE_SECTIONS = {"store", "events", "teams", "volunteers", "orders", "cycle", "service",
                 "points", "skipped_events"}


class PluginExtensions(Extensions):
    """Calls the loaded plug-ins' hooks at the application's fixed points.

    One instance serves one application (it holds that application's plug-in services).
    ``config`` holds the ``[plugins.*]`` tables of civicvol.toml; a bad setting raises
    :class:`~civicvol.plugins.errors.PluginSettingError` here, before the store is opened.
    """

    def __init__(self, host: PluginHost, config: Mapping[str, Mapping[str, Any]] | None = None,
                 on_failure: Callable[[HookFailure], None] | None = None) -> None:
        self.host = host
        self.settings: dict[str, dict[str, Any]] = {
            r.name: resolve_settings(r.name, r.settings, (config or {}).get(r.name, {}))
            for r in host.loaded()}
        self.on_failure = on_failure or warn
        self.services: dict[str, Any] = {}  # the services made so far, by plug-in
        self._made: set[str] = set()  # the plug-ins whose register_service has run
        self._making = threading.RLock()  # the web serves requests on threads; a service may
        # ask for another plug-in's while it is made
        self._app: CivicVol | None = None
        self._writer_of: dict[type, PluginRecord | None] = {}
        self._recorded: set[str] = set()
        self._pending: dict[UUID, str] = {}

    @property
    def failures(self) -> list[HookFailure]:
        """Observer failures so far (shared by every application of the same host)."""
        return self.host.failures

    # --- services ----------------------------------------------------------------------------
    def start(self, app: CivicVol) -> None:
        """Bind to ``app`` and let each plug-in check its settings as a whole (done once).

        A plug-in's service is made on its first need (:meth:`service`, or a hook that is
        given it), not here: a read command pays only for the plug-ins it uses, and a bad
        civicvol.toml is still refused when the store opens, by ``check_settings``.
        """
        if self._app is not None:
            return
        self._app = app
        for name, call in self.host.implementations("check_settings"):
            self._attributed(name, "check_settings", call,
                             {"settings": dict(self.settings.get(name, {}))})

    def _service(self, app: CivicVol, name: str) -> Any:
        """The plug-in's service, made by its ``register_service`` the first time (None when
        it has none)."""
        self.start(app)
        if name not in self._made:
            with self._making:
                if name not in self._made:
                    for plugin, call in self.host.implementations("register_service"):
                        if plugin == name:
                            args = {"app": app, "settings": dict(self.settings.get(name, {}))}
                            service = self._attributed(name, "register_service", call, args)
                            if service is not None:
                                self.services[name] = service
                    self._made.add(name)
        return self.services.get(name)

    def service(self, app: CivicVol, name: str) -> Any:
        if self._service(app, name) is None:
            record = self.host.records.get(name)
            # whole phrases: a plug-in's "disabled" is not the beneficiary group's word
            states = {"disabled": N_("it is disabled: {reason}"),
                      "failed": N_("it failed to load: {reason}"),
                      "incompatible": N_("it is incompatible: {reason}")}
            why = (_(states.get(record.status, N_("it is {status}: {reason}"))).format(
                       status=record.status, reason=record.reason)
                   if record and record.reason
                   else _("it is not installed") if record is None else _("it has no service"))
            raise PluginNotLoaded(_("plug-in {name!r} is not available here ({why})").format(
                                    name=name, why=why), name).hinted(
                                        _("'civicvol plugins' lists the plug-ins"))
        return self.services[name]

    # --- the application's fixed points ------------------------------------------------------
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        for _result in self._each("register_transcodings", transcoder=transcoder):
            pass

    def before_save(self, app: CivicVol, command: str, actor: Actor,
                    events: Sequence[Any]) -> None:
        args = {"app": app, "command": command, "actor": actor, "events": events}
        for name, call in self.host.implementations("validate_command"):
            try:
                veto = call({**args, **self.own_arguments(app, name)})
            except Exception as error:
                raise refused(name, command, str(error) or type(error).__name__, error) \
                    from error
            if veto:
                raise refused(name, command, str(veto))
        self._record_provenance(app, actor, events)

    def after_commit(self, app: CivicVol, command: str, actor: Actor,
                     recordings: Sequence[Recording[UUID]]) -> None:
        events = [r.domain_event for r in recordings]
        for event in events:
            if event.originator_id in self._pending:
                self._recorded.add(self._pending.pop(event.originator_id))
        args = {"app": app, "command": command, "actor": actor, "events": events,
                "recordings": recordings}
        for name, call in self.host.implementations("command_committed"):
            try:
                call(args)
            except Exception as error:  # isolated: report it, go on with the others
                failure = HookFailure(name, "command_committed", command, error)
                self.host.failures.append(failure)
                self.on_failure(failure)

    def points_for_order(self, app: CivicVol, order: ServiceOrder,
                         scheme: PointsScheme) -> int:
        args = {"app": app, "order": order, "scheme": scheme}
        points = self._first_number("points_for_order", "order.complete", args)
        return scheme.points_for_service(order.hours) if points is None else points

    def points_for_credit(self, app: CivicVol, volunteer_id: UUID, points: int,
                          source: Source) -> int:
        args = {"app": app, "volunteer_id": volunteer_id, "points": points, "source": source}
        decided = self._first_number("points_for_credit", "points.credit", args)
        return points if decided is None else decided

    def views(self) -> list[type[Any]]:
        from civicvol.views import CORE_VIEWS, View

        taken = {v.name for v in CORE_VIEWS}
        found: list[type[Any]] = []
        for name, result in self._each("register_views"):
            for cls in result if isinstance(result, list | tuple) else [result]:
                if cls is None:
                    continue
                if not (isinstance(cls, type) and issubclass(cls, View)) or cls.name in taken:
                    raise PluginHookFailed(
                        _("plug-in {name!r} failed in register_views: {cls!r} is not a "
                          "civicvol.views.View subclass with a name of its own (name it "
                          "after the plug-in)").format(name=name, cls=cls), name)
                taken.add(cls.name)
                found.append(cls)
        return found

    def report_sections(self, app: CivicVol) -> list[Any]:
        sections: list[Any] = []
        for name, call in self.host.implementations("report_sections"):
            result = self._attributed(name, "report_sections", call,
                                      {"app": app, **self.own_arguments(app, name)})
            for section in result if isinstance(result, list | tuple) else [result]:
                if section is None:
                    continue
                if section.name in CORE_SECTIONS or any(s.name == section.name
                                                        for s in sections):
                    raise PluginHookFailed(
                        _("plug-in {name!r} failed in report_sections: report section "
                          "{name2!r} is already taken; name it after the plug-in").format(
                          name=name, name2=section.name), name)
                sections.append(section)
        return sections

    def routes(self, app: CivicVol) -> list[tuple[str, Any]]:
        """Each plug-in's routers (``register_routes``), checked to be APIRouters (called by
        civicvol.web.create_app, so fastapi is installed)."""
        from fastapi import APIRouter

        found: list[tuple[str, Any]] = []
        for name, call in self.host.implementations("register_routes"):
            result = self._attributed(name, "register_routes", call,
                                      {"app": app, **self.own_arguments(app, name)})
            for router in result if isinstance(result, list | tuple) else [result]:
                if router is None:
                    continue
                if not isinstance(router, APIRouter):
                    raise PluginHookFailed(
                        _("plug-in {name!r} failed in register_routes: {router!r} is not a "
                          "fastapi.APIRouter").format(name=name, router=router), name)
                found.append((name, router))
        return found

    def catalogue_services(self) -> list[Any]:
        from civicvol.app.services import services_from_plugin

        found: dict[str, Any] = {}
        for name, result in self._each("register_services"):
            try:
                offered = list(services_from_plugin(name, result))
            except CivicVolError as error:
                raise PluginHookFailed(_("plug-in {name!r} failed in register_services: "
                                         "{error}").format(name=name, error=error),
                                       name, error) from error
            for service in offered:
                if service.code in found:
                    raise PluginHookFailed(
                        _("plug-in {name!r} failed in register_services: service code {code!r} is"
                          " taken by plug-in {plugin!r}; choose a code of your own").format(
                          name=name, code=service.code, plugin=found[service.code].plugin), name)
                found[service.code] = service
        return list(found.values())
    def fire_deadlines(self, app: CivicVol, now: datetime) -> list[tuple[str, str]]:
        fired: list[tuple[str, str]] = []
        for name, call in self.host.implementations("fire_deadlines"):
            result = self._attributed(name, "fire_deadlines", call,
                                      {"app": app, "now": now,
                                       **self.own_arguments(app, name)})
            fired += [(str(kind), str(record)) for kind, record in result or ()]
        return fired

    def build_demo(self, app: CivicVol, district: Any, progress: Any) -> None:
        for _result in self._each("build_demo", app=app, district=district, progress=progress):
            pass

    # --- inside ------------------------------------------------------------------------------
    def own_arguments(self, app: CivicVol, name: str) -> dict[str, Any]:
        """The arguments that are the plug-in's own: its resolved settings and its service
        (so a hook never looks itself up by a name it may not be registered under)."""
        return {"settings": dict(self.settings.get(name, {})),
                "service": self._service(app, name)}

    def _each(self, hook: str, **args: Any) -> Iterator[tuple[str, Any]]:
        for name, call in self.host.implementations(hook):
            yield name, self._attributed(name, hook, call, args)

    @staticmethod
    def _attributed(name: str, hook: str, call: HookCall, args: dict[str, Any]) -> Any:
        """Call one implementation; an unexpected failure names the plug-in and the hook (a
        CivicVolError, raised on purpose with its own message, passes unchanged)."""
        try:
            return call(args)
        except CivicVolError:
            raise
        except Exception as error:
            raise PluginHookFailed(_("plug-in {name!r} failed in {hook}: {name2}: {error}").format(
                                     name=name, hook=hook, name2=type(error).__name__,
                                     error=error), name, error) from error

    def _first_number(self, hook: str, command: str, args: dict[str, Any]) -> int | None:
        for name, call in self.host.implementations(hook):
            try:
                result = call(args)
            except Exception as error:
                raise refused(name, command, str(error) or type(error).__name__, error) \
                    from error
            if result is not None:
                if not isinstance(result, int) or isinstance(result, bool) or result < 0:
                    raise refused(name, command, f"{hook} gave {result!r}, not a whole "
                                  "number of points 0 or more")
                return result
        return None

    def _record_provenance(self, app: CivicVol, actor: Actor, events: Sequence[Any]) -> None:
        """Record, in the command's own transaction, the first write of each plug-in version.

        ``events`` is the application's list of events about to be saved: the provenance
        events are appended to it, so they commit (or fail) together with the command.
        """
        writers: dict[str, PluginRecord] = {}
        for event in events:
            cls = type(event)
            if cls not in self._writer_of:
                self._writer_of[cls] = self._writer(cls)
            writer = self._writer_of[cls]
            if writer is not None and writer.name not in self._recorded:
                writers[writer.name] = writer
        if not writers:
            return
        from civicvol.domain.provenance import PluginProvenance, plugin_provenance_id

        for record in writers.values():
            version = record.version or "unknown"
            provenance = app.find(PluginProvenance, plugin_provenance_id(record.name))
            if provenance is None:
                provenance = PluginProvenance(record.name, version, record.modules, by=actor)
            elif not provenance.has_recorded(version, record.modules):
                provenance.record_version(version, record.modules, by=actor)
            else:
                self._recorded.add(record.name)
                continue
            assert isinstance(events, list)
            events.extend(provenance.collect_events())
            self._pending[provenance.id] = record.name

    def _writer(self, cls: type) -> PluginRecord | None:
        from civicvol.domain.provenance import is_within

        module = get_topic(cls).partition(":")[0]
        matches = [(len(m), r) for r in self.host.loaded() for m in r.modules
                   if is_within(module, m)]
        return max(matches, key=lambda x: x[0])[1] if matches else None


def refused(plugin: str, command: str, reason: str,
            error: BaseException | None = None) -> CommandRefusedByPlugin:
    return CommandRefusedByPlugin(
        _("plug-in {plugin!r} refused {replace}: {reason}; nothing was stored").format(
          plugin=plugin, replace=command.replace('.', ' '), reason=reason),
        plugin, error)


def warn(failure: HookFailure) -> None:
    warnings.warn(str(failure), RuntimeWarning, stacklevel=2)

"""Every hook a civicvol plug-in can implement, in one flat module.

Promises that hold for every hook:

* civicvol always passes arguments **by keyword**, and an implementation may take any subset
  of them (pluggy matches them by name). Adding an argument to a hook later never breaks an
  existing implementation, so declare only the arguments you use.
* civicvol calls each plug-in's implementation on its own, so that a failure is reported
  with the plug-in's name (``hookwrapper``/``wrapper`` implementations are not supported).
* **Decision hooks** (:func:`validate_command`, :func:`points_for_order`,
  :func:`points_for_credit`) run inside a command, before its events are saved. An exception
  or a veto refuses the command: nothing is stored, and the user sees
  :class:`~civicvol.plugins.errors.CommandRefusedByPlugin` naming the plug-in. They must not
  store anything themselves.
* **Observer hooks** (:func:`command_committed`) run after the commit, isolated per plug-in:
  an exception is reported (with the plug-in's name) and never reaches the command or the
  other plug-ins.
* **Loading hooks** (``register_settings``, ``register_permissions``; ``register_commands``
  when the CLI starts) run once; an exception marks that plug-in failed and unloads it; the
  others keep working. The other hooks that run outside a command (``register_transcodings``,
  ``register_service``, ``register_services``, ``report_sections``, ``build_demo``) stop
  what they were part of: a
  ``CivicVolError`` passes as it is, any other exception becomes
  :class:`~civicvol.plugins.errors.PluginHookFailed` naming the plug-in and the hook.

The reference, with an example for each hook, is docs/plugins/hooks.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from civicvol.plugins.markers import hookspec

if TYPE_CHECKING:
    from datetime import datetime

    import click
    from eventsourcing.persistence import JSONTranscoder, Recording

    from civicvol.app.application import CivicVol
    from civicvol.demo import District
    from civicvol.domain.points_scheme import PointsScheme
    from civicvol.domain.service_catalogue import ServiceDefinition
    from civicvol.domain.service_order import ServiceOrder
    from civicvol.domain.values import Actor, Source
    from civicvol.plugins.settings import Setting


# --- registration: once, while plug-ins are loaded ---------------------------------------------
@hookspec
def register_settings() -> Mapping[str, Setting]:
    """Declare the plug-in's settings: ``{key: Setting(default, help=...)}``.

    Users override them in ``civicvol.toml`` under ``[plugins.<plugin name>]``; unknown keys
    and bad values are refused with an error naming the plug-in and the key. The resolved
    values reach :func:`register_service` as ``settings``.
    """


@hookspec
def register_permissions(grant: Callable[..., None]) -> None:
    """Let roles make the plug-in's commands: call ``grant("haircut.schedule", "leader")``.

    ``grant(command, *roles)`` is :func:`civicvol.app.authorization.grant`; a new role name
    becomes a known role (usable with ``--as role:id``). The plug-in's service calls
    ``civicvol.app.authorization.authorize(actor, command)`` at the start of each command.
    """


@hookspec
def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register the transcodings of the plug-in's value objects (``transcoder.register(...)``),
    so its events can hold them. Called while each application is constructed."""


@hookspec
def check_settings(settings: Mapping[str, Any]) -> None:
    """Check the plug-in's resolved settings as a whole, when a store opens.

    Each :class:`~civicvol.plugins.settings.Setting`'s own ``check`` sees one value; this hook
    sees them together (points named for a category nobody added, say). Raise a
    :class:`~civicvol.domain.errors.CivicVolError` (e.g.
    :class:`~civicvol.plugins.errors.PluginSettingError`) that says what to fix in
    civicvol.toml. Keep it light: it runs at every start, before any service is made.
    """


@hookspec
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> object | None:
    """Return the plug-in's application service (its commands and queries) bound to ``app``.

    Code gets it back with ``app.plugin("<plugin name>")``. ``settings`` holds the plug-in's
    resolved settings (defaults overridden by civicvol.toml). Called on the service's first
    need (``app.plugin``, or a hook given ``service``), not when the store opens, so a command
    that does not use the plug-in never imports its commands: check settings that depend on
    each other in :func:`check_settings`, which runs when the store opens.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add the plug-in's CLI sub-commands to the main ``civicvol`` group: by convention one
    group named after the plug-in (``civicvol haircut-days ...``)."""


@hookspec
def register_services() -> Sequence[ServiceDefinition] | ServiceDefinition | None:
    """Return the services the plug-in adds to the district's catalogue (a
    :class:`~civicvol.domain.service_catalogue.ServiceDefinition` or a list of them).

    They are offered beside the administrators' services, to ``order place`` and to Open311,
    marked with the plug-in's name; a code taken by another plug-in fails. A service the
    district stored under the same code wins; administrators can change or retire a
    plug-in's service, which records it in the catalogue's events.
    """


# --- decisions: inside a command, before the save ----------------------------------------------
@hookspec
def validate_command(app: CivicVol, command: str, actor: Actor, events: Sequence[Any],
                     settings: Mapping[str, Any], service: Any) -> str | None:
    """Decide on a command's new events before they are saved.

    Return ``None`` to let it pass, or a reason (``str``) to veto it; raising refuses it too.
    ``command`` is the command's name (``"order.complete"``, ``"haircut.hold"``), ``events``
    the domain events about to be stored; ``settings`` and ``service`` are this plug-in's own
    (its resolved settings, and what its ``register_service`` returned, or None). Must not
    store anything.
    """


@hookspec(firstresult=True)
def points_for_order(app: CivicVol, order: ServiceOrder, scheme: PointsScheme) -> int | None:
    """The points a completed order earns its volunteer, or ``None`` to leave it to others.

    The first plug-in to return a number decides (use ``tryfirst``/``trylast`` to order
    plug-ins); when none does, ``scheme.points_for_service(order.hours)`` applies.
    """


@hookspec(firstresult=True)
def points_for_credit(app: CivicVol, volunteer_id: UUID, points: int,
                      source: Source) -> int | None:
    """A points rule for every other credit (a clue, a session ...): the points to credit
    instead of ``points``, or ``None`` to keep them. The first number returned decides."""


# --- observers: after the commit ---------------------------------------------------------------
@hookspec
def command_committed(app: CivicVol, command: str, actor: Actor, events: Sequence[Any],
                      recordings: Sequence[Recording[UUID]]) -> None:
    """Observe a command's events once they are committed (``recordings`` carry their log
    positions). Exceptions are reported with the plug-in's name and go no further."""


# --- deadlines: each round of the deadline process ---------------------------------------------
@hookspec
def fire_deadlines(app: CivicVol, now: datetime, settings: Mapping[str, Any],
                   service: Any) -> Sequence[tuple[str, str]] | None:
    """Fire the plug-in's deadlines due at ``now`` (the domain clock's time) as events, by its
    own commands, and return ``(kind, record id)`` for each fired. Called on every round of
    ``civicvol deadlines run``: it must be idempotent (fire nothing already fired)."""


# --- reports and the demo ----------------------------------------------------------------------
@hookspec
def report_sections(app: CivicVol, settings: Mapping[str, Any], service: Any) -> Any:
    """Return a report section (or a list of them) for ``civicvol report``.

    ``settings`` and ``service`` are this plug-in's own, as for :func:`validate_command`.

    A section is a fold with ``name`` (the report's key), ``fold(notification, decode)``,
    called for every event of the log in order (``decode()`` gives the domain event), and
    ``as_dict()`` returning JSON-serialisable figures. A new section is made per report.

    Optional, for ``civicvol report --html``: ``title`` (the section's heading there) and
    ``charts(figures)`` returning :class:`civicvol.office.charts.Chart` objects drawn from
    ``figures``, the section's own ``as_dict()`` (now or as of a past day).
    """


@hookspec
def register_views() -> Any:
    """Return a view class (or a list of them) the plug-in brings to the read side.

    A view subclasses :class:`civicvol.views.View`: a ``name`` of its own (after the plug-in),
    its ``tables`` (DDL naming each table as ``{view_table_name}``), and handlers registered in
    ``setup()`` with ``self.on(Aggregate, "EventName", handler)`` (the aggregate by class or
    by topic, which imports nothing until an event needs it). civicvol creates its tables, keeps it
    caught up with the log exactly once, rebuilds it with ``civicvol views rebuild``, and gives
    it to the plug-in's queries as ``app.views.<name>``.
    """


# --- the web service ---------------------------------------------------------------------------
@hookspec
def register_routes(app: CivicVol, settings: Mapping[str, Any], service: Any) -> Any:
    """Return a ``fastapi.APIRouter`` (or a list of them) with the plug-in's web routes.

    ``civicvol.web.create_app`` mounts them under ``/api/v1/plugins/<plugin name>`` and in
    the OpenAPI description. Handlers authenticate with
    ``Depends(civicvol.web.security.reading_account)`` or ``writing_account`` and call the
    plug-in's commands with ``account.actor`` inside ``with civic(request) as app:``; errors
    become problem details like the core's. Called only when the web service starts, so
    import fastapi inside the hook.
    """


@hookspec
def build_demo(app: CivicVol, district: District,
               progress: Callable[[str, int, int], None]) -> None:
    """Add the plug-in's part to ``civicvol demo`` through its own commands, after the core
    district is built (``district`` has the teams by name, their members, the dates and the
    random generator); report with ``progress(stage, done, total)``."""

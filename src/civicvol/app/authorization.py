"""Who may make which command. The role decides; some commands also check the identity
(only the requester rates, only the accepting volunteer completes), inside the aggregates.

Points are credited only for a kind of source that a command registered (``grant(command,
*roles, credits=["clue"])``): the command, not the caller, decides who may credit them. The
``system`` actor is civicvol's own: no public command accepts it.
"""

from __future__ import annotations

from collections.abc import Iterable

from civicvol.domain.errors import InvalidInput, PermissionDenied
from civicvol.domain.values import Actor, Role, Source
from civicvol.i18n import _

R = Role
PERMISSIONS: dict[str, frozenset[str]] = {
    "volunteer.register": frozenset({R.ADMINISTRATOR}),
    "volunteer.update_contact": frozenset({R.ADMINISTRATOR, R.VOLUNTEER}),
    "volunteer.suspend": frozenset({R.ADMINISTRATOR}),
    "volunteer.reactivate": frozenset({R.ADMINISTRATOR}),
    "volunteer.leave": frozenset({R.ADMINISTRATOR, R.VOLUNTEER}),
    "team.create": frozenset({R.ADMINISTRATOR}),
    "team.dissolve": frozenset({R.ADMINISTRATOR}),
    "team.join": frozenset({R.ADMINISTRATOR, R.LEADER}),
    "team.leave": frozenset({R.ADMINISTRATOR, R.LEADER, R.VOLUNTEER}),
    "team.appoint_leader": frozenset({R.ADMINISTRATOR}),
    "team.stand_down_leader": frozenset({R.ADMINISTRATOR}),
    "service.add": frozenset({R.ADMINISTRATOR}),
    "service.change": frozenset({R.ADMINISTRATOR}),
    "service.retire": frozenset({R.ADMINISTRATOR}),
    "order.place": frozenset({R.RESIDENT}),
    "order.dispatch": frozenset({R.DISPATCHER}),
    "order.accept": frozenset({R.VOLUNTEER}),
    "order.decline": frozenset({R.VOLUNTEER}),
    "order.complete": frozenset({R.VOLUNTEER}),
    "order.rate": frozenset({R.RESIDENT}),
    "order.cancel": frozenset({R.RESIDENT, R.DISPATCHER}),
    # cycle: review, pools, activities, deadlines' settings, hours added afterwards
    "order.review": frozenset({R.DISPATCHER}),
    "order.offer": frozenset({R.DISPATCHER}),
    "order.claim": frozenset({R.VOLUNTEER, R.LEADER}),
    "order.withdraw": frozenset({R.VOLUNTEER}),
    "order.start": frozenset({R.LEADER, R.DISPATCHER}),
    "order.sign_in": frozenset({R.VOLUNTEER}),
    "order.sign_out": frozenset({R.VOLUNTEER}),
    "order.close": frozenset({R.LEADER, R.DISPATCHER}),
    "district.set": frozenset({R.ADMINISTRATOR}),
    "volunteer.add_hours": frozenset({R.ADMINISTRATOR}),
    "points.approve": frozenset({R.POINTS_AUDITOR}),
    "points.reject": frozenset({R.POINTS_AUDITOR}),
    "points.reverse": frozenset({R.POINTS_AUDITOR}),
    "points.redeem": frozenset({R.STATION_KEEPER}),
}


# The command that credits points for each kind of source; "order" is the core's own.
CREDITING: dict[str, str] = {"order": "order.complete"}


def grant(command: str, *roles: str, credits: Iterable[str] = ()) -> None:
    """Let ``roles`` make ``command`` (plug-ins add their commands and roles this way), and
    let ``command`` credit points for the source kinds in ``credits``.

    A source kind belongs to one command: claiming another command's kind raises ValueError
    (a plug-in doing so fails to load). Nobody may be granted the ``system`` role.
    """
    if Role.SYSTEM.value in roles:
        raise ValueError(_("{command}: the system role acts only inside civicvol's own commands; "
                           "grant a role such as 'leader'").format(command=command))
    for kind in credits:
        owner = CREDITING.setdefault(kind, command)
        if owner != command:
            raise ValueError(_("{command} cannot credit points for {kind!r} sources: they belong "
                               "to {owner}; choose a source kind of your own").format(
                               command=command, kind=kind, owner=owner))
    PERMISSIONS[command] = PERMISSIONS.get(command, frozenset()) | frozenset(roles)
    _known_roles.clear()


def crediting_command(source: object) -> str:
    """The command that may credit points for ``source``: refuses a non-Source, and a kind
    no command registered."""
    if not isinstance(source, Source) or not isinstance(source.kind, str) \
            or not isinstance(source.id, str) or not source.kind or not source.id.strip():
        raise InvalidInput(_("source {source!r} is not a Source(kind, id) naming what "
                             "earned the points, e.g. Source('clue', '<clue id>')").format(
                             source=source))
    command = CREDITING.get(source.kind)
    if command is None or source.kind == "order":
        raise PermissionDenied(
            _("no command credits points for {kind!r} sources; a plug-in registers its own "
              "source kinds (grant(command, *roles, credits=[kind])), and orders earn "
              "points only when completed").format(kind=source.kind))
    return command


_known_roles: set[str] = set()  # known_roles(), kept until the next grant


def known_roles() -> list[str]:
    """Every role some command is granted to, the core's and the plug-ins' (not "system")."""
    return sorted(_roles())


def _roles() -> set[str]:
    if not _known_roles:
        _known_roles.update({str(r) for r in Role}.union(*(map(str, a)
                                                           for a in PERMISSIONS.values())))
        _known_roles.discard(Role.SYSTEM.value)
    return _known_roles


def check_role(actor: Actor) -> None:
    """Refuse an actor that is not an Actor, or whose role no command knows (a typing
    mistake in --as): bad input, not a permission. The system actor is refused too."""
    if not isinstance(actor, Actor):
        raise InvalidInput(_("actor {actor!r} is not an Actor; give Actor(role, id), e.g. "
                             "Actor('resident', 'r-1001')").format(actor=actor))
    if actor.role == Role.SYSTEM.value:
        raise PermissionDenied(
            _("the system actor acts only inside civicvol's own commands; act as a person "
              "in one of the roles {join}").format(join=', '.join(known_roles())))
    if actor.role not in _roles():
        raise InvalidInput(
            _("{role!r} is not a role; act as one of {join}").format(
              role=actor.role, join=', '.join(known_roles()))
        )


def authorize(actor: Actor, command: str) -> None:
    check_role(actor)
    allowed = {str(r) for r in PERMISSIONS.get(command, frozenset())}
    if actor.role not in allowed:
        who = " or ".join(_article(r) for r in sorted(allowed)) or "nobody"
        raise PermissionDenied(
            _("{article} may not make the command {command!r}; only {who} may").format(
                article=_article(actor.role), command=command, who=who)
        ).hinted(_("act with --as ROLE:ID"))


def _article(role: str) -> str:
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"

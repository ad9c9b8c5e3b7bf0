"""Who may make which command. The role decides; some commands also check the identity
(only the requester rates, only the accepting volunteer completes), inside the aggregates."""

from __future__ import annotations

from civicvol.domain.errors import PermissionDenied
from civicvol.domain.values import Actor, Role

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
    "order.place": frozenset({R.RESIDENT}),
    "order.dispatch": frozenset({R.DISPATCHER}),
    "order.accept": frozenset({R.VOLUNTEER}),
    "order.decline": frozenset({R.VOLUNTEER}),
    "order.complete": frozenset({R.VOLUNTEER}),
    "order.rate": frozenset({R.RESIDENT}),
    "order.cancel": frozenset({R.RESIDENT, R.DISPATCHER}),
    "points.credit": frozenset({R.SYSTEM}),
    "points.approve": frozenset({R.POINTS_AUDITOR}),
    "points.reject": frozenset({R.POINTS_AUDITOR}),
    "points.reverse": frozenset({R.POINTS_AUDITOR}),
    "points.redeem": frozenset({R.STATION_KEEPER}),
}


def grant(command: str, *roles: str) -> None:
    """Let ``roles`` make ``command`` (plug-ins add their commands and roles this way)."""
    PERMISSIONS[command] = PERMISSIONS.get(command, frozenset()) | frozenset(roles)


def known_roles() -> list[str]:
    """Every role some command is granted to, the core's and the plug-ins' (not "system")."""
    roles = {str(r) for r in Role}.union(*(map(str, a) for a in PERMISSIONS.values()))
    roles.discard(Role.SYSTEM)
    return sorted(roles)


def check_role(actor: Actor) -> None:
    """Refuse an actor whose role no command knows (a typing mistake in --as)."""
    if actor.role not in known_roles() and actor.role != Role.SYSTEM.value:
        raise PermissionDenied(
            f"{actor.role!r} is not a role; act as one of {', '.join(known_roles())}"
        )


def authorize(actor: Actor, command: str) -> None:
    allowed = {str(r) for r in PERMISSIONS.get(command, frozenset())}
    if actor.role not in allowed:
        check_role(actor)
        who = " or ".join(_article(r) for r in sorted(allowed)) or "nobody"
        raise PermissionDenied(
            f"{_article(actor.role)} may not make the command {command!r}; "
            f"only {who} may (act with --as ROLE:ID)"
        )


def _article(role: str) -> str:
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"

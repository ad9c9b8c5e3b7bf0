"""Which teams to suggest for an order waiting for dispatch, from the views.

A team qualifies when it serves the order's community (its community named in the order's
place) or its service (among the services of orders it was dispatched before, or its members'
skills); qualifying teams come by how many of the two they meet, then fewest open orders.
"""

from __future__ import annotations

from typing import Any

import attrs

from civicvol.views import Views

MAX_TEAMS = 500
MAX_ROWS = 2000


@attrs.frozen
class TeamProfile:
    id: str
    name: str
    community: str
    services: frozenset[str]
    open_orders: int


@attrs.frozen
class Suggestion:
    team: TeamProfile
    same_community: bool
    serves: bool


def team_profiles(views: Views) -> list[TeamProfile]:
    """Every serving team once per page: its usual services, skills and open orders."""
    profiles = []
    for team in views.teams.list(include_dissolved=False, limit=MAX_TEAMS):
        orders = views.orders.list(team=team["id"], limit=MAX_ROWS)
        skills = {s for v in views.volunteers.search(team=team["id"], limit=MAX_ROWS)
                  for s in v["skills"]}
        profiles.append(TeamProfile(
            id=team["id"], name=team["name"], community=team["community"] or "",
            services=frozenset({o["service"] for o in orders} | skills),
            open_orders=sum(o["status"] in ("dispatched", "accepted") for o in orders)))
    return profiles


def suggest(order: dict[str, Any], profiles: list[TeamProfile], most: int = 3
            ) -> list[Suggestion]:
    found = []
    for team in profiles:
        same = bool(team.community) and team.community in (order.get("place") or "")
        serves = order["service"] in team.services
        if same or serves:
            found.append(Suggestion(team, same, serves))
    found.sort(key=lambda s: (-(s.same_community + s.serves), s.team.open_orders,
                              s.team.name))
    return found[:most]

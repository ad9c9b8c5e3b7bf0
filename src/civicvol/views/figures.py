"""The district figures: every figure of the report, read from the views' counters (kept
incrementally as the views fold the log), plus the plug-ins' sections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from civicvol.app.report import points_figures, stations_figures
from civicvol.views.view import hours_text

if TYPE_CHECKING:
    from civicvol.views.runner import Views

FUNNEL = ("placed", "dispatched", "accepted", "completed", "rated", "cancelled")
# Where an order stands while it is open, and once it was served (rated or not in time).
OPEN = ("reviewing", "placed", "offered", "dispatched", "accepted")
SERVED = ("completed", "rated", "closed-unrated")


def district_figures(views: Views) -> dict[str, Any]:
    views.catch_up(views.counting)  # never the directory: the report reads no one's key
    db = views.db
    teams, orders = db.all_counters("teams"), db.all_counters("orders")
    volunteers = db.counters("volunteers", "status")
    points = db.counters("points", "points")
    serving = {k: n for k, n in db.counters("memberships", "serving").items() if n}
    kinds = teams.get("kind", {})
    most = max(serving.values(), default=0)
    # The most members; of teams as large, the one created first (as the log's fold says).
    largest_team = views.teams.first_of([t for t, n in serving.items() if n == most])
    largest = (largest_team["id"], most) if largest_team else None
    status = orders.get("status", {})
    stage = orders.get("stage", {})
    stars = orders.get("stars", {})
    by_channel: dict[str, dict[str, int]] = {}
    for key, n in sorted(orders.get("stage_by_channel", {}).items()):
        stage_name, channel = key.split("|", 1)
        by_channel.setdefault(channel, {s: 0 for s in FUNNEL})[stage_name] = n
    declines = orders.get("declines", {}).get("all", 0)
    return {
        "teams": {
            "total": sum(kinds.values()),
            "corps": kinds.get("corps", 0),
            "standing": kinds.get("standing", 0),
            "special": kinds.get("special", 0),
            "dissolved": teams.get("dissolved", {}).get("all", 0),
            "communities": views.teams.communities(fresh=False),
            "largest": ({"name": largest_team["name"], "members": largest[1]}
                        if largest and largest_team else None),
        },
        "volunteers": {
            "registered": sum(volunteers.values()),
            "active": volunteers.get("active", 0),
            "suspended": volunteers.get("suspended", 0),
            "left": volunteers.get("left", 0),
            "memberships": sum(serving.values()),
        },
        "orders": {
            "placed": stage.get("placed", 0),
            "open": sum(status.get(s, 0) for s in OPEN),
            "completed": sum(status.get(s, 0) for s in SERVED),
            "rated": status.get("rated", 0),
            "cancelled": status.get("cancelled", 0),
            "declines": declines,
            "by_year": _sorted(orders.get("by_year", {})),
            "by_service": _most_common(orders.get("by_service", {})),
            "average_stars": (round(stars["sum"] / stars["count"], 2)
                              if stars.get("count") else None),
        },
        "cycle": {
            **{s: stage.get(s, 0) for s in FUNNEL},
            "declined": declines,
            "waiting_for_dispatch": status.get("placed", 0),
            "waiting_for_a_volunteer": status.get("dispatched", 0),
            "in_service": status.get("accepted", 0),
            "waiting_for_rating": status.get("completed", 0),
            # review (审单), pools (抢单) and deadlines
            "waiting_for_review": status.get("reviewing", 0),
            "review_accepted": orders.get("review", {}).get("accepted", 0),
            "review_rejected": orders.get("review", {}).get("rejected", 0),
            "offered_to_pools": status.get("offered", 0),
            "returned_unaccepted": orders.get("returned", {}).get("unaccepted", 0),
            "closed_unrated": orders.get("closed_unrated", {}).get("all", 0),
            "by_channel": by_channel,
            "by_month": _sorted(orders.get("by_month", {})),
        },
        "service": {
            "hours": hours_text(orders.get("hours", {}).get("completed", 0)),
            "people_served": orders.get("served", {}).get("completed", 0),
            "beneficiary_groups": _most_common(orders.get("beneficiaries", {})),
        },
        "points": points_figures(points),
        "stations": stations_figures(views.stations.figures()),
    }


def _sorted(counts: dict[str, int]) -> dict[Any, int]:
    return {_key(k): n for k, n in sorted(counts.items()) if n}


def _most_common(counts: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n}


def _key(key: str) -> Any:
    return int(key) if key.isdigit() else key

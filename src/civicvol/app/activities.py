"""The order cycle as districts run it: the centre's review (审单), pools of teams (抢单),
activities with many volunteers who sign in and out with a one-time code, hours added
afterwards, and the district settings that shape it. A mixin of
:class:`~civicvol.app.application.CivicVol`: every command is authorized, decided by the
aggregates and saved in one transaction, as the core's are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from civicvol.app.authorization import authorize
from civicvol.app.boundary import check_sequence, checked
from civicvol.domain import clock
from civicvol.domain.errors import (
    ConcurrentChange,
    InvalidInput,
    OrderAlreadyTaken,
    PermissionDenied,
    StoreBusy,
)
from civicvol.domain.values import Actor, OrderStatus, Role, Source
from civicvol.i18n import N_, _

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol
    from civicvol.domain.point_account import PointAccount
    from civicvol.domain.service_order import ServiceOrder
    from civicvol.domain.team import Team
    from civicvol.domain.volunteer import Volunteer

# A contended activity is decided again on the new state this many times before giving up.
ACCEPT_TRIES = 50
CODE_BYTES = 4  # an 8-hex-digit code: typed from a screen or read from its QR code


def as_app(mixin: object) -> CivicVol:
    """The application a mixin's method runs on (typed: the mixin is only ever CivicVol's)."""
    return cast("CivicVol", mixin)


class CycleCommands:
    """Review, pools, activities, hours added afterwards, district settings."""

    # --- district settings -------------------------------------------------------------------
    def district_settings(self) -> dict[str, Any]:
        """Every district setting of the cycle, with its current value."""
        from civicvol.domain.district_settings import (
            DISTRICT_SETTINGS_ID,
            DistrictSettings,
            defaults,
        )

        app = as_app(self)
        settings = app.find(DistrictSettings, DISTRICT_SETTINGS_ID)
        return dict(settings.values) if settings is not None else defaults()

    @checked
    def change_district_setting(self, actor: Actor, key: str,
                                value: str | bool | int) -> bool:
        """Change a setting (an event: history says when); False if it had that value."""
        from civicvol.domain.district_settings import DISTRICT_SETTINGS_ID, DistrictSettings

        app = as_app(self)
        authorize(actor, "district.set")
        settings = (app.find(DistrictSettings, DISTRICT_SETTINGS_ID)
                    or DistrictSettings(by=actor))
        changed = settings.change(key, value, by=actor)
        app.commit("district.set", actor, settings)
        return changed

    # --- review (审单) -------------------------------------------------------------------------
    @checked
    def review_order(self, actor: Actor, order_id: UUID | str, accept: bool,
                     reason: str = "") -> None:
        """The centre accepts a placed order for dispatch, or rejects it with a reason the
        resident sees."""
        app = as_app(self)
        authorize(actor, "order.review")
        order = app.order(order_id)
        order.review(accept, reason, by=actor)
        app.commit("order.review", actor, order)

    # --- pools (抢单) --------------------------------------------------------------------------
    @checked
    def offer_order(self, actor: Actor, order_id: UUID | str,
                    team_ids: Sequence[UUID | str] = (), community: str = "") -> list[UUID]:
        """Offer an order to several teams, or to every team of a community; the first to
        claim it gets it. Returns the teams of the pool."""
        app = as_app(self)
        authorize(actor, "order.offer")
        order = app.order(order_id)
        teams = [app.team(t) for t in check_sequence(team_ids, "teams")]  # type: ignore[arg-type]
        if community:
            found = app.views.teams.list(community=community, include_dissolved=False)
            teams += [app.team(row["id"]) for row in found]
            if not found:
                raise InvalidInput(_("no serving team belongs to community {community!r}; "
                                     "offer the order to teams by their ids").format(
                                     community=community)).hinted(
                                         _("'civicvol team list' lists the teams"))
        if not teams:
            raise InvalidInput(_("offer the order to some teams, or to the teams of a "
                                 "community")).hinted(
                                     _("give --team ID (repeatable) or --community NAME"))
        for team in teams:
            team.check_is_not_dissolved()
        order.offer(tuple(t.id for t in teams), by=actor)
        app.commit("order.offer", actor, order, reads=teams)
        return list(order.pool)

    @checked
    def claim_order(self, actor: Actor, order_id: UUID | str,
                    team_id: UUID | str) -> None:
        """A member (or leader) of a team in the pool claims the order for the team."""
        app = as_app(self)
        authorize(actor, "order.claim")
        order, team = app.order(order_id), app.team(team_id)
        volunteer = app.volunteer(actor.id)
        volunteer.check_is_active()
        if actor.role == Role.LEADER.value:
            app.check_leads(actor, team, "claim orders")
        membership = app.member(team.id, volunteer.id)
        if order.pool and order.team_id is not None and order.status is not OrderStatus.OFFERED:
            from civicvol.domain.team import Team

            winner = app.find(Team, order.team_id)
            name = f"{winner.name!r} ({winner.id})" if winner else str(order.team_id)
            raise OrderAlreadyTaken(_("order {id} was already taken by team {name}; choose "
                                      "another order from the pool").format(
                                      id=order.id, name=name))
        order.claim(team.id, by=actor)
        app.commit("order.claim", actor, order, reads=[team, membership, volunteer])

    # --- activities --------------------------------------------------------------------------
    @checked
    def withdraw_from_order(self, actor: Actor, order_id: UUID | str,
                            reason: str) -> None:
        """A volunteer who accepted steps back before the activity starts."""
        app = as_app(self)
        authorize(actor, "order.withdraw")
        order = app.order(order_id)
        volunteer = app.volunteer(actor.id)
        order.withdraw(volunteer.id, reason, by=actor)
        app.commit("order.withdraw", actor, order)

    def _check_runs(self, actor: Actor, order: ServiceOrder, doing: str) -> Team:
        """The centre (a dispatcher) or a leader of the order's team runs the activity."""
        app = as_app(self)
        if order.team_id is None:
            raise PermissionDenied(_("order {id} is not dispatched to a team; nobody can {doing} "
                                     "it yet").format(id=order.id, doing=_(doing)))
        team = app.team(order.team_id)
        if actor.role != Role.DISPATCHER.value:
            app.check_leads(actor, team, f"{doing} its activities")
        return team

    @checked
    def start_activity(self, actor: Actor, order_id: UUID | str) -> str:
        """The leader starts the activity: the returned one-time code (shown, e.g. as a QR
        code) is what the volunteers sign in and out with."""
        app = as_app(self)
        authorize(actor, "order.start")
        order = app.order(order_id)
        team = app._check_runs(actor, order, N_("start"))
        from secrets import token_hex  # here: a read need not import random and hmac

        code = token_hex(CODE_BYTES)
        order.start(code, by=actor)
        app.commit("order.start", actor, order, reads=[team])
        return code

    @checked
    def sign_in(self, actor: Actor, order_id: UUID | str, code: str) -> None:
        app = as_app(self)
        authorize(actor, "order.sign_in")
        order = app.order(order_id)
        volunteer = app.volunteer(actor.id)
        order.sign_in(volunteer.id, code, clock.now(), by=actor)
        app.commit("order.sign_in", actor, order)

    @checked
    def sign_out(self, actor: Actor, order_id: UUID | str, code: str) -> Decimal:
        """The volunteer signs out; returns the hours recorded since they signed in."""
        app = as_app(self)
        authorize(actor, "order.sign_out")
        order = app.order(order_id)
        volunteer = app.volunteer(actor.id)
        hours = order.sign_out(volunteer.id, code, clock.now(), by=actor)
        app.commit("order.sign_out", actor, order)
        return hours

    @checked
    def close_activity(self, actor: Actor, order_id: UUID | str,
                       attendance: Mapping[str, str | None] | Sequence[str],
                       served: int = 0) -> dict[UUID, int]:
        """Close a started activity with who came (volunteer id → hours, or None for the
        hours they recorded signing out). Each one's hours and points are recorded in the
        same transaction; returns the points credited to each."""
        app = as_app(self)
        authorize(actor, "order.close")
        order = app.order(order_id)
        team = app._check_runs(actor, order, N_("close"))
        given = (dict(attendance) if isinstance(attendance, Mapping)
                 else dict.fromkeys(check_sequence(attendance, "attendance")))
        came: dict[UUID, Decimal | None] = {}
        for volunteer_id, hours in given.items():
            came[app.volunteer(str(volunteer_id)).id] = (
                None if hours is None else hours)  # type: ignore[assignment]
        order.close(came, served, by=actor)
        volunteers: list[Volunteer] = []
        accounts: list[PointAccount] = []
        credited: dict[UUID, int] = {}
        memberships = []
        for text, hours in order.attendance.items():
            volunteer = app.volunteer(text)
            memberships.append(app.member(team.id, volunteer.id))
            volunteer.record_service(order.id, hours, by=actor)
            volunteers.append(volunteer)
            points = app.points_scheme.points_for_service(hours)
            if points > 0:
                account = app._open_account(volunteer.id)
                account.credit(points, Source("order", str(order.id)), by=actor,
                               approved=app.points_scheme.auto_approve)
                accounts.append(account)
                credited[volunteer.id] = points
        app.commit("order.close", actor, order, *volunteers, *accounts,
                    reads=[team, *memberships])
        return credited

    def accept_with_retries(self, actor: Actor, order_id: UUID | str) -> None:
        """Accept an activity: a save that collides with another volunteer's acceptance is
        decided again on the new state, so each gets in or is told the activity is full."""
        app = as_app(self)
        for attempt in range(ACCEPT_TRIES):
            try:
                app.accept_order(actor, order_id, retrying=True)
                return
            except StoreBusy:
                raise  # the store stayed locked: waiting again and again helps nobody
            except ConcurrentChange:
                if attempt == ACCEPT_TRIES - 1:
                    raise

    # --- hours added afterwards ---------------------------------------------------------------
    @checked
    def add_hours(self, actor: Actor, volunteer_id: UUID | str,
                  hours: Decimal | float | str, reason: str) -> int:
        """An administrator adds service hours afterwards, with a reason; kept apart from the
        hours recorded at activities. They earn points only if the district says so
        (``added_hours_earn_points``); returns the points credited."""
        app = as_app(self)
        authorize(actor, "volunteer.add_hours")
        volunteer = app.volunteer(volunteer_id)
        added = volunteer.add_hours(hours, reason, by=actor)
        account = None
        points = 0
        if app.district_settings()["added_hours_earn_points"]:
            points = app.points_scheme.points_for_service(added)
            if points > 0:
                account = app._open_account(volunteer.id)
                # The source names the HoursAdded event: the volunteer / its version.
                source = Source("added-hours", f"{volunteer.id}/{volunteer.version}")
                account.credit(points, source, by=actor,
                               approved=app.points_scheme.auto_approve)
        app.commit("volunteer.add_hours", actor, volunteer, account)
        return points


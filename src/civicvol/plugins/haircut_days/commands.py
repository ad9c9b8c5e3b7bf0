"""The haircut team's commands: schedule the monthly session and the special ones, hold them
(crediting each barber through the core point accounts), count the residents served, and turn
a resident's request for a home visit into a core service order for the team."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from civicvol.app.application import CivicVol, parse_id
from civicvol.app.authorization import authorize
from civicvol.domain.membership import check_is_member
from civicvol.domain.team import Team
from civicvol.domain.values import Actor, Role, Source
from civicvol.i18n import N_, _
from civicvol.plugins.haircut_days.errors import (
    InvalidSessionDate,
    SessionAlreadyScheduled,
    SessionNotFound,
)
from civicvol.plugins.haircut_days.permissions import (
    CANCEL,
    HOLD,
    RECORD_SERVED,
    REQUEST_HOME_VISIT,
    SCHEDULE,
    SESSION_SOURCE,
)
from civicvol.plugins.haircut_days.session import HaircutSession, SessionKind, haircut_session_id
from civicvol.plugins.haircut_days.settings import HOME_VISIT_SERVICE, HaircutSettings
from civicvol.plugins.haircut_days.working_days import last_working_day, session_days

# The practice centre's standing instruction sends home-haircut requests straight to the
# team; the dispatch is recorded as made on that instruction, by this plug-in.
HOME_VISIT_DISPATCHER = Actor(Role.DISPATCHER.value, "haircut-days")


class HaircutDays:
    """学雷锋志愿理发队's sessions over one application's store, under its settings."""

    def __init__(self, app: CivicVol, settings: HaircutSettings | None = None) -> None:
        self.app = app
        self.settings = settings or HaircutSettings()

    # --- queries -----------------------------------------------------------------------------
    def session(self, session_id: UUID | str) -> HaircutSession:
        return self.app.load(HaircutSession, session_id, what="haircut session",
                             not_found=SessionNotFound,
                             hint=_("list them with 'civicvol haircut-days sessions'"))

    def session_day(self, year: int, month: int) -> date:
        """The month's regular session day: its last working day."""
        return last_working_day(year, month, self.settings.calendar_fallback)

    def coming_sessions(self, start: date, months: int) -> list[date]:
        return session_days(start, months, self.settings.calendar_fallback)

    # --- scheduling --------------------------------------------------------------------------
    def schedule_session(self, actor: Actor, team_id: UUID | str, day: date,
                         place: str = "") -> UUID:
        """Schedule the regular session of ``day``'s month, which must be its last working
        day by the official calendar."""
        authorize(actor, SCHEDULE)
        team = self._serving_team(actor, team_id)
        expected = self.session_day(day.year, day.month)
        if day != expected:
            raise InvalidSessionDate(
                _("{day} is not the last working day of {day:%Y-%m}; the regular session is on "
                  "{expected} (schedule {day} as a special session instead)").format(
                  day=day, expected=expected)
            )
        return self._schedule(actor, team, day, SessionKind.REGULAR, place=place)

    def schedule_special_session(self, actor: Actor, team_id: UUID | str, day: date,
                                 title: str, partner: str = "", place: str = "") -> UUID:
        """A one-off session on any day: 3·5 Lei Feng Day, a joint event with a partner."""
        authorize(actor, SCHEDULE)
        team = self._serving_team(actor, team_id)
        return self._schedule(actor, team, day, SessionKind.SPECIAL, title=title,
                              partner=partner, place=place)

    def _schedule(self, actor: Actor, team: Team, day: date, kind: SessionKind,
                  **details: str) -> UUID:
        ident = haircut_session_id(team.id, day, kind)
        if self.app.find(HaircutSession, ident) is not None:
            raise SessionAlreadyScheduled(
                _("team {name!r} already has a {value} haircut session on {day} ({ident}); hold "
                  "or cancel that one").format(
                  name=team.name, value=_(kind.value), day=day, ident=ident)
            )
        details["place"] = details.get("place") or self.settings.place
        session = HaircutSession.schedule(team.id, day, kind, actor, **details)
        self.app.commit(SCHEDULE, actor, session)
        return session.id

    # --- the day itself ----------------------------------------------------------------------
    def hold_session(self, actor: Actor, session_id: UUID | str,
                     barbers: Sequence[UUID | str], served: int) -> dict[UUID, int]:
        """The session took place: every barber named is an active member of the team and
        earns ``points_per_session`` (pending the points audit), credited with the session as
        the source, in the same transaction. Returns the points credited to each barber."""
        authorize(actor, HOLD)
        session = self.session(session_id)
        team = self._serving_team(actor, session.team_id)
        present = tuple(dict.fromkeys(parse_id(b, "barber (volunteer)") for b in barbers))
        reads: list[Aggregate] = [team]  # the team, barbers and memberships it read
        for barber in present:
            volunteer = self.app.volunteer(barber)
            volunteer.check_is_active()
            reads += [volunteer,
                      check_is_member(self.app.membership(team.id, barber), team.id, barber)]
        session.hold(present, served, by=actor)
        each = self.settings.points_per_session  # 0 is a valid setting: sessions earn nothing
        return self.app.credit_many(
            actor, [(barber, each) for barber in present] if each > 0 else [],
            Source(SESSION_SOURCE, str(session.id)), with_aggregates=[session], reads=reads)

    def record_served(self, actor: Actor, session_id: UUID | str, residents: int) -> int:
        """Count more residents served at a held session; a serving barber of the team (a
        member), or the team's leader, records them. Returns the session's total."""
        authorize(actor, RECORD_SERVED)
        session = self.session(session_id)
        if actor.role == Role.VOLUNTEER.value:
            volunteer = self.app.volunteer(actor.id)
            volunteer.check_is_active()
            reads = [volunteer, check_is_member(self.app.membership(session.team_id,
                                                                     volunteer.id),
                                                session.team_id, volunteer.id)]
        else:
            self.app.check_leads(actor, self.app.team(session.team_id),
                                 N_("record the residents served at its haircut sessions"))
            reads = []
        session.record_served(residents, by=actor)
        self.app.commit(RECORD_SERVED, actor, session, reads=reads)
        return session.served

    def cancel_session(self, actor: Actor, session_id: UUID | str, reason: str) -> None:
        authorize(actor, CANCEL)
        session = self.session(session_id)
        self.app.check_leads(actor, self.app.team(session.team_id),
                             N_("cancel its haircut sessions"))
        session.cancel(reason, by=actor)
        self.app.commit(CANCEL, actor, session)

    # --- home visits -------------------------------------------------------------------------
    def request_home_visit(self, resident: Actor, team_id: UUID | str, place: str,
                           wanted_time: str = "", note: str = "") -> UUID:
        """A resident who cannot come asks for a barber at home: a core service order,
        placed by the resident and dispatched to the haircut team. Returns the order id."""
        authorize(resident, REQUEST_HOME_VISIT)
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        order = self.app.place_order(resident, HOME_VISIT_SERVICE,
                                     description=note or "行动不便，请理发队上门",
                                     place=place, wanted_time=wanted_time,
                                     beneficiaries=["elderly"])
        self.app.dispatch_order(HOME_VISIT_DISPATCHER, order, team.id)
        return order

    # --- helpers -----------------------------------------------------------------------------
    def _serving_team(self, actor: Actor, team_id: UUID | str) -> Team:
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        self.app.check_leads(actor, team, N_("schedule or hold its haircut sessions"))
        return team

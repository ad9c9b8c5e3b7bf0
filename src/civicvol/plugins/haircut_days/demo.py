"""The haircut team's part of ``civicvol demo``: nine retired barbers, a session on the last
working day of every month of the demo period, the 3·5 Lei Feng Day session of 2023-03-03
with 云南省林业调查规划院, and home visits for residents who cannot come, all through the
plug-in's commands and dated when they happened."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.demo import ADMIN, POINTS_AUDITOR, District
from civicvol.domain.values import Actor
from civicvol.plugins.haircut_days.commands import HaircutDays
from civicvol.plugins.haircut_days.settings import TEAM_NAME
from civicvol.plugins.haircut_days.working_days import months_from

BARBERS = 9
LEI_FENG_DAY = date(2023, 3, 3)
PARTNER = "云南省林业调查规划院"


def build_haircut_demo(app: CivicVol, service: HaircutDays, district: District,
                       progress: Callable[[str, int, int], None]) -> None:
    team = district.teams[TEAM_NAME]
    rng = random.Random(f"haircut-days:{district.rng.random()}")
    barbers = district.members[team][:BARBERS]
    with app.events_dated(district.start):
        app.appoint_leader(ADMIN, team, barbers[0])
    leader = Actor("leader", str(barbers[0]))
    days = [service.session_day(y, m) for y, m in months_from(district.start.date(), 24)]
    coming = next(d for d in days if at(d, 12) > district.end)
    days = [d for d in days if at(d, 12) <= district.end]
    _special_session(app, service, team, leader, barbers, rng)
    for n, day in enumerate(days, 1):
        with app.events_dated(at(day - timedelta(days=7), 9)):
            session = service.schedule_session(leader, team, day)
        present = rng.sample(barbers, rng.randint(min(5, len(barbers)), len(barbers)))
        with app.events_dated(at(day, 12)):
            service.hold_session(leader, session, present, rng.randint(18, 32))
        with app.events_dated(at(day, 17)):
            service.record_served(Actor("volunteer", str(present[0])), session,
                                  rng.randint(1, 4))
        _home_visit(app, service, team, day, rng.choice(barbers), rng, n)
        progress("haircut days", n, len(days))
    # The next session is already on the calendar when the demo's history ends.
    with app.events_dated(min(at(coming - timedelta(days=7), 9), district.end)):
        service.schedule_session(leader, team, coming)
    with app.events_dated(district.end + timedelta(days=3)):
        for barber in barbers:
            if (account := app.point_account(barber)) and account.pending_entries():
                app.approve_points(POINTS_AUDITOR, barber)


def _special_session(app: CivicVol, service: HaircutDays, team: UUID, leader: Actor,
                     barbers: list[UUID], rng: random.Random) -> UUID:
    with app.events_dated(at(LEI_FENG_DAY - timedelta(days=10), 9)):
        session = service.schedule_special_session(
            leader, team, LEI_FENG_DAY, "“3·5”学雷锋日志愿理发", partner=PARTNER,
        )
    with app.events_dated(at(LEI_FENG_DAY, 12)):
        service.hold_session(leader, session, barbers, rng.randint(35, 45))
    return session


def _home_visit(app: CivicVol, service: HaircutDays, team: UUID, day: date, barber: UUID,
                rng: random.Random, n: int) -> None:
    resident = Actor("resident", f"dz-{n:03d}")
    with app.events_dated(at(day, 2)):
        order = service.request_home_visit(resident, team, f"东庄社区{rng.randint(1, 12)}栋",
                                           wanted_time=f"{day} 下午")
    barber_actor = Actor("volunteer", str(barber))
    with app.events_dated(at(day, 6)):
        app.accept_order(barber_actor, order)
    with app.events_dated(at(day, 8)):
        app.complete_order(barber_actor, order, Decimal("1"), served=1)
    with app.events_dated(at(day + timedelta(days=1), 2)):
        app.rate_order(resident, order, 5, "师傅上门理发，很贴心")


def at(day: date, hour_utc: int) -> datetime:
    return datetime.combine(day, time(hour_utc), UTC)

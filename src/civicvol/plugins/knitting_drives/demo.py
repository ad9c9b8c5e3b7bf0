"""The caring knitters' part of ``civicvol demo``: the article's four drives of 2020 to 2023,
over a hundred sets of hats and scarves for 鹤湾敬老院, 鸿福敬老院 and 三转弯小学, and over 300
people who benefit, all through the plug-in's commands and dated when they happened.

The drives predate the demo's teams (created late in 2022): they are imported history, so a
report "as of" 2021 shows the drives of that time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.demo import ADMIN, POINTS_AUDITOR, District
from civicvol.domain.values import Actor
from civicvol.plugins.knitting_drives.commands import KnittingDrives
from civicvol.plugins.knitting_drives.permissions import RECIPIENTS

TEAM_NAME = "龙江爱心织女队"
KNITTERS = 32
HEWAN, HONGFU, SCHOOL = RECIPIENTS
# (year, title, target sets, [(institution, sets, people who benefit)])
DRIVES: list[tuple[int, str, int, list[tuple[str, int, int]]]] = [
    (2020, "编织爱心物送温暖·2020", 25, [(HEWAN, 25, 68)]),
    (2021, "编织爱心物送温暖·2021", 25, [(HONGFU, 26, 72)]),
    (2022, "编织爱心物送温暖·2022", 30, [(SCHOOL, 28, 84)]),
    (2023, "编织爱心物送温暖·2023", 30, [(HEWAN, 15, 38), (HONGFU, 10, 28), (SCHOOL, 8, 30)]),
]


def build_knitting_demo(app: CivicVol, service: KnittingDrives, district: District,
                        progress: Callable[[str, int, int], None]) -> None:
    team = district.teams[TEAM_NAME]
    knitters = district.members[team][:KNITTERS]
    for n, (year, title, target, deliveries) in enumerate(DRIVES, 1):
        with app.events_dated(datetime(year, 10, 8, 2, tzinfo=UTC)):
            drive = service.launch_drive(ADMIN, team, title, target)
        _knit(app, service, drive, knitters, sum(sets for _, sets, _ in deliveries), year)
        for i, (institution, sets, people) in enumerate(deliveries):
            with app.events_dated(datetime(year, 12, 10 + 3 * i, 3, tzinfo=UTC)):
                service.deliver(ADMIN, drive, institution, sets, people)
        with app.events_dated(datetime(year, 12, 28, 8, tzinfo=UTC)):
            service.close_drive(ADMIN, drive, f"{year} 年活动圆满结束")
            for knitter in knitters:
                if (account := app.point_account(knitter)) and account.pending_entries():
                    app.approve_points(POINTS_AUDITOR, knitter)
        progress("knitting", n, len(DRIVES))


def _knit(app: CivicVol, service: KnittingDrives, drive: UUID, knitters: list[UUID],
          sets: int, year: int) -> None:
    """Share the sets among the knitters, a hat and a scarf at a time; each logs her own."""
    share = [sets // len(knitters) + (1 if i < sets % len(knitters) else 0)
             for i in range(len(knitters))]
    for i, (knitter, pieces) in enumerate(zip(knitters, share, strict=True)):
        if pieces == 0:
            continue
        moment = datetime(year, 11, 1, 2, tzinfo=UTC) + timedelta(hours=7 * i)
        with app.events_dated(moment):
            service.log_knitting(Actor("volunteer", str(knitter)), drive, knitter,
                                 hats=pieces, scarves=pieces)

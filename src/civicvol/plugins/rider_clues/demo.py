"""The riders' part of ``civicvol demo``: 先锋骑手 of 金实社区 since spring 2023.

At full scale, 67 riders report clues (150 judged valid, the rest invalid or duplicates),
each handled and fed back; the points auditor approves each month's clue credits and riders
redeem gifts 34 times at 蜂享驿站, a station with a catalogue and stock: each rider takes a
one-time code and the keeper redeems it. Everything goes through the plug-in's commands, dated
as it happened.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from civicvol.demo import ADMIN, POINTS_AUDITOR, STATION_KEEPER, District
from civicvol.domain.values import Actor
from civicvol.plugins.rider_clues.commands import RiderClues
from civicvol.plugins.rider_clues.permissions import CLUE_HANDLER

TEAM = "先锋骑手"
RIDERS, VALID, INVALID, DUPLICATE, REDEMPTIONS = 67, 150, 21, 13, 34
BEGIN = datetime(2023, 3, 1, 2, 0, tzinfo=UTC)
HANDLER = Actor(CLUE_HANDLER, "jinshi-community")
GIFTS = [("矿泉水一箱", 5), ("雨衣", 10), ("充电宝", 15)]
STOCK = 15  # of each gift when the station opens; the keeper restocks what runs out
PLACES = ["金实社区 3 号院", "金实社区 7 栋楼下", "金实路夜市", "金实小区地下车库",
          "金实社区菜市场", "金实路 12 号", "金实社区东门", "金实花园 2 栋"]
HANDLERS = [("物业服务中心", "拆除飞线, 告知住户到集中充电桩充电"),
            ("社区民警", "上门提醒防范诈骗, 登记线索"),
            ("网格员", "入户宣传, 张贴高空抛物警示"),
            ("市场监管所", "约谈商户, 督促整改后厨卫生")]
HANDLING = {"flying-wire-charging": 0, "online-fraud": 1, "objects-thrown-from-height": 2,
            "unhygienic-food": 3}
CATEGORY_WEIGHTS = {"flying-wire-charging": 45, "online-fraud": 15,
                    "objects-thrown-from-height": 20, "unhygienic-food": 20}


def build_rider_clues(clues: RiderClues, d: District,
                      progress: Callable[[str, int, int], None]) -> None:
    app, rng = clues.app, d.rng
    team = d.teams[TEAM]
    riders = _riders(clues, d, team, d.scaled(RIDERS))
    if app.find_station(clues.station) is None:  # not yet, by a district built before
        with app.events_dated(BEGIN - timedelta(days=1)):
            clues.open_station(ADMIN, [(gift, price, STOCK) for gift, price in GIFTS])
    verdicts = (["valid"] * d.scaled(VALID) + ["invalid"] * d.scaled(INVALID, least=0)
                + ["duplicate"] * d.scaled(DUPLICATE, least=0))
    rng.shuffle(verdicts)
    span = (d.end - BEGIN).total_seconds()
    seen = sorted(BEGIN + timedelta(seconds=rng.random() * span) for _ in verdicts)
    # Every rider reports at least once; the keenest report many.
    reporters = riders + [rng.choice(riders[: max(1, len(riders) // 3)])
                          for _ in range(len(verdicts) - len(riders))]
    rng.shuffle(reporters)
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    valid_ids: list[UUID] = []
    earners: set[UUID] = set()
    redeemed = 0
    target = d.scaled(REDEMPTIONS)
    month = seen[0].month
    for n, (when, rider, verdict) in enumerate(zip(seen, reporters, verdicts, strict=True), 1):
        if when.month != month:
            redeemed += _audit_and_redeem(clues, earners, riders, when - timedelta(hours=3),
                                          rng, target - redeemed,
                                          months_left=_months(when, d.end))
            month = when.month
        category = rng.choices(categories, weights)[0]
        with app.events_dated(when + timedelta(minutes=20)):
            clue = clues.report_clue(Actor("volunteer", str(rider)), team, category,
                                     f"wx-group/{when:%Y%m%d}/IMG_{n:04d}.jpg",
                                     rng.choice(PLACES), seen_at=when)
        original = rng.choice(valid_ids) if verdict == "duplicate" and valid_ids else None
        verdict = verdict if original or verdict != "duplicate" else "invalid"
        with app.events_dated(when + timedelta(hours=5)):
            clues.triage(HANDLER, clue, verdict, duplicate_of=original,
                         note="照片不清, 无法核实" if verdict == "invalid" else "")
        if verdict == "valid":
            valid_ids.append(clue)
            earners.add(rider)
            unit, action = HANDLERS[HANDLING.get(category, 2)]
            with app.events_dated(when + timedelta(days=1)):
                clues.handle(HANDLER, clue, unit, action)
        with app.events_dated(when + timedelta(days=2)):
            clues.give_feedback(HANDLER, clue, "已处置, 感谢你的随手拍" if verdict == "valid"
                                else "经核实不予采纳, 感谢关注社区")
        if n % 25 == 0 or n == len(verdicts):
            progress("rider clues", n, len(verdicts))
    _audit_and_redeem(clues, earners, riders, d.end + timedelta(days=2), rng,
                      target - redeemed, months_left=1)


def _riders(clues: RiderClues, d: District, team: UUID, wanted: int) -> list[UUID]:
    """The rider team's members who take part; riders are registered if the team is short."""
    members = d.members.setdefault(team, [])
    missing = wanted - len(members)
    if missing > 0:
        with clues.app.events_dated(BEGIN - timedelta(days=10)):
            people = [(f"骑手{i:02d}", f"1{d.rng.choice('3456789')}{d.rng.randrange(10**9):09d}",
                       "金实社区", ("配送",)) for i in range(missing)]
            new = clues.app.register_volunteers(ADMIN, people)
            clues.app.join_team_in_bulk(ADMIN, team, new)
            members.extend(new)
    return members[:wanted]


def _months(when: datetime, end: datetime) -> int:
    return max(1, (end.year - when.year) * 12 + end.month - when.month + 1)


def _audit_and_redeem(clues: RiderClues, earners: set[UUID], riders: Sequence[UUID],
                      when: datetime, rng: random.Random, still_wanted: int,
                      months_left: int) -> int:
    """The points auditor approves the month's clue credits; a few riders redeem gifts."""
    app = clues.app
    quota = still_wanted if months_left <= 1 else round(still_wanted / months_left + rng.random())
    done = 0
    with app.events_dated(when):
        for rider in sorted(earners):
            app.approve_points(POINTS_AUDITOR, rider)
    with app.events_dated(when + timedelta(hours=2)):
        for rider in rng.sample(list(riders), len(riders)):
            if done >= quota:
                break
            account = app.point_account(rider)
            if account is not None:  # what is still valid today (the expiry is the code's)
                app.expire_due_lots(account)
            affordable = [g for g in GIFTS if account is not None and g[1] <= account.balance]
            if affordable:
                gift, _ = rng.choice(affordable)
                if app.station(clues.station).check_gift(gift).stock == 0:
                    app.restock_gift(STATION_KEEPER, clues.station, gift, STOCK)
                code = clues.code(Actor("volunteer", str(rider)), gift)
                clues.redeem_code(STATION_KEEPER, code)
                done += 1
    earners.clear()
    return done

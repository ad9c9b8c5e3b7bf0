"""The safety patrol's part of ``civicvol demo``: 安全小红帽 of 金星社区.

At full scale, 42 members inspect courtyards 960 times and find 624 hazards (196 fixed on the
spot, 428 given a deadline, most closed at a re-inspection); the team holds 12 lectures, 7
flood, 17 fire and 16 evacuation drills and 2 disaster-medicine trainings, dated from the
team's founding in June 2018 to the article, so a report "as of" any day since shows the
patrol's record up to that day. (The core demo registers the district's teams and members at
the end of 2022, so before then the patrol's records stand without their team.)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from civicvol.demo import ADMIN, District
from civicvol.domain.values import Actor
from civicvol.plugins.safety_patrol.commands import (
    InspectionRecord,
    ReinspectionRecord,
    SafetyPatrol,
)
from civicvol.plugins.safety_patrol.hazard import district_day, hazard_id
from civicvol.plugins.safety_patrol.inspection import Finding
from civicvol.plugins.safety_patrol.permissions import INSPECTOR

TEAM = "安全小红帽"
FOUNDED = datetime(2018, 6, 1, 1, 0, tzinfo=UTC)
MEMBERS, INSPECTIONS, FIXED, WITH_DEADLINE = 42, 960, 196, 428
LECTURES = 12
DRILLS = {"flood": 7, "fire": 17, "evacuation": 16, "disaster-medicine": 2}
COURTYARDS = [f"金星社区{n}号院" for n in range(1, 41)]
ON_THE_SPOT = ["楼道堆放杂物", "灭火器压力不足", "安全出口指示灯不亮", "电动车停放堵塞通道",
               "消防栓被遮挡", "燃气软管老化"]
TO_RECTIFY = ["电动车楼道飞线充电", "消防通道被占用", "电线私拉乱接", "屋顶防水破损",
              "楼道应急照明损坏", "化粪池井盖破损", "围墙开裂"]
TOPICS = ["消防安全", "防灾减灾", "居民医疗急救知识", "防疫知识"]
PARTNERS = ["联盟街道消防站", "金星小学", "盘龙区人民医院", "社区卫生服务中心", "辖区物业公司"]


def build_safety_patrol(patrol: SafetyPatrol, d: District,
                        progress: Callable[[str, int, int], None]) -> None:
    team = d.teams[TEAM]
    inspectors = _members(patrol, d, team, d.scaled(MEMBERS))
    begin = FOUNDED
    _inspections(patrol, d, team, inspectors, begin, progress)
    _lectures_and_drills(patrol, d, team, inspectors, begin)


def _members(patrol: SafetyPatrol, d: District, team: UUID, wanted: int) -> list[UUID]:
    members = d.members.setdefault(team, [])
    missing = wanted - len(members)
    if missing > 0:
        with patrol.app.events_dated(d.start - timedelta(days=20)):
            people = [(f"楼栋长{i:02d}", f"1{d.rng.choice('3456789')}{d.rng.randrange(10**9):09d}",
                       "金星社区", ("安全巡查",)) for i in range(missing)]
            new = patrol.app.register_volunteers(ADMIN, people)
            patrol.app.join_team_in_bulk(ADMIN, team, new)
            members.extend(new)
    return members[:wanted]


def _inspections(patrol: SafetyPatrol, d: District, team: UUID, inspectors: list[UUID],
                 begin: datetime, progress: Callable[[str, int, int], None]) -> None:
    """The inspections and re-inspections, imported a month of records at a time."""
    rng = d.rng
    total = d.scaled(INSPECTIONS)
    outcomes = [True] * d.scaled(FIXED) + [False] * d.scaled(WITH_DEADLINE)
    rng.shuffle(outcomes)
    # Most walks find nothing; the hazards fall on random inspections, a few on the same one.
    counts = [0] * total
    for _ in outcomes:
        counts[rng.randrange(total)] += 1
    span = (d.end - begin).total_seconds()
    days = sorted(begin + timedelta(seconds=rng.random() * span) for _ in range(total))
    months: dict[tuple[int, int], list[InspectionRecord]] = {}
    for when, count in zip(days, counts, strict=True):
        findings = tuple(
            Finding(rng.choice(ON_THE_SPOT)) if fixed else
            Finding(rng.choice(TO_RECTIFY),
                    district_day(when) + timedelta(days=rng.choice([7, 15, 30])))
            for fixed in outcomes[:count])
        del outcomes[:count]
        months.setdefault((when.year, when.month), []).append(
            InspectionRecord(when, rng.choice(inspectors), rng.choice(COURTYARDS), findings))
    # Re-inspections wait for their month, so the log stays close to the order of events.
    follow_ups: dict[tuple[int, int], list[ReinspectionRecord]] = {}

    def flush(until: tuple[int, int]) -> None:
        for due in sorted(m for m in follow_ups if m <= until):
            patrol.import_records(ADMIN, team, (), follow_ups.pop(due))

    done = 0
    for month in sorted(months):
        flush(until=_previous(month))
        records = months[month]
        ids = patrol.import_records(ADMIN, team, records, follow_ups.pop(month, []))
        for inspection, record in zip(ids, records, strict=True):
            for number, finding in enumerate(record.findings, 1):
                for again in _reinspections(rng, d, hazard_id(inspection, number), finding,
                                            record.inspector):
                    follow_ups.setdefault((again.when.year, again.when.month), []).append(again)
        flush(until=month)
        done += len(records)
        progress("safety patrol", done, total)
    flush(until=(d.end.year, d.end.month))


def _previous(month: tuple[int, int]) -> tuple[int, int]:
    year, number = month
    return (year, number - 1) if number > 1 else (year - 1, 12)


def _reinspections(rng: random.Random, d: District, hazard: UUID, finding: Finding,
                   inspector: UUID) -> list[ReinspectionRecord]:
    """Most deadline hazards are closed at the re-inspection on their deadline, some at a
    second visit; a few recent ones are still open when the record ends (overdue)."""
    if finding.deadline is None:
        return []
    first = datetime.combine(finding.deadline, d.start.timetz()) + timedelta(hours=1)
    if first >= d.end:
        return []  # not due yet when the record ends
    roll = rng.random()
    if roll < 0.85:
        return [ReinspectionRecord(first, hazard, inspector, True, "已整改")]
    still_open = ReinspectionRecord(first, hazard, inspector, False, "仍未整改, 再次督促")
    second = first + timedelta(days=14)
    if second >= d.end:
        return [still_open]
    # A stubborn few of the last months' hazards are still open when the record ends.
    fixed = roll < 0.92 or (d.end - second).days > 180
    return [still_open, ReinspectionRecord(second, hazard, inspector, fixed,
                                           "已整改" if fixed else "仍未整改, 上报社区")]


def _lectures_and_drills(patrol: SafetyPatrol, d: District, team: UUID,
                         members: list[UUID], begin: datetime) -> None:
    rng = d.rng
    inspectors = [Actor(INSPECTOR, str(v)) for v in members]
    span = (d.end - begin).total_seconds()

    def some_day() -> datetime:
        return begin + timedelta(seconds=rng.random() * span)

    for _ in range(d.scaled(LECTURES)):
        with patrol.app.events_dated(some_day()):
            patrol.hold_lecture(rng.choice(inspectors), team, rng.choice(TOPICS),
                                rng.choice(COURTYARDS), audience=rng.randint(20, 80))
    for kind, full in DRILLS.items():
        for _ in range(d.scaled(full)):
            with patrol.app.events_dated(some_day()):
                patrol.hold_drill(rng.choice(inspectors), team, kind, rng.choice(COURTYARDS),
                                  partner=rng.choice(PARTNERS),
                                  participants=rng.randint(15, 120))

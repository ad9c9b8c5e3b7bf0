"""The safety patrol's part of ``civicvol demo``: 安全小红帽 of 金星社区.

At full scale, 42 members inspect courtyards 960 times and find 624 hazards (196 fixed on the
spot, 428 given a deadline, most closed at a re-inspection); the team holds 12 lectures, 7
flood, 17 fire and 16 evacuation drills and 2 disaster-medicine trainings. The article counts
since 2018, but the demo district's history (teams, members) starts at the end of 2022, so
the patrol's record is dated from the day its members joined to the article: an auditor
replaying the log never sees an inspection by someone not yet a member.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from civicvol.demo import ADMIN, District
from civicvol.domain.values import Actor
from civicvol.plugins.safety_patrol.commands import INSPECTOR, SafetyPatrol
from civicvol.plugins.safety_patrol.hazard import hazard_id
from civicvol.plugins.safety_patrol.inspection import Finding

TEAM = "安全小红帽"
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
    inspectors = [Actor(INSPECTOR, str(v)) for v in _members(patrol, d, team,
                                                             d.scaled(MEMBERS))]
    begin = d.start - timedelta(days=15)  # the members joined 20 days before the start
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


def _inspections(patrol: SafetyPatrol, d: District, team: UUID, inspectors: list[Actor],
                 begin: datetime, progress: Callable[[str, int, int], None]) -> None:
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
    follow_ups: list[tuple[datetime, UUID, Actor, bool]] = []
    found = 0
    for n, (when, count) in enumerate(zip(days, counts, strict=True), 1):
        inspector = rng.choice(inspectors)
        findings = []
        for fixed in outcomes[found:found + count]:
            if fixed:
                findings.append(Finding(rng.choice(ON_THE_SPOT)))
            else:
                findings.append(Finding(rng.choice(TO_RECTIFY),
                                        when.date() + timedelta(days=rng.choice([7, 15, 30]))))
        found += count
        with patrol.app.events_dated(when):
            inspection = patrol.inspect(inspector, team, rng.choice(COURTYARDS), findings)
        for number, finding in enumerate(findings, 1):
            if finding.deadline is not None:
                _plan_reinspection(follow_ups, rng, d, inspection, number, finding, inspector)
        if n % 100 == 0 or n == total:
            progress("safety patrol", n, total)
    for when, hazard, inspector, fixed in sorted(follow_ups, key=lambda f: f[0]):
        with patrol.app.events_dated(when):
            patrol.reinspect(inspector, hazard, fixed,
                             "已整改" if fixed else "仍未整改, 再次督促")


def _plan_reinspection(follow_ups: list[tuple[datetime, UUID, Actor, bool]],
                       rng: random.Random, d: District, inspection: UUID, number: int,
                       finding: Finding, inspector: Actor) -> None:
    """Most deadline hazards are closed at the re-inspection on their deadline; some need a
    second visit, and a few are still open when the record ends (overdue)."""
    assert finding.deadline is not None
    hazard = hazard_id(inspection, number)
    first = datetime.combine(finding.deadline, d.start.timetz()) + timedelta(hours=1)
    if first >= d.end:
        return  # not due yet when the record ends
    roll = rng.random()
    if roll < 0.85:
        follow_ups.append((first, hazard, inspector, True))
        return
    follow_ups.append((first, hazard, inspector, False))
    second = first + timedelta(days=14)
    if roll < 0.97 and second < d.end:
        follow_ups.append((second, hazard, inspector, True))


def _lectures_and_drills(patrol: SafetyPatrol, d: District, team: UUID,
                         inspectors: list[Actor], begin: datetime) -> None:
    rng = d.rng
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

"""The editorial board's part of ``civicvol demo``: five retired editors with their roles
among the residents, and the 39 issues of 《龙江居民简报》 published monthly from April 2021
to June 2024, all through the plug-in's commands and dated when they happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from civicvol import Actor, CivicVol
from civicvol_newsletter.commands import EDITOR_ROLE, Newsletter

TEAM_NAME = "龙江编辑部"
ISSUES = 39
FIRST_ISSUE = date(2021, 4, 15)
ADMIN = Actor("administrator", "panlong-centre")
ROLES = [("lecturer",), ("mediator",), ("informant",), ("lecturer", "mediator"),
         ("informant", "lecturer")]
TOPICS = ["社区动态", "政策宣讲", "邻里调解", "安全提示", "文明实践", "志愿风采"]


def build_newsletter_demo(app: CivicVol, service: Newsletter, district: Any,
                          progress: Callable[[str, int, int], None]) -> None:
    team = district.teams[TEAM_NAME]
    editors = district.members[team][:len(ROLES)]
    with app.events_dated(datetime(2021, 3, 1, 2, tzinfo=UTC)):
        bulletin = service.found_bulletin(ADMIN, team)
        for editor, roles in zip(editors, ROLES, strict=False):
            service.appoint_editor(ADMIN, bulletin, editor, roles)
    for number in range(1, ISSUES + 1):
        month = FIRST_ISSUE.month - 1 + number - 1
        day = date(FIRST_ISSUE.year + month // 12, month % 12 + 1, FIRST_ISSUE.day)
        chief = editors[(number - 1) % len(editors)]
        second = editors[number % len(editors)]
        with app.events_dated(datetime.combine(day, datetime.min.time(), UTC)):
            service.publish_issue(Actor(EDITOR_ROLE, str(chief)), bulletin, number,
                                  f"第{number}期 {TOPICS[(number - 1) % len(TOPICS)]}", day,
                                  editors=[chief, second])
        progress("newsletter", number, ISSUES)

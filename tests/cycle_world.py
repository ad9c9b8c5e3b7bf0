"""A district for the cycle's stories: a team of four with a leader, an outsider's team."""

from __future__ import annotations

from uuid import UUID

import attrs

from civicvol import Actor, CivicVol
from tests.conftest import ADMIN, DISPATCHER, RESIDENT


@attrs.define
class CycleWorld:
    app: CivicVol
    team: UUID
    other_team: UUID
    leader: UUID
    members: list[UUID]  # the leader first
    outsider: UUID

    def volunteer(self, n: int) -> Actor:
        return Actor("volunteer", str(self.members[n]))

    @property
    def leading(self) -> Actor:
        return Actor("leader", str(self.leader))

    def activity(self, volunteers: int = 3) -> UUID:
        order = self.app.place_order(RESIDENT, "助老", description="敬老院陪伴",
                                     place="东庄敬老院", beneficiaries=["elderly"],
                                     volunteers=volunteers)
        self.app.dispatch_order(DISPATCHER, order, self.team)
        return order


def build_cycle_world(app: CivicVol) -> CycleWorld:
    team = app.create_team(ADMIN, "关爱老人志愿队", "special", community="东庄社区")
    other = app.create_team(ADMIN, "安全小红帽", "special", community="金星社区")
    names = [("张队长", "13800138010"), ("李师傅", "13800138011"), ("王阿姨", "13800138012"),
             ("陈同学", "13800138013"), ("刘大爷", "13800138014")]
    members = [app.register_volunteer(ADMIN, n, p, "东庄社区") for n, p in names]
    app.join_team_in_bulk(ADMIN, team, members)
    app.appoint_leader(ADMIN, team, members[0])
    outsider = app.register_volunteer(ADMIN, "赵骑手", "13700137000", "金星社区")
    app.join_team(ADMIN, other, outsider)
    return CycleWorld(app, team, other, members[0], members, outsider)

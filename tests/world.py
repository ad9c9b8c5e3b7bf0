"""A small district for the stories: one team, two members, an outsider."""

from __future__ import annotations

from uuid import UUID

import attrs

from civicvol import Actor, CivicVol
from tests.conftest import ADMIN, DISPATCHER, RESIDENT


@attrs.define
class World:
    app: CivicVol
    team: UUID
    other_team: UUID
    barber: UUID
    helper: UUID
    outsider: UUID

    def as_volunteer(self, volunteer: UUID) -> Actor:
        return Actor("volunteer", str(volunteer))

    @property
    def barber_actor(self) -> Actor:
        return self.as_volunteer(self.barber)

    def placed_order(self, resident: Actor = RESIDENT) -> UUID:
        return self.app.place_order(resident, "理发", description="上门理发",
                                    place="东庄社区 3 栋", beneficiaries=["elderly"])

    def dispatched_order(self) -> UUID:
        order = self.placed_order()
        self.app.dispatch_order(DISPATCHER, order, self.team)
        return order

    def accepted_order(self) -> UUID:
        order = self.dispatched_order()
        self.app.accept_order(self.barber_actor, order)
        return order

    def completed_order(self, hours: str = "2") -> UUID:
        order = self.accepted_order()
        self.app.complete_order(self.barber_actor, order, hours, served=1)
        return order


def build_world(app: CivicVol) -> World:
    team = app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
    other = app.create_team(ADMIN, "安全小红帽", "special", community="金星社区")
    barber = app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区", ["理发"])
    helper = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
    outsider = app.register_volunteer(ADMIN, "赵骑手", "13700137000", "金实社区")
    app.join_team(ADMIN, team, barber)
    app.join_team(ADMIN, team, helper)
    app.join_team(ADMIN, other, outsider)
    return World(app, team, other, barber, helper, outsider)

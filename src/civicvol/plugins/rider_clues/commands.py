"""The riders' commands: report a clue, triage, handle, feed back; the reward goes through
the core point accounts. 蜂享驿站 is a core station (:mod:`civicvol.domain.station`) once the
community opens it with its catalogue: riders then redeem by code, the rider taking the code
and the keeper redeeming it. A store whose 蜂享驿站 was never opened as a station (histories
from before) keeps its direct redemptions, read as they were."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.app.authorization import authorize
from civicvol.domain import clock
from civicvol.domain.values import Actor, Source
from civicvol.i18n import _
from civicvol.plugins.rider_clues.categories import DEFAULT_STATION, ClueCategories
from civicvol.plugins.rider_clues.clue import Clue, Verdict, check_verdict
from civicvol.plugins.rider_clues.errors import ClueNotFound, NotARider, OriginalClueNotFound
from civicvol.plugins.rider_clues.permissions import (  # noqa: F401  (named here too)
    CLUE_HANDLER,
    FEEDBACK,
    HANDLE,
    PERMISSIONS,
    REPORT,
    TRIAGE,
)

COMMUNITY = "金实社区"


class RiderClues:
    """先锋骑手's 随手拍 over one application's store, under the community's settings."""

    def __init__(self, app: CivicVol, categories: ClueCategories | None = None,
                 station: str = DEFAULT_STATION) -> None:
        self.app = app
        self.categories = categories or ClueCategories()
        self.station = station

    def clue(self, clue_id: UUID | str, error: type[ClueNotFound] = ClueNotFound) -> Clue:
        return self.app.load(Clue, clue_id, what="clue", not_found=error,
                             hint=_("list the clues with 'civicvol rider-clues list'"))

    # --- 发现 ----------------------------------------------------------------------------------
    def report_clue(self, actor: Actor, team_id: UUID | str, category: str, photo: str,
                    place: str, seen_at: datetime | None = None, description: str = "") -> UUID:
        """A rider, member of the rider team, reports what they saw on their round."""
        authorize(actor, REPORT)
        rider = self.app.volunteer(actor.id)  # a rider reports as themself
        rider.check_is_active()
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        membership = self.app.membership(team.id, rider.id)
        if membership is None or not membership.active:
            raise NotARider(
                _("volunteer {id} is not a member of the rider team {name!r}; the team's leader "
                  "must add them to the team before they report clues").format(
                  id=rider.id, name=team.name)
            ).hinted(_("the leader adds them with 'civicvol team join'"))
        clue = Clue.report(rider.id, team.id, self.categories.resolve(category), photo, place,
                           seen_at or clock.now(), by=actor, description=description)
        # The decision read the rider, the team and the membership: a concurrent change
        # to any of them makes the report fail instead of being stored on stale state.
        self.app.commit(REPORT, actor, clue, reads=[rider, team, membership])
        return clue.id

    # --- 处置 ----------------------------------------------------------------------------------
    def triage(self, actor: Actor, clue_id: UUID | str, verdict: str,
               duplicate_of: UUID | str | None = None, note: str = "") -> int:
        """Judge a clue; a valid one credits its category's points to the rider (pending the
        points audit) in the same transaction. Returns the points credited."""
        authorize(actor, TRIAGE)
        clue = self.clue(clue_id)
        judged = check_verdict(verdict)
        original = (self.clue(duplicate_of, OriginalClueNotFound).id
                    if duplicate_of is not None else None)
        clue.judge(judged, by=actor, duplicate_of=original, note=note)
        points = self.categories.points_for(clue.category)
        if judged is not Verdict.VALID or points == 0:
            self.app.commit(TRIAGE, actor, clue)
            return 0
        # Another plug-in's points rule (points_for_credit) may change the figure, even to 0.
        credited = self.app.credit_many(actor, [(clue.rider_id, points)],
                                        Source("clue", str(clue.id)), with_aggregates=[clue])
        return credited.get(clue.rider_id, 0)

    def handle(self, actor: Actor, clue_id: UUID | str, handled_by: str, action: str) -> None:
        authorize(actor, HANDLE)
        clue = self.clue(clue_id)
        clue.handle(handled_by, action, by=actor)
        self.app.commit(HANDLE, actor, clue)

    # --- 反馈 ----------------------------------------------------------------------------------
    def give_feedback(self, actor: Actor, clue_id: UUID | str, message: str) -> None:
        authorize(actor, FEEDBACK)
        clue = self.clue(clue_id)
        clue.give_feedback(message, by=actor)
        self.app.commit(FEEDBACK, actor, clue)

    # --- 激励 ----------------------------------------------------------------------------------
    def open_station(self, actor: Actor, gifts: Sequence[tuple[str, int, int]]) -> UUID:
        """Open 蜂享驿站 at 金实社区 with its catalogue: (gift, price in points, stock)."""
        opened = self.app.open_station(actor, self.station, COMMUNITY)
        for gift, price, stock in gifts:
            self.app.add_gift(actor, self.station, gift, price, stock)
        return opened

    def code(self, rider: Actor, gift: str) -> str:
        """The rider, present at the station, takes a one-time code for ``gift``."""
        return self.app.issue_redemption_code(rider, self.station, gift)[0]

    def redeem_code(self, keeper: Actor, code: str) -> str:
        """The station keeper redeems the rider's code: one gift out of the stock."""
        return self.app.redeem_code(keeper, self.station, code)

    def redeem(self, actor: Actor, rider_id: UUID | str, points: int, gift: str) -> str:
        """A direct redemption at the riders' station, while it keeps no catalogue (refused
        with :class:`~civicvol.domain.errors.StationRedeemsByCode` once it does)."""
        return self.app.redeem_points(actor, rider_id, points, gift, self.station)

"""The caring knitters' commands: launch a drive, log what was knitted (crediting the knitter
through the core point accounts), add a recipient, deliver sets, close the drive."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from civicvol.app.application import CivicVol, check_acts_for_self
from civicvol.app.authorization import authorize
from civicvol.domain.membership import check_is_member
from civicvol.domain.team import Team
from civicvol.domain.values import Actor, Role, Source
from civicvol.i18n import N_, _
from civicvol.plugins.knitting_drives.drive import KnittingDrive
from civicvol.plugins.knitting_drives.errors import DriveNotFound
from civicvol.plugins.knitting_drives.permissions import (  # noqa: F401  (named here too)
    ADD_RECIPIENT,
    CLOSE,
    DELIVER,
    KNITTING_SOURCE,
    LAUNCH,
    LOG,
    RECIPIENTS,
    KnittingSettings,
)


class KnittingDrives:
    """龙江爱心织女队's drives over one application's store, under its settings."""

    def __init__(self, app: CivicVol, settings: KnittingSettings | None = None) -> None:
        self.app = app
        self.settings = settings or KnittingSettings()

    def drive(self, drive_id: UUID | str) -> KnittingDrive:
        return self.app.load(KnittingDrive, drive_id, what="knitting drive",
                             not_found=DriveNotFound,
                             hint=_("list them with 'civicvol knitting-drives list'"))

    def launch_drive(self, actor: Actor, team_id: UUID | str, title: str, target_sets: int,
                     recipients: Sequence[str] = ()) -> UUID:
        authorize(actor, LAUNCH)
        team = self._led_team(actor, team_id)
        drive = KnittingDrive.launch(team.id, title, target_sets,
                                     tuple(recipients) or self.settings.recipients, by=actor)
        self.app.commit(LAUNCH, actor, drive)
        return drive.id

    def log_knitting(self, actor: Actor, drive_id: UUID | str, knitter_id: UUID | str,
                     hats: int = 0, scarves: int = 0) -> str:
        """A knitter (herself, or the team's leader for her) logs finished hats and scarves;
        she earns ``points_per_piece`` for each, in the same transaction. Returns the log id."""
        authorize(actor, LOG)
        drive = self.drive(drive_id)
        knitter = self.app.volunteer(knitter_id)
        if actor.role == Role.VOLUNTEER.value:
            check_acts_for_self(actor, knitter.id)
        else:
            self.app.check_leads(actor, self.app.team(drive.team_id),
                                 N_("log knitting for its drives"))
        knitter.check_is_active()
        membership = check_is_member(self.app.membership(drive.team_id, knitter.id),
                                     drive.team_id, knitter.id)
        log_id = drive.log_knitting(knitter.id, hats, scarves, by=actor)
        points = self.settings.points_per_piece * (hats + scarves)  # 0 when the setting is 0
        self.app.credit_many(actor, [(knitter.id, points)] if points > 0 else [],
                             Source(KNITTING_SOURCE, f"{drive.id}/{log_id}"),
                             with_aggregates=[drive], reads=[knitter, membership])
        return log_id

    def add_recipient(self, actor: Actor, drive_id: UUID | str, institution: str) -> None:
        authorize(actor, ADD_RECIPIENT)
        drive = self.drive(drive_id)
        self._led_team(actor, drive.team_id)
        drive.add_recipient(institution, by=actor)
        self.app.commit(ADD_RECIPIENT, actor, drive)

    def deliver(self, actor: Actor, drive_id: UUID | str, institution: str, sets: int,
                beneficiaries: int) -> str:
        """Finished sets handed to a recipient institution; returns the delivery id."""
        authorize(actor, DELIVER)
        drive = self.drive(drive_id)
        self._led_team(actor, drive.team_id)
        delivery_id = drive.deliver(institution, sets, beneficiaries, by=actor)
        self.app.commit(DELIVER, actor, drive)
        return delivery_id

    def close_drive(self, actor: Actor, drive_id: UUID | str, note: str = "") -> None:
        authorize(actor, CLOSE)
        drive = self.drive(drive_id)
        self._led_team(actor, drive.team_id)
        drive.close(note, by=actor)
        self.app.commit(CLOSE, actor, drive)

    def _led_team(self, actor: Actor, team_id: UUID | str) -> Team:
        team = self.app.team(team_id)
        team.check_is_not_dissolved()
        self.app.check_leads(actor, team, N_("run its knitting drives"))
        return team

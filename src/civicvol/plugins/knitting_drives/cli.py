"""civicvol knitting-drives ..."""

from __future__ import annotations

import click

from civicvol.app.report import event_topic, fold_log
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes
from civicvol.i18n import _
from civicvol.plugins.knitting_drives.commands import KnittingDrives
from civicvol.plugins.knitting_drives.drive import KnittingDrive
from civicvol.plugins.knitting_drives.report import KnittingFigures

NAME = "knitting-drives"


def service() -> KnittingDrives:
    return session().app.plugin(NAME, KnittingDrives)


def drive_view(d: KnittingDrive) -> dict[str, object]:
    return {"id": str(d.id), "title": d.title, "team_id": str(d.team_id),
            "target_sets": d.target_sets, "recipients": list(d.recipients), "hats": d.hats,
            "scarves": d.scarves, "sets_knitted": d.sets_knitted,
            "sets_delivered": d.sets_delivered, "sets_in_hand": d.sets_in_hand,
            "delivered": dict(d.delivered), "beneficiaries": d.beneficiaries,
            "knitters": len(d.knitted_by), "closed": d.closed,
            "launched_on": d.created_on.isoformat()}


@click.group(NAME)
def knitting_drives() -> None:
    """龙江爱心织女队: knitting drives of hats and scarves for nursing homes and schools."""


@writes
@knitting_drives.command("launch")
@click.argument("team_id")
@click.option("--title", required=True)
@click.option("--target", "target_sets", required=True, type=int, help=_("Target in sets."))
@click.option("--recipient", "recipients", multiple=True,
              help=_("An institution to knit for (repeat; default: the recipients setting)."))
def launch(team_id: str, title: str, target_sets: int, recipients: tuple[str, ...]) -> None:
    """Launch a knitting drive (leader or administrator)."""
    s = session()
    created(_("knitting drive"), service().launch_drive(s.actor, team_id, title, target_sets,
                                                     recipients))


@writes
@knitting_drives.command("log")
@click.argument("drive_id")
@click.argument("knitter_id")
@click.option("--hats", default=0, type=int)
@click.option("--scarves", default=0, type=int)
def log(drive_id: str, knitter_id: str, hats: int, scarves: int) -> None:
    """Log hats and scarves a knitter finished (the knitter herself, or the leader)."""
    s = session()
    log_id = service().log_knitting(s.actor, drive_id, knitter_id, hats, scarves)
    click.echo(_("logged {hats} hats and {scarves} scarves as {log_id}").format(
                 hats=hats, scarves=scarves, log_id=log_id))


@writes
@knitting_drives.command("add-recipient")
@click.argument("drive_id")
@click.argument("institution")
def add_recipient(drive_id: str, institution: str) -> None:
    """Add an institution the drive knits for (leader or administrator)."""
    s = session()
    service().add_recipient(s.actor, drive_id, institution)
    click.echo(_("{institution} now receives from drive {drive_id}").format(
                 institution=institution, drive_id=drive_id))


@writes
@knitting_drives.command("deliver")
@click.argument("drive_id")
@click.option("--to", "institution", required=True, help=_("The recipient institution."))
@click.option("--sets", required=True, type=int)
@click.option("--beneficiaries", required=True, type=int, help=_("People who benefit."))
def deliver(drive_id: str, institution: str, sets: int, beneficiaries: int) -> None:
    """Deliver finished sets to a recipient (leader or administrator)."""
    s = session()
    delivery = service().deliver(s.actor, drive_id, institution, sets, beneficiaries)
    click.echo(_("delivery {delivery}: {sets} sets to {institution}, "
                 "{beneficiaries} people").format(
                 delivery=delivery, sets=sets, institution=institution,
                 beneficiaries=beneficiaries))


@writes
@knitting_drives.command("close")
@click.argument("drive_id")
@click.option("--note", default="")
def close(drive_id: str, note: str) -> None:
    """Close a drive (leader or administrator)."""
    s = session()
    service().close_drive(s.actor, drive_id, note)
    click.echo(_("drive {drive_id} closed").format(drive_id=drive_id))


@knitting_drives.command("show")
@click.argument("drive_id")
@json_option
def show(drive_id: str, as_json: bool) -> None:
    """Show a drive's figures."""
    data = drive_view(service().drive(drive_id))
    print_json(data) if as_json else print_record(_("knitting drive"), data)


@knitting_drives.command("figures")
@json_option
def figures(as_json: bool) -> None:
    """The figures of every drive and in total, computed from the events."""
    app = session().app
    fold = KnittingFigures()
    fold_log(app.all_events(topics=fold.topics), app.mapper, [fold])
    data = fold.as_dict()
    print_json(data) if as_json else print_record(_("knitting drives"), data)


@knitting_drives.command("list")
@json_option
def list_drives(as_json: bool) -> None:
    """Every drive with its id, oldest first."""
    svc = service()
    launched = event_topic(KnittingDrive, "Launched")
    drives = [drive_view(svc.drive(n.originator_id))
              for n in svc.app.all_events(topics=[launched])]
    if as_json:
        print_json(drives)
        return
    for d in drives:
        click.echo(_("{id}  {title}  {delivered}/{target} sets").format(
            id=d["id"], title=d["title"], delivered=d["sets_delivered"], target=d["target_sets"])
                   + ("  " + _("closed") if d["closed"] else ""))

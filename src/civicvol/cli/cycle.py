"""civicvol order review | offer | claim | withdraw | start | sign-in | sign-out | close: the
cycle as districts run it (审单, 抢单, activities with many volunteers)."""

from __future__ import annotations

import click

from civicvol.cli.context import json_option, print_json, session, writes
from civicvol.cli.orders import order
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _


@writes
@order.command("review")
@click.argument("order_id")
@click.option("--accept", "decision", flag_value="accept", help=_("Accept it for dispatch."))
@click.option("--reject", "decision", flag_value="reject",
              help=_("Reject it; give --reason, which the resident sees."))
@click.option("--reason", default="", help=_("Why (needed to reject), in a few words."))
def review(order_id: str, decision: str | None, reason: str) -> None:
    """The centre reviews a placed order (审单): --accept, or --reject with a reason."""
    if decision is None:
        raise InvalidInput(_("say how the review ends: --accept, or --reject --reason TEXT"))
    s = session()
    s.app.review_order(s.actor, order_id, decision == "accept", reason)
    click.echo(_("order {order} accepted for dispatch").format(order=order_id)
               if decision == "accept" else
               _("order {order} rejected: {reason}").format(order=order_id, reason=reason))


@writes
@order.command("offer")
@click.argument("order_id")
@click.option("--team", "team_ids", multiple=True, metavar="TEAM_ID",
              help=_("A team it is offered to (repeatable)."))
@click.option("--community", default="", help=_("Offer it to every team of this community."))
def offer(order_id: str, team_ids: tuple[str, ...], community: str) -> None:
    """The centre offers an order to a pool of teams (抢单): the first to claim it gets it."""
    s = session()
    pool = s.app.offer_order(s.actor, order_id, list(team_ids), community)
    click.echo(_("order {order} offered to {count} teams").format(order=order_id,
                                                                   count=len(pool)))


@writes
@order.command("claim")
@click.argument("order_id")
@click.option("--team", "team_id", required=True, metavar="TEAM_ID",
              help=_("Your team, one the order was offered to."))
def claim(order_id: str, team_id: str) -> None:
    """A member or leader claims an offered order for their team."""
    s = session()
    s.app.claim_order(s.actor, order_id, team_id)
    click.echo(_("order {order} claimed by team {team}").format(order=order_id, team=team_id))


@writes
@order.command("withdraw")
@click.argument("order_id")
@click.option("--reason", required=True, help=_("Why you withdraw, in a few words."))
def withdraw(order_id: str, reason: str) -> None:
    """A volunteer who accepted an activity withdraws before it starts."""
    s = session()
    s.app.withdraw_from_order(s.actor, order_id, reason)
    click.echo(_("volunteer {volunteer} withdrew from order {order}").format(
        volunteer=s.actor.id, order=order_id))


@writes
@order.command("start")
@click.argument("order_id")
@json_option
def start(order_id: str, as_json: bool) -> None:
    """The leader (or the centre) starts an activity; prints its one-time code, which the
    volunteers sign in and out with."""
    s = session()
    code = s.app.start_activity(s.actor, order_id)
    if as_json:
        print_json({"order": order_id, "code": code})
        return
    click.echo(_("activity {order} started; show the volunteers this code:").format(
        order=order_id), err=True)
    click.echo(code)


@writes
@order.command("sign-in")
@click.argument("order_id")
@click.option("--code", required=True, help=_("The code the leader shows."))
def sign_in(order_id: str, code: str) -> None:
    """A volunteer signs in at the activity with its code."""
    s = session()
    s.app.sign_in(s.actor, order_id, code)
    click.echo(_("volunteer {volunteer} signed in to order {order}").format(
        volunteer=s.actor.id, order=order_id))


@writes
@order.command("sign-out")
@click.argument("order_id")
@click.option("--code", required=True, help=_("The code the leader shows."))
def sign_out(order_id: str, code: str) -> None:
    """A volunteer signs out of the activity; their hours are recorded from signing in."""
    s = session()
    hours = s.app.sign_out(s.actor, order_id, code)
    click.echo(_("volunteer {volunteer} signed out of order {order}: {hours} hours").format(
        volunteer=s.actor.id, order=order_id, hours=hours))


@writes
@order.command("close")
@click.argument("order_id")
@click.option("--attended", "attended", multiple=True, required=True,
              metavar="VOLUNTEER_ID[=HOURS]",
              help=_("A volunteer who came, with their hours if they did not sign out "
                     "(repeatable)."))
@click.option("--served", default=0, type=int, show_default=True,
              help=_("How many people the activity served."))
def close(order_id: str, attended: tuple[str, ...], served: int) -> None:
    """The leader (or the centre) closes an activity with the attendance; each volunteer's
    hours and points are recorded together."""
    attendance: dict[str, str | None] = {}
    for item in attended:
        volunteer, sep, hours = item.partition("=")
        attendance[volunteer.strip()] = hours.strip() if sep else None
    s = session()
    credited = s.app.close_activity(s.actor, order_id, attendance, served)
    click.echo(_("order {order} closed: {count} volunteers, {points} points").format(
        order=order_id, count=len(attendance), points=sum(credited.values())))

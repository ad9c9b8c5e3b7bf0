"""civicvol order ...: 点单 → 派单 → 接单 → 评单."""

from __future__ import annotations

from decimal import Decimal

import click

from civicvol.app.views import order_view
from civicvol.cli.context import created, json_option, print_json, print_record, session, writes
from civicvol.cli.listing import paging, print_rows
from civicvol.display import hours as hours_text
from civicvol.i18n import _, ngettext

ORDER_COLUMNS = ("id", "status", "service", "channel", "place", "placed_at", "team_id",
                 "volunteer_id")


@click.group()
def order() -> None:
    """Place, dispatch, accept, complete and rate service orders."""


@writes
@order.command("place")
@click.option("--service", required=True, metavar="CODE",
              help=_("A service of the catalogue by code or name ('civicvol service list'); "
                      "free text while the district has no catalogue."))
@click.option("--description", default="", help=_("What is needed, free text."))
@click.option("--place", default="", help=_("Where, e.g. 东庄社区 3 栋."))
@click.option("--wanted-time", default="", help=_("When the service is wanted, free text."))
@click.option("--beneficiary", "beneficiaries", multiple=True,
              help=_("A group served (elderly, left-behind children, disabled ...); repeatable."))
@click.option("--channel", default="platform", show_default=True,
              help=_("How the order came in: platform, station or hotline."))
@click.option("--attribute", "attributes", multiple=True, metavar="CODE=VALUE",
              help=_("A value for one of the service's attributes; repeatable (repeat a code "
                      "for a multivaluelist)."))
@click.option("--volunteers", default=1, type=int, show_default=True,
              help=_("How many volunteers it asks for (more than 1: an activity)."))
def place(service: str, description: str, place: str, wanted_time: str,
          beneficiaries: tuple[str, ...], channel: str, attributes: tuple[str, ...],
          volunteers: int) -> None:
    """A resident places an order (点单)."""
    from civicvol.domain.errors import InvalidAttributeValue

    values: dict[str, list[str]] = {}
    for text in attributes:
        code, sep, value = text.partition("=")
        if not sep:
            raise InvalidAttributeValue(_("--attribute {text!r} is not CODE=VALUE, e.g. "
                                          "floor=3").format(text=text))
        values.setdefault(code.strip(), []).append(value)
    s = session()
    created(_("order"), s.app.place_order(
        s.actor, service, description, place, wanted_time, beneficiaries, channel=channel,
        attributes={k: v[0] if len(v) == 1 else v for k, v in values.items()},
        volunteers=volunteers))


@order.command("queue")
@paging()
@json_option
def queue(limit: int, offset: int, as_json: bool) -> None:
    """The dispatcher's queue: orders placed or declined back, waiting for dispatch, oldest
    first."""
    rows = session().app.views.orders.queue(limit=limit, offset=offset)
    print_rows(_("waiting for dispatch"), rows, ("id", "service", "place", "wanted_time",
                                              "placed_at", "declines", "requester"),
               as_json, empty=_("no order is waiting for dispatch"))


@order.command("list")
@click.option("--status", default=None,
              type=click.Choice(["open", "reviewing", "rejected", "placed", "offered",
                                 "dispatched", "accepted", "completed", "rated",
                                 "closed-unrated", "cancelled"]),
              help=_("Only orders in this status."))
@click.option("--team", "team_id", default=None, metavar="TEAM_ID", help=_("Dispatched to it."))
@click.option("--community", default=None, help=_("Served by a team of this community."))
@click.option("--service", default=None, help=_("Of this service, e.g. 理发."))
@click.option("--volunteer", "volunteer_id", default=None, metavar="VOLUNTEER_ID",
              help=_("Accepted by this volunteer."))
@click.option("--since", default=None, metavar="YYYY-MM-DD", help=_("Placed on or after."))
@click.option("--until", default=None, metavar="YYYY-MM-DD", help=_("Placed on or before."))
@paging()
@json_option
def list_orders(status: str | None, team_id: str | None, community: str | None,
                service: str | None, volunteer_id: str | None, since: str | None,
                until: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Orders, oldest first, filtered by any of the options."""
    from civicvol.audit.asof import parse_day

    app = session().app
    rows = app.views.orders.list(
        status=status, team=_id(team_id, "team"), community=community, service=service,
        volunteer=_id(volunteer_id, "volunteer"),
        since=parse_day(since).isoformat() if since else None,
        until=parse_day(until).isoformat() if until else None, limit=limit, offset=offset)
    print_rows(_("orders"), rows, ORDER_COLUMNS, as_json, empty=_("no order matches"))


def _id(value: str | None, what: str) -> str | None:
    from civicvol.app.application import parse_id

    return str(parse_id(value, what)) if value is not None else None


@writes
@order.command("dispatch")
@click.argument("order_id")
@click.option("--team", "team_id", required=True, metavar="TEAM_ID",
              help=_("The team that is to serve it."))
def dispatch(order_id: str, team_id: str) -> None:
    """The practice centre dispatches an order to a team (派单)."""
    s = session()
    s.app.dispatch_order(s.actor, order_id, team_id)
    click.echo(_("order {order_id} dispatched to team {team_id}").format(
                 order_id=order_id, team_id=team_id))


@writes
@order.command("accept")
@click.argument("order_id")
def accept(order_id: str) -> None:
    """A member of the dispatched team accepts the order (接单): --as volunteer:<id>."""
    s = session()
    s.app.accept_order(s.actor, order_id)
    click.echo(_("order {order_id} accepted by volunteer {id}").format(
                 order_id=order_id, id=s.actor.id))


@writes
@order.command("complete")
@click.argument("order_id")
@click.option("--hours", required=True, metavar="HOURS",
              help=_("Service hours, more than 0 and at most 24, e.g. 2 or 1.5."))
@click.option("--served", default=0, type=int, show_default=True,
              help=_("How many people were served."))
def complete(order_id: str, hours: str, served: int) -> None:
    """The accepting volunteer completes the order, with service hours."""
    s = session()
    s.app.complete_order(s.actor, order_id, hours, served)
    click.echo(_("order {order_id} completed ({hours})").format(
                 order_id=order_id, hours=hours_text(Decimal(hours))))


@writes
@order.command("rate")
@click.argument("order_id")
@click.option("--stars", required=True, type=int, help=_("1 to 5."))
@click.option("--comment", default="", help=_("What the resident says (optional)."))
def rate(order_id: str, stars: int, comment: str) -> None:
    """The requester rates the service once (评单)."""
    s = session()
    s.app.rate_order(s.actor, order_id, stars, comment)
    click.echo(ngettext("order {order_id} rated {stars} star", "order {order_id} rated {stars} "
                        "stars", stars).format(order_id=order_id, stars=stars))


@writes
@order.command("decline")
@click.argument("order_id")
@click.option("--reason", required=True, help=_("Why, in a few words."))
def decline(order_id: str, reason: str) -> None:
    """Give the order back to the centre for re-dispatch (a member of the dispatched team,
    or the volunteer who accepted it)."""
    s = session()
    s.app.decline_order(s.actor, order_id, reason)
    click.echo(_("order {order_id} declined; it waits for the centre to dispatch it again").format(
                 order_id=order_id))


@writes
@order.command("cancel")
@click.argument("order_id")
@click.option("--reason", required=True, help=_("Why, in a few words."))
def cancel(order_id: str, reason: str) -> None:
    """Cancel an open order (its requester or a dispatcher)."""
    s = session()
    s.app.cancel_order(s.actor, order_id, reason)
    click.echo(_("order {order_id} cancelled").format(order_id=order_id))


@order.command("show")
@click.argument("order_id")
@json_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("The record as it stood at the end of that day (Asia/Shanghai)."))
def show(order_id: str, as_json: bool, as_of: str | None) -> None:
    """Show an order and where it stands."""
    if as_of is not None:
        from civicvol.audit.asof import order_as_of
        from civicvol.cli.reports import past_day

        past = order_as_of(session().app, order_id, past_day(as_of))
        print_json(past) if as_json else print_record(f"order, as of {as_of}", past)
        return
    data = order_view(session().app.order(order_id))
    print_json(data) if as_json else print_record(_("order"), data)


COMMANDS = [order]

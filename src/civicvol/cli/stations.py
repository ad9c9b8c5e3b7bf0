"""civicvol station ...: the gift counter (catalogue, stock, redeeming a volunteer's code)."""

from __future__ import annotations

import click

from civicvol.cli.context import console, created, json_option, print_json, session, writes
from civicvol.i18n import _

STATION_HELP = "Open stations, keep their gift catalogue and stock, redeem volunteers' codes."


@click.group(help=_(STATION_HELP))
def station() -> None:
    pass


@writes
@station.command("open", help=_("Open a station's gift counter (administrator)."))
@click.argument("name")
@click.option("--community", required=True, help=_("The community the station serves."))
def open_station(name: str, community: str) -> None:
    s = session()
    created(_("station"), s.app.open_station(s.actor, name, community))


@writes
@station.command("add-gift",
                 help=_("Add a gift to a station's catalogue (administrator or station keeper)."))
@click.argument("name")
@click.option("--gift", required=True, help=_("The gift, e.g. 毛巾."))
@click.option("--price", required=True, type=int, metavar="POINTS",
              help=_("What it costs in points."))
@click.option("--stock", default=0, show_default=True, type=int, metavar="N",
              help=_("How many the station has."))
def add_gift(name: str, gift: str, price: int, stock: int) -> None:
    s = session()
    s.app.add_gift(s.actor, name, gift, price, stock)
    click.echo(_("{gift} added to {station}: {price} points, {stock} in stock").format(
        gift=gift.strip(), station=name.strip(), price=price, stock=stock))


@writes
@station.command("restock", help=_("Add to a gift's stock (administrator or station keeper)."))
@click.argument("name")
@click.option("--gift", required=True, help=_("The gift, as in the catalogue."))
@click.option("--quantity", required=True, type=int, metavar="N", help=_("How many came in."))
def restock(name: str, gift: str, quantity: int) -> None:
    s = session()
    stock = s.app.restock_gift(s.actor, name, gift, quantity)
    click.echo(_("{gift} at {station}: {stock} in stock").format(
        gift=gift.strip(), station=name.strip(), stock=stock))


@station.command("catalogue", help=_("The station's gifts, their price in points and stock."))
@click.argument("name")
@json_option
def catalogue(name: str, as_json: bool) -> None:
    from rich.table import Table

    gifts = session().app.catalogue(name)
    rows: list[dict[str, str | int]] = [{"gift": g.name, "price": g.price, "stock": g.stock}
                                        for g in gifts]
    if as_json:
        print_json({"station": name.strip(), "gifts": rows})
        return
    if not rows:
        click.echo(_("station {station} has no gifts yet").format(station=name.strip()))
        return
    table = Table(title=_("gifts at {station}").format(station=name.strip()),
                  title_justify="left")
    for column in (_("gift"), _("price (points)"), _("stock")):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["gift"]), str(row["price"]), str(row["stock"]))
    console().print(table)


@writes
@station.command("redeem",
                 help=_("Redeem a volunteer's one-time code for a gift (station keeper)."))
@click.argument("name")
@click.argument("code")
def redeem(name: str, code: str) -> None:
    s = session()
    entry = s.app.redeem_code(s.actor, name, code)
    click.echo(_("code redeemed at {station}").format(station=name.strip()), err=True)
    click.echo(entry)


COMMANDS = [station]

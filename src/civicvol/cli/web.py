"""civicvol account ... and civicvol serve: the web service's accounts, and the server.

FastAPI and uvicorn are imported only inside ``serve``; the accounts need neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from civicvol.cli.context import console, json_option, print_json, session, writes
from civicvol.i18n import N_, _

if TYPE_CHECKING:
    from civicvol.web.accounts import Accounts


@click.group(help=N_("Create, list, revoke and rotate the web service's staff accounts."))
def account() -> None:
    pass


def _accounts() -> Accounts:
    from civicvol.web.accounts import Accounts

    return Accounts(session().app)


def _print_token(account_id: str, token: str) -> None:
    click.echo(_("account {id}: keep this token now, it is shown only once").format(
        id=account_id), err=True)
    click.echo(token)


@writes
@account.command("create", help=N_("Create an account and print its API token once."))
@click.option("--role", required=True, help=N_("administrator, dispatcher, volunteer, ..."))
@click.option("--name", default=None,
              help=N_("Who uses it, e.g. 王调度 (not for a volunteer's account: their record "
                      "names them)."))
@click.option("--volunteer", "volunteer_id", default=None, metavar="ID",
              help=N_("The volunteer a volunteer or leader account acts as."))
@json_option
def create(role: str, name: str | None, volunteer_id: str | None, as_json: bool) -> None:
    s = session()
    s.keep_new_store = True  # the first administrator's account is made on an empty store
    made, token = _accounts().create(role, name, volunteer_id)
    if as_json:
        print_json({**made.as_dict(), "token": token})
        return
    _print_token(made.id, token)


@account.command("list", help=N_("The accounts: id, role, name, actor, revoked or not."))
@json_option
def list_accounts(as_json: bool) -> None:
    found = [a.as_dict() for a in _accounts().list()]
    if as_json:
        print_json(found)
        return
    from rich.table import Table

    table = Table(title=_("accounts"), title_justify="left")
    for column in (_("id"), _("role"), _("name"), _("actor"), _("created (Asia/Shanghai)"),
                   _("revoked")):
        table.add_column(column)
    for a in found:
        table.add_row(a["id"], a["role"], a["name"], a["actor"], _minute(a["created_at"]),
                      _minute(a["revoked_at"]) if a["revoked_at"] else "-")
    console().print(table)


@writes
@account.command("revoke", help=N_("Revoke an account: its token stops working at once."))
@click.argument("account_id")
def revoke(account_id: str) -> None:
    revoked = _accounts().revoke(account_id)
    click.echo(_("account {id} revoked").format(id=revoked.id))


@writes
@account.command("rotate", help=N_("Give an account a new token; the old one stops working."))
@click.argument("account_id")
def rotate(account_id: str) -> None:
    rotated, token = _accounts().rotate(account_id)
    _print_token(rotated.id, token)


def _minute(moment: str) -> str:
    from datetime import datetime

    from civicvol.domain.clock import DISTRICT_TIME

    return datetime.fromisoformat(moment).astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")


@click.command("serve", help=N_("Run the web service (staff API, Open311) with uvicorn."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8311, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help=N_("Server processes (use PostgreSQL for more than one)."))
@click.option("--write-rate", default=None, type=click.FloatRange(min=0.1),
              help=N_("Writes per second each account may make (default 10, bursts of 30)."))
def serve(host: str, port: int, workers: int, write_rate: float | None) -> None:
    import os

    from civicvol.domain.errors import MissingExtra, StoreKeepsNothing
    from civicvol.store import default_store_url

    s = session()
    store = s.store_url or default_store_url()
    if store.lower().startswith("memory:"):
        raise StoreKeepsNothing(_("memory:// would give each server process an empty store "
                                  "of its own, without accounts; serve a SQLite file or a "
                                  "PostgreSQL database"))
    s.app  # noqa: B018 - refuse a missing or broken store here, with one line, not in a worker
    try:
        import uvicorn

        from civicvol.web.service import STORE_ENV_FOR_WORKERS, WRITE_RATE_ENV
    except ImportError as missing:
        raise MissingExtra(_("the web service needs the web extra ({module} is missing): "
                             "pip install 'civicvol[web]'").format(
                                 module=missing.name)) from None
    os.environ[STORE_ENV_FOR_WORKERS] = store
    if write_rate is not None:
        os.environ[WRITE_RATE_ENV] = str(write_rate)
    if s.config:
        os.environ["CIVICVOL_CONFIG"] = s.config
    uvicorn.run("civicvol.web.service:app_from_environment", factory=True, host=host,
                port=port, workers=workers, log_level="warning")


COMMANDS = [account, serve]

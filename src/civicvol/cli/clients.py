"""civicvol client ...: the Open311 client applications and their api_keys."""

from __future__ import annotations

import click

from civicvol.cli.context import json_option, session, writes
from civicvol.cli.listing import print_rows
from civicvol.domain.errors import PermissionDenied
from civicvol.domain.values import Role
from civicvol.i18n import _
from civicvol.web.open311.clients import Clients


@click.group()
def client() -> None:
    """Create, list and revoke the Open311 client applications' api_keys."""


def _administrator() -> None:
    actor = session().actor
    if actor.role != Role.ADMINISTRATOR.value:
        raise PermissionDenied(_("only an administrator manages Open311 clients (--as "
                                 "administrator:ID), not {actor}").format(actor=actor))


@writes
@client.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a client and print its api_key, once: only its hash is kept (administrator)."""
    _administrator()
    api_key = Clients(session().app).create(name)
    click.echo(_("client {name} created; keep this api_key, it is not shown again")
               .format(name=name), err=True)
    click.echo(api_key)


@writes
@client.command("revoke")
@click.argument("name")
@click.option("--reason", required=True, help=_("Why the key is revoked."))
def revoke(name: str, reason: str) -> None:
    """Revoke a client's api_key: its requests are refused from now on (administrator)."""
    _administrator()
    Clients(session().app).revoke(name, reason)
    click.echo(_("client {name} revoked").format(name=name))


@client.command("list")
@json_option
def list_clients(as_json: bool) -> None:
    """The clients, active and revoked (never their keys)."""
    print_rows(_("Open311 clients"), Clients(session().app).list(),
               ("name", "status", "created_at", "revoked_at", "revoked_because"), as_json,
               empty=_("no Open311 client yet; 'civicvol client create NAME' makes one"))

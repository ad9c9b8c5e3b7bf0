"""civicvol init / backup: making a store, and copying one safely."""

from __future__ import annotations

from pathlib import Path

import click

from civicvol.audit.checkpoint import load_private_key, sign_checkpoint, write_checkpoint
from civicvol.cli.context import session, writes
from civicvol.i18n import _
from civicvol.store import store_name
from civicvol.store_backup import backup_store


@writes
@click.command("init")
def init() -> None:
    """Create an empty store at --store (a SQLite file readable by you only)."""
    s = session()
    s.keep_new_store = True
    count = s.app.event_count()
    name = store_name(s.app.store_url)
    if count:
        click.echo(_("store {name} already exists ({count} events); nothing changed").format(
                     name=name, count=count))
    else:
        click.echo(_("store {name} is ready").format(name=name))


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--key", "key_file", type=click.Path(path_type=Path), metavar="KEYFILE",
              help=_("Sign a checkpoint of the copy's chain head into DEST.checkpoint.json."))
def backup(dest: Path, key_file: Path | None) -> None:
    """Copy the live store to DEST (SQLite's online backup; PostgreSQL: pg_dump)."""
    key = load_private_key(key_file) if key_file else None  # a bad key: before copying
    app = session().app
    copy = backup_store(app, dest)
    click.echo(_("backup of {event_count} events written to {dest}").format(
                 event_count=copy.event_count, dest=dest), err=True)
    if key is not None:
        out = checkpoint_path(dest)
        write_checkpoint(sign_checkpoint(key, store_name(app.store_url), copy), out)
        click.echo(_("checkpoint of the backup written to {out}").format(out=out), err=True)
    click.echo(copy.head_hash.hex())


def checkpoint_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".checkpoint.json")


COMMANDS = [init, backup]

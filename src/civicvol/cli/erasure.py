"""civicvol volunteer erase: erasing a person's personal data for good (crypto-shredding).

Kept apart from the audit commands so that the ``volunteer`` group loads only this."""

from __future__ import annotations

import click

from civicvol.app.erasure import erase_volunteer
from civicvol.cli.context import session, writes
from civicvol.cli.volunteers import volunteer
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _


@writes
@volunteer.command("erase")
@click.argument("volunteer_id")
@click.option("--reason", required=True,
              help=_("Why (the person's request, ...), in a few words; no personal data."))
@click.option("--yes", is_flag=True, help=_("Do not ask: erasure cannot be undone."))
def erase(volunteer_id: str, reason: str, yes: bool) -> None:
    """Erase a volunteer's personal data for good by destroying their key (administrator)."""
    s = session()
    if not yes and not _confirmed(_("erase the personal data of volunteer {volunteer_id} for "
                                    "good? It cannot be undone").format(
                                        volunteer_id=volunteer_id)):
        raise InvalidInput(_("erasure not confirmed: nothing was erased; answer y at the "
                             "prompt, or give --yes to erase without asking"))
    erase_volunteer(s.app, s.actor, volunteer_id, reason)
    click.echo(_("personal data of volunteer {volunteer_id} erased; their hours, points "
                 "and history remain").format(volunteer_id=volunteer_id))


def _confirmed(question: str) -> bool:
    """The user's yes at the prompt; no answer (no terminal, end of input) is a no."""
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:
        return False

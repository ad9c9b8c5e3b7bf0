"""Text as civicvol stores it: NFC-normalised, with no NUL, control character or lone
surrogate (newlines only in multi-line fields), so nothing stored can drive a terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _

_ALLOWED_IN_MULTILINE = frozenset("\n\t")


def clean_text(value: object, what: str, *, multiline: bool = False) -> str:
    """``value`` as stored text, or :class:`InvalidInput` naming ``what``."""
    if not isinstance(value, str):
        raise InvalidInput(_("the {what} must be text, not {kind} {value!r:.60}").format(
                             what=_(what), kind=type(value).__name__, value=value))
    for char in value:
        if "\ud800" <= char <= "\udfff":
            raise InvalidInput(_("the {what} holds a byte that is not UTF-8 text ({char!r}); "
                                 "retype it, or check the terminal's encoding").format(
                                 what=_(what), char=char))
        if unicodedata.category(char) == "Cc" and not (multiline
                                                       and char in _ALLOWED_IN_MULTILINE):
            where = "" if multiline else _(" (a line break is allowed only in a description)")
            raise InvalidInput(_("the {what} holds the control character {char!r}{where}; remove "
                                 "it").format(what=_(what), char=char, where=where))
    return unicodedata.normalize("NFC", value)


def clean_texts(values: object, what: str) -> tuple[str, ...]:
    """A list of short texts (skills, beneficiaries): refuses a bare string, which would
    otherwise be read letter by letter."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | set | frozenset):
        raise InvalidInput(_("the {what} must be a list of texts, not {kind} {values!r:.60}; give"
                             " e.g. ['理发']").format(
                             what=_(what), kind=type(values).__name__, values=values))
    return tuple(clean_text(v, what) for v in values)


def printable(value: str) -> str:
    """Text safe for a terminal: control characters stored before they were refused are
    shown as escapes (``\\x1b``), never sent raw."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() or c in " " else repr(c)[1:-1] for c in value)

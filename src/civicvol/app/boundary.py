"""The public commands' type check at the API boundary.

``@checked`` runs beartype's check of the annotated parameter types on every call and turns
a violation into :class:`~civicvol.domain.errors.InvalidInput` naming the argument, so that a
wrong type never reaches the domain (an AttributeError deep inside) or the store. Shapes the
annotations cannot say (a bare string where a list is wanted, text rules) are checked by the
domain's own checks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _

P = ParamSpec("P")
R = TypeVar("R")
_PARAMETER = re.compile(r"parameter (\w+)=")
_HINT = re.compile(r"violates type hint (.+?), as ")


def checked(command: Callable[P, R]) -> Callable[P, R]:
    """``command`` with its parameters' annotated types checked on every call.

    beartype builds the check on the first call, not at import: opening the application for
    a read command pays nothing for the commands it does not make."""
    prepared: list[tuple[Callable[P, R], type[Exception]]] = []

    @functools.wraps(command)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if not prepared:
            from beartype import beartype
            from beartype.roar import BeartypeCallHintParamViolation

            prepared.append((beartype(command), BeartypeCallHintParamViolation))
        typed, violation = prepared[0]
        try:
            return typed(*args, **kwargs)
        except violation as error:
            raise _invalid(command.__name__, str(error)) from None
    return call


def _invalid(command: str, message: str) -> InvalidInput:
    name = _PARAMETER.search(message)
    hint = _HINT.search(message)
    wanted = hint.group(1).replace("<class '", "").replace("'>", "") if hint else "another type"
    argument = name.group(1) if name else "an argument"
    return InvalidInput(_("{command}: the argument {argument!r} must be {wanted}; see the "
                          "command's documentation for what it takes").format(
                          command=command, argument=argument, wanted=wanted))


def check_sequence(values: object, what: str) -> list[object]:
    """A list of items (not a bare string, not None) as a list, or InvalidInput."""
    if isinstance(values, str | bytes) or not isinstance(values, list | tuple):
        raise InvalidInput(_("the {what} must be a list, not {name} {values!r:.60}").format(
                             what=what, name=type(values).__name__, values=values))
    return list(values)

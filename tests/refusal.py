"""The shape of every refusal story: the specific error, a helpful message, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from civicvol import CivicVol


def refused(app: CivicVol, error: type[Exception], call: Callable[..., Any], *args: Any,
            **kwargs: Any) -> str:
    """Call ``call``; assert it raises exactly ``error`` (or a subclass) and stores nothing.

    Returns the message, so the story can check that it tells the user what to do.
    """
    before = app.event_count()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert app.event_count() == before, "a refused command stored events"
    message = str(caught.value)
    assert message.strip(), "a refusal must say what was wrong"
    assert "\n" not in message, "a refusal is one line"
    return message

"""The knitters' command names, who may make them, and their settings' defaults (light: the
hook module imports this to list them without importing the drives' records)."""

from __future__ import annotations

import attrs

LAUNCH = "knitting.launch"
LOG = "knitting.log"
ADD_RECIPIENT = "knitting.add_recipient"
DELIVER = "knitting.deliver"
CLOSE = "knitting.close"
KNITTING_SOURCE = "knitting"
RECIPIENTS = ("鹤湾敬老院", "鸿福敬老院", "滇源中心学校三转弯小学")

PERMISSIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((LAUNCH, ADD_RECIPIENT, DELIVER, CLOSE), ("administrator", "leader")),
    LOG: ("volunteer", "leader"),
}
# The source kinds a command credits points for (bound to it: no other command may).
CREDITS: dict[str, tuple[str, ...]] = {LOG: (KNITTING_SOURCE,)}


@attrs.frozen
class KnittingSettings:
    """``points_per_piece``: points a knitter earns for each hat or scarf (pending the points
    audit; 0 credits nothing); ``recipients``: the institutions a new drive knits for when
    none are named."""

    points_per_piece: int = 2
    recipients: tuple[str, ...] = RECIPIENTS

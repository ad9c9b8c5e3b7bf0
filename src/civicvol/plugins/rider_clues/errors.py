"""What can go wrong with the riders' clues, each with what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import IllegalTransition, InvalidInput, NotAMember, NotFound


class UnknownClueCategory(InvalidInput):
    """A category that is neither a default one nor added in the plug-in's settings."""


class InvalidClueSettings(InvalidInput):
    """The plug-in's settings (categories, points) are malformed."""


class InvalidVerdict(InvalidInput):
    """A triage verdict that is not valid, invalid or duplicate, or a duplicate without its
    original."""


class InvalidPhotoReference(InvalidInput):
    """A clue without its photo, or a reference too long to be one."""


class InvalidSeenTime(InvalidInput):
    pass


class ClueSeenInFuture(InvalidSeenTime):
    pass


class ClueNotFound(NotFound):
    pass


class OriginalClueNotFound(ClueNotFound):
    """A duplicate names an original clue that is not in the store."""


class NotARider(NotAMember):
    """The reporter is not an active member of the rider team named."""


class ClueTransitionError(IllegalTransition):
    """A clue cannot take this step from where it stands in 发现→处置→反馈→激励."""


class ClueAlreadyJudged(ClueTransitionError):
    pass


class ClueNotJudged(ClueTransitionError):
    pass


class ClueNotValid(ClueTransitionError):
    """Only a clue judged valid is handled."""


class ClueNotHandled(ClueTransitionError):
    pass


class ClueAlreadyHandled(ClueTransitionError):
    pass


class FeedbackAlreadyGiven(ClueTransitionError):
    pass

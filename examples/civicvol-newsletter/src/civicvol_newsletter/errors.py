"""What can go wrong with the residents' bulletin, each with what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import InvalidInput, NotFound, RuleViolation


class InvalidRole(InvalidInput):
    pass


class InvalidIssue(InvalidInput):
    """An issue with a bad number, title or date."""


class BulletinNotFound(NotFound):
    pass


class NotAnEditor(RuleViolation):
    pass


class EditorAlreadyAppointed(RuleViolation):
    pass


class BulletinAlreadyFounded(RuleViolation):
    pass


class IssueOutOfOrder(RuleViolation):
    """An issue number that is not the next one, or a date before the previous issue's."""

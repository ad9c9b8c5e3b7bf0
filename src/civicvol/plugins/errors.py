"""What can go wrong with plug-ins, each error naming the plug-in and what to do instead."""

from __future__ import annotations

from civicvol.domain.errors import CivicVolError, InvalidInput, NotFound, RuleViolation


class PluginError(CivicVolError):
    """Base class of the errors about plug-ins; ``plugin`` names the plug-in concerned."""

    def __init__(self, message: str, plugin: str = "") -> None:
        super().__init__(message)
        self.plugin = plugin


class CommandRefusedByPlugin(PluginError, RuleViolation):
    """A plug-in's decision hook refused the command (by a veto or an exception); nothing
    was stored. ``reason`` is the plug-in's own error when it raised one."""

    def __init__(self, message: str, plugin: str, reason: BaseException | None = None) -> None:
        super().__init__(message, plugin)
        self.reason = reason
        if isinstance(reason, CivicVolError):
            self.exit_code = reason.exit_code


class PluginHookFailed(PluginError):
    """A plug-in's hook raised outside a command (registering transcodings or its service,
    folding the report, building the demo); ``reason`` is its own error."""

    def __init__(self, message: str, plugin: str, reason: BaseException | None = None) -> None:
        super().__init__(message, plugin)
        self.reason = reason
        if isinstance(reason, CivicVolError):
            self.exit_code = reason.exit_code


class PluginNotLoaded(PluginError, NotFound):
    """The plug-in asked for is not loaded in this application."""


class PluginSettingError(PluginError, InvalidInput):
    """A plug-in setting in civicvol.toml is unknown or has a bad value."""

    def __init__(self, message: str, plugin: str, key: str) -> None:
        super().__init__(message, plugin)
        self.key = key


class ConfigFileError(PluginError, InvalidInput):
    """civicvol.toml cannot be read or is not laid out as expected."""


class PluginMissing(PluginError):
    """The store holds events written by a plug-in that is not installed (or not loaded), so
    they cannot be read; ``version`` is the plug-in version that wrote them, if known."""

    exit_code = 8

    def __init__(self, message: str, plugin: str, version: str = "") -> None:
        super().__init__(message, plugin)
        self.version = version


class UnknownEventTopic(PluginError):
    """A stored event's class cannot be found and no plug-in is recorded as its writer."""

    exit_code = 8

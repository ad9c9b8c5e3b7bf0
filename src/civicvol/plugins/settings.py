"""Plug-in settings: each declared with a default, overridden in ``civicvol.toml``.

``civicvol.toml`` sits beside the SQLite store file (or is named by ``--config PATH`` or
``CIVICVOL_CONFIG``)::

    [plugins.haircut-days]
    calendar_fallback = "weekdays"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from civicvol.i18n import _
from civicvol.plugins.errors import ConfigFileError, PluginSettingError

CONFIG_ENV = "CIVICVOL_CONFIG"
CONFIG_NAME = "civicvol.toml"
_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


@attrs.frozen
class Setting:
    """One setting of a plug-in: its default, what it means, and an optional ``check`` that
    raises ``ValueError`` with a reason when a value is not acceptable. A value from the
    config file must have the default's type (an int is accepted for a float)."""

    default: Any
    help: str = ""
    check: Callable[[Any], None] | None = None

    def accept(self, plugin: str, key: str, value: Any) -> Any:
        expected = type(self.default)
        fits = isinstance(value, expected) and not (
            isinstance(value, bool) and expected is not bool)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value, fits = float(value), True
        if self.default is not None and not fits:
            raise PluginSettingError(
                _("setting {key!r} of plug-in {plugin!r} must be {get} (like {default!r}), "
                  "not {value!r}; fix it in {CONFIG_NAME}").format(
                  key=key, plugin=plugin, get=_KINDS.get(expected, 'a ' + expected.__name__),
                  default=self.default, value=value, CONFIG_NAME=CONFIG_NAME),
                plugin, key)
        if self.check is not None:
            try:
                self.check(value)
            except (ValueError, TypeError) as reason:
                raise PluginSettingError(
                    _("setting {key!r} of plug-in {plugin!r} cannot be {value!r}: "
                      "{reason}; fix it in {CONFIG_NAME}").format(
                      key=key, plugin=plugin, value=value, reason=reason,
                      CONFIG_NAME=CONFIG_NAME), plugin, key) from None
        return value


def config_path_for(store_url: str | None, given: str | Path | None = None) -> Path | None:
    """The config file to read: the one given, else ``$CIVICVOL_CONFIG``, else
    ``civicvol.toml`` beside a SQLite store file (if it exists)."""
    if given:
        return Path(given)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    if store_url:
        parts = urlsplit(store_url)
        if parts.scheme.lower() == "sqlite" and parts.path:
            path = unquote(parts.path)
            path = path[1:] if path.startswith("/") else path
            beside = Path(path).resolve().parent / CONFIG_NAME
            if beside.is_file():
                return beside
    return None


def read_config(path: Path | None) -> dict[str, Any]:
    """The ``[plugins.*]`` tables of the config file, by plug-in name ({} without a file)."""
    if path is None:
        return {}
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise ConfigFileError(_("config file {path} does not exist; create it or name "
                                "another").format(path=path)).hinted(
                                    _("give another with --config PATH")) from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigFileError(_("config file {path} cannot be read: {error}; fix its TOML").format(
                                path=path, error=error)) \
            from None
    plugins = data.get("plugins", {})
    if not isinstance(plugins, dict) or not all(isinstance(v, dict) for v in plugins.values()):
        raise ConfigFileError(_("config file {path}: 'plugins' must hold one table per "
                                "plug-in, like [plugins.haircut-days]").format(path=path))
    return plugins


def resolve_settings(plugin: str, declared: Mapping[str, Setting],
                     given: Mapping[str, Any]) -> dict[str, Any]:
    """The plug-in's settings: defaults, overridden by the given values, each checked."""
    for key in given:
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise PluginSettingError(
                _("plug-in {plugin!r} has no setting {key!r} (its settings: {known}); "
                  "remove it from {CONFIG_NAME}").format(
                  plugin=plugin, key=key, known=known, CONFIG_NAME=CONFIG_NAME), plugin, key)
    return {key: setting.accept(plugin, key, given[key]) if key in given else setting.default
            for key, setting in declared.items()}

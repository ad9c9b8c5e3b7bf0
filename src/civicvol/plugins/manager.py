"""Finding, checking and registering plug-ins: the :class:`PluginHost`.

Every plug-in, built-in or not, is found through the entry-point group ``civicvol``. A
plug-in that fails to import, is incompatible, is registered twice or has a malformed hook is
recorded with the reason and left out; the others load. ``CIVICVOL_PLUGINS`` (names separated
by commas) restricts which plug-ins load; set to the empty string, none does.
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
import pluggy

from civicvol.app.authorization import grant
from civicvol.i18n import _
from civicvol.plugins import hookspecs
from civicvol.plugins.discovery import ALLOW_ENV, allowed_plugins, installed_plugins
from civicvol.plugins.markers import PROJECT
from civicvol.plugins.settings import Setting

LOADED, FAILED, DISABLED, INCOMPATIBLE = "loaded", "failed", "disabled", "incompatible"
# One hook implementation, called with the hook's arguments by name.
HookCall = Callable[[Mapping[str, Any]], Any]


@attrs.define
class PluginRecord:
    """What civicvol knows of one plug-in, loaded or not (``civicvol plugins`` lists these)."""

    name: str
    version: str = ""
    builtin: bool = False
    status: str = LOADED
    reason: str = ""
    requires: str = ""
    hooks: list[str] = attrs.Factory(list)
    modules: tuple[str, ...] = ()
    settings: dict[str, Setting] = attrs.Factory(dict)
    permissions: dict[str, list[str]] = attrs.Factory(dict)
    plugin: object | None = attrs.field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "version": self.version,
            "kind": "built-in" if self.builtin else "external",
            "status": self.status, "reason": self.reason, "requires": self.requires,
            "hooks": list(self.hooks), "event_modules": list(self.modules),
            "settings": {k: s.default for k, s in self.settings.items()},
            "permissions": {k: list(v) for k, v in self.permissions.items()},
        }


@attrs.frozen
class HookFailure:
    """An observer hook's exception, kept (and shown) instead of breaking the command."""

    plugin: str
    hook: str
    command: str
    error: BaseException

    def __str__(self) -> str:
        return (f"plug-in {self.plugin!r} failed in {self.hook} after {self.command}: "
                f"{type(self.error).__name__}: {self.error}")


class PluginHost:
    """The plug-ins of one process: a pluggy manager plus a record per plug-in."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.failures: list[HookFailure] = []

    # --- discovery ---------------------------------------------------------------------------
    def load_entry_points(self, allow: set[str] | None = None) -> None:
        """Load the plug-ins of the entry-point group ``civicvol`` (only ``allow`` if given)."""
        for ep in installed_plugins():
            version, builtin = ep.version, ep.distribution == PROJECT
            if ep.name in self.records:
                self._record(PluginRecord(f"{ep.name} ({ep.module})", version, builtin, FAILED,
                                          f"registered twice: plug-in name {ep.name!r} is "
                                          "already taken; uninstall one of them"))
                continue
            if allow is not None and ep.name not in allow:
                self._record(PluginRecord(ep.name, version, builtin, DISABLED,
                                          _("not in {variable}").format(variable=ALLOW_ENV)))
                continue
            try:
                plugin = load_target(ep.module)
            except Exception as error:  # any import failure: report it, load the rest
                self._record(PluginRecord(ep.name, version, builtin, FAILED,
                                          f"cannot import {ep.module}: "
                                          f"{type(error).__name__}: {error}"))
                continue
            self.register(plugin, ep.name, version=version, builtin=builtin)

    def register(self, plugin: object, name: str, *, version: str | None = None,
                 builtin: bool = False) -> PluginRecord:
        """Register one plug-in object (a module, class or instance with ``@hookimpl``
        functions). Failures are recorded, never raised; the record says what happened."""
        from civicvol import __version__ as civicvol_version

        version = version or str(getattr(plugin, "__version__", "") or "")
        record = PluginRecord(name, version, builtin, plugin=plugin,
                              requires=str(getattr(plugin, "civicvol_requires", "") or ""),
                              modules=event_modules(plugin))
        if name in self.records and self.records[name].status == LOADED:
            record.name = f"{name} ({describe(plugin)})"
            return self._fail(record, f"registered twice: plug-in name {name!r} is already "
                                      "taken; uninstall or rename one of them")
        # A built-in ships in civicvol's own distribution: same version by construction (a
        # test keeps the built-ins' declarations matching), so packaging is not imported.
        if record.requires and not builtin:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet
            from packaging.version import InvalidVersion, Version

            try:
                compatible = SpecifierSet(record.requires).contains(
                    Version(civicvol_version), prereleases=True)
            except (InvalidSpecifier, InvalidVersion) as error:
                return self._fail(record, f"civicvol_requires {record.requires!r} is not a "
                                          f"version specifier: {error}")
            if not compatible:
                record.status = INCOMPATIBLE
                record.reason = _("needs civicvol {requires}, this is {version}; install a "
                                  "version of the plug-in made for it").format(
                                      requires=record.requires, version=civicvol_version)
                return self._record(record)
        try:
            self.pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as error:
            reason = str(error)
            if isinstance(error, ValueError) and "already registered" in reason:
                reason = _("registered twice: the same plug-in object is already loaded "
                           "({error})").format(error=error)
            return self._fail(record, reason)
        problem = self._check_implementations(plugin)
        if problem:
            self.pm.unregister(plugin)
            return self._fail(record, problem)
        record.hooks = sorted(hook for hook, _ in self._impls_of(plugin))
        self._record(record)
        try:
            record.settings = dict(self.call_one(record, "register_settings") or {})
            bad = [k for k, s in record.settings.items() if not isinstance(s, Setting)]
            if bad:
                raise TypeError(_("settings {bad} are not civicvol.plugins.Setting objects").format(
                                  bad=bad))
            self.call_one(record, "register_permissions", grant=self._granter(record))
        except Exception as error:  # a plug-in's bug: unload it, keep the others
            self.pm.unregister(plugin)
            return self._fail(record, f"{type(error).__name__}: {error}")
        return record

    def disable(self, name: str, reason: str) -> None:
        """Unload a plug-in that failed after loading (e.g. in ``register_commands``)."""
        record = self.records[name]
        if record.status == LOADED and record.plugin is not None:
            self.pm.unregister(record.plugin)
        self._fail(record, reason)

    # --- queries -----------------------------------------------------------------------------
    def loaded(self) -> list[PluginRecord]:
        return [r for r in self.records.values() if r.status == LOADED]

    def implementations(self, hook: str) -> Iterator[tuple[str, HookCall]]:
        """(plug-in name, call) of each implementation of a hook, in pluggy's call order."""
        caller = getattr(self.pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            yield impl.plugin_name, bound(impl)

    # --- inside ------------------------------------------------------------------------------
    def _record(self, record: PluginRecord) -> PluginRecord:
        self.records[record.name] = record
        return record

    def _fail(self, record: PluginRecord, reason: str) -> PluginRecord:
        record.status, record.reason = FAILED, reason
        return self._record(record)

    def _impls_of(self, plugin: object) -> list[tuple[str, Any]]:
        """(hook name, implementation) of each hook ``plugin`` implements."""
        return [(caller.name, impl) for caller in (self.pm.get_hookcallers(plugin) or [])
                for impl in caller.get_hookimpls() if impl.plugin is plugin]

    def _check_implementations(self, plugin: object) -> str:
        """Why the plug-in's hook implementations cannot be used ('' if they can): pluggy
        checks the arguments of known hooks; civicvol also refuses unknown hook names (a
        misspelt hook would silently never be called) and wrappers (hooks are called one by
        one, each failure attributed to its plug-in)."""
        for caller in self.pm.get_hookcallers(plugin) or []:
            for impl in caller.get_hookimpls():
                if impl.plugin is not plugin:
                    continue
                if caller.spec is None and not impl.optionalhook:
                    return (f"{caller.name!r} is not a civicvol hook (misspelt?); the hooks "
                            "are listed in docs/plugins/hooks.md")
                if impl.hookwrapper or impl.wrapper:
                    return (f"{caller.name}: hook wrappers are not supported; implement the "
                            "hook plainly")
        return ""

    def call_one(self, record: PluginRecord, hook: str, **kwargs: Any) -> Any:
        """Call one plug-in's implementation of ``hook`` (None if it has none)."""
        for name, impl in self._impls_of(record.plugin):
            if name == hook:
                return bound(impl)(kwargs)
        return None

    def _granter(self, record: PluginRecord) -> Callable[..., None]:
        def plugin_grant(command: str, *roles: str, credits: Iterable[str] = ()) -> None:
            grant(command, *roles, credits=credits)
            record.permissions.setdefault(command, []).extend(roles)
        return plugin_grant


def load_target(value: str) -> Any:
    """The object an entry point's value ``"pkg.mod:attr.sub [extra]"`` names, as
    ``EntryPoint.load`` finds it, without importing importlib.metadata."""
    module, _colon, attr = value.split("[", 1)[0].partition(":")
    target: Any = importlib.import_module(module.strip())
    for part in filter(None, attr.strip().split(".")):
        target = getattr(target, part)
    return target


def bound(impl: pluggy.HookImpl) -> HookCall:
    """Call ``impl`` with the arguments it names, picked from a hook's arguments: a plug-in
    declares only the arguments it uses."""
    def call(args: Mapping[str, Any]) -> Any:
        return impl.function(**{a: args[a] for a in impl.argnames})
    return call


def event_modules(plugin: object) -> tuple[str, ...]:
    """The modules whose events belong to ``plugin``: its ``civicvol_event_modules``, else
    the package of a module plug-in, else the module of a class or instance."""
    declared = getattr(plugin, "civicvol_event_modules", None)
    if declared:
        return tuple(declared)
    if isinstance(plugin, types.ModuleType):
        return (plugin.__package__ or plugin.__name__,)
    cls = plugin if isinstance(plugin, type) else type(plugin)
    return (cls.__module__,)


def describe(plugin: object) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    cls = plugin if isinstance(plugin, type) else type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def load_plugins(allow: Iterable[str] | None = None) -> PluginHost:
    """Find and register the installed plug-ins: those named in ``allow``, else those allowed
    by ``CIVICVOL_PLUGINS``, else all."""
    host = PluginHost()
    host.load_entry_points(set(allow) if allow is not None else allowed_plugins())
    return host

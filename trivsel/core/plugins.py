"""Loading plugins (defaults, the plugins/ folder, entry points) and calling them safely."""

import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from trivsel.core import hookspecs, resources
from trivsel.core.labels import CONSENT_ITEMS as CORE_CONSENT_ITEMS

ENTRY_POINT_GROUP = "trivsel"
# Hooks whose items' keys must be unique across plugins, and what a key names.
UNIQUE_KEYS = {
    "trivsel_branches": "branch",
    "trivsel_organisations": "organisation",
    "trivsel_referral_forms": "referral form",
    "trivsel_consent_items": "consent item",
}
log = logging.getLogger(__name__)


class PluginLoadError(RuntimeError):
    """A configured plugin could not be loaded; start-up stops and names it."""


@dataclass
class PluginFailure:
    plugin: str
    hook: str
    error: str
    at: datetime = field(default_factory=datetime.now)


class Plugins:
    """The app's plugin manager, where each plugin came from, and the failures seen."""

    def __init__(self):
        self.manager = pluggy.PluginManager("trivsel")
        self.manager.add_hookspecs(hookspecs)
        self.sources = {}
        self.failures = []

    def register(self, plugin, name, source):
        try:
            self.manager.register(plugin, name=name)
        except Exception as exc:  # a duplicate name, a hook with a bad signature
            raise PluginLoadError(
                f"Plugin {name!r} ({source}) could not be registered: {exc}"
            ) from exc
        # Hooks are called one implementation at a time (see _call_each), which would skip
        # a wrapper's code silently: refuse it at start-up instead.
        wrappers = sorted(
            caller.name
            for caller in self.manager.get_hookcallers(plugin) or []
            for impl in caller.get_hookimpls()
            if impl.plugin_name == name and (impl.wrapper or impl.hookwrapper)
        )
        if wrappers:
            self.manager.unregister(name=name)
            raise PluginLoadError(
                f"Plugin {name!r} ({source}): hook wrappers are not supported "
                f"({', '.join(wrappers)})"
            )
        self.sources[name] = source

    def unregister(self, name):
        self.manager.unregister(name=name)
        self.sources.pop(name, None)

    def check(self):
        try:
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            # exc.plugin is the plugin object; name it as it was registered.
            name = self.manager.get_name(exc.plugin)
            raise PluginLoadError(
                f"Plugin {name!r} ({self.sources.get(name, '?')}): {exc}"
            ) from exc

    def listing(self):
        """Each plugin: name, where it came from, the hooks it implements."""
        rows = []
        for name, plugin in self.manager.list_name_plugin():
            hooks = sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or [])
            rows.append({"name": name, "source": self.sources.get(name, ""), "hooks": hooks})
        return sorted(rows, key=lambda row: row["name"])

    def _call_each(self, hook_name, kwargs):
        """Call every implementation of a hook, isolating each: one that raises is logged
        and recorded, and the others still run."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                yield impl.function(**args)
            except Exception as exc:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                self.failures.append(PluginFailure(impl.plugin_name, hook_name, repr(exc)))
                del self.failures[:-50]

    def _call_each_named(self, hook_name, kwargs):
        """Like _call_each, with the name of the plugin that answered."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                yield impl.plugin_name, impl.function(**args)
            except Exception as exc:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                self.failures.append(PluginFailure(impl.plugin_name, hook_name, repr(exc)))
                del self.failures[:-50]

    def collect(self, hook_name, **kwargs):
        """The results of a list-returning hook, flattened, from every plugin that answered."""
        results = []
        for result in self._call_each(hook_name, kwargs):
            if result:
                results.extend(result)
        return results

    def collect_by_plugin(self, hook_name, **kwargs):
        """(plugin name, item) for each item of a list-returning hook."""
        return [
            (name, item)
            for name, result in self._call_each_named(hook_name, kwargs)
            for item in result or ()
        ]

    def setup(self, hook_name):
        """(plugin name, item) of a set-up hook; a plugin that raises stops start-up."""
        caller = getattr(self.manager.hook, hook_name)
        found = []
        for impl in reversed(caller.get_hookimpls()):
            try:
                result = impl.function()
            except Exception as exc:
                source = self.sources.get(impl.plugin_name, "?")
                raise PluginLoadError(
                    f"Plugin {impl.plugin_name!r} ({source}) failed in {hook_name}: {exc!r}"
                ) from exc
            found.extend((impl.plugin_name, item) for item in result or ())
        return found

    def notify(self, hook_name, **kwargs):
        """Tell every plugin about an event; a failing plugin does not stop the others."""
        for _ in self._call_each(hook_name, kwargs):
            pass

    def check_unique_keys(self):
        """Stop start-up when two plugins contribute the same key where keys must be unique
        (branches, organisations, referral forms, consent items), naming both."""
        for hook, what in UNIQUE_KEYS.items():
            owner = {}
            if hook == "trivsel_consent_items":
                owner = dict.fromkeys(CORE_CONSENT_ITEMS, "trivsel.core")
            for plugin, item in self.collect_by_plugin(hook):
                key = item if hook == "trivsel_consent_items" else item.key
                if key in owner:
                    first, second = sorted((owner[key], plugin))
                    raise PluginLoadError(
                        f"Plugins {first!r} and {second!r} both contribute the {what} "
                        f"{key!r}; keys must be unique. Disable one (TRIVSEL_DISABLED_PLUGINS)."
                    )
                owner[key] = plugin

    # Typed helpers for the hooks the core uses. Keys are unique (checked at start-up).
    def branches(self):
        return {branch.key: branch for branch in self.collect("trivsel_branches")}

    def organisations(self):
        return {org.key: org for org in self.collect("trivsel_organisations")}

    def referral_forms(self):
        """{key: (plugin name, ReferralForm)}."""
        return {
            form.key: (plugin, form)
            for plugin, form in self.collect_by_plugin("trivsel_referral_forms")
        }

    def consent_items(self):
        items = dict(CORE_CONSENT_ITEMS)
        for result in self._call_each("trivsel_consent_items", {}):
            items.update(result or {})
        return items

    def navigation_items(self):
        return self.collect("trivsel_navigation_items")

    def template_slot(self, slot, context):
        """The markup every plugin adds at `slot`, joined; anything but Markup is text and
        escaped (a lazy_gettext string too: it calls itself HTML, but may hold user data)."""
        from markupsafe import Markup, escape

        parts = []
        for result in self._call_each("trivsel_template_slot", {"slot": slot, "context": context}):
            if result:
                parts.append(result if isinstance(result, Markup) else escape(str(result)))
        return Markup("\n").join(parts)


def init_app(app, defaults):
    """Load the plugins: `defaults` (the core's own features), the local plugins folder, and
    the installed entry points. Two plugins of one name stop start-up, except a built-in
    partner: in a checkout it is both in plugins/ and an entry point of the editable install,
    and the folder's copy is the one loaded."""
    plugins = Plugins()
    disabled = set(app.config["DISABLED_PLUGINS"])
    for name, module in defaults.items():
        if name not in disabled:
            plugins.register(module, name, "default")
    folder = Path(app.config["PLUGINS_DIR"] or resources.local_plugins_folder(app.instance_path))
    for name, path in _folder_plugins(folder):
        if name not in disabled:
            plugins.register(_load_file(name, path), name, f"plugins/{path.relative_to(folder)}")
    installed = entry_points(group=ENTRY_POINT_GROUP) if app.config["ENTRY_POINT_PLUGINS"] else ()
    for entry_point in installed:
        if entry_point.name in disabled:
            continue
        if entry_point.name in plugins.sources and _is_own(entry_point):
            continue  # a built-in partner, loaded from the checkout's plugins/ folder
        try:
            module = entry_point.load()
        except Exception as exc:
            raise PluginLoadError(
                f"Plugin {entry_point.name!r} (entry point {entry_point.value}) "
                f"could not be loaded: {exc!r}"
            ) from exc
        dist = entry_point.dist.name if entry_point.dist else "?"
        plugins.register(module, entry_point.name, f"entry point in {dist}")
    plugins.check()
    app.extensions["trivsel.plugins"] = plugins


def _is_own(entry_point):
    """An entry point the trivsel distribution itself declares (its built-in partners)."""
    return entry_point.dist is not None and entry_point.dist.name == "trivsel"


def _folder_plugins(folder):
    """(name, path) of each module or package in the plugins folder."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.suffix == ".py":
            found.append((path.stem, path))
        elif (path / "__init__.py").is_file():
            found.append((path.name, path / "__init__.py"))
    return found


def _load_file(name, path):
    module_name = f"trivsel_plugins.{name}"
    # Another app in this process (tests) may have loaded a plugin of this name, maybe from
    # another folder: forget it and its submodules so this one is loaded from `path`.
    for loaded in [m for m in sys.modules if m == module_name or m.startswith(module_name + ".")]:
        del sys.modules[loaded]
    try:
        spec = importlib.util.spec_from_file_location(
            module_name,
            path,
            submodule_search_locations=[str(path.parent)] if path.name == "__init__.py" else None,
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise PluginLoadError(f"Plugin {name!r} ({path}) could not be loaded: {exc!r}") from exc
    return module


def get_plugins():
    from flask import current_app

    return current_app.extensions["trivsel.plugins"]

"""Registry of domain-expert plugins, with auto-discovery and question routing.

Discovery: on first use the registry imports every module of this package (``pkgutil``); a module
registers its plugin class with the ``@register`` decorator. Another addon registers its own plugin
the same way from its own code, without editing this package::

    from odoo.addons.l10n_cl_ai.services.plugins import Plugin, register

    @register
    class PosPlugin(Plugin):
        code = "pos"
        ...

(import the decorator through the same package path Odoo uses, ``odoo.addons.l10n_cl_ai...``: the
registry is one object per imported module.) ``@register(replace=True)`` replaces a plugin with the
same code, e.g. a better ``dte``.

Selection (``select``): an explicit plugin code wins; otherwise every plugin gets
``KEYWORD_WEIGHT * w / (w + 1) + SIMILARITY_WEIGHT * max(similarity, 0)``, where ``w`` is the weight
of its keywords found in the question and ``similarity`` the optional embedding similarity between
the question and the plugin's description; the best total wins, ties going to the fallback plugin,
then to the smallest code. When no keyword matches and no description reaches ``MIN_SIMILARITY``,
the **fallback plugin** answers: ``account`` (``FALLBACK_CODE``), the general Chilean accounting
assistant, whose knowledge covers the accounting, DTE and general corpora. It is chosen over a
separate "general" plugin because a question asked in an accounting addon that matches nothing is
still most likely an accounting question, and the ``account`` prompt already says how to answer
outside its scope.
"""

import importlib
import logging
import pkgutil
import threading
from dataclasses import dataclass

from .base import Plugin, validate_plugin_class

_logger = logging.getLogger(__name__)

FALLBACK_CODE = "account"
KEYWORD_WEIGHT = 0.6
SIMILARITY_WEIGHT = 0.4
MIN_SIMILARITY = 0.35


@dataclass(frozen=True)
class PluginScore:
    """How one plugin scored for a question."""

    code: str
    keyword_hits: tuple
    keyword_weight: int
    similarity: float | None
    total: float


@dataclass(frozen=True)
class Selection:
    """The chosen plugin, every plugin's total score, and why (``explicit``, ``keywords``,
    ``similarity`` or ``fallback``)."""

    plugin: Plugin
    scores: dict
    reason: str
    details: tuple


def _same_class(left, right):
    return (left.__module__, left.__qualname__) == (right.__module__, right.__qualname__)


def _clamp(value):
    return min(max(float(value), 0.0), 1.0)


class PluginRegistry:
    """Plugins by code. ``package`` (a dotted name) is imported module by module on first use."""

    def __init__(self, package=None, fallback_code=FALLBACK_CODE):
        self._package = package
        self._fallback_code = fallback_code
        self._plugins = {}
        self._lock = threading.RLock()
        self._discovered = package is None

    # -- registration -------------------------------------------------------------------------

    def register(self, plugin_cls=None, *, replace=False):
        """Class decorator (``@register`` or ``@register(replace=True)``) adding a plugin class."""

        def decorator(cls):
            self.add(cls, replace=replace)
            return cls

        return decorator if plugin_cls is None else decorator(plugin_cls)

    def add(self, plugin_cls, replace=False):
        """Instantiate and add ``plugin_cls``; return the instance.

        Adding the same class twice is harmless; another class with a taken code raises
        ``ValueError`` unless ``replace`` is true.
        """
        validate_plugin_class(plugin_cls)
        with self._lock:
            existing = self._plugins.get(plugin_cls.code)
            if existing is not None and not replace:
                if _same_class(type(existing), plugin_cls):
                    return existing
                raise ValueError(
                    f"plugin code {plugin_cls.code!r} is taken by {type(existing).__module__}."
                    f"{type(existing).__qualname__}; use register(replace=True) to replace it"
                )
            instance = plugin_cls()
            self._plugins[plugin_cls.code] = instance
            return instance

    def unregister(self, code):
        """Remove a plugin (an uninstalled addon's, or a test's); unknown codes are ignored."""
        with self._lock:
            self._plugins.pop(code, None)

    def discover(self):
        """Import every module of the package once, so their ``@register`` decorators run."""
        if self._discovered:
            return
        with self._lock:
            if self._discovered:
                return
            package = importlib.import_module(self._package)
            for module in pkgutil.iter_modules(package.__path__):
                if not module.name.startswith("_"):
                    importlib.import_module(f"{self._package}.{module.name}")
            self._discovered = True

    # -- lookup -------------------------------------------------------------------------------

    def get(self, code):
        """The plugin registered under ``code``; ``KeyError`` naming the known codes otherwise."""
        self.discover()
        try:
            return self._plugins[code]
        except KeyError:
            raise KeyError(f"unknown plugin {code!r}; known: {', '.join(sorted(self._plugins))}") from None

    def all(self):
        """Every registered plugin, sorted by code."""
        self.discover()
        with self._lock:
            return [self._plugins[code] for code in sorted(self._plugins)]

    def fallback(self):
        """The fallback plugin (``FALLBACK_CODE``; the first plugin if that one was removed)."""
        self.discover()
        plugin = self._plugins.get(self._fallback_code)
        if plugin is None:
            plugins = self.all()
            if not plugins:
                raise LookupError("no plugin is registered")
            plugin = plugins[0]
        return plugin

    # -- selection ----------------------------------------------------------------------------

    def score(self, question, similarity=None, allowed=None):
        """A :class:`PluginScore` per candidate plugin (``allowed`` codes, default all)."""
        allowed = None if allowed is None else set(allowed)
        plugins = [p for p in self.all() if allowed is None or p.code in allowed]
        similarities = self._similarities(question, plugins, similarity)
        details = []
        for index, plugin in enumerate(plugins):
            hits = plugin.keyword_hits(question)
            weight = plugin.keyword_weight(question)
            total = KEYWORD_WEIGHT * weight / (weight + 1)
            sim = None
            if similarities is not None:
                sim = float(similarities[index])
                total += SIMILARITY_WEIGHT * _clamp(sim)
            details.append(PluginScore(plugin.code, hits, weight, sim, total))
        return details

    def select_detailed(
        self, question, explicit=None, similarity=None, allowed=None, min_similarity=MIN_SIMILARITY
    ):
        """Choose the plugin for ``question``; see the module docstring for the rule."""
        if explicit:
            plugin = self.get(explicit)
            details = self.score(question, allowed=allowed)
            return Selection(plugin, {d.code: d.total for d in details}, "explicit", tuple(details))
        details = self.score(question, similarity=similarity, allowed=allowed)
        scores = {d.code: d.total for d in details}
        if not details:
            return Selection(self.fallback(), scores, "fallback", ())
        with_keywords = any(d.keyword_weight for d in details)
        sims = [d.similarity for d in details if d.similarity is not None]
        if not with_keywords and (not sims or max(sims) < min_similarity):
            return Selection(self._fallback_among(details), scores, "fallback", tuple(details))
        fallback_code = self._fallback_code
        best = min(details, key=lambda d: (-d.total, d.code != fallback_code, d.code))
        reason = "keywords" if with_keywords else "similarity"
        return Selection(self.get(best.code), scores, reason, tuple(details))

    def select(self, question, explicit=None, similarity=None, allowed=None, min_similarity=MIN_SIMILARITY):
        """``(plugin, scores)`` for ``question``: ``scores`` maps each candidate code to its total."""
        selection = self.select_detailed(question, explicit, similarity, allowed, min_similarity)
        return selection.plugin, selection.scores

    # -- helpers ------------------------------------------------------------------------------

    def _fallback_among(self, details):
        codes = {d.code for d in details}
        if self._fallback_code in codes:
            return self.get(self._fallback_code)
        return self.get(min(codes))

    @staticmethod
    def _similarities(question, plugins, similarity):
        if similarity is None or not plugins:
            return None
        try:
            values = list(similarity(question, [plugin.description for plugin in plugins]))
        except Exception:  # the embedder is optional here: route on keywords alone
            _logger.warning("plugin selection: similarity unavailable, using keywords only", exc_info=True)
            return None
        if len(values) != len(plugins):
            raise ValueError(f"similarity returned {len(values)} scores for {len(plugins)} descriptions")
        return values


REGISTRY = PluginRegistry(package=__package__)

register = REGISTRY.register
get = REGISTRY.get
all = REGISTRY.all  # noqa: A001 - the registry's public name, as in the design
select = REGISTRY.select
select_detailed = REGISTRY.select_detailed

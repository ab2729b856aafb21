"""Domain-expert plugins (dte, account, payroll, stock) and their registry.

``from services.plugins import registry; plugin, scores = registry.select(question)``. Plugins are
discovered on first use; see ``registry.py`` for how another addon adds one.
"""

from .base import Plugin, ToolSpec, keyword_list, normalize
from .registry import REGISTRY, Selection, register

__all__ = ["REGISTRY", "Plugin", "Selection", "ToolSpec", "keyword_list", "normalize", "register"]

"""The domain-expert plugin: what the chat bot and the invoice review need to know about one domain.

A plugin is a plain class with class attributes (no state, no odoo): the registry instantiates it once.
Subclass :class:`Plugin`, fill the attributes, decorate the class with
``services.plugins.registry.register`` and import the module: see ``registry.py``.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# The knowledge corpora (``l10n_cl_ai.knowledge.document.corpus``): "general" is a corpus, not a plugin.
CORPORA = ("dte", "account", "payroll", "stock", "general")

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD = "a-z0-9"


def keyword_list(text):
    """Keywords written as one comma-separated text (``"factura, nota de crédito, anul*"``)."""
    return tuple(item.strip() for item in text.replace("\n", ",").split(",") if item.strip())


def normalize(text):
    """Lowercase, accent-free text (``"Crédito Ñandú"`` -> ``"credito nandu"``) for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


@dataclass(frozen=True)
class Keyword:
    """One keyword of a plugin, compiled once.

    ``text`` is written naturally (accents allowed); a trailing ``*`` matches any word starting with
    it (``"anul*"`` matches "anulo", "anulación"). A phrase of several words weighs 2, a word 1.
    """

    text: str
    pattern: re.Pattern = field(compare=False)
    weight: int = 1

    @classmethod
    def compile(cls, text):
        prefix = text.endswith("*")
        words = normalize(text.rstrip("*"))
        if not words:
            raise ValueError(f"empty keyword {text!r}")
        tail = f"[{_WORD}]*" if prefix else f"(?![{_WORD}])"
        pattern = re.compile(f"(?<![{_WORD}]){re.escape(words)}{tail}")
        return cls(text=text, pattern=pattern, weight=2 if " " in words else 1)


@dataclass(frozen=True)
class ToolSpec:
    """A read-only tool the chat bot may offer Claude, described abstractly.

    ``model`` names the Odoo model the tool reads, so the caller offers it only when that model is
    installed and the asking user may read it; the Odoo layer implements the tool under ``name``.
    """

    name: str
    description: str
    input_schema: dict
    model: str

    def to_anthropic(self):
        """The tool definition in the Messages API format."""
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}


class Plugin:
    """Base class of the domain experts.

    Attributes a subclass sets:

    - ``code``: unique id, lowercase (``dte``); also what the usage ledger records.
    - ``name``: human label (Spanish).
    - ``description``: one Spanish paragraph on what the plugin answers; compared with the question
      by embedding similarity, so write it with the words users use.
    - ``keywords``: Spanish terms (a tuple, or ``keyword_list("a, b, c*")``); matched accent- and
      case-insensitively on word boundaries (see :class:`Keyword`).
    - ``system_prompt``: the Spanish system prompt (stable, hence prompt-cached).
    - ``knowledge_corpora``: which corpora the invoice review's knowledge search covers (``CORPORA``, or
      a code another addon added to the knowledge model's selection); the chat bot searches them all.
    - ``tool_specs``: the read-only tools the bot may offer (``ToolSpec``).
    """

    code = ""
    name = ""
    description = ""
    keywords = ()
    system_prompt = ""
    knowledge_corpora = ()
    tool_specs = ()

    def __init__(self):
        self._keywords = tuple(Keyword.compile(text) for text in self.keywords)

    def __repr__(self):
        return f"<{type(self).__name__} {self.code!r}>"

    def tools(self, available_models=None):
        """Tool definitions (Messages API format), only those whose model is in ``available_models``.

        ``available_models`` (iterable of Odoo model names) is what the caller can serve for the
        asking user; ``None`` returns every tool.
        """
        allowed = None if available_models is None else set(available_models)
        return [spec.to_anthropic() for spec in self.tool_specs if allowed is None or spec.model in allowed]

    def keyword_hits(self, question):
        """The keywords found in ``question`` (each counted once), as a tuple of their texts."""
        text = normalize(question)
        return tuple(keyword.text for keyword in self._keywords if keyword.pattern.search(text))

    def keyword_weight(self, question):
        """Sum of the weights of the keywords found in ``question``."""
        text = normalize(question)
        return sum(keyword.weight for keyword in self._keywords if keyword.pattern.search(text))


def validate_plugin_class(plugin_cls):
    """Raise ``TypeError`` unless ``plugin_cls`` declares what a plugin must declare."""
    if not isinstance(plugin_cls, type):
        raise TypeError(f"a plugin must be a class, got {plugin_cls!r}")
    code = getattr(plugin_cls, "code", "")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise TypeError(f"{plugin_cls.__name__}.code must match {_CODE_RE.pattern}, got {code!r}")
    for attribute in ("name", "description", "system_prompt"):
        value = getattr(plugin_cls, attribute, "")
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"plugin {code!r}: {attribute} must be a non-empty string")
    corpus = getattr(plugin_cls, "knowledge_corpora", ())
    if isinstance(corpus, str) or not all(isinstance(item, str) and item for item in corpus):
        raise TypeError(f"plugin {code!r}: knowledge_corpora must be a tuple of corpus codes")
    for method in ("tools", "keyword_weight", "keyword_hits"):
        if not callable(getattr(plugin_cls, method, None)):
            raise TypeError(f"plugin {code!r} lacks {method}(): subclass services.plugins.base.Plugin")

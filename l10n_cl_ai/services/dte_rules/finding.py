"""What a rule reports, and the collector the rule modules write into."""

import dataclasses

ERROR = "error"
WARNING = "warning"
INFO = "info"

# One info finding replaces every check skipped for lack of EE-only data (see ``Collector.skip``).
SKIPPED_CODE = "VERIFICACION_OMITIDA"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem found on a document.

    ``code``: the catalogue code (``RUT_RECEPTOR``...), the API shared by tests and translations.
    ``severity``: ``error`` (blocks: reject), ``warning`` (review), ``info``.
    ``field``: the snapshot path concerned (``partner.rut``, ``lines``...), ``""`` when the whole
    document is concerned.
    ``params``: JSON-safe values for the message (``%(name)s`` placeholders). ``params["reason"]``, when
    present, says which variant of the code's message applies (message key ``CODE.reason``).
    """

    code: str
    severity: str
    field: str = ""
    params: dict = dataclasses.field(default_factory=dict)

    @property
    def message_key(self):
        reason = self.params.get("reason")
        return f"{self.code}.{reason}" if reason else self.code

    def as_dict(self):
        return dataclasses.asdict(self)


class Collector:
    """Accumulates the findings of the rule modules, and the codes skipped for lack of EE-only data."""

    __slots__ = ("findings", "skipped")

    def __init__(self):
        self.findings = []
        self.skipped = []

    def add(self, code, severity, field="", **params):
        self.findings.append(Finding(code, severity, field, params))

    def skip(self, code):
        """The check ``code`` (or part of it) needs data no installed module provides."""
        if code not in self.skipped:
            self.skipped.append(code)

    def result(self):
        if not self.skipped:
            return self.findings
        return [*self.findings, Finding(SKIPPED_CODE, INFO, "", {"checks": list(self.skipped)})]

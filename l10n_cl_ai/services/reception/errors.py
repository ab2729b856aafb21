"""Why a received file (or one DTE inside it) was refused: a small exception hierarchy with stable codes.

Every exception carries ``code`` (the message key the Odoo layer translates through
``messages.MESSAGES``) and ``params`` (JSON-safe values for the message's ``%(name)s`` placeholders).
Nothing here is retryable: the same bytes are refused the same way every time.

    ReceptionError                  base class; never raised itself
    ├── FileTooLarge                REC_FILE_TOO_LARGE   more than MAX_BYTES
    ├── ForbiddenXml                REC_XML_FORBIDDEN    a DOCTYPE or ENTITY (XXE, billion laughs)
    ├── MalformedXml                REC_XML_MALFORMED    not well-formed XML, or an undeclared encoding
    ├── NotADte                     REC_NOT_DTE          well-formed, but the root is not EnvioDTE/DTE
    └── InvalidDte                  REC_DTE_INVALID      one DTE lacks a required field or has a bad value

``InvalidDte`` is raised by the extraction of ONE document; in an envelope the parser catches it and
reports it as a :class:`DteError` (with the DTE's type and folio) next to the good documents.
"""

import dataclasses


class ReceptionError(Exception):
    """Base class: a received file that cannot be turned into documents."""

    code = "REC_ERROR"

    def __init__(self, message="", **params):
        super().__init__(message or self.code)
        self.params = params

    @property
    def message_key(self):
        reason = self.params.get("reason")
        return f"{self.code}.{reason}" if reason else self.code


class FileTooLarge(ReceptionError):
    """The file is larger than the limit (``params``: ``size``, ``limit`` in bytes). Nothing was parsed."""

    code = "REC_FILE_TOO_LARGE"


class ForbiddenXml(ReceptionError):
    """The file declares a DOCTYPE or an ENTITY. A DTE never does; refusing them closes XXE (file and
    network reads) and entity expansion bombs. ``params["construct"]`` is ``DOCTYPE`` or ``ENTITY``."""

    code = "REC_XML_FORBIDDEN"


class MalformedXml(ReceptionError):
    """The bytes are not well-formed XML in their declared encoding (``params["detail"]``: the parser's
    first error, with line and column)."""

    code = "REC_XML_MALFORMED"


class NotADte(ReceptionError):
    """Well-formed XML whose root is not an SII ``EnvioDTE`` or ``DTE`` (``params["root"]``: what it is),
    or an envelope without any DTE (``params["reason"] == "empty"``)."""

    code = "REC_NOT_DTE"


class InvalidDte(ReceptionError):
    """One DTE lacks a required field or carries a value of the wrong kind.

    ``params``: ``reason`` (``missing`` | ``bad_value`` | ``no_document``), ``tag`` (the SII tag),
    ``value`` (for ``bad_value``), ``doc_type`` and ``folio`` as far as they could be read (``""``
    otherwise).
    """

    code = "REC_DTE_INVALID"


@dataclasses.dataclass(frozen=True)
class DteError:
    """A DTE of an envelope that could not be read, reported next to the good ones.

    ``index``: 1-based position in the envelope; ``doc_type``/``folio``: as written in the XML (``""`` when
    absent), so the user can find the broken document; ``code``/``params``: as in :class:`InvalidDte`.
    """

    index: int
    doc_type: str
    folio: str
    code: str
    params: dict

    @property
    def message_key(self):
        reason = self.params.get("reason")
        return f"{self.code}.{reason}" if reason else self.code

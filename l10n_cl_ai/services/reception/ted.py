"""The electronic seal (TED) of a received DTE: does it match the document, and is it genuine?

A TED holds ``DD`` (the document's key data plus the CAF the SII gave the issuer) and ``FRMT``, the
issuer's RSA signature of ``DD`` made with the CAF's private key. The CAF carries the matching public key
(``RSAPK``: modulus ``M`` and exponent ``E``, base64) and is itself signed by the SII (``FRMA`` over
``DA``). So a buyer can tell, without any network call, that the amount, receiver, folio... are the ones
the issuer stamped: an amount changed after stamping no longer verifies.

**What is signed.** ``FRMT`` is SHA1withRSA (RSASSA-PKCS1-v1_5 with SHA-1) over the ``DD`` element
*flattened*: serialized alone, without an XML declaration and without any namespace declaration (the
issuer builds the TED as a standalone document before inserting it into the namespaced DTE), with the
whitespace between tags removed, encoded in ISO-8859-1. :func:`flatten` implements it like C14N does
for the rest (attributes in double quotes, ``<X></X>`` for empty elements, ``&amp; &lt; &gt;``
escaped in text). This follows:

* LibreDTE ``lib/XML.php::getFlattened`` (github.com/LibreDTE/libredte-lib-core): ``C14N()`` of the DD
  node, converted to ISO-8859-1, then ``>\\n\\s+<`` collapsed to ``><``; its ``fixEntities`` also writes
  ``'``/``"`` in text as ``&apos;``/``&quot;`` ("the SII requires them converted"), hence the second
  candidate of :func:`signed_variants`.
* LibreDTE ``lib/Sii/Dte.php::timbrar``: ``openssl_sign($TED->getFlattened('/TED/DD'), ...,
  OPENSSL_ALGO_SHA1)``; ``IT1`` = the first ``NmbItem`` cut to 40 characters and trimmed; and
  LibreDTE's TED check (``openssl_verify`` of the same flattening with the key built from
  ``RSAPK/M`` and ``RSAPK/E``).
* A Python implementation ("Creation and management of SII Digital Stamp Utilities",
  ``_build_digital_stamp_digest``): DD dumped in ISO-8859-1 without declaration, ``(?<=>)[\\n\\r]*(?=<)``
  removed, SHA-1, PKCS#1 v1.5.

The CAF's own signature ``FRMA`` (the SII's, over ``DA`` flattened the same way) is checked only when
the SII's public key for the CAF's ``IDK`` is given; otherwise it is reported as not checked.
"""

import base64
import binascii
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_pem_x509_certificate

from ..rut import sii_rut

IT1_MAX = 40  # the first item's name as stamped: NmbItem cut to 40 characters (LibreDTE timbrar)

VALID = "valid"
INVALID = "invalid"
NOT_CHECKED = "not_checked"


# Flattening -------------------------------------------------------------------------------------------


def _escape_text(text, quotes):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")
    if quotes:
        text = text.replace('"', "&quot;").replace("'", "&apos;")
    return text


def _escape_attr(value):
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#x9;")
        .replace("\n", "&#xA;")
        .replace("\r", "&#xD;")
    )


def _local(name):
    return name.rsplit("}", 1)[-1]


def _write(element, out, quotes):
    tag = _local(element.tag)
    out.append("<" + tag)
    for name, value in sorted((_local(k), v) for k, v in element.attrib.items()):
        out.append(f' {name}="{_escape_attr(value)}"')
    out.append(">")
    children = [child for child in element if isinstance(child.tag, str)]
    if children:
        if element.text and element.text.strip():
            out.append(_escape_text(element.text, quotes))
        for child in children:
            _write(child, out, quotes)
            if child.tail and child.tail.strip():
                out.append(_escape_text(child.tail, quotes))
    elif element.text:
        out.append(_escape_text(element.text, quotes))
    out.append(f"</{tag}>")


def flatten(element, quotes=False):
    """``element`` as the SII signs it: alone, no namespace, no whitespace between tags, ISO-8859-1.

    ``quotes=True`` also writes ``"``/``'`` in text as ``&quot;``/``&apos;`` (LibreDTE's variant).
    Characters outside ISO-8859-1 become character references.
    """
    out = []
    _write(element, out, quotes)
    return "".join(out).encode("iso-8859-1", "xmlcharrefreplace")


def signed_variants(element):
    """The flattenings an issuer may have signed: plain C14N text, and LibreDTE's quote entities when
    the element's text holds a quote (otherwise both are the same bytes)."""
    plain = flatten(element)
    if b'"' in plain or b"'" in plain:
        return (plain, flatten(element, quotes=True))
    return (plain,)


# Keys and signatures ----------------------------------------------------------------------------------


def _b64(value):
    return base64.b64decode("".join((value or "").split()), validate=True)


@lru_cache(maxsize=256)  # an issuer stamps many documents with the same CAF
def caf_public_key(modulus_b64, exponent_b64):
    """The RSA public key of a CAF (``RSAPK/M``, ``RSAPK/E`` in base64, big-endian). Raises
    ``ValueError`` when they are not base64 or not an RSA key."""
    try:
        modulus = int.from_bytes(_b64(modulus_b64), "big")
        exponent = int.from_bytes(_b64(exponent_b64), "big")
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except (binascii.Error, UnsupportedAlgorithm) as exc:
        raise ValueError(str(exc)) from exc


def load_public_key(value):
    """An SII public key from a PEM public key or PEM certificate (bytes or str), or a key object."""
    if isinstance(value, rsa.RSAPublicKey):
        return value
    return _load_pem(value.encode() if isinstance(value, str) else bytes(value))


@lru_cache(maxsize=16)  # the SII has a handful of keys; every document names one
def _load_pem(data):
    if b"CERTIFICATE" in data:
        return load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


def verify_sha1_rsa(public_key, signature_b64, candidates):
    """True when the base64 signature verifies (RSASSA-PKCS1-v1_5, SHA-1) over one of ``candidates``."""
    try:
        signature = _b64(signature_b64)
    except binascii.Error:
        return False
    for data in candidates:
        try:
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - the SII's algorithm
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


# Verification -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TedProblem:
    """One reason the seal fails (``reason`` is the message variant of ``REC_TED``)."""

    reason: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TedResult:
    """The seal check of one document.

    ``problems``: every failure found (empty when the seal is good); ``caf_signature``: ``valid``,
    ``invalid`` or ``not_checked`` (no SII key given for the CAF's IDK, or no CAF); ``key_id``: the CAF's
    IDK (which SII key signed it).
    """

    problems: tuple[TedProblem, ...]
    caf_signature: str = NOT_CHECKED
    key_id: str = ""

    @property
    def ok(self):
        return not self.problems


def _int_or_none(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _same_rut(a, b):
    return (sii_rut(a) or (a or "").strip().upper()) == (sii_rut(b) or (b or "").strip().upper())


def _stamped_item(doc):
    name = doc.lines[0].name if doc.lines else ""
    return name[:IT1_MAX].strip()


def _dd_mismatches(doc, ted):
    """(field, stamped, document) for each DD value that differs from the document."""
    checks = (
        ("RE", ted.issuer_rut, doc.issuer_rut, _same_rut(ted.issuer_rut, doc.issuer_rut)),
        ("TD", ted.doc_type, doc.doc_type, ted.doc_type.strip() == doc.doc_type),
        ("F", ted.folio, str(doc.folio), _int_or_none(ted.folio) == doc.folio),
        (
            "FE",
            ted.issue_date,
            doc.issue_date.isoformat(),
            ted.issue_date.strip() == doc.issue_date.isoformat(),
        ),
        ("RR", ted.receiver_rut, doc.receiver_rut, _same_rut(ted.receiver_rut, doc.receiver_rut)),
        ("MNT", ted.amount, str(doc.totals.total), _int_or_none(ted.amount) == doc.totals.total),
        ("IT1", ted.first_item, _stamped_item(doc), ted.first_item.strip() == _stamped_item(doc)),
    )
    return [(name, stamped, actual) for name, stamped, actual, same in checks if not same]


def _caf_checks(doc, ted, problems):
    caf = ted.caf
    if not _same_rut(caf.issuer_rut, doc.issuer_rut):
        problems.append(
            TedProblem("caf_mismatch", {"tag": "RE", "caf": caf.issuer_rut, "document": doc.issuer_rut})
        )
    if caf.doc_type.strip() != doc.doc_type:
        problems.append(
            TedProblem("caf_mismatch", {"tag": "TD", "caf": caf.doc_type, "document": doc.doc_type})
        )
    low, high = _int_or_none(caf.folio_from), _int_or_none(caf.folio_to)
    if low is None or high is None or not low <= doc.folio <= high:
        problems.append(
            TedProblem("folio_range", {"folio": doc.folio, "from": caf.folio_from, "to": caf.folio_to})
        )


def _caf_signature(caf, sii_keys):
    """``valid``/``invalid``/``not_checked`` for the SII's signature of the CAF."""
    key = (sii_keys or {}).get(caf.key_id.strip())
    if key is None:
        return NOT_CHECKED
    ok = verify_sha1_rsa(load_public_key(key), caf.signature, (caf.signed_da,))
    return VALID if ok else INVALID


def verify(doc, sii_keys=None):
    """Check the seal of ``doc`` (a :class:`~.document.ReceivedDte`) and return a :class:`TedResult`.

    ``sii_keys``: ``{IDK: SII public key}`` (PEM key or certificate, or a key object) to also verify the
    CAF's signature; IDKs as strings (``"100"`` is the certification environment's, ``"300"``
    production's, as written in the CAF). Nothing is fetched: without a key the CAF signature is
    ``not_checked``.
    """
    ted = doc.ted
    if ted is None:
        return TedResult((TedProblem("missing"),))
    problems = [
        TedProblem("mismatch", {"tag": name, "stamped": stamped, "document": actual})
        for name, stamped, actual in _dd_mismatches(doc, ted)
    ]
    if ted.caf is None:
        problems.append(TedProblem("no_caf"))
        return TedResult(tuple(problems))
    caf = ted.caf
    _caf_checks(doc, ted, problems)
    try:
        key = caf_public_key(caf.modulus, caf.exponent)
    except ValueError:
        problems.append(TedProblem("key_invalid", {"key_id": caf.key_id}))
    else:
        if not verify_sha1_rsa(key, ted.signature, ted.signed_dd):
            problems.append(TedProblem("signature", {"folio": doc.folio}))
    caf_signature = _caf_signature(caf, sii_keys)
    if caf_signature == INVALID:
        problems.append(TedProblem("caf_signature", {"key_id": caf.key_id}))
    return TedResult(tuple(problems), caf_signature, caf.key_id)


__all__ = [
    "INVALID",
    "NOT_CHECKED",
    "VALID",
    "TedProblem",
    "TedResult",
    "caf_public_key",
    "flatten",
    "load_public_key",
    "signed_variants",
    "verify",
    "verify_sha1_rsa",
]

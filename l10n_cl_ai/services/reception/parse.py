"""Hardened parsing of a received SII file (``EnvioDTE`` or a bare ``DTE``) into plain documents.

    reception = parse(data)        # bytes -> document.Reception (good documents + per-DTE errors)

Defences, in order (each refusal is a named exception of :mod:`.errors`, nothing partial is returned):

1. more than :data:`MAX_BYTES` -> ``FileTooLarge`` before anything is read;
2. ``<!DOCTYPE`` or ``<!ENTITY`` anywhere in the raw bytes -> ``ForbiddenXml``: a DTE never has one, so
   XXE (``file:///etc/passwd``, network) and entity bombs are refused before a parser sees them;
3. lxml with ``resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
   huge_tree=False`` (no entity is ever expanded, nothing is fetched, libxml2's size limits stay on), and
   a DOCTYPE that slipped past step 2 (an encoding the byte check cannot read) is still refused from the
   parsed tree; not well-formed -> ``MalformedXml``;
4. a root other than ``EnvioDTE``/``DTE`` in the SII namespace (or in no namespace) -> ``NotADte``.

Files are ISO-8859-1 as the SII writes them: the declared encoding is honoured by lxml; a file with no
declaration that is not valid UTF-8 is read as ISO-8859-1 (what such files are in practice).

In an envelope, a DTE that cannot be read (a required tag missing, a number that is not one) becomes a
:class:`~.errors.DteError` naming its type and folio, and the other DTEs are returned.
"""

import codecs
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from . import ted as ted_module
from .document import (
    Caf,
    GlobalDiscount,
    Line,
    OtherCurrency,
    ReceivedDte,
    Reception,
    Reference,
    TaxLine,
    Ted,
    Totals,
)
from .errors import DteError, FileTooLarge, ForbiddenXml, InvalidDte, MalformedXml, NotADte

MAX_BYTES = 10 * 1024 * 1024
SII_NS = "http://www.sii.cl/SiiDte"
ROOTS = ("EnvioDTE", "DTE")
DOCUMENT_TAGS = ("Documento", "Exportaciones", "Liquidacion")  # DTE's choice (DTE_v10.xsd)

# ImptoReten codes that are retentions (subtracted from MntTotal), from the SII's table of additional
# taxes and retentions (FMT v2.2 annex): 15 IVA retenido total, 30-34/36-39/41/46-48 partial VAT
# retentions by product, 53 suplementeros, 60 factura de inicio. Other codes are added (ILA 24-27/271,
# specific taxes 28/35/51/52, anticipated VAT 17-19, art. 37 23/44/45...). Unconfirmed list: secondary
# copies of the annex; see the report.
RETENTION_CODES = frozenset({15, 30, 31, 32, 33, 34, 36, 37, 38, 39, 41, 46, 47, 48, 53, 60})

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_DETAIL_MAX = 200


def xml_parser(encoding=None):
    """The only parser used on received bytes (see the module docstring)."""
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data):
    """Every DTE in ``data`` (the bytes of a received XML file), as a :class:`~.document.Reception`.

    Raises :class:`~.errors.FileTooLarge`, :class:`~.errors.ForbiddenXml`,
    :class:`~.errors.MalformedXml` or :class:`~.errors.NotADte` for a file that is refused as a whole.
    """
    root = parse_xml(data)
    namespace = etree.QName(root).namespace
    prefix = f"{{{namespace}}}" if namespace else ""
    encoding = root.getroottree().docinfo.encoding or ""
    if etree.QName(root).localname == "DTE":
        dtes, issuer, receiver = [root], "", ""
    else:
        set_dte = root.find(prefix + "SetDTE")
        dtes = set_dte.findall(prefix + "DTE") if set_dte is not None else []
        caratula = set_dte.find(prefix + "Caratula") if set_dte is not None else None
        issuer = _text(caratula, prefix + "RutEmisor")
        receiver = _text(caratula, prefix + "RutReceptor")
        if not dtes:
            raise NotADte("the envelope holds no DTE", root="EnvioDTE", reason="empty")
    documents, errors = [], []
    for index, element in enumerate(dtes, start=1):
        try:
            documents.append(extract(element, prefix, index))
        except InvalidDte as exc:
            errors.append(
                DteError(
                    index,
                    exc.params.get("doc_type", ""),
                    exc.params.get("folio", ""),
                    exc.code,
                    dict(exc.params),
                )
            )
    return Reception(tuple(documents), tuple(errors), etree.QName(root).localname, encoding, issuer, receiver)


def parse_xml(data):
    """The root element of ``data`` once steps 1-4 of the module docstring passed."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("received XML must be bytes")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise FileTooLarge("file too large", size=len(data), limit=MAX_BYTES)
    match = _FORBIDDEN.search(data)
    if match:
        raise ForbiddenXml("DTD or entity declaration", construct=match.group(1).decode().upper())
    try:
        root = etree.fromstring(data, xml_parser(_fallback_encoding(data)))  # noqa: S320 - hardened parser
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise MalformedXml("not well-formed XML", detail=str(exc)[:_DETAIL_MAX]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ForbiddenXml("DTD declaration", construct="DOCTYPE")
    name = etree.QName(root)
    if name.localname not in ROOTS or name.namespace not in (SII_NS, None):
        raise NotADte("not an SII DTE", root=name.localname, namespace=name.namespace or "")
    return root


def _fallback_encoding(data):
    """ISO-8859-1 for a file with no BOM and no declared encoding that is not valid UTF-8, else None
    (lxml then follows the declaration, or UTF-8 as XML requires)."""
    if data.startswith(_BOMS) or _DECLARATION.match(data):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "iso-8859-1"
    return None


# Extraction of one DTE --------------------------------------------------------------------------------


def _text(element, path):
    if element is None:
        return ""
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return found.text.strip()


class _Reader:
    """Reads the typed values of one DTE and raises InvalidDte naming the DTE's type and folio."""

    def __init__(self, prefix, doc_type, folio):
        self.p = prefix
        self.ident = {"doc_type": doc_type, "folio": folio}

    def path(self, *tags):
        return "/".join(self.p + tag for tag in tags)

    def fail(self, reason, tag, value=None):
        params = {"reason": reason, "tag": tag, **self.ident}
        if value is not None:
            params["value"] = value[:40]
        raise InvalidDte(f"{reason} {tag}", **params)

    def text(self, element, *tags, required=False):
        value = _text(element, self.path(*tags))
        if required and not value:
            self.fail("missing", tags[-1])
        return value

    def integer(self, element, *tags, required=False):
        value = self.text(element, *tags, required=required)
        if not value:
            return None
        if not value.isdigit():
            self.fail("bad_value", tags[-1], value)
        return int(value)

    def decimal(self, element, *tags, required=False):
        value = self.text(element, *tags, required=required)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail("bad_value", tags[-1], value)
        return number

    def day(self, element, *tags, required=False):
        value = self.text(element, *tags, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail("bad_value", tags[-1], value)


def extract(dte, prefix, index=1):
    """One ``DTE`` element as a :class:`~.document.ReceivedDte` (raises :class:`~.errors.InvalidDte`)."""
    document = next((child for child in dte if etree.QName(child).localname in DOCUMENT_TAGS), None)
    header = document.find(prefix + "Encabezado") if document is not None else None
    id_doc = header.find(prefix + "IdDoc") if header is not None else None
    reader = _Reader(prefix, _text(id_doc, prefix + "TipoDTE"), _text(id_doc, prefix + "Folio"))
    if header is None:
        reader.fail("no_document", "Encabezado")
    issuer = header.find(prefix + "Emisor")
    receiver = header.find(prefix + "Receptor")
    totals = header.find(prefix + "Totales")
    r = reader
    if totals is None:
        r.fail("missing", "Totales")
    issuer_name = r.text(issuer, "RznSoc") or r.text(issuer, "RznSocEmisor")
    return ReceivedDte(
        doc_type=r.text(header, "IdDoc", "TipoDTE", required=True),
        folio=r.integer(header, "IdDoc", "Folio", required=True),
        issue_date=r.day(header, "IdDoc", "FchEmis", required=True),
        due_date=r.day(header, "IdDoc", "FchVenc"),
        payment_form=r.integer(header, "IdDoc", "FmaPago"),
        issuer_rut=r.text(header, "Emisor", "RUTEmisor", required=True),
        issuer_name=issuer_name,
        issuer_giro=r.text(issuer, "GiroEmis") or r.text(issuer, "GiroEmisor"),
        issuer_street=r.text(issuer, "DirOrigen"),
        issuer_comuna=r.text(issuer, "CmnaOrigen"),
        issuer_city=r.text(issuer, "CiudadOrigen"),
        receiver_rut=r.text(header, "Receptor", "RUTRecep", required=True),
        receiver_name=r.text(receiver, "RznSocRecep"),
        totals=_totals(r, totals),
        lines=tuple(
            _line(r, n, element) for n, element in enumerate(document.findall(prefix + "Detalle"), 1)
        ),
        global_discounts=tuple(
            _global_discount(r, n, element)
            for n, element in enumerate(document.findall(prefix + "DscRcgGlobal"), 1)
        ),
        references=tuple(
            _reference(r, n, element) for n, element in enumerate(document.findall(prefix + "Referencia"), 1)
        ),
        other_currency=_other_currency(r, header.find(prefix + "OtraMoneda")),
        ted=_ted(r, document.find(prefix + "TED")),
        document_id=document.get("ID", ""),
        index=index,
        raw=etree.tostring(dte, encoding="ISO-8859-1"),
    )


def _totals(r, totals):
    taxes = []
    for element in totals.findall(r.p + "ImptoReten"):
        code = r.integer(element, "TipoImp", required=True)
        taxes.append(
            TaxLine(
                code=code,
                rate=r.decimal(element, "TasaImp"),
                amount=r.decimal(element, "MontoImp", required=True),
                retained=code in RETENTION_CODES,
            )
        )
    return Totals(
        total=r.decimal(totals, "MntTotal", required=True),
        net=r.decimal(totals, "MntNeto"),
        exempt=r.decimal(totals, "MntExe"),
        vat_rate=r.decimal(totals, "TasaIVA"),
        vat=r.decimal(totals, "IVA"),
        other_taxes=tuple(taxes),
        vat_not_retained=r.decimal(totals, "IVANoRet"),
        currency=r.text(totals, "TpoMoneda"),
    )


def _line(r, n, element):
    return Line(
        number=r.integer(element, "NroLinDet") or n,
        name=r.text(element, "NmbItem", required=True),
        description=r.text(element, "DscItem"),
        quantity=r.decimal(element, "QtyItem"),
        unit_price=r.decimal(element, "PrcItem"),
        discount_pct=r.decimal(element, "DescuentoPct"),
        discount_amount=r.decimal(element, "DescuentoMonto") or Decimal(0),
        surcharge_pct=r.decimal(element, "RecargoPct"),
        surcharge_amount=r.decimal(element, "RecargoMonto") or Decimal(0),
        amount=r.decimal(element, "MontoItem", required=True),
        ind_exe=r.integer(element, "IndExe"),
        uom=r.text(element, "UnmdItem"),
    )


def _global_discount(r, n, element):
    kind = r.text(element, "TpoMov", required=True)
    if kind not in ("D", "R"):
        r.fail("bad_value", "TpoMov", kind)
    value_type = r.text(element, "TpoValor", required=True)
    if value_type not in ("%", "$"):
        r.fail("bad_value", "TpoValor", value_type)
    return GlobalDiscount(
        number=r.integer(element, "NroLinDR") or n,
        kind=kind,
        value_type=value_type,
        value=r.decimal(element, "ValorDR", required=True),
        ind_exe=r.integer(element, "IndExeDR"),
        description=r.text(element, "GlosaDR"),
    )


def _reference(r, n, element):
    return Reference(
        number=r.integer(element, "NroLinRef") or n,
        doc_type=r.text(element, "TpoDocRef", required=True),
        folio=r.text(element, "FolioRef"),
        date=r.day(element, "FchRef"),
        reason=r.text(element, "RazonRef"),
        code=r.integer(element, "CodRef"),
        global_ref=r.text(element, "IndGlobal") == "1",
    )


def _other_currency(r, element):
    if element is None:
        return None
    return OtherCurrency(
        currency=r.text(element, "TpoMoneda"),
        exchange_rate=r.decimal(element, "TpoCambio"),
        total=r.decimal(element, "MntTotOtrMnda"),
    )


def _caf(r, element):
    if element is None:
        return None
    da = element.find(r.p + "DA")
    return Caf(
        issuer_rut=r.text(da, "RE"),
        issuer_name=r.text(da, "RS"),
        doc_type=r.text(da, "TD"),
        folio_from=r.text(da, "RNG", "D"),
        folio_to=r.text(da, "RNG", "H"),
        authorised_on=r.text(da, "FA"),
        modulus=r.text(da, "RSAPK", "M"),
        exponent=r.text(da, "RSAPK", "E"),
        key_id=r.text(da, "IDK"),
        signature=r.text(element, "FRMA"),
        signed_da=ted_module.flatten(da) if da is not None else b"",
    )


def _ted(r, element):
    if element is None:
        return None
    dd = element.find(r.p + "DD")
    frmt = element.find(r.p + "FRMT")
    return Ted(
        issuer_rut=r.text(dd, "RE"),
        doc_type=r.text(dd, "TD"),
        folio=r.text(dd, "F"),
        issue_date=r.text(dd, "FE"),
        receiver_rut=r.text(dd, "RR"),
        receiver_name=r.text(dd, "RSR"),
        amount=r.text(dd, "MNT"),
        first_item=_text(dd, r.p + "IT1") if dd is not None else "",
        caf=_caf(r, dd.find(r.p + "CAF")) if dd is not None else None,
        stamped_at=r.text(dd, "TSTED"),
        signature=r.text(element, "FRMT"),
        signature_algorithm=frmt.get("algoritmo", "") if frmt is not None else "",
        signed_dd=ted_module.signed_variants(dd) if dd is not None else (),
    )

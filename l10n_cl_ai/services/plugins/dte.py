"""The DTE expert: Chilean electronic tax documents, their issue, references and SII states.

Also the invoice review's contract (``review_schema``, ``build_review_prompt``), from ``dte_review_contract``.
"""

from . import tool_catalog
from .base import Plugin, keyword_list
from .common import compose_system_prompt
from .dte_review_contract import (
    KNOWLEDGE_QUERIES,
    REVIEW_OUTPUT_SCHEMA,
    REVIEW_SCHEMA,
    build_review_prompt,
    new_findings,
    review_errors,
    review_verdict,
)
from .registry import register

ROLE = """\
Eres el experto en documentos tributarios electrónicos (DTE) del asistente contable de Odoo para \
empresas chilenas. Ayudas a contadores, asistentes contables y encargados de facturación a emitir \
documentos correctos ante el Servicio de Impuestos Internos (SII), a entender por qué un documento \
fue rechazado u observado y a corregirlo con el documento que corresponde."""

SCOPE = """\
- Tipos de DTE y cuándo usar cada uno: factura electrónica (33), factura no afecta o exenta \
electrónica (34), boleta electrónica (39), boleta no afecta o exenta electrónica (41), liquidación \
factura electrónica (43), factura de compra electrónica (46), guía de despacho electrónica (52), nota \
de débito electrónica (56), nota de crédito electrónica (61), factura de exportación electrónica \
(110) y sus notas de débito (111) y crédito (112) de exportación.
- Datos obligatorios del emisor y del receptor: RUT con dígito verificador, razón social, giro, \
dirección y comuna, tipo de contribuyente; consumidor final anónimo 66.666.666-6 en boletas.
- Montos: neto, exento, IVA de 19 %, impuestos adicionales, retenciones, total; descuentos y \
recargos globales; redondeo a pesos enteros.
- Referencias entre documentos: notas de crédito y débito con código de referencia CodRef 1 (anula \
el documento), 2 (corrige texto) o 3 (corrige montos), y sus plazos.
- Folios y CAF, timbre electrónico (TED), firma electrónica y certificado digital.
- Envío al SII y sus estados, rechazos y reparos; aceptación o reclamo del receptor en el Registro \
de Compras y Ventas dentro de 8 días corridos (Ley N° 19.983).
- Cómo se registran estos datos en Odoo 19 con la localización chilena (l10n_cl): tipo de documento \
(campo l10n_latam_document_type_id), tipo de contribuyente del contacto (l10n_cl_sii_taxpayer_type), \
giro (l10n_cl_activity_description), RUT (campo vat) y el resultado del botón «Validar (IA)»."""

DOMAIN_RULES = """\
- El SII recibe documentos con IVA o totales mal calculados; una vez enviados solo se corrigen con \
una nota de crédito o de débito. Antes de recomendar el envío revisa siempre neto, IVA y total.
- Un DTE enviado no se edita ni se borra: se anula con una nota de crédito que lo referencia con \
CodRef 1 (la nota de anulación referencia un solo documento); un error de texto se corrige con CodRef \
2 y montos en cero; un error de montos, con CodRef 3 por la diferencia. Una nota de crédito se anula \
con una nota de débito y viceversa.
- En boletas los montos de las líneas son brutos (IVA incluido); el neto se obtiene dividiendo por \
1,19 y el IVA es la diferencia. El receptor puede omitirse o ser 66.666.666-6.
- Una factura afecta (33) debe tener al menos una línea con IVA; una factura exenta (34), una boleta \
exenta (41) o un documento de exportación no llevan IVA.
- Distingue tres niveles de problema: el rechazo del envío completo (carátula, firma o esquema), el \
rechazo o reparo de un documento dentro de un envío procesado, y el reclamo del receptor. Cada uno se \
resuelve distinto.
- Odoo 19 Community con l10n_cl registra tipos de documento, RUT y giro, pero no firma ni envía DTE \
ni administra CAF: eso lo hace el módulo de facturación electrónica instalado (l10n_cl_edi en \
Enterprise u otro). Si el usuario pregunta cómo enviar al SII o cargar folios, pregunta qué módulo usa.
- Cuando el usuario mencione un documento concreto, consúltalo con las herramientas antes de opinar; \
si la última validación tiene hallazgos, explícalos con su código y cómo corregirlos."""


@register
class DtePlugin(Plugin):
    code = "dte"
    name = "Documentos tributarios electrónicos"
    description = (
        "Documentos tributarios electrónicos del SII de Chile: facturas, boletas, notas de crédito y de "
        "débito, facturas de compra y de exportación, guías de despacho; cómo emitirlos, anularlos o "
        "corregirlos, sus referencias, folios CAF, timbre electrónico, firma y certificado digital, "
        "rechazos y reparos del SII, RUT del receptor, giro e IVA del documento."
    )
    keywords = keyword_list(
        """
        dte, documento tributario*, factura, facturas, factura electronica, facturar, boleta*,
        nota de credito, notas de credito, nota de debito, notas de debito, anul*, folio*, caf, timbre*,
        ted, certificado digital, firma electronica, rechaz*, reparo*, track id, trackid, codref,
        referencia*, exportacion, factura de compra, guia de despacho, consumidor final, receptor,
        emisor, exenta, afecta, tipo de documento, sii
        """
    )
    system_prompt = compose_system_prompt(ROLE, SCOPE, DOMAIN_RULES)
    knowledge_corpora = ("dte", "general")
    tool_specs = (tool_catalog.BUSCAR_FACTURAS, tool_catalog.OBTENER_FACTURA, tool_catalog.HISTORIAL_CONTACTO)

    review_schema = REVIEW_SCHEMA
    review_output_schema = REVIEW_OUTPUT_SCHEMA
    build_review_prompt = staticmethod(build_review_prompt)
    review_errors = staticmethod(review_errors)
    review_verdict = staticmethod(review_verdict)
    new_findings = staticmethod(new_findings)
    knowledge_queries = KNOWLEDGE_QUERIES

"""Claude's purchase-order line for a vendor-bill line the deterministic matching left unlinked: the
Spanish prompt, the reply's JSON schema and its check.

Claude chooses among the open purchase-order lines it is given (by their number in the list): any other
answer is refused by ``reply_errors``; the Odoo layer only ever proposes Claude's choice (a user links
it), and shows Claude's reason either way.
"""

from ..claude.client import Prompt

MAX_TOKENS = 400
MAX_CANDIDATES = 40

OUTPUT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["candidate", "confidence", "reason"],
    "properties": {
        "candidate": {
            "type": "integer",
            "description": "Número de la línea de orden de compra elegida, de la lista; 0 si ninguna.",
        },
        "confidence": {"type": "integer", "description": "0 a 100: qué tan seguro estás."},
        "reason": {"type": "string", "description": "Por qué, en una oración en español de Chile."},
    },
}

SYSTEM_PROMPT = (
    "Eres contador de una empresa chilena y concilias facturas de proveedores con órdenes de compra "
    "(OC). Dada una línea de factura y las líneas abiertas de OC del mismo proveedor, eliges la línea de "
    "OC que corresponde, o ninguna. Responde solo con JSON:\n"
    "- candidate: el número de la línea de OC de la lista (nunca otro); 0 si ninguna corresponde con "
    "certeza (un producto distinto, otra medida o un precio muy diferente no corresponden).\n"
    "- confidence: de 0 a 100.\n"
    "- reason: una oración en español de Chile que explique la elección."
)


def build_prompt(line, candidates):
    """``line``: dict with vendor, description, quantity, price_unit; ``candidates``: dicts with order,
    description, open_quantity, price_unit (numbered from 1 in the prompt, at most ``MAX_CANDIDATES``)."""
    rows = [
        f"{number}. OC {item['order']}: {item['description']} | por facturar {item['open_quantity']} | "
        f"precio {item['price_unit']}"
        for number, item in enumerate(candidates[:MAX_CANDIDATES], start=1)
    ]
    text = "\n".join(
        [
            f"Proveedor: {line.get('vendor') or ''}",
            f"Línea de factura: {line.get('description') or ''} | cantidad {line.get('quantity') or 0} | "
            f"precio {line.get('price_unit') or 0}",
            "",
            "Líneas abiertas de OC:",
            *rows,
        ]
    )
    return Prompt(system=[SYSTEM_PROMPT], messages=[{"role": "user", "content": text}])


def reply_errors(reply, count):
    """Why ``reply`` cannot be used (empty when it can); ``count``: the candidates offered."""
    if not isinstance(reply, dict):
        return ["(root): not an object"]
    problems = [f"{name}: missing" for name in OUTPUT_SCHEMA["required"] if name not in reply]
    if problems:
        return problems
    if not isinstance(reply["candidate"], int) or not 0 <= reply["candidate"] <= min(count, MAX_CANDIDATES):
        problems.append("candidate: not one of the lines offered")
    if not isinstance(reply["confidence"], int) or not 0 <= reply["confidence"] <= 100:
        problems.append("confidence: not an integer from 0 to 100")
    return problems

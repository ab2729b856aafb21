"""Claude's account for a vendor-bill line the company's history could not code: the Spanish prompt, the
reply's JSON schema and its check.

Claude chooses among the accounts it is given (the company's expense accounts, by code): a reply naming
any other code is refused by ``reply_errors`` (the Odoo layer then leaves the line without a suggestion,
with the reason), so Claude can leave a line uncoded but never code it with an account the company does
not use. Plain Python: the Odoo layer passes plain dicts.
"""

from ..claude.client import Prompt

MAX_TOKENS = 400
MAX_ACCOUNTS = 200  # accounts offered; a chart larger than this is cut (most used first, by the caller)

OUTPUT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["account_code", "confidence", "reason"],
    "properties": {
        "account_code": {
            "type": "string",
            "description": "Código de la cuenta elegida, de la lista dada; vacío si ninguna sirve.",
        },
        "confidence": {"type": "integer", "description": "0 a 100: qué tan seguro estás."},
        "reason": {"type": "string", "description": "Por qué, en una oración en español de Chile."},
    },
}

SYSTEM_PROMPT = (
    "Eres contador de una empresa chilena y codificas líneas de facturas de proveedores: eliges la cuenta "
    "de gasto o activo donde se registra cada línea. Responde solo con JSON:\n"
    "- account_code: el código de una cuenta de la lista que se te da (nunca otro); vacío si ninguna "
    "corresponde o si la descripción no alcanza para decidir.\n"
    "- confidence: de 0 a 100.\n"
    "- reason: una oración en español de Chile que explique la elección (o por qué no eliges)."
)


def build_prompt(line, accounts):
    """The prompt for one line. ``line``: dict with vendor, description, quantity, price_unit;
    ``accounts``: ``[(code, name)]`` (at most ``MAX_ACCOUNTS`` are sent). The instructions are the
    stable, cacheable part."""
    chart = "\n".join(f"{code} {name}" for code, name in accounts[:MAX_ACCOUNTS])
    text = "\n".join(
        [
            f"Proveedor: {line.get('vendor') or ''}",
            f"Descripción: {line.get('description') or ''}",
            f"Cantidad: {line.get('quantity') or 0}",
            f"Precio unitario: {line.get('price_unit') or 0}",
            "",
            "Cuentas posibles (código nombre):",
            chart,
        ]
    )
    return Prompt(system=[SYSTEM_PROMPT], messages=[{"role": "user", "content": text}])


def reply_errors(reply, codes):
    """Why ``reply`` cannot be used (empty when it can): the schema, and an account outside ``codes``."""
    if not isinstance(reply, dict):
        return ["(root): not an object"]
    problems = [f"{name}: missing" for name in OUTPUT_SCHEMA["required"] if name not in reply]
    if problems:
        return problems
    code = str(reply["account_code"] or "").strip()
    if code and code not in set(codes):
        problems.append(f"account_code: {code!r} is not one of the accounts offered")
    if not isinstance(reply["confidence"], int) or not 0 <= reply["confidence"] <= 100:
        problems.append("confidence: not an integer from 0 to 100")
    return problems

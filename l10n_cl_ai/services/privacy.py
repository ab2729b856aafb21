"""Personal data minimisation for what is sent to Claude (Chile's Ley 21.719: a foreign processor).

Natural persons' names, RUTs, street addresses and e-mails are replaced by stable placeholders
(``PERSONA_1``, ``RUT_PERSONA_1``, ``DIRECCION_PERSONA_1``, ``EMAIL_PERSONA_1``) before a payload leaves
the process, and the placeholders in Claude's answer are mapped back before it is stored::

    pseudonyms = Pseudonymizer(keep_emails={"facturacion@empresa.cl"})
    pseudonyms.add_person(name="María José Contreras", rut="9.876.543-3", street="Pasaje Los Aromos 123")
    safe = pseudonyms.scrub(payload)          # deep copy, every string scrubbed
    stored = pseudonyms.restore(reply_text)   # placeholders back to the real values

Besides the persons registered, free text is scrubbed of any RUT that belongs to a natural person (the
SII numbers companies from 50.000.000 up; persons below) and of any e-mail address not explicitly kept.
Company data and amounts pass unchanged. The same value always gets the same placeholder within one
``Pseudonymizer``. Comunas (``city``) are kept: they are needed by the rules and identify nobody.
"""

import re

# RUT bodies of natural persons are below this number; legal persons are numbered from 50,000,000 up.
PERSON_RUT_LIMIT = 50_000_000

PERSON_KINDS = ("PERSONA", "RUT_PERSONA", "DIRECCION_PERSONA", "EMAIL_PERSONA")

# A RUT written in free text: 12.345.678-5, 12.345.678K, 12345678-5 (dots or a dash are required, so
# plain numbers such as amounts or order numbers are left alone).
_RUT_IN_TEXT = re.compile(r"(?<![\w.])(?:(\d{1,2}(?:\.\d{3}){2})\s?-?\s?|(\d{7,8})\s?-\s?)([\dkK])(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PLACEHOLDER = re.compile(r"\b(?:RUT_PERSONA|DIRECCION_PERSONA|EMAIL_PERSONA|PERSONA)_\d+\b")


def rut_number(value):
    """The RUT's body as an int (no check digit), or ``None`` when ``value`` does not look like a RUT."""
    if not value:
        return None
    compact = re.sub(r"[\s.\-]", "", str(value)).upper()
    if compact.startswith("CL"):
        compact = compact[2:]
    if not re.fullmatch(r"\d{2,9}[\dK]", compact):
        return None
    return int(compact[:-1])


def looks_like_person_rut(value):
    """True for a RUT numbered as a natural person's (below 50.000.000)."""
    number = rut_number(value)
    return number is not None and 0 < number < PERSON_RUT_LIMIT


# Generic RUTs that identify nobody: "Consumidor Final Anónimo" (boletas) and foreign receivers (exports).
GENERIC_RUT_NUMBERS = frozenset({66_666_666, 55_555_555})


def is_natural_person(is_company, rut):
    """A partner is treated as a natural person unless it is a company with a company-range RUT, or it
    carries a generic RUT (anonymous end consumer, foreign receiver)."""
    if rut_number(rut) in GENERIC_RUT_NUMBERS:
        return False
    return not is_company or looks_like_person_rut(rut)


def _rut_variants(value):
    """The spellings of one RUT that may appear in text: 12.345.678-5, 12345678-5, 123456785."""
    number = rut_number(value)
    if number is None:
        return []
    digit = re.sub(r"[\s.\-]", "", str(value)).upper()[-1]
    dotted = f"{number:,}".replace(",", ".")
    variants = {f"{dotted}-{digit}", f"{number}-{digit}", f"{number}{digit}"}
    if digit == "K":
        variants |= {v[:-1] + "k" for v in variants}
    return sorted(variants, key=len, reverse=True)


class Pseudonymizer:
    """Replaces personal data with placeholders and maps them back; see the module docstring."""

    def __init__(self, keep_emails=()):
        self._forward = {}  # real value (case-folded for names/e-mails) -> placeholder
        self._backward = {}  # placeholder -> real value as first seen
        self._rut_numbers = {}  # RUT body -> placeholder
        self._count = 0
        self._keep_emails = {email.strip().lower() for email in keep_emails if email}
        self._pattern = None

    @property
    def placeholders(self):
        """``{placeholder: real value}`` of everything replaced so far."""
        return dict(self._backward)

    def add_person(self, name=None, rut=None, street=None, email=None):
        """Register one natural person; returns its number (the ``n`` of ``PERSONA_n``)."""
        number = self._known_number(name, rut, email)
        if number is None:
            self._count += 1
            number = self._count
        if name and name.strip():
            self._register(name.strip(), f"PERSONA_{number}", fold=True)
        if rut and rut_number(rut) is not None:
            self._register_rut(rut, f"RUT_PERSONA_{number}")
        if street and street.strip():
            self._register(street.strip(), f"DIRECCION_PERSONA_{number}", fold=True)
        if email and email.strip():
            self._register(email.strip(), f"EMAIL_PERSONA_{number}", fold=True)
        return number

    def _known_number(self, name, rut, email):
        for placeholder in (
            self._forward.get((name or "").strip().casefold()),
            self._rut_numbers.get(rut_number(rut)),
            self._forward.get((email or "").strip().casefold()),
        ):
            if placeholder:
                return int(placeholder.rsplit("_", 1)[1])
        return None

    def _register(self, value, placeholder, fold=False):
        key = value.casefold() if fold else value
        if key not in self._forward:
            self._forward[key] = placeholder
            self._backward.setdefault(placeholder, value)
            self._pattern = None
        return self._forward[key]

    def _register_rut(self, rut, placeholder):
        number = rut_number(rut)
        placeholder = self._rut_numbers.setdefault(number, placeholder)
        self._backward.setdefault(placeholder, str(rut).strip())
        for variant in _rut_variants(rut):
            self._forward.setdefault(variant, placeholder)
        self._pattern = None
        return placeholder

    def _anonymous_rut(self, match):
        number = int((match.group(1) or match.group(2)).replace(".", ""))
        if number >= PERSON_RUT_LIMIT:
            return match.group(0)
        placeholder = self._rut_numbers.get(number)
        if placeholder is None:
            self._count += 1
            placeholder = self._register_rut(match.group(0), f"RUT_PERSONA_{self._count}")
        return placeholder

    def _anonymous_email(self, match):
        email = match.group(0)
        if email.lower() in self._keep_emails:
            return email
        placeholder = self._forward.get(email.casefold())
        if placeholder is None:
            self._count += 1
            placeholder = self._register(email, f"EMAIL_PERSONA_{self._count}", fold=True)
        return placeholder

    def _known_values(self):
        if self._pattern is None:
            values = sorted(self._forward, key=len, reverse=True)
            alternatives = "|".join(re.escape(value) for value in values)
            self._pattern = (
                re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if values else False
            )
        return self._pattern

    def _placeholder_of(self, match):
        found = match.group(0)
        return self._forward.get(found) or self._forward.get(found.casefold()) or found

    def text(self, value):
        """``value`` with every registered value, person RUT and foreign e-mail replaced."""
        if not value:
            return value
        pattern = self._known_values()
        if pattern:
            value = pattern.sub(self._placeholder_of, value)
        value = _EMAIL.sub(self._anonymous_email, value)
        return _RUT_IN_TEXT.sub(self._anonymous_rut, value)

    def scrub(self, data):
        """A deep copy of a JSON-like value (dicts, lists, strings, numbers) with every string scrubbed;
        dictionary keys are kept as they are."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {key: self.scrub(value) for key, value in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.scrub(value) for value in data]
        return data

    def restore(self, data):
        """A deep copy of ``data`` with every known placeholder mapped back to its real value."""
        if isinstance(data, str):
            return _PLACEHOLDER.sub(lambda m: self._backward.get(m.group(0), m.group(0)), data)
        if isinstance(data, dict):
            return {key: self.restore(value) for key, value in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.restore(value) for value in data]
        return data

"""Personal data minimisation for what is sent to Claude (Chile's Ley 21.719: a foreign processor).

Natural persons' names, RUTs, street addresses, e-mails and phone numbers are replaced by stable
placeholders (``PERSONA_1``, ``RUT_PERSONA_1``, ``DIRECCION_PERSONA_1``, ``EMAIL_PERSONA_1``,
``TELEFONO_1``) before a payload leaves the process, and the placeholders in Claude's answer are mapped
back before it is stored::

    pseudonyms = Pseudonymizer(keep_emails={"facturacion@empresa.cl"})
    pseudonyms.add_person(name="María José Contreras", rut="9.876.543-3", street="Pasaje Los Aromos 123")
    safe = pseudonyms.scrub(payload)          # deep copy, every string scrubbed
    stored = pseudonyms.restore(reply_text)   # placeholders back to the real values

What is replaced, in every string of the payload (line labels, product names, reasons, passages...):

* **Registered names** (``add_person(name=...)``), whatever the accents, case and spacing, in their
  written order or in any rotation with an optional comma, which covers "Apellidos, Nombres"
  ("FUENTES ROJAS, MARÍA JOSÉ" for "María José Fuentes Rojas"). Every form contains all the words of the
  name, so a lone given name ("José") is never replaced. For names of four words or more, where the
  last two words are the surnames, "first given name + first surname" ("María Fuentes") is replaced too;
  it is skipped for shorter names, whose split is ambiguous ("María José Contreras" would give the given
  names "María José" alone), and when a word is a particle ("de", "del", "la"...).
* **Registered street addresses**, with the same tolerance for accents, case and spacing.
* **RUTs of natural persons** (the SII numbers persons below 50.000.000, companies from there up) with a
  valid modulo-11 check digit, in any writing: ``12.345.678-5``, ``12345678-5``, ``12 345 678 5``,
  ``12.345.678 - 5``, ``12345678 5`` and the plain digit run ``123456785``. Company-range RUTs stay,
  unless registered with ``add_person`` (then every writing of that RUT is replaced). Trade-off of the
  plain run: an 8 or 9 digit number with no separator (an amount, a folio, a track id inside a string)
  whose last digit happens to be its check digit and whose body is below 50.000.000 is replaced as well,
  about one such number in eleven. Numbers in JSON (not strings) are never touched, nor are runs after
  ``$`` or ``$ ``, ``+``, a letter, a dot or a comma, nor decimals such as ``123456785.5``.
* **E-mail addresses** not listed in ``keep_emails`` (a registered e-mail is replaced even if listed).
* **Phone numbers** written as phones: ``+56 9 8765 4321``, ``+56987654321``, ``+56 2 2345 6789``,
  ``56 9 8765 4321``, ``9 8765 4321``, ``2 2345 6789``, ``(2) 2345 6789``, ``(32) 212 3456``, and foreign
  ``+<country> ...`` numbers of 8 to 15 digits (10 or more when written with no separator, so a signed
  amount such as ``+15000000`` stays). Plain digit runs (``987654321``) are not phones by themselves:
  they are replaced only when the same number was registered or already seen in a phone writing.

Company data, amounts (``1.234.567``, ``$ 45.000``), dates and folios pass unchanged. The same value
always gets the same placeholder within one ``Pseudonymizer``, whatever its writing (``12.345.678-5`` and
``123456785`` are both ``RUT_PERSONA_1``), and ``restore`` gives back the registered value, or the
writing seen first for values found in the text.

``restore`` maps back only the persons of *this* document: those registered with ``add_person`` (the
document's customer and contact), and the placeholders ``text``/``scrub`` actually wrote. A person
registered with ``in_document=False`` (one of the company's contacts, registered only so that their name
is found if it appears) is restored only where their placeholder was sent; any other placeholder in the
reply (one Claude made up, or was led to write by text in the document) stays a placeholder, so a reply
can never reveal someone who was not in what was sent. Comunas (``city``) are kept: they are needed by the
rules and identify nobody.
"""

import re
import unicodedata

from .rut import (
    PERSON_RUT_LIMIT,
    check_digit,
    rut_number,
    written_check_digit,
)

PERSON_KINDS = ("PERSONA", "RUT_PERSONA", "DIRECCION_PERSONA", "EMAIL_PERSONA", "TELEFONO")

# A RUT in any writing: the body (7 or 8 digits, grouped by dots or spaces, or plain), an optional
# separator (a dash, spaced or not, or one space) and the check digit. Not glued to a word, a number, a
# sign or a currency symbol, and not followed by a decimal part.
_RUT_IN_TEXT = re.compile(
    r"(?<![\w.,+$])(?<!\$ )"
    r"(?:(?P<grouped>\d{1,2}(?P<group>[. ])\d{3}(?P=group)\d{3})|(?P<plain>\d{7,8}))"
    r"(?P<separator> *- *| )?"
    r"(?P<digit>[\dkK])"
    r"(?!\w|[.,]\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A phone number as people write it (see the module docstring); which matches are phones is decided by
# ``_looks_like_phone``. A space is a plain or a non-breaking one; separators never cross a line.
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?:
        (?P<international>\+\d{1,3}(?:[ \u00a0-]?\(?\d{1,4}\)?){1,5})
      | (?P<national>(?:56[ \u00a0])?
            (?:\(\d{1,2}\)[ \u00a0]?\d{3,4}[ \u00a0-]?\d{4}
              | [29][ \u00a0]\d{4}[ \u00a0-]\d{4}))
      | (?P<plain>\d{8,11})
    )
    (?!\w)
    """,
    re.VERBOSE,
)
_PLACEHOLDER = re.compile(rf"\b(?:{'|'.join(sorted(PERSON_KINDS, key=len, reverse=True))})_\d+\b")

# Words that join a name ("Juan de la Fuente") and cannot stand for a given name or a surname.
_NAME_PARTICLES = frozenset("da das de del di do dos la las le los mac mc san santa van von y".split())


# -- phones -------------------------------------------------------------------------------------------


def _phone_key(value):
    """What identifies a phone number whatever its writing: the 9-digit Chilean number without the
    country code (``+56 9 8765 4321`` and ``9 8765 4321`` give ``987654321``), ``+`` and the digits for a
    foreign number; ``None`` when ``value`` has no digits."""
    digits = re.sub(r"\D", "", str(value or ""))
    if not digits:
        return None
    if digits.startswith("56") and len(digits) == 11:
        return digits[2:]
    return f"+{digits}" if str(value).lstrip().startswith("+") else digits


def _looks_like_phone(match):
    """Whether a ``_PHONE`` match is a phone number by its writing alone (plain digit runs are not)."""
    if match.group("international"):
        digits = re.sub(r"\D", "", match.group("international"))
        glued = match.group("international")[1:].isdigit()
        return 8 <= len(digits) <= 15 and (not glued or len(digits) >= 10)
    if match.group("national"):
        return len(_phone_key(match.group("national"))) in (8, 9)
    return False


# -- names and addresses --------------------------------------------------------------------------------


def _fold(text):
    """``text`` in lower case without accents: ``"María"`` -> ``"maria"``."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _letter_classes():
    """``{"a": "[aÀÁ...á...]", ...}``: each ASCII letter and its accented forms (Latin-1, Latin
    Extended-A and B), so that an unaccented pattern letter matches any accented writing."""
    variants = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = _fold(char)
        if len(base) == 1 and "a" <= base <= "z":
            variants.setdefault(base, [base]).append(char)
    return {base: f"[{''.join(chars)}]" for base, chars in variants.items()}


_LETTERS = _letter_classes()
_COMBINING_MARKS = "[\u0300-\u036f]*"  # accents typed as separate characters (decomposed text)
_GAP = r"\s+"
_COMMA_GAP = r"(?:\s*,\s*|\s+)"


def _word_pattern(word):
    """A regex for ``word`` that ignores accents (case is ignored by the compiled pattern)."""
    parts = []
    for char in _fold(word):
        if char in _LETTERS:
            parts.append(_LETTERS[char] + _COMBINING_MARKS)
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _words(value):
    """The words of a name or an address, commas and extra spaces dropped."""
    return [word for word in re.split(r"[\s,]+", value) if word]


def _name_words(name):
    """A name's words in "given names, surnames" order: ``"Fuentes Rojas, María José"`` (the way
    registries list people) is read as ``["María", "José", "Fuentes", "Rojas"]``."""
    surnames, comma, given = name.partition(",")
    return _words(f"{given} {surnames}" if comma else name)


def _key(words):
    """What identifies a name or an address whatever its accents, case and spacing."""
    return " ".join(_fold(word) for word in words)


def _phrase_regex(forms):
    """One case-insensitive regex for several word sequences (lists of word patterns joined by their
    gaps), never matching inside a word, a number or an e-mail address."""
    alternatives = "|".join(forms)
    return re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@]|\.\w)", re.IGNORECASE)


def _name_forms(words):
    """Every rotation of the name's words, with an optional comma where the rotation wraps:
    "María José Fuentes Rojas", "Fuentes Rojas, María José", "Rojas María José Fuentes"... Each one holds
    every word of the name, so none can match a shorter phrase."""
    patterns = [_word_pattern(word) for word in words]
    forms = []
    for start in range(len(patterns)):
        head, tail = _GAP.join(patterns[start:]), _GAP.join(patterns[:start])
        forms.append(f"{head}{_COMMA_GAP}{tail}" if tail else head)
    return forms


def _short_name(words):
    """ "First given name + first surname" (``["María", "Fuentes"]`` for "María José Fuentes Rojas"), or
    ``None`` when the name has fewer than four words (which words are surnames is then ambiguous) or
    when one of the two is a particle or a too short word."""
    if len(words) < 4:
        return None
    short = [words[0], words[-2]]
    if any(len(_fold(word)) < 3 or _fold(word) in _NAME_PARTICLES for word in short):
        return None
    return short


class Pseudonymizer:
    """Replaces personal data with placeholders and maps them back; see the module docstring."""

    def __init__(self, keep_emails=()):
        self._backward = {}  # placeholder -> real value (registered, or as first seen)
        self._phrases = []  # (rank, regex, placeholder) of names and addresses, most specific first
        self._phrase_keys = {}  # (kind, folded words) -> placeholder
        self._rut_numbers = {}  # RUT body -> placeholder
        self._rut_digits = {}  # RUT body -> check digit as registered or seen
        self._emails = {}  # case-folded e-mail -> placeholder
        self._phones = {}  # _phone_key -> placeholder
        self._count = 0
        self._document_numbers = set()  # numbers of the persons of this document (always restored)
        self._sent = set()  # placeholders written by ``text`` (restored: they were in the payload)
        self._keep_emails = {email.strip().casefold() for email in keep_emails if email}

    @property
    def placeholders(self):
        """``{placeholder: real value}`` of everything replaced so far."""
        return dict(self._backward)

    # -- registration ---------------------------------------------------------------------------------

    def add_person(self, name=None, rut=None, street=None, email=None, phone=None, in_document=True):
        """Register one natural person; returns its number (the ``n`` of ``PERSONA_n``). A person whose
        name, RUT, e-mail or phone is already known keeps its number. ``in_document=False``: a person
        looked for in the text but not of this document, restored only where a placeholder was sent."""
        number = self._known_number(name, rut, email, phone)
        if number is None:
            self._count += 1
            number = self._count
        if in_document:
            self._document_numbers.add(number)
        if name and _name_words(name):
            self._register_name(name.strip(), f"PERSONA_{number}")
        if rut_number(rut) is not None:
            self._register_rut(str(rut).strip(), f"RUT_PERSONA_{number}")
        if street and _words(street):
            self._register_street(street.strip(), f"DIRECCION_PERSONA_{number}")
        if email and email.strip():
            self._remember(self._emails, email.strip().casefold(), email.strip(), f"EMAIL_PERSONA_{number}")
        if _phone_key(phone):
            self._remember(self._phones, _phone_key(phone), str(phone).strip(), f"TELEFONO_{number}")
        return number

    def _known_number(self, name, rut, email, phone):
        for placeholder in (
            self._phrase_keys.get(("PERSONA", _key(_name_words(name or "")))),
            self._rut_numbers.get(rut_number(rut)),
            self._emails.get((email or "").strip().casefold()),
            self._phones.get(_phone_key(phone)),
        ):
            if placeholder:
                return int(placeholder.rsplit("_", 1)[1])
        return None

    def _remember(self, table, key, value, placeholder):
        """``table[key]``'s placeholder, ``placeholder`` for a new key; the first value wins for
        ``restore``."""
        placeholder = table.setdefault(key, placeholder)
        self._backward.setdefault(placeholder, value)
        return placeholder

    def _new_placeholder(self, kind):
        """The placeholder of a value found in the text: a new unknown person."""
        self._count += 1
        return f"{kind}_{self._count}"

    def _add_phrase(self, kind, words, value, placeholder, forms, rank):
        key = (kind, _key(words))
        if key in self._phrase_keys:
            return
        placeholder = self._remember(self._phrase_keys, key, value, placeholder)
        self._phrases.append((rank, _phrase_regex(forms), placeholder))
        self._phrases.sort(key=lambda phrase: phrase[0])

    def _register_name(self, name, placeholder):
        words = _name_words(name)
        # Full forms of every person before any short form, longer names first.
        self._add_phrase("PERSONA", words, name, placeholder, _name_forms(words), (0, -len(name)))
        short = _short_name(words)
        if short:
            forms = [_GAP.join(_word_pattern(word) for word in short)]
            self._add_phrase("PERSONA_SHORT", short, name, placeholder, forms, (1, -len(name)))

    def _register_street(self, street, placeholder):
        words = _words(street)
        forms = [_COMMA_GAP.join(_word_pattern(word) for word in words)]
        self._add_phrase("DIRECCION_PERSONA", words, street, placeholder, forms, (0, -len(street)))

    def _register_rut(self, rut, placeholder):
        """``rut``'s placeholder, known by its body in any writing; its check digit is kept so that a
        registered RUT is recognised even when that digit is wrong."""
        number = rut_number(rut)
        self._rut_digits.setdefault(number, written_check_digit(rut))
        return self._remember(self._rut_numbers, number, rut, placeholder)

    # -- replacement ----------------------------------------------------------------------------------

    def _send(self, placeholder):
        """``placeholder``, remembered as written into the payload (so that ``restore`` maps it back)."""
        self._sent.add(placeholder)
        return placeholder

    def _rut_placeholder(self, match):
        """A RUT's placeholder: a known RUT (registered or seen) in any writing, or a new one for a
        valid person-range RUT; anything else is left as it is."""
        number = int(re.sub(r"\D", "", match.group("grouped") or match.group("plain")))
        digit = match.group("digit").upper()
        valid = digit == check_digit(number)
        if number in self._rut_numbers and (valid or digit == self._rut_digits[number]):
            return self._send(self._rut_numbers[number])
        if not valid or not 0 < number < PERSON_RUT_LIMIT:
            return match.group(0)
        return self._send(self._register_rut(match.group(0), self._new_placeholder("RUT_PERSONA")))

    def _email_placeholder(self, match):
        email = match.group(0)
        key = email.casefold()
        if key not in self._emails and key in self._keep_emails:
            return email
        placeholder = self._emails.get(key) or self._new_placeholder("EMAIL_PERSONA")
        return self._send(self._remember(self._emails, key, email, placeholder))

    def _phone_placeholder(self, match):
        found = match.group(0)
        key = _phone_key(found)
        if key not in self._phones and not _looks_like_phone(match):
            return found
        placeholder = self._phones.get(key) or self._new_placeholder("TELEFONO")
        return self._send(self._remember(self._phones, key, found, placeholder))

    def text(self, value):
        """``value`` with every registered name and address, person RUT, foreign e-mail and phone
        number replaced. E-mails go first (a name may be part of one), phones last (after the RUTs,
        whose check digit makes them the more specific match)."""
        if not value:
            return value
        value = _EMAIL.sub(self._email_placeholder, value)
        for _rank, pattern, placeholder in self._phrases:
            value = pattern.sub(lambda _match, placeholder=placeholder: self._send(placeholder), value)
        value = _RUT_IN_TEXT.sub(self._rut_placeholder, value)
        return _PHONE.sub(self._phone_placeholder, value)

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
        """A deep copy of ``data`` with the placeholders of this document's persons (registered with
        ``in_document``, or written into the payload) mapped back to their real values; any other
        placeholder is left as it is."""
        if isinstance(data, str):
            return _PLACEHOLDER.sub(self._restored, data)
        if isinstance(data, dict):
            return {key: self.restore(value) for key, value in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.restore(value) for value in data]
        return data

    def _restored(self, match):
        placeholder = match.group(0)
        number = int(placeholder.rsplit("_", 1)[1])
        if placeholder in self._sent or number in self._document_numbers:
            return self._backward.get(placeholder, placeholder)
        return placeholder

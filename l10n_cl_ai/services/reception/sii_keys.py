"""The SII's public keys that sign CAFs, as the administrator pastes them in Settings.

The setting is text: one block per key, the CAF's ``IDK`` (the SII key id written in every CAF: ``100``
in certification, ``300`` in production) followed by a colon and the PEM public key or certificate::

    300: -----BEGIN CERTIFICATE-----
    MIIE...
    -----END CERTIFICATE-----

:func:`parse` gives ``{IDK: PEM bytes}`` for ``checks.Context(sii_keys=...)``; :func:`problems` says
what is wrong with a text before it is saved. Plain Python: no odoo import.
"""

import re

from . import ted

_BLOCK = re.compile(
    r"(?P<idk>[^\s:]+)\s*:\s*(?P<pem>-----BEGIN (?P<kind>[A-Z0-9 ]+)-----.*?-----END (?P=kind)-----)",
    re.DOTALL,
)


def _blocks(text):
    """``(blocks, leftover)``: each ``(idk, pem)`` found, and the text outside them (stripped)."""
    blocks, leftover, position = [], [], 0
    for match in _BLOCK.finditer(text or ""):
        leftover.append(text[position : match.start()])
        blocks.append((match["idk"].strip(), match["pem"].strip()))
        position = match.end()
    leftover.append((text or "")[position:])
    return blocks, "".join(leftover).strip()


def problems(text):
    """What is wrong with the setting's ``text``, as short English descriptions (empty when valid):
    text outside the ``IDK: PEM`` blocks, an IDK that is not a number or repeated, a PEM that is not an
    RSA public key or certificate."""
    blocks, leftover = _blocks(text)
    out = []
    if leftover:
        out.append(f"not an 'IDK: PEM' block: {leftover[:40]}")
    seen = set()
    for idk, pem in blocks:
        if not idk.isdigit():
            out.append(f"IDK {idk} is not a number")
        elif idk in seen:
            out.append(f"IDK {idk} is given twice")
        seen.add(idk)
        try:
            key = ted.load_public_key(pem)
        except (ValueError, TypeError):
            out.append(f"IDK {idk}: not a PEM public key or certificate")
            continue
        if not hasattr(key, "public_numbers") or not hasattr(key.public_numbers(), "n"):
            out.append(f"IDK {idk}: not an RSA key")
    return out


def parse(text):
    """``{IDK: PEM bytes}`` of the valid blocks of ``text`` (``None`` when there is none: the CAF's
    signature is then reported as not checked)."""
    keys = {}
    for idk, pem in _blocks(text)[0]:
        data = pem.encode()
        try:
            key = ted.load_public_key(data)
        except (ValueError, TypeError):
            continue
        if idk.isdigit() and hasattr(key.public_numbers(), "n"):
            keys[idk] = data
    return keys or None

"""Where the payroll numbers come from: the ``sii_values_urls`` and ``previred_url`` settings.

``sii_values_urls`` lists the SII's yearly pages, each with a ``{year}`` placeholder, separated by spaces,
commas or new lines, in this order: UF, UTM/UTA, dólar observado, impuesto único. A page left out takes
its default (the real page), so an empty setting follows the SII.
"""

import re

from . import previred, sii_values, tax_table

KINDS = ("uf", "utm", "dolar", "impuesto")
DEFAULT_SII_VALUES = {**sii_values.DEFAULT_URLS, "impuesto": tax_table.DEFAULT_URL}
DEFAULT_SII_VALUES_SETTING = " ".join(DEFAULT_SII_VALUES[kind] for kind in KINDS)
DEFAULT_PREVIRED_URL = previred.DEFAULT_URL
# the hosts a redirect of these pages may lead to (besides the page's own host)
ALLOWED_DOMAINS = ("sii.cl", "previred.com")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def valid_url(url):
    return bool(_URL.match(url or ""))


def split_values_setting(value):
    """``{kind: URL template}`` of the setting, in ``KINDS`` order; a missing page takes its default."""
    templates = [part for part in re.split(r"[\s,]+", value or "") if part]
    return {
        kind: templates[i] if i < len(templates) else DEFAULT_SII_VALUES[kind] for i, kind in enumerate(KINDS)
    }


def invalid_values_setting(value):
    """The templates of the setting that are not http(s) URLs with exactly the ``{year}`` placeholder,
    and the ones beyond the four pages."""
    templates = [part for part in re.split(r"[\s,]+", value or "") if part]
    bad = [t for t in templates if not valid_url(t) or set(re.findall(r"{([^}]*)}", t)) != {"year"}]
    return bad + templates[len(KINDS) :]


def values_urls(value, year):
    """``{kind: URL}`` of ``year``."""
    return {
        kind: template.replace("{year}", str(int(year)))
        for kind, template in split_values_setting(value).items()
    }

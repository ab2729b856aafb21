"""The SII pages followed: a setting with a ``{year}`` placeholder, filled with the current year each run."""

import re

DEFAULT_URLS = (
    "https://www.sii.cl/normativa_legislacion/circulares/{year}/indcir{year}.htm",
    "https://www.sii.cl/normativa_legislacion/resoluciones/{year}/res_ind{year}.htm",
    "https://www.sii.cl/noticias/{year}/index.html",
)
DEFAULT_SETTING = " ".join(DEFAULT_URLS)
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def split_setting(value):
    """The URL templates of a setting: separated by commas, spaces or new lines; empty -> defaults."""
    templates = [part for part in re.split(r"[\s,]+", value or "") if part]
    return templates or list(DEFAULT_URLS)


def invalid_templates(value):
    """The templates of a setting that are not http(s) URLs, or whose placeholder is not ``{year}``."""
    bad = []
    for template in split_setting(value):
        placeholders = set(re.findall(r"{([^}]*)}", template))
        if not _URL.match(template) or placeholders - {"year"}:
            bad.append(template)
    return bad


def expand(value, year):
    """The URLs to fetch this run: each template with ``{year}`` replaced, duplicates dropped."""
    urls = []
    for template in split_setting(value):
        url = template.replace("{year}", str(year))
        if url not in urls:
            urls.append(url)
    return urls

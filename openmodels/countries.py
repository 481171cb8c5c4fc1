"""Country names for people, from the ISO 3166-1 tables that pycountry maintains: a code reads as its short
name ('KR' → 'South Korea'), and a name, a code or a label written either way reads back as its code."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Short names where ISO's own is long or formal (ISO keeps 'Russian Federation' with no common name), and the
# one bloc the events use ('EU', an exceptionally reserved code that pycountry does not list).
SHORT_NAMES = {"RU": "Russia", "EU": "European Union"}
LABEL = re.compile(r"^(?P<name>.*) \((?P<code>[A-Za-z]{2})\)$")


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """'CN' → 'China'; a code that is not a country stays as it is ('Other')."""
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 and code.isascii() else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def country_label(code: str) -> str:
    """How a country reads in filters and tables: 'China (CN)'."""
    name = country_name(code)
    return code if name == code else f"{name} ({code})"


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code that `text` means, in any case: a code ('CN', 'CHN'), a name ('China',
    'People's Republic of China') or a label ('China (CN)'); None when it names no country."""
    text = text.strip()
    label = LABEL.match(text)
    if label:
        code = label["code"].upper()
        return code if country_code(label["name"]) == code else None
    for code, name in SHORT_NAMES.items():
        if text.casefold() in (code.casefold(), name.casefold()):
            return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None

"""Link parameters in one place, without Streamlit: the forms the sidebar's sliders take (months, parameter
sizes), how a page control matches a URL value, and the sidebar filters read from (and written to) a query
string. The pages (openmodels/ui/sidebar.py, links.py) and the data API (openmodels/api.py) share them, so
both accept and refuse the same values; the API refuses with the reason instead of dropping the value."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from openmodels.filters import Filters

PARAM_LADDER = [0.1, 0.5, 1, 3, 7, 14, 30, 70, 100, 200, 400, 700, 1000, 2000, 3000, 5000, 10000, 20000]
COUNTRY_REASON = ("not a country with releases in the data "
                  "(use names or ISO 3166-1 codes such as United States, US, CN)")
# The sidebar's URL keys, in the order a link writes them.
FILTER_KEYS = ("country", "org", "date", "modality", "arch", "access", "evidence", "params")
DATE_KEYS = ("date",)  # the only filter the Events timeline reads


class BadParameter(ValueError):
    """A link value that cannot be used; str() says which key, which value and why."""

    def __init__(self, key: str, values: Sequence[str], why: str, hint: str = ""):
        self.key, self.values, self.why, self.hint = key, list(values), why, hint
        shown = ", ".join(repr(v[:40] + ("…" if len(v) > 40 else "")) for v in list(values)[:5])
        more = f" and {len(values) - 5} more" if len(values) > 5 else ""
        # The page's notice says the same, followed by ', ignored' (openmodels/ui/links.py).
        self.message = f"{key}: {shown}{more} — {why}"
        super().__init__(self.message + (f" ({hint})" if hint else ""))


def fmt_params(v: float) -> str:
    return f"{v:g}B"


def parse_month(text: str) -> date:
    """A release-date slider value from the URL: a month YYYY-MM, the slider's own form. A day written
    YYYY-MM-DD or YYYYMMDD (older links) means its month."""
    if not (text.isascii() and text.replace("-", "").isdigit()):
        raise ValueError(text)
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if len(text) == 7:
        text += "-01"
    day = date.fromisoformat(text) if len(text) == 10 else None
    if day is None:
        raise ValueError(text)
    return day.replace(day=1)


def fmt_month(d: date) -> str:
    return f"{d:%Y-%m}"


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s month."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_end(start: date) -> date:
    """The last day of the month that starts on `start`."""
    return (date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)) - timedelta(days=1)


def param_ladder(largest: float | None) -> list[float]:
    """The parameter slider's steps, up to the first one that holds the largest model in the data."""
    top = next((i for i, v in enumerate(PARAM_LADDER) if largest is not None and v >= largest), len(PARAM_LADDER) - 1)
    return PARAM_LADDER[:top + 1]


def parse_params(text: str) -> float:
    """A parameter-slider value from the URL: one of the slider's labels, e.g. '70B' (or '70', '70b')."""
    if not text.isascii():
        raise ValueError(text)
    value = float(text.removesuffix("B").removesuffix("b"))
    if value not in PARAM_LADDER:
        raise ValueError(text)
    return value


def match_one(key: str, raw: Sequence[str], options: Sequence, format_func=str):
    """The option a single-choice control's URL value names, matched as the page does ('YEAR' is 'year')."""
    by_text = {str(format_func(o)).lower(): o for o in options}
    chosen = by_text.get(raw[0].lower())
    if chosen is None:
        raise BadParameter(key, raw[:1], "not a known value", "one of " + ", ".join(map(str, by_text)))
    if len(raw) > 1:
        raise BadParameter(key, raw[1:], "only one value allowed")
    return chosen


def match_many(key: str, raw: Sequence[str], options: Sequence[str], reason: Callable[[str], str] | None = None,
               resolve: Callable[[str], str | None] | None = None) -> list[str]:
    """A multi-select's URL values, each one of `options` (repeats count once, as on the page); `resolve(value)`
    names the option a value written another way means ('China (CN)' or 'China' for CN), as the page reads it."""
    known = set(options)
    read = {v: v if v in known or resolve is None else resolve(v) for v in dict.fromkeys(raw)}
    bad = [v for v, option in read.items() if option not in known]
    if bad:
        raise BadParameter(key, bad, reason(bad[0]) if reason else "not a known value")
    return list(dict.fromkeys(read.values()))


def match_range(key: str, raw: Sequence[str], parse, lo, hi, form=str) -> tuple:
    """A range slider's two URL values, with the page's rules: both readable, in order, inside [lo, hi], and
    either both or neither written another way than the slider's own (a slider reads only ends in its form)."""
    try:
        values = [parse(v) for v in raw]
    except (ValueError, TypeError, OverflowError):
        raise BadParameter(key, raw, "not valid values for this range") from None
    if len(values) != 2:
        raise BadParameter(key, raw, "a range needs exactly two values")
    if values[0] > values[1]:
        raise BadParameter(key, raw, "range is reversed (start after end)")
    if values[0] < lo or values[1] > hi:
        raise BadParameter(key, raw, f"outside the available range {lo} to {hi}")
    other_form = [(r, form(v)) for r, v in zip(raw, values) if form(v) != r]
    if other_form and len(other_form) != len(raw):
        raise BadParameter(key, [r for r, _ in other_form],
                           f"not written the way this slider takes it ({', '.join(f for _, f in other_form)})")
    return tuple(values)


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar offers for the current data: the countries, each organization's country, the months
    of the date slider, the steps of the size slider, and the contract's allowed values."""
    countries: tuple[str, ...]
    org_country: Mapping[str, str]
    months: tuple[date, ...]
    ladder: tuple[float, ...]
    modalities: tuple[str, ...]
    architectures: tuple[str, ...]
    accessibility: tuple[str, ...]
    evidence: tuple[str, ...]

    @classmethod
    def of(cls, bounds: Mapping, data_as_of: date, countries, org_country: Mapping[str, str], enums: Mapping):
        """From the data_bounds row, the contract's data-as-of date, the country_options and
        organization_countries queries, and the contract's enums by column name (as the sidebar builds them)."""
        months = month_starts(date(bounds["first_release"].year, 1, 1), max(bounds["last_release"], data_as_of))
        return cls(tuple(countries), dict(org_country), tuple(months), tuple(param_ladder(bounds["max_params_b"])),
                   tuple(enums["modality"]), tuple(enums["architecture"]), tuple(enums["accessibility"]),
                   tuple(enums["evidence"]))

    def orgs_in(self, countries: Sequence[str]) -> list[str]:
        return sorted(o for o, c in self.org_country.items() if not countries or c in countries)


def _org_reason(options: FilterOptions) -> Callable[[str], str]:
    def reason(value: str) -> str:
        from openmodels.display import org_from_link
        value = org_from_link(value, set(options.org_country)) or value  # 'DeepSeek (3)' names DeepSeek
        if value in options.org_country:
            from openmodels.countries import country_name
            return f"outside the chosen countries ({value} is in {country_name(options.org_country[value])})"
        return "not an organization in the data"
    return reason


def parse_filters(query: Mapping[str, Sequence[str]], options: FilterOptions) -> Filters:
    """The sidebar filters a query string names (key → its values, as in a page link); BadParameter on the
    first value the sidebar would not use."""
    get = lambda key: list(query.get(key) or [])  # noqa: E731
    from openmodels.countries import country_code
    from openmodels.display import org_from_link
    countries = match_many("country", get("country"), options.countries, lambda v: COUNTRY_REASON,
                           resolve=country_code)
    in_reach = options.orgs_in(countries)
    orgs = match_many("org", get("org"), in_reach, _org_reason(options),
                      resolve=lambda v: org_from_link(v, set(in_reach)))
    lo, hi = options.months[0], options.months[-1]
    d_from, d_to = match_range("date", get("date"), parse_month, lo, hi, fmt_month) if get("date") else (lo, hi)
    ladder = options.ladder
    p_lo, p_hi = (match_range("params", get("params"), parse_params, ladder[0], ladder[-1], fmt_params)
                  if get("params") else (ladder[0], ladder[-1]))
    return Filters(
        countries=tuple(countries), orgs=tuple(orgs),
        date_from=d_from if d_from > lo else None, date_to=month_end(d_to) if d_to < hi else None,
        modalities=tuple(match_many("modality", get("modality"), options.modalities)),
        architectures=tuple(match_many("arch", get("arch"), options.architectures)),
        accessibility=tuple(match_many("access", get("access"), options.accessibility)),
        pmin=p_lo if p_lo > ladder[0] else None, pmax=p_hi if p_hi < ladder[-1] else None,
        evidence=tuple(match_many("evidence", get("evidence"), options.evidence)),
    )


def filter_pairs(f: Filters, options: FilterOptions) -> list[tuple[str, str]]:
    """The query-string pairs that parse_filters reads back as `f`, written as the sidebar writes its link."""
    pairs = [("country", c) for c in f.countries] + [("org", o) for o in f.orgs]
    if f.date_from or f.date_to:
        first = f.date_from.replace(day=1) if f.date_from else options.months[0]
        last = f.date_to.replace(day=1) if f.date_to else options.months[-1]
        pairs += [("date", fmt_month(first)), ("date", fmt_month(last))]
    pairs += [("modality", v) for v in f.modalities] + [("arch", v) for v in f.architectures]
    pairs += [("access", v) for v in f.accessibility] + [("evidence", v) for v in f.evidence]
    if f.pmin is not None or f.pmax is not None:
        pairs += [("params", fmt_params(f.pmin if f.pmin is not None else options.ladder[0])),
                  ("params", fmt_params(f.pmax if f.pmax is not None else options.ladder[-1]))]
    return pairs


def query_string(pairs: Sequence[tuple[str, str]]) -> str:
    return urlencode(pairs)

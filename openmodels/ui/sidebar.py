"""The shared sidebar filters: bound to the URL, kept across pages, read once per run by app.py."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from openmodels import display
from openmodels.contract import contract
from openmodels.countries import country_code, country_label, country_name
from openmodels.filters import Filters
from openmodels.ui import links, routing
from openmodels.ui.db import query
from openmodels.text import escape_markdown

PARAM_LADDER = [0.1, 0.5, 1, 3, 7, 14, 30, 70, 100, 200, 400, 700, 1000, 2000, 3000, 5000, 10000, 20000]
FILTERS_KEY = "_filters"
ORG_LABELS_KEY = "_org_labels"  # the Organization options' labels in the last run
EVIDENCE_HELP = ("How well each row is supported. primary: the publisher's own card, post, repo or paper was read. "
                 "reference: facts from Epoch AI's or the ATOM Project's curated datasets, not re-read here. "
                 "reported: no primary source read; two or more independent reports agree. See About.")


def _fmt_params(v: float) -> str:
    return f"{v:g}B"


def _parse_month(text: str) -> date:
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


def _fmt_month(d: date) -> str:
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


def _parse_params(text: str) -> float:
    """A parameter-slider value from the URL: one of the slider's labels, e.g. '70B' (or '70', '70b')."""
    if not text.isascii():
        raise ValueError(text)
    value = float(text.removesuffix("B").removesuffix("b"))
    if value not in PARAM_LADDER:
        raise ValueError(text)
    return value


def sidebar_filters() -> Filters:
    """Render the shared filters (bound to the URL, kept across pages) and return them."""
    bounds = query("data_bounds").row(0, named=True)
    countries_df = query("country_options")
    fields = {f.name: f for f in contract().table("models").fields}
    sb = st.sidebar
    sb.header("Filters", anchor=False)

    country_opts = countries_df["country"].to_list()
    links.guard_multi("country", country_opts, format_func=country_label, resolve=country_code,
                      reason=lambda v: "not a country with releases in the data "
                                       "(use names or ISO 3166-1 codes such as United States, US, CN)")
    countries = sb.multiselect("Country", country_opts, key="country", bind="query-params",
                               persist_state="session", placeholder="All countries", format_func=country_label,
                               filter_mode="contains",  # typing 'CN' offers China (CN), not also Canada
                               help="Where the publishers have their headquarters, with the ISO 3166-1 code.")

    org_df = query("organization_options", countries=countries)
    org_opts = org_df["organization"].to_list()
    org_labels = {o: display.org_label(o, n) for o, n in zip(org_opts, org_df["releases"])}
    home = dict(query("organization_countries").iter_rows())

    def org_reason(value: str) -> str:
        name = display.org_from_link(value, set(home)) or value
        if name in home:
            return f"outside the chosen countries ({name} is in {country_name(home[name])})"
        return "not an organization in the data"
    links.guard_multi("org", org_opts, format_func=org_labels.__getitem__, reason=org_reason,
                      resolve=lambda v: display.org_from_link(v, set(org_labels)))
    if "org" in st.session_state:
        kept = [o for o in st.session_state["org"] if o in org_opts]
        # A chosen organization whose count changed (new data) would no longer match what the browser holds.
        before = st.session_state.get(ORG_LABELS_KEY, {})
        relabelled = [o for o in kept if before.get(o, org_labels[o]) != org_labels[o]]
        if kept != st.session_state["org"] or relabelled:
            st.session_state["org"] = kept
    st.session_state[ORG_LABELS_KEY] = org_labels
    orgs = sb.multiselect("Organization", org_opts, key="org", bind="query-params", persist_state="session",
                          placeholder="All organizations", format_func=lambda o: org_labels.get(o, o),
                          help="With each organization's number of releases in the chosen countries.")

    # Whole months: the range runs from the first day of its first month to the last day of its last month.
    months = month_starts(date(bounds["first_release"].year, 1, 1),
                          max(bounds["last_release"], date.fromisoformat(contract().data_as_of)))
    lo, hi = months[0], months[-1]
    links.guard_range("date", _parse_month, lo, hi, (lo, hi), form=_fmt_month)
    d_from, d_to = sb.select_slider("Release date (months)", options=months, value=(lo, hi), key="date",
                                    bind="query-params", persist_state="session", format_func=_fmt_month,
                                    help="Whole months: from the first day of the first month to the last day "
                                         "of the last month.")

    def multi(label: str, key: str, column: str) -> list[str]:
        opts = fields[column].constraints["enum"]
        links.guard_multi(key, opts)
        return sb.multiselect(label, opts, key=key, bind="query-params", persist_state="session",
                              placeholder="All")

    modalities = multi("Modality", "modality", "modality")
    architectures = multi("Architecture", "arch", "architecture")
    access = multi("Accessibility", "access", "accessibility")
    evidence_opts = fields["evidence"].constraints["enum"]
    links.guard_multi("evidence", evidence_opts)
    evidence = sb.multiselect("Evidence", evidence_opts, key="evidence", bind="query-params", persist_state="session",
                              placeholder="All grades", help=EVIDENCE_HELP)

    ladder = param_ladder(bounds["max_params_b"])
    links.guard_range("params", _parse_params, ladder[0], ladder[-1], (ladder[0], ladder[-1]), form=_fmt_params)
    p_lo, p_hi = sb.select_slider("Total parameters (billions)", options=ladder, value=(ladder[0], ladder[-1]),
                                  key="params", bind="query-params", persist_state="session",
                                  format_func=_fmt_params,
                                  help="At the full range, models whose size was never disclosed are included.")
    sb.caption("Filters apply to every page and are kept in the link: copy the URL to share this view.")

    return Filters(
        countries=tuple(countries), orgs=tuple(orgs),
        date_from=d_from if d_from > lo else None, date_to=month_end(d_to) if d_to < hi else None,
        modalities=tuple(modalities), architectures=tuple(architectures), accessibility=tuple(access),
        pmin=p_lo if p_lo > ladder[0] else None, pmax=p_hi if p_hi < ladder[-1] else None,
        evidence=tuple(evidence),
    )


def filters() -> Filters:
    """The filters app.py read from the sidebar in this run. Call it first on every page: it also
    opens the slot at the top of the page where app.py lists URL values that were ignored."""
    routing.ensure_routed()
    links.open_notice_slot()
    f = st.session_state.get(FILTERS_KEY) or Filters()
    # One line above the first chart says what the page shows (on a phone the sidebar is folded away).
    st.caption(":material/filter_alt: Showing " + escape_markdown(describe(f)))
    return f


def describe(f: Filters) -> str:
    """The filters and the period shown, for people (the caption above a page, the subtitle of its charts)."""
    bounds = query("data_bounds").row(0, named=True)
    return f.describe(date(bounds["first_release"].year, 1, 1),
                      max(bounds["last_release"], date.fromisoformat(contract().data_as_of)))

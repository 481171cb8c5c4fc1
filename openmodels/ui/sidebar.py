"""The shared sidebar filters: bound to the URL, kept across pages, read once per run by app.py."""

from __future__ import annotations

from datetime import date

import streamlit as st

from openmodels import display
from openmodels.contract import contract
from openmodels.countries import country_code, country_label, country_name
from openmodels.filters import Filters
# The link forms live in openmodels/params.py, shared with the data API (so both take the same values).
from openmodels.params import (COUNTRY_REASON, PARAM_LADDER, month_end, month_starts, param_ladder,  # noqa: F401
                               fmt_month as _fmt_month, fmt_params as _fmt_params, parse_month as _parse_month,
                               parse_params as _parse_params)
from openmodels.ui import links, routing
from openmodels.ui.db import query
from openmodels.text import escape_markdown

FILTERS_KEY = "_filters"
ORG_LABELS_KEY = "_org_labels"  # the Organization options' labels in the last run
EVIDENCE_HELP = ("How well each row is supported. primary: the publisher's own card, post, repo or paper was read. "
                 "reference: facts from Epoch AI's or the ATOM Project's curated datasets, not re-read here. "
                 "reported: no primary source read; two or more independent reports agree. See About.")


def sidebar_filters() -> Filters:
    """Render the shared filters (bound to the URL, kept across pages) and return them."""
    bounds = query("data_bounds").row(0, named=True)
    countries_df = query("country_options")
    fields = {f.name: f for f in contract().table("models").fields}
    sb = st.sidebar
    sb.header("Filters", anchor=False)

    country_opts = countries_df["country"].to_list()
    links.guard_multi("country", country_opts, format_func=country_label, resolve=country_code,
                      reason=lambda v: COUNTRY_REASON)
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

"""Under a download: the link to the same rows in the data API (/api/<view>.csv and .json), with the page's
filters and controls, so a spreadsheet (IMPORTDATA) or a script pulls exactly what the chart shows."""

from __future__ import annotations

from datetime import date
from urllib.parse import urljoin

import streamlit as st

from openmodels import api, views
from openmodels.contract import contract
from openmodels.filters import Filters
from openmodels.params import DATE_KEYS, FilterOptions, filter_pairs, query_string
from openmodels.ui.db import query


def _options() -> FilterOptions:
    table = contract().table("models")
    enums = {c: table.field(c).constraints["enum"] for c in ("modality", "architecture", "accessibility", "evidence")}
    return FilterOptions.of(query("data_bounds").row(0, named=True), date.fromisoformat(contract().data_as_of),
                            query("country_options")["country"].to_list(),
                            dict(query("organization_countries").iter_rows()), enums)


def api_url(key: str, f: Filters, fmt: str = "csv") -> str | None:
    """The API address of the download with this key under these filters and the page's current controls;
    None when no view serves that download."""
    v = views.BY_KEY.get(key)
    if v is None:
        return None
    pairs = [p for p in filter_pairs(f, _options()) if v.uses_filters or p[0] in DATE_KEYS]
    values = {}
    for c in v.controls:
        value = st.session_state.get(c.key)
        if c.kind == "text" and isinstance(value, str) and len(value) <= c.options:
            values[c.key] = value.strip()
        elif c.kind != "text" and value is not None:
            values[c.key] = value
    qs = query_string(pairs + views.control_pairs(v, values))
    return urljoin(st.context.url or "/", f"/api/{v.name}.{fmt}") + (f"?{qs}" if qs else "")


def show(key: str, f: Filters) -> None:
    """A small line under the download button, when this server serves the API (make run does)."""
    if api.SERVED and (csv := api_url(key, f)):
        st.caption(f"Data API: [CSV]({csv}) · [JSON]({api_url(key, f, 'json')})",
                   help="The same rows for a script or a spreadsheet, e.g. =IMPORTDATA(\"<the CSV link>\").")

"""Page controls bound to the URL (a choice, a switch, event markers) and the empty state."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import streamlit as st

from openmodels.charts import add_event_markers
from openmodels.contract import contract
from openmodels.filters import Filters
from openmodels.ui.db import query
from openmodels.ui.links import guard_multi, guard_single

EVENT_CATEGORIES = contract().table("events").field("category").constraints["enum"]


def choice(label: str, options: list[str], key: str, default: str, **kw) -> str:
    guard_single(key, options, default, kw.get("format_func") or str)
    value = st.segmented_control(label, options, default=default, key=key, bind="query-params",
                                 persist_state="session", required=True, **kw)
    return value if value in options else default


def number_choice(label: str, options: list[int], key: str, default: int) -> int:
    guard_single(key, options, default)
    value = st.selectbox(label, options, index=options.index(default), key=key, bind="query-params",
                         persist_state="session")
    return value if value in options else default


def switch(label: str, key: str, default: bool = False) -> bool:
    guard_single(key, [True, False], default)
    return st.toggle(label, value=default, key=key, bind="query-params", persist_state="session")


def event_marker_controls(key: str = "events", on_by_default: bool = False,
                          categories: list[str] | None = None) -> list[str]:
    """A toggle and a category choice for event markers; returns the chosen categories ([] = off)."""
    cols = st.columns([1, 3])
    with cols[0]:
        on = switch("Show events", key, on_by_default)
    if not on:
        return []
    with cols[1]:
        guard_multi(f"{key}_cat", EVENT_CATEGORIES)
        cats = st.multiselect("Event categories", EVENT_CATEGORIES, default=categories or EVENT_CATEGORIES,
                              key=f"{key}_cat", bind="query-params", persist_state="session")
    return cats


def markers(fig: go.Figure, f: Filters, categories: list[str]) -> go.Figure:
    if not categories:
        return fig
    # One marker per day and category, counted in SQL: a chart draws the same whatever the number of events.
    events = query("event_markers", categories=categories, event_countries=[], date_from=f.date_from,
                   date_to=f.date_to)
    return add_event_markers(fig, events)


def evidence_note(f: Filters, what: str = "models") -> None:
    """Under a time chart: how many of the filtered rows it draws rest on less than a primary source."""
    counts = dict(query("evidence_counts", f).iter_rows())
    total = sum(counts.values())
    below = total - counts.get("primary", 0)
    if not total:
        return
    st.caption(f"Evidence: {below} of the {total} {what} the filters pick are below primary "
               f"({counts.get('reference', 0)} from reference datasets, {counts.get('reported', 0)} reported); "
               "the Evidence filter in the sidebar narrows them.")


def coverage_note(as_of: date) -> None:
    """Say up to which day the data was cross-checked against a complete reference list, when later
    months are shown: their counts are lower bounds, not evidence of a decline."""
    checked = date.fromisoformat(contract().cross_checked_to)
    if checked < as_of:
        st.info(f"Releases up to {checked:%d %B %Y} were cross-checked against a complete reference list "
                "(Epoch AI's); later ones rest on the labs' own pages and reports and are still being filled in. "
                "Counts after that day undercount: a fall there is not evidence of a decline.",
                icon=":material/hourglass_top:")


def empty_state(message: str = "No models match the current filters.") -> None:
    st.info(message + " Widen the filters in the sidebar to see data.", icon=":material/filter_alt_off:")


TOP_N_OPTIONS = [3, 5, 8, 10, 15]
TOP_N_DEFAULT = 5  # the same default on every page that groups the smaller countries as Other


def top_n(key: str, label: str = "Top N countries (when none is chosen)") -> int:
    """How many countries a chart names before grouping the rest as Other: same options and default everywhere."""
    return number_choice(label, TOP_N_OPTIONS, key, TOP_N_DEFAULT)


def page_number(label: str, key: str, pages: int) -> int:
    """A page number from 1 to `pages`, bound to the URL; a link's page that does not exist is ignored with a
    notice (Streamlit itself puts an out-of-range value back to 1, also when the filters leave fewer pages)."""
    guard_single(key, list(range(1, pages + 1)), 1)
    value = st.number_input(label, min_value=1, max_value=pages, value=1, step=1, key=key, bind="query-params",
                            persist_state="session")
    return value if isinstance(value, int) and 1 <= value <= pages else 1

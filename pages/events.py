"""Events: what moved the race, and releases before vs after any one of them."""

import math

import streamlit as st

from openmodels.charts import event_window_chart, events_timeline_chart
from openmodels import display
from openmodels.countries import country_code, country_label, country_name
from openmodels.filters import Filters
from openmodels.ui import db, downloads, links, sidebar, widgets

TABLE_ROWS = 500

f = sidebar.filters()
st.title("Events", anchor=False)
st.caption("Policy, export controls, corporate strategy, releases, statements, market moves and ecosystem "
           "events, each with its primary source.")

everything = db.query("events_timeline", categories=[], event_countries=[], date_from=None, date_to=None)
c1, c2 = st.columns(2)
with c1:
    links.guard_multi("ev_cat", widgets.EVENT_CATEGORIES)
    cats = st.multiselect("Category", widgets.EVENT_CATEGORIES, key="ev_cat", bind="query-params",
                          persist_state="session", placeholder="All categories")
with c2:
    ev_countries = sorted(everything["country"].unique().to_list())
    links.guard_multi("ev_country", ev_countries, format_func=country_label, resolve=country_code)
    countries = st.multiselect("Country or bloc", ev_countries, key="ev_country", bind="query-params",
                               persist_state="session", placeholder="All", format_func=country_label,
                               filter_mode="contains")

events = db.query("events_timeline", categories=cats, event_countries=countries,
                  date_from=f.date_from, date_to=f.date_to)
st.caption(f"{events.height} events (the sidebar's release-date range applies).")
if events.is_empty():
    widgets.empty_state("No event matches these choices.")
else:
    span = sidebar.describe(Filters(date_from=f.date_from, date_to=f.date_to)).rsplit(" · ", 1)[-1]
    # The chart draws one marker per day and category (counted in SQL); the table shows one page of the events.
    markers = db.query("event_markers", categories=cats, event_countries=countries, date_from=f.date_from,
                       date_to=f.date_to)
    downloads.chart(events_timeline_chart(markers), events, "events", "timeline", f, "timeline",
                    subtitle=" · ".join([", ".join(cats) or "all categories",
                                         ", ".join(country_name(c) for c in countries) or "all countries", span]))
    pages = math.ceil(events.height / TABLE_ROWS)
    page = widgets.page_number(f"Page (of {pages}, {TABLE_ROWS} events a page, newest first)", "ev_page", pages) \
        if pages > 1 else 1
    newest = events.sort("date", descending=True, maintain_order=True)
    st.dataframe(display.with_country_labels(newest.slice((page - 1) * TABLE_ROWS, TABLE_ROWS)), hide_index=True,
                 column_config={
                     "source_url": st.column_config.LinkColumn("Source", display_text="source"),
                     "description": st.column_config.TextColumn("Description", width="large"),
                 })

st.subheader("Event window: releases before vs after", anchor=False)
choices = db.query("event_choices")  # one per day and title: the list stays short however many events share one
ids = choices["event_id"].to_list()
titles = dict(zip(ids, (f"{d} · {t}" for d, t in zip(choices["date"], choices["title"]))))
default_event = "deepseek-r1-release" if "deepseek-r1-release" in ids else (ids[-1] if ids else None)
if default_event is None:
    widgets.empty_state("There are no events in the dataset.")
    st.stop()
c3, c4, c5 = st.columns([3, 1, 1])
with c3:
    links.guard_single("event", ids, default_event, titles.get)
    event_id = st.selectbox("Event", ids, index=ids.index(default_event), format_func=titles.get, key="event",
                            bind="query-params", persist_state="session")
with c4:
    months = widgets.number_choice("Months", [3, 6, 12, 24], "months", 6)
with c5:
    top_n = widgets.top_n("ev_top", "Top N countries")
result = db.query("event_window", f, event_id=event_id, months=months, top_n=top_n)
unplaced = int(result.filter(result["event_window"] == "same month, day unknown")["releases"].sum())
window = result.filter(result["event_window"] != "same month, day unknown")
if window.is_empty():
    widgets.empty_state(f"No release matches the filters in the {months} months around this event.")
else:
    downloads.chart(event_window_chart(window, titles[event_id], months), window, "events",
                    f"window_{event_id}_{months}m", f, "window")
    widgets.evidence_note(f)
    st.caption("Releases known only to their month are placed by that month"
               + (f"; {unplaced} in the event's own month cannot be placed before or after and are left out."
                  if unplaced else "."))

downloads.bundle("events", f)

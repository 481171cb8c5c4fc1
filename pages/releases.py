"""Releases: how many open-weight models each country released, per month, quarter or year."""

import streamlit as st

from openmodels.charts import releases_chart
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Releases", anchor=False)
st.caption("Open-weight releases per period by country: the chosen countries, or the top N plus Other.")

c1, c2, c3 = st.columns(3)
with c1:
    period = widgets.choice("Period", ["month", "quarter", "year"], "period", "quarter")
with c2:
    mode = widgets.choice("Chart", ["stacked", "lines", "percent"], "mode", "stacked",
                          help="percent: each period's releases as 100%")
with c3:
    unit = widgets.choice("Count", ["checkpoints", "families"], "unit", "checkpoints",
                          help="checkpoints: one row per model size. families: the sizes of one family "
                               "released by one organization on one day count once (a family launch).")
c4, c5 = st.columns([1, 3])
with c4:
    cumulative = widgets.switch("Cumulative", "cumulative")
with c5:
    top_n = widgets.top_n("top")
cats = widgets.event_marker_controls()

widgets.coverage_note(db.query("dataset_meta").row(0, named=True)["data_as_of"])
data = db.query("releases_by_country_period", f, period=period, unit=unit, top_n=top_n)
if data.is_empty():
    widgets.empty_state()
else:
    value = "share_pct" if mode == "percent" else "cumulative_releases" if cumulative else "releases"
    if mode == "percent" and cumulative:
        st.caption("The 100% view shows each period's shares; cumulative does not apply to it.")
    frame = data.select("period_start", "country_group", value)
    fig = widgets.markers(releases_chart(frame, value, mode, period, unit, db.data_as_of()), f, cats)
    downloads.chart(fig, frame, "releases", f"by_{period}", f, "releases")
    widgets.evidence_note(f)

downloads.bundle("releases", f)

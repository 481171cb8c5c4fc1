"""Compute: training compute of open-weight models over time, by country, against the export controls."""

import streamlit as st

from openmodels.charts import compute_chart
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Compute", anchor=False)
st.caption("Training compute (FLOP) of each open-weight model that has a published figure, log scale, with each "
           "country's record line. The export-control events are marked by default: did the chip rules slow "
           "the compute behind China's open models?")

frontier_on = widgets.switch("Record line per country", "c_frontier", True)
cats = widgets.event_marker_controls("c_events", on_by_default=True, categories=["export-control"])
points = db.query("compute_scatter", f)
if points.is_empty():
    widgets.empty_state("No model with a training-compute figure matches the current filters.")
else:
    frontier = db.query("compute_frontier", f) if frontier_on else None
    downloads.chart(widgets.markers(compute_chart(points, frontier), f, cats), points, "compute",
                    "training_compute", f, "compute")
    if frontier is not None:
        downloads.download(frontier, "compute", "record_by_country", f, "c_record", label="Download records (CSV)")
    counts = dict(db.query("evidence_counts", f).iter_rows())
    st.caption(f"{points.height} of the {sum(counts.values())} models the filters pick have a training-compute "
               "figure: most are Epoch AI's estimates (their notes say so), a few come from the technical report. "
               "Models without a published figure are not drawn, so the chart shows the disclosed part of the "
               "field, not all of it.")
    widgets.evidence_note(f)

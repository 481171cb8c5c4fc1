"""Compute: training compute of open-weight models over time, by country, against the export controls."""

import polars as pl
import streamlit as st

from openmodels.charts import SCATTER_MAX_POINTS, compute_chart
from openmodels.filters import Filters
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Compute", anchor=False)
st.caption("Training compute (FLOP) of each open-weight model that has a published figure, log scale, with each "
           "country's record line. The export-control events are marked by default: did the chip rules slow "
           "the compute behind China's open models?")


def marked_chart(points: pl.DataFrame, frontier: pl.DataFrame | None, total: int, f: Filters, cats: list[str]):
    return widgets.markers(compute_chart(points, frontier, total), f, cats)


@st.fragment
def chart(f: Filters) -> None:
    """The chart's own toggles rerun only this block, not the page."""
    frontier_on = widgets.switch("Record line per country", "c_frontier", True)
    cats = widgets.event_marker_controls("c_events", on_by_default=True, categories=["export-control"])
    points = db.query("compute_scatter", f, limit=SCATTER_MAX_POINTS)
    if points.is_empty():
        widgets.empty_state("No model with a training-compute figure matches the current filters.")
        return
    total = db.query("scatter_point_counts", f)["with_compute"][0]
    frontier = db.query("compute_frontier", f) if frontier_on else None
    downloads.chart(db.figure(marked_chart, points, frontier, total, f, cats), points, "compute", "training_compute",
                    f, "compute")
    if frontier is not None:
        downloads.download(frontier, "compute", "record_by_country", f, "c_record", label="Download records (CSV)")
    counts = dict(db.query("evidence_counts", f).iter_rows())
    st.caption(f"{total} of the {sum(counts.values())} models the filters pick have a training-compute "
               "figure: most are Epoch AI's estimates (their notes say so), a few come from the technical report. "
               "Models without a published figure are not drawn, so the chart shows the disclosed part of the "
               "field, not all of it.")
    widgets.evidence_note(f)


chart(f)

downloads.bundle("compute", f)

"""Scale: parameters over time, the frontier per country, and details of any model clicked."""

import polars as pl
import streamlit as st

from openmodels import display
from openmodels.charts import SCATTER_MAX_POINTS, scale_chart, size_leads_chart
from openmodels.countries import country_name
from openmodels.filters import Filters
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Scale", anchor=False)
st.caption("Each point is one open-weight checkpoint (log scale). Dotted lines: the largest open model a "
           "country had released so far. Click a point for its details and source.")


def marked_chart(points: pl.DataFrame, metric: str, frontier: pl.DataFrame | None, total: int, f: Filters,
                 cats: list[str]):
    return widgets.markers(scale_chart(points, metric, frontier, total), f, cats)


@st.fragment
def chart_and_details(f: Filters) -> None:
    """The chart's own toggles and a click on a point rerun only this block, not the page."""
    c1, c2 = st.columns([1, 3])
    with c1:
        metric = widgets.choice("Parameters", ["total", "active"], "metric", "total",
                                help="active: parameters used per token (equal to total for dense models)")
    with c2:
        frontier_on = widgets.switch("Frontier line per country", "frontier", True)
    cats = widgets.event_marker_controls()

    points = db.query("models_scatter", f, limit=SCATTER_MAX_POINTS)
    if points.is_empty():
        widgets.empty_state("No model with a disclosed size matches the current filters.")
        return
    total = db.query("scatter_point_counts", f)["sized"][0]
    frontier = db.query("frontier_by_country", f, metric=metric) if frontier_on else None
    fig = db.figure(marked_chart, points, metric, frontier, total, f, cats)
    event = downloads.chart(fig, points, "scale", f"{metric}_parameters", f, "scale",
                            on_select="rerun", selection_mode="points")
    widgets.evidence_note(f)
    if frontier is not None:
        downloads.download(frontier, "scale", f"frontier_{metric}", f, "frontier",
                           label="Download frontier (CSV)")
    picked = [p["customdata"][0] for p in (event.selection.points if event else []) if p.get("customdata")]
    st.subheader("Model details", anchor=False)
    if not picked:
        st.caption("Click a point in the chart to see the model's row and source here.")
    for model_id in picked[:5]:
        row = db.query("model_detail", model_id=model_id)
        if row.is_empty():
            continue
        m = row.row(0, named=True)
        with st.container(border=True):
            st.text(f"{m['name']} · {m['organization']} ({country_name(m['country'])}) · "
                    f"released {m['release_date']}")
            shown = display.with_country_labels(row).drop("notes")
            st.dataframe(shown.transpose(include_header=True, header_name="field",
                                         column_names=["value"]).with_columns(pl.col("value").cast(pl.String)),
                         hide_index=True)
            if m["notes"]:
                st.text(m["notes"])
            st.link_button("Open the source", m["source_url"], icon=":material/open_in_new:")


chart_and_details(f)


def size_leads(f: Filters) -> None:
    """Who got to each size first: the US, China or the rest of the world, and by how many months."""
    st.subheader("Who led at each size", anchor=False)
    st.caption("The first open release at or above each size from the United States, China and the rest of the "
               "world, and how many months (of 30.4 days) separate the US and China firsts. The sidebar filters "
               "apply, except the parameter range. A release known only to the month counts from its first day.")
    leads = db.query("size_leads", f)
    if leads.select("us_date", "cn_date", "row_date").null_count().row(0) == (leads.height,) * 3:
        widgets.empty_state("No model matching the filters reaches 10B parameters.")
        return
    downloads.chart(size_leads_chart(leads), leads, "scale", "size_leads", f, "size_leads")
    st.dataframe(leads, hide_index=True, key="size_leads_table", column_config={
        "metric": "Parameters", "threshold_b": st.column_config.NumberColumn("At least (B)", format="%g"),
        "us_model": "US first", "us_organization": "US organization",
        "us_date": st.column_config.DateColumn("US date", format="YYYY-MM-DD"),
        "cn_model": "China first", "cn_organization": "China organization",
        "cn_date": st.column_config.DateColumn("China date", format="YYYY-MM-DD"),
        "row_model": "Rest of world first", "row_organization": "Rest of world organization",
        "row_date": st.column_config.DateColumn("Rest of world date", format="YYYY-MM-DD"),
        "leader": "Led (US vs China)", "lead_months": st.column_config.NumberColumn("Lead (months)", format="%.1f")})


size_leads(f)
downloads.bundle("scale", f)

"""MoE: how Mixture-of-Experts took over."""

import polars as pl
import streamlit as st

from openmodels.charts import SCATTER_MAX_POINTS, SHARE_MIN_RELEASES, active_ratio_chart, moe_share_chart
from openmodels import display
from openmodels.filters import Filters
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Mixture-of-Experts", anchor=False)
st.caption("A Mixture-of-Experts (MoE) model routes each token through a few of its expert sub-networks, "
           "so only part of its parameters (the active parameters) do work per token.")
cats = widgets.event_marker_controls()


def marked_ratio_chart(ratio: pl.DataFrame, total: int, f: Filters, cats: list[str]):
    return widgets.markers(active_ratio_chart(ratio, total), f, cats)


@st.fragment
def share_chart(f: Filters, cats: list[str]) -> None:
    """The period and top-N choices rerun only this chart, not the page."""
    c1, c2 = st.columns(2)
    with c1:
        period = widgets.choice("Period", ["quarter", "year"], "moe_period", "year")
    with c2:
        top_n = widgets.top_n("moe_top")
    share = db.query("moe_share_by_country_period", f, period=period, top_n=top_n)
    if share.is_empty():
        widgets.empty_state()
        return
    downloads.chart(widgets.markers(moe_share_chart(share, period, db.data_as_of()), f, cats), share, "moe",
                    f"share_by_{period}", f, "moe_share")
    st.caption(f"A period with fewer than {SHARE_MIN_RELEASES} releases in a group is a faded point, not joined to "
               "its neighbours: a share of one or two releases says little. The dashed line marks 50%.")
    widgets.evidence_note(f)


share_chart(f, cats)

st.subheader("Each organization's first MoE release", anchor=False)
first = db.query("first_moe_by_organization", f)
if first.is_empty():
    widgets.empty_state("No MoE model matches the current filters.")
else:
    st.dataframe(display.with_country_labels(first), hide_index=True, column_config={
        "organization": "Organization", "country": "Country", "first_moe_model": "First MoE model",
        "first_moe_date": st.column_config.DateColumn("First MoE release", format="YYYY-MM-DD"),
        "params_total_b": st.column_config.NumberColumn("Total (B)", format="%g"),
        "params_active_b": st.column_config.NumberColumn("Active (B)", format="%g"),
    })
    downloads.download(first, "moe", "first_by_organization", f, "moe_first")

ratio = db.query("moe_active_ratio", f, limit=SCATTER_MAX_POINTS)
if not ratio.is_empty():
    total = db.query("scatter_point_counts", f)["moe_sized"][0]
    downloads.chart(db.figure(marked_ratio_chart, ratio, total, f, cats), ratio, "moe", "active_ratio", f,
                    "moe_ratio")
    widgets.evidence_note(f)

downloads.bundle("moe", f)

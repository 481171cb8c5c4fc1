"""Organizations: which organizations release the most open-weight models, per month, quarter or year."""

import streamlit as st

from openmodels.charts import organizations_chart
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Organizations", anchor=False)
st.caption("Open-weight releases (checkpoints) per period by organization: the chosen organizations, or the "
           "top N plus Other. The country code follows each name; colours mark organizations, not countries.")

c1, c2, c3 = st.columns(3)
with c1:
    period = widgets.choice("Period", ["month", "quarter", "year"], "org_period", "quarter")
with c2:
    mode = widgets.choice("Chart", ["stacked", "lines"], "org_mode", "stacked")
with c3:
    top_n = widgets.top_n("org_top", "Top N organizations (when none is chosen)")
cats = widgets.event_marker_controls()

widgets.coverage_note(db.data_as_of())
data = db.query("releases_by_organization_period", f, period=period, top_n=top_n)
if data.is_empty():
    widgets.empty_state()
else:
    fig = widgets.markers(organizations_chart(data, mode, period, db.data_as_of()), f, cats)
    downloads.chart(fig, data, "organizations", f"by_{period}", f, "organizations")
    widgets.evidence_note(f)
    st.subheader("Every organization in the filters", anchor=False)
    table = db.query("releases_by_organization", f)
    st.dataframe(table, hide_index=True, key="org_table", column_config={
        "organization": "Organization", "country": "Country", "releases": "Releases",
        "first_release": st.column_config.DateColumn("First release", format="YYYY-MM-DD"),
        "latest_release": st.column_config.DateColumn("Latest release", format="YYYY-MM-DD")})
    downloads.download(table, "organizations", "table", f, "org_table", label="Download table (CSV)")
downloads.bundle("organizations", f)

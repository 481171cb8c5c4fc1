"""Open Model Geopolitics: the router. Page config, the shared sidebar filters, the page list."""

import streamlit as st

from openmodels.ui import db, links, routing, sidebar, startup

# An emoji icon is drawn by the browser; a :material/...: page icon would be fetched from Google's servers.
st.set_page_config(page_title="Open Model Geopolitics", page_icon="🌐", layout="wide")
startup.check()

page = st.navigation([
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/releases.py", title="Releases", icon=":material/bar_chart:", url_path="releases"),
    st.Page("pages/organizations.py", title="Organizations", icon=":material/apartment:", url_path="organizations"),
    st.Page("pages/scale.py", title="Scale", icon=":material/scatter_plot:", url_path="scale"),
    st.Page("pages/moe.py", title="MoE", icon=":material/hub:", url_path="moe"),
    st.Page("pages/compute.py", title="Compute", icon=":material/memory:", url_path="compute"),
    st.Page("pages/licenses.py", title="Licenses", icon=":material/gavel:", url_path="licenses"),
    st.Page("pages/events.py", title="Events", icon=":material/event:", url_path="events"),
    st.Page("pages/explorer.py", title="Explorer", icon=":material/table:", url_path="explorer"),
    st.Page("pages/about.py", title="About", icon=":material/info:", url_path="about"),
])
db.database()  # builds the database on first use; shows the error page if the CSVs are invalid
routing.mark_routed()
st.session_state[sidebar.FILTERS_KEY] = sidebar.sidebar_filters()
page.run()
links.report_unknown_params()
links.show_url_notes()

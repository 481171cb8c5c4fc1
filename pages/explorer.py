"""Explorer: every filtered model as a searchable, sortable table, with its source."""

import streamlit as st

from openmodels.ui import db, downloads, links, sidebar, widgets

SEARCH_MAX = 200

f = sidebar.filters()
st.title("Explorer", anchor=False)
links.guard_text("q", SEARCH_MAX)
search = st.text_input("Search name, family, organization, license or notes", key="q", bind="query-params",
                       max_chars=SEARCH_MAX, placeholder="e.g. Qwen3, Apache-2.0, reasoning")
search = links.text_value("q", search)
rows = db.query("explorer_models", f, search=search.strip())
st.markdown(f"**{rows.height}** models match the filters" + (" and the search" if search.strip() else "")
            + ". Every matching row is below; sort by clicking a column header.")
if search.strip():
    st.text(f"Search: {search.strip()}")  # user text as text, never markdown
if rows.is_empty():
    widgets.empty_state("No model matches the filters and search.")
else:
    st.dataframe(rows, hide_index=True, height=min(38 * rows.height + 40, 700), column_config={
        "source_url": st.column_config.LinkColumn("Source"),
        "hf_repo": st.column_config.TextColumn("Hugging Face repo"),
        "release_date": st.column_config.DateColumn("Released"),
        "verified_on": st.column_config.DateColumn("Verified on"),
        "params_total_b": st.column_config.NumberColumn("Total (B)"),
        "params_active_b": st.column_config.NumberColumn("Active (B)"),
    })
what = "models_search-" + "".join(c if c.isalnum() else "-" for c in search.strip())[:40] if search.strip() else "models"
downloads.download(rows, "explorer", what, f, "explorer", label="Download these rows (CSV, models.csv columns)")

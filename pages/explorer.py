"""Explorer: every filtered model as a searchable table, page by page, with its source."""

import math

import streamlit as st

from openmodels import display
from openmodels.ui import db, downloads, links, sidebar, widgets

SEARCH_MAX = 200
PAGE_SIZES = [50, 100, 500]

f = sidebar.filters()
st.title("Explorer", anchor=False)
links.guard_text("q", SEARCH_MAX)
search = st.text_input("Search name, family, organization, license or notes", key="q", bind="query-params",
                       max_chars=SEARCH_MAX, placeholder="e.g. Qwen3, Apache-2.0, reasoning")
search = links.text_value("q", search).strip()
count = db.query("explorer_count", f, search=search)["models"][0]
st.markdown(f"**{count}** models match the filters" + (" and the search" if search else "")
            + ", newest first.")
if search:
    st.text(f"Search: {search}")  # user text as text, never markdown
if not count:
    widgets.empty_state("No model matches the filters and search.")
else:
    c1, c2, _ = st.columns([1, 1, 3])
    with c1:
        size = widgets.number_choice("Rows per page", PAGE_SIZES, "rows", PAGE_SIZES[0])
    with c2:
        page = widgets.page_number(f"Page (of {math.ceil(count / size)})", "page", math.ceil(count / size))
    rows = db.query("explorer_models", f, search=search, limit=size, offset=(page - 1) * size)
    st.caption(f"Rows {(page - 1) * size + 1}–{(page - 1) * size + rows.height} of {count}. Clicking a column "
               "header sorts the rows of this page; the download holds every matching row.")
    shown = display.with_country_labels(rows)  # 'China (CN)'; the download keeps the code
    st.dataframe(shown, hide_index=True, height=min(38 * rows.height + 40, 700), column_config={
        **display.MODEL_COLUMN_LABELS,
        "source_url": st.column_config.LinkColumn("Source"),
        "hf_repo": st.column_config.TextColumn("Hugging Face repo"),
        "release_date": st.column_config.DateColumn("Released", format="YYYY-MM-DD"),
        "verified_on": st.column_config.DateColumn("Verified on", format="YYYY-MM-DD"),
        "params_total_b": st.column_config.NumberColumn("Total (B)", format="%g"),
        "params_active_b": st.column_config.NumberColumn("Active (B)", format="%g"),
        "training_compute_flop": st.column_config.NumberColumn("Training compute (FLOP)", format="%.3g"),
    })
what = "models_search-" + "".join(c if c.isalnum() else "-" for c in search)[:40] if search else "models"
# downloads.download takes a frame: the whole result, shared from the query cache (not copied per session).
everything = db.query("explorer_models", f, search=search, limit=None, offset=0)
downloads.download(everything, "explorer", what, f, "explorer",
                   label="Download every matching row (CSV, models.csv columns)")

downloads.bundle("explorer", f)

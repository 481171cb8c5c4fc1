"""About: method, data dictionary (rendered from the contract), sources, version and citation."""

import polars as pl
import streamlit as st

from openmodels.contract import contract
from openmodels.ui import db, downloads, sidebar

f = sidebar.filters()
meta = db.query("dataset_meta").row(0, named=True)
c = contract()
st.title("About this dataset", anchor=False)
st.markdown(f"""
**{c.title}**, version **{meta['dataset_version']}**, data as of **{meta['data_as_of']}**
({meta['models_rows']} models, {meta['events_rows']} events). Built {meta['built_at']:%Y-%m-%d %H:%M UTC}.

### Method
- **What counts as a release.** One row per open-weight checkpoint at a given size whose weights anyone can
  download. Base and instruct variants of one size released together are one row; a later re-release (an
  updated "-2507" checkpoint, say) is its own row with its own date. The release date is the first day the
  weights were publicly downloadable. Closed and API-only models, community fine-tunes and merges are out. A
  lab's own model built on another lab's open base (continued pre-training or post-training: K2 Think on
  Qwen2.5, the Swallow models, Sarvam-M) counts as that lab's release; its notes name the base model.
- **Family launches.** Rows that share organization, family and release date form one family launch; the
  Releases page can count either.
- **Country** is the publisher's headquarters (ISO 3166-1 alpha-2), not where the authors or compute are.
  One organization always has one country.
- **Accessibility** follows Epoch AI's open-weights classes: *unrestricted* (OSI-approved or equally free terms:
  Apache-2.0, MIT, …), *restricted-use* (custom terms with use, user-count, naming or region limits: Llama,
  Gemma, …), *non-commercial* (research or non-commercial use only). When no primary source for a model's
  license could be read, license and class stay blank (notes say so) and the charts count the row as
  *unconfirmed*; the share of unrestricted releases is taken over the rows whose license is known.
  **Openness** records what else was published: training code, training data.
- **Parameters** are in billions as the model card states them. A blank means never disclosed, explained in
  the row's notes (xAI, for one, never published Grok 2's size); such rows are left out of size charts. For
  MoE models, *active* parameters are those used per token.
- **Sources.** Every row links a primary source (model card, official post, paper, technical report or
  filing) and says when it was last checked (`verified_on`). Secondary summaries are not used as sources.
""")

st.subheader("Data dictionary", anchor=False)
for table in c.tables:
    st.markdown(f"**{table.path}** — {table.description}")
    st.dataframe(pl.DataFrame({
        "column": [fl.name for fl in table.fields],
        "type": [fl.type for fl in table.fields],
        "required": [fl.required for fl in table.fields],
        "description": [fl.description for fl in table.fields],
        "allowed values": [", ".join(fl.constraints.get("enum", []))[:200] or fl.constraints.get("pattern", "")
                           for fl in table.fields],
    }), hide_index=True, height=35 * (len(table.fields) + 1) + 3)
    if table.rules:
        st.markdown("Rules across columns:\n" + "\n".join(f"- {r['description']}" for r in table.rules))

st.subheader("Sources", anchor=False)
sources = db.query("source_domains")
st.markdown(f"The rows cite **{sources.height}** source sites. Every row's own link is in the Explorer and in "
            "the downloaded CSV.")
st.text("Most cited: " + ", ".join(sources["site"].head(3).to_list()))  # data as text, never markdown
st.dataframe(sources, hide_index=True, height=300)
downloads.download(sources, "about", "source_sites", f, "sources")

st.subheader("Cite", anchor=False)
st.code(f"Open Model Geopolitics (version {meta['dataset_version']}, data as of {meta['data_as_of']}). "
        "Open-weight AI model releases and events, by country and organization. "
        "Dataset and dashboard, CC-BY-4.0.", language=None, wrap_lines=True)

st.subheader("Add or correct a model", anchor=False)
st.markdown("""
1. Edit `data/models.csv` (or `data/events.csv`): one row, every required column, a primary `source_url`,
   today's date in `verified_on`. Leave unknown facts blank and say why in `notes`.
2. Run `python -m openmodels validate`: it names the file, line and column of every problem.
3. Open a pull request. The dashboard rebuilds its database by itself when the CSVs change.
""")
st.caption(f"models.csv sha256 {meta['models_csv_sha256'][:16]}… · events.csv sha256 {meta['events_csv_sha256'][:16]}…")

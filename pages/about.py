"""About: method, data dictionary (rendered from the contract), sources, version and citation."""

import polars as pl
import streamlit as st

from openmodels import citation, definitions, limitations
from openmodels.contract import contract
from openmodels.filters import Filters
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
  *unconfirmed*; the share of unrestricted releases is taken over the rows whose class is known. A row graded
  *reference* may carry Epoch AI's class without a license that was read here (its notes say so).
  **Openness** records what else was published: training code, training data.
- **Parameters** are in billions as the model card states them. A blank means never disclosed, explained in
  the row's notes (xAI, for one, never published Grok 2's size); such rows are left out of size charts. For
  MoE models, *active* parameters are those used per token.
- **Release dates** are days (`date_precision` = day) or, when only the month is known, the first day of that
  month (`date_precision` = month, notes say so). Monthly, quarterly and yearly charts use both; the event
  window places a month row by its month and leaves out those in the event's own month.
- **Training compute** (`training_compute_flop`) is filled where Epoch AI or the technical report gives it.
- **Sources.** Every row links the model's primary source (model card, official post, paper, technical report
  or filing) when one is known, and says when it was last checked (`verified_on`).
""")

st.subheader("Evidence grades", anchor=False)
grades = db.query("evidence_counts", Filters())
counts = dict(grades.iter_rows())
st.markdown(f"""
Every row says how well its facts are supported, in `evidence`; the sidebar's **Evidence** filter narrows any
chart to some grades, and every time chart says how many of its rows are below *primary*.

| grade | meaning | rows |
|---|---|---|
| **primary** | A primary source (model card, official post or repo, paper, technical report, filing) was read and states every filled fact. | {counts.get('primary', 0)} |
| **reference** | The facts come from a curated public dataset, Epoch AI's *Data on AI Models* or the ATOM Project's tracked-models metadata, whose link is the model's primary source; not re-read here. Release dates are then often Epoch's publication date (the announcement or paper), which can precede the weights by days or weeks: two random re-checks of 20 such rows in all corrected 9, mostly that date (research/rechecks/2026-12-02*.md). | {counts.get('reference', 0)} |
| **reported** | No primary source could be read, and two or more independent reports agree; the notes name them. | {counts.get('reported', 0)} |

Whenever a row's facts do not all rest on its `source_url`, its notes say which rest on what.

**Credits.** Facts in rows graded *reference* are taken from **Epoch AI, "Data on AI Models"**
(epoch.ai/data/ai-models, CC-BY 4.0) and from the **ATOM Project**'s tracked-models metadata
(Interconnects, Apache-2.0). Both were also used as candidate lists and cross-checks
(`python -m openmodels crosscheck`, `research/recall.py`).
""")

st.subheader("Limitations", anchor=False)
limits = limitations.coverage_by_year(db.query("releases_by_evidence_year", Filters()), contract().cross_checked_to)
st.markdown(limitations.INTRO)
st.dataframe(limits, hide_index=True, column_config=limitations.COLUMN_LABELS)
downloads.download(limits, "about", "coverage_by_year", f, "coverage")
st.markdown(limitations.CANNOT_TELL.format(as_of=meta["data_as_of"], checked=contract().cross_checked_to,
                                           unrestricted=definitions.UNRESTRICTED_SHARE))

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
home = c.descriptor["homepage"]
st.markdown(f"The project, its data and the code of this dashboard are at [{home}]({home}). Cite the dataset as:")
st.code(citation.plain(c, meta["dataset_version"], meta["data_as_of"]), language=None, wrap_lines=True)
st.code(citation.bibtex(c, meta["dataset_version"], meta["data_as_of"]), language="bibtex")
st.caption(citation.HOW_TO_CITE_A_VIEW + " Credit Epoch AI and the ATOM Project for rows graded reference.")

st.subheader("Add or correct a model", anchor=False)
st.markdown("""
1. Edit `data/models.csv` (or `data/events.csv`): one row, every required column, a primary `source_url`,
   today's date in `verified_on`. Leave unknown facts blank and say why in `notes`.
2. Run `python -m openmodels validate`: it names the file, line and column of every problem.
3. [Open a pull request]({home}/pulls) at the repository, [{home}]({home}). The dashboard rebuilds its
   database by itself when the CSVs change.
""".format(home=home))
st.caption(f"models.csv sha256 {meta['models_csv_sha256'][:16]}… · events.csv sha256 {meta['events_csv_sha256'][:16]}…")

downloads.bundle("about", f)

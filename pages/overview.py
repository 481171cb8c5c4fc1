"""Overview: the race at a glance, US vs China vs the rest."""

import dataclasses

import streamlit as st

from openmodels import definitions
from openmodels.charts import cumulative_chart
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
meta = db.query("dataset_meta").row(0, named=True)
as_of = meta["data_as_of"]

st.title("Open Model Geopolitics", anchor=False)
st.markdown("Who publishes open-weight AI models, and how the race between the **United States**, "
            "**China** and **everyone else** is going.")
st.caption(f"Data as of {as_of:%d %B %Y} · dataset v{meta['dataset_version']} · "
           f"{meta['models_rows']} models, {meta['events_rows']} events, each row with its source and evidence grade.")

# The cards always compare the same two windows; the release-date filter applies to the charts below.
card_filters = dataclasses.replace(f, date_from=None, date_to=None)
kpis = db.query("overview_kpis_by_bloc", card_filters, as_of=as_of)
st.subheader(f"The 12 months to {as_of:%B %Y}, compared with the 12 months before", anchor=False)
st.caption(definitions.TWELVE_MONTHS + (" The release-date filter you chose is not applied to these cards."
                                        if f.date_from or f.date_to else ""))
newest = db.query("data_bounds").row(0, named=True)["last_release"]
st.caption(f"The newest release in the data is from {newest:%d %B %Y}, {(as_of - newest).days} days before the "
           "data-as-of date.")
widgets.coverage_note(as_of)


def delta(now, before, unit="", digits=0):
    if now is None or before is None:
        return None
    diff = now - before
    return f"{diff:+.{digits}f}{unit}"


for bloc, cols in zip(["United States", "China", "Rest of world"], st.columns(3, border=True)):
    cur = kpis.filter((kpis["bloc"] == bloc) & (kpis["window_name"] == "last_12_months")).row(0, named=True)
    old = kpis.filter((kpis["bloc"] == bloc) & (kpis["window_name"] == "prior_12_months")).row(0, named=True)
    with cols:
        st.markdown(f"**{bloc}**")
        if not cur["releases"] and not old["releases"]:
            st.metric("Releases", "no releases", help="No release matches the filters in either 12-month window.")
            st.caption("Nothing to compare under the current filters.")
            continue
        st.metric("Releases", cur["releases"], delta(cur["releases"], old["releases"]))
        largest = f"{cur['largest_params_b']:g}B" if cur["largest_params_b"] else "—"
        st.metric("Largest open model to date", largest,
                  delta(cur["largest_params_b"], old["largest_params_b"], "B"), delta_color="off")
        st.text(cur["largest_name"] or "No model with a disclosed size")  # data as text, never markdown
        moe = f"{cur['moe_share_pct']:g}%" if cur["moe_share_pct"] is not None else "—"
        st.metric("MoE share of releases", moe, delta(cur["moe_share_pct"], old["moe_share_pct"], " pts", 1),
                  delta_color="off")
        unr = f"{cur['unrestricted_share_pct']:g}%" if cur["unrestricted_share_pct"] is not None else "—"
        st.metric("Under unrestricted licenses", unr,
                  delta(cur["unrestricted_share_pct"], old["unrestricted_share_pct"], " pts", 1), delta_color="off",
                  help=definitions.UNRESTRICTED_SHARE)

downloads.download(kpis, "overview", "kpis_by_bloc", card_filters, "kpis", label="Download these figures (CSV)")

st.subheader("Cumulative releases", anchor=False)
cats = widgets.event_marker_controls()
series = db.query("releases_by_country_period", f, period="month", unit="checkpoints",
                  top_n=widgets.TOP_N_DEFAULT)
if series.is_empty():
    widgets.empty_state()
else:
    frame = series.select("period_start", "country_group", "cumulative_releases")
    fig = widgets.markers(cumulative_chart(frame, as_of), f, cats)
    downloads.chart(fig, frame, "overview", "cumulative_releases_by_country", f, "cumulative")
    widgets.evidence_note(f)
st.caption(f"Countries outside the {widgets.TOP_N_DEFAULT} with most releases are grouped as Other. A release is one checkpoint "
           "size of one model; see About for the method and the evidence grades. Coverage of the latest months "
           "is still being filled in, so recent counts can undercount.")

downloads.bundle("overview", f)

"""Licenses: accessibility classes by country and over time, the most used licenses, openness."""

import streamlit as st

from openmodels import definitions
from openmodels.charts import share_bars, top_licenses_chart
from openmodels.ui import db, downloads, sidebar, widgets

f = sidebar.filters()
st.title("Licenses", anchor=False)
st.caption("Accessibility classes follow Epoch AI: unrestricted (OSI-approved or equally free terms), "
           "restricted-use (custom terms with use, user-count, naming or region limits), non-commercial. "
           "Unconfirmed: no primary source for the license could be read; the row's notes say so.")

c1, c2, c3 = st.columns(3)
with c1:
    show = {"counts": "releases", "shares": "share_pct"}[
        widgets.choice("Show", ["shares", "counts"], "lic_value", "shares")]
with c2:
    period = widgets.choice("Period", ["quarter", "year"], "lic_period", "year")
with c3:
    top_n = widgets.top_n("lic_top")
y_title = "Share of the group's releases with a known class (%)" if show == "share_pct" else "Releases"


def drawn(frame):
    """In the shares view the unconfirmed class has no share (see definitions.UNRESTRICTED_SHARE)."""
    return frame.drop_nulls(show) if show == "share_pct" else frame


def marked_time_bars(frame, show: str, period: str, y_title: str, as_of, f, cats: list[str]):
    fig = share_bars(frame, "accessibility", show, f"Accessibility per {period}", y_title, x="period_start",
                     x_title=period.capitalize(), period=period, as_of=as_of)
    return widgets.markers(fig, f, cats)


by_country = db.query("accessibility_by_country", f, top_n=top_n)
if by_country.is_empty():
    widgets.empty_state()
    st.stop()
frame = drawn(by_country.select("country_group", "accessibility", show))
if show == "share_pct":
    unconfirmed = int(by_country.filter(by_country["accessibility"] == "unconfirmed")["releases"].sum())
    st.caption(definitions.CLASS_SHARE_NOTE.format(unconfirmed=unconfirmed), help=definitions.UNRESTRICTED_SHARE)
# Figures built once per input (db.figure): a rerun whose frames did not change reuses them.
downloads.chart(db.figure(share_bars, frame, "accessibility", show, "Accessibility by country", y_title), frame,
                "licenses", "accessibility_by_country", f, "acc_country")

cats = widgets.event_marker_controls()
over_time = db.query("accessibility_by_period", f, period=period)
frame = drawn(over_time.select("period_start", "accessibility", show))
fig = db.figure(marked_time_bars, frame, show, period, y_title.replace("group", "period"), db.data_as_of(), f, cats)
downloads.chart(fig, frame, "licenses", f"accessibility_by_{period}", f, "acc_time")
widgets.evidence_note(f)

top = db.query("top_licenses", f, limit=15)
downloads.chart(db.figure(top_licenses_chart, top), top, "licenses", "top_licenses", f, "top_lic")

openness = db.query("openness_by_country", f, top_n=top_n)
frame = openness.select("country_group", "openness", show)
downloads.chart(db.figure(share_bars, frame, "openness", show,
                          "Openness by country: weights only, + training code, + data", y_title),
                frame, "licenses", "openness_by_country", f, "openness")

downloads.bundle("licenses", f)

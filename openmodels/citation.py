"""How to cite the dataset, or one view of it: one text, used by the About page and by every export bundle."""

from __future__ import annotations

from datetime import date

from openmodels.contract import Contract

SUBJECT = "Open-weight AI model releases and events, by country and organization"
HOW_TO_CITE_A_VIEW = ("To cite one view, add its link: every filter and toggle is in the page's URL, so the link "
                      "reopens exactly the chart you cite. Each page's Download this view (zip) holds this "
                      "citation with the view's link already in it.")


def licence(c: Contract) -> str:
    """The data's licence as the contract names it ('CC-BY-4.0')."""
    return ", ".join(lic["name"] for lic in c.descriptor.get("licenses", [])) or "see the repository"


def plain(c: Contract, version: str, as_of: date, view_url: str | None = None) -> str:
    """'Open Model Geopolitics (version 1.1.0, data as of 2026-12-02). … CC-BY-4.0. <homepage>[. View: <url>]'."""
    text = (f"{c.title} (version {version}, data as of {as_of}). {SUBJECT}. Dataset and dashboard, {licence(c)}. "
            f"{c.descriptor['homepage']}")
    return text + (f". View: {view_url}" if view_url else "")


def bibtex(c: Contract, version: str, as_of: date, view_url: str | None = None) -> str:
    """A @misc entry; with `view_url`, the view's link is in its note (the url stays the project's)."""
    note = f"Data as of {as_of}, {licence(c)}" + (f". View: \\url{{{view_url}}}" if view_url else "")
    return (f"@misc{{openmodelgeopolitics,\n  title = {{{c.title}: {SUBJECT[0].lower() + SUBJECT[1:]}}},\n"
            f"  version = {{{version}}},\n  year = {{{as_of:%Y}}},\n  note = {{{note}}},\n"
            f"  url = {{{c.descriptor['homepage']}}}\n}}")

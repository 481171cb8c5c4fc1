"""The text every published figure carries: under its title a subtitle (the filters and the period it shows) and
a source line (dataset, version, data-as-of date, licence, the view's URL), so a PNG or SVG of any chart can be
published as it is. Pure: a figure in, a new figure out (the figure given may be shared from a cache)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from openmodels.text import plotly_text

# Sizes in px. The text is broken into lines that fit `width` px (by default a phone's chart, about 340 px:
# the page cannot know the visitor's screen), a character taken as `*_char_px` wide; the top margin grows by one
# `*_px` per line, and the figure by as much, so the plot keeps its height.
LAYOUT = {"width": 340, "title_px": 44, "title_char_px": 8.1, "title_line_px": 22,
          "subtitle_size": 12, "subtitle_px": 16, "subtitle_char_px": 5.3,
          "source_size": 10, "source_px": 13, "source_char_px": 4.85, "source_color": "#6B6B6B", "pad_t": 14}
SOURCE = "{title} v{version}, data as of {as_of}, {licence}"
# The source line's own markup, smaller and grey: the only tag in a figure's text that is not <br>.
SOURCE_TAG = (f"<span style='font-size:{LAYOUT['source_size']}px;color:{LAYOUT['source_color']}'>", "</span>")


@dataclass(frozen=True)
class Provenance:
    """Where a figure's data come from: the dataset, its version and licence, and the view that drew it."""
    title: str
    version: str
    data_as_of: date
    licence: str
    url: str

    def dataset(self) -> str:
        """'Open Model Geopolitics v1.1.0, data as of 2026-12-02, CC-BY-4.0'."""
        return SOURCE.format(title=self.title, version=self.version, as_of=self.data_as_of, licence=self.licence)

    def source_line(self) -> str:
        """'Open Model Geopolitics v1.1.0, data as of 2026-12-02, CC-BY-4.0, https://…/releases?period=year'."""
        return self.dataset() + (f", {self.url}" if self.url else "")


def wrap(text: str, width: int, breaks: str = r"(?<= · )|(?<=, )|(?<=[?&])") -> list[str]:
    """`text` in lines of at most `width` characters, broken only after a separator (' · ', ', ', '?' or '&' of a
    URL); a piece longer than `width` is a line of its own."""
    lines: list[str] = []
    for piece in re.split(breaks, text):
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return [line.rstrip() for line in lines if line.strip()]


def line_chars(width: int = LAYOUT["width"]) -> dict[str, int]:
    """How many characters a line of the title, the subtitle and the source line holds in `width` px."""
    return {part: int(width / LAYOUT[f"{part}_char_px"]) for part in ("title", "subtitle", "source")}


def annotate(fig: go.Figure, subtitle: str, provenance: Provenance, width: int = LAYOUT["width"]) -> go.Figure:
    """A copy of `fig` whose title has `subtitle` and the source line under it (smaller, grey), in lines that fit
    `width` px, the title block anchored at the top so it never meets the legend (under the chart) or the toolbar
    (upright at the right)."""
    cfg, chars = LAYOUT, line_chars(width)
    sub = wrap(subtitle, chars["subtitle"])
    # The dataset on one line, the view's URL on the next (broken after its '?' and '&' where long).
    src = wrap(provenance.dataset() + ("," if provenance.url else ""), chars["source"])
    src += wrap(provenance.url, chars["source"]) if provenance.url else []
    text = "<br>".join(plotly_text(line) for line in sub) + "<br>" + "<br>".join(
        SOURCE_TAG[0] + plotly_text(line) + SOURCE_TAG[1] for line in src)
    title = [line for part in (fig.layout.title.text or "").split("<br>")
             for line in wrap(part, chars["title"], breaks=r"(?<= )")]
    extra = ((max(len(title), 1) - 1) * cfg["title_line_px"] + len(sub) * cfg["subtitle_px"]
             + len(src) * cfg["source_px"])
    out = go.Figure(fig)
    margin_t = out.layout.margin.t if out.layout.margin.t is not None else 60
    out.update_layout(
        title=dict(text="<br>".join(title), yref="container", y=1, yanchor="top", pad=dict(t=cfg["pad_t"]),
                   subtitle=dict(text=text, font=dict(size=cfg["subtitle_size"]))),
        margin_t=max(margin_t, cfg["title_px"]) + extra,
        height=(out.layout.height or 450) + extra,
    )
    return out


def title_text(fig: go.Figure) -> str:
    """The figure's title, subtitle and source line as one plain string (tags and entities removed)."""
    title = fig.layout.title
    raw = " ".join(t for t in (title.text, title.subtitle.text) if t)
    return html.unescape(re.sub(r"<[^>]+>", "", raw.replace("<br>", " ")))

"""A figure as SVG, rendered by Kaleido in a headless Chromium (Debian's /usr/bin/chromium when installed,
otherwise whatever Chrome or Chromium Kaleido finds: $BROWSER_PATH, then the PATH)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Exports are drawn on white at a page's chart width, the title block's lines fitted to `text_width` px (the title
# starts 5% in and the export's font is a little wider than the page's); the height is the figure's own.
EXPORT = {"width": 1000, "text_width": 800, "default_height": 450, "template": "plotly_white"}
# One Chromium at a time: each export starts its own (a few hundred MB), and clicks can come from many sessions.
_ONE_AT_A_TIME = threading.Lock()


def chromium() -> str | None:
    """The browser Kaleido will use, or None when there is none."""
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    return next((p for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (p := shutil.which(name))), None)


def svg(fig: go.Figure) -> bytes:
    """The figure as an SVG document. Raises RuntimeError when no Chrome or Chromium is installed."""
    import kaleido  # imported on the first export: it is not needed to draw a page

    browser = chromium()
    if browser is None:
        raise RuntimeError("SVG export needs Chrome or Chromium; none is installed.")
    out = go.Figure(fig)
    out.update_layout(template=EXPORT["template"])
    opts = dict(format="svg", width=EXPORT["width"], height=out.layout.height or EXPORT["default_height"])
    # MathJax is off: no chart uses LaTeX, and Kaleido would otherwise load it from the network.
    with _ONE_AT_A_TIME:
        return kaleido.calc_fig_sync(out.to_dict(), opts=opts, kopts={"path": browser, "mathjax": False})

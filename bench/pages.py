"""Speed of every page in a real browser, against a static HTML page of the same figures.

For every page in app.py's page list, in Chromium (Playwright):
- cold: a new browser context opens the page; timed until every Plotly chart is drawn (each
  `.js-plotly-plot` has its `.main-svg`) and Streamlit's running indicator is gone;
- warm: the same context opens the page a second time;
- redraw: a sidebar filter changes (a country is picked) until every chart whose figure changes is
  redrawn (or, on a page without charts, until its text changed);
each against a static HTML page of the SAME figures: the server-side figures (the JSON Streamlit sends
for each chart, read over Streamlit's own websocket protocol) drawn with Plotly.newPlot by the plotly.js
of the installed plotly package, served from a local HTTP server (no CDN); its redraw is Plotly.react
to the figures of the filtered page. Streamlit and static runs alternate; the table shows medians of N
repeats and the ratios (Streamlit / static). The static page draws the figures with Plotly's own theme,
Streamlit with its theme; a page without figures is compared with an empty static page. The first
page's first run also opens the database.

Also per page, from the websocket runs: server CPU (user + system seconds of the server process) of the
first run on a fresh server (caches cold) and of a warm run (median), and the size of the run's messages.

    python bench/pages.py [--repeat 5] [--quick] [--pages scale,explorer] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import plotly
from websockets.sync.client import connect
from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import ARTIFACTS, Server, free_port, launch_kwargs  # noqa: E402

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
VIEWPORT = {"width": 1400, "height": 2200}
TIMEOUT_MS = 180_000
CLK_TCK = os.sysconf("SC_CLK_TCK")


def app_pages(app: Path = ROOT / "app.py") -> list[tuple[str, str]]:
    """(title, url path) of every page in app.py's st.navigation list, in order; the default page is ''."""
    pages = []
    for args in re.findall(r"st\.Page\((.*?)\)", app.read_text()):
        title = re.search(r'title="([^"]+)"', args).group(1)
        url = re.search(r'url_path="([^"]*)"', args)
        pages.append((title, "" if "default=True" in args or not url else url.group(1)))
    return pages


# --- server side: the figures of a page run, as Streamlit sends them -----------------------------------

def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _run(host: str, path: str, query: str, pid: int) -> dict:
    """One page run over a new websocket session: figures, text, message bytes, server CPU and wall time."""
    out = {"figures": [], "texts": [], "bytes": 0, "largest": 0}
    seen: dict[str, ForwardMsg] = {}
    with connect(f"ws://{host}/_stcore/stream", origin=f"http://{host}", max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = path
        cpu0, t0 = server_cpu(pid), time.perf_counter()
        ws.send(msg.SerializeToString())
        while True:
            raw = ws.recv(timeout=TIMEOUT_MS / 1000)
            out["bytes"] += len(raw)
            out["largest"] = max(out["largest"], len(raw))
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            if fm.hash:
                seen[fm.hash] = fm
            if fm.WhichOneof("type") == "ref_hash":
                fm = seen[fm.ref_hash]
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                which = el.WhichOneof("type")
                if which == "plotly_chart":
                    out["figures"].append({"spec": el.plotly_chart.spec, "config": el.plotly_chart.config or "{}"})
                elif which == "markdown":
                    out["texts"].append(el.markdown.body)
                elif which == "exception":
                    raise RuntimeError(f"page {path!r} raised: {el.exception.message}")
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    out.update(figures=[], texts=[])  # st.rerun(): the real run follows
                    continue
                break
        out["seconds"] = time.perf_counter() - t0
        out["cpu"] = server_cpu(pid) - cpu0
    return out


def page_run(server: Server, path: str, query: str = "") -> dict:
    return _run(f"127.0.0.1:{server.port}", path, query, server.proc.pid)


# --- the static page: the same figures, plotly.js served locally -------------------------------------

STATIC_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title} (static)</title>{script}</head>
<body style="margin:0;padding:16px 48px">
{divs}
<script>
const FIGS = {figs};
FIGS.forEach((f, i) => {{ const s = JSON.parse(f.spec); Plotly.newPlot("c" + i, s.data, s.layout, JSON.parse(f.config)); }});
let NEXT = null;
window.benchLoadNext = async () => {{ NEXT = await (await fetch("{name}.next.json")).json(); }};
window.benchReact = async () => {{
  for (let i = 0; i < Math.min(FIGS.length, NEXT.length); i++) {{
    const s = JSON.parse(NEXT[i].spec);
    await Plotly.react("c" + i, s.data, s.layout, JSON.parse(NEXT[i].config));
  }}
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}};
</script></body></html>
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "max-age=3600")  # a warm visit reuses plotly.js, as Streamlit's assets
        super().end_headers()

    def log_message(self, *args):
        pass


class StaticSite:
    """A folder of static pages and plotly.min.js, served on 127.0.0.1."""

    def __init__(self, folder: Path):
        self.folder = folder
        (folder / "plotly.min.js").write_bytes(PLOTLY_JS.read_bytes())
        handler = functools.partial(_Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, name: str, title: str, figures: list[dict], next_figures: list[dict]) -> str:
        divs = "\n".join(f'<div id="c{i}" style="width:100%"></div>' for i in range(len(figures)))
        # </ inside a JSON string would end the script element early
        figs = json.dumps(figures).replace("</", "<\\/")
        (self.folder / f"{name}.html").write_text(STATIC_HTML.format(title=title, divs=divs, figs=figs, name=name,
            script='<script src="plotly.min.js"></script>' if figures else ''))
        (self.folder / f"{name}.next.json").write_text(json.dumps(next_figures))
        return f"{self.url}/{name}.html"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the browser: when is a page drawn ---------------------------------------------------------------

DRAWN_JS = """([charts, streamlit]) => {
  if (streamlit) {
    if (!document.querySelector('[data-testid="stApp"] h1')) return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelectorAll('[data-testid="stSkeleton"]').length) return false;
  }
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return plots.length >= charts && plots.every(e => Array.isArray(e.data) && e.querySelector('.main-svg'));
}"""
MARK_JS = """() => {
  document.querySelectorAll('.js-plotly-plot').forEach(e => { e.__benchOld = e.data; });
  const main = document.querySelector('[data-testid="stMain"]');
  window.__benchText = main ? main.innerText : '';
}"""
REDRAWN_JS = """([changed, charts]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  if (changed.length === 0 && charts === 0) {
    const main = document.querySelector('[data-testid="stMain"]');
    return !!main && main.innerText !== window.__benchText;
  }
  if (plots.length < charts) return false;
  return changed.every(i => plots[i] && Array.isArray(plots[i].data) && plots[i].data !== plots[i].__benchOld
                          && plots[i].querySelector('.main-svg'));
}"""


def timed_goto(page, url: str, charts: int, streamlit: bool) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN_JS, arg=[charts, streamlit], timeout=TIMEOUT_MS, polling="raf")
    return time.perf_counter() - t0


def timed_pick(page, country: str, changed: list[int], charts: int) -> float:
    """Pick `country` in the sidebar's Country filter; the time from Enter until the page is redrawn."""
    page.evaluate(MARK_JS)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Country").first
    box.locator("input").click()
    box.locator("input").fill(country)
    t0 = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function(REDRAWN_JS, arg=[changed, charts], timeout=TIMEOUT_MS, polling="raf")
    took = time.perf_counter() - t0
    page.keyboard.press("Escape")
    return took


def timed_react(page) -> float:
    page.evaluate("benchLoadNext()")
    t0 = time.perf_counter()
    page.evaluate("benchReact()")
    return time.perf_counter() - t0


# --- the measurement -------------------------------------------------------------------------------

def measure(server: Server, site: StaticSite, browser, title: str, path: str, country: str, repeat: int) -> dict:
    first = page_run(server, path)  # the first run of this page on this server
    warm_runs = [page_run(server, path) for _ in range(max(1, repeat))]
    filtered = page_run(server, path, f"country={country}")
    figures, next_figures = warm_runs[-1]["figures"], filtered["figures"]
    changed = [i for i, (a, b) in enumerate(zip(figures, next_figures)) if a["spec"] != b["spec"]]
    can_redraw = bool(changed) or (not figures and first["texts"] != filtered["texts"])
    static_url = site.add(path or "index", title, figures, next_figures)
    st_url = f"{server.url}/{path}"
    n = len(figures)
    times = {k: [] for k in ("st_cold", "static_cold", "st_warm", "static_warm", "st_redraw", "static_react")}
    for _ in range(repeat):
        ctx = browser.new_context(viewport=VIEWPORT)
        pg = ctx.new_page()
        times["st_cold"].append(timed_goto(pg, st_url, n, True))
        ctx2 = browser.new_context(viewport=VIEWPORT)
        pg2 = ctx2.new_page()
        times["static_cold"].append(timed_goto(pg2, static_url, n, False))
        times["st_warm"].append(timed_goto(pg, st_url, n, True))
        times["static_warm"].append(timed_goto(pg2, static_url, n, False))
        if can_redraw:
            times["st_redraw"].append(timed_pick(pg, country, changed, len(next_figures)))
            if changed:
                times["static_react"].append(timed_react(pg2))
        ctx.close()
        ctx2.close()
    med = {k: statistics.median(v) if v else None for k, v in times.items()}
    return med | {
        "page": title, "charts": n, "cpu_first": first["cpu"], "cpu_warm": statistics.median(r["cpu"] for r in warm_runs),
        "run_first": first["seconds"], "mb": warm_runs[-1]["bytes"] / 1e6,
        "largest_mb": max(r["largest"] for r in [first, *warm_runs, filtered]) / 1e6,
    }


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v * 1000:.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or not b else f"{a / b:.1f}x"


def table(results: list[dict], repeat: int) -> str:
    head = ["page", "charts", "cold st ms", "cold static ms", "ratio", "warm st ms", "warm static ms", "ratio",
            "redraw st ms", "Plotly.react ms", "ratio", "server CPU 1st run ms", "server CPU warm run ms", "run MB", "largest message MB"]
    rows = [[r["page"], str(r["charts"]), _ms(r["st_cold"]), _ms(r["static_cold"]), _ratio(r["st_cold"], r["static_cold"]),
             _ms(r["st_warm"]), _ms(r["static_warm"]), _ratio(r["st_warm"], r["static_warm"]),
             _ms(r["st_redraw"]), _ms(r["static_react"]), _ratio(r["st_redraw"], r["static_react"]),
             _ms(r["cpu_first"]), _ms(r["cpu_warm"]), f"{r['mb']:.2f}",
             f"{r['largest_mb']:.2f}"] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"  # noqa: E731
    return "\n".join([f"Medians of {repeat} run(s); ratio = Streamlit / static; - = not measured (no figure "
                      "changes with the filter).", line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one repeat (for CI)")
    parser.add_argument("--pages", default="", help="comma-separated url paths or titles (default: every page)")
    parser.add_argument("--country", default="CN", help="the country the redraw picks in the sidebar")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    wanted = {p.strip().lower() for p in args.pages.split(",") if p.strip()}
    pages = [(t, p) for t, p in app_pages() if not wanted or t.lower() in wanted or p in wanted]
    if not pages:
        parser.error(f"no page matches {args.pages!r}; pages: {app_pages()}")
    server = Server(args.data_dir, free_port(), ARTIFACTS / "bench_pages_server.log").start()
    results, failures = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = StaticSite(Path(tmp))
        browser = p.chromium.launch(**launch_kwargs())
        try:
            for title, path in pages:
                try:
                    results.append(measure(server, site, browser, title, path, args.country, repeat))
                except Exception as err:  # noqa: BLE001 - one failing page is reported, the others still measured
                    failures.append(f"{title}: {type(err).__name__}: {str(err)[:300]}")
                print(f"  measured {title}", file=sys.stderr, flush=True)
        finally:
            browser.close()
            site.stop()
            errors = server.log_errors()
            server.stop()
    print(table(results, repeat))
    for line in failures:
        print("  failed:", line)
    for line in errors[:20]:
        print("  server log:", line)
    return 1 if errors or failures else 0


if __name__ == "__main__":
    sys.exit(main())

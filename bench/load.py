"""Many people at once: N simultaneous Streamlit sessions change filters and pages for a while.

Each session is a real Streamlit websocket client (the protocol the browser speaks: protobuf
BackMsg/ForwardMsg over /_stcore/stream), so the server does all its work (script runs, queries,
caches, charts) without 20 browser tabs competing for the same CPU. Every session picks its own
random filters, opens the Explorer and checks the row count, then the Releases page and checks the
chart's series, both against counts computed here from the CSV, plus a random other page. A
mismatch would mean cross-talk between sessions (caches, shared connections).
Prints a table; exits 1 on any error or mismatch.

    python bench/load.py --sessions 20 --seconds 60
    python bench/load.py --replicas 2     # the same load on one replica direct, then on 2 behind nginx

With --replicas N, the run is made twice in one go with deploy/replicas.py: first one replica reached directly
(the reference), then N replicas behind nginx (deploy/nginx-replicas.conf), each visitor first loading the page
as a browser does to get its replica cookie; the table puts both side by side with their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import urllib.request
from urllib.parse import urlencode
from collections import Counter
import sys
import time
from pathlib import Path

import polars as pl
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import ARTIFACTS, Server, free_port  # noqa: E402

from openmodels.countries import country_label, country_name  # noqa: E402

sys.path.insert(0, str(ROOT / "deploy"))
import replicas as launcher  # noqa: E402

OTHER_PAGES = ["", "scale", "moe", "licenses", "events", "about"]


class Session:
    """One visitor: a websocket to the server, reruns with a page and a query string."""

    def __init__(self, ws):
        self.ws = ws
        self.seen: dict[str, ForwardMsg] = {}

    async def open(self, page: str, query: str) -> dict:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await self.ws.send(msg.SerializeToString())
        out = {"markdown": [], "charts": [], "exceptions": []}
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=120))
            if fm.hash:
                self.seen[fm.hash] = fm
            if fm.WhichOneof("type") == "ref_hash":
                fm = self.seen[fm.ref_hash]
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                which = el.WhichOneof("type")
                if which == "markdown":
                    out["markdown"].append(el.markdown.body)
                elif which == "plotly_chart":
                    out["charts"].append(json.loads(el.plotly_chart.spec))
                elif which == "exception":
                    out["exceptions"].append(el.exception.message)
            elif kind == "page_not_found":
                out["exceptions"].append(f"page not found: {page}")
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    out = {"markdown": [], "charts": [], "exceptions": []}  # st.rerun(): the real run follows
                    continue
                return out


def replica_cookie(url: str) -> str:
    """Load the page as a browser does first: through the proxy, the answer sets the visitor's replica cookie."""
    with urllib.request.urlopen(f"http://{url}/", timeout=30) as r:
        cookies = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("replica=")]
    return "; ".join(cookies)


async def visitor(url: str, models: pl.DataFrame, deadline: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    countries = models.group_by("country").len().sort("len", descending=True)["country"].head(8).to_list()
    await asyncio.sleep(seed * 0.2)  # ramp up
    try:
        cookie = await asyncio.to_thread(replica_cookie, url)
        async with websockets.connect(f"ws://{url}/_stcore/stream", origin=f"http://{url}", max_size=None,
                                      open_timeout=120,
                                      additional_headers={"Cookie": cookie} if cookie else None) as ws:
            s = Session(ws)
            first = True
            while time.monotonic() < deadline:
                chosen = sorted(rng.sample(countries, rng.randint(1, 3)))
                # A session's first link names countries by code, as a shared link does; later links in the same
                # session carry the Country widget's labels ('China (CN)'), as the browser's address does once
                # the widget has written it (Streamlit lets a widget's state win over a later URL in a session).
                query = urlencode([("country", c if first else country_label(c)) for c in chosen])
                first = False
                want = models.filter(pl.col("country").is_in(chosen))

                for page in ("explorer", "releases", rng.choice(OTHER_PAGES)):
                    start = time.monotonic()
                    result = await s.open(page, query + ("&period=year" if page == "releases" else ""))
                    stats["latency"].append(time.monotonic() - start)
                    stats["interactions"] += 1
                    stats["errors"].extend(result["exceptions"])
                    if page == "explorer":
                        line = next(m for m in result["markdown"] if "models match" in m)
                        got = int(re.search(r"\*\*(\d+)\*\* models match", line).group(1))
                        if got != want.height:
                            stats["mismatches"].append(f"explorer {chosen}: {got} != {want.height}")
                    elif page == "releases":
                        drawn = {t["name"]: sum(t["y"]) for t in result["charts"][0]["data"]}
                        expected = {country_name(c): want.filter(pl.col("country") == c).height for c in chosen}
                        if drawn != expected:
                            stats["mismatches"].append(f"releases {chosen}: {drawn} != {expected}")
    except Exception as err:  # noqa: BLE001 - every failure is counted, none is hidden
        stats["errors"].append(f"session {seed}: {type(err).__name__}: {err}")


async def run(sessions: int, seconds: float, data_dir: Path | None) -> dict:
    models = pl.read_csv((data_dir or ROOT / "data") / "models.csv", infer_schema=False)
    server = Server(data_dir, free_port(), ARTIFACTS / "load_server.log").start()
    stats = {"interactions": 0, "mismatches": [], "errors": [], "latency": []}
    host = f"127.0.0.1:{server.port}"
    try:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(visitor(host, models, deadline, i, stats) for i in range(sessions)))
        stats["server_log_errors"] = server.log_errors()
        stats["peak_rss_mb"] = server.peak_rss_mb()
    finally:
        server.stop()
    stats.update(sessions=sessions, seconds=seconds)
    return stats


async def warm(url: str) -> None:
    async with websockets.connect(f"ws://{url}/_stcore/stream", origin=f"http://{url}", max_size=None,
                                  open_timeout=120) as ws:
        s = Session(ws)
        for page in ("explorer", "releases", *OTHER_PAGES):
            await s.open(page, "")


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time of a process (with children=True, its worker processes too: nginx's)."""
    pids = [pid] + ([int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()] if children else [])
    ticks = 0
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM")).split()[1]) / 1024


def log_errors(log: Path) -> list[str]:
    text = log.read_text().split("\nnanobind: leaked", 1)[0]  # DuckDB's report at interpreter exit (browser_support)
    return [ln for ln in text.splitlines() if "Traceback" in ln or " ERROR " in ln or "Exception" in ln]


async def run_deployment(sessions: int, seconds: float, data_dir: Path | None, replicas: int, proxy: bool) -> dict:
    """The load against deploy/replicas.py: `replicas` replicas behind nginx, or with proxy=False one reached
    directly, started with the same replica command."""
    models = pl.read_csv((data_dir or ROOT / "data") / "models.csv", infer_schema=False)
    workdir = ARTIFACTS / f"load_replicas_{replicas}{'_proxy' if proxy else '_direct'}"
    deployment = launcher.Deployment(replicas, launcher.free_ports(replicas), free_port(), workdir, data_dir,
                                     proxy=proxy)
    stats = {"interactions": 0, "mismatches": [], "errors": [], "latency": []}
    with deployment:
        host = deployment.url.removeprefix("http://")
        for r in deployment.replicas:  # each replica runs every page once first, so neither side is timed cold
            await warm(r.url.removeprefix("http://"))
        pids = [r.proc.pid for r in deployment.replicas]
        cpu_before = sum(map(cpu_seconds, pids))
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(visitor(host, models, deadline, i, stats) for i in range(sessions)))
        stats["server_cpu_s"] = sum(map(cpu_seconds, pids)) - cpu_before
        stats["nginx_cpu_s"] = cpu_seconds(deployment.nginx_proc.pid, children=True) if proxy else 0.0
        stats["server_log_errors"] = [e for r in deployment.replicas for e in log_errors(r.log)]
        stats["peak_rss_mb"] = sum(peak_rss_mb(r.proc.pid) for r in deployment.replicas)
        if proxy:
            log = (workdir / "access.log").read_text()  # after a failed try nginx logs "a, b": b answered
            served = Counter(m[1].split(", ")[-1] for m in re.finditer(
                r'"GET /_stcore/stream [^"]*" \d+ upstream=(\S+(?:, \S+)*) key=', log))
            stats["split"] = " / ".join(str(served.get(f"127.0.0.1:{r.port}", 0)) for r in deployment.replicas)
        else:
            stats["split"] = str(sessions)
    stats.update(sessions=sessions, seconds=seconds, replicas=replicas)
    return stats


def rows(stats: dict) -> list[tuple[str, object]]:
    lat = sorted(stats["latency"]) or [0.0]
    return [
        ("sessions (simultaneous)", stats["sessions"]),
        ("duration (s)", f"{stats['seconds']:g}"),
        ("page runs checked", stats["interactions"]),
        ("page runs per second", f"{stats['interactions'] / stats['seconds']:.2f}"),
        ("sessions per replica", stats["split"]),
        ("mismatched results", len(stats["mismatches"])),
        ("errors (sessions)", len(stats["errors"])),
        ("errors (server logs)", len(stats["server_log_errors"])),
        ("server CPU per page run (ms)", f"{1000 * stats['server_cpu_s'] / max(stats['interactions'], 1):.0f}"),
        ("nginx CPU (s)", f"{stats['nginx_cpu_s']:.2f}"),
        ("peak memory, all replicas (MB)", f"{stats['peak_rss_mb']:.0f}"),
        ("page run p50 (s)", f"{statistics.median(lat):.2f}"),
        ("page run p95 (s)", f"{lat[int(0.95 * (len(lat) - 1))]:.2f}"),
    ]


RATIO_ROWS = {"page runs per second", "server CPU per page run (ms)", "peak memory, all replicas (MB)",
              "page run p50 (s)", "page run p95 (s)"}


def comparison_table(direct: dict, proxied: dict) -> str:
    """One replica direct against N behind nginx, with the ratio N / 1 where a ratio means something."""
    head = ("measure", "1 replica, direct", f"{proxied['replicas']} replicas, nginx", "ratio")
    body = []
    for (name, one), (_, many) in zip(rows(direct), rows(proxied)):
        ratio = f"{float(many) / float(one):.2f}x" if name in RATIO_ROWS and float(one) else ""
        body.append((name, str(one), str(many), ratio))
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])


def table(stats: dict) -> str:
    lat = sorted(stats["latency"]) or [0.0]
    rows = [
        ("sessions (simultaneous)", stats["sessions"]),
        ("duration (s)", f"{stats['seconds']:g}"),
        ("page runs checked", stats["interactions"]),
        ("mismatched results", len(stats["mismatches"])),
        ("errors (sessions)", len(stats["errors"])),
        ("errors (server log)", len(stats["server_log_errors"])),
        ("server peak memory (MB)", f"{stats['peak_rss_mb']:.0f}"),
        ("page run p50 (s)", f"{statistics.median(lat):.2f}"),
        ("page run p95 (s)", f"{lat[int(0.95 * (len(lat) - 1))]:.2f}"),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join([f"| {'measure'.ljust(width)} | {'value':>8} |", f"|{'-' * (width + 2)}|{'-' * 10}|"]
                     + [f"| {k.ljust(width)} | {v!s:>8} |" for k, v in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--replicas", type=int, default=0,
                        help="also run through nginx with this many replicas (deploy/replicas.py), against one direct")
    args = parser.parse_args(argv)
    if args.replicas:
        runs = [asyncio.run(run_deployment(args.sessions, args.seconds, args.data_dir, 1, proxy=False)),
                asyncio.run(run_deployment(args.sessions, args.seconds, args.data_dir, args.replicas, proxy=True))]
        print(comparison_table(*runs))
    else:
        runs = [asyncio.run(run(args.sessions, args.seconds, args.data_dir))]
        print(table(runs[0]))
    problems = [ln for stats in runs for ln in stats["mismatches"] + stats["errors"] + stats["server_log_errors"]]
    for line in problems[:20]:
        print("  ", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

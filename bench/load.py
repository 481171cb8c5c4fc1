"""Many people at once: N simultaneous Streamlit sessions change filters and pages for a while.

Each session is a real Streamlit websocket client (the protocol the browser speaks: protobuf
BackMsg/ForwardMsg over /_stcore/stream), so the server does all its work (script runs, queries,
caches, charts) without 20 browser tabs competing for the same CPU. Every session picks its own
random filters, opens the Explorer and checks the row count, then the Releases page and checks the
chart's series, both against counts computed here from the CSV, plus a random other page. A
mismatch would mean cross-talk between sessions (caches, shared connections).
Prints a table; exits 1 on any error or mismatch.

    python bench/load.py --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
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

from openmodels.countries import country_name  # noqa: E402

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


async def visitor(url: str, models: pl.DataFrame, deadline: float, seed: int, stats: dict) -> None:
    rng = random.Random(seed)
    countries = models.group_by("country").len().sort("len", descending=True)["country"].head(8).to_list()
    await asyncio.sleep(seed * 0.2)  # ramp up
    try:
        async with websockets.connect(f"ws://{url}/_stcore/stream", origin=f"http://{url}", max_size=None,
                                      open_timeout=120) as ws:
            s = Session(ws)
            while time.monotonic() < deadline:
                chosen = sorted(rng.sample(countries, rng.randint(1, 3)))
                query = "&".join(f"country={c}" for c in chosen)
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
    args = parser.parse_args(argv)
    stats = asyncio.run(run(args.sessions, args.seconds, args.data_dir))
    print(table(stats))
    for line in (stats["mismatches"] + stats["errors"] + stats["server_log_errors"])[:20]:
        print("  ", line)
    return 1 if (stats["mismatches"] or stats["errors"] or stats["server_log_errors"]) else 0


if __name__ == "__main__":
    sys.exit(main())

"""The data API's filtered CSV against Datasette serving the same rows.

For the real data and a synthetic dataset of about a million models (bench/generate.py), the dashboard's
server (`streamlit run asgi.py`, as `make run`) answers /api/models.csv?country=CN: the Explorer's rows for
China, every column, newest first. Datasette (installed from PyPI into bench/.venv-datasette on first run)
serves the same rows from a SQLite copy of the same build (DuckDB → SQLite, indexed on country,
opened immutable; rows stored in the API's order, newest first, so Datasette's own rowid order is the same) as
its streamed CSV, /bench/models.csv?country=CN&_stream=on. Both answers are checked to hold the same rows in
the same order; then the two servers are asked in turn, one request at a
time, and the table gives the median time per answer, its size, each server's peak memory, and the ratio.

    python bench/api.py [--sizes 1,744] [--repeat 5] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import Server, free_port  # noqa: E402
from generate import generate  # noqa: E402

DATASETTE = "datasette==0.65.5"
DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
API_PATH = "/api/models.csv?country=CN"
DATASETTE_PATH = "/bench/models.csv?country=CN&_stream=on&_size=max"
ONE_MILLION = 1_000_000


def datasette_bin() -> Path:
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        DATASETTE], check=True)
    return exe


def export_sqlite(duck: Path, out: Path) -> int:
    """The Explorer's columns of every model, from the DuckDB build into a SQLite file Datasette can open."""
    from openmodels.queries import query_text

    select = query_text("explorer_models").split("SELECT", 1)[1].split("FROM", 1)[0]
    with duckdb.connect(str(duck), read_only=True) as con:
        frame = con.sql(f"SELECT {select} FROM models ORDER BY release_date DESC, organization, model_id").pl()
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Date)
    frame = frame.with_columns(pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean)
    out.unlink(missing_ok=True)
    con = sqlite3.connect(out)
    con.execute(f"CREATE TABLE models ({', '.join(frame.columns)})")
    con.executemany(f"INSERT INTO models VALUES ({', '.join('?' * frame.width)})", frame.iter_rows())
    con.execute("CREATE INDEX models_country ON models (country)")
    con.commit()
    con.close()
    return frame.height


class Datasette:
    def __init__(self, db: Path, port: int, log: Path):
        self.db, self.port, self.log = db, port, log
        self.url = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 120) -> "Datasette":
        self._fh = open(self.log, "w")
        self.proc = subprocess.Popen(
            [str(datasette_bin()), "serve", "-i", str(self.db), "-h", "127.0.0.1", "-p", str(self.port),
             "--setting", "sql_time_limit_ms", "600000", "--setting", "max_csv_mb", "0",
             "--setting", "allow_facet", "off", "--setting", "suggest_facets", "off"],
            stdout=self._fh, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"datasette exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/-/versions.json", timeout=2):
                    return self
            time.sleep(0.3)
        raise TimeoutError("datasette did not start")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM")).split()[1]) / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self._fh.close()


def fetch(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=1800) as r:
        body = r.read()
    return time.perf_counter() - start, body


def ids(body: bytes) -> list[str]:
    return pl.read_csv(io.BytesIO(body), infer_schema=False, columns=["model_id"])["model_id"].to_list()


def measure(factor: int, work: Path, repeat: int) -> dict:
    from openmodels.build import DB_NAME, build

    data_dir = work / f"x{factor}"
    if (data_dir / DB_NAME).exists() and (data_dir / "bench.db").exists():  # a --work-dir of an earlier run
        rows = sum(1 for _ in open(data_dir / "models.csv", "rb")) - 1
    else:
        rows = generate(data_dir, factor)["models"]
        build(data_dir)
        export_sqlite(data_dir / DB_NAME, data_dir / "bench.db")
    api = Server(data_dir, free_port(), work / f"api-x{factor}.log").start(timeout=600)
    ds = Datasette(data_dir / "bench.db", free_port(), work / f"datasette-x{factor}.log").start()
    try:
        first_api, api_body = fetch(api.url + API_PATH)  # the first request opens the build (checks its hashes)
        first_ds, ds_body = fetch(ds.url + DATASETTE_PATH)
        api_ids, ds_ids = ids(api_body), ids(ds_body)
        if api_ids != ds_ids:
            raise AssertionError(f"x{factor}: the API and Datasette serve different rows "
                                 f"({len(api_ids)} against {len(ds_ids)})")
        api_times, ds_times = [], []
        for _ in range(repeat):  # in turn, so both see the same load from the rest of the machine
            api_times.append(fetch(api.url + API_PATH)[0])
            ds_times.append(fetch(ds.url + DATASETTE_PATH)[0])
        return {"rows": rows, "served": len(api_ids), "api_mb": len(api_body) / 1e6, "ds_mb": len(ds_body) / 1e6,
                "api_first": first_api, "ds_first": first_ds,
                "api": statistics.median(api_times), "ds": statistics.median(ds_times),
                "api_rss": api.peak_rss_mb(), "ds_rss": ds.peak_rss_mb()}
    finally:
        api.stop()
        ds.stop()


def table(results: dict[int, dict]) -> str:
    head = ("| dataset | models | CN rows served | API MB | Datasette MB | API first s | API median s | "
            "Datasette median s | API ÷ Datasette | API peak MB | Datasette peak MB |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for factor, r in results.items():
        name = "real" if factor == 1 else f"x{factor}"
        lines.append(f"| {name} | {r['rows']:,} | {r['served']:,} | {r['api_mb']:.1f} | {r['ds_mb']:.1f} | "
                     f"{r['api_first']:.3f} | {r['api']:.3f} | {r['ds']:.3f} | {r['api'] / r['ds']:.2f} | "
                     f"{r['api_rss']:.0f} | {r['ds_rss']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    real_rows = sum(1 for _ in open(ROOT / "data" / "models.csv", encoding="utf-8")) - 1
    parser.add_argument("--sizes", default=f"1,{math.ceil(ONE_MILLION / real_rows)}",
                        help="multiples of the real rows (default: the real data and about a million rows)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    datasette_bin()
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        work = args.work_dir or Path(tmp)
        results = {}
        for factor in (int(s) for s in args.sizes.split(",")):
            results[factor] = measure(factor, work, args.repeat)
            print(f"x{factor}: done", file=sys.stderr)
    print(f"API {API_PATH} against Datasette {DATASETTE_PATH} (median of {args.repeat}, one request at a time)")
    print(table(results))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())

"""How the data layer scales: validate, build, every named query and every page on synthetic datasets
N times the real rows (bench/generate.py), each step in a fresh subprocess that reports its own time
and peak memory (ru_maxrss).

The floor is DuckDB reading the same CSV files (every column as text, into memory): no validator or
build can read the bytes faster than that, so validate÷floor and build÷floor say how much each one
costs beyond reading the file. Prints one table, a column per size.

    python bench/scale.py [--sizes 1,10,100,1000,2000] [--steps floor,validate,build] [--quick] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FILTERS = {"countries": ("US", "CN"), "date_from": date(2023, 1, 1)}  # the typical filter of bench/queries.py
STEPS = ("floor", "validate", "build", "queries", "pages")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- the steps, each run in its own process --------------------------------------------------------------

def step_floor(data_dir: Path) -> dict:
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as con:
        for name in ("models", "events"):
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv($path, header = true, all_varchar = true)",
                        {"path": str(data_dir / f"{name}.csv")})
    return {"seconds": time.perf_counter() - start}


def step_validate(data_dir: Path) -> dict:
    from openmodels.validate import validate_dataset

    start = time.perf_counter()
    violations = validate_dataset(data_dir)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "violations": len(violations), "first": [str(v) for v in violations[:5]]}


def step_build(data_dir: Path) -> dict:
    from openmodels.build import build

    start = time.perf_counter()
    result = build(data_dir)
    return {"seconds": time.perf_counter() - start, "rows": result.rows}


def step_queries(data_dir: Path, repeat: int) -> dict:
    from queries import EXTRA

    from openmodels.build import DB_NAME
    from openmodels.filters import Filters
    from openmodels.queries import Database, available_queries

    params = Filters(**FILTERS).params() | EXTRA
    db = Database(data_dir / DB_NAME)
    out = {}
    for name in available_queries():
        db.run(name, params)  # the first run reads the columns from disk; the median of the next is the figure
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            db.run(name, params)
            times.append((time.perf_counter() - start) * 1000)
        out[name] = statistics.median(times)
    db.close()
    return {"ms": out}


def _entrypoints(folder: Path) -> dict[str, Path]:
    """app.py with each page as the default page (as tests/test_pages.py does): a run starts on that page."""
    source = (ROOT / "app.py").read_text()
    out = {}
    for page in re.findall(r'st\.Page\("pages/(\w+)\.py"', source):
        entry = folder / f"entry-{page}"
        entry.mkdir(exist_ok=True)
        if not (entry / "pages").exists():
            (entry / "pages").symlink_to(ROOT / "pages")
        text = source.replace(", default=True", "").replace(
            f'st.Page("pages/{page}.py", ', f'st.Page("pages/{page}.py", default=True, ')
        (entry / "app.py").write_text(text)
        out[page] = entry / "app.py"
    return out


def step_pages(data_dir: Path) -> dict:
    import os

    from streamlit.testing.v1 import AppTest

    os.environ["OPENMODELS_DATA_DIR"] = str(data_dir)
    out = {}
    with tempfile.TemporaryDirectory(prefix="openmodels-bench-pages-") as tmp:
        for page, entry in _entrypoints(Path(tmp)).items():
            times, errors = [], []
            # A second at.run() on the same AppTest does not run the script again (it returns in milliseconds
            # with the old elements), so each run is a new session: the first one fills the process's caches,
            # the next one is a visitor opening the page on a warm server.
            for _ in range(2):
                at = AppTest.from_file(str(entry), default_timeout=600)
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
                errors += [e.value for e in at.exception] + [t.value for t in at.title if "not pass" in t.value]
            out[page] = {"first": times[0], "warm": times[1], "errors": errors}
    return {"pages": out}


def run_step(step: str, data_dir: Path, repeat: int) -> dict:
    """Run one step in a fresh interpreter; its result and its own peak memory come back as JSON."""
    proc = subprocess.run([sys.executable, __file__, "--step", step, "--data-dir", str(data_dir),
                           "--repeat", str(repeat)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child(step: str, data_dir: Path, repeat: int) -> None:
    fn = {"floor": step_floor, "validate": step_validate, "build": step_build,
          "queries": lambda d: step_queries(d, repeat), "pages": step_pages}[step]
    result = fn(data_dir)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


# --- the table --------------------------------------------------------------------------------------------

def measure(size: int, work: Path, repeat: int, steps: tuple[str, ...]) -> dict:
    from generate import generate

    data_dir = work / f"x{size}"
    rows = generate(data_dir, size)
    result = {"rows": rows, "size_mb": sum((data_dir / f"{t}.csv").stat().st_size for t in rows) / 2 ** 20}
    for step in steps:
        result[step] = run_step(step, data_dir, repeat)
    return result


def table(results: dict[int, dict]) -> str:
    sizes = list(results)
    rows: list[tuple[str, list[str]]] = []

    def add(label, fn):
        values = []
        for s in sizes:
            try:
                values.append(fn(results[s]))
            except KeyError:
                values.append("-")
        rows.append((label, values))

    add("models rows", lambda r: f"{r['rows']['models']:,}")
    add("events rows", lambda r: f"{r['rows']['events']:,}")
    add("CSV size (MB)", lambda r: f"{r['size_mb']:.1f}")
    add("floor: DuckDB read_csv (s)", lambda r: f"{r['floor']['seconds']:.2f}")
    add("validate (s)", lambda r: f"{r['validate']['seconds']:.2f}")
    add("validate ÷ floor", lambda r: f"{r['validate']['seconds'] / r['floor']['seconds']:.1f}")
    add("validate violations", lambda r: str(r["validate"]["violations"]))
    add("build = validate + write (s)", lambda r: f"{r['build']['seconds']:.2f}")
    add("build ÷ floor", lambda r: f"{r['build']['seconds'] / r['floor']['seconds']:.1f}")
    add("peak memory: floor (MB)", lambda r: f"{r['floor']['peak_mb']:.0f}")
    add("peak memory: validate (MB)", lambda r: f"{r['validate']['peak_mb']:.0f}")
    add("peak memory: build (MB)", lambda r: f"{r['build']['peak_mb']:.0f}")
    first = next(iter(results.values()))
    for name in first.get("queries", {}).get("ms", {}):
        add(f"query {name} (ms)", lambda r, n=name: f"{r['queries']['ms'][n]:.1f}")
    add("peak memory: queries (MB)", lambda r: f"{r['queries']['peak_mb']:.0f}")
    for page in first.get("pages", {}).get("pages", {}):
        add(f"page {page}: first / warm run (s)",
            lambda r, p=page: f"{r['pages']['pages'][p]['first']:.2f} / {r['pages']['pages'][p]['warm']:.2f}")
    add("peak memory: pages (MB)", lambda r: f"{r['pages']['peak_mb']:.0f}")

    header = ["measure", *(f"x{s}" for s in sizes)]
    widths = [max(len(header[0]), *(len(label) for label, _ in rows))]
    widths += [max(len(header[i + 1]), *(len(v[i]) for _, v in rows)) for i in range(len(sizes))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                           for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line([label, *values]) for label, values in rows]
    return "\n".join(out)


def problems(results: dict[int, dict]) -> list[str]:
    out = []
    for size, r in results.items():
        if r.get("validate", {}).get("violations"):
            out.append(f"x{size}: the synthetic data did not validate: {r['validate']['first']}")
        for page, p in r.get("pages", {}).get("pages", {}).items():
            if p["errors"]:
                out.append(f"x{size}: page {page}: {p['errors'][:2]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,1000,2000", help="multiples of the real rows, e.g. 1,10")
    parser.add_argument("--quick", action="store_true", help="sizes 1 and 2, one repeat per query (for CI)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (median)")
    parser.add_argument("--work-dir", type=Path, default=None, help="keep the synthetic datasets here")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated steps to measure (default: all of {','.join(STEPS)})")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        _child(args.step, args.data_dir, args.repeat)
        return 0
    sizes = [1, 2] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    results = {}
    with tempfile.TemporaryDirectory(prefix="openmodels-scale-") as tmp:
        work = args.work_dir or Path(tmp)
        for size in sizes:
            print(f"x{size}: generating and measuring…", file=sys.stderr, flush=True)
            results[size] = measure(size, work, repeat, tuple(s for s in STEPS if s in args.steps.split(",")))
            if args.work_dir is None:
                for f in (work / f"x{size}").iterdir():
                    f.unlink()
    print(table(results))
    found = problems(results)
    for p in found:
        print("  ", p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed of the data layer: build time, and each named query's time on the real database.

Runs every query in queries/ with the default filters and with a typical filter (US + CN, 2023 on),
cold (first run on a new connection) and warm (median of repeats). Prints a table.

    python bench/queries.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from openmodels.build import build
from openmodels.contract import DATA_DIR
from openmodels.filters import Filters
from openmodels.queries import Database, available_queries

EXTRA = {"period": "quarter", "unit": "checkpoints", "top_n": 5, "metric": "total", "limit": 15, "categories": [],
         "event_countries": [], "offset": 0, "event_id": "deepseek-r1-release", "months": 6, "search": "",
         "model_id": "deepseek-r1", "as_of": date(2026, 11, 23)}
FILTERS = {"none": Filters(), "US+CN since 2023": Filters(countries=("US", "CN"), date_from=date(2023, 1, 1))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        build(DATA_DIR, db_path)
        build_ms = (time.perf_counter() - start) * 1000
        rows = [("build (validate + write)", "-", f"{build_ms:.0f}", "-", "-")]
        for name in available_queries():
            for label, f in FILTERS.items():
                params = f.params() | EXTRA
                db = Database(db_path)
                t0 = time.perf_counter()
                result = db.run(name, params)
                cold = (time.perf_counter() - t0) * 1000
                warm = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    db.run(name, params)
                    warm.append((time.perf_counter() - t0) * 1000)
                db.close()
                rows.append((name, label, f"{cold:.1f}", f"{statistics.median(warm):.1f}", str(result.height)))
    header = ("query", "filters", "cold ms", "warm ms", "rows")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    fmt = lambda r: "| " + " | ".join(str(v).ljust(w) for v, w in zip(r, widths)) + " |"  # noqa: E731
    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(fmt(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

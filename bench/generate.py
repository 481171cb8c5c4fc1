"""Synthetic datasets that pass validation, N times the size of the real one, for the scale benchmark.

Copy k of the real rows (k = 1 … N-1) gets "--r<k>" on its model_id and event_id (no real id holds "--")
and " (r<k>)" on its name, and its events point at copy k of their model; copy 0 is the real file's bytes. Every other value is
the real row's, so every rule the real rows satisfy (dates not in the future, verified_on after
release_date, one country per organization, MoE and license rules…) holds for every copy.

    python bench/generate.py OUT_DIR --sizes 1,10,100      # writes OUT_DIR/x1, OUT_DIR/x10, OUT_DIR/x100
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BATCH = 50  # copies written per batch: bounds the generator's memory at any size


def _copy(frame: pl.DataFrame, k: int, renames: dict[str, str]) -> pl.DataFrame:
    # Empty cells are read as null and so written back empty; null + suffix stays null.
    return frame.with_columns((pl.col(c) + suffix.format(k=k)).alias(c) for c, suffix in renames.items())


def _write(source: Path, path: Path, factor: int, renames: dict[str, str]) -> int:
    raw = source.read_bytes()
    frame = pl.read_csv(raw, infer_schema=False)
    for column in renames:
        if frame[column].str.contains("--", literal=True).any():
            raise ValueError(f"{source.name}: a real {column} holds '--', so copies could collide with it")
    with path.open("wb") as out:
        out.write(raw if raw.endswith(b"\n") else raw + b"\n")
        for start in range(1, factor, BATCH):
            batch = pl.concat([_copy(frame, k, renames) for k in range(start, min(start + BATCH, factor))])
            batch.write_csv(out, include_header=False, line_terminator="\n")
    return frame.height * factor


def generate(out_dir: Path, factor: int, source: Path = DATA_DIR) -> dict[str, int]:
    """Write models.csv, events.csv and a copy of datapackage.json into out_dir; return the row counts."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "datapackage.json", out_dir / "datapackage.json")
    return {
        "models": _write(source / "models.csv", out_dir / "models.csv", factor,
                         {"model_id": "--r{k}", "name": " (r{k})"}),
        "events": _write(source / "events.csv", out_dir / "events.csv", factor,
                         {"event_id": "--r{k}", "model_id": "--r{k}"}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--sizes", default="1,10,100,1000,2000", help="comma-separated multiples of the real rows")
    args = parser.parse_args(argv)
    for factor in (int(s) for s in args.sizes.split(",")):
        rows = generate(args.out_dir / f"x{factor}", factor)
        print(f"x{factor}: {rows['models']} models, {rows['events']} events -> {args.out_dir / f'x{factor}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

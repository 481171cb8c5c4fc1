"""Fill training_compute_flop from Epoch AI where our row matches an Epoch entry and the compute is blank.

    .venv/bin/python research/fill_compute.py ../shared/reference/epoch  [--write]

A row takes Epoch's estimate only when openmodels.crosscheck.match pairs it with an Epoch entry whose parameter
count agrees within 5 % (so an update or a sibling size never lends its compute), and the row's notes then say
"Training compute: Epoch AI's estimate." Credit: Epoch AI, "Data on AI Models" (CC-BY 4.0).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "research"))

from apply_fixes import MODELS, read, write  # noqa: E402
from import_epoch import load_epoch  # noqa: E402
from openmodels.crosscheck import match  # noqa: E402
from openmodels.report import read_models  # noqa: E402

NOTE = "Training compute: Epoch AI's estimate."


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("epoch_dir", type=Path)
    p.add_argument("--write", action="store_true")
    args = p.parse_args()
    models = read_models()
    epoch = load_epoch(args.epoch_dir).filter(pl.col("epoch_accessibility").is_not_null(),
                                                pl.col("epoch_compute_flop").is_not_null())
    pairs = match(epoch, models).filter(pl.col("model_id").is_not_null()).join(
        models.select("model_id", "params_total_b"), on="model_id")
    pairs = pairs.filter((pl.col("params_total_b") - pl.col("epoch_params_b")).abs()
                         <= 0.05 * pl.col("epoch_params_b"))
    compute = {}
    for r in pairs.iter_rows(named=True):
        compute.setdefault(r["model_id"], r["epoch_compute_flop"])
    cols, rows = read(MODELS)
    filled = 0
    for row in rows:
        flop = compute.get(row["model_id"])
        if flop and not row["training_compute_flop"]:
            row["training_compute_flop"] = f"{flop:.3g}"
            if NOTE not in row["notes"]:
                row["notes"] = (row["notes"].rstrip() + " " + NOTE).strip()
            filled += 1
            print(row["model_id"], row["training_compute_flop"])
    print(f"{filled} rows take Epoch AI's training compute")
    if args.write:
        write(cols, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Recall of data/models.csv against Epoch AI's in-scope open-weight releases, and the list of what is missing.

    .venv/bin/python research/recall.py ../shared/reference  [--write]

In scope (openmodels.crosscheck.in_scope): Epoch entries with an open-weights class, published since 2023-01-01,
by an organization in the United States or China, in a generative domain, first-party, language-only models of at
least 1B parameters. Epoch's all_ai_models.csv (to 2025-12-31) is joined with notable_ai_models_2026-07-15.csv for
later entries. An entry counts as held when openmodels.crosscheck.match finds its row, or when
research/epoch_decisions.csv names the row ('match'); entries decided out of scope there ('skip') leave the
denominator. Prints the recall table (overall, US, China, per year); with --write also writes
research/reference_gaps.csv: every in-scope Epoch entry and every ATOM Project checkpoint that is not in the data,
with the reason.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "research"))

from import_epoch import decisions, importable, load_epoch  # noqa: E402
from openmodels.crosscheck import fold, in_scope, match, name_key  # noqa: E402
from openmodels.report import read_models  # noqa: E402

GAPS = ROOT / "research" / "reference_gaps.csv"
REVIEW = ROOT / "research" / "epoch_review.csv"
ATOM_VARIANT = re.compile(r"[-_](instruct|chat|base|it|hf|fp8|fp4|nvfp4|bf16|int4|int8|awq|gptq|gguf|mlx|"
                          r"thinking|reasoning|\d{4}|v\d+(\.\d+)?|preview|distill|pt|sft|dpo|rl)$", re.IGNORECASE)


def epoch_recall(reference: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(in-scope Epoch entries with held/why columns, the recall table)."""
    models = read_models()
    manual = decisions()
    scoped = match(in_scope(load_epoch(reference / "epoch")), models)
    by_org_name = {(r["organization"], name_key(r["name"])): r["model_id"] for r in models.iter_rows(named=True)}
    held, why = [], []
    for e in scoped.iter_rows(named=True):
        name = e["epoch_model"].strip()
        d = manual.get(fold(name))
        if e["model_id"]:
            held.append(True), why.append(f"row {e['model_id']}")
        elif d and d["decision"] == "match":
            held.append(True), why.append(f"row {d['value']} ({d['note']})")
        elif d and d["decision"] == "organization" and (d["value"], name_key(name)) in by_org_name:
            held.append(True), why.append(f"row {by_org_name[(d['value'], name_key(name))]} ({d['note']})")
        elif d and d["decision"] == "skip":
            held.append(None), why.append(f"out of scope: {d['note']}")
        elif not importable(e, re.sub(r"\s+", " ", name)):
            held.append(None), why.append("out of scope: a biology or medicine model, or a paper's evaluation variant "
                                          "(research/import_epoch.py, importable)")
        else:
            held.append(False), why.append("")
    scoped = scoped.with_columns(pl.Series("held", held, dtype=pl.Boolean), pl.Series("why", why))
    counted = scoped.filter(pl.col("held").is_not_null())
    by_country = counted.explode("epoch_country_codes").filter(pl.col("epoch_country_codes").is_in(["US", "CN"]))

    def row(label: str, df: pl.DataFrame) -> dict:
        n, k = df.height, int(df["held"].sum())
        return {"slice": label, "in scope": n, "in the data": k, "recall": f"{k / n:.0%}" if n else "-"}

    rows = [row("overall", counted), row("United States", by_country.filter(pl.col("epoch_country_codes") == "US")),
            row("China", by_country.filter(pl.col("epoch_country_codes") == "CN"))]
    for year in sorted(counted["epoch_date"].dt.year().unique()):
        for code, label in (("US", "US"), ("CN", "China")):
            part = by_country.filter(pl.col("epoch_date").dt.year() == year, pl.col("epoch_country_codes") == code)
            rows.append(row(f"{year} {label}", part))
    return scoped, pl.DataFrame(rows)


def window_table(scoped: pl.DataFrame) -> pl.DataFrame:
    """Releases in the 12 months to the data-as-of date and the 12 before, by US and China: ours (every row,
    whatever Epoch holds) against Epoch's in-scope entries. Epoch's all-models snapshot ends 2025-12-31 and its
    notable snapshot 2026-07-15, so its later months are thin too."""
    from datetime import date

    from openmodels.contract import contract

    as_of = date.fromisoformat(contract().data_as_of)
    cut, start = as_of.replace(year=as_of.year - 1), as_of.replace(year=as_of.year - 2)
    models = read_models()
    rows = []
    for label, lo, hi in (("12 months before", start, cut), ("last 12 months", cut, as_of)):
        for code in ("US", "CN"):
            ours = models.filter(pl.col("country") == code, pl.col("release_date") > lo, pl.col("release_date") <= hi)
            theirs = scoped.filter(pl.col("epoch_country_codes").list.contains(code),
                                   pl.col("epoch_date") > lo, pl.col("epoch_date") <= hi)
            rows.append({"window": f"{label} ({lo} to {hi})", "country": code, "ours": ours.height,
                         "ours below primary": ours.filter(pl.col("evidence") != "primary").height,
                         "Epoch in scope": theirs.height})
    return pl.DataFrame(rows)


def atom_gaps(reference: Path) -> list[dict]:
    """ATOM checkpoints whose repo (variant suffixes dropped) matches no hf_repo or name of ours."""
    models = read_models()
    keys = set()
    for r in models.iter_rows(named=True):
        for text in (r["hf_repo"] or "", r["name"], r["model_id"]):
            k = name_key(ATOM_VARIANT.sub("", text.split("/")[-1]))
            if k:
                keys.add(k)
    decided = {}
    for path in sorted((ROOT / "research" / "candidates").glob("*-atom-*-decisions.csv")):
        for d in pl.read_csv(path, infer_schema=False).iter_rows(named=True):
            decided[d["entry"]] = f"{d['decision']}: {d['detail'] or ''}".strip()
    out = []
    for file in ("models.csv", "extra_models.csv"):
        df = pl.read_csv(reference / "atom" / file, infer_schema=False)
        for r in df.iter_rows(named=True):
            repo = r["modelId"]
            base = repo.split("/")[-1]
            while ATOM_VARIANT.search(base):
                base = ATOM_VARIANT.sub("", base)
            if name_key(base) in keys:
                continue
            reason = decided.get(repo, "not matched to a row; ATOM carries no release date, so a row needs a dated "
                                       "source (candidate for research)")
            if reason.startswith("row:"):
                continue  # a reviewed row holds it (under another name)
            out.append({"reference": f"ATOM {file}", "entry": repo, "organization": r["org"], "date": "",
                        "reason": reason})
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("reference", type=Path, help="folder with epoch/ and atom/ (e.g. ../shared/reference)")
    p.add_argument("--write", action="store_true", help=f"write {GAPS.relative_to(ROOT)}")
    args = p.parse_args()
    scoped, table = epoch_recall(args.reference)
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_formatting="ASCII_MARKDOWN",
                   tbl_hide_column_data_types=True):
        print("# Recall against Epoch AI's in-scope open-weight releases (US and China, since 2023)\n")
        print(table)
        print("\n# Releases in the last 12 months and the 12 before: ours against Epoch's in-scope entries\n")
        print(window_table(scoped))
    if not args.write:
        return 0
    review = {}
    if REVIEW.exists():
        review = {fold(r["epoch_model"]): r["reason"] for r in pl.read_csv(REVIEW, infer_schema=False).iter_rows(named=True)}
    gaps = []
    for e in scoped.filter(pl.col("held").is_null() | ~pl.col("held")).iter_rows(named=True):
        reason = e["why"] or ("waiting for review: " + review[fold(e["epoch_model"])] if fold(e["epoch_model"]) in review
                              else "not yet in the data")
        gaps.append({"reference": "Epoch all/notable", "entry": e["epoch_model"].strip(),
                     "organization": e["epoch_organization"].replace("\n", " "), "date": str(e["epoch_date"]),
                     "reason": reason})
    gaps += atom_gaps(args.reference)
    with open(GAPS, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["reference", "entry", "organization", "date", "reason"], lineterminator="\n")
        w.writeheader()
        w.writerows(gaps)
    print(f"\n{len(gaps)} entries not in the data written to {GAPS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Apply a reviewed list of corrections to data/models.csv, or append reviewed candidate rows.

    .venv/bin/python research/apply_fixes.py fixes research/fixes/FILE.csv   # model_id,column,new_value,note
    .venv/bin/python research/apply_fixes.py rows FILE.csv                   # rows in the models.csv columns

A fix sets one cell (the old value must still be there, or the fix is refused) and appends its note to the row's
notes. A candidate row is appended unless its model_id, or its organization and name (variant words dropped), is
already in the data at the same size; what was skipped is printed. Run `python -m openmodels validate` afterwards.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openmodels.crosscheck import name_key  # noqa: E402

MODELS = ROOT / "data" / "models.csv"


def read(path: Path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def write(cols: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    MODELS.write_text(buf.getvalue(), encoding="utf-8")


def apply_fixes(path: Path) -> int:
    cols, rows = read(MODELS)
    by_id = {r["model_id"]: r for r in rows}
    _, fixes = read(path)
    bad = 0
    for f in fixes:
        row = by_id.get(f["model_id"])
        if row is None or f["column"] not in cols:
            print(f"refused: {f['model_id']}.{f['column']}: no such row or column")
            bad += 1
            continue
        if "old_value" in f and f["old_value"] != row[f["column"]]:
            print(f"refused: {f['model_id']}.{f['column']} is {row[f['column']]!r}, not {f['old_value']!r}")
            bad += 1
            continue
        row[f["column"]] = f["new_value"]
        if f.get("note") and f["note"] not in row["notes"]:
            row["notes"] = (row["notes"].rstrip() + " " + f["note"]).strip()
    write(cols, rows)
    print(f"{len(fixes) - bad} fixes applied, {bad} refused")
    return 1 if bad else 0


def append_rows(path: Path) -> int:
    cols, rows = read(MODELS)
    ids = {r["model_id"] for r in rows}
    names = {(r["organization"], name_key(r["name"]), r["params_total_b"]) for r in rows}
    _, new = read(path)
    added = 0
    for r in new:
        if r["model_id"] in ids or (r["organization"], name_key(r["name"]), r["params_total_b"]) in names:
            print(f"skipped (already in the data): {r['model_id']} {r['name']}")
            continue
        rows.append({c: r.get(c, "") for c in cols})
        ids.add(r["model_id"])
        names.add((r["organization"], name_key(r["name"]), r["params_total_b"]))
        added += 1
    write(cols, rows)
    print(f"{added} rows appended from {path}")
    return 0


if __name__ == "__main__":
    kind, file = sys.argv[1], Path(sys.argv[2])
    sys.exit(apply_fixes(file) if kind == "fixes" else append_rows(file))

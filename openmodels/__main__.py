"""Command line: python -m openmodels validate | build | report | crosscheck FILE."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openmodels.build import DB_NAME, BuildFailed, InvalidData, build
from openmodels.contract import DATA_DIR, ContractError
from openmodels.text import terminal_safe
from openmodels.validate import display_path, validate_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openmodels", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with models.csv and events.csv")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check both CSVs against the data contract")
    b = sub.add_parser("build", help="validate, then write the DuckDB file atomically")
    b.add_argument("--db", type=Path, default=None, help=f"database path (default: DATA_DIR/{DB_NAME})")
    sub.add_parser("report", help="counts by country × year, organization, modality; rows missing facts")
    c = sub.add_parser("crosscheck", help="compare models.csv with an Epoch AI models CSV (epoch.ai/data/ai-models)")
    c.add_argument("file", type=Path, help="an Epoch AI CSV, e.g. all_ai_models.csv")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ContractError as err:
        print(f"{args.command}: {err}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "validate":
        violations = validate_dataset(args.data_dir)
        for v in violations:
            print(v)
        if violations:
            print(f"{len(violations)} error(s).", file=sys.stderr)
            return 1
        print("OK: data/models.csv and data/events.csv follow the contract.", file=sys.stderr)
        return 0
    if args.command == "build":
        try:
            result = build(args.data_dir, args.db)
        except InvalidData as err:
            for v in err.violations:
                print(v)
            print(f"Build failed: {len(err.violations)} validation error(s); the previous database is unchanged.",
                  file=sys.stderr)
            return 1
        except BuildFailed as err:
            print(f"Build failed: {err.what} {err.todo} The previous database, if any, is unchanged.", file=sys.stderr)
            return 1
        counts = ", ".join(f"{k}: {n} rows" for k, n in result.rows.items())
        print(f"Built {display_path(result.path)} ({counts}).")
        return 0
    if args.command == "report":
        from openmodels.report import report

        violations = validate_dataset(args.data_dir)
        if violations:
            for v in violations:
                print(v)
            print(f"Report not made: {len(violations)} validation error(s); fix them first.", file=sys.stderr)
            return 1
        print(terminal_safe(report(args.data_dir)))
        return 0
    if args.command == "crosscheck":
        from openmodels.crosscheck import crosscheck, render
        from openmodels.report import read_models

        try:
            disagree, unmatched = crosscheck(args.file, read_models(args.data_dir))
        except (OSError, ValueError) as err:
            print(f"crosscheck: {err}", file=sys.stderr)
            return 1
        print(render(disagree, unmatched))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())

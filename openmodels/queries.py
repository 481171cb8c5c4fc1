"""Run the named SQL files in queries/ with bound parameters; return Polars DataFrames."""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from openmodels.contract import QUERIES_DIR

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class UnknownQuery(KeyError):
    pass


@cache
def query_text(name: str, queries_dir: Path = QUERIES_DIR) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise UnknownQuery(name)
    path = queries_dir / f"{name}.sql"
    if not path.is_file():
        raise UnknownQuery(name)
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The $parameters a named query uses."""
    sql = "\n".join(line.split("--", 1)[0] for line in query_text(name).splitlines())
    return set(PARAM.findall(sql))


def available_queries(queries_dir: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in queries_dir.glob("*.sql"))


class Database:
    """A read-only DuckDB connection shared by threads; each query gets its own cursor."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._con = duckdb.connect(str(self.path), read_only=True)
        self._lock = threading.Lock()

    def run(self, name: str, params: dict | None = None) -> pl.DataFrame:
        """Run queries/<name>.sql; only the parameters it uses are bound (missing ones are an error)."""
        wanted = query_params(name)
        given = dict(params or {})
        missing = wanted - given.keys()
        if missing:
            raise ValueError(f"query {name!r} needs parameters {sorted(missing)}")
        bound = {k: given[k] for k in wanted}
        with self._lock:
            cursor = self._con.cursor()
        try:
            return cursor.sql(query_text(name), params=bound).pl()
        finally:
            cursor.close()

    def close(self) -> None:
        self._con.close()

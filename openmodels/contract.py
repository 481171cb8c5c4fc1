"""The data contract: data/datapackage.json, read once, used by every layer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
CONTRACT_PATH = DATA_DIR / "datapackage.json"
QUERIES_DIR = ROOT / "queries"

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict
    unit: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rules: tuple[dict, ...]
    descriptor: dict

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Contract:
    descriptor: dict
    tables: tuple[Table, ...]

    @property
    def version(self) -> str:
        return self.descriptor["version"]

    @property
    def data_as_of(self) -> str:
        return self.descriptor["data_as_of"]

    @property
    def cross_checked_to(self) -> str:
        """The last release day covered by a cross-check against a complete reference list."""
        return self.descriptor["cross_checked_to"]

    @property
    def title(self) -> str:
        return self.descriptor["title"]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    descriptor = json.loads(Path(path).read_text(encoding="utf-8"))
    tables = []
    for res in descriptor["resources"]:
        fields = tuple(
            Field(
                name=f["name"],
                type=f["type"],
                title=f.get("title", f["name"]),
                description=f["description"],
                constraints=f.get("constraints", {}),
                unit=f.get("unit"),
            )
            for f in res["schema"]["fields"]
        )
        tables.append(
            Table(
                name=res["name"],
                path=res["path"],
                title=res.get("title", res["name"]),
                description=res.get("description", ""),
                fields=fields,
                rules=tuple(res.get("rules", [])),
                descriptor=res,
            )
        )
    return Contract(descriptor=descriptor, tables=tuple(tables))


@cache
def contract() -> Contract:
    return load_contract()

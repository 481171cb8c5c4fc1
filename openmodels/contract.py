"""The data contract: data/datapackage.json, read once, used by every layer."""

from __future__ import annotations

import json
import re
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


class ContractError(Exception):
    """data/datapackage.json cannot be read or does not describe the dataset; the message says what to do."""


RESTORE = "Restore it from git (git checkout -- data/datapackage.json) or fix it, then reload or rebuild."
REQUIRED_TABLES = ("models", "events")


def _read_descriptor(path: Path) -> dict:
    shown = f"data/{path.name}" if path.parent.name == "data" else str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContractError(f"The data contract {shown} is missing. {RESTORE}") from None
    except OSError as err:
        raise ContractError(f"The data contract {shown} cannot be read ({err.strerror}). "
                            "Check the file's permissions.") from None
    if not raw.strip():
        raise ContractError(f"The data contract {shown} is empty. {RESTORE}")
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ContractError(f"The data contract {shown} is not UTF-8 text. {RESTORE}") from None
    except json.JSONDecodeError as err:
        cut = " (the file looks cut short)" if err.pos >= len(raw.rstrip()) - 1 else ""
        raise ContractError(f"The data contract {shown} is not valid JSON{cut}: {err.msg} at line {err.lineno}, "
                            f"column {err.colno}. {RESTORE}") from None
    if not isinstance(descriptor, dict):
        raise ContractError(f"The data contract {shown} is not a JSON object. {RESTORE}")
    return descriptor


def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    """Read the contract; a missing, empty, cut-short or malformed file raises ContractError."""
    path = Path(path)
    shown = f"data/{path.name}" if path.parent.name == "data" else str(path)
    descriptor = _read_descriptor(path)
    try:
        result = _parse(descriptor)
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        detail = f"missing {err}" if isinstance(err, KeyError) else str(err)
        raise ContractError(f"The data contract {shown} does not describe the dataset ({detail}). "
                            f"{RESTORE}") from None
    return result


def _check_constraints(table: str, f: Field) -> None:
    """The constraint values the validator would otherwise trip over in the middle of validating a file."""
    c = f.constraints
    if not isinstance(c, dict):
        raise ValueError(f"field {table}.{f.name} has constraints that are not an object")
    for key in ("minimum", "maximum"):
        if key not in c:
            continue
        ok = (isinstance(c[key], (int, float)) and not isinstance(c[key], bool)) if f.type in ("number", "integer") \
            else isinstance(c[key], str)
        if not ok:
            raise ValueError(f"field {table}.{f.name} has a {key} of the wrong type ({c[key]!r})")
    if "enum" in c and not (isinstance(c["enum"], list) and all(isinstance(v, str) for v in c["enum"])):
        raise ValueError(f"field {table}.{f.name} has an enum that is not a list of strings")
    for key in ("maxLength", "minLength"):
        if key in c and not (isinstance(c[key], int) and not isinstance(c[key], bool)):
            raise ValueError(f"field {table}.{f.name} has a {key} that is not a whole number")


def _parse(descriptor: dict) -> Contract:
    for key in ("version", "data_as_of", "cross_checked_to", "title", "resources"):
        descriptor[key]  # noqa: B018 - a KeyError names what is missing
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
    for t in tables:
        for f in t.fields:
            if f.type not in DUCKDB_TYPES:
                raise ValueError(f"field {t.name}.{f.name} has the unknown type {f.type!r}")
            _check_constraints(t.name, f)
            if "pattern" in f.constraints:
                try:
                    re.compile(f.constraints["pattern"])
                except re.error as err:
                    raise ValueError(f"field {t.name}.{f.name} has an invalid pattern ({err})") from None
    names = [t.name for t in tables]
    for name in REQUIRED_TABLES:
        if name not in names:
            raise ValueError(f"no resource named {name!r}")
    return Contract(descriptor=descriptor, tables=tuple(tables))


@cache
def contract() -> Contract:
    """The contract, read once per process (a failed read is not cached: it is tried again next time)."""
    return load_contract(CONTRACT_PATH)

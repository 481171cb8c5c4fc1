"""Check data/*.csv against the contract; report every violation with file, line and column.

Field-level rules (types, required, allowed values, patterns, uniqueness, foreign keys) come
from the Frictionless Table Schemas in data/datapackage.json and are checked by frictionless.
This module adds what a Table Schema cannot say: the file's bytes (encoding, BOM, line ends),
physical line numbers (a quoted cell may span lines), and the cross-field rules listed under
each resource's "rules" in the contract.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openmodels.contract import DATA_DIR, Contract, ContractError, Table, contract
from openmodels.text import char_name, escaped, invisible_chars, markup, mixed_script_words

csv.field_size_limit(sys.maxsize)

FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")
MULTILINE_FIELDS = {"notes"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {_quote(self.value)} — {self.rule}"


def _quote(value: str, limit: int = 60) -> str:
    """The value as printed: cut to `limit` characters, every control or invisible character escaped
    (a terminal never receives an escape sequence from the data)."""
    shown = value if len(value) <= limit else value[:limit] + f"…({len(value)} chars)"
    return "'" + escaped(shown).replace("'", "\\'") + "'"


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Snapshot:
    """The dataset's CSV files as bytes, read once: the build validates, hashes and loads these same bytes,
    so an edit saved while it runs can never slip rows past validation into the database."""

    data_dir: Path
    files: dict[str, bytes | None]  # by file name; None when the file is missing

    @classmethod
    def read(cls, data_dir: Path, contract_: Contract) -> "Snapshot":
        data_dir = Path(data_dir)
        files = {}
        for t in contract_.tables:
            try:
                files[t.path] = (data_dir / t.path).read_bytes()
            except FileNotFoundError:
                files[t.path] = None
        return cls(data_dir, files)

    def sha256(self, name: str) -> str:
        data = self.files.get(name)
        return "" if data is None else hashlib.sha256(data).hexdigest()

    @contextmanager
    def on_disk(self) -> Iterator[Path]:
        """The bytes written to a private temporary folder, for the readers that want files."""
        with tempfile.TemporaryDirectory(prefix="openmodels-snapshot-") as folder:
            for name, data in self.files.items():
                if data is not None:
                    (Path(folder) / name).write_bytes(data)
            yield Path(folder)


@dataclass
class ParsedTable:
    """A CSV file read as text: header, records and the physical line each record starts on."""

    table: Table
    path: Path
    shown: str
    header: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def v(self, line: int, column: str, value: str, rule: str) -> None:
        self.violations.append(Violation(self.shown, line, column, value, rule))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, rec in zip(self.lines, self.records):
            yield line, dict(zip(self.header, rec))


def read_table(table: Table, data_dir: Path, raw: bytes | None = None) -> ParsedTable:
    """Parse one CSV: from `raw` when given (a Snapshot's bytes), else from the file in data_dir."""
    path = data_dir / table.path
    pt = ParsedTable(table, path, display_path(path))
    first_col = table.columns[0]
    if raw is None:
        raw = path.read_bytes() if path.exists() else None
    if raw is None:
        pt.v(1, "-", str(path.name), "file is missing")
        return pt
    if not raw.strip():
        pt.v(1, "-", "", "file is empty: expected a header row and data rows")
        return pt
    if raw.startswith(b"\xef\xbb\xbf"):
        pt.v(1, first_col, raw[3:3 + len(first_col)].decode("utf-8", "replace"),
             "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        return pt
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line_no = raw[: err.start].count(b"\n") + 1
        bad_line = raw.split(b"\n")[line_no - 1].decode("utf-8", "replace")
        header = next(csv.reader([raw.split(b"\n")[0].decode("utf-8", "replace")]), [])
        cells = next(csv.reader([bad_line]), [])
        col = next((header[i] if i < len(header) else f"#{i + 1}"
                    for i, c in enumerate(cells) if "\ufffd" in c), "-")
        pt.v(line_no, col, bad_line.strip()[:60],
             f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8")
        return pt
    if "\r" in text:
        line_no = text[: text.index("\r")].count("\n") + 1
        pt.v(line_no, table.columns[-1], text.splitlines()[line_no - 1][:60],
             "line ends with CR LF (Windows); save the file with LF line ends")
        return pt

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for rec in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not pt.header and start == 1:
                pt.header = rec
                continue
            pt.records.append(rec)
            pt.lines.append(start)
    except csv.Error as err:
        pt.v(previous_end + 1, "-", "", f"CSV syntax error: {err}")
        return pt

    expected = table.columns
    for name in expected:
        if name not in pt.header:
            pt.v(1, name, "", "required column is missing from the header")
    for i, name in enumerate(pt.header):
        if name not in expected:
            pt.v(1, name or f"#{i + 1}", name, "unknown column: not in the data contract")
        elif pt.header.index(name) != i:
            pt.v(1, name, name, "column appears twice in the header")
    if not pt.violations and pt.header != expected:
        pt.v(1, pt.header[0], ",".join(pt.header)[:60],
             "columns are not in the contract's order: " + ",".join(expected))
    if pt.violations:
        return pt
    if not pt.records:
        pt.v(1, "-", "", "file has a header but no data rows")
        return pt
    for line, rec in zip(pt.lines, pt.records):
        if len(rec) != len(expected):
            col = expected[len(rec)] if len(rec) < len(expected) else f"#{len(expected) + 1}"
            value = "" if len(rec) < len(expected) else rec[len(expected)]
            pt.v(line, col, value,
                 f"row has {len(rec)} cells, the header has {len(expected)} (unquoted comma or missing cell?)")
    return pt


# --- field-level rules, checked by frictionless from the Table Schemas ---------------------

def _constraint_rule(table: Table, column: str, note: str) -> str:
    m = re.search(r'constraint "(\w+)"', note)
    kind = m.group(1) if m else ""
    fld = table.field(column) if column in table.columns else None
    c = fld.constraints if fld else {}
    if kind == "required":
        return "required value is missing"
    if kind == "enum":
        allowed = c.get("enum", [])
        if column == "country":
            return "not an ISO 3166-1 alpha-2 country code" + (" (or EU)" if "EU" in allowed else "")
        return "not one of the allowed values: " + ", ".join(allowed)
    if kind == "pattern":
        if column in ("source_url",):
            return "must be an http(s) URL: a host name (letters, digits, '.', '-'; no 'user@'), then the path"
        if column in ("model_id", "event_id"):
            return "must be a slug: lowercase letters, digits, '.', '-', '_'"
        if column == "hf_repo":
            return "must be a Hugging Face repo id 'org/name'"
        if column == "license":
            return "must be an SPDX id or 'LicenseRef-<Name>'"
        return f"does not match the pattern {c.get('pattern')}"
    if kind == "minimum":
        return f"must be at least {c.get('minimum'):g}" if isinstance(c.get("minimum"), float) else f"must be at least {c.get('minimum')}"
    if kind == "maximum":
        return f"must be at most {c.get('maximum'):g}" if isinstance(c.get("maximum"), float) else f"must be at most {c.get('maximum')}"
    if kind == "maxLength":
        return f"longer than {c.get('maxLength')} characters"
    return note


def _frictionless_violations(contract_: Contract, parsed: dict[str, ParsedTable], data_dir: Path) -> list[Violation]:
    from frictionless import FrictionlessException, Package

    ok = [name for name, pt in parsed.items() if not pt.violations]
    if not ok:
        return []
    descriptor = copy.deepcopy(contract_.descriptor)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in ok]
    for res in descriptor["resources"]:
        res.pop("rules", None)
        fks = res["schema"].get("foreignKeys", [])
        res["schema"]["foreignKeys"] = [fk for fk in fks if fk["reference"]["resource"] in ok]
    for key in ("data_as_of", "cross_checked_to", "cross_checked_to_description"):
        descriptor.pop(key, None)
    try:
        report = Package(descriptor, basepath=str(data_dir)).validate()
    except FrictionlessException as err:
        raise ContractError(f"data/datapackage.json is not a valid Data Package: {err.error.note}") from err
    for task in report.tasks:
        if task.errors and all(e.type in ("schema-error", "resource-error", "field-error") for e in task.errors):
            raise ContractError(f"data/datapackage.json is not a valid Data Package: {task.errors[0].note}")

    out: list[Violation] = []
    for task in report.tasks:
        pt = parsed[task.name]
        table = pt.table
        for err in task.errors:
            row = getattr(err, "row_number", None)
            line = pt.lines[row - 2] if row and 2 <= row < len(pt.lines) + 2 else 1
            column = getattr(err, "field_name", None) or "-"
            cell = getattr(err, "cell", None)
            value = "" if cell is None else str(cell)
            if err.type == "type-error":
                fld = table.field(column)
                expected = {"date": "a date YYYY-MM-DD", "number": "a number", "integer": "a whole number",
                            "boolean": "'true' or 'false'"}.get(fld.type, fld.type)
                rule = f"not {expected}"
            elif err.type == "constraint-error":
                rule = _constraint_rule(table, column, err.note)
            elif err.type in ("unique-error", "primary-key"):
                if err.type == "primary-key":
                    column = table.descriptor["schema"]["primaryKey"][0]
                    value = pt.records[row - 2][table.columns.index(column)]
                m = re.search(r"position (\d+)", err.note)
                first = pt.lines[int(m.group(1)) - 2] if m else None
                rule = "duplicate id" + (f" (first used on line {first})" if first else "")
            elif err.type == "foreign-key":
                column = "model_id"
                value = pt.records[row - 2][table.columns.index(column)]
                rule = "refers to a model_id that is not in models.csv"
            else:
                rule = f"{err.title}: {err.note}"
            out.append(Violation(pt.shown, line, column, value, rule))
    return out


# --- cross-field rules, named in the contract's "rules" --------------------------------------

Rule = Callable[[ParsedTable, date], None]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    RULES[fn.__name__] = fn
    return fn


# The one way each type may be written: ASCII digits, no NaN or Infinity, no '_' separators, no digits of
# other scripts (Python and frictionless accept all of those, DuckDB does not), dates exactly YYYY-MM-DD.
FORMS = {
    "date": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "not a date YYYY-MM-DD"),
    "number": (re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?"),
               "not a number: ASCII digits, an optional '.' and exponent (e.g. 7.3, 2.5e23)"),
    "integer": (re.compile(r"-?(0|[1-9][0-9]*)"), "not a whole number: ASCII digits only (e.g. 32768)"),
}


def parse_date(value: str) -> date | None:
    """A real day written exactly YYYY-MM-DD, else None."""
    if not FORMS["date"][0].fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _num(value: str) -> float | None:
    """A number written in the contract's form, else None (the form rule reports it)."""
    return float(value) if FORMS["number"][0].fullmatch(value) else None


def _text_columns(table: Table) -> list[str]:
    return [f.name for f in table.fields if f.type == "string"]


@rule
def exact_forms(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for fld in pt.table.fields:
            value = row[fld.name]
            if not value or fld.type not in FORMS:
                continue
            pattern, message = FORMS[fld.type]
            if not pattern.fullmatch(value) or (fld.type == "date" and parse_date(value) is None):
                pt.v(line, fld.name, value, message)


@rule
def clean_text(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for col in _text_columns(pt.table):
            value = row[col]
            if not value:
                continue
            if chars := invisible_chars(value):
                pt.v(line, col, value, "holds an invisible or control character: "
                     + ", ".join(char_name(ch) for ch in chars[:3]))
            if not value.strip(" "):
                pt.v(line, col, value, "holds only spaces: leave the cell empty or write the value")
            elif value != value.strip(" "):
                pt.v(line, col, value, "starts or ends with a space")
            for word, odd, main in mixed_script_words(value)[:1]:
                pt.v(line, col, value, f"mixes scripts in one word: '{escaped(word)}' has {char_name(odd)} "
                     f"among {main} letters (a look-alike?)")


@rule
def no_markup(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for col in _text_columns(pt.table):
            if tag := markup(row[col]):
                pt.v(line, col, row[col], f"holds HTML markup ({escaped(tag)}); write plain text")


@rule
def single_line(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for col in _text_columns(pt.table):
            if col not in MULTILINE_FIELDS and ("\n" in row[col] or "\r" in row[col]):
                pt.v(line, col, row[col], "line break inside a single-line text cell")


@rule
def no_formula(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for col, value in row.items():
            if value.startswith(FORMULA_PREFIXES):
                pt.v(line, col, value, "starts like a spreadsheet formula ('=', '+', '@' or tab)")


@rule
def not_in_future(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for fld in pt.table.fields:
            if fld.type != "date":
                continue
            d = parse_date(row[fld.name])
            if d is not None and d > today:
                pt.v(line, fld.name, row[fld.name], f"date is in the future (after {today.isoformat()})")


@rule
def key_event_labelled(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if row["key"] == "true" and not row["label"].strip():
            pt.v(line, "label", row["label"], "a key event needs a short label for the charts")
        elif row["key"] == "false" and row["label"]:
            pt.v(line, "label", row["label"], "only a key event has a label (set key to 'true', or empty the label)")


@rule
def positive_params(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        for col in ("params_total_b", "params_active_b"):
            n = _num(row[col])
            if n is not None and n <= 0:
                pt.v(line, col, row[col], "must be greater than 0")


@rule
def total_disclosed_or_noted(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if not row["params_total_b"].strip() and not row["notes"].strip():
            pt.v(line, "params_total_b", "", "blank parameter count needs an explanation in notes")


def _not_above(pt: ParsedTable, column: str, limit: str, rule_text: str) -> None:
    for line, row in pt.rows():
        value, bound = _num(row[column]), _num(row[limit])
        if value is not None and bound is not None and value > bound:
            pt.v(line, column, row[column], f"{rule_text} ({row[limit]})")


@rule
def active_le_total(pt: ParsedTable, today: date) -> None:
    _not_above(pt, "params_active_b", "params_total_b", "active parameters exceed total parameters")


@rule
def moe_has_active(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if row["architecture"] == "moe" and row["params_total_b"].strip() and not row["params_active_b"].strip():
            pt.v(line, "params_active_b", "", "MoE model with a total parameter count needs active parameters")


@rule
def dense_active_equals_total(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if row["architecture"] != "dense":
            continue
        total, active = _num(row["params_total_b"]), _num(row["params_active_b"])
        if total is not None and active != total:  # a blank active (None) differs too
            pt.v(line, "params_active_b", row["params_active_b"],
                 f"dense model: active parameters must equal total ({row['params_total_b']})")
        for col in ("experts_total", "experts_active"):
            if row[col].strip():
                pt.v(line, col, row[col], "dense model cannot have experts")


@rule
def experts_active_le_total(pt: ParsedTable, today: date) -> None:
    _not_above(pt, "experts_active", "experts_total", "more active experts than experts in total")


LICENSE_WORD = re.compile(r"licen[cs]e", re.IGNORECASE)
REFERENCE_NAMES = re.compile(r"\b(Epoch|ATOM)\b")


@rule
def license_confirmed_or_noted(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        has_license, has_class = bool(row["license"].strip()), bool(row["accessibility"].strip())
        if has_license and not has_class:
            pt.v(line, "accessibility", "", "a row with a license needs its accessibility class")
        elif has_class and not has_license and (row["evidence"] == "primary" or not REFERENCE_NAMES.search(row["notes"])):
            pt.v(line, "license", "", "an accessibility class needs the license it was read from "
                                      "(only a graded row whose notes name Epoch AI may take the class alone)")
        elif not has_license and not LICENSE_WORD.search(row["notes"]):
            pt.v(line, "license", "", "blank license needs notes saying why the license is not confirmed")


MONTH_WORD = re.compile(r"\bmonth", re.IGNORECASE)


@rule
def month_precision_first_day(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if row["date_precision"] != "month":
            continue
        if not row["release_date"].endswith("-01"):
            pt.v(line, "release_date", row["release_date"],
                 "a 'month' row stores the first day of its month (YYYY-MM-01)")
        if not MONTH_WORD.search(row["notes"]):
            pt.v(line, "notes", row["notes"], "a 'month' row's notes must say that only the month is known")


@rule
def grade_explained(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        if row["evidence"] == "reference" and not REFERENCE_NAMES.search(row["notes"]):
            pt.v(line, "notes", row["notes"], "a 'reference' row's notes must name the dataset (Epoch AI or ATOM)")
        elif row["evidence"] == "reported" and not row["notes"].strip():
            pt.v(line, "notes", "", "a 'reported' row's notes must name the reports its facts rest on")


@rule
def verified_after_release(pt: ParsedTable, today: date) -> None:
    for line, row in pt.rows():
        released, verified = parse_date(row["release_date"]), parse_date(row["verified_on"])
        if released and verified and verified < released:
            pt.v(line, "verified_on", row["verified_on"], f"checked before the release date ({row['release_date']})")


@rule
def one_country_per_org(pt: ParsedTable, today: date) -> None:
    first: dict[str, tuple[str, int]] = {}
    for line, row in pt.rows():
        org, country = row["organization"], row["country"]
        if org not in first:
            first[org] = (country, line)
        elif first[org][0] != country:
            pt.v(line, "country", country,
                 f"organization '{org}' has country '{first[org][0]}' on line {first[org][1]}")


def validate_dataset(data_dir: Path = DATA_DIR, contract_: Contract | None = None,
                     today: date | None = None, snapshot: Snapshot | None = None) -> list[Violation]:
    """Every violation in the dataset's CSV files, sorted by file, line and column. With a snapshot, its
    bytes are checked (the files in data_dir only name the violations)."""
    contract_ = contract_ or contract()
    data_dir = Path(data_dir)
    today = today or date.today()
    snapshot = snapshot or Snapshot.read(data_dir, contract_)
    parsed = {t.name: read_table(t, data_dir, snapshot.files[t.path]) for t in contract_.tables}
    with snapshot.on_disk() as folder:
        field_level = _frictionless_violations(contract_, parsed, folder)
    for pt in parsed.values():
        if pt.violations:
            continue
        for r in pt.table.rules:
            if r["id"] not in RULES:
                raise ContractError(f"data/datapackage.json names a rule the validator does not know: {r['id']!r}")
            RULES[r["id"]](pt, today)
    # A cell written in the wrong form is reported once, by exact_forms, not again by frictionless'
    # reading of it (which accepts '1_000' and 'NaN', and misreads them against the range).
    forms = {m for _, m in FORMS.values()}
    wrong_form = {(v.path, v.line, v.column) for pt in parsed.values() for v in pt.violations if v.rule in forms}
    violations = [v for v in field_level if (v.path, v.line, v.column) not in wrong_form]
    for pt in parsed.values():
        violations.extend(pt.violations)

    order = {t.name: i for i, t in enumerate(contract_.tables)}
    col_index = {t.name: {c: i for i, c in enumerate(t.columns)} for t in contract_.tables}
    shown_to_table = {pt.shown: name for name, pt in parsed.items()}

    def key(v: Violation):
        name = shown_to_table.get(v.path, "")
        return (order.get(name, 99), v.line, col_index.get(name, {}).get(v.column, 99), v.rule)

    return sorted(set(violations), key=key)

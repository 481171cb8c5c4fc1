"""Check data/*.csv against the contract; report every violation with file, line and column.

The checks run vectorized, as Polars expressions over whole columns, and messages are made only for the
rows that fail. Field-level rules (types, required, allowed values, patterns, lengths, ranges, uniqueness,
foreign keys) are read from the Frictionless Table Schemas in data/datapackage.json; the cross-field rules
are the ones listed under each resource's "rules" there. This module also checks what a Table Schema
cannot say: the file's bytes (encoding, BOM, line ends) and physical line numbers (a quoted cell may span
lines).

A file is read in chunks of whole records (memory stays bounded at any size). Each chunk is parsed by
Polars and proved to be the same records Python's strict csv reader would see: its byte count must equal
the cells' bytes plus one separator per cell and the quotes the cells imply. A file that fails that proof,
or any file-level check, is read again by the csv reader, which names the exact fault.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from openmodels.contract import DATA_DIR, Contract, ContractError, Field, Table, contract
from openmodels.text import REFUSED_CATEGORIES, char_name, escaped, invisible_chars, markup, mixed_script_words
from openmodels.text import _WORD as WORD

csv.field_size_limit(sys.maxsize)

FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")
MULTILINE_FIELDS = {"notes"}
CHUNK_BYTES = 64 * 2 ** 20  # records parsed per step: bounds memory at any file size
MAX_PER_CHECK = 100  # messages listed per check (one rule on one column); the rest are counted
LINE, ROW = "__line", "__row"  # physical line a record starts on; its record number (header = 1)
BLANK = "__blank_row"  # every cell of the record is empty
PY_SPACES = "".join(ch for ch in map(chr, range(0x3100)) if ch.isspace())  # what str.strip() removes
_SPACES_ONLY = "^[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in PY_SPACES) + "]*$"


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


def file_sha256(path: Path) -> str:
    """sha256 of a file read in blocks; '' when it is missing."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(8 * 2 ** 20):
                digest.update(block)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


Loader = Callable[[Table, pl.DataFrame], None]


@dataclass
class Snapshot:
    """One read of the dataset's CSV files. Validation reads each file once, in chunks; each chunk's bytes
    are hashed and, when the chunk passes, its records go to `load` (the build's database), so the bytes
    validated are the bytes hashed and loaded and an edit saved while a build runs never slips rows past
    validation. `restart` is called when the files are read again from the start (by the strict reader)."""

    data_dir: Path
    load: Loader | None = None
    restart: Callable[[], None] | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # by file name, once validated; '' for a missing file

    def sha256(self, name: str) -> str:
        return self.hashes.get(name, "")


# --- reading: file-level checks, then records with their physical line numbers ----------------------

class _Unproven(Exception):
    """The fast reader cannot vouch for this file; the strict csv reader reads it instead."""


@dataclass
class ParsedTable:
    """A CSV file read: its violations so far and, when the structure is sound, its records in chunks."""

    table: Table
    path: Path
    shown: str
    source: Path | bytes | None = None
    violations: list[Violation] = field(default_factory=list)
    frame: pl.DataFrame | None = None  # set when the strict reader read the file
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)  # of the bytes read

    def v(self, line: int, column: str, value: str, rule: str) -> None:
        self.violations.append(Violation(self.shown, line, column, value, rule))

    def chunks(self) -> Iterator[pl.DataFrame]:
        """The records as String columns plus LINE and ROW, a chunk at a time, in file order."""
        if self.frame is not None:
            yield self.frame
        else:
            yield from _fast_chunks(self.source, self.table.columns, self.digest)


def _split_point(buf: bytes, quotes: int) -> tuple[int, int]:
    """The end (exclusive) of the last whole record in buf, which holds `quotes` quote characters: just after
    a line break with an even number of quotes before it; and the quotes before that end. (0, 0) if none."""
    end = len(buf)
    while (nl := buf.rfind(b"\n", 0, end)) >= 0:
        quotes -= buf.count(b'"', nl, end)
        if quotes % 2 == 0:
            return nl + 1, quotes
        end = nl
    return 0, 0


def _parse_chunk(data: bytes, quotes: int, breaks: int, columns: list[str], first_line: int,
                 first_row: int) -> pl.DataFrame:
    """One chunk of whole records, proved to hold exactly what the strict csv reader would read."""
    try:
        frame = pl.read_csv(data, has_header=False, new_columns=columns, schema={c: pl.String for c in columns},
                            infer_schema=False, empty_string_is_null=False, quote_char='"', eol_char="\n")
    except pl.exceptions.PolarsError as err:
        raise _Unproven(str(err)) from None
    cols = [pl.col(c) for c in columns]
    sums = [pl.sum_horizontal(c.str.len_bytes().sum() for c in cols).alias("bytes")]
    if quotes:
        sums.append(pl.sum_horizontal(c.str.count_matches('"', literal=True).sum() for c in cols).alias("inner"))
    cell_bytes, inner = (*(int(x or 0) for x in frame.select(sums).row(0)), 0)[:2]
    enclosing = quotes - 2 * inner  # two per quoted cell
    length = len(data) + (0 if data.endswith(b"\n") else 1)
    if enclosing < 0 or enclosing % 2 or length != cell_bytes + inner + enclosing + frame.height * len(columns):
        raise _Unproven("chunk bytes do not add up to its cells")
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    line = first_line + index
    if breaks + (0 if data.endswith(b"\n") else 1) > frame.height:  # some cells hold line breaks
        inside = pl.sum_horizontal(c.str.count_matches("\n", literal=True) for c in cols)
        line = line + inside.cum_sum().shift(1, fill_value=0)
    return frame.with_columns(line.alias(LINE), (first_row + index).alias(ROW))


def _fast_chunks(source: Path | bytes, columns: list[str], digest) -> Iterator[pl.DataFrame]:
    stream = open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)
    # The hash runs in a thread of its own (hashlib lets go of the GIL), in block order, beside the parsing.
    with stream, ThreadPoolExecutor(max_workers=1, thread_name_prefix="openmodels-hash") as hasher:
        hasher.submit(digest.update, stream.readline())  # the header, checked before
        line, row = 2, 2
        buf, quotes = b"", 0
        while True:
            block = stream.read(CHUNK_BYTES)
            hasher.submit(digest.update, block)
            if block and b"\r" in block:
                raise _Unproven("carriage return")
            buf, quotes = (buf + block if buf else block), quotes + block.count(b'"')
            if not block:
                if not buf:
                    return
                if quotes % 2:
                    raise _Unproven("a quote is never closed")
                end, before = len(buf), quotes
            else:
                end, before = _split_point(buf, quotes)
                if end == 0:
                    continue  # one quoted cell longer than a chunk: read on
            view = memoryview(buf)
            data, buf, quotes = bytes(view[:end]), bytes(view[end:]), quotes - before
            del view
            breaks = data.count(b"\n")
            frame = _parse_chunk(data, before, breaks, columns, line, row)
            line += breaks
            row += frame.height
            yield frame
            if not block:
                return


def _fast_header_ok(source: Path | bytes, table: Table) -> bool:
    """The file starts with exactly the contract's header and holds records: the fast reader may read it."""
    with (open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)) as stream:
        first = stream.readline()
        more = stream.read(1)
    return first == (",".join(table.columns) + "\n").encode() and more not in (b"", b"\n") and \
        re.fullmatch(r"[A-Za-z0-9_,]+\n", first.decode("ascii", "replace")) is not None


def read_table(table: Table, data_dir: Path, raw: bytes | None = None) -> ParsedTable:
    """Open one CSV (the file in data_dir, or `raw` bytes) and check its header. A file the fast reader can
    vouch for is read in chunks later; any other is read now, strictly."""
    path = data_dir / table.path
    pt = ParsedTable(table, path, display_path(path))
    if raw is None and path.exists():
        raw = path
    if raw is None:
        pt.v(1, "-", str(path.name), "file is missing")
        return pt
    pt.source = raw
    if _fast_header_ok(raw, table):
        return pt
    _read_strictly(pt, raw if isinstance(raw, bytes) else raw.read_bytes())
    return pt


def _read_strictly(pt: ParsedTable, raw: bytes) -> None:
    """Python's strict csv reader over the whole file: names every file-level and structural fault."""
    pt.digest = hashlib.sha256(raw)
    table = pt.table
    first_col = table.columns[0]
    if not raw.strip():
        pt.v(1, "-", "", "file is empty: expected a header row and data rows")
        return
    if raw.startswith(b"\xef\xbb\xbf"):
        pt.v(1, first_col, raw[3:3 + len(first_col)].decode("utf-8", "replace"),
             "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        return
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
        return
    if "\r" in text:
        line_no = text[: text.index("\r")].count("\n") + 1
        pt.v(line_no, table.columns[-1], text.splitlines()[line_no - 1][:60],
             "line ends with CR LF (Windows); save the file with LF line ends")
        return

    header: list[str] = []
    records: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for rec in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not header and start == 1:
                header = rec
                continue
            records.append(rec)
            lines.append(start)
    except csv.Error as err:
        pt.v(previous_end + 1, "-", "", f"CSV syntax error: {err}")
        return

    expected = table.columns
    for name in expected:
        if name not in header:
            pt.v(1, name, "", "required column is missing from the header")
    for i, name in enumerate(header):
        if name not in expected:
            pt.v(1, name or f"#{i + 1}", name, "unknown column: not in the data contract")
        elif header.index(name) != i:
            pt.v(1, name, name, "column appears twice in the header")
    if not pt.violations and header != expected:
        pt.v(1, header[0], ",".join(header)[:60],
             "columns are not in the contract's order: " + ",".join(expected))
    if pt.violations:
        return
    if not records:
        pt.v(1, "-", "", "file has a header but no data rows")
        return
    for line, rec in zip(lines, records):
        if len(rec) != len(expected):
            col = expected[len(rec)] if len(rec) < len(expected) else f"#{len(expected) + 1}"
            value = "" if len(rec) < len(expected) else rec[len(expected)]
            pt.v(line, col, value,
                 f"row has {len(rec)} cells, the header has {len(expected)} (unquoted comma or missing cell?)")
    if pt.violations:
        return
    pt.frame = pl.DataFrame({c: [rec[i] for rec in records] for i, c in enumerate(expected)},
                            schema={c: pl.String for c in expected}).with_columns(
        pl.Series(LINE, lines, dtype=pl.Int64), pl.Series(ROW, range(2, len(records) + 2), dtype=pl.Int64))


# --- checks: a mask over the records, and the message for each row it selects -----------------------

@dataclass(frozen=True)
class Check:
    """Rows where `mask` holds break a rule on `column`. The message is `rule` (text or an expression over
    the row), or, with `detail`, made in Python from the cell's value for the few rows the mask selects
    (None: the value is fine after all). `whole_table`: the mask compares rows, so it sees every record."""

    key: str
    column: str
    mask: pl.Expr
    rule: str | pl.Expr = ""
    value: pl.Expr | None = None
    detail: Callable[[str], str | None] | None = None
    whole_table: bool = False
    prefilter: pl.Expr | None = None  # a cheap superset of the mask: the mask is evaluated on these rows only
    rows: pl.Expr | None = None  # only these rows are reported (the blank-row check speaks for a blank row)


def _col(name: str) -> pl.Expr:
    return pl.col(name)


def _class(predicate: Callable[[str], bool]) -> str:
    """A regex character class of every code point (surrogates aside) for which predicate holds,
    computed from Python's own Unicode tables so Polars and Python agree on each character."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or not predicate(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "[" + "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


@cache
def _invisible_class() -> str:
    return _class(lambda ch: ch not in " \n\r" and unicodedata.category(ch) in REFUSED_CATEGORIES)


def _non_ascii(e: pl.Expr) -> pl.Expr:
    return e.str.len_bytes() != e.str.len_chars()


def _blank(e: pl.Expr | str) -> pl.Expr:
    """The cell is empty or holds only white space (as Python's str.strip() sees it); given a column name,
    as a feature of that column."""
    if isinstance(e, str):
        return _feature(e, "blank", _blank(_col(e)))
    return e.str.contains(_SPACES_ONLY)


def _mentions(column: str, pattern: str) -> pl.Expr:
    """The cell matches `pattern` somewhere (a feature of the column)."""
    return _feature(column, pattern, _col(column).str.contains(pattern))


# Word characters that may make up a word of mixed scripts; a pair of them with one outside ASCII is the
# only place such a word can be. Python then names the word (text.mixed_script_words).
_WORDISH = r"[\p{L}\p{M}\p{Nl}\p{No}]"
_MIXED_CANDIDATE = rf"[\p{{L}}\p{{M}}\p{{Nl}}\p{{No}}&&[^\x00-\x7f]]{_WORDISH}|{_WORDISH}[\p{{L}}\p{{M}}\p{{Nl}}\p{{No}}&&[^\x00-\x7f]]"


# The one way each type may be written: ASCII digits, no NaN or Infinity, no '_' separators, no digits of
# other scripts (Python accepts all of those, DuckDB does not), dates exactly YYYY-MM-DD.
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


def _ok_name(name: str) -> str:
    return f"__well_formed:{name}"


def _num_name(name: str) -> str:
    return f"__number:{name}"


FEATURES: dict[str, tuple[str, pl.Expr]] = {}  # helper column name -> (the column it reads, expression)


def _feature(column: str, tag: str, expr: pl.Expr) -> pl.Expr:
    """A fact about one column's cells that a cross-field rule reads (is it blank, does it name Epoch…),
    computed once per chunk on the column's distinct values."""
    name = f"__feature:{column}:{tag}"
    FEATURES[name] = (column, expr.alias(name))
    return _col(name)


def add_helpers(table: Table, frame: pl.DataFrame,
                helpers: dict[str, list[pl.Expr]]) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Columns many checks read, computed once per chunk: whether a record is blank, whether each typed cell
    is well formed, each number as a float, and the features rules ask for. Columns repeat their values,
    so each is worked out on the column's distinct values and joined to the rows. Returns the frame and
    those distinct values with their helpers, by column."""
    first = table.columns[0]
    blank = pl.all_horizontal(_col(c) == "" for c in table.columns) if (frame[first] == "").any() else pl.lit(False)
    frame = frame.with_columns(blank.alias(BLANK))
    distincts: dict[str, pl.DataFrame] = {}
    for column, exprs in helpers.items():
        distincts[column] = frame.select(_col(column).unique()).with_columns(exprs)
        frame = frame.join(distincts[column], on=column, how="left", maintain_order="left")
    return frame, distincts


def _helpers_of(f: Field) -> list[pl.Expr]:
    out = [well_formed(_col(f.name), f.type).alias(_ok_name(f.name))]
    if f.type in ("number", "integer"):
        out.append(pl.when(out[0]).then(_col(f.name).cast(pl.Float64, strict=False)).alias(_num_name(f.name)))
    return out


def helper_columns(table: Table, checks: list[Check]) -> dict[str, list[pl.Expr]]:
    """The helper columns of each column, as expressions over that column alone."""
    out = {f.name: _helpers_of(f) for f in table.fields if f.type in FORMS}
    used = _columns_of(checks)
    for name, (column, expr) in FEATURES.items():
        if name in used and column in table.columns:
            out.setdefault(column, []).append(expr)
    return out


def well_formed(e: pl.Expr, type_: str) -> pl.Expr:
    """The cell is written in its type's one form (and a date is a real day)."""
    ok = e.str.contains(f"^(?:{FORMS[type_][0].pattern})$")
    if type_ == "date":
        ok = ok & e.str.to_date("%Y-%m-%d", strict=False).is_not_null() & ~e.str.starts_with("0000")
    return ok


def _num(name: str) -> pl.Expr:
    """The cell as a number when written in the contract's form, else null (the form rule reports it)."""
    return _col(_num_name(name))


def _date(name: str) -> pl.Expr:
    """The cell when it is a real day (YYYY-MM-DD strings compare as dates), else null."""
    return pl.when(_col(_ok_name(name))).then(_col(name))


def _text_columns(table: Table) -> list[str]:
    return [f.name for f in table.fields if f.type == "string"]


# --- field-level rules, read from the Table Schemas ---------------------------------------------------

TYPE_WORDS = {"date": "a date YYYY-MM-DD", "number": "a number", "integer": "a whole number",
              "boolean": "'true' or 'false'"}
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]  # Frictionless' defaults when a field names none
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]


def _constraint_rule(table: Table, column: str, kind: str) -> str:
    c = table.field(column).constraints
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
    if kind in ("minimum", "maximum"):
        bound = c[kind]
        word = "at least" if kind == "minimum" else "at most"
        return f"must be {word} {bound:g}" if isinstance(bound, float) else f"must be {word} {bound}"
    if kind == "maxLength":
        return f"longer than {c.get('maxLength')} characters"
    if kind == "minLength":
        return f"shorter than {c.get('minLength')} characters"
    return kind


def _typed(f: Field) -> pl.Expr:
    """The cell as its type, for range checks (valid, non-empty cells only)."""
    e = _col(f.name)
    if f.type in ("number", "integer"):
        # Floats compare integers exactly while the bounds stay below 2**53 (the contract's are far below).
        return _col(_num_name(f.name))
    return e  # dates as YYYY-MM-DD strings, which sort as the days they name


def _type_ok(f: Field, table: Table) -> pl.Expr:
    e = _col(f.name)
    if f.type in FORMS:
        return _col(_ok_name(f.name))
    if f.type == "boolean":
        d = _field_descriptor(table, f.name)
        return e.is_in(d.get("trueValues", DEFAULT_TRUE) + d.get("falseValues", DEFAULT_FALSE))
    return pl.lit(True)


def _field_descriptor(table: Table, name: str) -> dict:
    return next(f for f in table.descriptor["schema"]["fields"] if f["name"] == name)


def field_checks(table: Table) -> list[Check]:
    """The Table Schema's rules for each field: type, required, enum, pattern, lengths, range, unique."""
    out: list[Check] = []
    blank_row = _col(BLANK)
    out.append(Check("blank-row", "-", blank_row, pl.format('Blank Row: Row at position "{}" is completely blank',
                                                            _col(ROW)), value=pl.lit("")))
    forms_by_rule = any(r["id"] == "exact_forms" for r in table.rules)
    keys = set(table.descriptor["schema"].get("primaryKey", []))
    for f in table.fields:
        e, c = _col(f.name), f.constraints
        filled = e != ""  # (a blank row's cells are all empty, so it is left out here too)
        if f.required:
            out.append(Check(f"{f.name}:required", f.name, e == "", _constraint_rule(table, f.name, "required"),
                             rows=~blank_row))
        type_ok = _type_ok(f, table)
        if f.type == "boolean" or (f.type in FORMS and not forms_by_rule):
            out.append(Check(f"{f.name}:type", f.name, filled & ~type_ok, f"not {TYPE_WORDS[f.type]}"))
        valid = filled & type_ok
        if "enum" in c:
            out.append(Check(f"{f.name}:enum", f.name, valid & ~e.is_in(c["enum"]), _constraint_rule(table, f.name, "enum")))
        if "pattern" in c:
            out.append(Check(f"{f.name}:pattern", f.name, valid & ~e.str.contains(f"^(?:{c['pattern']})$"),
                             _constraint_rule(table, f.name, "pattern")))
        if "maxLength" in c:
            out.append(Check(f"{f.name}:maxLength", f.name, valid & (e.str.len_chars() > c["maxLength"]),
                             _constraint_rule(table, f.name, "maxLength")))
        if "minLength" in c:
            out.append(Check(f"{f.name}:minLength", f.name, valid & (e.str.len_chars() < c["minLength"]),
                             _constraint_rule(table, f.name, "minLength")))
        for kind, op in (("minimum", "lt"), ("maximum", "gt")):
            if kind in c and f.type in ("number", "integer", "date"):
                typed = _typed(f)
                out.append(Check(f"{f.name}:{kind}", f.name, valid & getattr(typed, op)(c[kind]),
                                 _constraint_rule(table, f.name, kind)))
        if c.get("unique") or f.name in keys:
            first = _col(LINE).first().over(f.name)
            # (a blank row's id is empty, so `e != ""` leaves it out without reading the other columns)
            out.append(Check(f"{f.name}:unique", f.name, (e != "") & e.is_duplicated() & ~e.is_first_distinct(),
                             pl.format("duplicate id (first used on line {})", first), whole_table=True))
    return out


# --- cross-field rules, named in the contract's "rules" --------------------------------------------

Rule = Callable[[Table, date], list[Check]]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    RULES[fn.__name__] = fn
    return fn


@rule
def exact_forms(table: Table, today: date) -> list[Check]:
    return [Check(f"{f.name}:form", f.name, (_col(f.name) != "") & ~_col(_ok_name(f.name)), FORMS[f.type][1])
            for f in table.fields if f.type in FORMS]


def _invisible_message(value: str) -> str | None:
    chars = invisible_chars(value)
    return "holds an invisible or control character: " + ", ".join(char_name(ch) for ch in chars[:3]) if chars else None


@cache
def _word_mix(word: str) -> tuple[str, str, str] | None:
    found = mixed_script_words(word)
    return found[0] if found else None


def _mixed_message(value: str) -> str | None:
    """text.mixed_script_words(value)'s first finding, word by word: an ASCII word is all Latin, and the
    verdict on each other word is remembered (notes repeat their words far more than their values)."""
    for m in WORD.finditer(value):
        word = m.group()
        if not word.isascii() and (hit := _word_mix(word)):
            word, odd, main = hit
            return f"mixes scripts in one word: '{escaped(word)}' has {char_name(odd)} among {main} letters (a look-alike?)"
    return None


def _markup_message(value: str) -> str | None:
    tag = markup(value)
    return f"holds HTML markup ({escaped(tag)}); write plain text" if tag else None


@rule
def clean_text(table: Table, today: date) -> list[Check]:
    out = []
    for col in _text_columns(table):
        e = _col(col)
        filled = e != ""
        out += [
            Check(f"{col}:invisible", col, e.str.contains(_invisible_class()), detail=_invisible_message,
                  prefilter=_non_ascii(e) | e.str.contains("[\x00-\x09\x0b-\x1f\x7f]")),
            Check(f"{col}:spaces", col, filled & e.str.contains("^ *$"),
                  "holds only spaces: leave the cell empty or write the value"),
            Check(f"{col}:edge-space", col, ~e.str.contains("^ *$") & (e.str.starts_with(" ") | e.str.ends_with(" ")),
                  "starts or ends with a space"),
            Check(f"{col}:mixed", col, e.str.contains(_MIXED_CANDIDATE), detail=_mixed_message,
                  prefilter=_non_ascii(e)),
        ]
    return out


@rule
def no_markup(table: Table, today: date) -> list[Check]:
    return [Check(f"{col}:markup", col, _col(col).str.contains("<", literal=True), detail=_markup_message)
            for col in _text_columns(table)]


@rule
def single_line(table: Table, today: date) -> list[Check]:
    return [Check(f"{col}:single-line", col, _col(col).str.contains("[\n\r]"), "line break inside a single-line text cell")
            for col in _text_columns(table) if col not in MULTILINE_FIELDS]


@rule
def no_formula(table: Table, today: date) -> list[Check]:
    return [Check(f"{col}:formula", col, pl.any_horizontal(*(_col(col).str.starts_with(p) for p in FORMULA_PREFIXES)),
                  "starts like a spreadsheet formula ('=', '+', '@' or tab)") for col in table.columns]


@rule
def not_in_future(table: Table, today: date) -> list[Check]:
    return [Check(f"{f.name}:future", f.name, _date(f.name) > today.isoformat(),
                  f"date is in the future (after {today.isoformat()})") for f in table.fields if f.type == "date"]


@rule
def key_event_labelled(table: Table, today: date) -> list[Check]:
    key, label = _col("key"), _col("label")
    return [Check("label:key-needs-label", "label", (key == "true") & _blank("label"),
                  "a key event needs a short label for the charts"),
            Check("label:label-needs-key", "label", (key == "false") & (label != ""),
                  "only a key event has a label (set key to 'true', or empty the label)")]


@rule
def positive_params(table: Table, today: date) -> list[Check]:
    return [Check(f"{col}:positive", col, _num(col) <= 0, "must be greater than 0")
            for col in ("params_total_b", "params_active_b")]


@rule
def total_disclosed_or_noted(table: Table, today: date) -> list[Check]:
    return [Check("params_total_b:noted", "params_total_b", _blank("params_total_b") & _blank("notes"),
                  "blank parameter count needs an explanation in notes", value=pl.lit(""))]


def _not_above(column: str, limit: str, rule_text: str) -> Check:
    return Check(f"{column}:not-above", column, _num(column) > _num(limit),
                 pl.format(f"{rule_text} ({{}})", _col(limit)))


@rule
def active_le_total(table: Table, today: date) -> list[Check]:
    return [_not_above("params_active_b", "params_total_b", "active parameters exceed total parameters")]


@rule
def moe_has_active(table: Table, today: date) -> list[Check]:
    return [Check("params_active_b:moe", "params_active_b", (_col("architecture") == "moe")
                  & ~_blank("params_total_b") & _blank("params_active_b"),
                  "MoE model with a total parameter count needs active parameters", value=pl.lit(""))]


@rule
def dense_active_equals_total(table: Table, today: date) -> list[Check]:
    dense = _col("architecture") == "dense"
    total, active = _num("params_total_b"), _num("params_active_b")
    out = [Check("params_active_b:dense", "params_active_b",
                 dense & total.is_not_null() & (active.is_null() | (active != total)),  # a blank active differs too
                 pl.format("dense model: active parameters must equal total ({})", _col("params_total_b")))]
    out += [Check(f"{col}:dense", col, dense & ~_blank(col), "dense model cannot have experts")
            for col in ("experts_total", "experts_active")]
    return out


@rule
def experts_active_le_total(table: Table, today: date) -> list[Check]:
    return [_not_above("experts_active", "experts_total", "more active experts than experts in total")]


LICENSE_WORD = r"(?i)licen[cs]e"
REFERENCE_NAMES = r"\b(Epoch|ATOM)\b"


@rule
def license_confirmed_or_noted(table: Table, today: date) -> list[Check]:
    has_license, has_class = ~_blank("license"), ~_blank("accessibility")
    notes = _col("notes")
    first = has_license & ~has_class
    second = ~first & has_class & ~has_license & ((_col("evidence") == "primary") | ~_mentions("notes", REFERENCE_NAMES))
    third = ~first & ~second & ~has_license & ~_mentions("notes", LICENSE_WORD)
    return [
        Check("accessibility:needs-class", "accessibility", first, "a row with a license needs its accessibility class",
              value=pl.lit("")),
        Check("license:class-alone", "license", second, "an accessibility class needs the license it was read from "
              "(only a graded row whose notes name Epoch AI may take the class alone)", value=pl.lit("")),
        Check("license:blank", "license", third, "blank license needs notes saying why the license is not confirmed",
              value=pl.lit("")),
    ]


MONTH_WORD = r"(?i)\bmonth"


@rule
def month_precision_first_day(table: Table, today: date) -> list[Check]:
    month = _col("date_precision") == "month"
    return [Check("release_date:month-day", "release_date", month & ~_col("release_date").str.ends_with("-01"),
                  "a 'month' row stores the first day of its month (YYYY-MM-01)"),
            Check("notes:month", "notes", month & ~_mentions("notes", MONTH_WORD),
                  "a 'month' row's notes must say that only the month is known")]


@rule
def grade_explained(table: Table, today: date) -> list[Check]:
    evidence, notes = _col("evidence"), _col("notes")
    return [Check("notes:reference", "notes", (evidence == "reference") & ~_mentions("notes", REFERENCE_NAMES),
                  "a 'reference' row's notes must name the dataset (Epoch AI or ATOM)"),
            Check("notes:reported", "notes", (evidence == "reported") & _blank("notes"),
                  "a 'reported' row's notes must name the reports its facts rest on", value=pl.lit(""))]


@rule
def verified_after_release(table: Table, today: date) -> list[Check]:
    return [Check("verified_on:after-release", "verified_on", _date("verified_on") < _date("release_date"),
                  pl.format("checked before the release date ({})", _col("release_date")))]


@rule
def one_country_per_org(table: Table, today: date) -> list[Check]:
    first_country = _col("country").first().over("organization")
    return [Check("country:one-per-org", "country", _col("country") != first_country,
                  pl.format("organization '{}' has country '{}' on line {}", _col("organization"), first_country,
                            _col(LINE).first().over("organization")), whole_table=True)]


# --- running the checks -------------------------------------------------------------------------------

class Findings:
    """The violations of one file: at most MAX_PER_CHECK listed per check, the rest counted in one line."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.listed: list[Violation] = []
        self.more: dict[str, list] = {}  # check key -> [count, first unlisted violation, last line]
        self.counts: dict[str, int] = {}

    def room(self, key: str) -> int:
        """How many more messages of this check are listed."""
        return max(0, MAX_PER_CHECK - self.counts.get(key, 0))

    def add(self, key: str, column: str, lines: list[int], values: list[str], rules: list[str],
            count: int, last_line: int) -> None:
        """`count` rows broke the check; the first of them are given (as many as room() allows, and one
        more), and the line of the last."""
        room = self.room(key)
        self.counts[key] = self.counts.get(key, 0) + count
        for line, value, text in list(zip(lines, values, rules))[:room]:
            self.listed.append(Violation(self.shown, line, column, value, text))
        if count <= room:
            return
        if key in self.more:
            self.more[key][0] += count - room
        else:
            first = Violation(self.shown, lines[room], column, values[room], rules[room])
            self.more[key] = [count - room, first, last_line]
        self.more[key][2] = last_line

    def violations(self) -> list[Violation]:
        out = list(self.listed)
        for count, v, last in self.more.values():
            others = count - 1
            suffix = f" (and {others:,} more rows up to line {last:,} break this rule; they are not listed)" \
                if others else ""
            out.append(Violation(v.path, v.line, v.column, v.value, v.rule + suffix))
        return out


def _base_column(name: str) -> str:
    """The data column a helper column is computed from (a data column is its own)."""
    if name.startswith(("__well_formed:", "__number:")):
        return name.split(":", 1)[1]
    if name.startswith("__feature:"):
        return name.split(":")[1]
    return name


def _only_column(check: Check, columns: set[str]) -> str | None:
    """The one column a check reads, when its mask, value and message read no other: such a check runs on
    the column's distinct values, and the rows holding a failing value are looked up after."""
    if check.whole_table or check.rows is not None or check.value is not None or isinstance(check.rule, pl.Expr):
        return None
    names = {_base_column(n) for e in (check.mask, check.prefilter) if e is not None for n in e.meta.root_names()}
    return names.pop() if len(names) == 1 and names <= columns and check.column in columns | {"-"} else None


def _report(check: Check, rows: pl.DataFrame, found: Findings) -> None:
    """rows: LINE, value and rule of the rows the check selected (rule None: Python says the value is fine)."""
    if check.detail is not None:
        messages = {v: check.detail(v) for v in rows["value"].unique().to_list()}
        rows = rows.with_columns(pl.col("value").replace_strict(messages, return_dtype=pl.String).alias("rule")) \
            .filter(pl.col("rule").is_not_null())
    if rows.height == 0:
        return
    head = rows.head(found.room(check.key) + 1)
    found.add(check.key, check.column, head[LINE].to_list(), head["value"].to_list(), head["rule"].to_list(),
              rows.height, rows[LINE][-1])


def _screen(checks: list[Check], frame: pl.DataFrame) -> list[Check]:
    """The checks whose mask (or prefilter) holds on some row of frame, all screened in one parallel pass."""
    screens = [c.prefilter if c.prefilter is not None else c.mask for c in checks]
    hits = frame.select(m.fill_null(False).any().alias(f"c{i}") for i, m in enumerate(screens)).row(0)
    return [c for c, hit in zip(checks, hits) if hit]


def _run(checks: list[Check], frame: pl.DataFrame, found: Findings,
         distincts: dict[str, pl.DataFrame] | None = None) -> None:
    if not checks or frame.height == 0:
        return
    distincts = distincts or {}
    by_column: dict[str, list[Check]] = {}
    rest: list[Check] = []
    for c in checks:
        col = _only_column(c, set(frame.columns))
        (by_column.setdefault(col, []) if col else rest).append(c)
    for col, group in by_column.items():
        distinct = distincts[col] if col in distincts else frame.select(_col(col).unique())
        for check in _screen(group, distinct):
            cand = distinct if check.prefilter is None else distinct.filter(check.prefilter.fill_null(False))
            bad = cand.filter(check.mask.fill_null(False))[col]
            if bad.len() == 0:
                continue
            rows = frame.filter(_col(col).is_in(bad.implode())).select(
                _col(LINE), _col(col).alias("value"), pl.lit(check.rule, dtype=pl.String).alias("rule"))
            _report(check, rows, found)
    for check in _screen(rest, frame) if rest else []:
        rows = frame if check.prefilter is None else frame.filter(check.prefilter.fill_null(False))
        value = check.value if check.value is not None else _col(check.column) if check.column in frame.columns \
            else pl.lit("")
        rule_expr = check.rule if isinstance(check.rule, pl.Expr) else pl.lit(check.rule, dtype=pl.String)
        hit = check.mask.fill_null(False) & (check.rows if check.rows is not None else pl.lit(True))
        rows = rows.select(_col(LINE), value.alias("value"), rule_expr.alias("rule"), hit.alias("hit")).filter(pl.col("hit"))
        _report(check, rows, found)


def _columns_of(checks: list[Check]) -> set[str]:
    names: set[str] = set()
    for c in checks:
        for e in (c.mask, c.value, c.rule):
            if isinstance(e, pl.Expr):
                names.update(e.meta.root_names())
    return names


def check_table(pt: ParsedTable, today: date, keep: set[str] = frozenset(),
                load: Loader | None = None) -> tuple[Findings, pl.DataFrame | None]:
    """Run every field-level and cross-field check over the table's records; return the findings and the
    columns in `keep` (for the foreign keys of other tables)."""
    checks = field_checks(pt.table)
    for r in pt.table.rules:
        if r["id"] not in RULES:
            raise ContractError(f"data/datapackage.json names a rule the validator does not know: {r['id']!r}")
        checks += RULES[r["id"]](pt.table, today)
    per_chunk = [c for c in checks if not c.whole_table]
    whole = [c for c in checks if c.whole_table]
    by_column = helper_columns(pt.table, checks)
    found = Findings(pt.shown)
    kept: list[pl.DataFrame] = []
    for chunk in pt.chunks():
        chunk, distincts = add_helpers(pt.table, chunk, by_column)
        kept_columns = sorted((_columns_of(whole) | set(keep) | {LINE}) & set(chunk.columns))
        _run(per_chunk, chunk, found, distincts)
        if load is not None and not found.counts:  # once a row fails, the build fails: stop loading
            load(pt.table, chunk.select(pt.table.columns))
        kept.append(chunk.select(kept_columns))
    frame = pl.concat(kept) if kept else None
    if frame is not None:
        _run(whole, frame, found)
    return found, frame


def _parse_all(contract_: Contract, data_dir: Path) -> dict[str, ParsedTable]:
    return {t.name: read_table(t, data_dir) for t in contract_.tables}


def validate_dataset(data_dir: Path = DATA_DIR, contract_: Contract | None = None,
                     today: date | None = None, snapshot: Snapshot | None = None) -> list[Violation]:
    """Every violation in the dataset's CSV files, sorted by file, line and column (at most MAX_PER_CHECK
    per check; one more line counts the rest). Each file is read once, in chunks; with a snapshot, the
    hashes of the bytes read are left in it and the records of passing chunks go to its loader."""
    contract_ = contract_ or contract()
    data_dir = Path(data_dir)
    today = today or date.today()
    snapshot = snapshot or Snapshot(data_dir)
    try:
        return _validate(contract_, data_dir, today, snapshot)
    except _Unproven:
        # A chunk the fast reader could not vouch for: read every file strictly instead.
        if snapshot.restart is not None:
            snapshot.restart()
        return _validate(contract_, data_dir, today, snapshot, strict=True)


def check_schemas(contract_: Contract) -> None:
    """The Table Schemas' keys name real fields and resources, and use the one missing value this validator
    reads (an empty cell); a contract that does not is refused before any file is read."""
    def refuse(detail: str):
        raise ContractError(f"data/datapackage.json is not a valid Data Package: {detail}")

    names = {t.name: t for t in contract_.tables}
    for t in contract_.tables:
        schema = t.descriptor["schema"]
        for key in schema.get("primaryKey", []):
            if key not in t.columns:
                refuse(f"primary key field \"{key}\" is not a field of resource \"{t.name}\"")
        for fk in schema.get("foreignKeys", []):
            ref = fk.get("reference", {})
            target = names.get(ref.get("resource"))
            if target is None:
                refuse(f"foreign key of \"{t.name}\" refers to the unknown resource {ref.get('resource')!r}")
            if len(fk.get("fields", [])) != 1 or len(ref.get("fields", [])) != 1:
                refuse(f"foreign key of \"{t.name}\" must name one field on each side")
            if fk["fields"][0] not in t.columns or ref["fields"][0] not in target.columns:
                refuse(f"foreign key of \"{t.name}\" names a field that does not exist")
        if schema.get("missingValues", [""]) != [""]:
            refuse(f"resource \"{t.name}\": only empty cells may stand for a missing value")


def _validate(contract_: Contract, data_dir: Path, today: date, snapshot: Snapshot, strict: bool = False) -> list[Violation]:
    check_schemas(contract_)
    parsed = _parse_all(contract_, data_dir)
    if strict:
        for pt in parsed.values():
            if pt.frame is None and not pt.violations and pt.source is not None:
                _read_strictly(pt, pt.source if isinstance(pt.source, bytes) else pt.source.read_bytes())
    ok = {name for name, pt in parsed.items() if not pt.violations}
    references: dict[str, set[str]] = {}
    for t in contract_.tables:
        for fk in t.descriptor["schema"].get("foreignKeys", []):
            references.setdefault(fk["reference"]["resource"], set()).update(fk["reference"]["fields"])
    results: dict[str, tuple[Findings, pl.DataFrame | None]] = {}
    for t in contract_.tables:  # referenced tables first, so their keys are known
        if t.name in ok:
            keep = references.get(t.name, set()) | {f for fk in t.descriptor["schema"].get("foreignKeys", [])
                                                    for f in fk["fields"]}
            results[t.name] = check_table(parsed[t.name], today, keep, snapshot.load)
    for t in contract_.tables:
        if t.name not in results:
            continue
        found, frame = results[t.name]
        for fk in t.descriptor["schema"].get("foreignKeys", []):
            ref_name = fk["reference"]["resource"]
            if ref_name not in results or results[ref_name][1] is None or frame is None:
                continue
            column, ref_field = fk["fields"][0], fk["reference"]["fields"][0]
            known = results[ref_name][1][ref_field]
            ref_path = contract_.table(ref_name).path
            _run([Check(f"{column}:foreign-key", column, (_col(column) != "") & ~_col(column).is_in(known.implode()),
                        f"refers to a {ref_field} that is not in {ref_path}")], frame, found)

    for t in contract_.tables:
        pt = parsed[t.name]
        snapshot.hashes[t.path] = "" if pt.source is None else pt.digest.hexdigest()
    violations = [v for pt in parsed.values() for v in pt.violations]
    violations += [v for found, _ in results.values() for v in found.violations()]
    order = {t.name: i for i, t in enumerate(contract_.tables)}
    col_index = {t.name: {c: i for i, c in enumerate(t.columns)} for t in contract_.tables}
    shown_to_table = {pt.shown: name for name, pt in parsed.items()}

    def key(v: Violation):
        name = shown_to_table.get(v.path, "")
        return (order.get(name, 99), v.line, col_index.get(name, {}).get(v.column, 99), v.rule)

    return sorted(set(violations), key=key)

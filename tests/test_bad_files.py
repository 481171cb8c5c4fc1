"""Malformed inputs: every rule and every file-level fault is reported as file:line:column,
`validate` and `build` exit non-zero, the previous database stays byte-for-byte, and the
app shows the error page instead of a traceback."""

from __future__ import annotations

import copy
import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from fixture_data import EVENTS, MODELS, write_dataset
from openmodels.__main__ import main
from openmodels.validate import validate_dataset

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def rows(index: int | None = None, table: str = "models", **changes):
    """The fixture rows with one row changed (index is 0-based; line = index + 2)."""
    models, events = copy.deepcopy(MODELS), copy.deepcopy(EVENTS)
    target = models if table == "models" else events
    if index is not None:
        target[index].update(changes)
    return models, events


def with_rows(models, events):
    return lambda folder: write_dataset(folder, models, events)


def edit(index, table="models", **changes):
    return with_rows(*rows(index, table, **changes))


def raw(name: str, transform):
    """Write the valid fixture, then rewrite one file's bytes."""
    def make(folder: Path):
        write_dataset(folder)
        path = folder / name
        path.write_bytes(transform(path.read_bytes()))
    return make


def duplicate_row(folder):
    models, events = rows()
    models.append(dict(models[3]))
    write_dataset(folder, models, events)


def org_two_countries(folder):
    models, events = rows(5, country="SG")  # Alibaba (CN on line 7) now SG on line 7; line 15 keeps CN
    write_dataset(folder, models, events)


def drop_column(name):
    def transform(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        header = lines[0].split(",")
        i = header.index(name)
        import csv, io
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for rec in csv.reader(io.StringIO(data.decode())):
            w.writerow(rec[:i] + rec[i + 1:])
        return out.getvalue().encode()
    return transform


def add_column(data: bytes) -> bytes:
    lines = data.decode().rstrip("\n").split("\n")
    return ("\n".join([lines[0] + ",rating"] + [ln + ",5" for ln in lines[1:]]) + "\n").encode()


def unquoted_comma(data: bytes) -> bytes:
    return data.replace(b"LLAMA-65B", b"LLAMA, 65B", 1)


def non_utf8(data: bytes) -> bytes:
    return data.replace("MISTRAL-7B".encode(), b"MISTRAL-\xe97B", 1)


NUMBER = "not a number: ASCII digits, an optional '.' and exponent (e.g. 7.3, 2.5e23)"
WHOLE = "not a whole number: ASCII digits only (e.g. 32768)"
URL = "must be an http(s) URL: a host name (letters, digits, '.', '-'; no 'user@'), then the path"

# (case id, how to make the broken dataset, expected messages as "file:line:column: 'value' — rule")
CASES = [
    ("missing-column", raw("models.csv", drop_column("license")),
     ["models.csv:1:license: '' — required column is missing from the header"]),
    ("unknown-column", raw("models.csv", add_column),
     ["models.csv:1:rating: 'rating' — unknown column: not in the data contract"]),
    ("empty-file", raw("models.csv", lambda b: b""),
     ["models.csv:1:-: '' — file is empty: expected a header row and data rows"]),
    ("header-only", raw("events.csv", lambda b: b.split(b"\n")[0] + b"\n"),
     ["events.csv:1:-: '' — file has a header but no data rows"]),
    ("utf8-bom", raw("models.csv", lambda b: b"\xef\xbb\xbf" + b),
     ["models.csv:1:model_id: 'model_id' — file starts with a UTF-8 byte-order mark (BOM); "
      "save it as UTF-8 without BOM"]),
    ("crlf-line-ends", raw("events.csv", lambda b: b.replace(b"\n", b"\r\n")),
     ["events.csv:1:label: 'event_id,date,title,category,country,actor,description,sourc' — "
      "line ends with CR LF (Windows); save the file with LF line ends"]),
    ("non-utf8-bytes", raw("models.csv", non_utf8),
     ["models.csv:5:name: 'mistral-7b,MISTRAL-\ufffd7B,Mistral,Mistral AI,FR,2023-09-27,day,' — "
      "not valid UTF-8 (byte 0xe9); save the file as UTF-8"]),
    ("unquoted-comma", raw("models.csv", unquoted_comma),
     ["models.csv:3:#25: '' — row has 25 cells, the header has 24 "
      "(unquoted comma or missing cell?)"]),
    ("newline-in-name", edit(2, name="LLAMA\n7B"),
     ["models.csv:4:name: 'LLAMA\\n7B' — line break inside a single-line text cell"]),
    ("line-numbers-after-multiline-notes", edit(1, notes="first line\nsecond line\nthird", verified_on="someday"),
     ["models.csv:3:verified_on: 'someday' — not a date YYYY-MM-DD"]),
    ("huge-field", edit(0, notes="x" * 1_000_000),
     [f"models.csv:2:notes: '{'x' * 60}…(1000000 chars)' — longer than 2000 characters"]),
    ("formula-cell", edit(3, name='=HYPERLINK("http://evil.example","click")'),
     ["models.csv:5:name: '=HYPERLINK(\"http://evil.example\",\"click\")' — starts like a spreadsheet "
      "formula ('=', '+', '@' or tab)"]),
    ("required-missing", edit(4, organization=""),
     ["models.csv:6:organization: '' — required value is missing"]),
    ("number-type", edit(3, params_total_b="seven", params_active_b="seven"),
     [f"models.csv:5:params_total_b: 'seven' — {NUMBER}",
      f"models.csv:5:params_active_b: 'seven' — {NUMBER}"]),
    ("integer-type", edit(3, context_tokens="32k"),
     [f"models.csv:5:context_tokens: '32k' — {WHOLE}"]),
    ("boolean-type", edit(3, reasoning="yes"),
     ["models.csv:5:reasoning: 'yes' — not 'true' or 'false'"]),
    ("event-key-not-boolean", edit(2, table="events", key="yes"),
     ["events.csv:4:key: 'yes' — not 'true' or 'false'"]),
    ("event-key-capitalised", edit(1, table="events", key="True"),
     ["events.csv:3:key: 'True' — not 'true' or 'false'"]),
    ("event-key-missing", edit(0, table="events", key=""),
     ["events.csv:2:key: '' — required value is missing"]),
    ("event-key-column-missing", raw("events.csv", drop_column("key")),
     ["events.csv:1:key: '' — required column is missing from the header"]),
    ("event-key-without-label", edit(1, table="events", label=""),
     ["events.csv:3:label: '' — a key event needs a short label for the charts"]),
    ("event-label-without-key", edit(2, table="events", label="EU AI Act"),
     ["events.csv:4:label: 'EU AI Act' — only a key event has a label (set key to 'true', or empty the label)"]),
    ("event-label-too-long", edit(3, table="events", label="DeepSeek releases DeepSeek-R1 under MIT"),
     ["events.csv:5:label: 'DeepSeek releases DeepSeek-R1 under MIT' — longer than 32 characters"]),
    ("impossible-date", edit(3, release_date="2023-02-30"),
     ["models.csv:5:release_date: '2023-02-30' — not a date YYYY-MM-DD"]),
    ("date-before-2018", edit(3, release_date="2017-06-01"),
     ["models.csv:5:release_date: '2017-06-01' — must be at least 2018-01-01"]),
    ("future-date", edit(3, release_date=TOMORROW),
     [f"models.csv:5:release_date: '{TOMORROW}' — date is in the future (after {date.today().isoformat()})",
      f"models.csv:5:verified_on: '2026-11-01' — checked before the release date ({TOMORROW})"]),
    ("future-event", edit(1, table="events", date=TOMORROW),
     [f"events.csv:3:date: '{TOMORROW}' — date is in the future (after {date.today().isoformat()})"]),
    ("zero-params", edit(3, params_total_b="0", params_active_b="0"),
     ["models.csv:5:params_total_b: '0' — must be greater than 0",
      "models.csv:5:params_active_b: '0' — must be greater than 0"]),
    ("negative-params", edit(4, params_active_b="-12.9"),
     ["models.csv:6:params_active_b: '-12.9' — must be greater than 0"]),
    ("blank-total-without-note", edit(3, params_total_b="", params_active_b=""),
     ["models.csv:5:params_total_b: '' — blank parameter count needs an explanation in notes"]),
    ("active-above-total", edit(4, params_active_b="50"),
     ["models.csv:6:params_active_b: '50' — active parameters exceed total parameters (46.7)"]),
    ("moe-without-active", edit(4, params_active_b=""),
     ["models.csv:6:params_active_b: '' — MoE model with a total parameter count needs active parameters"]),
    ("dense-without-active", edit(3, params_active_b=""),
     ["models.csv:5:params_active_b: '' — dense model: active parameters must equal total (7.3)"]),
    ("dense-active-differs", edit(3, params_active_b="3"),
     ["models.csv:5:params_active_b: '3' — dense model: active parameters must equal total (7.3)"]),
    ("dense-with-experts", edit(3, experts_total="8"),
     ["models.csv:5:experts_total: '8' — dense model cannot have experts"]),
    ("experts-active-above-total", edit(4, experts_active="9"),
     ["models.csv:6:experts_active: '9' — more active experts than experts in total (8)"]),
    ("duplicate-id", duplicate_row,
     [f"models.csv:{len(MODELS) + 2}:model_id: 'mistral-7b' — duplicate id (first used on line 5)"]),
    ("unknown-country", edit(12, country="XX"),
     ["models.csv:14:country: 'XX' — not an ISO 3166-1 alpha-2 country code"]),
    ("country-alpha3", edit(1, table="events", country="USA"),
     ["events.csv:3:country: 'USA' — not an ISO 3166-1 alpha-2 country code (or EU)"]),
    ("value-not-allowed", edit(3, architecture="hybrid"),
     ["models.csv:5:architecture: 'hybrid' — not one of the allowed values: dense, moe"]),
    ("accessibility-not-allowed", edit(3, accessibility="open"),
     ["models.csv:5:accessibility: 'open' — not one of the allowed values: unrestricted, restricted-use, "
      "non-commercial"]),
    ("event-category-not-allowed", edit(0, table="events", category="rumour"),
     ["events.csv:2:category: 'rumour' — not one of the allowed values: policy, export-control, "
      "corporate-strategy, release, statement, market, ecosystem"]),
    ("non-http-url", edit(3, source_url="ftp://example.org/mistral"),
     [f"models.csv:5:source_url: 'ftp://example.org/mistral' — {URL}"]),
    ("javascript-url", edit(2, table="events", source_url="javascript:alert(1)"),
     [f"events.csv:4:source_url: 'javascript:alert(1)' — {URL}"]),
    ("bad-slug", edit(3, model_id="Mistral 7B"),
     ["models.csv:5:model_id: 'Mistral 7B' — must be a slug: lowercase letters, digits, '.', '-', '_'"]),
    ("bad-hf-repo", edit(3, hf_repo="not a repo"),
     ["models.csv:5:hf_repo: 'not a repo' — must be a Hugging Face repo id 'org/name'"]),
    ("license-blank-unexplained", edit(3, license="", accessibility=""),
     ["models.csv:5:license: '' — blank license needs notes saying why the license is not confirmed"]),
    ("accessibility-without-license", edit(3, license=""),
     ["models.csv:5:license: '' — an accessibility class needs the license it was read from "
      "(only a graded row whose notes name Epoch AI may take the class alone)"]),
    ("evidence-unknown-grade", edit(3, evidence="secondary"),
     ["models.csv:5:evidence: 'secondary' — not one of the allowed values: primary, reference, reported"]),
    ("evidence-missing", edit(3, evidence=""),
     ["models.csv:5:evidence: '' — required value is missing"]),
    ("date-precision-unknown", edit(3, date_precision="year"),
     ["models.csv:5:date_precision: 'year' — not one of the allowed values: day, month"]),
    ("month-row-not-first-day", edit(3, date_precision="month", notes="Only the month is known."),
     ["models.csv:5:release_date: '2023-09-27' — a 'month' row stores the first day of its month (YYYY-MM-01)"]),
    ("month-row-without-note", edit(3, date_precision="month", release_date="2023-09-01"),
     ["models.csv:5:notes: '' — a 'month' row's notes must say that only the month is known"]),
    ("reference-row-without-dataset", edit(3, evidence="reference", notes="From a curated list."),
     ["models.csv:5:notes: 'From a curated list.' — a 'reference' row's notes must name the dataset "
      "(Epoch AI or ATOM)"]),
    ("reported-row-without-notes", edit(3, evidence="reported"),
     ["models.csv:5:notes: '' — a 'reported' row's notes must name the reports its facts rest on"]),
    ("verified-before-release", edit(3, verified_on="2023-09-01"),
     ["models.csv:5:verified_on: '2023-09-01' — checked before the release date (2023-09-27)"]),
    ("compute-beyond-range", edit(3, training_compute_flop="1e31"),
     ["models.csv:5:training_compute_flop: '1e31' — must be at most 1e+29"]),
    ("license-without-accessibility", edit(3, accessibility=""),
     ["models.csv:5:accessibility: '' — a row with a license needs its accessibility class"]),
    ("bad-license", edit(3, license="Apache 2.0 (mostly)"),
     ["models.csv:5:license: 'Apache 2.0 (mostly)' — must be an SPDX id or 'LicenseRef-<Name>'"]),
    ("event-unknown-model", edit(0, table="events", model_id="gpt-5-open"),
     ["events.csv:2:model_id: 'gpt-5-open' — refers to a model_id that is not in models.csv"]),
    ("org-two-countries", org_two_countries,
     ["models.csv:15:country: 'CN' — organization 'Alibaba' has country 'SG' on line 7",
      "models.csv:16:country: 'CN' — organization 'Alibaba' has country 'SG' on line 7",
      "models.csv:19:country: 'CN' — organization 'Alibaba' has country 'SG' on line 7",
      "models.csv:24:country: 'CN' — organization 'Alibaba' has country 'SG' on line 7"]),
    # §2 dates: exactly YYYY-MM-DD, a real day, not in the future
    ("date-not-zero-padded-future", edit(3, release_date="2099-1-1"),
     ["models.csv:5:release_date: '2099-1-1' — not a date YYYY-MM-DD"]),
    ("date-not-zero-padded", edit(3, release_date="2019-2-4"),
     ["models.csv:5:release_date: '2019-2-4' — not a date YYYY-MM-DD"]),
    ("event-date-not-zero-padded", edit(1, table="events", date="2024-8-1"),
     ["events.csv:3:date: '2024-8-1' — not a date YYYY-MM-DD"]),
    ("date-basic-format", edit(3, verified_on="20261101"),
     ["models.csv:5:verified_on: '20261101' — not a date YYYY-MM-DD"]),
    ("date-with-time", edit(3, release_date="2023-09-27T00:00"),
     ["models.csv:5:release_date: '2023-09-27T00:00' — not a date YYYY-MM-DD"]),
    ("date-fullwidth-digits", edit(3, release_date="２０２３-09-27"),
     ["models.csv:5:release_date: '２０２３-09-27' — not a date YYYY-MM-DD"]),
    ("verified-on-in-future", edit(3, verified_on=TOMORROW),
     [f"models.csv:5:verified_on: '{TOMORROW}' — date is in the future (after {date.today().isoformat()})"]),
    # §2 numbers: ASCII decimal, finite, within the contract's range
    ("number-nan", edit(3, params_total_b="NaN", params_active_b="NaN"),
     [f"models.csv:5:params_total_b: 'NaN' — {NUMBER}",
      f"models.csv:5:params_active_b: 'NaN' — {NUMBER}"]),
    ("number-infinity", edit(4, params_active_b="Infinity"),
     [f"models.csv:6:params_active_b: 'Infinity' — {NUMBER}"]),
    ("number-1e308", edit(3, params_total_b="1e308", params_active_b="1e308"),
     ["models.csv:5:params_total_b: '1e308' — must be at most 100000",
      "models.csv:5:params_active_b: '1e308' — must be at most 100000"]),
    ("number-underscore", edit(3, params_total_b="7_3", params_active_b="7_3"),
     [f"models.csv:5:params_total_b: '7_3' — {NUMBER}",
      f"models.csv:5:params_active_b: '7_3' — {NUMBER}"]),
    ("integer-underscore", edit(3, context_tokens="1_000"),
     [f"models.csv:5:context_tokens: '1_000' — {WHOLE}"]),
    ("number-fullwidth-digits", edit(3, params_total_b="７.3", params_active_b="７.3"),
     [f"models.csv:5:params_total_b: '７.3' — {NUMBER}",
      f"models.csv:5:params_active_b: '７.3' — {NUMBER}"]),
    ("integer-arabic-indic-digits", edit(3, context_tokens="٣٢٧٦٨"),
     [f"models.csv:5:context_tokens: '٣٢٧٦٨' — {WHOLE}"]),
    ("integer-beyond-64-bits", edit(3, context_tokens="99999999999999999999999"),
     ["models.csv:5:context_tokens: '99999999999999999999999' — must be at most 1000000000"]),
    ("experts-beyond-range", edit(4, experts_total="1000000"),
     ["models.csv:6:experts_total: '1000000' — must be at most 100000"]),
    ("compute-nan", edit(3, training_compute_flop="nan"),
     [f"models.csv:5:training_compute_flop: 'nan' — {NUMBER}"]),
    ("compute-below-range", edit(3, training_compute_flop="1e3"),
     ["models.csv:5:training_compute_flop: '1e3' — must be at least 1e+15"]),
    ("number-leading-space", edit(3, params_total_b=" 7.3", params_active_b="7.3"),
     [f"models.csv:5:params_total_b: ' 7.3' — {NUMBER}"]),
    ("number-leading-dot", edit(4, params_active_b=".5"),
     [f"models.csv:6:params_active_b: '.5' — {NUMBER}"]),
    # §2 text: no control or invisible characters, no stray spaces, no mixed-script words
    ("text-nul", edit(3, name="MISTRAL\x007B"),
     ["models.csv:5:name: 'MISTRAL\\x007B' — holds an invisible or control character: U+0000 NUL"]),
    ("text-escape-sequence", edit(0, table="events", title="\x1b[2J\x1b[31mGPT-2 released"),
     ["events.csv:2:title: '\\x1b[2J\\x1b[31mGPT-2 released' — holds an invisible or control character: U+001B ESCAPE"]),
    ("text-bidi-override", edit(3, name="MISTRAL\u202e7B"),
     ["models.csv:5:name: 'MISTRAL\\u202e7B' — holds an invisible or control character: U+202E RIGHT-TO-LEFT OVERRIDE"]),
    ("text-zero-width-space", edit(3, name="MIS\u200bTRAL-7B"),
     ["models.csv:5:name: 'MIS\\u200bTRAL-7B' — holds an invisible or control character: U+200B ZERO WIDTH SPACE"]),
    ("text-bom-inside-cell", edit(3, notes="Checked \ufeffagainst the card."),
     ["models.csv:5:notes: 'Checked \\ufeffagainst the card.' — holds an invisible or control character: U+FEFF ZERO WIDTH NO-BREAK SPACE"]),
    ("text-leading-space", edit(3, family=" Mistral"),
     ["models.csv:5:family: ' Mistral' — starts or ends with a space"]),
    ("text-trailing-space", edit(1, table="events", actor="BIS "),
     ["events.csv:3:actor: 'BIS ' — starts or ends with a space"]),
    ("text-only-spaces", edit(3, notes="   "),
     ["models.csv:5:notes: '   ' — holds only spaces: leave the cell empty or write the value"]),
    ("text-only-spaces-required", edit(4, organization="   "),
     ["models.csv:6:organization: '   ' — holds only spaces: leave the cell empty or write the value"]),
    ("text-no-break-space", edit(3, name="MISTRAL\u00a07B"),
     ["models.csv:5:name: 'MISTRAL\\xa07B' — holds an invisible or control character: U+00A0 NO-BREAK SPACE"]),
    ("text-cyrillic-letter-in-latin-word", edit(5, organization="\u0410libaba"),
     ["models.csv:7:organization: 'Аlibaba' — mixes scripts in one word: 'Аlibaba' has U+0410 CYRILLIC CAPITAL LETTER A among Latin letters (a look-alike?)"]),
    ("text-greek-letter-in-latin-word", edit(3, name="MISTR\u0391L-7B"),
     ["models.csv:5:name: 'MISTRΑL-7B' — mixes scripts in one word: 'MISTRΑL' has U+0391 GREEK CAPITAL LETTER ALPHA among Latin letters (a look-alike?)"]),
    # §2 markup: no HTML in text cells
    ("markup-link-in-event-title", edit(0, table="events", title='<a href="https://evil.example">GPT-2</a>'),
     ['events.csv:2:title: \'<a href="https://evil.example">GPT-2</a>\' — holds HTML markup (<a href="https://evil.example">GPT-2</a>); write plain text']),
    ("markup-styled-span-in-event-title", edit(0, table="events",
                                               title='<span style="font-size:60px;color:red">GPT-2</span>'),
     ['events.csv:2:title: \'<span style="font-size:60px;color:red">GPT-2</span>\' — holds HTML markup (<span style="font-size:60px;color:red">G); write plain text']),
    ("markup-script-in-notes", edit(3, notes="See <script>alert(1)</script>"),
     ["models.csv:5:notes: 'See <script>alert(1)</script>' — holds HTML markup (<script>alert(1)</script>); write plain text"]),
    ("markup-img-onerror", edit(2, table="events", description="<img src=x onerror=alert(1)>"),
     ["events.csv:4:description: '<img src=x onerror=alert(1)>' — holds HTML markup (<img src=x onerror=alert(1)>); write plain text"]),
    ("markup-bold-name", edit(3, name="<b>MISTRAL-7B</b>"),
     ["models.csv:5:name: '<b>MISTRAL-7B</b>' — holds HTML markup (<b>MISTRAL-7B</b>); write plain text"]),
    ("markup-comment", edit(3, notes="Checked. <!-- hidden -->"),
     ["models.csv:5:notes: 'Checked. <!-- hidden -->' — holds HTML markup (<!-- hidden -->); write plain text"]),
    ("markup-unknown-tag-with-attributes", edit(3, notes="<think onclick=alert(1)>"),
     ["models.csv:5:notes: '<think onclick=alert(1)>' — holds HTML markup (<think onclick=alert(1)>); write plain text"]),
    # §2 URLs: no user info, a plain host name
    ("url-user-info", edit(3, source_url="https://huggingface.co@evil.example/mistral"),
     [f"models.csv:5:source_url: 'https://huggingface.co@evil.example/mistral' — {URL}"]),
    ("url-user-and-password", edit(1, table="events", source_url="https://user:pass@example.org/bis"),
     [f"events.csv:3:source_url: 'https://user:pass@example.org/bis' — {URL}"]),
    ("url-backslash-before-at", edit(3, source_url="https://huggingface.co\\@evil.example/"),
     [f"models.csv:5:source_url: 'https://huggingface.co\\\\@evil.example/' — {URL}"]),
    ("url-look-alike-host", edit(3, source_url="https://ex\u0430mple.org/mistral"),
     ["models.csv:5:source_url: 'https://exаmple.org/mistral' — mixes scripts in one word: 'exаmple' has U+0430 CYRILLIC SMALL LETTER A among Latin letters (a look-alike?)",
      f"models.csv:5:source_url: 'https://exаmple.org/mistral' — {URL}"]),
]


@pytest.fixture
def broken(request, tmp_path, fixture_dir):
    """A folder with the broken CSVs and a copy of a good database built before."""
    _, make, _ = request.param
    make(tmp_path)
    good_db = fixture_dir / "openmodels.duckdb"
    (tmp_path / "openmodels.duckdb").write_bytes(good_db.read_bytes())
    return tmp_path


def _expected(folder: Path, messages: list[str]) -> list[str]:
    return [f"{folder}/{m}" for m in messages]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("broken", CASES, ids=[c[0] for c in CASES], indirect=True)
def test_validate_reports_file_line_column(broken, request):
    expected = next(c[2] for c in CASES if c[0] == request.node.callspec.id)
    assert [str(v) for v in validate_dataset(broken)] == _expected(broken, expected)


@pytest.mark.parametrize("broken", CASES, ids=[c[0] for c in CASES], indirect=True)
def test_cli_fails_and_keeps_the_old_database(broken, request, capsys):
    expected = next(c[2] for c in CASES if c[0] == request.node.callspec.id)
    csv_before = {p.name: sha(p) for p in broken.glob("*.csv")}
    db_before = sha(broken / "openmodels.duckdb")

    assert main(["--data-dir", str(broken), "validate"]) == 1
    assert capsys.readouterr().out.splitlines() == _expected(broken, expected)

    assert main(["--data-dir", str(broken), "build"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == _expected(broken, expected)
    assert "previous database is unchanged" in captured.err
    assert sha(broken / "openmodels.duckdb") == db_before
    assert {p.name: sha(p) for p in broken.glob("*.csv")} == csv_before
    assert sorted(p.name for p in broken.iterdir()) == sorted([*csv_before, "openmodels.duckdb"])


@pytest.fixture(scope="module")
def entry(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("entry")
    root = Path(__file__).resolve().parent.parent
    (folder / "pages").symlink_to(root / "pages")
    (folder / "app.py").write_text((root / "app.py").read_text())
    return folder / "app.py"


@pytest.mark.parametrize("broken", CASES, ids=[c[0] for c in CASES], indirect=True)
def test_app_shows_the_error_page_not_a_traceback(broken, request, entry, monkeypatch):
    from streamlit.testing.v1 import AppTest

    expected = next(c[2] for c in CASES if c[0] == request.node.callspec.id)
    db_before = sha(broken / "openmodels.duckdb")
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(broken))
    at = AppTest.from_file(str(entry), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["The data did not pass validation"]
    assert at.code[0].value.splitlines() == _expected(broken, expected)
    assert sha(broken / "openmodels.duckdb") == db_before


def test_there_are_at_least_84_malformed_inputs():
    assert len(CASES) >= 84  # 54 before the hardening issue, 30 or more since


def test_legitimate_text_of_the_real_data_passes(tmp_path):
    """Non-Latin names and notes, typographic quotes, accents, a model's <think> tag named in notes: all fine.
    Mixing scripts is refused within one word only, and Han may mix with kana, hangul or Latin (UTS #39)."""
    models, events = rows(5, name="Orion Star (猎户星空大模型)", notes="Named “Qwen” (通义千问) by Alibaba; it emits <think>.")
    models[3].update(name="Mistral-7B · café édition", notes="Reasoning with <think>/<response> tags; 日本語モデル版; "
                                                               "한국어모델; Qwen大模型; π0 is a Greek letter.")
    events[1].update(title="Exports of H20 (英伟达) halted — “temporarily”", actor="Bureau d’Industrie")
    write_dataset(tmp_path, models, events)
    assert validate_dataset(tmp_path) == []


def test_report_escapes_what_it_prints(broken_esc, capsys):
    """`report` prints the violations first; an ESC from the data reaches the terminal only escaped."""
    assert main(["--data-dir", str(broken_esc), "report"]) == 1
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\\x1b[2J" in out.out


@pytest.fixture
def broken_esc(tmp_path):
    write_dataset(tmp_path, *rows(0, table="events", title="\x1b[2J\x1b]0;owned\x07GPT-2"))
    return tmp_path


def test_terminal_safe_keeps_line_breaks_and_escapes_the_rest():
    from openmodels.text import terminal_safe
    assert terminal_safe("| a\x1b[31m |\n| \u202eb |") == "| a\\x1b[31m |\n| \\u202eb |"


def test_valid_fixture_passes(fixture_dir):
    assert validate_dataset(fixture_dir) == []


def test_undisclosed_moe_size_with_a_note_passes(tmp_path):
    """Grok-2's case: the publisher never gave total or active parameters, so both stay blank."""
    write_dataset(tmp_path, *rows(4, params_total_b="", params_active_b="",
                                  notes="The publisher never disclosed total or active parameters."))
    assert validate_dataset(tmp_path) == []


def test_every_violation_is_reported_not_only_the_first(tmp_path):
    models, events = rows(12, country="XX", params_total_b="-1", params_active_b="-1")
    models[6]["architecture"] = "hybrid"
    events[0]["model_id"] = "nope"
    write_dataset(tmp_path, models, events)
    found = [(v.path.rsplit("/", 1)[1], v.line, v.column) for v in validate_dataset(tmp_path)]
    assert found == [("models.csv", 8, "architecture"), ("models.csv", 14, "country"),
                     ("models.csv", 14, "params_total_b"), ("models.csv", 14, "params_active_b"),
                     ("events.csv", 2, "model_id")]

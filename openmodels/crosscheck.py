"""Compare data/models.csv with an Epoch AI "Data on AI Models" CSV.

`python -m openmodels crosscheck FILE` matches Epoch's entries to our rows by organization and name and
prints every disagreement (release date more than 14 days apart, total parameters more than 5% apart,
country, accessibility class) and the Epoch entries in scope that have no match. The same matching feeds
the recall table in research/recall.py.

Epoch's columns are read by name: Model, Organization, Publication date, Parameters, Model accessibility,
Country (of organization), Domain, Link, Base model, Training compute (FLOP).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from openmodels.contract import ROOT

ALIASES_PATH = ROOT / "research" / "org_aliases.csv"

EPOCH_CLASSES = {
    "Open weights (unrestricted)": "unrestricted",
    "Open weights (restricted use)": "restricted-use",
    "Open weights (non-commercial)": "non-commercial",
}
# Epoch writes countries as ISO 3166 English short names; the few it writes its own way:
EPOCH_COUNTRY_SPELLINGS = {
    "Korea (Republic of)": "KR", "Iran (Islamic Republic of)": "IR", "Russia": "RU", "Taiwan": "TW",
    "United Kingdom of Great Britain and Northern Ireland": "GB", "United States of America": "US",
    "Vietnam": "VN", "Hong Kong": "HK", "Macao": "MO", "Czechia": "CZ",
}
GENERATIVE_DOMAINS = ("Language", "Multimodal", "Image generation", "Video", "Speech", "Audio")
DATE_TOLERANCE_DAYS = 14
PARAMS_TOLERANCE = 0.05
# Words that name a variant of one checkpoint rather than another model.
VARIANT_WORDS = {"instruct", "chat", "base", "it", "hf", "model"}


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for one of Epoch's country names ('Multinational' and unknown names: None)."""
    name = name.strip()
    if name in EPOCH_COUNTRY_SPELLINGS:
        return EPOCH_COUNTRY_SPELLINGS[name]
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def fold(text: str) -> str:
    """Lowercase letters, digits and dots only: 'Llama 3.1-405B' -> 'llama3.1405b' (dots kept, so 1.3B and 13B
    stay apart)."""
    text = unicodedata.normalize("NFKD", text or "").lower()
    return re.sub(r"[^a-z0-9.]", "", text)


def name_key(text: str) -> str:
    """fold() without variant words and bracketed asides, so 'Qwen2.5-72B-Instruct', 'Qwen2.5 72B' and
    'Ling-Plus ("Bailing")' agree with our names."""
    # An aside naming a version date ('(Mar 2025)') names another checkpoint: keep it; drop the others.
    text = re.sub(r"\((?![^)]*\b(19|20)\d\d\b)[^)]*\)", " ", unicodedata.normalize("NFKD", text or "").lower())
    words = re.split(r"[^a-z0-9.]+", text)
    return fold("".join(w for w in words if w and w not in VARIANT_WORDS))


def load_aliases(path: Path = ALIASES_PATH) -> dict[str, str]:
    """Epoch organization spelling (folded) -> our organization."""
    if not Path(path).exists():
        return {}
    df = pl.read_csv(path, infer_schema=False)
    return {fold(a): o for a, o in zip(df["epoch_organization"], df["organization"])}


def read_epoch(path: Path) -> pl.DataFrame:
    """An Epoch CSV with the columns the cross-check uses, typed; one row per Epoch entry."""
    raw = pl.read_csv(path, infer_schema=False)
    col = {c: c for c in raw.columns}
    need = ["Model", "Organization", "Publication date", "Parameters", "Model accessibility",
            "Country (of organization)", "Domain", "Link"]
    missing = [c for c in need if c not in col]
    if missing:
        raise ValueError(f"{path}: not an Epoch AI models CSV (missing columns: {', '.join(missing)})")
    optional = {c: pl.lit(None, pl.String) for c in ("Base model", "Training compute (FLOP)", "Task")
                if c not in col}
    return (raw.with_columns(**optional)
            .select(
                pl.col("Model").str.strip_chars().alias("epoch_model"),
                pl.col("Organization").str.strip_chars().alias("epoch_organization"),
                pl.col("Publication date").str.slice(0, 10).str.to_date(strict=False).alias("epoch_date"),
                (pl.col("Parameters").cast(pl.Float64, strict=False) / 1e9).alias("epoch_params_b"),
                pl.col("Model accessibility").replace_strict(EPOCH_CLASSES, default=None).alias("epoch_accessibility"),
                pl.col("Model accessibility").alias("epoch_accessibility_raw"),
                pl.col("Country (of organization)").alias("epoch_countries"),
                pl.col("Domain").alias("epoch_domain"),
                pl.col("Task").alias("epoch_task"),
                pl.col("Link").str.strip_chars().alias("epoch_link"),
                pl.col("Base model").str.strip_chars().alias("epoch_base_model"),
                pl.col("Training compute (FLOP)").cast(pl.Float64, strict=False).alias("epoch_compute_flop"),
            )
            .with_columns(pl.col("epoch_countries").map_elements(_codes, return_dtype=pl.List(pl.String))
                          .alias("epoch_country_codes")))


def _codes(text: str | None) -> list[str]:
    if not text:
        return []
    return sorted({c for c in (country_code(p) for p in text.split(",")) if c})


@dataclass(frozen=True)
class Scope:
    """Which Epoch entries the dataset should hold: open weights, generative, first-party, big enough."""

    since: date = date(2023, 1, 1)
    countries: tuple[str, ...] = ("US", "CN")
    min_text_params_b: float = 1.0


def in_scope(epoch: pl.DataFrame, scope: Scope = Scope()) -> pl.DataFrame:
    """Epoch's in-scope open-weight entries: an open-weights class, published since scope.since, an organization
    in one of scope.countries, a generative domain, at least 1B parameters for language-only models (unknown
    sizes stay in), and first-party (no base model, or a base model by the same organization)."""
    orgs_by_model = dict(zip(epoch["epoch_model"].map_elements(fold, return_dtype=pl.String),
                             epoch["epoch_organization"]))

    def first_party(row: dict) -> bool:
        base = row["epoch_base_model"]
        if not base:
            return True
        mine = {fold(o) for o in (row["epoch_organization"] or "").split(",")}
        for b in base.split(","):
            b = b.strip().split("/")[-1]
            base_org = orgs_by_model.get(fold(b))
            if base_org is None or not ({fold(o) for o in base_org.split(",")} & mine):
                return False
        return True

    picked = epoch.filter(
        pl.col("epoch_accessibility").is_not_null(),
        pl.col("epoch_date") >= scope.since,
        pl.col("epoch_country_codes").list.eval(pl.element().is_in(list(scope.countries))).list.any(),
        pl.col("epoch_domain").str.contains("|".join(GENERATIVE_DOMAINS)),
        ~(pl.col("epoch_domain").str.contains("^Language$") & (pl.col("epoch_params_b") < scope.min_text_params_b)),
    )
    keep = [first_party(r) for r in picked.iter_rows(named=True)]
    return picked.filter(pl.Series(keep, dtype=pl.Boolean))


def org_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (fold(w) for w in re.split(r"[\s,()/-]+", text or "")) if w)


def same_org(epoch_org: str, ours: str, aliases: dict[str, str]) -> bool:
    """One of Epoch's organizations is ours: by alias, or when one's words begin the other's ('Meta' and 'Meta AI',
    not 'Ai2' and 'AI21 Labs')."""
    key = fold(epoch_org)
    if not key:
        return False
    if key in aliases:
        return aliases[key] == ours
    a, b = org_words(epoch_org), org_words(ours)
    n = min(len(a), len(b))
    return n > 0 and a[:n] == b[:n]


def _org_matches(epoch_orgs: str, ours: str, aliases: dict[str, str]) -> bool:
    return any(same_org(org, ours, aliases) for org in (epoch_orgs or "").split(","))


def match(epoch: pl.DataFrame, models: pl.DataFrame, aliases: dict[str, str] | None = None) -> pl.DataFrame:
    """epoch with the matched model_id (null when none): same organization, and the same name once variant words
    are dropped, or the same name key as the row's family plus size. One Epoch entry matches at most one row."""
    aliases = load_aliases() if aliases is None else aliases
    rows = models.select("model_id", "name", "family", "organization", "params_total_b", "hf_repo").to_dicts()
    for r in rows:
        r["keys"] = {name_key(r["name"]), name_key(r["model_id"]),
                     name_key((r["hf_repo"] or "").split("/")[-1])} - {""}
    matched: list[str | None] = []
    for e in epoch.iter_rows(named=True):
        key, size = name_key(e["epoch_model"]), e["epoch_params_b"]
        candidates = [r for r in rows if _org_matches(e["epoch_organization"], r["organization"], aliases)]
        # The same name once variant words are dropped; of several, the closest in size; none that is 25 % off.
        same = [r for r in candidates if key in r["keys"]
                and not (size and r["params_total_b"] and not _close(r["params_total_b"], size, 0.25))]
        if size:
            same.sort(key=lambda r: abs((r["params_total_b"] or 0) - size))
        hit = same[0] if same else None
        if hit is None and size:
            # 'phi-3-mini 3.8B' against 'Phi-3-mini': our name plus a size, and the sizes agree.
            hit = next((r for r in candidates if r["params_total_b"] and _close(r["params_total_b"], size)
                        and any(SIZE_SUFFIX.fullmatch(key[len(k):]) for k in r["keys"]
                                if len(k) >= 4 and key.startswith(k))), None)
        if hit is None and size:
            # 'Qwen2.5' with 72.7B against the Qwen2.5 72B row: the family's name plus a size within tolerance.
            hit = next((r for r in candidates
                        if name_key(r["family"]) == key and r["params_total_b"] and _close(r["params_total_b"], size)),
                       None)
        matched.append(hit["model_id"] if hit else None)
    return epoch.with_columns(pl.Series("model_id", matched, dtype=pl.String))


SIZE_SUFFIX = re.compile(r"[0-9.]+[bm]")


def _close(a: float, b: float, tolerance: float = PARAMS_TOLERANCE) -> bool:
    return abs(a - b) <= tolerance * max(a, b)


def disagreements(matched: pl.DataFrame, models: pl.DataFrame) -> pl.DataFrame:
    """One row per disagreement between a matched Epoch entry and our row: what, ours, Epoch's."""
    joined = matched.filter(pl.col("model_id").is_not_null()).join(models, on="model_id", how="inner")
    out = []
    for r in joined.iter_rows(named=True):
        def add(what: str, ours, theirs) -> None:
            out.append({"model_id": r["model_id"], "epoch_model": r["epoch_model"], "check": what,
                        "ours": "" if ours is None else str(ours), "epoch": "" if theirs is None else str(theirs)})
        if r["epoch_date"] and r["release_date"] and abs((r["release_date"] - r["epoch_date"]).days) > DATE_TOLERANCE_DAYS:
            add(f"release date > {DATE_TOLERANCE_DAYS} days apart", r["release_date"], r["epoch_date"])
        if r["epoch_params_b"] and r["params_total_b"] and (
                abs(r["params_total_b"] - r["epoch_params_b"]) > PARAMS_TOLERANCE * r["epoch_params_b"]):
            add(f"total parameters > {PARAMS_TOLERANCE:.0%} apart", r["params_total_b"], round(r["epoch_params_b"], 3))
        if r["epoch_country_codes"] and r["country"] not in r["epoch_country_codes"]:
            add("country", r["country"], ",".join(r["epoch_country_codes"]))
        if r["epoch_accessibility"] and r["accessibility"] and r["accessibility"] != r["epoch_accessibility"]:
            add("accessibility class", r["accessibility"], r["epoch_accessibility"])
    schema = {"model_id": pl.String, "epoch_model": pl.String, "check": pl.String, "ours": pl.String, "epoch": pl.String}
    return pl.DataFrame(out, schema=schema)


def crosscheck(epoch_path: Path, models: pl.DataFrame, scope: Scope = Scope(),
               aliases: dict[str, str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(disagreements, in-scope Epoch entries with no match) for one Epoch CSV."""
    epoch = read_epoch(epoch_path)
    matched = match(epoch.filter(pl.col("epoch_accessibility").is_not_null()), models, aliases)
    unmatched = match(in_scope(epoch, scope), models, aliases).filter(pl.col("model_id").is_null())
    return disagreements(matched, models), unmatched


def render(disagree: pl.DataFrame, unmatched: pl.DataFrame) -> str:
    lines = [f"# Disagreements ({disagree.height})"]
    for r in disagree.iter_rows(named=True):
        lines.append(f"{r['model_id']} ~ {r['epoch_model']!r}: {r['check']}: ours {r['ours']}, Epoch {r['epoch']}")
    lines.append(f"\n# In-scope Epoch entries with no match ({unmatched.height})")
    for r in unmatched.sort("epoch_date").iter_rows(named=True):
        size = f"{r['epoch_params_b']:g}B" if r["epoch_params_b"] else "size unknown"
        lines.append(f"{r['epoch_date']} {r['epoch_organization']}: {r['epoch_model']} ({size}) {r['epoch_link'] or ''}")
    return "\n".join(lines)

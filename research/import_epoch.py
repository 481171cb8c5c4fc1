"""Turn Epoch AI entries that data/models.csv lacks into rows graded 'reference'.

    .venv/bin/python research/import_epoch.py ../shared/reference/epoch  [--write]

Reads Epoch AI's "Data on AI Models" (all_ai_models.csv, and notable_ai_models_2026-07-15.csv for entries after
the all-models snapshot), keeps the open-weight, generative, first-party entries since 2019 of organizations in
the United States or China, or of the countries already in the data, drops those that match a row
(openmodels.crosscheck.match, plus the decisions in research/epoch_decisions.csv), and builds one row per entry:

- every fact from Epoch (name, organization, country, publication date, parameters, training compute,
  accessibility class, Link as source_url), evidence 'reference', and notes that say so;
- architecture 'moe' when the name (…-A3B), Epoch's parameter notes or the ATOM Project's metadata say so, with the
  active count from the name, Epoch's notes (not when Epoch marks it assumed) or ATOM; otherwise 'dense';
- entries that cannot make a valid row (no link, an MoE without an active count) or that look like a row we already
  have under another name (same organization, size within 5 %, date within 45 days) go to
  research/epoch_review.csv instead, for a person to decide.

Without --write it only prints what it would do. Facts are Epoch AI's (CC-BY 4.0; credit: Epoch AI, "Data on AI
Models", epoch.ai/data/ai-models); ATOM Project metadata is Apache-2.0.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openmodels.contract import contract  # noqa: E402
from openmodels.crosscheck import (  # noqa: E402
    fold, in_scope, load_aliases, match, name_key, read_epoch, same_org, Scope,
)
from openmodels.report import read_models  # noqa: E402

TODAY = date(2026, 12, 2)
DECISIONS = ROOT / "research" / "epoch_decisions.csv"
REVIEW = ROOT / "research" / "epoch_review.csv"
MODELS = ROOT / "data" / "models.csv"
SNAPSHOTS = {"all_ai_models.csv": "all_ai_models.csv, snapshot 2026-03-30",
             "notable_ai_models_2026-07-15.csv": "notable_ai_models.csv, snapshot 2026-07-15"}
REASONING_NAME = re.compile(r"(\bR1\b|-R1|Thinking|Reasoning|\bQwQ|-o1\b|\bo1-|Z1|Magistral|Rumination|Prover|K2-Think)",
                            re.IGNORECASE)
ACTIVE_IN_NAME = re.compile(r"[-_ ]A(\d+(?:\.\d+)?)B\b", re.IGNORECASE)
ACTIVE_IN_NOTES = re.compile(r"(\d+(?:\.\d+)?)\s*(B|billion)\s*(?:parameters\s*)?(?:\(|,\s*)?\s*(?:are\s*)?(?:active|activated)",
                             re.IGNORECASE)
MOE_WORDS = re.compile(r"mixture[- ]of[- ]experts|\bMoE\b|experts", re.IGNORECASE)


def load_epoch(folder: Path) -> pl.DataFrame:
    frames = []
    for file, label in SNAPSHOTS.items():
        raw = pl.read_csv(folder / file, infer_schema=False)
        notes = raw.select(pl.col("Parameters notes").alias("epoch_params_notes"),
                           pl.col("Notability criteria").alias("epoch_notability"))
        df = read_epoch(folder / file).with_columns(pl.lit(label).alias("snapshot"))
        frames.append(pl.concat([df, notes], how="horizontal"))
    both = pl.concat(frames, how="diagonal_relaxed")
    both = both.with_columns(pl.col("epoch_model").map_elements(fold, return_dtype=pl.String).alias("_k"))
    # The all-models snapshot wins; the later notable snapshot adds what it lacks.
    return both.unique(subset=["_k"], keep="first", maintain_order=True).drop("_k")


# Families that Epoch records with one parameter count, but whose releases are Mixture-of-Experts models: an
# entry of theirs without an active count goes to review rather than in as dense.
KNOWN_MOE = re.compile(r"^(Ling|Ring|Jamba|Switch|NLLB|Qwen3-Coder-Next|Inkling|GLaM|Arctic|DBRX|Mixtral|Grok|Kimi|"
                       r"MiniMax-M|DeepSeek-V[2-4]|GLM-4\.[5-7]|GLM-5)",
                       re.IGNORECASE)
NOT_A_RELEASE = re.compile(r"finetuned|fine-tuned on|ControlNet|\(WT ?103\)|\(CIFAR|\(ImageNet|LibriVox", re.IGNORECASE)


GENERATIVE_TASKS = ("generation", "language modeling", "chat", "code", "translation", "dialog", "question answering")
MEDIA_TASKS = ("synthesis", "speech recognition", "text-to", "image generation", "video generation")


def importable(e: dict, name: str) -> bool:
    """Entries the dataset's scope takes: a generative release, not an evaluation variant of a paper; before 2023
    only language models of 1B+ parameters and image, video or audio generators that Epoch counts as notable."""
    if NOT_A_RELEASE.search(name) or "Biology" in (e["epoch_domain"] or ""):
        return False
    if e["epoch_date"] and e["epoch_date"].year >= 2023:
        return True
    task = (e["epoch_task"] or "").lower()
    if "Language" in (e["epoch_domain"] or ""):
        return (e["epoch_params_b"] or 0) >= 1 and any(w in task for w in GENERATIVE_TASKS)
    return bool(e.get("epoch_notability", True)) and any(w in task for w in GENERATIVE_TASKS + MEDIA_TASKS)


def decisions() -> dict[str, dict]:
    if not DECISIONS.exists():
        return {}
    return {fold(r["epoch_model"]): r for r in pl.read_csv(DECISIONS, infer_schema=False).iter_rows(named=True)}


def atom_params(atom_dir: Path) -> dict[str, dict]:
    df = pl.read_csv(atom_dir / "model_parameters.csv", infer_schema=False)
    return {name_key(r["model_id"].split("/")[-1]): r for r in df.iter_rows(named=True)}


def slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9.]+", "-", text.lower())).strip("-.")


def clean(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015]", "-", text or "")  # typographic hyphens and dashes as ASCII
    return re.sub(r"\s+", " ", text).strip()


def modality(domain: str, task: str | None) -> str:
    """Our modality from Epoch's domains and tasks: what the model produces, not every input it takes."""
    d, t = domain or "", (task or "").lower()
    if "video generation" in t or "text-to-video" in t or "image-to-video" in t:
        return "video-generation"
    if "Image generation" in d and ("image generation" in t or "text-to-image" in t or "Language" not in d):
        return "image-generation"
    if d.startswith("Video") and "Language" not in d:
        return "video-generation"
    if ("Speech" in d or "Audio" in d) and "Language" not in d:
        return "audio"
    if ("Speech" in d or "Audio" in d) and ("Vision" in d or "Video" in d):
        return "omni"
    if "Multimodal" in d or "Vision" in d or "Video" in d:
        return "vision-language"
    return "text"


def organization(epoch_orgs: str, countries: list[str], raw_countries: str, aliases: dict[str, str],
                 alias_country: dict[str, str], ours: dict[str, str]) -> tuple[str, str | None]:
    """Our organization name and country for an Epoch organization list: the first that we know, else the first."""
    orgs = [clean(o) for o in (epoch_orgs or "").split(",") if clean(o)]
    names = [clean(c) for c in (raw_countries or "").split(",")]
    for o in orgs:
        key = fold(o)
        if key in aliases:
            return aliases[key], alias_country.get(key) or ours.get(aliases[key])
        for org, country in ours.items():
            if same_org(o, org, aliases):
                return org, country
    from openmodels.crosscheck import country_code

    first = orgs[0] if orgs else ""
    code = country_code(names[0]) if names and names[0] else None
    return first, code


def build_rows(epoch_dir: Path, atom_dir: Path) -> tuple[list[dict], list[dict]]:
    models = read_models()
    aliases = load_aliases()
    alias_df = pl.read_csv(ROOT / "research" / "org_aliases.csv", infer_schema=False)
    alias_country = {fold(a): c for a, c in zip(alias_df["epoch_organization"], alias_df["country"])}
    ours = dict(models.select("organization", "country").unique().iter_rows())
    epoch = load_epoch(epoch_dir)
    scoped = pl.concat([in_scope(epoch, Scope(since=date(2019, 1, 1), countries=("US", "CN"))),
                        in_scope(epoch, Scope(since=date(2019, 1, 1), countries=tuple(sorted(set(ours.values()) - {"US", "CN"}))))],
                       how="vertical_relaxed").unique(subset=["epoch_model", "epoch_organization"], maintain_order=True)
    matched = match(scoped, models, aliases)
    manual = decisions()
    atom = atom_params(atom_dir)
    existing_ids = set(models["model_id"])
    held = {(o, name_key(n)) for o, n in zip(models["organization"], models["name"])}
    rows, review = [], []
    for e in matched.filter(pl.col("model_id").is_null()).iter_rows(named=True):
        name = clean(e["epoch_model"])
        d = manual.get(fold(name))
        if d and d["decision"] in ("match", "skip"):
            continue  # decided by a person: a row under another name, or out of scope
        if not importable(e, name):
            continue
        org, country = organization(e["epoch_organization"], e["epoch_country_codes"], e["epoch_countries"],
                                    aliases, alias_country, ours)
        if d and d["decision"] == "organization":
            org = d["value"]
            country = ours.get(org, country)
        if (org, name_key(name)) in held:
            continue  # the row is there, under the organization a person decided on
        if country not in ("US", "CN") and country not in set(ours.values()):
            continue  # other countries: the labs of countries already in the data
        why = []
        link = re.split(r"[\s,]+", (e["epoch_link"] or "").strip())[0]
        if not re.match(r"^https?://\S+$", link):
            why.append("no source link in Epoch")
        total = e["epoch_params_b"]
        notes_text = e["epoch_params_notes"] or ""
        active, moe = None, False
        m = ACTIVE_IN_NAME.search(name)
        a = atom.get(name_key(name))
        if m:
            moe, active = True, float(m.group(1))
        elif a and (a["is_moe"] or "").lower() == "true" and a["active_params_b"]:
            moe, active = True, float(a["active_params_b"])
        elif (MOE_WORDS.search(notes_text) or re.search(r"MoE", name) or KNOWN_MOE.search(name)
              or ACTIVE_IN_NOTES.search(notes_text)):
            moe = True
            n = ACTIVE_IN_NOTES.search(notes_text)
            if n and "assum" not in notes_text.lower() and (not total or float(n.group(1)) < total):
                active = float(n.group(1))
        if moe and total and not active:
            why.append("MoE without an active parameter count")
        if total is not None and total < 0.001:
            why.append(f"implausible parameter count {total}B")
        if e["epoch_date"]:
            first_word = fold(re.split(r"[\s\-_(]", name)[0])
            near = models.filter(pl.col("organization") == org,
                                 (pl.col("release_date") - e["epoch_date"]).dt.total_days().abs() <= 45)
            same_size = ((pl.col("params_total_b") - (total or 0)).abs() <= 0.05 * (total or 0)) if total else pl.lit(False)
            same_word = pl.col("name").map_elements(lambda n: fold(re.split(r"[\s\-_(]", n)[0]) == first_word,
                                                   return_dtype=pl.Boolean)
            near = near.filter(same_size | (same_word & (pl.col("params_total_b").is_null() | (total is None))))
            if near.height and not (d and d["decision"] == "import"):
                why.append("may be row " + ", ".join(near["model_id"].to_list()) + " under another name")
        if why:
            review.append({"epoch_model": name, "epoch_organization": clean(e["epoch_organization"]),
                           "epoch_date": str(e["epoch_date"]), "epoch_params_b": "" if total is None else f"{total:g}",
                           "link": link, "reason": "; ".join(why)})
            continue
        rows.append(make_row(e, name, org, country, link, total, active, moe, existing_ids))
    return rows, review


def _num(x: float) -> str:
    return f"{x:.4g}" if x < 1000 else f"{x:.6g}"


def make_row(e: dict, name: str, org: str, country: str, link: str, total: float | None, active: float | None,
             moe: bool, existing_ids: set[str]) -> dict:
    base = slug(name) or slug(org + "-model")
    model_id, i = base, 2
    while model_id in existing_ids:
        model_id, i = f"{base}-{i}", i + 1
    existing_ids.add(model_id)
    family = clean(re.sub(r"\([^)]*\)", "", name))
    family = re.sub(r"[-_ ]?\d+(\.\d+)?\s*[BMbm]\b.*$", "", family).strip(" -_") or name
    reasoning = bool(REASONING_NAME.search(name))
    cls = e["epoch_accessibility_raw"]
    notes = [f"Reference row: facts from Epoch AI, Data on AI Models ({e['snapshot']}; CC-BY 4.0), not re-read here."]
    notes.append("Date: Epoch AI's publication date, which is often the announcement or paper rather than the day "
                 "the weights were downloadable.")
    if total is None:
        notes.append("Size: Epoch AI records no parameter count.")
    else:
        notes.append("Size: Epoch AI's parameter count.")
    if moe:
        notes.append(f"Architecture: MoE with {active:g}B active (from the name, Epoch's parameter notes or the ATOM "
                     "Project's metadata).")
    else:
        notes.append("Architecture: dense assumed (neither the name nor Epoch's notes mention experts).")
    notes.append(f"Licence not read; accessibility class is Epoch AI's ('{cls}').")
    if reasoning:
        notes.append("Reasoning flag from the name.")
    if e["epoch_compute_flop"]:
        notes.append("Training compute: Epoch AI's estimate.")
    return {
        "model_id": model_id[:120], "name": name[:200], "family": family[:120], "organization": org, "country": country,
        "release_date": e["epoch_date"].isoformat(), "date_precision": "day",
        "params_total_b": "" if total is None else _num(total),
        "params_active_b": "" if total is None else _num(active if moe else total),
        "architecture": "moe" if moe else "dense", "experts_total": "", "experts_active": "",
        "modality": modality(e["epoch_domain"], e["epoch_task"]), "reasoning": "true" if reasoning else "false",
        "context_tokens": "", "training_compute_flop": f"{e['epoch_compute_flop']:.3g}" if e["epoch_compute_flop"] else "",
        "license": "", "accessibility": e["epoch_accessibility"], "openness": "weights", "source_url": link,
        "evidence": "reference", "verified_on": TODAY.isoformat(), "hf_repo": "", "notes": " ".join(notes),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("epoch_dir", type=Path)
    p.add_argument("--atom-dir", type=Path, default=None)
    p.add_argument("--write", action="store_true")
    args = p.parse_args()
    atom_dir = args.atom_dir or args.epoch_dir.parent / "atom"
    rows, review = build_rows(args.epoch_dir, atom_dir)
    print(f"{len(rows)} new reference rows; {len(review)} entries for review")
    if not args.write:
        for r in rows:
            print(r["release_date"], r["organization"], "|", r["name"], r["params_total_b"], r["architecture"])
        return 0
    cols = contract().table("models").columns
    with open(MODELS, "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=cols, lineterminator="\n").writerows(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["epoch_model", "epoch_organization", "epoch_date", "epoch_params_b", "link",
                                        "reason"], lineterminator="\n")
    w.writeheader()
    w.writerows(review)
    REVIEW.write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

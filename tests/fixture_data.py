"""A small, hand-made dataset for the tests: written as CSVs by code, built into a DuckDB file."""

from __future__ import annotations

import csv
from pathlib import Path

from openmodels.contract import contract

MODEL_COLUMNS = contract().table("models").columns
EVENT_COLUMNS = contract().table("events").columns


def model(model_id, org, country, day, total, *, active=None, arch="dense", modality="text",
          license="Apache-2.0", access="unrestricted", openness="weights", family=None, name=None,
          experts=("", ""), reasoning="false", notes="", context="", precision="day", evidence="primary", compute=""):
    return {
        "model_id": model_id, "name": name or model_id.upper(), "family": family or model_id.split("-")[0],
        "organization": org, "country": country, "release_date": day, "date_precision": precision,
        "params_total_b": "" if total is None else str(total),
        "params_active_b": "" if total is None and active is None else str(active if active is not None else total),
        "architecture": arch, "experts_total": str(experts[0]), "experts_active": str(experts[1]),
        "modality": modality, "reasoning": reasoning, "context_tokens": str(context), "training_compute_flop": str(compute), "license": license,
        "accessibility": access, "openness": openness,
        "source_url": f"https://example.org/{model_id}", "evidence": evidence, "verified_on": "2026-11-01",
        "hf_repo": f"{org.replace(' ', '')}/{model_id}", "notes": notes,
    }


MODELS = [
    model("gpt2-xl", "OpenAI", "US", "2019-11-05", 1.5, license="MIT", family="GPT-2"),
    model("llama-65b", "Meta", "US", "2023-02-24", 65.2, license="LicenseRef-LLaMA", access="non-commercial", family="LLaMA"),
    model("llama-7b", "Meta", "US", "2023-02-24", 6.7, license="LicenseRef-LLaMA", access="non-commercial", family="LLaMA"),
    model("mistral-7b", "Mistral AI", "FR", "2023-09-27", 7.3, family="Mistral"),
    model("mixtral-8x7b", "Mistral AI", "FR", "2023-12-11", 46.7, active=12.9, arch="moe", experts=(8, 2), family="Mixtral"),
    model("qwen-7b", "Alibaba", "CN", "2023-08-03", 7.7, license="LicenseRef-Tongyi-Qianwen", access="restricted-use", family="Qwen"),
    model("deepseek-v2", "DeepSeek", "CN", "2024-05-06", 236, active=21, arch="moe", experts=(160, 6),
          license="LicenseRef-DeepSeek-Model", access="restricted-use", family="DeepSeek-V2"),
    model("llama-3.1-405b", "Meta", "US", "2024-07-23", 405, license="LicenseRef-Llama-3.1", access="restricted-use", family="Llama 3.1"),
    model("llama-3.1-8b", "Meta", "US", "2024-07-23", 8, license="LicenseRef-Llama-3.1", access="restricted-use", family="Llama 3.1"),
    model("olmo-2-13b", "Ai2", "US", "2024-11-26", 13.7, openness="weights+code+data", family="OLMo 2"),
    model("deepseek-v3", "DeepSeek", "CN", "2024-12-26", 671, active=37, arch="moe", experts=(256, 8),
          license="LicenseRef-DeepSeek-Model", access="restricted-use", family="DeepSeek-V3", compute="3.4e24",
          notes="Training compute from the technical report."),
    model("deepseek-r1", "DeepSeek", "CN", "2025-01-20", 671, active=37, arch="moe", experts=(256, 8),
          license="MIT", reasoning="true", family="DeepSeek-R1"),
    model("falcon3-10b", "TII", "AE", "2024-12-17", 10.3, license="LicenseRef-Falcon-3", access="restricted-use", family="Falcon3"),
    model("qwen3-235b-a22b", "Alibaba", "CN", "2025-04-29", 235, active=22, arch="moe", experts=(128, 8), reasoning="true", family="Qwen3"),
    model("qwen3-32b", "Alibaba", "CN", "2025-04-29", 32.8, reasoning="true", family="Qwen3"),
    model("llama-4-maverick", "Meta", "US", "2025-04-05", 400, active=17, arch="moe", experts=(128, 1),
          license="LicenseRef-Llama-4", access="restricted-use", modality="vision-language", family="Llama 4"),
    model("gpt-oss-120b", "OpenAI", "US", "2025-08-05", 117, active=5.1, arch="moe", experts=(128, 4), reasoning="true", family="gpt-oss"),
    model("wan2.2-a14b", "Alibaba", "CN", "2025-07-28", 27, active=14, arch="moe", modality="video-generation", family="Wan2.2"),
    model("kimi-k2", "Moonshot AI", "CN", "2025-07-11", 1000, active=32, arch="moe", experts=(384, 8),
          license="LicenseRef-Modified-MIT", access="restricted-use", family="Kimi K2"),
    model("mystery-1", "Example Lab", "GB", "2026-03-02", None, notes="Parameter count never disclosed.", family="Mystery"),
    model("glm-4.6", "Zhipu AI", "CN", "2026-09-30", 355, active=32, arch="moe", license="MIT", reasoning="true", family="GLM-4.6"),
    model("muse-open", "Meta", "US", "2026-10-15", 816, active=42, arch="moe", license="", access="",
          modality="omni", reasoning="true", family="Muse", notes="Licence not read in a primary source."),
    model("qwen-14b", "Alibaba", "CN", "2023-09-25", 14.2, license="", access="restricted-use", family="Qwen",
          evidence="reference", compute="2.5e23",
          notes="Facts from Epoch AI's Data on AI Models; licence not read, class is Epoch AI's."),
    model("step-2-mini", "StepFun", "CN", "2025-01-01", 16, precision="month", evidence="reported",
          notes="Only the month is known: reported by Example News and Example Wire (both Jan 2025)."),
]

EVENTS = [
    {"event_id": "gpt2-full-release", "date": "2019-11-05", "title": "GPT-2 1.5B released", "category": "release",
     "country": "US", "actor": "OpenAI", "description": "OpenAI released the largest GPT-2.",
     "source_url": "https://example.org/gpt2", "model_id": "gpt2-xl", "key": "false", "label": ""},
    {"event_id": "export-controls-2022", "date": "2022-10-07", "title": "US chip export controls", "category": "export-control",
     "country": "US", "actor": "BIS", "description": "Rules on advanced chips.", "source_url": "https://example.org/bis", "model_id": "", "key": "true",
     "label": "US chip rules"},
    {"event_id": "eu-ai-act-in-force", "date": "2024-08-01", "title": "EU AI Act enters into force", "category": "policy",
     "country": "EU", "actor": "European Union", "description": "The AI Act entered into force.",
     "source_url": "https://example.org/aiact", "model_id": "", "key": "false", "label": ""},
    {"event_id": "deepseek-r1-release", "date": "2025-01-20", "title": "DeepSeek-R1 released", "category": "release",
     "country": "CN", "actor": "DeepSeek", "description": "DeepSeek released R1 under MIT.",
     "source_url": "https://example.org/r1", "model_id": "deepseek-r1", "key": "true",
     "label": "DeepSeek-R1"},
    {"event_id": "gpt-oss-release", "date": "2025-08-05", "title": "gpt-oss released", "category": "release",
     "country": "US", "actor": "OpenAI", "description": "OpenAI's first open weights since GPT-2.",
     "source_url": "https://example.org/gptoss", "model_id": "gpt-oss-120b", "key": "false", "label": ""},
]


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_dataset(data_dir: Path, models: list[dict] | None = None, events: list[dict] | None = None) -> Path:
    write_csv(data_dir / "models.csv", MODEL_COLUMNS, MODELS if models is None else models)
    write_csv(data_dir / "events.csv", EVENT_COLUMNS, EVENTS if events is None else events)
    return data_dir


def build_unchecked(data_dir: Path) -> None:
    """Build the database from data the validator refuses (markup in names, say), to test what the pages and
    chart builders hold on their own. The build loads what validation passes, chunk by chunk: here every
    record is loaded, unchecked."""
    import hashlib
    import io

    import polars as pl

    import openmodels.build as build_module

    def unchecked(folder, contract_, snapshot=None, **kw):
        if snapshot is not None:
            for t in contract_.tables:
                raw = (Path(folder) / t.path).read_bytes()
                snapshot.load(t, pl.read_csv(io.BytesIO(raw), infer_schema=False))
                snapshot.hashes[t.path] = hashlib.sha256(raw).hexdigest()
        return []

    real = build_module.validate_dataset
    build_module.validate_dataset = unchecked
    try:
        build_module.build(data_dir)
    finally:
        build_module.validate_dataset = real

"""The sidebar filters as one value: parsed from the URL, turned into query parameters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date


@dataclass(frozen=True)
class Filters:
    countries: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    modalities: tuple[str, ...] = ()
    architectures: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    pmin: float | None = None
    pmax: float | None = None
    evidence: tuple[str, ...] = ()

    def params(self) -> dict:
        """Query parameters for the filtered_models macro (lists for multi-selects)."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    def slug(self) -> str:
        """A short file-name-safe description: countries, organizations, date range."""
        parts = []
        if self.countries:
            parts.append("-".join(sorted(self.countries)))
        if self.orgs:
            parts.append("-".join(sorted(o.replace(" ", "") for o in self.orgs))[:60])
        if self.date_from or self.date_to:
            lo = self.date_from.strftime("%Y-%m") if self.date_from else "start"
            hi = self.date_to.strftime("%Y-%m") if self.date_to else "now"
            parts.append(f"{lo}_{hi}")
        safe = "_".join(parts) or "all"
        return "".join(c if c.isalnum() or c in "-_." else "-" for c in safe)


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

    def describe(self, first: date, last: date) -> str:
        """One line for people: 'China and United States · unrestricted · 2023-01 to 2026-12'. `first` and
        `last` are the data's own range, used when no date filter is set."""
        from openmodels.countries import country_name

        def listing(values, name=str) -> str:
            names = [name(v) for v in sorted(values)]
            return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

        parts = [listing(self.countries, country_name) if self.countries else "all countries"]
        if self.orgs:
            parts.append(listing(self.orgs))
        for values, what in ((self.modalities, "modality"), (self.architectures, "architecture"),
                             (self.accessibility, "licences"), (self.evidence, "evidence")):
            if values:
                parts.append(f"{what} {listing(values)}" if what != "licences" else f"{listing(values)} licences")
        if self.pmin is not None or self.pmax is not None:
            lo = f"{self.pmin:g}B" if self.pmin is not None else "any"
            hi = f"{self.pmax:g}B" if self.pmax is not None else "any"
            parts.append(f"{lo} to {hi} total parameters")
        lo, hi = self.date_from or first, self.date_to or last
        parts.append(f"{lo:%Y-%m} to {hi:%Y-%m}")
        return " · ".join(parts)

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


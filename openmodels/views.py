"""The data behind every chart and table a page offers for download, as named views without Streamlit: which
named query a view runs, which page controls of the link it reads (URL key, options, default, as on the page),
and how the page cuts the query's frame to what it draws. The data API serves them (openmodels/api.py); the
download menus link to them (openmodels/ui/api_link.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from openmodels.charts import SCATTER_MAX_POINTS
from openmodels.contract import contract
from openmodels.filters import Filters
from openmodels.params import DATE_KEYS, BadParameter, FILTER_KEYS, FilterOptions, match_many, match_one, parse_filters
from openmodels.queries import Database

TOP_N_OPTIONS = [3, 5, 8, 10, 15]  # as openmodels/ui/widgets.py
TOP_N_DEFAULT = 5
SEARCH_MAX = 200  # as pages/explorer.py
EVENT_CATEGORIES = contract().table("events").field("category").constraints["enum"]


@dataclass
class Context:
    """The current build as the pages see it: the database, the sidebar's options, the data-as-of date."""
    db: Database
    options: FilterOptions
    data_as_of: date
    dataset_version: str
    notice: str = ""
    _events: pl.DataFrame | None = None

    @classmethod
    def of(cls, db: Database) -> "Context":
        meta = db.run("dataset_meta").row(0, named=True)
        table = contract().table("models")
        enums = {c: table.field(c).constraints["enum"] for c in ("modality", "architecture", "accessibility", "evidence")}
        options = FilterOptions.of(db.run("data_bounds").row(0, named=True), date.fromisoformat(contract().data_as_of),
                                   db.run("country_options")["country"].to_list(),
                                   dict(db.run("organization_countries").iter_rows()), enums)
        return cls(db, options, meta["data_as_of"], meta["dataset_version"])

    def events(self) -> pl.DataFrame:
        if self._events is None:
            self._events = self.db.run("events_timeline", {"categories": [], "event_countries": [],
                                                           "date_from": None, "date_to": None})
        return self._events


@dataclass(frozen=True)
class Control:
    """A page control bound to the URL: its key, its options (or a function of the context giving them),
    its default, and the query parameter it sets (None: it only changes how the frame is cut)."""
    key: str
    options: Sequence | Callable[[Context], Sequence]
    default: object | Callable[[Context], object]
    param: str | None = None
    kind: str = "one"  # one | many | text

    def read(self, raw: list[str], ctx: Context):
        if self.kind == "text":
            if len(raw) > 1:
                raise BadParameter(self.key, raw[1:], "only one value allowed")
            if raw and len(raw[0]) > self.options:
                raise BadParameter(self.key, raw[:1], f"longer than {self.options} characters")
            return raw[0].strip() if raw else self.default
        options = self.options(ctx) if callable(self.options) else self.options
        if self.kind == "many":
            return match_many(self.key, raw, options) if raw else list(self.default)
        if not raw:
            return self.default(ctx) if callable(self.default) else self.default
        return match_one(self.key, raw, options, _url_form)


def _url_form(value) -> str:
    """How a control writes a value in the URL: booleans as true/false, the rest as text."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class View:
    name: str
    query: str
    about: str
    key: str  # the page's download key (openmodels/ui/downloads.py), so its menu can link here
    controls: tuple[Control, ...] = ()
    fixed: Mapping = field(default_factory=dict)
    shape: Callable[[pl.DataFrame, dict], pl.DataFrame] | None = None
    # How the page narrows the sidebar filters for this view (the Overview cards ignore the date range).
    narrow: Callable[[Filters], Filters] | None = None
    uses_filters: bool = True


def _top(key: str) -> Control:
    return Control(key, TOP_N_OPTIONS, TOP_N_DEFAULT, "top_n")


def _show(key: str = "lic_value") -> Control:
    return Control(key, ["shares", "counts"], "shares")


def _shown(values: dict) -> str:
    return {"counts": "releases", "shares": "share_pct"}[values["lic_value"]]


def _releases(frame: pl.DataFrame, v: dict) -> pl.DataFrame:
    value = "share_pct" if v["mode"] == "percent" else "cumulative_releases" if v["cumulative"] else "releases"
    return frame.select("period_start", "country_group", value)


def _classes(columns: tuple[str, str]):
    """The Licenses page's cut: the chosen measure; in the shares view the unconfirmed class has no share."""
    def shape(frame: pl.DataFrame, v: dict) -> pl.DataFrame:
        show = _shown(v)
        out = frame.select(*columns, show)
        return out.drop_nulls(show) if show == "share_pct" and columns[1] == "accessibility" else out
    return shape


def _event_ids(ctx: Context) -> list[str]:
    return ctx.events()["event_id"].to_list()


def _default_event(ctx: Context) -> str | None:
    ids = _event_ids(ctx)
    return "deepseek-r1-release" if "deepseek-r1-release" in ids else (ids[-1] if ids else None)


def _event_countries(ctx: Context) -> list[str]:
    return sorted(ctx.events()["country"].unique().to_list())


VIEWS: dict[str, View] = {v.name: v for v in [
    View("models", "explorer_models", "Explorer: every filtered model with the columns of models.csv, newest first",
         "explorer", (Control("q", SEARCH_MAX, "", "search", "text"),), {"limit": None, "offset": 0}),
    View("releases_by_country_period", "releases_by_country_period", "Releases: releases per period by country",
         "releases", (Control("period", ["month", "quarter", "year"], "quarter", "period"),
                      Control("mode", ["stacked", "lines", "percent"], "stacked"),
                      Control("unit", ["checkpoints", "families"], "checkpoints", "unit"),
                      Control("cumulative", [True, False], False), _top("top")), shape=_releases),
    View("cumulative_releases", "releases_by_country_period", "Overview: cumulative releases by country",
         "cumulative", fixed={"period": "month", "unit": "checkpoints", "top_n": TOP_N_DEFAULT},
         shape=lambda frame, v: frame.select("period_start", "country_group", "cumulative_releases")),
    View("overview_kpis_by_bloc", "overview_kpis_by_bloc", "Overview: the cards, last 12 months against the 12 before "
         "(the release-date filter does not apply)", "kpis",
         narrow=lambda f: dataclasses.replace(f, date_from=None, date_to=None)),
    View("models_scatter", "models_scatter", "Scale: parameters of each sized model over time", "scale",
         fixed={"limit": SCATTER_MAX_POINTS}),
    View("frontier_by_country", "frontier_by_country", "Scale: the largest model each country had released so far",
         "frontier", (Control("metric", ["total", "active"], "total", "metric"),)),
    View("compute_scatter", "compute_scatter", "Compute: training compute of each model with a figure", "compute",
         fixed={"limit": SCATTER_MAX_POINTS}),
    View("compute_frontier", "compute_frontier", "Compute: each country's record line", "c_record"),
    View("moe_share_by_country_period", "moe_share_by_country_period", "MoE: MoE share of releases by country",
         "moe_share", (Control("moe_period", ["quarter", "year"], "year", "period"), _top("moe_top"))),
    View("first_moe_by_organization", "first_moe_by_organization", "MoE: each organization's first MoE release",
         "moe_first"),
    View("moe_active_ratio", "moe_active_ratio", "MoE: active/total parameter ratio over time", "moe_ratio",
         fixed={"limit": SCATTER_MAX_POINTS}),
    View("accessibility_by_country", "accessibility_by_country", "Licenses: accessibility classes by country",
         "acc_country", (_show(), _top("lic_top")), shape=_classes(("country_group", "accessibility"))),
    View("accessibility_by_period", "accessibility_by_period", "Licenses: accessibility classes per period",
         "acc_time", (_show(), Control("lic_period", ["quarter", "year"], "year", "period")),
         shape=_classes(("period_start", "accessibility"))),
    View("top_licenses", "top_licenses", "Licenses: the most used licenses", "top_lic", fixed={"limit": 15}),
    View("openness_by_country", "openness_by_country", "Licenses: openness (weights, + code, + data) by country",
         "openness", (_show(), _top("lic_top")), shape=_classes(("country_group", "openness"))),
    View("events_timeline", "events_timeline", "Events: the timeline (only the release-date filter applies)",
         "timeline", (Control("ev_cat", EVENT_CATEGORIES, (), "categories", "many"),
                      Control("ev_country", _event_countries, (), "event_countries", "many")),
         uses_filters=False),
    View("event_window", "event_window", "Events: releases in the months before and after an event", "window",
         (Control("event", _event_ids, _default_event, "event_id"),
          Control("months", [3, 6, 12, 24], 6, "months"), _top("ev_top")),
         shape=lambda frame, v: frame.filter(pl.col("event_window") != "same month, day unknown")),
]}
BY_KEY = {v.key: v for v in VIEWS.values()}


class UnknownView(KeyError):
    pass


def view(name: str) -> View:
    if name not in VIEWS:
        raise UnknownView(name)
    return VIEWS[name]


def accepted_keys(v: View) -> tuple[str, ...]:
    return (DATE_KEYS if not v.uses_filters else FILTER_KEYS) + tuple(c.key for c in v.controls)


def read(v: View, query: Mapping[str, Sequence[str]], ctx: Context) -> tuple[Filters, dict]:
    """The filters and control values a link names for this view; BadParameter on anything the page would not
    use, an unknown key included."""
    unknown = [k for k in query if k not in accepted_keys(v)]
    if unknown:
        raise BadParameter(unknown[0], list(query[unknown[0]]),
                           "not a setting of this page", f"this view takes {', '.join(accepted_keys(v))}")
    f = parse_filters(query, ctx.options)
    if v.narrow:
        f = v.narrow(f)
    values = {c.key: c.read(list(query.get(c.key) or []), ctx) for c in v.controls}
    return f, values


def run(v: View, f: Filters, values: dict, ctx: Context) -> pl.DataFrame:
    """The frame the page downloads for this view under these filters and control values."""
    params = dict(v.fixed) | {c.param: values[c.key] for c in v.controls if c.param}
    if v.uses_filters:
        params = f.params() | params
    else:
        params |= {"date_from": f.date_from, "date_to": f.date_to}
    if v.query == "overview_kpis_by_bloc":
        params["as_of"] = ctx.data_as_of
    frame = ctx.db.run(v.query, params)
    return v.shape(frame, values) if v.shape else frame


def control_pairs(v: View, values: Mapping) -> list[tuple[str, str]]:
    """The query-string pairs of the controls whose values differ from the defaults (as a page link writes)."""
    pairs = []
    for c in v.controls:
        if c.key not in values:
            continue
        value = values[c.key]
        if c.kind == "many":
            pairs += [(c.key, str(x)) for x in value]
        elif c.kind == "text":
            if value:
                pairs.append((c.key, value))
        elif callable(c.default) or value != c.default:
            pairs.append((c.key, _url_form(value)))
    return pairs

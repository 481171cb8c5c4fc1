"""The data API, served beside the dashboard by the same server (asgi.py): /api/<view>.csv and .json give the
rows of each chart and of the Explorer (openmodels/views.py) for the filters and controls of a page link, the
CSV byte for byte the page's download. A value the page would not use is refused with HTTP 400 and the reason;
every answer names the dataset version in a header. SecurityHeaders puts deploy/nginx.conf's headers on every
response of the app, the dashboard's included."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import duckdb
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from openmodels import views
from openmodels.build import BuildFailed, InvalidData, ensure_database, previous_database
from openmodels.contract import DATA_DIR, ContractError, contract
from openmodels.params import BadParameter
from openmodels.queries import Database

VERSION_HEADER = "X-Dataset-Version"
NOTICE_HEADER = "X-Dataset-Notice"  # set while the previous build is served because a new one cannot be written
# The same headers as deploy/nginx.conf (tests/test_api.py checks they stay equal).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; "
        "frame-src 'self' blob: data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FORMATS = {"csv", "json"}
SERVED = False  # set when routes() is mounted: the download menus then link to the API


class SecurityHeaders:
    """Pure ASGI middleware (it leaves the dashboard's WebSocket alone): the headers on every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)
        await self.app(scope, receive, with_headers)


def data_dir() -> Path:
    return Path(os.environ.get("OPENMODELS_DATA_DIR", DATA_DIR))


class Current:
    """The current build, found as the dashboard finds it (openmodels/ui/db.py): the data files' sizes and
    modification times on every request; when they change, ensure_database compares contents and rebuilds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: str | None = None
        self._ctx: views.Context | None = None

    def _files_key(self, folder: Path) -> str:
        stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (p.name, 0, 0)
                 for p in (folder / t.path for t in contract().tables)]
        return json.dumps(stats)

    def context(self) -> views.Context:
        """The current build; while a new one cannot be written (BuildFailed), the previous good build, as the
        pages serve it, with the reason in ctx.notice."""
        folder = data_dir()
        key = str(folder) + self._files_key(folder)
        with self._lock:
            if key != self._key:
                # The previous Database is not closed: a request still running on it keeps it until it ends.
                try:
                    self._ctx = views.Context.of(Database(ensure_database(folder)))
                except BuildFailed as err:
                    previous = previous_database(folder)
                    if previous is None:
                        raise
                    ctx = views.Context.of(Database(previous))
                    ctx.notice = f"the previous build is served: {err.what} {err.todo}"
                    return ctx  # not kept: the next request tries the build again, as the next page run does
                self._key = key
            return self._ctx


    def forget(self) -> None:
        with self._lock:
            self._key = None


CURRENT = Current()


def _error(status: int, text: str, fmt: str, version: str | None = None, **more) -> Response:
    headers = {VERSION_HEADER: version} if version else {}
    if fmt == "json":
        return JSONResponse({"error": text} | more, status_code=status, headers=headers)
    return PlainTextResponse(text + "\n", status_code=status, headers=headers)


def serve_view(request: Request) -> Response:
    name, _, fmt = request.path_params["file"].rpartition(".")
    fmt = fmt.lower() if name else "csv"
    if not name or fmt not in FORMATS:
        return _error(404, "No such file: write /api/<view>.csv or /api/<view>.json (see /api).", "csv")
    try:
        ctx = CURRENT.context()
    except InvalidData as err:
        return _error(503, f"The data did not pass validation ({len(err.violations)} problem(s)); "
                           "run python -m openmodels validate.", fmt)
    except (BuildFailed, ContractError) as err:
        return _error(503, f"The database could not be built: {err}", fmt)
    try:
        v = views.view(name)
    except views.UnknownView:
        return _error(404, f"No view named {name!r}; the views are: {', '.join(views.VIEWS)}.", fmt,
                      ctx.dataset_version)
    query = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
    try:
        f, values = views.read(v, query, ctx)
    except BadParameter as err:
        return _error(400, str(err), fmt, ctx.dataset_version, parameter=err.key, values=err.values,
                      reason=err.why, message=err.message)
    try:
        frame = views.run(v, f, values, ctx)
    except duckdb.Error as err:
        CURRENT.forget()  # the next request opens the build again (a damaged file is found and rebuilt)
        return _error(503, f"The database could not be read ({str(err).splitlines()[0][:160]}); try again.", fmt,
                      ctx.dataset_version)
    headers = {VERSION_HEADER: ctx.dataset_version, "Cache-Control": "no-cache"}
    if ctx.notice:
        headers[NOTICE_HEADER] = ctx.notice.encode("ascii", "replace").decode()
    from openmodels.ui.downloads import csv_bytes, download_frame  # the page's own writer: the download's bytes
    if fmt == "csv":
        return Response(csv_bytes(frame), media_type="text/csv; charset=utf-8", headers=headers)
    frame = download_frame(frame)  # the JSON holds the download's columns (country_name beside country)
    body = ('{"view":' + json.dumps(v.name) + ',"dataset_version":' + json.dumps(ctx.dataset_version)
            + ',"columns":' + json.dumps([{"name": c, "type": str(t)} for c, t in frame.schema.items()])
            + ',"rows":' + frame.write_json() + "}")
    return Response(body, media_type="application/json", headers=headers)


def index(request: Request) -> Response:
    """Every view with what it shows and the link keys it takes."""
    try:
        version = CURRENT.context().dataset_version
    except Exception:  # noqa: BLE001 - the list of views does not need the data
        version = None
    body = {"dataset_version": version, "formats": sorted(FORMATS), "views": [
        {"name": v.name, "about": v.about, "parameters": list(views.accepted_keys(v)),
         "csv": f"/api/{v.name}.csv", "json": f"/api/{v.name}.json"} for v in views.VIEWS.values()]}
    return JSONResponse(body, headers={VERSION_HEADER: version} if version else {})


def routes() -> list[Route]:
    global SERVED
    SERVED = True
    return [Route("/api", index, methods=["GET"]), Route("/api/{file}", serve_view, methods=["GET"])]

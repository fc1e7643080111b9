"""The Airtable stand-in: Airtable's Web API (``/v0/...``) over in-memory bases.

It answers the unmodified pyairtable client the way api.airtable.com does: list records by GET
and by ``POST .../listRecords`` (paging with opaque offsets, ``fields[]``, ``sort[]``, views,
``maxRecords``, ``cellFormat``, ``returnFieldsByFieldId`` and ``filterByFormula`` run by a real
formula evaluator), get, create, update (PATCH merges, PUT replaces), upsert and delete in
batches of at most 10, the metadata API, Airtable's error bodies, token check, and the limit
of 5 requests per second per base with its 30-second penalty after a 429.

Cell semantics live in :mod:`sandbox.airtable_model`, formulas in :mod:`sandbox.airtable_formula`.
Sandbox extensions, all optional: seeding bodies may carry ``records`` per table, ids for
bases/tables/fields/views, and views may carry ``filterByFormula`` and ``sort`` like views
people set up in the UI.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from sandbox import airtable_formula as formula
from sandbox.airtable_model import (
    ApiError,
    Base,
    Field,
    Record,
    RecordView,
    Table,
    View,
    WriteContext,
    coerce_cell,
    default_options,
    iso,
    new_id,
    render_string,
    sort_key,
    unknown_field,
)
from sandbox.http import CloudApp, SandboxClock, SandboxRequest, SandboxResponse

DEFAULT_TOKEN = "patSANDBOX"
WHOAMI_USER_ID = "usrSANDBOXUSER000"

GENERIC_422 = "Invalid request: parameter validation failed. Check your request data."
PERMISSIONS_MESSAGE = (
    "Invalid permissions, or the requested model was not found. Check that both your user and "
    "your token have the required permissions, and that the model names and/or ids are correct."
)
RATE_LIMIT_MESSAGE = "Rate limit exceeded. Please try again later"
BATCH_MESSAGE = (
    'You must provide an array of up to 10 record objects, each with an "id" ID field and a '
    '"fields" object for cell values.'
)

# The body Airtable sends for a status when nothing more specific applies (used for faults).
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_REQUEST_UNKNOWN", GENERIC_422),
    401: ("AUTHENTICATION_REQUIRED", "Authentication required"),
    403: ("INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", PERMISSIONS_MESSAGE),
    413: ("REQUEST_TOO_LARGE", "Request body is too large"),
    422: ("INVALID_REQUEST_UNKNOWN", GENERIC_422),
    429: ("RATE_LIMIT_REACHED", RATE_LIMIT_MESSAGE),
    500: ("SERVER_ERROR", "Try again. If the problem persists, contact support."),
    502: ("BAD_GATEWAY", "Try again. If the problem persists, contact support."),
    503: (
        "RETRIABLE_ERROR",
        "Server encountered an error while processing your request, and it is safe to retry the request",
    ),
}

LIST_BODY_KEYS = frozenset(
    {
        "filterByFormula",
        "fields",
        "sort",
        "view",
        "pageSize",
        "maxRecords",
        "offset",
        "cellFormat",
        "timeZone",
        "userLocale",
        "returnFieldsByFieldId",
        "recordMetadata",
    }
)
WRITE_BODY_KEYS = frozenset(
    {"fields", "records", "typecast", "returnFieldsByFieldId", "performUpsert"}
)
_SORT_PARAM = re.compile(r"sort\[(\d+)\]\[(field|direction)\]")


def invalid_request(message: str = GENERIC_422) -> ApiError:
    return ApiError(422, "INVALID_REQUEST_UNKNOWN", message)


def permission_error() -> ApiError:
    return ApiError(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", PERMISSIONS_MESSAGE)


def record_not_found() -> ApiError:
    return ApiError(404, "MODEL_ID_NOT_FOUND", "Record not found")


def row_missing(record_id: str) -> ApiError:
    return ApiError(
        422, "ROW_DOES_NOT_EXIST", f"Record ID {record_id} does not exist in this table"
    )


def missing_field(name: str) -> ApiError:
    return ApiError(
        422, "INVALID_REQUEST_MISSING_FIELDS", f'Could not find field "{name}" in the request body'
    )


@functools.lru_cache(maxsize=512)
def _parse_formula(text: str) -> formula.Node:
    # Pagers resend the same formula for every page; parse it once.
    return formula.parse(text)


# -- list queries ------------------------------------------------------------------------------


@dataclass
class ListQuery:
    """The options of one list request, from a query string or a listRecords body."""

    page_size: int = 100
    max_records: int | None = None
    offset: str | None = None
    view: str | None = None
    fields: list[str] | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)
    formula: str | None = None
    cell_format: str = "json"
    time_zone: str | None = None
    user_locale: str | None = None
    by_field_id: bool = False
    comment_count: bool = False


@dataclass
class OutputFormat:
    """How records are written into a response."""

    by_field_id: bool = False
    cell_format: str = "json"
    time_zone: str = "UTC"
    fields: list[Field] | None = None
    comment_count: bool = False


@dataclass
class _Iterator:
    """A list result being paged: the matching record ids, fixed when the first page was asked."""

    table_id: str
    ids: list[str]
    created: float
    key: str = ""  # "itr..." once a page has been handed out with an offset


def _int_param(value: Any) -> int:
    if isinstance(value, bool):
        raise invalid_request()
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise invalid_request() from exc


def _bool_param(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true")


def _query_from_params(query: dict[str, list[str]]) -> ListQuery:
    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    options = ListQuery()
    if (size := first("pageSize")) is not None:
        options.page_size = _int_param(size)
    if (cap := first("maxRecords")) is not None:
        options.max_records = _int_param(cap)
    options.offset = first("offset") or None
    options.view = first("view") or None
    if "fields[]" in query or "fields" in query:
        options.fields = query.get("fields[]", []) + query.get("fields", [])
    options.sort = _sort_from_params(query)
    options.formula = first("filterByFormula")
    options.cell_format = first("cellFormat") or "json"
    options.time_zone = first("timeZone")
    options.user_locale = first("userLocale")
    options.by_field_id = _bool_param(first("returnFieldsByFieldId") or "")
    metadata = query.get("recordMetadata[]", []) + query.get("recordMetadata", [])
    options.comment_count = "commentCount" in metadata
    return options


def _sort_from_params(query: dict[str, list[str]]) -> list[tuple[str, str]]:
    entries: dict[int, dict[str, str]] = {}
    for key, values in query.items():
        match = _SORT_PARAM.fullmatch(key)
        if match:
            entries.setdefault(int(match.group(1)), {})[match.group(2)] = values[0]
    return [_sort_entry(entries[i]) for i in sorted(entries)]


def _sort_entry(entry: Any) -> tuple[str, str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
        raise invalid_request()
    direction = entry.get("direction", "asc")
    if direction not in ("asc", "desc"):
        raise invalid_request()
    return entry["field"], direction


def _query_from_body(body: dict[str, Any], query: dict[str, list[str]]) -> ListQuery:
    unknown = set(body) - LIST_BODY_KEYS
    if unknown:
        raise invalid_request()
    options = ListQuery()
    if "pageSize" in body:
        options.page_size = _int_param(body["pageSize"])
    if body.get("maxRecords") is not None:
        options.max_records = _int_param(body["maxRecords"])
    options.offset = _optional_str(body.get("offset"))
    options.view = _optional_str(body.get("view"))
    if body.get("fields") is not None:
        options.fields = _str_list(body["fields"])
    sort = body.get("sort") or []
    if not isinstance(sort, list):
        raise invalid_request()
    options.sort = [_sort_entry(entry) for entry in sort]
    options.formula = _optional_str(body.get("filterByFormula"))
    options.cell_format = _optional_str(body.get("cellFormat")) or "json"
    # pyairtable keeps timeZone and userLocale in the query string even for POST.
    options.time_zone = _optional_str(body.get("timeZone")) or _first(query, "timeZone")
    options.user_locale = _optional_str(body.get("userLocale")) or _first(query, "userLocale")
    options.by_field_id = _bool_param(body.get("returnFieldsByFieldId", False))
    options.comment_count = "commentCount" in _str_list(body.get("recordMetadata") or [])
    return options


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_request()
    return value


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_request()
    return list(value)


# -- the app ------------------------------------------------------------------------------------


class AirtableApp(CloudApp):
    """Airtable's Web API over in-memory bases (see the module docstring)."""

    api = "airtable"
    prefixes = ("/v0/",)

    RATE_PER_SECOND = 5.0  # per base
    PENALTY_S = 30.0  # after a 429 the base refuses everything for this long
    MAX_PAGE_SIZE = 100
    MAX_BATCH = 10
    ITERATOR_TTL_S = 300.0
    MAX_ITERATORS = 1000  # abandoned listings must not pile up in long benchmark runs

    def __init__(self, clock: SandboxClock) -> None:
        super().__init__(clock)
        self.rng = random.Random()
        self.tokens: set[str] = {DEFAULT_TOKEN}
        self.bases: dict[str, Base] = {}
        self.iterators: dict[str, _Iterator] = {}
        self._add_routes()

    def _add_routes(self) -> None:
        # Order matters: the meta routes would otherwise look like "/v0/{base_id}/{table}".
        routes = [
            ("GET", "/v0/meta/whoami", self._whoami),
            ("GET", "/v0/meta/bases", self._list_bases),
            ("GET", "/v0/meta/bases/{base_id}/tables", self._base_schema),
            ("POST", "/v0/meta/bases/{base_id}/tables/{table}/fields", self._create_field),
            ("POST", "/v0/{base_id}/{table}/listRecords", self._list_post),
            ("GET", "/v0/{base_id}/{table}", self._list_get),
            ("POST", "/v0/{base_id}/{table}", self._create),
            ("PATCH", "/v0/{base_id}/{table}", self._update_many),
            ("PUT", "/v0/{base_id}/{table}", self._update_many),
            ("DELETE", "/v0/{base_id}/{table}", self._delete_many),
            ("GET", "/v0/{base_id}/{table}/{record_id}", self._get),
            ("PATCH", "/v0/{base_id}/{table}/{record_id}", self._update_one),
            ("PUT", "/v0/{base_id}/{table}/{record_id}", self._update_one),
            ("DELETE", "/v0/{base_id}/{table}/{record_id}", self._delete_one),
        ]
        for method, template, handler in routes:
            self.router.add(method, template, handler)

    # -- dispatch --------------------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            try:
                return self._dispatch(request)
            except ApiError as exc:
                return self._error_body(exc)

    def _dispatch(self, request: SandboxRequest) -> SandboxResponse:
        # Route on the raw path so that a table name holding "%2F" stays one segment.
        segments = [unquote(s) for s in request.raw_path.split("/")]
        found = self.router.match(request.method, "/".join(quote(s, safe="") for s in segments))
        if found is None or "__method_not_allowed__" in found[1]:
            return self.not_found(request)
        route, params = found
        request.path_params = {k: unquote(v) for k, v in params.items()}
        self._authenticate(request)
        if "base_id" in request.path_params:
            self._throttle(self._base(request.path_params["base_id"]))
        return route.handler(request)

    def _authenticate(self, request: SandboxRequest) -> None:
        if request.bearer() not in self.tokens:
            raise ApiError(401, "AUTHENTICATION_REQUIRED", "Authentication required")

    def _throttle(self, base: Base) -> None:
        """5 requests per second per base (times ``limits.scale``); a 429 blocks it for 30 s."""
        if not self.limits.enabled:
            return
        now = self.clock.now()
        if now < base.blocked_until:
            raise ApiError(429, "RATE_LIMIT_REACHED", RATE_LIMIT_MESSAGE)
        while base.recent and base.recent[0] <= now - 1.0:
            base.recent.popleft()
        if len(base.recent) + 1 > self.RATE_PER_SECOND * self.limits.scale:
            base.blocked_until = now + self.PENALTY_S
            raise ApiError(429, "RATE_LIMIT_REACHED", RATE_LIMIT_MESSAGE)
        base.recent.append(now)

    def _base(self, base_id: str) -> Base:
        base = self.bases.get(base_id)
        if base is None:
            raise permission_error()
        return base

    def _table(self, request: SandboxRequest) -> tuple[Base, Table]:
        base = self._base(request.path_params["base_id"])
        table = base.table(request.path_params["table"])
        if table is None:
            raise permission_error()
        return base, table

    def _error_body(self, exc: ApiError) -> SandboxResponse:
        error: dict[str, str] = {"type": exc.error_type}
        if exc.message is not None:
            error["message"] = exc.message
        return SandboxResponse.json(exc.status, {"error": error})

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        # Airtable answers unknown routes with the bare string form of its error body.
        return SandboxResponse.json(404, {"error": "NOT_FOUND"})

    def error_response(self, status: int, message: str) -> SandboxResponse:
        if status == 404:
            return SandboxResponse.json(404, {"error": "NOT_FOUND"})
        error_type, text = STATUS_ERRORS.get(status, ("UNKNOWN_ERROR", message))
        return SandboxResponse.json(status, {"error": {"type": error_type, "message": text}})

    # -- request helpers ---------------------------------------------------------------------

    def _body(self, request: SandboxRequest) -> dict[str, Any]:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(422, "INVALID_REQUEST_BODY", "Could not parse request body") from exc
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise invalid_request()
        return body

    def _write_body(self, request: SandboxRequest) -> dict[str, Any]:
        body = self._body(request)
        if set(body) - WRITE_BODY_KEYS:
            raise invalid_request()
        return body

    def _now(self) -> float:
        return self.clock.now()

    # -- listing --------------------------------------------------------------------------------

    def _list_get(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        return self._list(table, _query_from_params(request.query))

    def _list_post(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        return self._list(table, _query_from_body(self._body(request), request.query))

    def _list(self, table: Table, query: ListQuery) -> SandboxResponse:
        if not 1 <= query.page_size <= self.MAX_PAGE_SIZE:
            raise invalid_request()
        if query.max_records is not None and query.max_records < 0:
            raise invalid_request()
        output = self._output_format(table, query)
        iterator, position = self._page_start(table, query)
        page = iterator.ids[position : position + query.page_size]
        records = [table.records[i] for i in page if i in table.records]
        payload: dict[str, Any] = {
            "records": [self._record_json(table, r, output) for r in records]
        }
        following = position + query.page_size
        if following < len(iterator.ids):
            payload["offset"] = self._offset(iterator, following)
        elif iterator.key:
            del self.iterators[iterator.key]  # the last page was served: nobody pages on
        return SandboxResponse.json(200, payload)

    def _output_format(self, table: Table, query: ListQuery) -> OutputFormat:
        if query.cell_format not in ("json", "string"):
            raise invalid_request()
        if query.cell_format == "string" and not (query.time_zone and query.user_locale):
            raise invalid_request(
                "The cellFormat parameter 'string' requires the timeZone and userLocale parameters"
            )
        fields = None
        if query.fields is not None:
            fields = [table.require_field(name) for name in query.fields]
        return OutputFormat(
            by_field_id=query.by_field_id,
            cell_format=query.cell_format,
            time_zone=query.time_zone or "UTC",
            fields=fields,
            comment_count=query.comment_count,
        )

    def _page_start(self, table: Table, query: ListQuery) -> tuple[_Iterator, int]:
        """The iterator to page through and where this page starts."""
        self._drop_old_iterators()
        if query.offset is None:
            iterator = _Iterator(table.id, self._select(table, query), self._now())
            return iterator, 0
        itr_id, _, record_id = query.offset.partition("/")
        iterator_found = self.iterators.get(itr_id)
        if (
            iterator_found is None
            or iterator_found.table_id != table.id
            or record_id not in iterator_found.ids
        ):
            raise ApiError(
                422,
                "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",
                "The offset value is invalid or has expired; restart the listing without offset",
            )
        return iterator_found, iterator_found.ids.index(record_id)

    def _offset(self, iterator: _Iterator, position: int) -> str:
        if not iterator.key:
            iterator.key = new_id("itr", self.rng)
            self.iterators[iterator.key] = iterator
            while len(self.iterators) > self.MAX_ITERATORS:
                del self.iterators[next(iter(self.iterators))]  # the oldest one
        return f"{iterator.key}/{iterator.ids[position]}"

    def _drop_old_iterators(self) -> None:
        # Iterators are kept in the order they were handed out, so expired ones come first.
        cutoff = self._now() - self.ITERATOR_TTL_S
        while self.iterators:
            key, oldest = next(iter(self.iterators.items()))
            if oldest.created >= cutoff:
                break
            del self.iterators[key]

    def _select(self, table: Table, query: ListQuery) -> list[str]:
        """Ids of the records a list request returns, in order, before paging."""
        view = self._view(table, query.view)
        matcher = self._filter(table, query.formula)
        now = self._now()
        views = [RecordView(table, r, now) for r in table.records.values()]
        if view is not None and view.filter is not None:
            ast = view.filter
            views = [v for v in views if formula.is_truthy(formula.evaluate(ast, v))]
        if matcher is not None:
            views = [v for v in views if formula.is_truthy(formula.evaluate(matcher, v))]
        sort = query.sort or (view.sort if view is not None else [])
        for name, direction in reversed(sort):
            views.sort(
                key=functools.partial(sort_key, table.require_field(name)),
                reverse=direction == "desc",
            )
        if query.max_records:
            views = views[: query.max_records]
        return [v.record.id for v in views]

    def _view(self, table: Table, name: str | None) -> View | None:
        if name is None:
            return None
        view = table.view(name)
        if view is None:
            raise ApiError(422, "VIEW_NAME_NOT_FOUND", f"View {name} not found")
        return view

    def _filter(self, table: Table, text: str | None) -> formula.Node | None:
        if text is None or not text.strip():
            return None
        prefix = "The formula for filtering records is invalid: "
        try:
            ast = _parse_formula(text)
        except formula.FormulaError as exc:
            raise ApiError(422, "INVALID_FILTER_BY_FORMULA", prefix + str(exc)) from exc
        unknown = [name for name in formula.field_names(ast) if table.field(name) is None]
        if unknown:
            message = prefix + "Unknown field names: " + ", ".join(unknown)
            raise ApiError(422, "INVALID_FILTER_BY_FORMULA", message)
        return ast

    def _record_json(self, table: Table, record: Record, output: OutputFormat) -> dict[str, Any]:
        view = RecordView(table, record, self._now())
        cells: dict[str, Any] = {}
        for target in output.fields if output.fields is not None else table.fields:
            value = view.stored(target)
            if value is None or value == [] or value == "":
                continue  # Airtable leaves empty cells out
            if output.cell_format == "string":
                value = render_string(target, value, output.time_zone)
            cells[target.id if output.by_field_id else target.name] = value
        out: dict[str, Any] = {"id": record.id, "createdTime": iso(record.created), "fields": cells}
        if output.comment_count:
            out["commentCount"] = 0
        return out

    # -- single record ----------------------------------------------------------------------------

    def _get(self, request: SandboxRequest) -> SandboxResponse:
        base, _ = self._table(request)
        record_id = request.path_params["record_id"]
        # Record ids are unique per base and Airtable finds one through any of its tables.
        for table in base.tables:
            record = table.records.get(record_id)
            if record is not None:
                query = _query_from_params(request.query)
                return SandboxResponse.json(
                    200, self._record_json(table, record, self._output_format(table, query))
                )
        raise record_not_found()

    def _record_in(self, table: Table, record_id: str) -> Record:
        record = table.records.get(record_id)
        if record is None:
            raise record_not_found()
        return record

    # -- writing ----------------------------------------------------------------------------------

    def _cells(self, table: Table, fields: Any, ctx: WriteContext) -> dict[str, Any]:
        """Field id -> value to store, for a ``fields`` object of a write."""
        if not isinstance(fields, dict):
            raise invalid_request()
        cells: dict[str, Any] = {}
        for key, value in fields.items():
            target = table.field(key)
            if target is None:
                raise unknown_field(key)
            cells[target.id] = coerce_cell(target, value, ctx)
        return cells

    def _new_record(
        self, table: Table, cells: dict[str, Any], created: float | None = None
    ) -> Record:
        now = self._now() if created is None else created
        record = Record(new_id("rec", self.rng), now, table.next_number)
        table.next_number += 1
        for field_id, value in cells.items():
            if value is not None:
                record.cells[field_id] = value
                record.modified[field_id] = now
        table.records[record.id] = record
        return record

    def _apply(self, table: Table, record: Record, cells: dict[str, Any], replace: bool) -> None:
        """PATCH (merge) or PUT (replace) ``cells`` into ``record``; only real changes count."""
        now = self._now()
        if replace:
            cells = {**{f.id: None for f in table.fields if not f.computed}, **cells}
        for field_id, value in cells.items():
            if record.cells.get(field_id) == value:
                continue
            if value is None:
                record.cells.pop(field_id, None)
            else:
                record.cells[field_id] = value
            record.modified[field_id] = now

    def _output_for_write(self, body: dict[str, Any]) -> OutputFormat:
        return OutputFormat(by_field_id=_bool_param(body.get("returnFieldsByFieldId", False)))

    def _create(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        body = self._write_body(request)
        ctx = WriteContext(typecast=_bool_param(body.get("typecast", False)))
        output = self._output_for_write(body)
        if "records" in body:
            items = self._batch(body["records"], create=True)
            planned = [self._cells(table, item.get("fields", {}), ctx) for item in items]
            ctx.commit(self.rng)
            records = [self._new_record(table, cells) for cells in planned]
            payload = {"records": [self._record_json(table, r, output) for r in records]}
            return SandboxResponse.json(200, payload)
        if "fields" not in body:
            raise missing_field("fields")
        cells = self._cells(table, body["fields"], ctx)
        ctx.commit(self.rng)
        record = self._new_record(table, cells)
        return SandboxResponse.json(200, self._record_json(table, record, output))

    def _batch(self, items: Any, create: bool) -> list[dict[str, Any]]:
        """The ``records`` array of a batch write, checked for shape and the limit of 10."""
        if not isinstance(items, list) or not items:
            raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
        if len(items) > self.MAX_BATCH:
            if create:
                message = (
                    f"A maximum of {self.MAX_BATCH} records can be created per request but you "
                    f"have provided {len(items)}."
                )
                raise ApiError(422, "INVALID_RECORDS", message)
            raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
        allowed = {"fields"} if create else {"id", "fields"}
        for item in items:
            if not isinstance(item, dict) or set(item) - allowed:
                raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
            if not isinstance(item.get("fields", {}), dict):
                raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
        return items

    def _update_one(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        body = self._write_body(request)
        record = self._record_in(table, request.path_params["record_id"])
        if "fields" not in body:
            raise missing_field("fields")
        ctx = WriteContext(typecast=_bool_param(body.get("typecast", False)))
        cells = self._cells(table, body["fields"], ctx)
        ctx.commit(self.rng)
        self._apply(table, record, cells, replace=request.method == "PUT")
        return SandboxResponse.json(
            200, self._record_json(table, record, self._output_for_write(body))
        )

    def _update_many(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        body = self._write_body(request)
        if "records" not in body:
            raise missing_field("records")
        items = self._batch(body["records"], create=False)
        ctx = WriteContext(typecast=_bool_param(body.get("typecast", False)))
        replace = request.method == "PUT"
        if body.get("performUpsert") is not None:
            return self._upsert(table, items, body, ctx, replace)
        plan: list[tuple[Record, dict[str, Any]]] = []
        for item in items:
            record_id = item.get("id")
            if not isinstance(record_id, str):
                raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
            record = table.records.get(record_id)
            if record is None:
                raise row_missing(record_id)
            plan.append((record, self._cells(table, item.get("fields", {}), ctx)))
        ctx.commit(self.rng)
        for record, cells in plan:
            self._apply(table, record, cells, replace)
        output = self._output_for_write(body)
        payload = {"records": [self._record_json(table, r, output) for r, _ in plan]}
        return SandboxResponse.json(200, payload)

    def _upsert(
        self,
        table: Table,
        items: list[dict[str, Any]],
        body: dict[str, Any],
        ctx: WriteContext,
        replace: bool,
    ) -> SandboxResponse:
        merge_ids = self._merge_fields(table, body["performUpsert"])
        plan = _UpsertPlan(table, merge_ids)
        for index, item in enumerate(items):
            cells = self._cells(table, item.get("fields", {}), ctx)
            record_id = item.get("id")
            if record_id is not None:
                if not isinstance(record_id, str) or record_id not in table.records:
                    raise row_missing(str(record_id))
                plan.update(table.records[record_id], cells)
            else:
                plan.match(index, cells)
        ctx.commit(self.rng)
        return SandboxResponse.json(200, self._run_upsert(table, plan, replace, body))

    def _merge_fields(self, table: Table, perform: Any) -> list[str]:
        merge_on = perform.get("fieldsToMergeOn") if isinstance(perform, dict) else None
        if not isinstance(merge_on, list) or not 1 <= len(merge_on) <= 3:
            raise invalid_request()
        ids = []
        for name in merge_on:
            target = table.field(name) if isinstance(name, str) else None
            if target is None:
                raise unknown_field(str(name))
            if target.computed:
                raise invalid_request(
                    f'Field "{target.name}" is computed and cannot be used in fieldsToMergeOn'
                )
            ids.append(target.id)
        return ids

    def _run_upsert(
        self, table: Table, plan: _UpsertPlan, replace: bool, body: dict[str, Any]
    ) -> dict[str, Any]:
        created: list[str] = []
        updated: list[str] = []
        results: list[Record] = []
        made: dict[int, Record] = {}  # planned-create slot -> the record it became
        for step in plan.steps:
            if step.create_slot is not None and step.create_slot not in made:
                record = self._new_record(table, step.cells)
                made[step.create_slot] = record
                created.append(record.id)
            else:
                record = step.record if step.record is not None else made[step.create_slot or 0]
                self._apply(table, record, step.cells, replace)
                if record.id not in updated and record.id not in created:
                    updated.append(record.id)
            results.append(record)
        output = self._output_for_write(body)
        return {
            "records": [self._record_json(table, r, output) for r in results],
            "createdRecords": created,
            "updatedRecords": updated,
        }

    def _delete_one(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        record = self._record_in(table, request.path_params["record_id"])
        del table.records[record.id]
        return SandboxResponse.json(200, {"id": record.id, "deleted": True})

    def _delete_many(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        ids = request.query.get("records[]", []) + request.query.get("records", [])
        if not ids or len(ids) > self.MAX_BATCH:
            raise ApiError(422, "INVALID_RECORDS", BATCH_MESSAGE)
        for record_id in ids:
            if record_id not in table.records:
                raise row_missing(record_id)
        for record_id in ids:
            table.records.pop(record_id, None)
        return SandboxResponse.json(200, {"records": [{"id": i, "deleted": True} for i in ids]})

    # -- metadata -------------------------------------------------------------------------------

    def _whoami(self, request: SandboxRequest) -> SandboxResponse:
        scopes = [
            "data.records:read",
            "data.records:write",
            "schema.bases:read",
            "schema.bases:write",
        ]
        return SandboxResponse.json(200, {"id": WHOAMI_USER_ID, "scopes": scopes})

    def _list_bases(self, request: SandboxRequest) -> SandboxResponse:
        bases = [
            {"id": b.id, "name": b.name, "permissionLevel": "create"} for b in self.bases.values()
        ]
        return SandboxResponse.json(200, {"bases": bases})

    def _base_schema(self, request: SandboxRequest) -> SandboxResponse:
        base = self._base(request.path_params["base_id"])
        include = request.query.get("include", []) + request.query.get("include[]", [])
        visible = "visibleFieldIds" in include
        return SandboxResponse.json(200, {"tables": [t.schema(visible) for t in base.tables]})

    def _create_field(self, request: SandboxRequest) -> SandboxResponse:
        _, table = self._table(request)
        body = self._body(request)
        name, field_type = body.get("name"), body.get("type")
        if not isinstance(name, str) or not name.strip() or not isinstance(field_type, str):
            raise invalid_request()
        if table.field(name) is not None:
            raise ApiError(
                422, "DUPLICATE_OR_EMPTY_FIELD_NAME", f'Field name "{name}" already exists'
            )
        if field_type in ("formula", "lastModifiedTime"):
            raise invalid_request(f"Creating {field_type} fields through the API is not supported")
        target = self._make_field(table, {**body, "id": None})
        table.fields.append(target)
        return SandboxResponse.json(200, target.schema())

    # -- seeding ----------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.bases.clear()
            self.iterators.clear()
            self.tokens = {DEFAULT_TOKEN}

    def seed(self, body: Any) -> Any:
        """Create a base from ``{"name", "tables": [...]}`` (see DESIGN.md); returns its ids."""
        with self.lock:
            if not isinstance(body, dict) or not isinstance(body.get("name"), str):
                raise ValueError('an Airtable base needs a "name"')
            tables_spec = body.get("tables")
            if not isinstance(tables_spec, list) or not tables_spec:
                raise ValueError('an Airtable base needs a non-empty "tables" list')
            base = Base(_given_id(body, "app") or new_id("app", self.rng), body["name"], [])
            for spec in tables_spec:
                base.tables.append(self._seed_table(base, spec))
            self.bases[base.id] = base
            return {"id": base.id, "tables": [{"id": t.id, "name": t.name} for t in base.tables]}

    def _seed_table(self, base: Base, spec: Any) -> Table:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ValueError('every table needs a "name"')
        if base.table(spec["name"]) is not None:
            raise ValueError(f"duplicate table name {spec['name']!r}")
        fields_spec = spec.get("fields")
        if not isinstance(fields_spec, list) or not fields_spec:
            raise ValueError(f'table {spec["name"]!r} needs a non-empty "fields" list')
        table = Table(_given_id(spec, "tbl") or new_id("tbl", self.rng), spec["name"], [], [])
        table.description = spec.get("description")
        for field_spec in fields_spec:
            if not isinstance(field_spec, dict):
                raise ValueError("every field must be an object")
            if table.field(str(field_spec.get("name"))) is not None:
                raise ValueError(f"duplicate field name {field_spec.get('name')!r}")
            table.fields.append(self._make_field(table, field_spec))
        for target in table.fields:
            _link_field(table, target)
        table.views = self._seed_views(table, spec.get("views") or [])
        for item in spec.get("records") or []:
            self._seed_record(table, item)
        return table

    def _make_field(self, table: Table, spec: dict[str, Any]) -> Field:
        name, field_type = spec.get("name"), spec.get("type")
        if not isinstance(name, str) or not name or not isinstance(field_type, str):
            raise ValueError('every field needs a "name" and a "type"')
        options = default_options(field_type)
        if isinstance(spec.get("options"), dict):
            options = {**(options or {}), **spec["options"]}
        target = Field(_given_id(spec, "fld") or new_id("fld", self.rng), name, field_type, options)
        target.description = spec.get("description")
        if field_type in ("singleSelect", "multipleSelects"):
            self._seed_choices(target)
        return target

    def _seed_choices(self, target: Field) -> None:
        given = list((target.options or {}).get("choices") or [])
        target.options = {**(target.options or {}), "choices": []}
        for choice in given:
            if isinstance(choice, str):
                target.add_choice(choice, self.rng)
            elif isinstance(choice, dict) and isinstance(choice.get("name"), str):
                target.choices().append(
                    {
                        "id": choice.get("id") or new_id("sel", self.rng),
                        "name": choice["name"],
                        "color": choice.get("color", "blueLight2"),
                    }
                )
            else:
                raise ValueError(f"bad choice {choice!r} for field {target.name!r}")

    def _seed_views(self, table: Table, specs: list[Any]) -> list[View]:
        views = [self._make_view(table, spec) for spec in specs]
        if not any(v.name == "Grid view" for v in views):
            views.insert(0, View(new_id("viw", self.rng), "Grid view", "grid"))
        return views

    def _make_view(self, table: Table, spec: Any) -> View:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ValueError('every view needs a "name"')
        view = View(
            _given_id(spec, "viw") or new_id("viw", self.rng),
            spec["name"],
            spec.get("type", "grid"),
        )
        if spec.get("filterByFormula"):
            try:
                view.filter = self._filter(table, spec["filterByFormula"])
            except ApiError as exc:
                raise ValueError(f"view {spec['name']!r}: {exc.message}") from exc
        for entry in spec.get("sort") or []:
            if isinstance(entry, str):
                entry = {
                    "field": entry.lstrip("-"),
                    "direction": "desc" if entry.startswith("-") else "asc",
                }
            name, direction = _sort_entry(entry)
            if table.field(name) is None:
                raise ValueError(f"view {spec['name']!r} sorts by unknown field {name!r}")
            view.sort.append((name, direction))
        return view

    def _seed_record(self, table: Table, item: Any) -> None:
        if not isinstance(item, dict):
            raise ValueError("every seeded record must be an object")
        wrapped = (
            "fields" in item
            and isinstance(item["fields"], dict)
            and set(item) <= {"id", "fields", "createdTime"}
        )
        fields = item["fields"] if wrapped else item
        cells = self._seed_cells(table, fields)
        created = None
        if wrapped and item.get("createdTime"):
            parsed = formula.parse_datetime(str(item["createdTime"]))
            if parsed is None:
                raise ValueError(f"bad createdTime {item['createdTime']!r}")
            created = parsed.timestamp()
        record = self._new_record(table, cells, created)
        if wrapped and item.get("id"):
            if item["id"] in table.records:
                raise ValueError(f"duplicate record id {item['id']!r}")
            del table.records[record.id]
            record.id = str(item["id"])
            table.records[record.id] = record

    def _seed_cells(self, table: Table, fields: dict[str, Any]) -> dict[str, Any]:
        """Seeded values are typecast like an import, but a value typecast would drop is an
        error: seed data that silently loses cells hides mistakes in tests and the demo."""
        ctx = WriteContext(typecast=True)
        try:
            cells = self._cells(table, fields, ctx)
        except ApiError as exc:
            raise ValueError(f"table {table.name!r}: {exc.message}") from exc
        for key, value in fields.items():
            target = table.require_field(key)
            unchecked = target.type == "checkbox"  # "no" typecasts to an empty checkbox
            if cells[target.id] is None and value not in (None, "", [], False) and not unchecked:
                raise ValueError(
                    f"table {table.name!r}: field {target.name!r} cannot hold {value!r}"
                )
        ctx.commit(self.rng)
        return cells

    def inspect(self, object_id: str) -> Any:
        """The whole state of one base: schema, records, computed values and modified times."""
        with self.lock:
            base = self.bases.get(object_id)
            if base is None:
                raise LookupError(f"airtable has no base {object_id}")
            return {
                "id": base.id,
                "name": base.name,
                "tables": [self._dump_table(t) for t in base.tables],
            }

    def _dump_table(self, table: Table) -> dict[str, Any]:
        out = table.schema(with_visible_fields=True)
        now = self._now()
        records = []
        for record in table.records.values():
            view = RecordView(table, record, now)
            names = {f.id: f.name for f in table.fields}
            records.append(
                {
                    **self._record_json(table, record, OutputFormat()),
                    "lastModifiedTime": iso(view.last_modified([]) or record.created),
                    "fieldModifiedTimes": {
                        names.get(k, k): iso(v) for k, v in sorted(record.modified.items())
                    },
                }
            )
        out["records"] = records
        return out


# -- upsert planning -------------------------------------------------------------------------------


@dataclass
class _Step:
    cells: dict[str, Any]
    record: Record | None = None  # an existing record to update
    create_slot: int | None = None  # or a record this request creates


class _UpsertPlan:
    """Decides, before anything changes, what each record of an upsert request does.

    A record with an id updates that record. Otherwise its ``fieldsToMergeOn`` values are
    looked up among the table's records and the records created earlier in the same request:
    no match creates, one match updates, more than one fails the whole request.
    """

    def __init__(self, table: Table, merge_ids: list[str]) -> None:
        self.table = table
        self.merge_ids = merge_ids
        self.steps: list[_Step] = []
        self.pending: dict[int, dict[str, Any]] = {}  # slot -> cells the new record will hold

    def update(self, record: Record, cells: dict[str, Any]) -> None:
        self.steps.append(_Step(cells, record=record))

    def match(self, index: int, cells: dict[str, Any]) -> None:
        missing = [f for f in self.merge_ids if f not in cells]
        if missing:
            names = ", ".join(self.table.require_field(f).name for f in missing)
            raise ApiError(
                422,
                "INVALID_RECORDS",
                f"records[{index}] is missing fieldsToMergeOn fields: {names}",
            )
        key = [cells[f] for f in self.merge_ids]
        existing = [
            r
            for r in self.table.records.values()
            if [r.cells.get(f) for f in self.merge_ids] == key
        ]
        planned = [s for s, c in self.pending.items() if [c.get(f) for f in self.merge_ids] == key]
        if len(existing) + len(planned) > 1:
            raise ApiError(
                422,
                "INVALID_RECORDS",
                f"records[{index}] matches more than one record on fieldsToMergeOn; upsert needs a unique match",
            )
        if existing:
            self.steps.append(_Step(cells, record=existing[0]))
        elif planned:
            self.pending[planned[0]].update(cells)
            self.steps.append(_Step(cells, create_slot=planned[0]))
        else:
            slot = len(self.pending)
            self.pending[slot] = dict(cells)
            self.steps.append(_Step(cells, create_slot=slot))


# -- seeding helpers -------------------------------------------------------------------------------


def _given_id(spec: dict[str, Any], prefix: str) -> str | None:
    """An id named in a seeding body; any non-empty string is taken as given."""
    value = spec.get("id")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"a {prefix} id must be a string")
    return value


def _link_field(table: Table, target: Field) -> None:
    """Resolve field references of computed fields once every field of the table exists."""
    options = target.options or {}
    if target.type == "lastModifiedTime":
        refs = options.get("referencedFieldIds") or []
        options["referencedFieldIds"] = [_field_id(table, name, target) for name in refs]
    if target.type == "formula":
        text = options.get("formula")
        if not isinstance(text, str):
            raise ValueError(f"formula field {target.name!r} needs options.formula")
        try:
            target.ast = formula.parse(text)
        except formula.FormulaError as exc:
            raise ValueError(f"formula field {target.name!r}: {exc}") from exc
        names = formula.field_names(target.ast)
        options["referencedFieldIds"] = [_field_id(table, name, target) for name in names]


def _field_id(table: Table, name: str, owner: Field) -> str:
    found = table.field(name)
    if found is None:
        raise ValueError(f"field {owner.name!r} refers to unknown field {name!r}")
    return found.id

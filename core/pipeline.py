"""One row through the pure stages: normalize -> validate -> protect -> tag -> Customer.

``map`` (headers -> canonical fields) happens in the connectors (``core.mapping``) and
``dedupe`` works on whole tables (``core.dedupe``); everything in between is here, with no
I/O. A row that cannot become a clean :class:`~core.models.Customer` is quarantined: its
outcome has ``customer=None`` and at least one ERROR issue saying why, in words a sales admin
understands. Nothing is dropped or changed silently: a value that cannot be read is an
issue, a masked number is a WARNING issue.

Usage::

    options = PipelineOptions(quality=config.quality, tagging=config.tagging)
    counts = PipelineCounts()
    for outcome in process_rows(rows, options):
        counts.add(outcome)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.fields import FIELD_BY_NAME
from core.issues import Issue, Severity
from core.models import Customer
from core.normalize import RowNormalizer
from core.protect import SCANNED_TYPES, protect
from core.settings import QualitySettings, TagRule
from core.tag import CompiledRule, compile_rules
from core.validate import required_fields, validate

__all__ = [
    "PipelineCounts",
    "PipelineOptions",
    "RowOutcome",
    "SourceRow",
    "build_customer",
    "process_row",
    "process_rows",
]


@dataclass(frozen=True)
class SourceRow:
    """One row as a connector read it, already mapped to canonical field names."""

    table: str  # table name from config, used in messages
    row: str  # "2" (1-based sheet/file row) or a record id
    values: Mapping[str, Any]  # canonical field name -> raw cell value
    modified_at: datetime | None = None


@dataclass
class RowOutcome:
    """What became of one row: a clean customer, or ``None`` and the reasons why not."""

    source: SourceRow
    customer: Customer | None  # None when the row is quarantined
    issues: list[Issue]  # Severity.ERROR => quarantined; WARNING => kept
    masked: int = 0  # values in which sensitive numbers were found (and masked)
    added_tags: tuple[str, ...] = ()  # tags the rules added (not those people entered)

    @property
    def quarantined(self) -> bool:
        return self.customer is None

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity is Severity.ERROR]


@dataclass
class PipelineOptions:
    """Everything the stages need to know; build once per run and reuse it."""

    quality: QualitySettings = field(default_factory=QualitySettings)
    tagging: Sequence[TagRule] = ()
    timezone: str = "Asia/Shanghai"
    today: date | None = None  # for date-relative tags and date sanity; default today in timezone

    def _plan(self) -> _Plan:
        # Compiled lazily and kept on the options: building enum tables, industry lookups
        # and tag tests once per run instead of once per row is most of the speed. Options
        # are treated as immutable once rows have been processed with them.
        plan: _Plan | None = self.__dict__.get("_compiled")
        if plan is None:
            plan = _Plan(self)
            self.__dict__["_compiled"] = plan
        return plan


@dataclass
class PipelineCounts:
    """Run counters for reports and the run record."""

    rows: int = 0
    clean: int = 0  # rows that became a customer (possibly with warnings)
    quarantined: int = 0
    masked_sensitive: int = 0  # values in which sensitive numbers were masked
    tagged: int = 0  # rows to which the rules added at least one tag
    warned: int = 0  # clean rows that still carry warnings
    by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: RowOutcome) -> None:
        self.rows += 1
        if outcome.quarantined:
            self.quarantined += 1
        else:
            self.clean += 1
            if outcome.issues:
                self.warned += 1
        self.masked_sensitive += outcome.masked
        if outcome.added_tags:
            self.tagged += 1
        for issue in outcome.issues:
            self.by_reason[issue.reason] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "clean": self.clean,
            "quarantined": self.quarantined,
            "masked_sensitive": self.masked_sensitive,
            "tagged": self.tagged,
            "warned": self.warned,
            "by_reason": dict(self.by_reason.most_common()),
        }


# -- building the customer ---------------------------------------------------------------------

_CUSTOMER_FIELDS = frozenset(Customer.model_fields)
_CUSTOMER_DEFAULTS = {
    name: info.get_default(call_default_factory=True)
    for name, info in Customer.model_fields.items()
}
_set = object.__setattr__


def build_customer(values: Mapping[str, Any], *, trusted: bool = True) -> Customer:
    """A ``Customer`` from pipeline-normalized ``values``.

    With ``trusted`` (the pipeline's own output) the model is assembled without running
    pydantic's validators again: every value already has its final type and form (stripped
    text, sorted unique tags, aware datetimes, Decimal in fen), and re-validating 35 fields
    would cost more than the rest of the pipeline together. ``tests/quality`` checks, over
    generated rows, that the result equals what full validation gives. Anything else goes
    through ``Customer.model_validate``.
    """
    if not trusted or not values.keys() <= _CUSTOMER_FIELDS:
        return Customer.model_validate(dict(values))
    data = {**_CUSTOMER_DEFAULTS, **values}
    customer = Customer.__new__(Customer)
    _set(customer, "__dict__", data)
    _set(customer, "__pydantic_fields_set__", set(values))
    _set(customer, "__pydantic_extra__", None)
    _set(customer, "__pydantic_private__", None)
    return customer


# -- the compiled plan -------------------------------------------------------------------------

_SCANNED = tuple(spec.name for spec in FIELD_BY_NAME.values() if spec.type in SCANNED_TYPES)


class _Plan:
    """Everything derived from the options that does not change from row to row."""

    def __init__(self, options: PipelineOptions) -> None:
        self.options = options
        self.quality = options.quality
        self.normalize = RowNormalizer(options.quality, options.timezone)
        self.required = required_fields(options.quality)
        self.rules: tuple[CompiledRule, ...] = compile_rules(
            options.tagging, self.normalize.enum_tables
        )
        # The rules' tests inlined into the row loop: one call per test, none per rule.
        self.rule_tests = tuple((rule.tag, rule.tests) for rule in self.rules)
        self.choices = {name: table.choices for name, table in self.normalize.enum_tables.items()}
        self.zone = ZoneInfo(options.timezone)

    def today(self) -> date:
        return self.options.today or datetime.now(self.zone).date()


def process_row(row: SourceRow, options: PipelineOptions) -> RowOutcome:
    """normalize -> validate -> protect -> tag, for one row. Never raises on bad data.

    ``ConfigError`` is raised (on first use of ``options``) only for a configuration that
    cannot work: unknown fields in rules or ``required``, aliases pointing at no choice,
    bad regexes.
    """
    plan = options._plan()
    try:
        return _process(row, plan)
    except Exception as exc:  # pragma: no cover - a safety net for bugs, not a code path
        # One unreadable row must not stop a nightly run: quarantine it and say so. The
        # message names the error type only, never the row's values.
        reason = f"此行无法处理(程序内部错误 {type(exc).__name__}),已隔离,请联系管理员"
        return RowOutcome(row, None, [Issue(row.table, row.row, "", "", reason)])


def _process(row: SourceRow, plan: _Plan) -> RowOutcome:
    table, row_id = row.table, row.row
    normalized = plan.normalize(row.values)
    values = normalized.values
    today = plan.today()
    issues = validate(
        values,
        normalized.problems,
        quality=plan.quality,
        today=today,
        table=table,
        row=row_id,
        required=plan.required,
        choices=plan.choices,
        unknown=normalized.unknown,
        raw=row.values,
    )
    guarded = protect(
        values, policy=plan.quality.sensitive, table=table, row=row_id, fields=_SCANNED
    )
    values = guarded.values
    issues.extend(guarded.issues)
    masked = guarded.masked

    # Most rows have no issue at all: skip building the generator for them.
    if issues and any(issue.severity is Severity.ERROR for issue in issues):
        return RowOutcome(row, None, issues, masked)

    # tag: rule tags on top of the tags people entered
    added: tuple[str, ...] = ()
    if plan.rules:
        get = values.get
        new_tags = []
        for tag, tests in plan.rule_tests:
            for key, check in tests:
                if not check(get(key), today):
                    break
            else:
                new_tags.append(tag)
        if new_tags:
            manual = get("tags") or ()
            added = tuple(tag for tag in dict.fromkeys(new_tags) if tag not in manual)
            values["tags"] = tuple(sorted({*manual, *new_tags}))

    try:
        customer = build_customer(values)
    except ValidationError as exc:  # pragma: no cover - the stages produce valid values
        issues.append(Issue(table, row_id, "", "", f"数据无法保存:{exc.errors()[0]['msg']}"))
        return RowOutcome(row, None, issues, masked)
    return RowOutcome(row, customer, issues, masked, added)


def process_rows(rows: Iterable[SourceRow], options: PipelineOptions) -> Iterator[RowOutcome]:
    """:func:`process_row` over ``rows``, lazily, in order."""
    for row in rows:
        yield process_row(row, options)

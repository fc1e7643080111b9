"""Rows through the pure stages: normalize -> validate -> protect -> tag -> Customer.

``map`` (headers -> canonical fields) happens in the connectors (``core.mapping``) and
``dedupe`` works on whole tables (``core.dedupe``); everything in between is here, with no
I/O. A row that cannot become a clean :class:`~core.models.Customer` is quarantined: its
outcome has ``customer=None`` and at least one ERROR issue saying why, in words a sales admin
understands. Nothing is dropped or changed silently: a value that cannot be read is an
issue, a masked number is a WARNING issue.

Rows are worked through in batches, column by column: each distinct cell's effect (its
normalized value, the issues it raises, a masked number) is worked out once by
``core.effects`` and reused; only required fields, rule tags and the order of issues are per
row. The outcomes are those of ``normalize``, ``validate`` and ``protect`` applied to each
row in turn (``tests/quality/test_pipeline_batches.py``).

Usage::

    options = PipelineOptions(quality=config.quality, tagging=config.tagging)
    counts = PipelineCounts()
    for outcome in process_rows(rows, options):
        counts.add(outcome)
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice, repeat
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.effects import BY_COLUMN, Effect, EffectTable, Flagged, Note, Stage
from core.issues import Issue, Severity
from core.models import Customer
from core.normalize import RowNormalizer
from core.settings import QualitySettings, TagRule
from core.tag import Check, CompiledRule, compile_rules
from core.validate import REASON_REQUIRED, date_bounds, required_fields

__all__ = [
    "PipelineCounts",
    "PipelineOptions",
    "RowOutcome",
    "SourceRow",
    "build_customer",
    "process_row",
    "process_rows",
]


class SourceRow(NamedTuple):
    """One row as a connector read it, already mapped to canonical field names.

    (A named tuple: connectors make one per row, and it is several times cheaper to create
    than a frozen dataclass.)
    """

    table: str  # table name from config, used in messages
    row: str  # "2" (1-based sheet/file row) or a record id
    values: Mapping[str, Any]  # canonical field name -> raw cell value
    modified_at: datetime | None = None


class RowOutcome(NamedTuple):
    """What became of one row: a clean customer, or ``None`` and the reasons why not.

    (A named tuple, like :class:`SourceRow`: one is made per row.)
    """

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
    return _assembled(values)


def _assembled(values: Mapping[str, Any]) -> Customer:
    """:func:`build_customer` for values whose keys are known to be Customer fields (the
    pipeline's: only dictionary fields and the parts derived from them)."""
    data = {**_CUSTOMER_DEFAULTS, **values}
    customer = Customer.__new__(Customer)
    _set(customer, "__dict__", data)
    _set(customer, "__pydantic_fields_set__", set(values))
    _set(customer, "__pydantic_extra__", None)
    _set(customer, "__pydantic_private__", None)
    return customer


# -- the compiled plan -------------------------------------------------------------------------

#: Rows worked through together: columns of this many cells are looked up at once. Small
#: enough that results stream (an import reports progress as it goes) and memory stays flat.
BATCH_ROWS = 512


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
        # The rules' tests inlined into the row loop, each with its answers by value: a test
        # reads one value, and rules test dropdowns, amounts and dates, which repeat.
        self.rule_tests: tuple[tuple[str, tuple[tuple[str, Check, dict[Any, bool]], ...]], ...]
        self.rule_tests = tuple(
            (rule.tag, tuple((key, check, {}) for key, check in rule.tests)) for rule in self.rules
        )
        self._tests_day: date | None = None
        # Rules with a tag of their own (the usual case) add no tag twice: no need to dedupe.
        self.distinct_tags = len({rule.tag for rule in self.rules}) == len(self.rules)
        self.choices = {name: table.choices for name, table in self.normalize.enum_tables.items()}
        self.zone = ZoneInfo(options.timezone)
        self._effects: EffectTable | None = None

    def today(self) -> date:
        return self.options.today or datetime.now(self.zone).date()

    def effects(self, today: date) -> EffectTable:
        """The cell effects for ``today``'s sane years (kept until the year changes)."""
        years = date_bounds(self.quality, today)
        effects = self._effects
        if effects is None or effects.years != years:
            effects = self._effects = EffectTable(
                self.normalize, choices=self.choices, policy=self.quality.sensitive, years=years
            )
        return effects

    def run(self, rows: Sequence[SourceRow]) -> list[RowOutcome]:
        """Outcomes of ``rows``, in order: cells looked up column by column, rows assembled."""
        today = self.today()
        effects = self.effects(today)
        # Rows of one table nearly always have the same columns; sparse records (Airtable
        # leaves empty fields out) form a few groups.
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, row in enumerate(rows):
            groups.setdefault(tuple(row.values), []).append(index)
        outcomes: list[RowOutcome | None] = [None] * len(rows)
        for names, indexes in groups.items():
            group = rows if len(groups) == 1 else [rows[index] for index in indexes]
            columns = [
                effects.column(name, cells)
                for name, cells in zip(
                    names, zip(*[row.values.values() for row in group], strict=True), strict=True
                )
            ]
            flagged: set[int] = set()
            for column in columns:
                kinds = list(map(type, column))
                if Flagged in kinds:  # a few cells at most: found by the list's own search
                    at = kinds.index(Flagged)
                    while True:
                        flagged.add(at)
                        try:
                            at = kinds.index(Flagged, at + 1)
                        except ValueError:
                            break
            cells_of_rows = zip(*columns, strict=True) if columns else repeat((), len(group))
            required, rules = self.required, self.rules
            for position, (row, cells) in enumerate(zip(group, cells_of_rows, strict=True)):
                # (a comprehension: dict() of an iterable of pairs is twice as slow)
                values = {key: value for cell in cells for key, value in cell}
                outcome = None
                if position not in flagged:
                    get = values.get
                    for name in required:
                        value = get(name)
                        if value is None or value == "" or value == ():
                            break
                    else:  # a clean row, the commonest case
                        added = self._tag(values, today) if rules else ()
                        outcome = RowOutcome(row, _assembled(values), [], 0, added)
                if outcome is None:
                    outcome = self._assemble(row, cells, values, today)
                outcomes[indexes[position]] = outcome
        return outcomes  # type: ignore[return-value]  # every row has its outcome

    def _assemble(
        self, row: SourceRow, cells: Sequence[Effect], values: dict[str, Any], today: date
    ) -> RowOutcome:
        """A row with issues: its notes in the order the staged checks report them."""
        notes: list[tuple[int, int, Note]] = []
        failed: set[str] = set()
        masked = 0
        for position, effect in enumerate(cells):
            if type(effect) is Flagged:
                masked += effect.masked
                for note in effect.notes:
                    if note.stage is Stage.PROBLEM:
                        failed.add(note.field)
                    notes.append(
                        (note.stage, position if note.rank == BY_COLUMN else note.rank, note)
                    )
        get = values.get
        for rank, name in enumerate(self.required):
            value = get(name)
            if (value is None or value == "" or value == ()) and name not in failed:
                note = Note(Stage.REQUIRED, rank, name, "", REASON_REQUIRED)
                notes.append((Stage.REQUIRED, rank, note))
        notes.sort(key=lambda item: (item[0], item[1]))
        table, row_id = row.table, row.row
        issues = [
            Issue(table, row_id, note.field, note.value, note.reason, note.severity)
            for _, _, note in notes
        ]
        if any(issue.severity is Severity.ERROR for issue in issues):
            return RowOutcome(row, None, issues, masked)
        added = self._tag(values, today) if self.rules else ()
        try:
            customer = build_customer(values)
        except ValidationError as exc:  # pragma: no cover - the stages produce valid values
            issues.append(Issue(table, row_id, "", "", f"数据无法保存:{exc.errors()[0]['msg']}"))
            return RowOutcome(row, None, issues, masked)
        return RowOutcome(row, customer, issues, masked, added)

    def _forget_answers(self, today: date) -> None:
        """Rule tests answer anew on another day (overdue, within_days ...)."""
        for _, tests in self.rule_tests:
            for _, _, answers in tests:
                answers.clear()
        self._tests_day = today

    def _tag(self, values: dict[str, Any], today: date) -> tuple[str, ...]:
        """Adds the rules' tags to ``values``; returns those that were not there yet."""
        if today != self._tests_day:
            self._forget_answers(today)
        get = values.get
        new_tags = []
        for tag, tests in self.rule_tests:
            for key, check, answers in tests:
                value = get(key)
                try:
                    passed = answers.get(value, _UNSEEN)
                except TypeError:  # an unhashable value: asked every time
                    passed = check(value, today)
                if passed is _UNSEEN:
                    passed = check(value, today)
                    if len(answers) < _ANSWERS_KEPT:
                        answers[value] = passed
                if not passed:
                    break
            else:
                new_tags.append(tag)
        if not new_tags:
            return ()
        manual = get("tags")
        if not manual:
            added = tuple(new_tags) if self.distinct_tags else tuple(dict.fromkeys(new_tags))
            values["tags"] = tuple(sorted(added))
            return added
        values["tags"] = tuple(sorted({*manual, *new_tags}))
        return tuple([tag for tag in dict.fromkeys(new_tags) if tag not in manual])


_UNSEEN = object()
#: Answers kept per rule test (values of one field: a few hundred distinct ones at most,
#: unless the rule tests a field whose values never repeat).
_ANSWERS_KEPT = 4096


def _broken_row(row: SourceRow, exc: Exception) -> RowOutcome:
    # One unreadable row must not stop a nightly run: quarantine it and say so. The message
    # names the error type only, never the row's values.
    reason = f"此行无法处理(程序内部错误 {type(exc).__name__}),已隔离,请联系管理员"
    return RowOutcome(row, None, [Issue(row.table, row.row, "", "", reason)])


def _run_safely(plan: _Plan, rows: Sequence[SourceRow]) -> list[RowOutcome]:
    # The cyclic garbage collector is held off while a batch is worked through. A batch
    # allocates tens of thousands of short-lived tuples and dicts, which reference counting
    # frees; none of them form cycles. Left on, the collector would walk them, and every
    # live object of the process (the caller's rows included), dozens of times per batch
    # for nothing: about a fifth of the pipeline's time (bench/pipeline.py). It runs as
    # usual between batches; a collector someone else switched off stays off.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return plan.run(rows)
    except Exception as exc:  # pragma: no cover - a safety net for bugs, not a code path
        if len(rows) == 1:
            return [_broken_row(rows[0], exc)]
        # Find the row that breaks: the others go on as usual.
        return [outcome for row in rows for outcome in _run_safely(plan, [row])]
    finally:
        if paused:
            gc.enable()


def process_row(row: SourceRow, options: PipelineOptions) -> RowOutcome:
    """normalize -> validate -> protect -> tag, for one row. Never raises on bad data.

    ``ConfigError`` is raised (on first use of ``options``) only for a configuration that
    cannot work: unknown fields in rules or ``required``, aliases pointing at no choice,
    bad regexes. A bug met in a row quarantines that row with a message naming the error
    type, never the row's values.
    """
    return _run_safely(options._plan(), [row])[0]


def process_rows(rows: Iterable[SourceRow], options: PipelineOptions) -> Iterator[RowOutcome]:
    """:func:`process_row` over ``rows``, lazily and in order.

    Rows are read :data:`BATCH_ROWS` at a time and worked through column by column (the
    outcomes are the same as row by row, only faster); each batch's outcomes are yielded
    as soon as it is done.
    """
    plan = options._plan()
    rows = iter(rows)
    while batch := list(islice(rows, BATCH_ROWS)):
        yield from _run_safely(plan, batch)

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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice, repeat
from operator import and_, itemgetter, mul, or_
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from core.effects import (
    BY_COLUMN,
    NOTHING,
    Effect,
    EffectTable,
    Flagged,
    Note,
    Stage,
    positions,
)
from core.fields import FIELDS
from core.issues import Issue, Severity
from core.models import Customer
from core.normalize import RowNormalizer, spread_fields
from core.rowdicts import row_builder
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


@dataclass(slots=True)
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
        # (Called once per row: the outcome's fields are read once each, and a row without
        # issues, nearly every one, skips the reasons.)
        self.rows += 1
        issues = outcome.issues
        if outcome.customer is None:
            self.quarantined += 1
        else:
            self.clean += 1
            if issues:
                self.warned += 1
        if outcome.masked:
            self.masked_sensitive += outcome.masked
        if outcome.added_tags:
            self.tagged += 1
        if issues:
            by_reason = self.by_reason
            for issue in issues:
                by_reason[issue.reason] += 1

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
# The model's own slots, set straight through their descriptors (a little cheaper per row
# than looking each name up through object.__setattr__).
_new_customer = Customer.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
#: What an empty cell leaves in a field: its default, None for the fields a customer needs
#: (a row without them is never built). Rules test None and () alike: "no value".
_STAND_IN_VALUES = {
    name: None if default is PydanticUndefined else default
    for name, default in _CUSTOMER_DEFAULTS.items()
}


#: One row's values, in Customer field order, as the dict a Customer holds.
_customer_row = row_builder(_CUSTOMER_DEFAULTS)
#: RowOutcome's own constructor without its Python-level __new__ (one per clean row).
_new_outcome = tuple.__new__
_stage_and_rank = itemgetter(0, 1)


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
    customer = _new_customer(Customer)
    _set_dict(customer, {**_CUSTOMER_DEFAULTS, **values})
    _set_fields(customer, set(values))
    _set_extra(customer, None)
    _set_private(customer, None)
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
        self.required_set = frozenset(self.required)
        #: The fields each dictionary field fills in (an address: its divisions too), and
        #: what stands in for an empty or flagged cell of it when rows are laid out.
        self.fields_of: dict[str, tuple[str, ...]] = {}
        for spec in FIELDS:
            found = self.normalize.normalizer_of(spec.name)
            if found is not None:
                self.fields_of[spec.name] = spread_fields(spec.name, found[1])
        self.stand_ins: dict[str, Effect] = {
            name: tuple((field_name, _STAND_IN_VALUES[field_name]) for field_name in fields)
            for name, fields in self.fields_of.items()
        }
        self.rules: tuple[CompiledRule, ...] = compile_rules(
            options.tagging, self.normalize.enum_tables
        )
        # The rules' tests, each with its answers by value: a test reads one value, and
        # rules test dropdowns, amounts and dates, which repeat.
        self.rule_tests: tuple[tuple[str, tuple[tuple[str, Check, dict[Any, bool]], ...]], ...]
        self.rule_tests = tuple(
            (rule.tag, tuple((key, check, {}) for key, check in rule.tests)) for rule in self.rules
        )
        self._tests_day: date | None = None
        self.rule_tags = tuple(rule.tag for rule in self.rules)
        #: (tags people entered, rules that passed) -> (the row's tags, the tags added)
        self._merges: dict[tuple[tuple[str, ...], int], tuple[tuple[str, ...], tuple[str, ...]]]
        self._merges = {}
        #: One bit per dictionary field, and the fields a row sets by which of them it
        #: filled in (a few patterns across all tables: remembered).
        self.field_bits = {name: 1 << bit for bit, name in enumerate(self.fields_of)}
        self._fields_sets: dict[int, set[str]] = {}
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
        if today != self._tests_day:
            self._forget_answers(today)
        # Rows of one table nearly always have the same columns; sparse records (Airtable
        # leaves empty fields out) form a few groups.
        groups: dict[tuple[str, ...], list[int]] = {}
        last_names: tuple[str, ...] | None = None
        last_group: list[int] = []
        for index, row in enumerate(rows):
            names = tuple(row.values)
            # The same names as the row before (usually the very same string objects, so
            # comparing is cheap): no need to hash them.
            if names != last_names:
                last_names, last_group = names, groups.setdefault(names, [])
            last_group.append(index)
        outcomes: list[RowOutcome | None] = [None] * len(rows)
        for names, indexes in groups.items():
            group = rows if len(groups) == 1 else [rows[index] for index in indexes]
            looked_up = [
                effects.column(name, cells)
                for name, cells in zip(
                    names, zip(*[row.values.values() for row in group], strict=True), strict=True
                )
            ]
            columns = [effects_ for effects_, _ in looked_up]
            flagged = [at for _, at in looked_up]
            self._group(names, group, columns, flagged, today, outcomes, indexes)
        return outcomes  # type: ignore[return-value]  # every row has its outcome

    def _group(
        self,
        names: tuple[str, ...],
        group: Sequence[SourceRow],
        columns: list[list[Effect]],
        flagged_at: list[list[int]],
        today: date,
        outcomes: list[RowOutcome | None],
        indexes: Sequence[int],
    ) -> None:
        """Outcomes of rows sharing their columns, put at ``outcomes[indexes[position]]``
        for the row at ``position`` in ``group``.

        Clean rows (no cell with an issue, every required field filled: nearly all) are
        laid out column by column: each column's effects become a list of values per field,
        rules are tested a column at a time, and a row's dict is then made from the
        columns. The other rows are assembled one by one (:meth:`_assemble`).
        ``flagged_at`` holds, per column, where its Flagged effects are.
        """
        size = len(group)
        careful: set[int] = set()  # rows with an issue somewhere: assembled one by one
        flagged_in: defaultdict[int, list[int]] = defaultdict(list)  # row -> its columns
        # Per row, the dictionary fields whose cells were empty, one bit per field (the
        # fields a row sets follow from those filled in: see _fields_set).
        empty_bits = [0] * size
        filled_bits = 0  # the dictionary fields among the columns
        values_of: dict[str, list[Any]] = {}  # field -> its value in each row
        required = self.required_set
        field_bits = self.field_bits
        for at_column, (name, column, flagged) in enumerate(
            zip(names, columns, flagged_at, strict=True)
        ):
            fields = self.fields_of.get(name)
            if fields is None:  # not a customer field: every row carries a warning
                for at in range(size):
                    flagged_in[at].append(at_column)
                continue
            bit = field_bits[name]
            filled_bits |= bit
            empty = positions(column, NOTHING)  # (an empty Flagged too: it is flagged)
            if flagged or empty:
                for at in flagged:
                    flagged_in[at].append(at_column)
                if name in required:
                    careful.update(empty)
                # Empty and flagged cells stand in with the fields' defaults, so that every
                # effect of the column has the same fields.
                column = column.copy()
                stand_in = self.stand_ins[name]
                for at in flagged:
                    column[at] = stand_in
                for at in empty:
                    column[at] = stand_in
                    empty_bits[at] |= bit
            for at, field_name in enumerate(fields):
                values_of[field_name] = [effect[at][1] for effect in column]
            values = values_of[name]
            if name in required and ("" in values or () in values or None in values):
                # (stand-ins hold None or (): those rows are careful already)
                for blank in ("", (), None):
                    careful.update(positions(values, blank))
        careful.update(flagged_in)
        for name in required:
            if name not in values_of:  # no such column: every row lacks it
                careful.update(range(size))
        masks = self._rule_masks(values_of, size, today) if self.rules else None
        manual_tags = values_of.get("tags")

        # Each row's dict of values in Customer field order, made from the columns; fields
        # with no column keep their defaults. (repeat() never ends: with no column at all,
        # islice stops it.)
        rows_data = islice(
            map(
                _customer_row,
                *[
                    values_of[name] if name in values_of else repeat(default)
                    for name, default in _CUSTOMER_DEFAULTS.items()
                ],
            ),
            size,
        )
        merges = self._merges
        fields_set_of = self._fields_set
        for position, data in enumerate(rows_data):
            if position in careful:
                continue
            fields_set = fields_set_of(filled_bits ^ empty_bits[position]).copy()
            added: tuple[str, ...] = ()
            if masks is not None and masks[position]:
                manual = () if manual_tags is None else manual_tags[position]
                merged = merges.get((manual, masks[position]))
                if merged is None:
                    merged = self._merged_tags(manual, masks[position])
                data["tags"], added = merged
                fields_set.add("tags")
            customer = _new_customer(Customer)
            _set_dict(customer, data)
            _set_fields(customer, fields_set)
            _set_extra(customer, None)
            _set_private(customer, None)
            outcomes[indexes[position]] = _new_outcome(
                RowOutcome, (group[position], customer, [], 0, added)
            )
        required_cells = [
            (name, names.index(name) if name in names else None) for name in self.required
        ]
        for position in sorted(careful):
            cells = list(map(itemgetter(position), columns))
            flagged_cells = [(at, cells[at]) for at in flagged_in.get(position, ())]
            outcomes[indexes[position]] = self._assemble(
                group[position], cells, flagged_cells, required_cells, today
            )

    def _fields_set(self, filled: int) -> set[str]:
        """The fields a row sets when the dictionary fields in bits ``filled`` are filled
        in: each one's own and those derived from it. (The caller copies it.)"""
        fields_set = self._fields_sets.get(filled)
        if fields_set is None:
            if len(self._fields_sets) >= _ANSWERS_KEPT:  # (bounded, however sparse the tables)
                self._fields_sets.clear()
            fields_set = self._fields_sets[filled] = {
                field_name
                for name, bit in self.field_bits.items()
                if filled & bit
                for field_name in self.fields_of[name]
            }
        return fields_set

    def _rule_masks(self, values_of: Mapping[str, list[Any]], size: int, today: date) -> list[int]:
        """Per row, one bit per rule whose tests all pass; each test is asked once per
        distinct value (and remembers its answers for later batches)."""
        masks = [0] * size
        for bit, (_, tests) in enumerate(self.rule_tests):
            passing: list[bool] | None = None
            for key, check, answers in tests:
                values = values_of.get(key)
                if values is None:  # no column fills it in: the same answer for every row
                    if check(_STAND_IN_VALUES.get(key), today):
                        continue
                    passing = [False] * size
                    break
                answered = _answers(values, check, answers, today)
                passing = answered if passing is None else list(map(and_, passing, answered))
                if True not in passing:
                    break
            if passing is None:  # every test read a field no column fills in, and passed
                passing = [True] * size
            if True in passing:
                masks = list(map(or_, masks, map(mul, passing, repeat(1 << bit))))
        return masks

    def _assemble(
        self,
        row: SourceRow,
        cells: Sequence[Effect],
        flagged: Sequence[tuple[int, Effect]],
        required_cells: Sequence[tuple[str, int | None]],
        today: date,
    ) -> RowOutcome:
        """A row with issues: its notes in the order the staged checks report them.

        ``cells`` are the effects of the row's cells, ``flagged`` those with issues and their
        columns' positions, ``required_cells`` each required field's column (None: none).
        """
        notes: list[tuple[int, int, Note]] = []
        failed: set[str] = set()
        masked = 0
        for position, effect in flagged:
            assert type(effect) is Flagged
            masked += effect.masked
            for note in effect.notes:
                if note.stage is Stage.PROBLEM:
                    failed.add(note.field)
                notes.append((note.stage, position if note.rank == BY_COLUMN else note.rank, note))
        for rank, (name, at) in enumerate(required_cells):
            value = None
            if at is not None:
                for key, item in cells[at]:
                    if key == name:
                        value = item
                        break
            if (value is None or value == "" or value == ()) and name not in failed:
                note = Note(Stage.REQUIRED, rank, name, "", REASON_REQUIRED)
                notes.append((Stage.REQUIRED, rank, note))
        notes.sort(key=_stage_and_rank)
        table, row_id = row.table, row.row
        issues = [
            Issue(table, row_id, note.field, note.value, note.reason, note.severity)
            for _, _, note in notes
        ]
        for issue in issues:
            if issue.severity is Severity.ERROR:
                return RowOutcome(row, None, issues, masked)
        # Only warnings: the row becomes a customer with what its cells hold.
        values = {key: value for cell in cells for key, value in cell}
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
        """Adds the rules' tags to one row's ``values``; returns those that were not there
        yet. (A one-row layout for :meth:`_rule_masks`: a field the row lacks stands in as
        it does for a column a table lacks.)"""
        [mask] = self._rule_masks({key: [value] for key, value in values.items()}, 1, today)
        if not mask:
            return ()
        values["tags"], added = self._merged_tags(values.get("tags") or (), mask)
        return added

    def _merged_tags(
        self, manual: tuple[str, ...], mask: int
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The tags of a row whose people entered ``manual`` and whose rules in ``mask``
        passed, and the tags that adds (in rule order); rows repeat both, so remembered."""
        key = (manual, mask)
        merged = self._merges.get(key)
        if merged is None:
            new_tags = [tag for bit, tag in enumerate(self.rule_tags) if mask >> bit & 1]
            added = tuple([tag for tag in dict.fromkeys(new_tags) if tag not in manual])
            merged = (tuple(sorted({*manual, *new_tags})), added)
            if len(self._merges) < _ANSWERS_KEPT:
                self._merges[key] = merged
        return merged


_UNSEEN = object()
#: Answers kept per rule test (values of one field: a few hundred distinct ones at most,
#: unless the rule tests a field whose values never repeat).
_ANSWERS_KEPT = 4096


def _answers(values: list[Any], check: Check, answers: dict[Any, bool], today: date) -> list[bool]:
    """``check``'s answer for each of ``values``, asked once per value not yet answered."""
    try:
        answered: list[Any] = list(map(answers.get, values, repeat(_UNSEEN)))
    except TypeError:  # an unhashable value: every value asked
        return [check(value, today) for value in values]
    for at in positions(answered, _UNSEEN):
        value = values[at]
        passed = answers.get(value, _UNSEEN)
        if passed is _UNSEEN:
            passed = check(value, today)
            if len(answers) < _ANSWERS_KEPT:
                answers[value] = passed
        answered[at] = passed
    return answered


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

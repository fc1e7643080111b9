"""Cell effects: everything the pipeline does to one cell, worked out once per distinct value.

Normalizing a cell, the per-value checks of validate (date bounds, dropdown membership) and
the sensitive-number scan of protect depend only on the field, the raw value and the run's
settings, never on the rest of the row. Tables repeat their values endlessly (dropdowns,
owners, dates, amounts, stock phrases in notes), so the pipeline works out a cell's *effect*
once per field and distinct value and applies it to every row holding that value; looking a
whole column of cells up is one ``map`` over a dict.

An effect is a tuple of ``(field, value)`` pairs the cell puts into the row: its normalized
value and the parts derived from it (province / city / district of an address, the date of
a dated plan), empty for an empty cell. A cell that raises an issue has a :class:`Flagged`
effect: the pairs it still contributes (a masked value, or nothing when it could not be
read), the issues without their table and row (:class:`Note`), and whether a number was
masked. What depends on the whole row (required fields) and the order of a row's issues are
the pipeline's (``core.pipeline``); the staged functions ``normalize``, ``validate`` and
``protect`` give the same values and issues, and ``tests/quality`` checks that they do.

Memory stays bounded: each field remembers up to :data:`CACHE_CHECK` values, then either
starts over (values repeat: dropdowns) or stops remembering (nearly every value new: phones,
addresses, timestamps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from enum import IntEnum
from functools import partial
from typing import Any, Literal, NamedTuple

from core.fields import FIELDS, FieldType
from core.issues import Severity
from core.normalize import Normalizer, RowNormalizer, Spread, spread_fields
from core.normalize.address import common_addresses
from core.normalize.dates import PLAN_TASK_AT, plain_dates, plain_datetimes, plain_plans, zone
from core.normalize.ids import common_ids
from core.normalize.phones import common_phones
from core.normalize.text import clean_emails, clean_lines
from core.protect import (
    DIGIT_RUN,
    SCANNED_FIELDS,
    masked_value,
    safe_excerpt,
    scan_value,
    sensitive_finding,
)
from core.validate import DATE_FIELDS, REASON_UNKNOWN_FIELD, bounds_reason, choice_reason

__all__ = ["NOTHING", "EffectTable", "Flagged", "Note", "Stage", "positions"]

Pair = tuple[str, Any]
Effect = tuple[Pair, ...]


class Stage(IntEnum):
    """Where an issue comes from; a row's issues are reported in this order, as running
    ``validate`` and then ``protect`` on the row reports them."""

    PROBLEM = 0  # the value could not be read (normalize)
    REQUIRED = 1  # a required field is empty (validate)
    BOUNDS = 2  # a date outside the sane years (validate)
    CHOICE = 3  # not one of a dropdown's options (validate)
    UNKNOWN = 4  # a column that is not a customer field (validate)
    SENSITIVE = 5  # an ID / bank card / passport number was found (protect)


#: Rank of a note that is ordered by its column's position in the row.
BY_COLUMN = -1


class Note(NamedTuple):
    """An issue of one cell, before the table and row are known."""

    stage: Stage
    rank: int  # order within the stage: the field's place in that check, or BY_COLUMN
    field: str
    value: str  # already an excerpt, masked
    reason: str
    severity: Severity = Severity.ERROR


class Flagged(tuple[Pair, ...]):
    """The effect of a cell with issues: the pairs it still contributes, and its notes."""

    notes: tuple[Note, ...]
    masked: int  # 1 when a sensitive number in it was masked

    def __new__(cls, pairs: Sequence[Pair], notes: Sequence[Note], masked: int = 0) -> Flagged:
        self = super().__new__(cls, pairs)
        self.notes = tuple(notes)
        self.masked = masked
        return self


#: The effect of an empty cell.
NOTHING: Effect = ()

#: Distinct values remembered per field before its memo is reviewed: a field whose values
#: rarely repeat stops being remembered, one whose values repeat starts over (bounded memory
#: on huge tables, high hit rates on dropdown values, owners and dates).
CACHE_CHECK = 16384

#: Marks the memo keys of typed values (see :func:`cache_key`), so that a tuple written into
#: a cell can never be mistaken for one.
_TYPED = object()


def cache_key(raw: Any) -> Any:
    """The key ``raw``'s result is cached under, or ``None`` when it is not cached.

    Text is its own key. Integers, dates and non-zero floats (Excel serials, Feishu
    timestamps, amounts typed as numbers) repeat as much as text does; they are keyed with
    their type, because 1 == 1.0 == True and ``date`` == ``datetime`` rules would otherwise
    share results between values that normalize differently. Equal values of one of these
    types are the same value, except 0.0 and -0.0, which are left out. Anything else (lists,
    dicts, Decimals whose exponent matters, datetimes with a fold or a zone) is not cached.
    """
    kind = type(raw)
    if kind is str:
        return raw
    if kind is int or kind is date or (kind is float and raw != 0.0):
        return (kind, raw)
    return None


_digit_run = DIGIT_RUN.search
_DATE_RANK = {name: rank for rank, name in enumerate(DATE_FIELDS)}
_SCANNED_RANK = {name: rank for rank, name in enumerate(SCANNED_FIELDS)}


@dataclass(slots=True)
class _Field:
    name: str
    normalizer: Normalizer
    spread: Spread | None
    choices: tuple[str, ...] | None
    choice_rank: int
    scanned_rank: int | None  # None: not scanned for sensitive numbers
    dated: bool  # whether its value (or one derived from it) is a date to check
    memo: dict[Any, Effect] | None  # raw -> effect, for effects without issues
    #: The clean cells of a column read at once (see core.normalize.text.clean_lines).
    fast_form: Callable[[Sequence[Any]], list[Any]] | None = None
    seen: int = 0  # cells looked up since the memo (re)started
    #: raw text -> its effect with issues (kept apart from ``memo``: see EffectTable.column)
    flagged: dict[str, Flagged] = dataclass_field(default_factory=dict)
    shape: int = 0  # _PLAIN, _TEXT, _DATE, _PLAN or _OTHER, set by __post_init__
    date_name: str = ""  # a dated text's date field, set by __post_init__

    def __post_init__(self) -> None:
        simple = self.spread is None and self.choices is None
        if self.spread is not None and self.dated:
            self.shape = _PLAN  # a dated text: its label and its date
            self.date_name = spread_fields(self.name, self.spread)[1]
        elif simple and self.scanned_rank is None and not self.dated:
            self.shape = _PLAIN  # a readable value is all there is to it
        elif simple and not self.dated:
            self.shape = _TEXT  # only scanned for sensitive numbers
        elif simple and self.scanned_rank is None:
            self.shape = _DATE  # only its year checked
        else:
            self.shape = _OTHER


_PLAIN, _TEXT, _DATE, _PLAN, _OTHER = 0, 1, 2, 3, 4

#: Kinds of values that rarely repeat from row to row: not remembered at all.
_UNIQUE_KINDS = frozenset(
    {FieldType.PHONE, FieldType.EMAIL, FieldType.ADDRESS, FieldType.DATETIME, FieldType.ID}
)


class EffectTable:
    """Effects of cells under one configuration and one range of sane years.

    Args:
        normalize: the run's normalizers (built from its quality settings).
        choices: allowed values per dropdown field, in the order validate checks them.
        policy: what protect does with a sensitive number (``mask`` or ``quarantine``).
        years: the first and last sane year of a date.
    """

    def __init__(
        self,
        normalize: RowNormalizer,
        *,
        choices: Mapping[str, tuple[str, ...]],
        policy: Literal["mask", "quarantine"],
        years: tuple[int, int],
    ) -> None:
        self.policy = policy
        self.years = years
        self._bounds_reason = bounds_reason(*years)
        choice_ranks = {name: rank for rank, name in enumerate(choices)}
        fast_forms: dict[FieldType, Callable[[Sequence[Any]], list[Any]]] = {
            FieldType.TEXT: clean_lines,
            FieldType.EMAIL: clean_emails,
            FieldType.PHONE: common_phones,
            FieldType.DATE: plain_dates,
            FieldType.DATED_TEXT: plain_plans,
            FieldType.DATETIME: partial(plain_datetimes, tz=zone(normalize.timezone)),
            FieldType.ID: common_ids,
            FieldType.ADDRESS: common_addresses,
        }
        self._fields: dict[str, _Field] = {}
        for spec in FIELDS:
            found = normalize.normalizer_of(spec.name)
            if found is None:  # pragma: no cover - every dictionary field has a normalizer
                continue
            normalizer, spread = found
            self._fields[spec.name] = _Field(
                spec.name,
                normalizer,
                spread,
                choices.get(spec.name),
                choice_ranks.get(spec.name, 0),
                _SCANNED_RANK.get(spec.name),
                spec.name in _DATE_RANK or f"{spec.name}_date" in _DATE_RANK,
                None if spec.type in _UNIQUE_KINDS else _fresh_memo(),
                fast_forms.get(spec.type),
            )
        self._unknown: dict[str, Flagged] = {}
        self._derived: dict[tuple[Any, ...], tuple[Pair, ...]] = {}

    def column(self, name: str, cells: Sequence[Any]) -> tuple[list[Effect], list[int]]:
        """The effects of a column of field ``name``'s raw cells, in order, and where the
        :class:`Flagged` ones are.

        A field's memo holds the effects without issues, which nearly every cell has, so
        one lookup of the column finds them; a cell with issues is looked up on its own
        (in ``field.flagged``), which is how its position is known without a pass over
        every effect.
        """
        field = self._fields.get(name)
        if field is None:
            return [self._unknown_column(name)] * len(cells), list(range(len(cells)))
        memo = field.memo
        effects: list[Effect | None]
        if memo is not None:
            field.seen += len(cells)
            try:
                effects = list(map(memo.get, cells))
            except TypeError:  # an unhashable cell (a list of options): one by one below
                effects = [None] * len(cells)
            if field.fast_form is not None and None in effects:
                missing = [index for index, effect in enumerate(effects) if effect is None]
                found = self._fast(field, [cells[index] for index in missing])
                for index, effect in zip(missing, found, strict=True):
                    if effect is not None:
                        effects[index] = effect
                        cell = cells[index]
                        if type(cell) is str:  # (other cells are remembered by a typed key)
                            memo[cell] = effect
        elif field.fast_form is not None:
            effects = self._fast(field, cells)  # (a fast form's effects have no issues)
        else:
            effects = [None] * len(cells)
        flagged: list[int] = []
        if None in effects:
            compute, lookup = self._compute, self._lookup
            for index in positions(effects, None):
                raw = cells[index]
                if type(raw) is not str:
                    effect = lookup(field, raw)
                elif memo is None:
                    effect = compute(field, raw) if raw else NOTHING
                else:  # not remembered when the column was looked up, maybe since
                    effect = memo.get(raw)
                    if effect is None:
                        effect = field.flagged.get(raw)
                    if effect is None:
                        effect = compute(field, raw)
                        if type(effect) is Flagged:
                            field.flagged[raw] = effect
                        else:
                            memo[raw] = effect
                effects[index] = effect
                if type(effect) is Flagged:
                    flagged.append(index)
        if memo is not None and len(memo) + len(field.flagged) >= CACHE_CHECK:
            self._review(field)
        return effects, flagged  # type: ignore[return-value]  # every None was replaced

    def _fast(self, field: _Field, cells: Sequence[Any]) -> list[Effect | None]:
        """Effects of the cells the field's fast form reads (None for the others), each the
        same as :meth:`_compute` would give."""
        assert field.fast_form is not None
        name = field.name
        values = field.fast_form(cells)
        shape = field.shape
        if shape == _PLAIN:
            return [None if value is None else ((name, value),) for value in values]
        if shape == _TEXT:
            run = _digit_run  # a value with a 4-digit run is scanned by _compute
            return [
                None if value is None or run(value) is not None else ((name, value),)
                for value in values
            ]
        if shape == _DATE:
            first, last = self.years
            return [
                None if value is None or not first <= value.year <= last else ((name, value),)
                for value in values
            ]
        if shape == _PLAN:
            # "YYYY-MM-DD:事项" and its date; a number in the task is scanned by _compute.
            first, last = self.years
            date_name = field.date_name
            return [
                None
                if value is None
                or _digit_run(value[0], PLAN_TASK_AT) is not None
                or not first <= value[1].year <= last
                else ((name, value[0]), (date_name, value[1]))
                for value in values
            ]
        # An address: its value and the divisions derived from it.
        spread = field.spread
        assert spread is not None and field.choices is None and not field.dated
        out: list[Effect | None] = []
        derived = self._derived  # (province, city, district) -> their pairs: a few hundred
        for value in values:
            if value is None or _digit_run(value[0]) is not None:
                out.append(None)  # (a number in the address is scanned by _compute)
                continue
            divisions = value[1:]
            pairs = derived.get(divisions)
            if pairs is None:
                pairs = derived[divisions] = tuple(spread(name, value)[1:])
            out.append(((name, value[0]), *pairs))
        return out

    def _unknown_column(self, name: str) -> Flagged:
        flagged = self._unknown.get(name)
        if flagged is None:
            note = Note(Stage.UNKNOWN, BY_COLUMN, name, "", REASON_UNKNOWN_FIELD, Severity.WARNING)
            flagged = self._unknown[name] = Flagged((), (note,))
        return flagged

    def _lookup(self, field: _Field, raw: Any) -> Effect:
        """The effect of a cell that is not text (text cells are handled in :meth:`column`)."""
        if raw is None or raw == "":
            return NOTHING
        typed = cache_key(raw)
        key = None if typed is None else (_TYPED, typed)
        memo = field.memo
        if memo is None or key is None:
            return self._compute(field, raw)
        effect = memo.get(key)
        if effect is None:
            effect = memo[key] = self._compute(field, raw)
        return effect

    def _compute(self, field: _Field, raw: Any) -> Effect:
        name = field.name
        value, problem = field.normalizer(raw)
        if problem is not None:
            return Flagged((), (Note(Stage.PROBLEM, BY_COLUMN, name, safe_excerpt(raw), problem),))
        if value is None:
            return NOTHING
        shape = field.shape
        if shape == _PLAIN or (shape == _TEXT and type(value) is str and _digit_run(value) is None):
            return ((name, value),)
        if (
            shape == _DATE
            and isinstance(value, date)
            and self.years[0] <= value.year <= self.years[1]
        ):
            return ((name, value),)
        pairs = [(name, value)] if field.spread is None else field.spread(name, value)
        notes: list[Note] = []
        if field.dated:
            first, last = self.years
            for key, item in pairs:
                rank = _DATE_RANK.get(key)
                if rank is not None and isinstance(item, date) and not first <= item.year <= last:
                    # The issue names the field the date was read from and quotes the cell.
                    notes.append(
                        Note(Stage.BOUNDS, rank, name, safe_excerpt(raw), self._bounds_reason)
                    )
        options = field.choices
        if options is not None and value not in options:
            reason = choice_reason(options)
            notes.append(Note(Stage.CHOICE, field.choice_rank, name, safe_excerpt(value), reason))
        masked = 0
        rank = field.scanned_rank
        item = pairs[0][1]  # the field's own value comes first
        if (
            rank is not None
            and item is not None
            and not (type(item) is str and _digit_run(item) is None)
        ):
            new, kinds = scan_value(item)
            if kinds:
                reason, severity = sensitive_finding(kinds, self.policy)
                notes.append(Note(Stage.SENSITIVE, rank, name, safe_excerpt(new), reason, severity))
                pairs[0] = (name, masked_value(name, new))
                masked = 1
        if notes:
            return Flagged(pairs, notes, masked)
        return tuple(pairs)

    def _review(self, field: _Field) -> None:
        """A field's memo is full: keep remembering if values repeat, else stop for it.

        Fewer than two lookups per remembered value since the memo (re)started means most
        lookups missed: values of this field rarely repeat (phones, addresses, timestamps),
        and remembering them would only cost time and memory.
        """
        remembered = len(field.flagged) + (0 if field.memo is None else len(field.memo))
        field.flagged = {}
        if field.seen < remembered * 2:
            field.memo = None
            return
        field.memo = _fresh_memo()
        field.seen = 0


def positions(items: list[Any], item: Any) -> list[int]:
    """Where ``item`` is in ``items``, found by the list's own search: when hits are a
    minority, visiting only them is cheaper than a Python loop over every item."""
    found: list[int] = []
    try:
        at = items.index(item)
        while True:
            found.append(at)
            at = items.index(item, at + 1)
    except ValueError:
        return found


def _fresh_memo() -> dict[Any, Effect]:
    # Empty cells are looked up like any other value, and found at once.
    return {"": NOTHING, None: NOTHING}

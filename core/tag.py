"""The ``tag`` stage: configured rules add tags; tags people entered are kept.

A rule (``core.settings.TagRule``) adds its tag when every condition in ``when`` holds. Rules
read the normalized values (so ``level: 重点客户`` matches a cell that said ``A类``) and are
evaluated independently of each other: a tag added by one rule does not trigger another.

Field keys may be canonical names (``demand_type``) or any header the dictionary knows
(``需求类型``, ``来源渠道``), plus the derived ``province`` / ``city`` / ``district`` /
``next_follow_up_date``. Operators:

* ``equals`` / ``not_equals`` / ``in``: same value, ignoring case and width; an expected value
  for a dropdown field goes through the field's synonyms (``level: A`` means 重点客户); on a
  list field (tags, phone) any element may match;
* ``contains``: substring, ignoring case and width; ``regex``: ``re.search``;
* ``gt`` / ``gte`` / ``lt`` / ``lte``: numbers (amounts);
* ``empty``: the field has no value (``true``) or has one (``false``);
* ``overdue`` / ``within_days`` / ``older_than_days``: dates, relative to ``today``; on
  下次跟进计划 they read its date.

A condition on a field without a value is false (except ``empty: true`` and ``not_equals``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import ConfigError
from core.fields import FIELD_BY_NAME, FieldType, field_for_header
from core.models import DERIVED_FIELDS
from core.normalize.base import NUMBER_TYPES
from core.normalize.enums import EnumTable, build_enum_table, fold_key
from core.normalize.text import clean_tag
from core.settings import TagCondition, TagRule

Check = Callable[[Any, date], bool]


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its field names resolved and its tests prepared."""

    tag: str
    #: (the value each test reads, the test): a date test on 下次跟进计划 reads
    #: ``next_follow_up_date``, every other test the field itself.
    tests: tuple[tuple[str, Check], ...]

    def matches(self, values: Mapping[str, Any], today: date) -> bool:
        get = values.get
        for key, check in self.tests:  # noqa: SIM110 - a plain loop is faster than all(genexpr)
            if not check(get(key), today):
                return False
        return True


_DATE_TYPES = (datetime, date)


def _resolve_field(key: str) -> str:
    if key in FIELD_BY_NAME or key in DERIVED_FIELDS:
        return key
    name = field_for_header(key)
    if name is None:
        raise ConfigError(f"tagging: unknown field {key!r} in a rule's 'when'")
    return name


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == ()


def _items(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


_TEXT_KEYS: dict[str, str] = {}


def _text_key(value: Any) -> str:
    """How values are compared: case, width and spaces ignored (cached for strings)."""
    if type(value) is str:
        key = _TEXT_KEYS.get(value)
        if key is None:
            if len(_TEXT_KEYS) > 100_000:
                _TEXT_KEYS.clear()
            key = _TEXT_KEYS[value] = fold_key(value)
        return key
    if isinstance(value, _DATE_TYPES):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return fold_key(str(value))


def _number(value: Any) -> Decimal | None:
    if type(value) is Decimal:
        # Amounts arrive as Decimals already; Decimal(str(d)) would only rebuild an equal
        # copy of ``d``.
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, NUMBER_TYPES):
        return Decimal(str(value))
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _dated(check: Check) -> Check:
    check.uses_date = True  # type: ignore[attr-defined]
    return check


def _expected_keys(expected: Iterable[Any], table: EnumTable | None) -> frozenset[str]:
    keys = set()
    for item in expected:
        if table is not None:
            normalized = table.normalize(item)
            if normalized.value is not None:
                item = normalized.value
        keys.add(_text_key(item))
    return frozenset(keys)


def _member_check(keys: frozenset[str]) -> Check:
    """``equals`` / ``in``: the value (or, for tags and phones, any element) is one of
    ``keys``, compared by :func:`_text_key`."""

    def member(v: Any, _t: date) -> bool:
        if type(v) is str:
            return _text_key(v) in keys
        return not _is_empty(v) and any(_text_key(i) in keys for i in _items(v))

    return member


def _compile_condition(
    name: str, condition: TagCondition, table: EnumTable | None
) -> tuple[Check, ...]:
    checks: list[Check] = []
    given = condition.model_fields_set

    if "empty" in given and condition.empty is not None:
        want_empty = condition.empty
        checks.append(lambda v, _t: _is_empty(v) == want_empty)
    if "equals" in given:
        keys = _expected_keys([condition.equals], table)
        checks.append(_member_check(keys))
    if "not_equals" in given:
        keys = _expected_keys([condition.not_equals], table)
        checks.append(
            lambda v, _t: _is_empty(v) or all(_text_key(i) not in keys for i in _items(v))
        )
    if condition.in_ is not None:
        keys = _expected_keys(condition.in_, table)
        checks.append(_member_check(keys))
    if condition.contains is not None:
        needle = fold_key(condition.contains)

        def contains(v: Any, _t: date) -> bool:
            if type(v) is str:
                return needle in _text_key(v)
            return not _is_empty(v) and any(needle in _text_key(i) for i in _items(v))

        checks.append(contains)
    if condition.regex is not None:
        try:
            pattern = re.compile(condition.regex)
        except re.error as exc:
            raise ConfigError(f"tagging: bad regex {condition.regex!r} for {name}: {exc}") from None
        checks.append(
            lambda v, _t: not _is_empty(v) and any(pattern.search(str(i)) for i in _items(v))
        )
    for op, bound in (
        ("gt", condition.gt),
        ("gte", condition.gte),
        ("lt", condition.lt),
        ("lte", condition.lte),
    ):
        if bound is None:
            continue
        limit = Decimal(str(bound))
        compare: Callable[[Decimal, Decimal], bool] = {
            "gt": Decimal.__gt__,
            "gte": Decimal.__ge__,
            "lt": Decimal.__lt__,
            "lte": Decimal.__le__,
        }[op]

        def numeric(v: Any, _t: date, compare: Any = compare, limit: Decimal = limit) -> bool:
            number = _number(v)
            return number is not None and bool(compare(number, limit))

        checks.append(numeric)
    if condition.overdue is not None:
        want = condition.overdue

        def overdue(v: Any, today: date) -> bool:
            day = _day(v)
            return day is not None and (day < today) == want

        checks.append(_dated(overdue))
    if condition.within_days is not None:
        days = condition.within_days

        def within(v: Any, today: date) -> bool:
            day = _day(v)
            if day is None:
                return False
            end = today + timedelta(days=days)
            return today <= day <= end if days >= 0 else end <= day <= today

        checks.append(_dated(within))
    if condition.older_than_days is not None:
        age = condition.older_than_days

        def older(v: Any, today: date) -> bool:
            day = _day(v)
            return day is not None and day < today - timedelta(days=age)

        checks.append(_dated(older))
    return tuple(checks)


def compile_rules(
    rules: Sequence[TagRule], enum_tables: Mapping[str, EnumTable] | None = None
) -> tuple[CompiledRule, ...]:
    """Resolve field names and prepare every test once; ``ConfigError`` on unknown fields,
    bad regexes or empty tags."""
    compiled = []
    for rule in rules:
        tag = clean_tag(rule.tag)
        if not tag:
            raise ConfigError(f"tagging: rule tag {rule.tag!r} is empty after cleaning")
        tests: list[tuple[str, Check]] = []
        for key, condition in rule.when.items():
            name = _resolve_field(key)
            spec = FIELD_BY_NAME.get(name)
            dated = spec is not None and spec.type is FieldType.DATED_TEXT
            table = (enum_tables or {}).get(name)
            if table is None and spec is not None and spec.type is FieldType.ENUM:
                table = build_enum_table(spec)
            for check in _compile_condition(name, condition, table):
                reads = f"{name}_date" if dated and getattr(check, "uses_date", False) else name
                tests.append((reads, check))
        compiled.append(CompiledRule(tag, tuple(tests)))
    return tuple(compiled)


def rule_tags(values: Mapping[str, Any], rules: Iterable[CompiledRule], today: date) -> list[str]:
    """The tags of the rules that hold for ``values``, in rule order."""
    return [rule.tag for rule in rules if rule.matches(values, today)]


def apply_tags(
    values: Mapping[str, Any],
    rules: Sequence[TagRule] | Sequence[CompiledRule],
    today: date | None = None,
) -> tuple[str, ...]:
    """The row's tags: those entered (``values["tags"]``) plus those the rules add, as a
    sorted tuple without repeats.

    >>> from core.settings import TagRule
    >>> apply_tags({"demand_type": "采购设备"}, [TagRule(tag="设备采购", when={"需求类型": "采购设备"})])
    ('设备采购',)
    """
    compiled: Sequence[CompiledRule] = (
        compile_rules(rules)  # type: ignore[arg-type]
        if rules and not isinstance(rules[0], CompiledRule)
        else rules  # type: ignore[assignment]
    )
    manual = values.get("tags") or ()
    added = rule_tags(values, compiled, today or date.today())
    if not added:
        return tuple(manual)
    return tuple(sorted({*manual, *added}))

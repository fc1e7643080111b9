"""Queries over one table: search filters, sorts, page tokens and list's formula filter.

Search filters (api-facts.md §3.3) are ``{"conjunction": "and"|"or", "conditions": [...],
"children": [{"conjunction", "conditions"}]}``; every condition value is a list of strings. Dates
compare by calendar day in the app's time zone, as the real service filters them, with values
such as ``["ExactDate", "1702915200000"]``, ``["Today"]``, ``["Yesterday"]``, ``["Tomorrow"]``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox import feishu_errors as E
from sandbox.feishu_errors import FeishuError
from sandbox.feishu_model import Field, Record, Table
from sandbox.feishu_values import DATE_TYPES, plain

Predicate = Callable[[Record], bool]

OPERATORS = frozenset(
    {
        "is",
        "isNot",
        "contains",
        "doesNotContain",
        "isEmpty",
        "isNotEmpty",
        "isGreater",
        "isGreaterEqual",
        "isLess",
        "isLessEqual",
    }
)
#: isNot, contains, >= and <= are refused on dates by the real service (api-facts.md §3.3).
DATE_OPERATORS = frozenset({"is", "isGreater", "isLess", "isEmpty", "isNotEmpty"})
ORDER_OPERATORS = frozenset({"isGreater", "isGreaterEqual", "isLess", "isLessEqual"})
MAX_CONDITIONS = 50
MAX_VALUES = 10
MAX_SORTS = 100
MAX_FIELD_NAMES = 200
_NUMERIC_TYPES = frozenset({2, 1005})
_LIST_TYPES = frozenset({4, 11, 17, 18, 21, 23, 1003, 1004})


@dataclass(frozen=True)
class Calendar:
    """Turns ms timestamps into calendar days of the app's time zone, at the sandbox's "now"."""

    tz: tzinfo
    now_ms: int

    @classmethod
    def of(cls, time_zone: str, now_s: float) -> Calendar:
        try:
            tz: tzinfo = ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = timezone(timedelta(hours=8))  # Asia/Shanghai, the default time zone
        return cls(tz=tz, now_ms=int(now_s * 1000))

    def day(self, ms: int) -> date:
        return datetime.fromtimestamp(ms / 1000, tz=self.tz).date()

    def today(self) -> date:
        return self.day(self.now_ms)


def _invalid(detail: str) -> FeishuError:
    return FeishuError(E.INVALID_FILTER, detail)


# -- search filter -----------------------------------------------------------------------------


def compile_filter(spec: Any, table: Table, calendar: Calendar) -> Predicate:
    """A predicate for a search body's ``filter`` (``None`` or ``{}`` matches every record)."""
    if spec is None or spec == {}:
        return lambda _record: True
    if not isinstance(spec, dict):
        raise _invalid("filter must be an object")
    parts = _group_parts(spec, table, calendar)
    children = spec.get("children") or []
    if not isinstance(children, list):
        raise _invalid("children must be a list")
    for child in children:
        if not isinstance(child, dict):
            raise _invalid("a child filter must be an object")
        if child.get("children"):
            raise _invalid("children cannot nest")
        parts.append(_combine(_conjunction(child), _group_parts(child, table, calendar)))
    return _combine(_conjunction(spec), parts)


def _conjunction(spec: dict[str, Any]) -> str:
    conjunction = spec.get("conjunction", "and")
    if conjunction not in ("and", "or"):
        raise _invalid(f"conjunction must be 'and' or 'or', not {conjunction!r}")
    return str(conjunction)


def _group_parts(spec: dict[str, Any], table: Table, calendar: Calendar) -> list[Predicate]:
    conditions = spec.get("conditions") or []
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        raise _invalid(f"conditions must be a list of at most {MAX_CONDITIONS}")
    return [_condition(condition, table, calendar) for condition in conditions]


def _combine(conjunction: str, parts: list[Predicate]) -> Predicate:
    if not parts:
        return lambda _record: True
    if conjunction == "or":
        return lambda record: any(part(record) for part in parts)
    return lambda record: all(part(record) for part in parts)


def _condition(condition: Any, table: Table, calendar: Calendar) -> Predicate:
    if not isinstance(condition, dict):
        raise _invalid("a condition must be an object")
    target = table.field_named(condition.get("field_name"))
    operator = condition.get("operator")
    if operator not in OPERATORS:
        raise _invalid(f"unknown operator {operator!r}")
    values = condition.get("value") or []
    if (
        not isinstance(values, list)
        or len(values) > MAX_VALUES
        or not all(isinstance(v, str) for v in values)
    ):
        raise _invalid(f"value must be a list of at most {MAX_VALUES} strings")
    if operator == "isEmpty":
        return lambda record: plain(target, record) is None
    if operator == "isNotEmpty":
        return lambda record: plain(target, record) is not None
    if not values:
        raise _invalid(f"operator {operator} needs a value")
    if target.type in DATE_TYPES:
        return _date_condition(target, operator, values, calendar)
    if target.type in _NUMERIC_TYPES:
        return _number_condition(target, operator, values)
    if target.type == 7:
        return _checkbox_condition(target, operator, values)
    if target.type in _LIST_TYPES:
        return _list_condition(target, operator, values)
    return _text_condition(target, operator, values)


def _negate(operator: str, test: Callable[[Any], bool], target: Field) -> Predicate:
    """``is``/``contains`` test a present value; their negations also match empty cells."""
    if operator in ("isNot", "doesNotContain"):
        return lambda record: (value := plain(target, record)) is None or not test(value)
    return lambda record: (value := plain(target, record)) is not None and test(value)


def _text_condition(target: Field, operator: str, values: list[str]) -> Predicate:
    if operator in ORDER_OPERATORS:
        raise _invalid(f"operator {operator} does not apply to field {target.field_name!r}")
    if operator in ("is", "isNot"):
        return _negate(operator, lambda value: str(value) == values[0], target)
    needles = [needle.casefold() for needle in values]
    return _negate(operator, lambda value: any(n in str(value).casefold() for n in needles), target)


def _list_condition(target: Field, operator: str, values: list[str]) -> Predicate:
    if operator in ORDER_OPERATORS:
        raise _invalid(f"operator {operator} does not apply to field {target.field_name!r}")
    wanted = set(values)
    if operator in ("is", "isNot"):
        return _negate(operator, lambda value: set(value) == wanted, target)
    return _negate(operator, lambda value: bool(wanted.intersection(value)), target)


def _number_condition(target: Field, operator: str, values: list[str]) -> Predicate:
    try:
        wanted = float(values[0])
    except ValueError:
        raise _invalid(f"{values[0]!r} is not a number") from None
    tests: dict[str, Callable[[Any], bool]] = {
        "is": lambda value: float(value) == wanted,
        "isNot": lambda value: float(value) == wanted,
        "isGreater": lambda value: float(value) > wanted,
        "isGreaterEqual": lambda value: float(value) >= wanted,
        "isLess": lambda value: float(value) < wanted,
        "isLessEqual": lambda value: float(value) <= wanted,
    }
    if operator not in tests:
        raise _invalid(f"operator {operator} does not apply to field {target.field_name!r}")
    return _negate(operator, tests[operator], target)


def _checkbox_condition(target: Field, operator: str, values: list[str]) -> Predicate:
    if operator not in ("is", "isNot"):
        raise _invalid(f"operator {operator} does not apply to field {target.field_name!r}")
    wanted = values[0].strip().lower() == "true"
    matches: Predicate = lambda record: bool(plain(target, record)) == wanted  # noqa: E731
    if operator == "isNot":
        return lambda record: not matches(record)
    return matches


def _date_condition(
    target: Field, operator: str, values: list[str], calendar: Calendar
) -> Predicate:
    if operator not in DATE_OPERATORS:
        raise _invalid(f"operator {operator} does not apply to date field {target.field_name!r}")
    wanted = _date_value(values, calendar)
    tests: dict[str, Callable[[date], bool]] = {
        "is": lambda day: day == wanted,
        "isGreater": lambda day: day > wanted,
        "isLess": lambda day: day < wanted,
    }
    test = tests[operator]
    return _negate(operator, lambda value: test(calendar.day(int(value))), target)


def _date_value(values: list[str], calendar: Calendar) -> date:
    relative = {"Today": 0, "Tomorrow": 1, "Yesterday": -1}
    if values[0] in relative:
        return calendar.today() + timedelta(days=relative[values[0]])
    if values[0] == "ExactDate" and len(values) == 2:
        try:
            return calendar.day(int(values[1]))
        except ValueError:
            pass
    raise _invalid(f"unsupported date value {values!r}")


# -- sort --------------------------------------------------------------------------------------

SortKey = tuple[Field, bool]


def compile_sort(spec: Any, table: Table) -> list[SortKey]:
    """``[{"field_name", "desc"}]`` -> fields to sort by, most significant first."""
    if spec is None:
        return []
    if not isinstance(spec, list) or len(spec) > MAX_SORTS:
        raise FeishuError(E.INVALID_SORT, f"sort must be a list of at most {MAX_SORTS}")
    keys: list[SortKey] = []
    for item in spec:
        if not isinstance(item, dict):
            raise FeishuError(E.INVALID_SORT, "a sort item must be an object")
        keys.append((table.field_named(item.get("field_name")), bool(item.get("desc", False))))
    return keys


def sort_records(records: list[Record], keys: list[SortKey]) -> None:
    """Sort in place; empty cells go last in either direction, ties keep table order."""
    for target, desc in reversed(keys):
        records.sort(key=functools.partial(_sort_key, target, desc=desc), reverse=desc)


def _sort_key(target: Field, record: Record, *, desc: bool) -> tuple[int, Any]:
    value = plain(target, record)
    present = 1 if desc else 0  # with reverse=True the larger flag comes first
    if value is None:
        return (1 - present, _EMPTY_SORT_VALUE.get(target.type, ""))
    if target.type == 3:
        names = target.option_names()
        return (present, float(names.index(value)) if value in names else float(len(names)))
    if isinstance(value, list):
        return (present, ",".join(str(item) for item in value))
    if isinstance(value, bool | int | float) and not isinstance(value, str):
        return (present, float(value))
    return (present, str(value))


_EMPTY_SORT_VALUE: dict[int, Any] = {
    2: 0.0,
    3: 0.0,
    5: 0.0,
    7: 0.0,
    1001: 0.0,
    1002: 0.0,
    1005: 0.0,
}


def resolve_field_names(spec: Any, table: Table) -> list[Field] | None:
    """The fields a ``field_names`` list keeps (``None``: every field)."""
    if spec is None:
        return None
    if not isinstance(spec, list) or len(spec) > MAX_FIELD_NAMES:
        raise FeishuError(
            E.WRONG_REQUEST_BODY, f"field_names must be a list of at most {MAX_FIELD_NAMES}"
        )
    return [table.field_named(name) for name in spec]


# -- page tokens -------------------------------------------------------------------------------


def encode_page_token(offset: int) -> str:
    """An opaque token (base64 like the real one) that resumes at ``offset``."""
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.b64decode(token, validate=True))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise FeishuError(E.INVALID_PAGE_TOKEN, f"page_token {token!r} is not valid") from None
    if not isinstance(offset, int) or offset < 0:
        raise FeishuError(E.INVALID_PAGE_TOKEN, f"page_token {token!r} is not valid")
    return offset


def page(items: list[Record], offset: int, size: int) -> tuple[list[Record], str | None]:
    """One page and the token of the next (``None`` on the last page)."""
    chunk = items[offset : offset + size]
    more = offset + size < len(items)
    return chunk, encode_page_token(offset + size) if more else None


# -- list's formula filter (a subset) ----------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<field>CurrentValue\.\[[^\]]*\])|(?P<string>\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>>=|<=|!=|<>|=|>|<)|(?P<name>[A-Za-z]+)|(?P<punct>[(),]))"
)


def compile_formula(text: str, table: Table) -> Predicate:
    """``list``'s ``filter`` formula: AND/OR/NOT over ``CurrentValue.[f] op literal`` comparisons.

    Enough for the filters clients send in practice (``CurrentValue.[Name]="a"``,
    ``AND(CurrentValue.[Age]>18, ...)``); anything else is refused with 1254018.
    """
    tokens = _tokenize(text)
    predicate, rest = _formula_expr(tokens, table)
    if rest:
        raise _invalid(f"unexpected {rest[0][1]!r} in filter")
    return predicate


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise _invalid(f"cannot parse filter at {text[pos:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


Tokens = list[tuple[str, str]]


def _formula_expr(tokens: Tokens, table: Table) -> tuple[Predicate, Tokens]:
    if len(tokens) >= 2 and tokens[0][0] == "name" and tokens[1] == ("punct", "("):
        return _formula_call(tokens[0][1].upper(), tokens[2:], table)
    left, rest = _formula_operand(tokens, table)
    if not rest or rest[0][0] != "op":
        raise _invalid("expected a comparison in filter")
    operator = rest[0][1]
    right, rest = _formula_operand(rest[1:], table)
    return _compare(left, operator, right), rest


def _formula_call(name: str, tokens: Tokens, table: Table) -> tuple[Predicate, Tokens]:
    if name not in ("AND", "OR", "NOT"):
        raise _invalid(f"unsupported function {name} in filter")
    parts: list[Predicate] = []
    while True:
        part, tokens = _formula_expr(tokens, table)
        parts.append(part)
        if tokens and tokens[0] == ("punct", ","):
            tokens = tokens[1:]
            continue
        if tokens and tokens[0] == ("punct", ")"):
            tokens = tokens[1:]
            break
        raise _invalid("missing ) in filter")
    if name == "NOT":
        if len(parts) != 1:
            raise _invalid("NOT takes one argument")
        return (lambda record: not parts[0](record)), tokens
    return _combine("and" if name == "AND" else "or", parts), tokens


Operand = Callable[[Record], Any]


def _formula_operand(tokens: Tokens, table: Table) -> tuple[Operand, Tokens]:
    if not tokens:
        raise _invalid("filter ends too early")
    kind, text = tokens[0]
    if kind == "field":
        target = table.field_named(text[len("CurrentValue.[") : -1])
        return (lambda record: _formula_value(target, record)), tokens[1:]
    if kind == "string":
        literal = json.loads(text)
        return (lambda _record: literal), tokens[1:]
    if kind == "number":
        number = float(text)
        return (lambda _record: number), tokens[1:]
    if kind == "name" and text.upper() in ("TRUE", "FALSE"):
        flag = text.upper() == "TRUE"
        rest = tokens[1:]
        if rest[:2] == [("punct", "("), ("punct", ")")]:
            rest = rest[2:]
        return (lambda _record: flag), rest
    raise _invalid(f"unexpected {text!r} in filter")


def _formula_value(target: Field, record: Record) -> Any:
    value = plain(target, record)
    if value is None:
        return False if target.type == 7 else ""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return value


def _compare(left: Operand, operator: str, right: Operand) -> Predicate:
    def test(record: Record) -> bool:
        a, b = _coerce(left(record), right(record))
        try:
            return _OPS[operator](a, b)
        except TypeError:
            return False

    return test


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<>": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Compare numbers as numbers and everything else as text, as formulas do."""
    numbers = [_as_number(a), _as_number(b)]
    if numbers[0] is not None and numbers[1] is not None:
        return numbers[0], numbers[1]
    if isinstance(a, bool) and isinstance(b, bool):
        return a, b
    return str(a), str(b)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def parse_json_list(raw: str | None, what: str) -> list[Any] | None:
    """A query parameter holding a JSON list (``field_names=["a","b"]``, ``sort=["a DESC"]``)."""
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise FeishuError(E.WRONG_REQUEST_BODY, f"{what} must be a JSON list") from None
    if not isinstance(value, list):
        raise FeishuError(E.WRONG_REQUEST_BODY, f"{what} must be a JSON list")
    return value


def list_sort_spec(items: Iterable[Any]) -> list[dict[str, Any]]:
    """list's ``sort=["f1 DESC", "f2 ASC"]`` in search's ``[{"field_name", "desc"}]`` form."""
    spec: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise FeishuError(E.INVALID_SORT, f"bad sort item {item!r}")
        name, _, direction = item.strip().rpartition(" ")
        if direction.upper() not in ("ASC", "DESC") or not name:
            name, direction = item.strip(), "ASC"
        spec.append({"field_name": name.strip(), "desc": direction.upper() == "DESC"})
    return spec

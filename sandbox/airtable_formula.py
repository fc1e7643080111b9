"""Airtable's formula language, as far as ``filterByFormula`` and formula fields need it.

Three steps, kept apart so each can be tested on its own:

* :func:`parse` turns formula text into an immutable tree (:class:`Node`) and rejects what
  Airtable rejects before looking at any record: syntax errors, unknown functions, wrong
  argument counts (:class:`FormulaError`).
* :func:`field_names` lists the fields a tree refers to, so the caller can answer
  "Unknown field names: ..." exactly like Airtable does.
* :func:`evaluate` computes a tree against one record through a :class:`FormulaContext`.
  Runtime failures (text where a number is needed, bad dates, division by zero) do not raise:
  they produce an :class:`ErrorValue`, which like Airtable's ``#ERROR!`` is falsy and spreads.

Values inside the evaluator are ``None`` (blank), ``bool``, ``float``, ``str``, timezone-aware
``datetime`` and lists of those (multiple selects). Numbers are always ``float`` here; callers
format whole numbers back to ``int`` when they print them.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorValue:
    """A formula error such as ``#ERROR!``; falsy, and any function given one returns it."""

    code: str = "#ERROR!"


Value = None | bool | float | str | datetime | list["Value"] | ErrorValue


class FormulaError(ValueError):
    """The formula text is not a valid formula (Airtable's ``INVALID_FILTER_BY_FORMULA``)."""


INVALID_FORMULA = "Invalid formula. Please check your formula text."


class _EvalError(Exception):
    """Raised inside evaluation; turned into an :class:`ErrorValue` at the top."""

    def __init__(self, code: str = "#ERROR!") -> None:
        super().__init__(code)
        self.code = code


class FormulaContext(Protocol):
    """What a formula may ask about the record it runs against."""

    def field_value(self, name: str) -> Value:
        """The value of the field named (or with the id) ``name``; blank is ``None``."""
        ...

    def record_id(self) -> str: ...

    def created_time(self) -> datetime: ...

    def last_modified_time(self, fields: Sequence[str]) -> datetime | None:
        """Latest user edit of the named fields, or of any non-computed field if empty."""
        ...

    def now(self) -> datetime: ...


# -- tree ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """Base of the formula tree."""


@dataclass(frozen=True)
class Literal(Node):
    value: Value


@dataclass(frozen=True)
class FieldRef(Node):
    name: str


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


# -- tokenizer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "num" | "str" | "field" | "ident" | "op" | "end"
    text: str
    pos: int


_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("!=", "<>", "<=", ">=", "=", "<", ">", "&", "+", "-", "*", "/", "(", ")", ",")
_STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char in "'\"":
            value, pos = _read_string(text, pos)
            tokens.append(_Token("str", value, pos))
        elif char == "{":
            name, pos = _read_field(text, pos)
            tokens.append(_Token("field", name, pos))
        elif number := _NUMBER.match(text, pos):
            tokens.append(_Token("num", number.group(), pos))
            pos = number.end()
        elif ident := _IDENT.match(text, pos):
            tokens.append(_Token("ident", ident.group(), pos))
            pos = ident.end()
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, pos)), None)
            if op is None:
                raise FormulaError(INVALID_FORMULA)
            tokens.append(_Token("op", op, pos))
            pos += len(op)
    tokens.append(_Token("end", "", pos))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote, pos, out = text[start], start + 1, []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            out.append(_STRING_ESCAPES.get(nxt, nxt))
            pos += 2
        elif char == quote:
            return "".join(out), pos + 1
        else:
            out.append(char)
            pos += 1
    raise FormulaError(INVALID_FORMULA)


def _read_field(text: str, start: int) -> tuple[str, int]:
    # pyairtable escapes a closing brace inside a field name as "\}".
    pos, out = start + 1, []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and text.startswith("}", pos + 1):
            out.append("}")
            pos += 2
        elif char == "}":
            name = "".join(out)
            if not name:
                raise FormulaError(INVALID_FORMULA)
            return name, pos + 1
        else:
            out.append(char)
            pos += 1
    raise FormulaError(INVALID_FORMULA)


# -- parser -----------------------------------------------------------------------------------

_COMPARISONS = ("=", "!=", "<>", "<", ">", "<=", ">=")


class _Parser:
    """Precedence climbing, loosest first: comparisons, ``&``, ``+ -``, ``* /``, unary minus."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, op: str) -> bool:
        token = self.peek()
        if token.kind == "op" and token.text == op:
            self.index += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise FormulaError(INVALID_FORMULA)

    def parse(self) -> Node:
        node = self.comparison()
        if self.peek().kind != "end":
            raise FormulaError(INVALID_FORMULA)
        return node

    def binary_level(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        node = operand()
        while self.peek().kind == "op" and self.peek().text in ops:
            op = self.take().text
            node = Binary("!=" if op == "<>" else op, node, operand())
        return node

    def comparison(self) -> Node:
        return self.binary_level(_COMPARISONS, self.concat)

    def concat(self) -> Node:
        return self.binary_level(("&",), self.additive)

    def additive(self) -> Node:
        return self.binary_level(("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary_level(("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.accept("-"):
            return Unary("-", self.unary())
        if self.accept("+"):
            return self.unary()
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "num":
            return Literal(float(token.text))
        if token.kind == "str":
            return Literal(token.text)
        if token.kind == "field":
            return FieldRef(token.text)
        if token.kind == "ident":
            return self.identifier(token.text)
        if token.kind == "op" and token.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        raise FormulaError(INVALID_FORMULA)

    def identifier(self, name: str) -> Node:
        if not self.accept("("):
            # Airtable accepts TRUE/FALSE without parentheses and single-word field names bare.
            if name.upper() in ("TRUE", "FALSE"):
                return Literal(name.upper() == "TRUE")
            return FieldRef(name)
        args: list[Node] = []
        if not self.accept(")"):
            args.append(self.comparison())
            while self.accept(","):
                args.append(self.comparison())
            self.expect(")")
        return _checked_call(name.upper(), tuple(args))


def _checked_call(name: str, args: tuple[Node, ...]) -> Call:
    spec = _FUNCTIONS.get(name)
    if spec is None:
        raise FormulaError(INVALID_FORMULA)
    low, high = spec.arity
    if len(args) < low or (high is not None and len(args) > high):
        raise FormulaError(INVALID_FORMULA)
    if name == "LAST_MODIFIED_TIME" and not all(isinstance(a, FieldRef) for a in args):
        raise FormulaError(INVALID_FORMULA)
    return Call(name, args)


def parse(text: str) -> Node:
    """Parse formula text; raises :class:`FormulaError` as Airtable would reject it."""
    if not text.strip():
        raise FormulaError(INVALID_FORMULA)
    return _Parser(_tokenize(text)).parse()


def field_names(node: Node) -> list[str]:
    """Every field name the tree refers to, in order of first appearance."""
    found: list[str] = []

    def walk(item: Node) -> None:
        if isinstance(item, FieldRef) and item.name not in found:
            found.append(item.name)
        elif isinstance(item, Call):
            for arg in item.args:
                walk(arg)
        elif isinstance(item, Unary):
            walk(item.operand)
        elif isinstance(item, Binary):
            walk(item.left)
            walk(item.right)

    walk(node)
    return found


# -- evaluation -----------------------------------------------------------------------------


def evaluate(node: Node, ctx: FormulaContext) -> Value:
    """The value of ``node`` for one record; runtime failures give an :class:`ErrorValue`."""
    try:
        return _eval(node, ctx)
    except _EvalError as exc:
        return ErrorValue(exc.code)


def is_truthy(value: Value) -> bool:
    """Airtable keeps a record unless the filter gives 0, false, "", NaN, [], blank or an error."""
    if value is None or isinstance(value, ErrorValue):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str | list):
        return len(value) > 0
    return True


def _eval(node: Node, ctx: FormulaContext) -> Value:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, FieldRef):
        return _check(ctx.field_value(node.name))
    if isinstance(node, Unary):
        return -_number(_eval(node.operand, ctx))
    if isinstance(node, Binary):
        return _binary(node.op, _eval(node.left, ctx), _eval(node.right, ctx))
    if isinstance(node, Call):
        return _FUNCTIONS[node.name].run(node.args, ctx)
    raise TypeError(f"unknown node {node!r}")


def _check(value: Value) -> Value:
    """Errors spread: a function given an error value fails with the same error."""
    if isinstance(value, ErrorValue):
        raise _EvalError(value.code)
    return value


def _binary(op: str, left: Value, right: Value) -> Value:
    if op == "&":
        return text_of(left) + text_of(right)
    if op in _COMPARISONS:
        return _compare(op, left, right)
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise _EvalError("#DIV/0!")
    return a / b


# -- coercions --------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """Whole numbers without a decimal point, others in their shortest exact form."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def format_datetime(value: datetime) -> str:
    """Airtable's UTC timestamp form, ``2024-01-31T08:00:00.000Z``."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def text_of(value: Value) -> str:
    """The text a value shows when joined with ``&`` or passed to a text function."""
    value = _check(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, list):
        return ", ".join(text_of(item) for item in value)
    return str(value)


def _number(value: Value) -> float:
    value = _check(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        parsed = parse_number_text(value)
        if parsed is None:
            raise _EvalError()
        return parsed
    if isinstance(value, list) and len(value) == 1:
        return _number(value[0])
    raise _EvalError()


def parse_number_text(text: str) -> float | None:
    """A number written as text ("42", " 1.5 ", "1e3"), or ``None``."""
    stripped = text.strip()
    if not stripped or not _NUMBER.fullmatch(stripped.lstrip("+-")):
        return None
    return float(stripped)


def _datetime(value: Value) -> datetime | None:
    value = _check(value)
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise _EvalError()
        return parsed
    raise _EvalError()


def _compare(op: str, left: Value, right: Value) -> bool:
    a, b = _comparable(_check(left), _check(right))
    if a is None or b is None:
        # A blank date against a date: only "not equal" holds.
        return op == "!="
    try:
        if op == "=":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b  # type: ignore[operator]
        if op == ">":
            return a > b  # type: ignore[operator]
        if op == "<=":
            return a <= b  # type: ignore[operator]
        return a >= b  # type: ignore[operator]
    except TypeError:
        return False


def _comparable(a: Value, b: Value) -> tuple[object, object]:
    """Bring two values to one kind the way Airtable compares them."""
    a, b = _flatten(a), _flatten(b)
    if isinstance(a, datetime) or isinstance(b, datetime):
        return _comparable_dates(a, b)
    if a is None and b is None:
        return "", ""
    if isinstance(a, float) or isinstance(b, float):
        return _comparable_numbers(a, b)
    return text_of(a), text_of(b)


def _flatten(value: Value) -> Value:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, list):
        return text_of(value)
    return value


def _comparable_dates(a: Value, b: Value) -> tuple[object, object]:
    if a is None or b is None:
        return a, b
    da, db = _try_datetime(a), _try_datetime(b)
    if da is not None and db is not None:
        return da, db
    return text_of(a), text_of(b)


def _try_datetime(value: Value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) else None


def _comparable_numbers(a: Value, b: Value) -> tuple[object, object]:
    na = 0.0 if a is None else a if isinstance(a, float) else parse_number_text(text_of(a))
    nb = 0.0 if b is None else b if isinstance(b, float) else parse_number_text(text_of(b))
    if na is None or nb is None:
        return text_of(a), text_of(b)
    return na, nb


# -- dates -----------------------------------------------------------------------------------

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def parse_datetime(text: str, fmt: str | None = None) -> datetime | None:
    """An ISO 8601 date or timestamp (or one in a moment.js ``fmt``), in UTC unless it says."""
    text = text.strip()
    if fmt:
        return _parse_with_format(text, fmt)
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return value - _zone_offset(zone)


def _zone_offset(zone: str | None) -> timedelta:
    if zone is None or zone == "Z":
        return timedelta(0)
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return offset if zone[0] == "+" else -offset


# moment.js tokens that DATETIME_PARSE formats use, longest first.
_FORMAT_TOKENS = {
    "YYYY": r"(?P<year>\d{4})",
    "YY": r"(?P<year2>\d{2})",
    "MM": r"(?P<month>\d{2})",
    "M": r"(?P<month>\d{1,2})",
    "DD": r"(?P<day>\d{2})",
    "D": r"(?P<day>\d{1,2})",
    "HH": r"(?P<hour>\d{2})",
    "H": r"(?P<hour>\d{1,2})",
    "hh": r"(?P<hour12>\d{2})",
    "h": r"(?P<hour12>\d{1,2})",
    "mm": r"(?P<minute>\d{2})",
    "ss": r"(?P<second>\d{2})",
    "SSS": r"(?P<millis>\d{3})",
    "A": r"(?P<ampm>[AaPp][Mm])",
    "a": r"(?P<ampm>[AaPp][Mm])",
    "X": r"(?P<unix>-?\d+(?:\.\d+)?)",
    "x": r"(?P<unixms>-?\d+)",
    "Z": r"(?P<zone>Z|[+-]\d{2}:?\d{2})",
}
_FORMAT_SPLIT = re.compile("|".join(sorted(_FORMAT_TOKENS, key=len, reverse=True)))


def _format_regex(fmt: str) -> re.Pattern[str]:
    parts, pos = [], 0
    for match in _FORMAT_SPLIT.finditer(fmt):
        parts.append(re.escape(fmt[pos : match.start()]))
        parts.append(_FORMAT_TOKENS[match.group()])
        pos = match.end()
    parts.append(re.escape(fmt[pos:]))
    return re.compile("".join(parts))


def _parse_with_format(text: str, fmt: str) -> datetime | None:
    try:
        match = _format_regex(fmt).fullmatch(text)
    except re.error:  # a token used twice in one format
        return None
    if match is None:
        return None
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    if "unix" in parts:
        return datetime.fromtimestamp(float(parts["unix"]), UTC)
    if "unixms" in parts:
        return datetime.fromtimestamp(int(parts["unixms"]) / 1000, UTC)
    try:
        return _from_parts(parts)
    except ValueError:
        return None


def _from_parts(parts: dict[str, str]) -> datetime:
    year = int(parts["year"]) if "year" in parts else 2000 + int(parts.get("year2", "0"))
    hour = int(parts.get("hour", "0"))
    if "hour12" in parts:
        hour = int(parts["hour12"]) % 12
        if parts.get("ampm", "am").lower() == "pm":
            hour += 12
    value = datetime(
        year,
        int(parts.get("month", "1")),
        int(parts.get("day", "1")),
        hour,
        int(parts.get("minute", "0")),
        int(parts.get("second", "0")),
        int(parts.get("millis", "0")) * 1000,
        tzinfo=UTC,
    )
    return value - _zone_offset(parts.get("zone"))


_UNITS = {
    "millisecond": "milliseconds",
    "milliseconds": "milliseconds",
    "ms": "milliseconds",
    "second": "seconds",
    "seconds": "seconds",
    "s": "seconds",
    "minute": "minutes",
    "minutes": "minutes",
    "m": "minutes",
    "hour": "hours",
    "hours": "hours",
    "h": "hours",
    "day": "days",
    "days": "days",
    "d": "days",
    "week": "weeks",
    "weeks": "weeks",
    "w": "weeks",
    "month": "months",
    "months": "months",
    "M": "months",
    "quarter": "quarters",
    "quarters": "quarters",
    "Q": "quarters",
    "year": "years",
    "years": "years",
    "y": "years",
}
_SECONDS_PER = {
    "milliseconds": 0.001,
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 604800,
}


def _unit(value: Value) -> str:
    name = text_of(value).strip()
    unit = _UNITS.get(name) or _UNITS.get(name.lower())
    if unit is None:
        raise _EvalError()
    return unit


def _add_months(value: datetime, months: int) -> datetime:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _date_add(value: datetime, count: float, unit: str) -> datetime:
    if unit in _SECONDS_PER:
        return value + timedelta(seconds=count * _SECONDS_PER[unit])
    months = {"months": 1, "quarters": 3, "years": 12}[unit]
    return _add_months(value, int(count) * months)


def _date_diff(a: datetime, b: datetime, unit: str) -> float:
    if unit in _SECONDS_PER:
        return float(int((a - b).total_seconds() / _SECONDS_PER[unit]))
    months = (a.year - b.year) * 12 + (a.month - b.month)
    # A month only counts once the day-of-month (and time) has been reached.
    if months > 0 and _add_months(b, months) > a:
        months -= 1
    elif months < 0 and _add_months(b, months) < a:
        months += 1
    return float(int(months / {"months": 1, "quarters": 3, "years": 12}[unit]))


def _truncate(value: datetime, unit: str) -> datetime:
    """``value`` cut down to the start of its ``unit`` (for IS_SAME)."""
    value = value.astimezone(UTC)
    if unit == "milliseconds":
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if unit == "weeks":
        day = value.replace(hour=0, minute=0, second=0, microsecond=0)
        return day - timedelta(days=(day.weekday() + 1) % 7)  # weeks start on Sunday
    if unit == "quarters":
        unit, value = "months", value.replace(month=(value.month - 1) // 3 * 3 + 1)
    level = ["seconds", "minutes", "hours", "days", "months", "years"].index(unit)
    value = value.replace(microsecond=0)
    if level >= 1:
        value = value.replace(second=0)
    if level >= 2:
        value = value.replace(minute=0)
    if level >= 3:
        value = value.replace(hour=0)
    if level >= 4:
        value = value.replace(day=1)
    if level >= 5:
        value = value.replace(month=1)
    return value


# -- functions ----------------------------------------------------------------------------------

Runner = Callable[[tuple[Node, ...], FormulaContext], Value]


@dataclass(frozen=True)
class _Function:
    arity: tuple[int, int | None]
    run: Runner


def _eager(fn: Callable[..., Value]) -> Runner:
    """A function that takes its arguments already evaluated (errors spread)."""

    def run(args: tuple[Node, ...], ctx: FormulaContext) -> Value:
        return fn(*[_check(_eval(arg, ctx)) for arg in args])

    return run


def _run_if(args: tuple[Node, ...], ctx: FormulaContext) -> Value:
    # Only the branch taken is evaluated, so the other may fail without harm.
    if is_truthy(_check(_eval(args[0], ctx))):
        return _eval(args[1], ctx)
    return _eval(args[2], ctx) if len(args) > 2 else None


def _run_switch(args: tuple[Node, ...], ctx: FormulaContext) -> Value:
    subject = _check(_eval(args[0], ctx))
    pairs = args[1:]
    for index in range(0, len(pairs) - 1, 2):
        if _compare("=", subject, _check(_eval(pairs[index], ctx))):
            return _eval(pairs[index + 1], ctx)
    return _eval(pairs[-1], ctx) if len(pairs) % 2 else None


def _run_iserror(args: tuple[Node, ...], ctx: FormulaContext) -> Value:
    return isinstance(evaluate(args[0], ctx), ErrorValue)


def _run_last_modified(args: tuple[Node, ...], ctx: FormulaContext) -> Value:
    names = [arg.name for arg in args if isinstance(arg, FieldRef)]
    return ctx.last_modified_time(names)


def _raise_error() -> Value:
    raise _EvalError()


def _find(needle: Value, haystack: Value, start: Value = None) -> Value:
    text, sought = text_of(haystack), text_of(needle)
    begin = max(int(_number(start)) - 1, 0)
    return float(text.find(sought, begin) + 1)


def _search(needle: Value, haystack: Value, start: Value = None) -> Value:
    found = _find(text_of(needle).lower(), text_of(haystack).lower(), start)
    return found if found else None


def _is_after(a: Value, b: Value) -> Value:
    da, db = _datetime(a), _datetime(b)
    return da is not None and db is not None and da > db


def _is_before(a: Value, b: Value) -> Value:
    da, db = _datetime(a), _datetime(b)
    return da is not None and db is not None and da < db


def _is_same(a: Value, b: Value, unit: Value = None) -> Value:
    da, db = _datetime(a), _datetime(b)
    if da is None or db is None:
        return False
    if unit is None:
        return da == db
    name = _unit(unit)
    return _truncate(da, name) == _truncate(db, name)


def _datetime_parse(text: Value, fmt: Value = None, locale: Value = None) -> Value:
    del locale  # month names are not parsed, so the locale changes nothing here
    if isinstance(text, datetime):
        return text
    parsed = parse_datetime(text_of(text), text_of(fmt) if fmt is not None else None)
    if parsed is None:
        raise _EvalError()
    return parsed


def _date_or_error(value: Value) -> datetime:
    parsed = _datetime(value)
    if parsed is None:
        raise _EvalError()
    return parsed


def _datestr(value: Value) -> Value:
    parsed = _datetime(value)
    return None if parsed is None else parsed.strftime("%Y-%m-%d")


def _dateadd(value: Value, count: Value, unit: Value) -> Value:
    return _date_add(_date_or_error(value), _number(count), _unit(unit))


def _datetime_diff(a: Value, b: Value, unit: Value = "seconds") -> Value:
    return _date_diff(_date_or_error(a), _date_or_error(b), _unit(unit))


def _numbers(values: tuple[Value, ...]) -> list[float]:
    flat: list[Value] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return [_number(v) for v in flat if v is not None and v != ""]


def _round(value: Value, places: Value = 0.0) -> Value:
    number = _number(value)
    if not math.isfinite(number):
        return number
    # Decimal keeps 2.345 from rounding down through its binary form; Airtable breaks ties
    # upward (toward positive infinity), not to even.
    scaled = Decimal(repr(number)).scaleb(int(_number(places)))
    rounded = (scaled + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
    return float(rounded.scaleb(-int(_number(places))))


def _value(text: Value) -> Value:
    if isinstance(text, float):
        return text
    cleaned = re.sub(r"[^0-9eE.+-]", "", text_of(text))
    parsed = parse_number_text(cleaned)
    if parsed is None:
        raise _EvalError()
    return parsed


def _substitute(text: Value, old: Value, new: Value, index: Value = None) -> Value:
    source, find, replace = text_of(text), text_of(old), text_of(new)
    if not find:
        return source
    if index is None:
        return source.replace(find, replace)
    wanted, pos = int(_number(index)), -1
    for _ in range(wanted):
        pos = source.find(find, pos + 1)
        if pos < 0:
            return source
    return source[:pos] + replace + source[pos + len(find) :]


def _mid(text: Value, start: Value, count: Value) -> Value:
    begin = max(int(_number(start)) - 1, 0)
    return text_of(text)[begin : begin + max(int(_number(count)), 0)]


def _regex(pattern: Value) -> re.Pattern[str]:
    try:
        return re.compile(text_of(pattern))
    except re.error as exc:
        raise _EvalError() from exc


def _regex_extract(text: Value, pattern: Value) -> Value:
    found = _regex(pattern).search(text_of(text))
    if found is None:
        raise _EvalError()
    return found.group()


def _mod(value: Value, divisor: Value) -> Value:
    b = _number(divisor)
    if b == 0:
        raise _EvalError("#DIV/0!")
    return _number(value) % b  # the sign follows the divisor, as in spreadsheets


def _today(ctx: FormulaContext) -> Value:
    return ctx.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _lazy0(fn: Callable[[FormulaContext], Value]) -> Runner:
    return lambda _args, ctx: fn(ctx)


def _min_or_blank(values: list[float], pick: Callable[[list[float]], float]) -> Value:
    return pick(values) if values else 0.0


_FUNCTIONS: dict[str, _Function] = {
    # logic
    "AND": _Function((1, None), _eager(lambda *v: all(is_truthy(x) for x in v))),
    "OR": _Function((1, None), _eager(lambda *v: any(is_truthy(x) for x in v))),
    "XOR": _Function((1, None), _eager(lambda *v: sum(is_truthy(x) for x in v) % 2 == 1)),
    "NOT": _Function((1, 1), _eager(lambda v: not is_truthy(v))),
    "IF": _Function((2, 3), _run_if),
    "SWITCH": _Function((2, None), _run_switch),
    "TRUE": _Function((0, 0), _eager(lambda: True)),
    "FALSE": _Function((0, 0), _eager(lambda: False)),
    "BLANK": _Function((0, 0), _eager(lambda: None)),
    "ERROR": _Function((0, 0), _eager(_raise_error)),
    "ISERROR": _Function((1, 1), _run_iserror),
    # record
    "RECORD_ID": _Function((0, 0), _lazy0(lambda ctx: ctx.record_id())),
    "CREATED_TIME": _Function((0, 0), _lazy0(lambda ctx: ctx.created_time())),
    "LAST_MODIFIED_TIME": _Function((0, None), _run_last_modified),
    # text
    "FIND": _Function((2, 3), _eager(_find)),
    "SEARCH": _Function((2, 3), _eager(_search)),
    "LOWER": _Function((1, 1), _eager(lambda v: text_of(v).lower())),
    "UPPER": _Function((1, 1), _eager(lambda v: text_of(v).upper())),
    "TRIM": _Function((1, 1), _eager(lambda v: text_of(v).strip())),
    "LEN": _Function((1, 1), _eager(lambda v: float(len(text_of(v))))),
    "CONCATENATE": _Function((1, None), _eager(lambda *v: "".join(text_of(x) for x in v))),
    "LEFT": _Function((2, 2), _eager(lambda s, n: text_of(s)[: max(int(_number(n)), 0)])),
    "RIGHT": _Function(
        (2, 2), _eager(lambda s, n: text_of(s)[-int(_number(n)) :] if int(_number(n)) > 0 else "")
    ),
    "MID": _Function((3, 3), _eager(_mid)),
    "SUBSTITUTE": _Function((3, 4), _eager(_substitute)),
    "T": _Function((1, 1), _eager(lambda v: v if isinstance(v, str) else "")),
    "VALUE": _Function((1, 1), _eager(_value)),
    "REGEX_MATCH": _Function((2, 2), _eager(lambda s, p: _regex(p).search(text_of(s)) is not None)),
    "REGEX_EXTRACT": _Function((2, 2), _eager(_regex_extract)),
    "REGEX_REPLACE": _Function(
        (3, 3), _eager(lambda s, p, r: _regex(p).sub(text_of(r), text_of(s)))
    ),
    # dates
    "DATETIME_PARSE": _Function((1, 3), _eager(_datetime_parse)),
    "IS_AFTER": _Function((2, 2), _eager(_is_after)),
    "IS_BEFORE": _Function((2, 2), _eager(_is_before)),
    "IS_SAME": _Function((2, 3), _eager(_is_same)),
    "DATESTR": _Function((1, 1), _eager(_datestr)),
    "DATEADD": _Function((3, 3), _eager(_dateadd)),
    "DATETIME_DIFF": _Function((2, 3), _eager(_datetime_diff)),
    "NOW": _Function((0, 0), _lazy0(lambda ctx: ctx.now())),
    "TODAY": _Function((0, 0), _lazy0(_today)),
    # numbers
    "ABS": _Function((1, 1), _eager(lambda v: abs(_number(v)))),
    "ROUND": _Function((1, 2), _eager(_round)),
    "INT": _Function((1, 1), _eager(lambda v: float(math.floor(_number(v))))),
    "MOD": _Function((2, 2), _eager(_mod)),
    "SUM": _Function((1, None), _eager(lambda *v: float(sum(_numbers(v))))),
    "MAX": _Function((1, None), _eager(lambda *v: _min_or_blank(_numbers(v), max))),
    "MIN": _Function((1, None), _eager(lambda *v: _min_or_blank(_numbers(v), min))),
}

FUNCTION_NAMES = frozenset(_FUNCTIONS)


def date_only(value: date) -> datetime:
    """A calendar date as midnight UTC, the way date fields enter formulas."""
    return datetime(value.year, value.month, value.day, tzinfo=UTC)

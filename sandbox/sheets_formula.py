"""Formulas for the Google Sheets stand-in: a small evaluator and reference shifting.

Stored formulas are evaluated whenever they are read, so a result never goes stale. The grammar
covers what tests and sample data type: numbers, strings, ``TRUE``/``FALSE``, cell and range
references (``A1``, ``$B$2``, ``A1:B3``, ``A:A``, ``Sheet2!C4``, ``'My tab'!A1``), the operators
``+ - * / ^ & % = <> < > <= >=`` and a handful of functions. Anything else evaluates to
Google's error values (``#NAME?``, ``#DIV/0!``, ``#VALUE!``, ``#REF!``, ``#ERROR!``).

When rows or columns are inserted or deleted, Google rewrites the references of every formula
that points at the moved cells; :func:`shift_references` does the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sandbox.sheets_a1 import column_index, column_letters
from sandbox.sheets_cells import CellError, Num, Result, format_automatic

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<error>\#(?:DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|ERROR!|NULL!))
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?
        (?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?
          |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}
          |\$?\d+:\$?\d+)(?![A-Za-z0-9_(]))
  | (?P<func>[A-Za-z_][A-Za-z0-9_.]*(?=\s*\())
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<op><>|<=|>=|[-+*/^&%=<>(),;])
    """,
    re.VERBOSE,
)


class FormulaContext(Protocol):
    """What the evaluator needs from a spreadsheet."""

    def value_at(self, sheet: str | None, row: int, col: int) -> Result | None:
        """The computed value of one cell (``None`` if empty); raises ``LookupError`` for a bad sheet."""

    def values_in(self, sheet: str | None, area: Area) -> list[Result | None]:
        """Every computed value of an area, row by row."""


@dataclass(frozen=True)
class Area:
    """A referenced rectangle, 0-based, end-exclusive; ``None`` ends are open (``A:A``)."""

    row0: int | None
    row1: int | None
    col0: int | None
    col1: int | None


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


class _FormulaSyntaxError(Exception):
    pass


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if not found or found.lastgroup is None:
            raise _FormulaSyntaxError(text[pos:])
        if found.lastgroup != "space":
            tokens.append(Token(found.lastgroup, found.group(), pos, found.end()))
        pos = found.end()
    return tokens


# -- references --------------------------------------------------------------------------------

_PART = re.compile(r"^(\$?)([A-Za-z]{0,3})(\$?)(\d*)$")


def split_ref(text: str) -> tuple[str | None, str]:
    """``'My tab'!A1`` -> (``My tab``, ``A1``); ``A1`` -> (None, ``A1``)."""
    if "!" not in text:
        return None, text
    sheet, _, cells = text.rpartition("!")
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cells


def ref_area(cells: str) -> Area:
    first, _, second = cells.partition(":")
    a = _corner(first)
    b = _corner(second) if second else a
    rows = [r for r in (a[0], b[0]) if r is not None]
    cols = [c for c in (a[1], b[1]) if c is not None]
    return Area(
        min(rows) if rows else None,
        max(rows) + 1 if rows else None,
        min(cols) if cols else None,
        max(cols) + 1 if cols else None,
    )


def _corner(text: str) -> tuple[int | None, int | None]:
    found = _PART.match(text)
    if not found:
        raise _FormulaSyntaxError(text)
    letters, digits = found.group(2), found.group(4)
    return (int(digits) - 1 if digits else None, column_index(letters) if letters else None)


# -- parsing -----------------------------------------------------------------------------------

Node = tuple[object, ...]

_BINARY_LEVELS: tuple[tuple[str, ...], ...] = (
    ("=", "<>", "<", ">", "<=", ">="),
    ("&",),
    ("+", "-"),
    ("*", "/"),
    ("^",),
)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _FormulaSyntaxError("unexpected end")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise _FormulaSyntaxError(f"expected {text}")

    def parse(self) -> Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise _FormulaSyntaxError("trailing input")
        return node

    def binary(self, level: int) -> Node:
        if level == len(_BINARY_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (
            (token := self.peek()) is not None
            and token.kind == "op"
            and token.text in _BINARY_LEVELS[level]
        ):
            self.take()
            node = ("binary", token.text, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.take()
            return ("negate" if token.text == "-" else "plus", self.unary())
        node = self.primary()
        while (token := self.peek()) is not None and token.text == "%":
            self.take()
            node = ("percent", node)
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return ("const", float(token.text))
        if token.kind == "string":
            return ("const", token.text[1:-1].replace('""', '"'))
        if token.kind == "error":
            return ("const", CellError(token.text))
        if token.kind == "ref":
            return ("ref", token.text)
        if token.kind == "name":
            upper = token.text.upper()
            if upper in ("TRUE", "FALSE"):
                return ("const", upper == "TRUE")
            return ("const", CellError("#NAME?"))
        if token.kind == "func":
            return self.call(token.text.upper())
        if token.text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        raise _FormulaSyntaxError(token.text)

    def call(self, name: str) -> Node:
        self.expect("(")
        args: list[Node] = []
        if (token := self.peek()) is not None and token.text == ")":
            self.take()
            return ("call", name, tuple(args))
        while True:
            args.append(self.binary(0))
            token = self.take()
            if token.text == ")":
                return ("call", name, tuple(args))
            if token.text not in (",", ";"):
                raise _FormulaSyntaxError(token.text)


# -- evaluation --------------------------------------------------------------------------------


class _Failure(Exception):
    """Carries a formula error value out of nested evaluation."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


Scalar = float | str | bool


def evaluate(text: str, context: FormulaContext) -> Result:
    """The value of formula ``text`` (``=`` included)."""
    try:
        node = _Parser(tokenize(text[1:])).parse()
    except _FormulaSyntaxError:
        return CellError("#ERROR!")
    try:
        value = _Evaluator(context).scalar(node)
    except _Failure as failure:
        return CellError(failure.code)
    except RecursionError:
        return CellError("#REF!")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return CellError("#NUM!")
    return value


class _Evaluator:
    def __init__(self, context: FormulaContext) -> None:
        self.context = context

    def scalar(self, node: Node) -> Scalar:
        kind = node[0]
        if kind == "const":
            value = node[1]
            if isinstance(value, CellError):
                raise _Failure(value.code)
            return value  # type: ignore[return-value]
        if kind == "ref":
            return self.ref_scalar(str(node[1]))
        if kind in ("negate", "plus"):
            number = _number(self.scalar(node[1]))  # type: ignore[arg-type]
            return -number if kind == "negate" else number
        if kind == "percent":
            return _number(self.scalar(node[1])) / 100  # type: ignore[arg-type]
        if kind == "binary":
            return self.binary(str(node[1]), node[2], node[3])  # type: ignore[arg-type]
        return self.call(str(node[1]), node[2])  # type: ignore[arg-type]

    def ref_scalar(self, text: str) -> Scalar:
        sheet, cells = split_ref(text)
        area = ref_area(cells)
        if (
            area.row0 is None
            or area.col0 is None
            or (area.row1, area.col1) != (area.row0 + 1, area.col0 + 1)
        ):
            raise _Failure("#VALUE!")  # a range used where one value is needed
        try:
            value = self.context.value_at(sheet, area.row0, area.col0)
        except LookupError:
            raise _Failure("#REF!") from None
        return _plain(value)

    def values(self, node: Node) -> list[Scalar | None]:
        """Arguments of aggregate functions: a range spreads into its cells."""
        if node[0] == "ref":
            sheet, cells = split_ref(str(node[1]))
            try:
                found = self.context.values_in(sheet, ref_area(cells))
            except LookupError:
                raise _Failure("#REF!") from None
            return [None if v is None else _plain(v) for v in found]
        return [self.scalar(node)]

    def binary(self, op: str, left_node: Node, right_node: Node) -> Scalar:
        left, right = self.scalar(left_node), self.scalar(right_node)
        if op == "&":
            return _text(left) + _text(right)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, left, right)
        a, b = _number(left), _number(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise _Failure("#DIV/0!")
            return a / b
        try:
            return float(a**b)
        except (OverflowError, ZeroDivisionError):
            raise _Failure("#NUM!") from None

    def call(self, name: str, args: Sequence[Node]) -> Scalar:
        function = _FUNCTIONS.get(name)
        if function is None:
            raise _Failure("#NAME?")
        return function(self, args)


def _plain(value: Result | None) -> Scalar:
    if value is None:
        return ""
    if isinstance(value, CellError):
        raise _Failure(value.code)
    if isinstance(value, Num):
        return value.value
    return value


def _number(value: Scalar) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if value == "":
        return 0.0
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise _Failure("#VALUE!") from None


def _text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_automatic(value)
    return value


def _compare(op: str, left: Scalar, right: Scalar) -> bool:
    def key(value: Scalar) -> tuple[int, float | str]:
        # Sheets orders numbers before text before booleans; text compares case-insensitively.
        if isinstance(value, bool):
            return (2, float(value))
        if isinstance(value, float):
            return (0, value)
        return (1, value.lower())

    a, b = key(left), key(right)
    if a[0] != b[0] and (left == "" or right == ""):
        a = (0, 0.0) if left == "" else a
        b = (0, 0.0) if right == "" else b
    outcomes = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    return outcomes[op]


# -- functions ---------------------------------------------------------------------------------

Function = Callable[[_Evaluator, Sequence[Node]], Scalar]


def _numbers(ev: _Evaluator, args: Sequence[Node]) -> list[float]:
    out: list[float] = []
    for arg in args:
        is_range = arg[0] == "ref"
        for value in ev.values(arg):
            if isinstance(value, float):
                out.append(value)
            elif not is_range and value is not None:
                out.append(_number(value))  # literals and scalar results are coerced
    return out


def _fn_sum(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return float(math.fsum(_numbers(ev, args)))


def _fn_average(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    numbers = _numbers(ev, args)
    if not numbers:
        raise _Failure("#DIV/0!")
    return math.fsum(numbers) / len(numbers)


def _fn_min(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return min(_numbers(ev, args), default=0.0)


def _fn_max(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return max(_numbers(ev, args), default=0.0)


def _fn_count(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return float(sum(1 for arg in args for v in ev.values(arg) if isinstance(v, float)))


def _fn_counta(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return float(sum(1 for arg in args for v in ev.values(arg) if v not in (None, "")))


def _fn_if(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    if not 2 <= len(args) <= 3:
        raise _Failure("#N/A")
    condition = ev.scalar(args[0])
    truthy = condition if isinstance(condition, bool) else _number(condition) != 0
    if truthy:
        return ev.scalar(args[1])
    return ev.scalar(args[2]) if len(args) == 3 else False


def _truths(ev: _Evaluator, args: Sequence[Node]) -> list[bool]:
    return [_number(v) != 0 for arg in args for v in ev.values(arg) if v is not None and v != ""]


def _fn_and(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return all(_truths(ev, args))


def _fn_or(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return any(_truths(ev, args))


def _fn_not(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return _number(_one(ev, args)) == 0


def _fn_concat(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    return "".join(_text(v) for arg in args for v in ev.values(arg) if v is not None)


def _fn_round(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    digits = int(_number(ev.scalar(args[1]))) if len(args) > 1 else 0
    value = _number(ev.scalar(args[0]))
    scale = 10.0**digits
    # Spreadsheets round half away from zero, unlike Python's banker's rounding.
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def _one(ev: _Evaluator, args: Sequence[Node]) -> Scalar:
    if len(args) != 1:
        raise _Failure("#N/A")
    return ev.scalar(args[0])


def _text_function(apply: Callable[[str], Scalar]) -> Function:
    return lambda ev, args: apply(_text(_one(ev, args)))


_FUNCTIONS: dict[str, Function] = {
    "SUM": _fn_sum,
    "AVERAGE": _fn_average,
    "MIN": _fn_min,
    "MAX": _fn_max,
    "COUNT": _fn_count,
    "COUNTA": _fn_counta,
    "IF": _fn_if,
    "AND": _fn_and,
    "OR": _fn_or,
    "NOT": _fn_not,
    "CONCATENATE": _fn_concat,
    "CONCAT": _fn_concat,
    "ROUND": _fn_round,
    "ABS": lambda ev, args: abs(_number(_one(ev, args))),
    "LEN": _text_function(lambda s: float(len(s))),
    "UPPER": _text_function(str.upper),
    "LOWER": _text_function(str.lower),
    "TRIM": _text_function(lambda s: " ".join(s.split())),
}


# -- reference shifting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """Rows or columns inserted (``count`` > 0) or deleted (``count`` < 0) at ``start`` of ``sheet``."""

    sheet: str
    dimension: str  # "ROWS" | "COLUMNS"
    start: int
    count: int


def shift_references(text: str, home: str, shift: Shift) -> str:
    """Rewrite ``text`` (a formula on sheet ``home``) for rows/columns moved by ``shift``.

    References into deleted cells become ``#REF!`` as in Google Sheets.
    """
    try:
        tokens = tokenize(text[1:])
    except _FormulaSyntaxError:
        return text
    out = ["="]
    pos = 0
    body = text[1:]
    for token in tokens:
        if token.kind != "ref":
            continue
        out.append(body[pos : token.start])
        out.append(_shift_ref(token.text, home, shift))
        pos = token.end
    out.append(body[pos:])
    return "".join(out)


def _shift_ref(text: str, home: str, shift: Shift) -> str:
    sheet, cells = split_ref(text)
    if (sheet or home) != shift.sheet:
        return text
    prefix = text[: len(text) - len(cells)]
    parts = cells.split(":")
    moved = [_shift_corner(part, shift) for part in parts]
    if any(part is None for part in moved):
        return "#REF!"
    return prefix + ":".join(part for part in moved if part is not None)


def _shift_corner(part: str, shift: Shift) -> str | None:
    found = _PART.match(part)
    if not found:
        return part
    col_anchor, letters, row_anchor, digits = found.groups()
    if shift.dimension == "ROWS" and digits:
        row = _moved(int(digits) - 1, shift)
        if row is None:
            return None
        digits = str(row + 1)
    if shift.dimension == "COLUMNS" and letters:
        col = _moved(column_index(letters), shift)
        if col is None:
            return None
        letters = column_letters(col)
    return f"{col_anchor}{letters}{row_anchor}{digits}"


def _moved(index: int, shift: Shift) -> int | None:
    if index < shift.start:
        return index
    if shift.count > 0:
        return index + shift.count
    if index < shift.start - shift.count:
        return None
    return index + shift.count

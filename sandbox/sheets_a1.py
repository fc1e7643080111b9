"""A1 notation for the Google Sheets stand-in: parse what clients send, format what Google answers.

Clients send ranges such as ``'Sheet1'!A1:D4``, ``Sheet1!A2:Z`` (open end), ``'D3'!A:A``,
``Sheet1!1:1``, ``'I''m here'`` (a quote doubled inside quotes), bare ``A1:B2`` (first sheet) or a
bare sheet name (the whole grid), corners in any order (``D4:A1``), ``$`` anchors and R1C1
(``R1C1:R2C3``). Google answers with the sheet title quoted only when it has to be
(``Sheet1!A1:Z1000`` but ``'🌵 tab'!A1:C2``, ``'D3'!A1``), the corners ordered, open ends clipped
to the grid and a single cell written as ``A1`` rather than ``A1:A1``.

Indices here are 0-based; ``end`` values are exclusive, as in the API's ``GridRange``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Google Sheets' widest grid: column ZZZ.
MAX_COLUMNS = 18278

_A1_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_R1C1_REF = re.compile(r"^[Rr]([0-9]+)[Cc]([0-9]+)$")
# Titles Google writes without quotes: ASCII words (dots allowed: ``x.y``) that cannot be mistaken
# for a cell (``D3``, ``ABC1234``) or an R1C1 reference (``R1C1``). ``2026``, ``a-b``, ``Ünï`` and
# anything with a space are quoted.
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1_LIKE = re.compile(r"^([Rr][0-9]*)?([Cc][0-9]*)?$")


class A1Error(ValueError):
    """The text is not A1 notation Google would accept."""


@dataclass(frozen=True)
class CellRef:
    """One corner of a range; ``None`` marks an open side (``A:A`` has no rows)."""

    row: int | None
    col: int | None


@dataclass(frozen=True)
class A1Range:
    """A parsed range before it is resolved against a spreadsheet.

    ``sheet`` is the title as written (quotes removed) or ``None``; ``cells`` is ``None`` for a
    whole sheet. ``bare`` keeps the original text of an unqualified range, which Google first
    tries as a sheet title.
    """

    sheet: str | None
    cells: tuple[CellRef, CellRef] | None
    cells_text: str
    bare: str | None = None


def column_letters(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` -> 0, ``AA`` -> 26 (case-insensitive)."""
    value = 0
    for char in letters.upper():
        value = value * 26 + (ord(char) - 64)
    return value - 1


def quote_title(title: str) -> str:
    """The sheet title as Google writes it in a range."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title) and not _R1C1_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_cells(start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """``A1:D4`` for rows/columns given 0-based and end-exclusive; one cell is just ``A1``."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    if end_row - start_row == 1 and end_col - start_col == 1:
        return first
    return f"{first}:{column_letters(end_col - 1)}{end_row}"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """``Sheet1!A1:D4``: the sheet-qualified form every response carries."""
    return f"{quote_title(title)}!{format_cells(start_row, end_row, start_col, end_col)}"


def parse_range(text: str) -> A1Range:
    """Parse a client's range; raises :class:`A1Error` when Google would say "Unable to parse"."""
    if text.startswith("'"):
        title, rest = _split_quoted(text)
        if rest is None:
            return A1Range(sheet=title, cells=None, cells_text="")
        return _with_cells(title, rest)
    if "!" in text:
        title, _, rest = text.rpartition("!")
        if not title:
            raise A1Error(text)
        return _with_cells(title, rest)
    # An unqualified text is a sheet title if one matches, else cells of the first sheet; the
    # caller decides, so both readings are kept.
    try:
        cells = parse_cells(text)
    except A1Error:
        return A1Range(sheet=text, cells=None, cells_text="", bare=text)
    return A1Range(sheet=None, cells=cells, cells_text=_normal_text(text), bare=text)


def _with_cells(title: str, rest: str) -> A1Range:
    return A1Range(sheet=title, cells=parse_cells(rest), cells_text=_normal_text(rest))


def _split_quoted(text: str) -> tuple[str, str | None]:
    """``'It''s'!A1`` -> (``It's``, ``A1``); ``'Tab'`` -> (``Tab``, None)."""
    pos = 1
    title = []
    while pos < len(text):
        char = text[pos]
        if char == "'":
            if text[pos + 1 : pos + 2] == "'":
                title.append("'")
                pos += 2
                continue
            rest = text[pos + 1 :]
            if rest == "":
                return "".join(title), None
            if rest.startswith("!") and len(rest) > 1:
                return "".join(title), rest[1:]
            raise A1Error(text)
        title.append(char)
        pos += 1
    raise A1Error(text)


def parse_cells(text: str) -> tuple[CellRef, CellRef]:
    """``A1:B2``, ``A:A``, ``1:3``, ``A2:Z``, ``B7`` or ``R1C1:R2C2`` -> two corners."""
    first, colon, second = text.partition(":")
    if not colon:
        ref = _parse_ref(first)
        if ref.row is None or ref.col is None:
            raise A1Error(text)
        return ref, ref
    start, end = _parse_ref(first), _parse_ref(second)
    # A column-only corner cannot meet a row-only one (``A:3`` means nothing).
    if (start.row is None and end.col is None) or (start.col is None and end.row is None):
        raise A1Error(text)
    return start, end


def _parse_ref(text: str) -> CellRef:
    r1c1 = _R1C1_REF.match(text)
    if r1c1:
        number, column = int(r1c1.group(1)), int(r1c1.group(2))
        if number < 1 or column < 1:
            raise A1Error(text)
        return CellRef(number - 1, column - 1)
    found = _A1_REF.match(text)
    if not found or not (found.group(1) or found.group(2)):
        raise A1Error(text)
    letters, digits = found.group(1), found.group(2)
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        raise A1Error(text)
    return CellRef(row, column_index(letters) if letters else None)


def _normal_text(text: str) -> str:
    """The cell part as Google echoes it in messages: upper case, no ``$``."""
    return text.replace("$", "").upper()

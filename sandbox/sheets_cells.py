"""Cell values of the Google Sheets stand-in: what a cell stores, how input becomes a cell, how a
cell is rendered for each ``valueRenderOption``.

A cell stores one of: ``None`` (empty), ``str``, ``bool``, ``float`` (a number in the automatic
format), :class:`Num` (a number with the format Google inferred from typed text: a date, a
percentage, ``2,000,000.01``...) or :class:`Formula`. Plain strings and numbers are stored bare so
that large sheets stay light.

Input (``valueInputOption``):
* ``RAW`` keeps every value as sent: ``"0042"``, ``"=1+1"`` and ``"2020-01-01"`` stay text.
* ``USER_ENTERED`` parses text as if typed into the Sheets UI: ``=`` starts a formula, numeric
  text becomes a number (``"0042"`` -> 42), dates become date serials with a date format,
  ``TRUE``/``FALSE`` become booleans, a leading ``'`` forces text.

Rendering (recorded against the real service, see ``api-facts.md`` §1.4):
* ``FORMATTED_VALUE`` gives strings only (``53`` -> ``"53"``, a date -> ``"2020-01-01"``);
* ``UNFORMATTED_VALUE`` gives JSON numbers and booleans, dates as serial days since 1899-12-30
  unless ``dateTimeRenderOption=FORMATTED_STRING``;
* ``FORMULA`` gives formulas as typed and everything else as ``UNFORMATTED_VALUE``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: Day 0 of Google's (Lotus 1-2-3) serial dates.
EPOCH = datetime(1899, 12, 30)
#: Google's per-cell limit; longer input is refused with a 400.
MAX_CELL_CHARS = 50_000

VALUE_RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_TIME_RENDER_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
VALUE_INPUT_OPTIONS = ("RAW", "USER_ENTERED")


@dataclass(frozen=True)
class NumberFormat:
    """A ``CellFormat.numberFormat``: ``type`` (DATE, PERCENT, ...) and Google's ``pattern``."""

    type: str
    pattern: str

    @property
    def is_temporal(self) -> bool:
        return self.type in ("DATE", "TIME", "DATE_TIME")


@dataclass(frozen=True)
class Num:
    """A number that carries a number format (typed dates, percentages, grouped thousands)."""

    value: float
    fmt: NumberFormat


@dataclass(frozen=True)
class Formula:
    """A formula as typed, ``=`` included; evaluated whenever it is read."""

    text: str


@dataclass(frozen=True)
class CellError:
    """A formula's error value such as ``#DIV/0!``; it renders as its code everywhere."""

    code: str


Value = str | float | bool | Num | Formula | None
Result = str | float | bool | Num | CellError


class InputError(ValueError):
    """A value Google refuses to store (too long, or not a JSON scalar)."""


# -- input -------------------------------------------------------------------------------------


def check_input(raw: Any, where: str) -> None:
    """Refuse what Google refuses before anything is written (the write is all-or-nothing)."""
    if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
        raise InputError(
            f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."
        )
    if isinstance(raw, list | dict):
        kind = "list_value" if isinstance(raw, list) else "struct_value"
        raise InputError(f"Invalid {where}: {kind}")


def from_input(raw: Any, option: str) -> Value:
    """The stored value for one JSON cell of a write (``""`` clears the cell)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw)
    return parse_typed(text) if option == "USER_ENTERED" else text


def parse_typed(text: str) -> Value:
    """``USER_ENTERED``: read text the way the Sheets UI reads what a person types."""
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    if text.startswith("'"):
        return text[1:] or None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE"
    for parse in (_parse_number, _parse_percent, _parse_currency, _parse_date_time):
        parsed = parse(stripped)
        if parsed is not None:
            return parsed
    return text


_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(?:[eE]([+-]?\d+))?$")


def _parse_number(text: str) -> float | Num | None:
    found = _NUMBER.match(text)
    if not found or not (found.group(2) or found.group(3)):
        return None
    sign, whole, decimals, exponent = found.groups()
    value = float(f"{sign}{(whole or '0').replace(',', '')}.{decimals or '0'}e{exponent or '0'}")
    if exponent is not None:
        return Num(value, NumberFormat("SCIENTIFIC", "0.00E+00"))
    if whole and "," in whole:
        pattern = "#,##0" + ("." + "0" * len(decimals) if decimals else "")
        return Num(value, NumberFormat("NUMBER", pattern))
    return value


def _parse_percent(text: str) -> Num | None:
    if not text.endswith("%"):
        return None
    number = _parse_number(text[:-1].strip())
    if number is None:
        return None
    value = number.value if isinstance(number, Num) else number
    # The UI shows a typed "12.5%" as 12.50% and "50%" as 50%.
    pattern = "0.00%" if "." in text else "0%"
    return Num(value / 100, NumberFormat("PERCENT", pattern))


def _parse_currency(text: str) -> Num | None:
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    if not text.startswith("$"):
        return None
    number = _parse_number(sign + text[1:])
    if number is None:
        return None
    value = number.value if isinstance(number, Num) else number
    return Num(value, NumberFormat("CURRENCY", '"$"#,##0.00'))


# Typed dates and times the en_US locale recognises, with the pattern Google then shows them in.
_DATE_FORMS: tuple[tuple[str, str, str], ...] = (
    ("%Y-%m-%d", "DATE", "yyyy-mm-dd"),
    ("%Y/%m/%d", "DATE", "yyyy/mm/dd"),
    ("%m/%d/%Y", "DATE", "M/d/yyyy"),
    ("%Y-%m-%d %H:%M:%S", "DATE_TIME", "yyyy-mm-dd H:mm:ss"),
    ("%Y-%m-%d %H:%M", "DATE_TIME", "yyyy-mm-dd H:mm"),
    ("%Y-%m-%dT%H:%M:%S", "DATE_TIME", "yyyy-mm-dd H:mm:ss"),
    ("%m/%d/%Y %H:%M:%S", "DATE_TIME", "M/d/yyyy H:mm:ss"),
    ("%m/%d/%Y %H:%M", "DATE_TIME", "M/d/yyyy H:mm"),
    ("%H:%M:%S", "TIME", "H:mm:ss"),
    ("%H:%M", "TIME", "H:mm"),
    ("%I:%M %p", "TIME", "h:mm am/pm"),
    ("%I:%M:%S %p", "TIME", "h:mm:ss am/pm"),
)


def _parse_date_time(text: str) -> Num | None:
    if not text or not (text[0].isdigit()) or not any(sep in text for sep in "-/:"):
        return None
    for form, kind, pattern in _DATE_FORMS:
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        if kind == "TIME":
            moment = EPOCH.replace(hour=moment.hour, minute=moment.minute, second=moment.second)
        return Num(to_serial(moment), NumberFormat(kind, pattern))
    return None


def to_serial(moment: datetime) -> float:
    """A datetime as a serial number (days since 1899-12-30, time as the fraction)."""
    return (moment - EPOCH).total_seconds() / 86400


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(seconds=round(serial * 86400))


# -- rendering ---------------------------------------------------------------------------------


def json_number(value: float) -> float | int:
    """Doubles as Google's JSON writes them: ``53`` not ``53.0``."""
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def format_automatic(value: float) -> str:
    """A number in Sheets' automatic format: whole numbers in full, else 10 significant digits."""
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-9:
        mantissa, _, exponent = f"{value:.9E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    digits = max(0, 9 - math.floor(math.log10(magnitude)))
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_with(value: float, fmt: NumberFormat) -> str:
    """Render a number with one of the patterns :func:`parse_typed` assigns."""
    if fmt.is_temporal:
        return _format_temporal(value, fmt.pattern)
    if fmt.type == "SCIENTIFIC":
        mantissa, _, exponent = f"{value:.2E}".partition("E")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    pattern = fmt.pattern
    percent = pattern.endswith("%")
    shown = value * 100 if percent else value
    decimals = len(pattern.rpartition(".")[2].rstrip("%")) if "." in pattern else 0
    body = f"{abs(shown):,.{decimals}f}" if "," in pattern else f"{abs(shown):.{decimals}f}"
    sign = "-" if shown < 0 and float(body.replace(",", "")) != 0 else ""
    prefix = "$" if pattern.startswith('"$"') else ""
    return f"{sign}{prefix}{body}{'%' if percent else ''}"


_DATE_TOKENS = re.compile(r"yyyy|yy|mm|m|M|dd|d|HH|H|hh|h|ss|s|am/pm")


def _format_temporal(serial: float, pattern: str) -> str:
    moment = from_serial(serial)
    tokens = _DATE_TOKENS.findall(pattern)
    out: list[str] = []
    pos = 0
    for index, match in enumerate(_DATE_TOKENS.finditer(pattern)):
        out.append(pattern[pos : match.start()])
        out.append(_date_token(match.group(), moment, tokens, index))
        pos = match.end()
    out.append(pattern[pos:])
    return "".join(out)


def _date_token(token: str, moment: datetime, tokens: list[str], index: int) -> str:
    """One pattern token; ``m``/``mm`` mean minutes right after an hour or before seconds."""
    if token in ("m", "mm"):
        after_hour = index > 0 and tokens[index - 1] in ("h", "hh", "H", "HH")
        before_seconds = index + 1 < len(tokens) and tokens[index + 1] in ("s", "ss")
        if after_hour or before_seconds:
            return f"{moment.minute:02d}" if token == "mm" else str(moment.minute)
        return f"{moment.month:02d}" if token == "mm" else str(moment.month)
    twelve = (moment.hour % 12) or 12
    table = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "M": str(moment.month),
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "HH": f"{moment.hour:02d}",
        "H": str(moment.hour),
        "hh": f"{twelve:02d}",
        "h": str(twelve) if "am/pm" in tokens else str(moment.hour),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "am/pm": "AM" if moment.hour < 12 else "PM",
    }
    return table[token]


def render_result(result: Result, render: str, date_time: str) -> str | float | int | bool:
    """A computed value as the API returns it for ``valueRenderOption`` ``render``."""
    if isinstance(result, str):
        return result
    if isinstance(result, bool):
        return ("TRUE" if result else "FALSE") if render == "FORMATTED_VALUE" else result
    if isinstance(result, CellError):
        return result.code
    if isinstance(result, Num):
        if render == "FORMATTED_VALUE" or (
            result.fmt.is_temporal and date_time == "FORMATTED_STRING"
        ):
            return format_with(result.value, result.fmt)
        return json_number(result.value)
    if render == "FORMATTED_VALUE":
        return format_automatic(result)
    return json_number(result)


def user_entered_json(value: Value) -> dict[str, Any]:
    """``CellData.userEnteredValue`` (an ``ExtendedValue``) for grid data."""
    if isinstance(value, Formula):
        return {"formulaValue": value.text}
    return extended_json(value) if value is not None else {}


def extended_json(result: Result | None) -> dict[str, Any]:
    """An ``ExtendedValue``: ``stringValue``, ``numberValue``, ``boolValue`` or ``errorValue``."""
    if result is None:
        return {}
    if isinstance(result, bool):
        return {"boolValue": result}
    if isinstance(result, str):
        return {"stringValue": result}
    if isinstance(result, CellError):
        return {
            "errorValue": {"type": _ERROR_TYPES.get(result.code, "ERROR"), "message": result.code}
        }
    number = result.value if isinstance(result, Num) else result
    return {"numberValue": json_number(number)}


_ERROR_TYPES = {
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#REF!": "REF",
    "#NAME?": "NAME",
    "#NUM!": "NUM",
    "#N/A": "N_A",
    "#ERROR!": "ERROR",
}

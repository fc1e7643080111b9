"""Amounts in yuan (累计合作金额): 500,000 / ¥500,000.00 / 50万 / 1.2亿 / 五十万元整 -> Decimal.

The result is always quantized to fen (two decimal places), so the same amount written two
ways compares and stores identically (``50万`` and ``500,000.00`` are both
``Decimal("500000.00")``). More precision than a fen is refused rather than rounded, except
for binary float noise from spreadsheets (0.30000000000000004 -> 0.30).

Refused on purpose, because guessing would change the meaning: other currencies ($, USD,
美元), ranges (10-50万: that is 预算范围, a text field), approximations (约50万, 50万左右),
percentages and negative amounts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from core.normalize.base import NUMBER_TYPES, Normalized, fail, ok
from core.normalize.numerals import parse_chinese_integer
from core.normalize.text import cell_text, fold_all, is_placeholder

FEN = Decimal("0.01")
#: Amounts above this (a trillion yuan) are surely typing errors.
MAX_AMOUNT = Decimal("1e12")

_PREFIX = re.compile(r"^(?:人民币|rmb|cny|¥|￥|元)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:元整|圆整|元|圆|块钱|块|整|rmb|cny)$", re.IGNORECASE)
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?|\.\d+")
_UNITS = {
    "": Decimal(1),
    "k": Decimal(1000),
    "千": Decimal(1000),
    "w": Decimal(10_000),
    "万": Decimal(10_000),
    "萬": Decimal(10_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "億": Decimal(100_000_000),
    "万亿": Decimal(1_000_000_000_000),
}
_WITH_UNIT = re.compile(r"([\d.,]+)\s*(k|w|千|万|萬|百万|千万|亿|億|万亿)?", re.IGNORECASE)
_FOREIGN = re.compile(r"[$€£]|usd|eur|gbp|hkd|jpy|美元|欧元|英镑|港币|港元|日元", re.IGNORECASE)
_APPROXIMATE = re.compile(r"约|大约|大概|左右|以上|以下|不到|多|余|~|～|至|到|-\s*\d")

REASON_FORMAT = "金额应为数字,单位元(如 500000、500,000、50万、1.2亿)"
REASON_FOREIGN = "金额应以人民币元填写,不能是其他币种"
REASON_RANGE = "金额应为一个确定的数字,不能是范围或约数(预算区间请填在“预算范围”)"
REASON_NEGATIVE = "金额不能为负数"
REASON_PRECISION = "金额最多精确到分(两位小数)"
REASON_TOO_LARGE = "金额过大,请检查单位(单位为元)"


def _finish(amount: Decimal) -> Normalized[Decimal]:
    if amount < 0:
        return fail(REASON_NEGATIVE)
    if amount > MAX_AMOUNT:
        return fail(REASON_TOO_LARGE)
    quantized = amount.quantize(FEN, rounding=ROUND_HALF_EVEN)
    if quantized != amount:
        return fail(REASON_PRECISION)
    return ok(quantized)


def _from_number(value: int | float | Decimal) -> Normalized[Decimal]:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return fail(REASON_FORMAT)
        amount = Decimal(repr(value))
        if abs(amount) > MAX_AMOUNT:
            return fail(REASON_NEGATIVE if amount < 0 else REASON_TOO_LARGE)
        rounded = amount.quantize(FEN, rounding=ROUND_HALF_EVEN)
        if abs(amount - rounded) < Decimal("1e-6"):
            amount = rounded  # float noise from a spreadsheet, not real precision
        return _finish(amount)
    if isinstance(value, Decimal) and not value.is_finite():
        return fail(REASON_FORMAT)
    return _finish(Decimal(value))


def _parse_text(text: str) -> Normalized[Decimal]:
    text = fold_all(text).strip()
    compact = "".join(text.split())
    if _FOREIGN.search(compact):
        return fail(REASON_FOREIGN)
    negative = compact.startswith("-")
    if negative:
        compact = compact[1:]
    if _APPROXIMATE.search(compact):
        return fail(REASON_RANGE)
    if compact.endswith("%"):
        return fail(REASON_FORMAT)
    compact = _PREFIX.sub("", compact)
    compact = _SUFFIX.sub("", compact)
    compact = _PREFIX.sub("", compact)  # ¥50万元 / 50万元整: prefix and suffix both
    if not compact:
        return fail(REASON_FORMAT)
    match = _WITH_UNIT.fullmatch(compact)
    if match is not None:
        number, unit = match.group(1), (match.group(2) or "").lower()
        if not _NUMBER.fullmatch(number):
            return fail(REASON_FORMAT)
        try:
            amount = Decimal(number.replace(",", "")) * _UNITS[unit]
        except InvalidOperation:
            return fail(REASON_FORMAT)
        return fail(REASON_NEGATIVE) if negative and amount else _finish(amount)
    # Chinese numerals, possibly mixed with digits: 五十万, 伍拾万元, 3千万, 1亿2千万.
    mixed = re.sub(r"\d+", lambda m: _digits_to_chinese(m.group()), compact)
    whole = parse_chinese_integer(mixed)
    if whole is None:
        return fail(REASON_FORMAT)
    return fail(REASON_NEGATIVE) if negative and whole else _finish(Decimal(whole))


_CN_DIGITS = "零一二三四五六七八九"


def _digits_to_chinese(digits: str) -> str:
    # "3千万" -> "三千万"; only short digit runs appear next to Chinese units.
    return "".join(_CN_DIGITS[int(d)] for d in digits)


def normalize_amount(value: Any) -> Normalized[Decimal]:
    """An amount cell to yuan as a Decimal with two decimal places.

    >>> normalize_amount("¥500,000.00").value
    Decimal('500000.00')
    >>> normalize_amount("1.2亿").value
    Decimal('120000000.00')
    """
    if value is None or isinstance(value, bool):
        return ok(None) if value is None else fail(REASON_FORMAT)
    if isinstance(value, NUMBER_TYPES):
        return _from_number(value)
    text = cell_text(value)
    if text is None or not text.strip() or is_placeholder(text):
        return ok(None)
    return _parse_text(text)

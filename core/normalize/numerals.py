"""Chinese numerals (五十万, 伍拾万元, 一千二百, 二〇二四) to integers, shared by amounts and dates."""

from __future__ import annotations

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(LARGE_UNITS)


def _section(text: str) -> int | None:
    """A number below 10,000 written with 十/百/千 (一千二百零五, 十五, 二十)."""
    total = 0
    digit: int | None = None
    for char in text:
        if char in DIGITS:
            if digit is not None and digit != 0 and DIGITS[char] != 0:
                return None  # two digits in a row without a unit: 二三
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            total += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_chinese_integer(text: str) -> int | None:
    """A whole number in Chinese numerals; ``None`` if ``text`` is not one.

    >>> parse_chinese_integer("五十万")
    500000
    >>> parse_chinese_integer("一亿二千万")
    120000000
    >>> parse_chinese_integer("二〇二四")
    2024
    """
    if not text or any(char not in NUMERAL_CHARS for char in text):
        return None
    if all(char in DIGITS for char in text):
        # Digit by digit, as years are written (二〇二四).
        return int("".join(str(DIGITS[char]) for char in text)) if len(text) > 1 else DIGITS[text]
    total = 0
    rest = text
    for unit_char, unit in (
        ("亿", 100_000_000),
        ("億", 100_000_000),
        ("万", 10_000),
        ("萬", 10_000),
    ):
        if unit_char in rest:
            head, _, rest = rest.partition(unit_char)
            if not head:
                return None
            value = parse_chinese_integer(head)
            if value is None:
                return None
            total += value * unit
    if rest:
        value = _section(rest)
        if value is None:
            return None
        total += value
    return total

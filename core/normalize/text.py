"""Text: cell values to clean strings, tags, e-mail addresses and the company matching key.

Two width foldings are used on purpose:

* structured values (phones, dates, amounts, ids, e-mail) fold every full-width ASCII form,
  because there ``：`` and ``（`` are just separators;
* display text folds only full-width letters, digits and a few symbols (``１２３`` -> ``123``,
  ``ＡＢＣ`` -> ``ABC``) and keeps Chinese punctuation (，。：；（）), which is correct Chinese
  and which people would not want rewritten in their remarks.

:func:`company_key` is *not* a display value: it is the aggressive fold dedupe compares
(suffixes such as 有限公司 and bracketed regions such as （北京） removed), so it never
replaces what people typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core.normalize.base import SEQUENCE_TYPES, Normalized, fail, ok, text_cells

_FLOAT_TYPES = (float, Decimal)

# -- width folding and invisible characters ----------------------------------------------------

_INVISIBLE = {
    *range(0x09),
    0x0B,
    0x0C,
    *range(0x0E, 0x20),
    *range(0x7F, 0xA0),
    0xAD,  # soft hyphen
    0x180E,
    *range(0x200B, 0x2010),  # zero-width space/joiners, LRM/RLM
    *range(0x202A, 0x202F),  # bidi embeddings
    *range(0x2060, 0x2065),
    *range(0x2066, 0x2070),
    0xFEFF,  # BOM / zero-width no-break space
    0xFFFC,
}
_SPACES = {0x09: " ", 0xA0: " ", 0x1680: " ", 0x202F: " ", 0x205F: " ", 0x3000: " "}
_SPACES.update(dict.fromkeys(range(8192, 8203), " "))
_LINE_BREAKS = {0x2028: "\n", 0x2029: "\n", 0x85: "\n"}

_BASE_TABLE: dict[int, str | None] = dict.fromkeys(_INVISIBLE)
_BASE_TABLE.update(_SPACES)
_BASE_TABLE.update(_LINE_BREAKS)

#: Every full-width ASCII form (U+FF01..U+FF5E) -> ASCII; for structured values.
FOLD_ALL = str.maketrans(
    {**_BASE_TABLE, **{0xFF01 + i: chr(0x21 + i) for i in range(94)}, 0xFFE5: "¥", 0xFFE0: "¢"}
)
_TEXT_SYMBOLS = "＠＃＄％＆＊＋－／＜＝＞＼＾＿｀｜～＂＇．"
#: Full-width letters, digits and non-punctuation symbols -> ASCII; for display text.
FOLD_TEXT = str.maketrans(
    {
        **_BASE_TABLE,
        **{cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)},
        **{cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)},
        **{cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)},
        **{ord(ch): chr(ord(ch) - 0xFEE0) for ch in _TEXT_SYMBOLS},
    }
)


def _changed_chars(table: dict[int, Any]) -> re.Pattern[str]:
    """A character class of the characters ``table`` changes, to skip ``str.translate``
    (slow on non-ASCII text) when a string has none of them, which is nearly always."""
    codes = sorted(code for code, new in table.items() if new is None or new != chr(code))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{parts}]")


_TEXT_CHANGES = _changed_chars(FOLD_TEXT)
_ALL_CHANGES = _changed_chars(FOLD_ALL)


def fold_text(text: str) -> str:
    """``FOLD_TEXT`` applied, skipping the work when nothing would change."""
    return text.translate(FOLD_TEXT) if _TEXT_CHANGES.search(text) else text


def fold_all(text: str) -> str:
    """``FOLD_ALL`` applied, skipping the work when nothing would change."""
    return text.translate(FOLD_ALL) if _ALL_CHANGES.search(text) else text


def fold_width(text: str) -> str:
    """Every full-width ASCII form to ASCII, invisible characters removed, odd spaces to ' '.

    >>> fold_width("１３８－１２３４（０１０）")
    '138-1234(010)'
    """
    return fold_all(text)


def _nfc(text: str) -> str:
    # Most cells are already NFC; the check is much cheaper than normalizing.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """One line of display text: width-folded, invisible characters gone, spaces collapsed.

    >>> clean_line("  北京\u200b星辰  科技\\n有限公司 ")
    '北京星辰 科技 有限公司'
    """
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    text = _nfc(fold_text(text))
    return " ".join(text.split())


def clean_block(text: str) -> str:
    """Free text (备注, 跟进内容): like :func:`clean_line` per line, line breaks kept,
    runs of blank lines reduced to one."""
    text = _nfc(fold_text(text))
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# -- raw cells to text -------------------------------------------------------------------------

#: Cell contents people use for "nothing here". Only structured fields read them as empty:
#: in free text a bare 无 may be a real answer.
PLACEHOLDERS = frozenset(
    {"-", "--", "---", "—", "——", "/", "\\", "无", "暂无", "没有", "空", "n/a", "na", "null",
     "none", "nil", "nan", "#n/a", "未知", "不详", "待定", "待补充", "?", "？", "."}
)  # fmt: skip


def is_placeholder(text: str) -> bool:
    return text.strip().lower() in PLACEHOLDERS


def _number_text(value: float | Decimal) -> str:
    # Spreadsheets hand over 13812345678 as 13812345678.0; drop a zero fraction, never
    # write an exponent.
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)) if abs(value.adjusted()) < 28 else value, "f")
    return format(value, "f")


def cell_text(value: Any, *, separator: str = ", ") -> str | None:
    """Whatever a connector read from a cell, as one string; ``None`` for an empty cell.

    Handles Feishu text segment arrays (``[{"type": "text", "text": "..."}]``, concatenated),
    option / person / link objects (their ``text`` or ``name``), lists of select names
    (joined with ``separator``), numbers without float noise, dates and booleans (是/否).

    >>> cell_text([{"type": "text", "text": "王"}, {"type": "text", "text": "经理"}])
    '王经理'
    >>> cell_text(13812345678.0)
    '13812345678'
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _FLOAT_TYPES):
        return _number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        for key in ("text", "name", "full_address", "value", "link", "email", "url"):
            inner = value.get(key)
            if inner not in (None, ""):
                return cell_text(inner, separator=separator)
        return None
    if isinstance(value, SEQUENCE_TYPES):
        items = list(value)
        if not items:
            return None
        if all(isinstance(item, dict) and "text" in item for item in items):
            # Feishu rich text: segments of one string, joined without a separator.
            joined = "".join(str(item.get("text") or "") for item in items)
            return joined or None
        parts = [cell_text(item, separator=separator) for item in items]
        texts = [part for part in parts if part]
        return separator.join(texts) if texts else None
    return str(value)


# -- public normalizers ------------------------------------------------------------------------


def normalize_text(value: Any) -> Normalized[str]:
    """One-line text (名称, 联系人, 职位 ...): clean, or ``None`` when nothing is left.

    >>> normalize_text("  ＡＢＣ\u3000科技 ").value
    'ABC 科技'
    """
    text = value if type(value) is str else cell_text(value)
    if not text:
        return ok(None)
    return ok(clean_line(text) or None)


def normalize_long_text(value: Any) -> Normalized[str]:
    """Free text (备注, 跟进内容 ...): clean, line breaks kept."""
    text = cell_text(value)
    if text is None:
        return ok(None)
    return ok(clean_block(text) or None)


_TAG_SPLIT = re.compile(r"[,，;；、|｜\n\r/]+")


def normalize_tags(value: Any) -> Normalized[tuple[str, ...]]:
    """A tags cell to a sorted tuple of unique tags.

    Separators: , ， ; ； 、 | / and line breaks; a leading ``#`` is dropped. Multi-select
    lists are taken item by item.

    >>> normalize_tags("高意向, 季度回访;VIP、高意向").value
    ('VIP', '季度回访', '高意向')
    """
    if value is None:
        return ok(())
    items: Iterable[Any] = value if isinstance(value, SEQUENCE_TYPES) else (value,)
    tags: set[str] = set()
    for item in items:
        text = cell_text(item)
        if text is None:
            continue
        for part in _TAG_SPLIT.split(text):
            tag = clean_tag(part)
            if tag:
                tags.add(tag)
    return ok(tuple(sorted(tags)))


def clean_tag(text: str) -> str:
    """One tag: cleaned like a line, leading ``#`` and surrounding quotes removed."""
    tag = clean_line(text).lstrip("#＃").strip()
    return tag.strip("\"'“”‘’「」『』[]【】 ")


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_EMAIL_SPLIT = re.compile(r"[;,，；、\s]+")


def normalize_email(value: Any) -> Normalized[str]:
    """An e-mail address: trimmed, ``mailto:`` dropped, domain lower-cased, format checked.

    The local part keeps its case: mail servers may treat it as significant.

    >>> normalize_email(" Wang.Li@Example.COM ").value
    'Wang.Li@example.com'
    """
    text = cell_text(value)
    if text is None:
        return ok(None)
    text = fold_all(text).strip()
    if not text or is_placeholder(text):
        return ok(None)
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    text = text.strip("<>\"'()[] ")
    if len(text) <= 254 and _EMAIL.fullmatch(text) and ".." not in text:
        local, _, domain = text.rpartition("@")
        return ok(f"{local}@{domain.lower()}")
    parts = [part for part in _EMAIL_SPLIT.split(text) if part]
    if len(parts) > 1:
        return fail("一个单元格只能填写一个邮箱地址")
    text = parts[0] if parts else ""
    if not _EMAIL.fullmatch(text) or ".." in text or len(text) > 254:
        return fail("邮箱格式不正确,应类似 name@example.com")
    local, _, domain = text.rpartition("@")
    return ok(f"{local}@{domain.lower()}")


# -- column-wide fast forms --------------------------------------------------------------------
#
# The pipeline reads whole columns at once. Most text cells are already clean, and a regex
# run over the column with ``map`` (no Python frame per cell) tells which: those are their
# own normalized value. Anything else returns None here and goes through the normalizer.


def _line_safe_chars() -> str:
    """Characters a clean line may hold and that no cleaning step changes: printable ASCII,
    CJK ideographs and punctuation, and full-width punctuation FOLD_TEXT keeps. None of them
    is whitespace, changed by NFC or combined with a neighbour by it."""
    ranges = [(0x21, 0x7E), (0x3001, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
              (0xFF01, 0xFF5E), (0x2010, 0x2027), (0x00B7, 0x00B7)]  # fmt: skip
    chars = [
        chr(code)
        for first, last in ranges
        for code in range(first, last + 1)
        if code not in FOLD_TEXT
        and chr(code).isprintable()
        and not chr(code).isspace()
        and unicodedata.is_normalized("NFC", chr(code))
        and not unicodedata.combining(chr(code))
    ]
    return "".join(re.escape(char) for char in chars)


_SAFE = _line_safe_chars()
#: A line normalize_text returns as it is: safe characters, single spaces between words.
_CLEAN_LINE = re.compile(f"[{_SAFE}]+(?: [{_SAFE}]+)*")
#: An address normalize_email returns as it is: nothing to trim, a lower-case domain.
_CLEAN_EMAIL = re.compile(
    r"(?=[^<>\"'()\[\] ])(?=.{1,254}\Z)"
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}",
    re.DOTALL,
)


def is_clean_line(text: str) -> bool:
    """Whether :func:`normalize_text` returns ``text`` as it is (and so does
    :func:`clean_line`).

    >>> is_clean_line("跟进合同签订"), is_clean_line("跟进  合同")
    (True, False)
    """
    return _CLEAN_LINE.fullmatch(text) is not None


def clean_lines(cells: Sequence[Any]) -> list[str | None]:
    """Per cell: the cell when :func:`normalize_text` would return it unchanged, else None.

    >>> clean_lines(["北京星辰科技有限公司", " 王伟", 5])
    ['北京星辰科技有限公司', None, None]
    """
    found = map(_CLEAN_LINE.fullmatch, text_cells(cells))
    return [None if match is None else match.string for match in found]


def clean_emails(cells: Sequence[Any]) -> list[str | None]:
    """Per cell: the cell when :func:`normalize_email` would return it unchanged, else None.

    >>> clean_emails(["wang@example.com", "Wang@Example.COM"])
    ['wang@example.com', None]
    """
    found = map(_CLEAN_EMAIL.fullmatch, text_cells(cells))
    return [None if match is None else match.string for match in found]


# -- the company matching key ------------------------------------------------------------------

_LEGAL_SUFFIXES_CN = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "控股有限公司",
    "有限公司",
    "股份公司",
    "责任公司",
    "有限合伙",
    "普通合伙",
    "公司",
)
_KEEP_AFTER_STRIP = {"集团有限公司": "集团", "控股有限公司": "控股"}
# English legal forms, only as separate words at the end ("Star Tech Co., Ltd."), so that
# "Taco" keeps its "co".
_LEGAL_SUFFIX_EN = re.compile(
    r"(?:(?:^|[\s,.]+)(?:co\s*\.?\s*,?\s*ltd|company\s+limited|limited|ltd|incorporated|inc|"
    r"corporation|corp|llc|l\.l\.c|gmbh|plc|co|company)\.?)+\s*$"
)
_BRACKETED = re.compile(r"[(\[【{「『〔]([^()\[\]【】{}「」『』〔〕]*)[)\]】}」』〕]")
_NOT_KEY = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_BRACKET_DROP = {"中国", "有限合伙", "普通合伙", "特殊普通合伙", "集团", "总部", "总公司"}


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _is_region(text: str) -> bool:
    from core.normalize.address import is_region_name

    return is_region_name(text)


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The key dedupe compares company names by; never shown to people.

    Full-width, case and traditional characters folded; bracketed regions and legal forms
    (（北京）, (中国), 有限公司, 股份有限公司, Co., Ltd. ...) removed; punctuation and spaces
    removed; a branch keeps 分公司. A name that is nothing but a legal form keeps it rather
    than becoming empty.

    >>> company_key("星辰科技（北京）有限公司")
    '星辰科技'
    >>> company_key("Star Tech Co., Ltd.")
    'startech'
    """
    text = _nfc(fold_all(name)).casefold()
    if not text.isascii():
        text = _t2s().convert(text)

    def _bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if inner in _BRACKET_DROP or _is_region(inner):
            return ""
        return f" {inner} "

    text = _BRACKETED.sub(_bracket, text)
    before_suffixes = _NOT_KEY.sub("", text)
    text = _LEGAL_SUFFIX_EN.sub("", text.strip())
    text = _NOT_KEY.sub("", text)
    if text.endswith("分公司"):
        # A branch is its own customer: keep 分公司, drop the parent's legal form inside
        # (星辰科技有限公司上海分公司 -> 星辰科技上海分公司).
        head = text[:-3]
        for suffix in _LEGAL_SUFFIXES_CN[:-1]:
            head = head.replace(suffix, "")
        return (head + "分公司") if head else text
    while text and text not in _LEGAL_SUFFIXES_CN:
        for suffix in _LEGAL_SUFFIXES_CN:
            if text.endswith(suffix):
                text = text[: -len(suffix)] + _KEEP_AFTER_STRIP.get(suffix, "")
                break
        else:
            break
        if text.endswith(("集团", "控股")) and suffix in _KEEP_AFTER_STRIP:
            break
    return text or before_suffixes


def single_cell_text(value: Any) -> tuple[str | None, bool]:
    """The text of a cell meant to hold one value (a dropdown, an industry).

    A list cell (Airtable/Feishu multi-selects) with one non-empty item is that item; with
    several, the second part is ``True`` and the caller reports it rather than pick one.
    """
    if isinstance(value, SEQUENCE_TYPES):
        items = [item for item in value if cell_text(item)]
        if len(items) > 1:
            return None, True
        value = items[0] if items else None
    return cell_text(value), False

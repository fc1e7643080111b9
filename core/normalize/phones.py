"""Phone numbers (联系方式): mobiles as 11 digits, landlines as 区号-号码, others in E.164.

Chinese numbers, which are nearly all of them, take a fast path: the number plan is simple
(mobile ``1xxxxxxxxxx``; landline ``0`` + a 2-digit area code starting 1 or 2, or a 3-digit
one, + a 7-8 digit subscriber number), and the validity rules come from phonenumbers' own
metadata (its mobile pattern and the set of area codes its fixed-line pattern accepts), so
the fast path agrees with the library without paying for ``phonenumbers.parse`` (about
50 µs a number). Foreign numbers go through phonenumbers.

Deliberate differences from phonenumbers:

* a 7-digit subscriber number in a real area code (0571-8888888) is accepted: tables still
  carry numbers from before cities moved to 8 digits, and the source documents use this form;
* ``转`` / ``分机`` / ``ext`` / ``#`` / ``x`` mark an extension (phonenumbers rejects ``转``),
  written back as ``0755-88888888转123``; a short trailing ``-123`` after a complete landline
  is read as an extension too instead of one long invalid number;
* ``010-12345678/87654321`` is two numbers sharing an area code.

Several numbers in one cell (separated by ; , 、 / newlines, 或, or spaces between complete
numbers) stay a list, in order, without repeats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata

from core.normalize.base import SEQUENCE_TYPES, Normalized, fail, ok, text_cells
from core.normalize.text import PLACEHOLDERS, cell_text, fold_all, is_placeholder


def _metadata() -> tuple[re.Pattern[str], frozenset[str]]:
    meta = PhoneMetadata.metadata_for_region("CN")
    if meta is None or meta.mobile is None or meta.fixed_line is None:  # pragma: no cover
        raise RuntimeError("phonenumbers has no metadata for CN")
    mobile = re.compile(meta.mobile.national_number_pattern or r"1[3-9]\d{9}")
    fixed = re.compile(meta.fixed_line.national_number_pattern or "")
    candidates = ["10", *(str(n) for n in range(20, 30)), *(str(n) for n in range(300, 1000))]
    # An area code is real when the fixed-line pattern accepts some 7- or 8-digit number in
    # it; about 10 ms once, and the set then follows phonenumbers' updates.
    codes = frozenset(
        code
        for code in candidates
        if any(fixed.fullmatch(code + d * n) for d in "23456789" for n in (7, 8))
    )
    return mobile, codes


_MOBILE, AREA_CODES = _metadata()
#: The mobile pattern on ASCII digits only: a cell it matches is its own normalized number.
_ASCII_MOBILE = re.compile(_MOBILE.pattern, re.ASCII)
#: Beijing numbers such as 010-12345678 start with 1 and phonenumbers accepts them.
_SUBSCRIBER = re.compile(r"[1-9]\d{6,7}")

_MASKED = re.compile(r"\d\s*[*xX×•●#]{2,}\s*\d")
#: Two masking characters in a row, which _MASKED needs: a search that skips ahead by
#: character class, where _MASKED tries a match at every digit.
_MASK_HINT = re.compile(r"[*xX×•●#][*xX×•●#]")
#: Separators between numbers. Runs of them are one split (the empty chunks a finer split
#: would give in between are skipped anyway); one character class first lets the search
#: skip ahead to the next separator instead of trying a branch at every position.
_SPLIT = re.compile(r"[;,，；、|\n\r或和及/][;,，；、|\n\r或和及/]*")
#: Group 1 the text before an extension, group 2 the extension. Matched from the start with
#: a greedy group 1, so the marker is looked for from the end back (one pass) rather than by
#: a search trying every position. The same marker is found either way: after a marker come
#: only spaces, one colon and digits, so at most one position can start a marker here (the
#: spaces a search takes in front of it are stripped from group 1 all the same).
_EXT = re.compile(
    r"(?s:(.*))(?:转|分机号?|ext\.?|extension|x|#)\s*[:：]?\s*(\d{1,6})\s*$", re.IGNORECASE
)
_EXT_HINT = re.compile(r"[转分xX#eE]")
#: Group 1: the text without the labels around a number, as ``re.sub(r"^[^\d+(]+|[^\d)]+$",
#: "", text)`` leaves it: without a leading run of characters other than digits, + and (,
#: and without a trailing run of characters other than digits and ) (the rest of the text
#: when no digit or ) follows the leading run). One anchored match: the substitution tries
#: its end-anchored branch at every position.
_EDGE_LABEL = re.compile(r"[^\d+(]*((?s:.*[\d)])?)")
_ALLOWED = re.compile(r"\+?[\d\s\-.()]+")
_NON_DIGIT = re.compile(r"\D")
_TRAILING_GROUP = re.compile(r"^(.*\d)[\s\-.]+(\d{1,4})$")
#: "(+86)138..." / "(+86) 10 ...": a country code in brackets, common in exported contact lists.
_BRACKETED_COUNTRY = re.compile(r"^\(\s*\+\s*(\d{1,4})\s*\)\s*")

#: Longer text is no placeholder (is_placeholder compares the stripped, lowercased text,
#: and lowercasing never makes text shorter): a length test spares the lowercasing.
_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))

REASON_MASKED = "号码中间被隐藏(如138****5678),无法使用,请填写完整号码"
REASON_NO_AREA = "座机号码缺少区号,请写成“区号-号码”(如010-12345678)"
REASON_MOBILE_LENGTH = "手机号码应为11位数字"
REASON_MOBILE_PREFIX = "不是有效的手机号码(号段不存在)"
REASON_AREA = "座机区号不存在或号码位数不对,请写成“区号-号码”(如010-12345678)"
REASON_FOREIGN = "不是有效的电话号码(国际号码请以+国家代码开头)"
REASON_UNREADABLE = "无法识别的电话号码:手机为11位数字,座机为“区号-号码”"


def _landline(digits: str, ext: str) -> str | None:
    """'0' + area code + subscriber -> '0AA-SSSSSSSS' (None when it is not one)."""
    end = 3 if digits[1:2] == "2" or digits[1:3] == "10" else 4
    area, subscriber = digits[1:end], digits[end:]
    # _SUBSCRIBER.fullmatch without the regex call (\d is exactly str.isdecimal).
    if (
        area in AREA_CODES
        and (len(subscriber) == 7 or len(subscriber) == 8)
        and "1" <= subscriber[0] <= "9"
        and subscriber.isdecimal()
    ):
        return f"0{area}-{subscriber}转{ext}" if ext else f"0{area}-{subscriber}"
    return None


def _national(digits: str, ext: str) -> str | Normalized[Any]:
    """A Chinese number without country code -> normalized text, or a failure."""
    if digits.startswith("0"):
        if len(digits) == 12 and digits[1] == "1" and _MOBILE.fullmatch(digits[1:]):
            return digits[1:]  # a mobile dialled with a leading 0
        found = _landline(digits, ext)
        if found is not None:
            return found
        return fail(REASON_AREA)
    if digits[0] == "1":
        if len(digits) == 11:
            return digits if _MOBILE.fullmatch(digits) else fail(REASON_MOBILE_PREFIX)
        if len(digits) in (10, 12):
            return fail(REASON_MOBILE_LENGTH)
    if len(digits) == 10 and digits[:3] in ("400", "800"):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) in (7, 8):
        return fail(REASON_NO_AREA)
    return fail(REASON_UNREADABLE)


def _after_country_code(national: str, ext: str) -> str | Normalized[Any]:
    """The national part after 86: a mobile, or a landline written without its 0."""
    if not national:
        return fail(REASON_UNREADABLE)
    if national[0] != "0" and not (national[0] == "1" and len(national) == 11):
        national = "0" + national  # +86 10 ... is 010 ..., +86 571 ... is 0571 ...
    return _national(national, ext)


def _foreign(digits: str, ext: str) -> str | Normalized[Any]:
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return fail(REASON_FOREIGN)
    if not phonenumbers.is_valid_number(number):
        return fail(REASON_FOREIGN)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text + (f" ext. {ext}" if ext else "")


def _label_free(chunk: str) -> tuple[str, str]:
    """(extension, the number's text without it and without labels around it)."""
    ext = ""
    match = _EXT.match(chunk) if _EXT_HINT.search(chunk) else None
    if match is not None:
        chunk, ext = match.groups()
    chunk = chunk.strip()
    # Text that starts with a digit, + or ( and ends with a digit or ) has no labels to
    # remove: two character tests decide it (``\d`` is exactly str.isdecimal).
    if chunk and (
        not (chunk[0].isdecimal() or chunk[0] == "+" or chunk[0] == "(")
        or not (chunk[-1].isdecimal() or chunk[-1] == ")")
    ):
        labelled = _EDGE_LABEL.match(chunk)
        if labelled is not None:  # always: every part of the pattern may match nothing
            chunk = labelled[1]
    return ext, chunk


def _one(chunk: str, tried: bool = False) -> str | Normalized[Any]:
    """One number (already width-folded, labels possibly around it). ``tried``: the caller
    already found that ``chunk`` itself is not in a common form."""
    ext, number = _label_free(chunk)
    if not (tried and not ext and number == chunk):
        common = _common_number(number, ext)  # what _general gives, in fewer regex calls
        if common is not None:
            return common
    return _general(number, ext)


def _general(chunk: str, ext: str) -> str | Normalized[Any]:
    """One number without labels, ``ext`` its extension, read by the general rules."""
    if chunk[:1] == "(":  # the only way _BRACKETED_COUNTRY can match
        chunk = _BRACKETED_COUNTRY.sub(r"+\1 ", chunk)
    if not chunk or not _ALLOWED.fullmatch(chunk):
        return fail(REASON_UNREADABLE)
    plus = chunk.startswith("+")
    digits = _NON_DIGIT.sub("", chunk)
    if not digits:
        return fail(REASON_UNREADABLE)
    if plus or digits.startswith("00"):
        if not plus:
            digits = digits[2:]
        if digits.startswith("86"):
            return _after_country_code(digits[2:], ext)
        return _foreign(digits, ext)
    result = _national(digits, ext)
    if isinstance(result, str):
        return result
    if digits.startswith("86") and len(digits) in (12, 13):
        again = _after_country_code(digits[2:], ext)  # 8613812345678, 8610-12345678
        if isinstance(again, str):
            return again
    if not ext:
        # 0755-88888888-123: a short group after a complete landline is its extension.
        trailing = _TRAILING_GROUP.match(chunk)
        if trailing is not None:
            head = _NON_DIGIT.sub("", trailing.group(1))
            if head.startswith("0"):
                found = _landline(head, trailing.group(2))
                if found is not None:
                    return found
    return result


def _spaced(chunk: str) -> list[str] | None:
    """'13812345678 13912345678': numbers separated only by spaces, read greedily."""
    tokens = chunk.split()
    if len(tokens) < 2:
        return None
    found: list[str] = []
    pending = ""
    for token in tokens:
        pending = f"{pending} {token}" if pending else token
        ext, number = _label_free(pending)
        common = _common_number(number, ext)
        if common is not None:
            # A common form holds at least 10 digits (labels and extension have none of
            # the number's), so the count below would pass.
            found.append(common)
            pending = ""
            continue
        result = _general(number, ext)
        if isinstance(result, str) and len(_NON_DIGIT.sub("", pending)) >= 10:
            found.append(result)
            pending = ""
    if pending or len(found) < 2:
        return None
    return found


#: The forms most cells use, read without the general machinery: groups 1-3 a mobile (with
#: or without separators or +86), groups 4-5 a landline. One pattern, so a cell in neither
#: form costs one failed match instead of two; the branches start with different characters
#: (+ 8 1 / ( 0), so at most one of them can match a text.
_FAST = re.compile(
    r"(?:\+?86[\s-]?)?(1\d\d)[\s.-]?(\d{4})[\s.-]?(\d{4})|\(?(0\d{2,3})\)?[\s.-]?(\d{7,8})"
)
#: ``match.lastindex`` of a mobile read by _FAST.
_FAST_MOBILE_GROUP = 3


def _common_number(text: str, ext: str) -> str | None:
    """The number ``text`` holds when it is written the commonest ways (one valid mobile,
    with or without separators or +86; one landline), or None for anything else.

    The general rules give the same, also with an extension: they drop it from a mobile
    (the 11 digits are the whole number) and append it to a landline, as here. The forms
    they read otherwise (00 + a country code, 0 + a mobile) are no valid landline."""
    match = _FAST.fullmatch(text)
    if match is None:
        return None
    if match.lastindex == _FAST_MOBILE_GROUP:
        digits = match[1] + match[2] + match[3]
        return digits if _MOBILE.fullmatch(digits) else None
    return _landline(match[4] + match[5], ext)


def _parse_text(text: str) -> Normalized[tuple[str, ...]]:
    match = _FAST.fullmatch(text)
    if match is not None:
        if match.lastindex == _FAST_MOBILE_GROUP:
            digits = match[1] + match[2] + match[3]
            return ok((digits,)) if _MOBILE.fullmatch(digits) else fail(REASON_MOBILE_PREFIX)
        found = _landline(match[4] + match[5], "")
        if found is not None:
            return ok((found,))
    folded = text if text.isascii() else fold_all(text)
    # The masked check is due before any chunk other than a number in a common form is
    # read: such numbers are written with digits, spaces and + - . ( ) only, so a text of
    # them and separators holds no masking character and is never searched.
    unmasked = False
    numbers: list[str] = []
    previous_area = ""
    for raw_chunk in _SPLIT.split(folded):
        chunk = raw_chunk.strip()
        if not chunk:
            continue
        # A chunk in a common form is no placeholder and _one would give this number: its
        # extension and label steps find nothing in such a chunk. (The whole text was tried
        # above.)
        number = None if chunk == text else _common_number(chunk, "")
        if number is None:
            if not unmasked:
                if _MASK_HINT.search(folded) and _MASKED.search(folded):
                    return fail(REASON_MASKED)
                unmasked = True
            if len(chunk) <= _LONGEST_PLACEHOLDER and is_placeholder(chunk):
                continue
            result = _one(chunk, tried=True)
            if isinstance(result, str):
                number = result
            else:
                # Only a chunk after a landline can be a bare subscriber sharing its area.
                digits = _NON_DIGIT.sub("", chunk) if previous_area else ""
                if len(digits) in (7, 8) and _SUBSCRIBER.fullmatch(digits):
                    number = f"{previous_area}-{digits}"  # 010-12345678/87654321
                else:
                    spaced = _spaced(chunk)
                    if spaced is None:
                        return result
                    numbers.extend(spaced)
                    continue
        numbers.append(number)
        previous_area = number.split("-")[0] if number.startswith("0") else ""
    return ok(tuple(dict.fromkeys(numbers))) if numbers else ok(None)


def normalize_phone(value: Any) -> Normalized[tuple[str, ...]]:
    """A 联系方式 cell to a tuple of normalized numbers (``None`` when empty).

    >>> normalize_phone("+86 138-1234-5678; (010)1234 5678").value
    ('13812345678', '010-12345678')
    >>> normalize_phone("138****5678").problem
    '号码中间被隐藏(如138****5678),无法使用,请填写完整号码'
    """
    if isinstance(value, SEQUENCE_TYPES):
        numbers: list[str] = []
        for item in value:
            result = normalize_phone(item)
            if result.problem is not None:
                return result
            if result.value:
                numbers.extend(result.value)
        return ok(tuple(dict.fromkeys(numbers))) if numbers else ok(None)
    text = value if type(value) is str else cell_text(value)
    if not text:
        return ok(None)
    if len(text) == 11 and text[0] == "1" and text.isdigit() and text.isascii():
        # A bare mobile number, the commonest cell: what _FAST would match, without
        # the placeholder check (digits are never a placeholder) or the regex.
        return ok((text,)) if _MOBILE.fullmatch(text) else fail(REASON_MOBILE_PREFIX)
    if len(text.strip()) <= _LONGEST_PLACEHOLDER and is_placeholder(text):
        return ok(None)
    return _parse_text(text)


def is_mobile(number: str) -> bool:
    """Whether a normalized number is a Chinese mobile number."""
    return len(number) == 11 and number[0] == "1" and number.isdigit()


def common_phones(cells: Sequence[Any]) -> list[tuple[str] | None]:
    """Per cell: what :func:`normalize_phone` returns for a cell holding one valid number
    written the commonest ways (a bare mobile, 138-1234-5678, +86 138..., 0571-88888888),
    else None. The pipeline reads phone columns this way first: most cells are just that.

    >>> common_phones(["13812345678", "138-1234-5678", "手机:13812345678", 13812345678])
    [('13812345678',), ('13812345678',), None, None]
    """
    texts = text_cells(cells)
    found: list[tuple[str] | None] = [
        None if match is None else (match.string,) for match in map(_ASCII_MOBILE.fullmatch, texts)
    ]
    for index, number in enumerate(found):
        if number is None and texts[index]:
            common = _common_number(texts[index], "")
            if common is not None:
                found[index] = (common,)
    return found

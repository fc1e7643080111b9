"""The ``protect`` stage: sensitive numbers found in text are masked before anything is stored.

The source documents forbid storing 身份证 (resident ID) and bank card numbers and ask for
them to be masked (证件号码: 110***********1234) when they must be recorded. People still paste
them into 备注 and 跟进内容, so every free-text value is scanned:

* resident ID numbers: 18 characters with a valid birth date, a real province code and a
  valid ISO 7064 check character (X allowed), also written 6-8-4 with spaces or dashes; and the
  old 15-digit form (valid province and 19YYMMDD birth date; it has no check digit);
* bank card numbers: 16-19 digits starting with 3-6 (UnionPay 62, Visa 4, Mastercard 5, JCB
  and Amex 3) that pass the Luhn check, contiguous or in groups of four;
* passport numbers, only right after the word 护照 / passport (a bare E12345678 is too much
  like a product code to mask blindly).

Phone numbers (11 digits, or 0/+ prefixed), amounts, dates and customer ids never match:
the shortest pattern needs 15 digits in one run, IDs must start 1-9 with a real province and
birth date, and cards must start 3-6 and pass Luhn.

Policy per ``QualitySettings.sensitive``: ``mask`` replaces the number by its masked form and
reports a WARNING; ``quarantine`` reports an ERROR and the row is not stored. Neither the
issue nor anything else the stage returns contains the unmasked number.

``mask_phone`` is separate: phone numbers are stored in full, and masked only for tables
configured to show them hidden (138****5678).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from core.fields import FIELD_BY_NAME, FieldType
from core.issues import Issue, Severity, excerpt
from core.normalize.base import SEQUENCE_TYPES
from core.normalize.text import FOLD_TEXT, fold_all, fold_text

SensitiveKind = Literal["id_number", "bank_card", "passport"]

#: Field types scanned for sensitive numbers (every kind of free text).
SCANNED_TYPES = frozenset(
    {FieldType.TEXT, FieldType.LONG_TEXT, FieldType.ADDRESS, FieldType.DATED_TEXT, FieldType.TAGS}
)

#: The fields the pipeline scans, in the order their findings are reported.
SCANNED_FIELDS = tuple(spec.name for spec in FIELD_BY_NAME.values() if spec.type in SCANNED_TYPES)

KIND_LABELS: Mapping[str, str] = {
    "id_number": "身份证号码",
    "bank_card": "银行卡号",
    "passport": "护照号码",
}

#: First two digits of a resident ID: the province-level code.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    ]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Only digits bound a number: "ID110101..." and "卡号6222..." must still be found.
_B = r"(?<![0-9])"
_E = r"(?![0-9])"
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_SCAN = re.compile(
    rf"{_B}(?P<id18>[1-9][0-9]{{5}}[ -]?(?:18|19|20)[0-9]{{2}}{_DAY}[ -]?[0-9]{{3}}[0-9Xx]){_E}"
    rf"|{_B}(?P<id15>[1-9][0-9]{{7}}{_DAY}[0-9]{{3}}){_E}"
    rf"|{_B}(?P<card>[3-6][0-9]{{15,18}}|[3-6][0-9]{{3}}(?:[ -][0-9]{{4}}){{3}}(?:[ -]?[0-9]{{1,3}})?){_E}"
    r"|(?P<pp_label>护照(?:号码|号)?|passport(?:\s*(?:no\.?|number))?)\s*[:：]?\s*"
    r"(?P<passport>[A-Za-z]{1,2}[0-9]{7,8})(?![0-9A-Za-z])",
    re.IGNORECASE,
)
# Cheap pre-checks. Every pattern needs a run of 7 digits or two groups of 4 (a passport
# number has 7-8 digits after its letters), so text without them holds nothing to mask. The
# first check works on text before width folding: a run of 4 ASCII or full-width digits,
# possibly with characters between them that folding removes (zero-width spaces ...).
_FOLD_REMOVES = "".join(re.escape(chr(code)) for code, new in FOLD_TEXT.items() if not new)
DIGIT_RUN = re.compile(f"[0-9０-９](?:[{_FOLD_REMOVES}]*[0-9０-９]){{3}}")
_LONG_DIGITS = re.compile(r"[0-9]{7}|[0-9]{4}[ -][0-9]{4}")


# -- checks ------------------------------------------------------------------------------------


def is_resident_id(number: str) -> bool:
    """An 18-character ID with a real province, birth date and check character, or a
    15-digit one with a real province and birth date.

    The check is deliberately not python-stdnum's full ``cn.ric.is_valid``: that also demands
    that the county existed in the birth year (it rejects many real-looking numbers) and
    raises KeyError on some inputs. Checksum plus date is what tells an ID from other digits.
    """
    number = number.upper()
    if len(number) == 18:
        if not number[:17].isdigit() or number[:2] not in PROVINCE_CODES:
            return False
        if not _valid_day(number[6:14]):
            return False
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        return _ID_CHECK[total % 11] == number[17]
    if len(number) == 15 and number.isdigit():
        return number[:2] in PROVINCE_CODES and _valid_day("19" + number[6:12])
    return False


def _valid_day(yyyymmdd: str) -> bool:
    try:
        day = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return day <= date.today()


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a digit string (bank cards)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_bank_card(digits: str) -> bool:
    """16-19 digits, starting 3-6, passing Luhn."""
    return 16 <= len(digits) <= 19 and digits.isdigit() and digits[0] in "3456" and luhn_ok(digits)


# -- masks -------------------------------------------------------------------------------------


def _keep_ends(text: str, head: int, tail: int) -> str:
    hidden = len(text) - head - tail
    if hidden < 1:
        head, tail = min(head, max(len(text) - 2, 0)), min(tail, 1)
        hidden = max(len(text) - head - tail, 0)
    return text[:head] + "*" * hidden + (text[len(text) - tail :] if tail else "")


def mask_id_number(number: str) -> str:
    """First 3 and last 4 kept, as the source documents show.

    >>> mask_id_number("110101199003071234")
    '110***********1234'
    """
    compact = "".join(fold_all(number).replace("-", "").split())
    return _keep_ends(compact, 3, 4)


def mask_bank_card(number: str) -> str:
    """Same style as ID numbers: first 3 and last 4 digits kept.

    >>> mask_bank_card("6222 0212 3456 7890 128")
    '622************0128'
    """
    compact = "".join(fold_all(number).replace("-", "").split())
    return _keep_ends(compact, 3, 4)


def mask_passport(number: str) -> str:
    """First and last 2 characters kept (E12345678 -> E******78)."""
    return _keep_ends(number.strip(), 1, 2)


def _mask_one_phone(number: str) -> str:
    if number.startswith("+"):
        main, _, ext = number.partition(" ext. ")
        masked = "+" + _keep_ends(main[1:], min(4, max(len(main) - 6, 1)), 4)
        return masked + (f" ext. {ext}" if ext else "")
    main, _, ext = number.partition("转")
    suffix = f"转{ext}" if ext else ""
    if len(main) == 11 and main.isdigit():
        return f"{main[:3]}****{main[7:]}" + suffix
    if main.count("-") == 2:  # 400-800-8888
        first, middle, last = main.split("-")
        return f"{first}-{'*' * len(middle)}-{last}" + suffix
    if "-" in main:
        area, _, subscriber = main.partition("-")
        return f"{area}-{_keep_ends(subscriber, 0, 4)}" + suffix
    digits = "".join(ch for ch in main if ch.isdigit())
    return _keep_ends(digits, 3, 4) + suffix if digits else main


def mask_phone(number: str) -> str:
    """A phone number with its middle hidden, for tables that must not show full numbers.

    Mobiles hide the middle four digits; landlines hide the start of the subscriber number
    and keep the area code; foreign numbers keep the country code and the last four digits.
    Text that is not a readable number keeps only its first 3 and last 4 digits.

    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("010-12345678")
    '010-****5678'
    >>> mask_phone("+86 138 1234 5678; 0571-8888888")
    '138****5678; 0571-***8888'
    """
    from core.normalize.phones import normalize_phone

    result = normalize_phone(number)
    if result.value:
        return "; ".join(_mask_one_phone(n) for n in result.value)
    digits = "".join(ch for ch in fold_all(number) if ch.isdigit())
    return _keep_ends(digits, 3, 4) if digits else number


# -- finding numbers in text -------------------------------------------------------------------


class Masked(NamedTuple):
    """Text with its sensitive numbers masked, and what kinds were found.

    (A named tuple: one is made for every distinct text scanned.)
    """

    text: str
    kinds: tuple[SensitiveKind, ...]

    @property
    def found(self) -> bool:
        return bool(self.kinds)


_NOTHING_FOUND: tuple[SensitiveKind, ...] = ()


def _replace(match: re.Match[str], kinds: list[SensitiveKind]) -> str:
    id18 = match.group("id18")
    if id18 is not None:
        compact = id18.replace(" ", "").replace("-", "")
        if is_resident_id(compact):
            kinds.append("id_number")
            return mask_id_number(compact)
        if is_bank_card(compact):
            kinds.append("bank_card")
            return mask_bank_card(compact)
        return match.group()
    id15 = match.group("id15")
    if id15 is not None:
        if is_resident_id(id15):
            kinds.append("id_number")
            return mask_id_number(id15)
        return match.group()
    card = match.group("card")
    if card is not None:
        compact = card.replace(" ", "").replace("-", "")
        if is_bank_card(compact):
            kinds.append("bank_card")
            return mask_bank_card(compact)
        if len(compact) == 18 and is_resident_id(compact):
            kinds.append("id_number")
            return mask_id_number(compact)
        return match.group()
    passport = match.group("passport")
    kinds.append("passport")
    label_end = match.start("passport") - match.start()
    return match.group()[:label_end] + mask_passport(passport)


@lru_cache(maxsize=65536)
def mask_sensitive(text: str) -> Masked:
    """``text`` with every ID, bank card and passport number masked.

    Remembers recent answers: quoted values and free text repeat.

    >>> mask_sensitive("身份证110101199003071233,卡号6222 0212 3456 7890 128").text
    '身份证110***********1233,卡号622************0128'
    """
    return scan_text(text)


def scan_text(text: str) -> Masked:
    """:func:`mask_sensitive` without remembering answers, for callers that see each text
    once (the pipeline remembers whole cells itself)."""
    if DIGIT_RUN.search(text) is None:  # most names, addresses and notes
        return _new_masked(Masked, (text, _NOTHING_FOUND))
    # FOLD_TEXT (full-width digits and letters) is a no-op on normalized text, so the masked
    # text differs from the input only where a number was masked.
    folded = text if text.isascii() else fold_text(text)
    if _LONG_DIGITS.search(folded) is None:
        return _new_masked(Masked, (text, _NOTHING_FOUND))
    kinds: list[SensitiveKind] = []
    masked = _SCAN.sub(lambda m: _replace(m, kinds), folded)
    if not kinds:
        return _new_masked(Masked, (text, _NOTHING_FOUND))
    return Masked(masked, tuple(dict.fromkeys(kinds)))


_new_masked = tuple.__new__


def redact(value: Any) -> str:
    """A value as text that may safely be quoted in messages: sensitive numbers masked."""
    text = "" if value is None else str(value)
    return mask_sensitive(text).text if text else text


_LONG_RUN = re.compile(r"(?<![0-9])[0-9]{15,}(?![0-9])")


def safe_excerpt(value: Any) -> str:
    """What issues quote: a short excerpt, with sensitive numbers masked.

    Messages are stricter than stored text: any run of 15 or more digits is masked too, even
    without a valid checksum, because an ID number that went through a spreadsheet's float
    (110105194912310016) has lost its check digit but not its meaning.
    """
    if isinstance(value, SEQUENCE_TYPES):
        value = ", ".join(str(item) for item in value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        value = int(value)
    text = redact(value)
    if _LONG_RUN.search(text):
        text = _LONG_RUN.sub(lambda m: _keep_ends(m.group(), 3, 4), text)
    return excerpt(text)


# -- the stage ---------------------------------------------------------------------------------


@dataclass
class ProtectResult:
    """Values after masking, the issues raised and how many values were masked."""

    values: dict[str, Any]
    issues: list[Issue]
    masked: int


def scan_value(value: Any) -> tuple[Any, tuple[SensitiveKind, ...]]:
    """A normalized value (text, or a tuple of texts such as tags) with sensitive numbers
    masked, and the kinds found (empty: the value is returned unchanged)."""
    if isinstance(value, str):
        result = scan_text(value)
        return (result.text, result.kinds) if result.kinds else (value, ())
    if isinstance(value, tuple):
        kinds: list[SensitiveKind] = []
        items = []
        for item in value:
            new, found = scan_value(item)
            items.append(new)
            kinds.extend(found)
        return (tuple(items), tuple(dict.fromkeys(kinds))) if kinds else (value, ())
    return value, ()


def scanned_fields(values: Iterable[str]) -> list[str]:
    """The fields of ``values`` that hold free text."""
    return [
        name
        for name in values
        if (spec := FIELD_BY_NAME.get(name)) is not None and spec.type in SCANNED_TYPES
    ]


def protect(
    values: Mapping[str, Any],
    *,
    policy: Literal["mask", "quarantine"] = "mask",
    table: str = "",
    row: str = "",
    fields: Iterable[str] | None = None,
) -> ProtectResult:
    """Scan the free-text fields of normalized ``values``; mask or quarantine what is found.

    ``fields`` limits the scan (default: every free-text field present). The input is never
    changed: when something is masked the result holds a new dict.
    """
    names = scanned_fields(values) if fields is None else fields
    found: list[tuple[str, Any, tuple[SensitiveKind, ...]]] = []
    get = values.get
    scan = mask_sensitive  # cached: most text values repeat
    for name in names:
        value = get(name)
        if value is None:
            continue
        if type(value) is str:
            result = scan(value)
            if result.kinds:
                found.append((name, result.text, result.kinds))
        elif value:
            new, kinds = scan_value(value)
            if kinds:
                found.append((name, new, kinds))
    if not found:
        return ProtectResult(values if isinstance(values, dict) else dict(values), [], 0)
    out = dict(values)
    issues: list[Issue] = []
    masked = 0
    for name, new, kinds in found:
        reason, severity = sensitive_finding(kinds, policy)
        issues.append(Issue(table, row, name, safe_excerpt(new), reason, severity))
        out[name] = masked_value(name, new)
        masked += 1
    return ProtectResult(out, issues, masked)


def sensitive_finding(
    kinds: Iterable[SensitiveKind], policy: Literal["mask", "quarantine"]
) -> tuple[str, Severity]:
    """The reason and severity of the issue for a value in which ``kinds`` were found."""
    what = "、".join(KIND_LABELS[kind] for kind in kinds)
    if policy == "quarantine":
        return f"含有{what},按规定不得保存;请删除后重新同步", Severity.ERROR
    return f"含有{what},已自动脱敏", Severity.WARNING


def masked_value(name: str, new: Any) -> Any:
    """The value stored for field ``name`` after masking: tags stay a sorted set."""
    if isinstance(new, tuple) and name == "tags":
        return tuple(sorted(set(new)))
    return new

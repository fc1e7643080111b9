"""Dates and times: every way tables write them, to ``date`` / timezone-aware ``datetime``.

Accepted:

* text: 2024-05-10, 2024/5/10, 2024.05.10, 2024年5月10日, 2024年5月10号, 24年5月10日,
  二〇二四年五月十日, 20240510, May 10, 2024 / 10 May 2024, each optionally followed by a time
  (14:30, 14:30:05, 14时30分, 下午2:30, 2:30 PM), also glued to the date as in the source
  documents' "2024-05-1014:30"; ISO 8601 with T, fractions and zones (Z, +08:00, +0800);
* 5/10/2024 and 10/5/2024: read when only one reading is a real date (13/5/2024), else by
  ``QualitySettings.ambiguous_dates`` ("reject" by default: the issue asks for YYYY-MM-DD);
* numbers: Feishu millisecond timestamps (13 digits), Unix seconds (10 digits), Excel serial
  day numbers (1900 date system, fractions are the time of day), 20240510 as a number;
* ``date`` and ``datetime`` objects from the connectors.

A time with a zone is converted to the configured timezone; a time without one is taken to
be in it already. Datetimes come out timezone-aware, in the configured timezone, so values
from every table compare correctly. A date field given a date and time keeps the date (in the
configured timezone); a datetime field given a bare date gets midnight.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from core.normalize.base import NUMBER_TYPES, Normalized, fail, ok
from core.normalize.numerals import DIGITS, parse_chinese_integer
from core.normalize.text import cell_text, clean_line, fold_all, is_clean_line, is_placeholder

Ambiguity = Literal["reject", "mdy", "dmy"]

EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's 1900-02-29
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

REASON_FORMAT = "无法识别的日期,请写成YYYY-MM-DD(如2024-05-10)"
REASON_DATETIME_FORMAT = "无法识别的时间,请写成YYYY-MM-DD HH:MM(如2024-05-10 14:30)"
REASON_INVALID = "日期不存在(月份或日子超出范围)"
REASON_AMBIGUOUS = "日期写法有歧义(月/日顺序无法确定),请写成YYYY-MM-DD"
REASON_NO_DAY = "日期不完整(缺少年、月或日),请写成YYYY-MM-DD"
REASON_TIME = "时间不存在(时、分或秒超出范围)"

_TIME = (
    r"(?P<ampm1>上午|下午|中午|晚上|凌晨|早上)?\s*"
    r"(?P<H>\d{1,2})\s*[:时點点]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<S>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?|\s*分)?"
    r"\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)?"
)
_ZONE = r"\s*(?P<tz>z|utc|gmt|(?:utc|gmt)?[+-]\d{1,2}(?::?\d{2})?)?"
_YMD = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    rf"(?:(?P<sep>\s*t\s*|\s+|,\s*)?{_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_COMPACT = re.compile(
    rf"(?P<y>\d{{4}})(?P<m>\d{{2}})(?P<d>\d{{2}})(?:(?P<sep>\s*t\s*|\s+){_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_SHORT_YEAR = re.compile(
    rf"(?P<y>\d{{2}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})[日号]?(?:(?P<sep>\s*){_TIME})?{_ZONE}"
)
_NUMERIC_DMY = re.compile(
    rf"(?P<a>\d{{1,2}})\s*[-/.]\s*(?P<b>\d{{1,2}})\s*[-/.]\s*(?P<y>\d{{4}})(?:(?P<sep>\s+){_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ENGLISH_MDY = re.compile(
    rf"(?P<mon>{_MONTH_NAME})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:(?P<sep>\s+|,\s*){_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_ENGLISH_DMY = re.compile(
    rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<mon>{_MONTH_NAME})\.?[\s-]+(?P<y>\d{{4}})"
    rf"(?:(?P<sep>\s+|,\s*){_TIME})?{_ZONE}",
    re.IGNORECASE,
)
_INCOMPLETE = re.compile(r"\d{4}\s*(?:[-/.年]\s*\d{1,2}\s*月?|年)|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?")
_CN_NUMERAL_RUN = re.compile(r"[零〇○一二三四五六七八九十两]+")
#: Bare days in ASCII digits that _YMD or _COMPACT would read with no time and no zone.
_PLAIN_DAY = re.compile(
    r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})[日号]?|([0-9]{4})([0-9]{2})([0-9]{2})"
)


class _Parsed:
    """What a date text said: the day, an optional time, and an optional UTC offset."""

    __slots__ = ("day", "offset", "time")

    def __init__(self, day: date, time_: time | None, offset: timedelta | None) -> None:
        self.day = day
        self.time = time_
        self.offset = offset


def _zone(text: str | None) -> timedelta | Literal[False] | None:
    if not text:
        return None
    text = text.lower()
    if text in ("z", "utc", "gmt"):
        return timedelta(0)
    text = text.removeprefix("utc").removeprefix("gmt")
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    elif len(digits) == 4:
        hours, minutes = int(digits[:2]), int(digits[2:])
    else:
        return False
    if hours > 14 or minutes > 59:
        return False
    return sign * timedelta(hours=hours, minutes=minutes)


def _time(match: re.Match[str]) -> time | Literal[False] | None:
    if match.group("H") is None:
        return None
    hour, minute = int(match.group("H")), int(match.group("M"))
    second = int(match.group("S") or 0)
    fraction = (match.group("f") or "")[:6].ljust(6, "0")
    marker = (match.group("ampm1") or match.group("ampm2") or "").lower().replace(".", "")
    if marker in ("下午", "晚上", "pm", "中午") and hour < 12:
        if marker != "中午" or hour < 6:
            hour += 12
    elif marker in ("上午", "凌晨", "早上", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return False
    return time(hour, minute, second, int(fraction))


def _glued(match: re.Match[str]) -> bool:
    """Whether a time follows the day without a separator; only 2-digit days and hours may
    be glued (2024-05-1014:30), since 2024-5-114:30 could be the 1st or the 11th."""
    if match.group("H") is None or match.group("sep") is not None:
        return False
    day_end = match.end("d")
    return day_end == match.start("ampm1" if match.group("ampm1") else "H")


def _make(year: int, month: int, day: int, match: re.Match[str]) -> _Parsed | Normalized[Any]:
    try:
        parsed_day = date(year, month, day)
    except ValueError:
        return fail(REASON_INVALID)
    if _glued(match) and (len(match.group("d")) != 2 or len(match.group("H")) != 2):
        return fail(REASON_FORMAT)
    parsed_time = _time(match)
    if parsed_time is False:
        return fail(REASON_TIME)
    offset = _zone(match.group("tz"))
    if offset is False:
        return fail(REASON_FORMAT)
    return _Parsed(parsed_day, parsed_time, offset)


def _chinese_numerals(text: str) -> str:
    """二〇二四年五月十日 -> 2024年5月10日 (only runs of numerals next to 年/月/日)."""

    def _convert(match: re.Match[str]) -> str:
        run = match.group()
        if all(char in DIGITS for char in run):
            return "".join(str(DIGITS[char]) for char in run)
        value = parse_chinese_integer(run.replace("两", "二"))
        return run if value is None else str(value)

    return _CN_NUMERAL_RUN.sub(_convert, text)


@lru_cache(maxsize=4096)
def _parse_text(text: str, ambiguous: Ambiguity) -> _Parsed | Normalized[Any]:
    text = " ".join(fold_all(text).split())
    if _CN_NUMERAL_RUN.search(text):
        text = _chinese_numerals(text)
    match = _YMD.fullmatch(text)
    if match is not None:
        return _make(int(match.group("y")), int(match.group("m")), int(match.group("d")), match)
    match = _COMPACT.fullmatch(text)
    if match is not None:
        return _make(int(match.group("y")), int(match.group("m")), int(match.group("d")), match)
    if text.isdigit():
        if len(text) == 13:
            return _from_timestamp(int(text) / 1000)
        return fail(REASON_FORMAT)
    match = _SHORT_YEAR.fullmatch(text)
    if match is not None:
        year = 2000 + int(match.group("y"))
        return _make(year, int(match.group("m")), int(match.group("d")), match)
    match = _NUMERIC_DMY.fullmatch(text)
    if match is not None:
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
        as_mdy = _valid(year, a, b)
        as_dmy = _valid(year, b, a)
        if as_mdy and as_dmy and a != b:
            if ambiguous == "reject":
                return fail(REASON_AMBIGUOUS)
            as_mdy, as_dmy = ambiguous == "mdy", ambiguous == "dmy"
        if as_mdy:
            return _make(year, a, b, match)
        if as_dmy:
            return _make(year, b, a, match)
        return fail(REASON_INVALID)
    for pattern in (_ENGLISH_MDY, _ENGLISH_DMY):
        match = pattern.fullmatch(text)
        if match is not None:
            month = _MONTHS[match.group("mon").lower()]
            return _make(int(match.group("y")), month, int(match.group("d")), match)
    if _INCOMPLETE.fullmatch(text):
        return fail(REASON_NO_DAY)
    return fail(REASON_FORMAT)


_CELL_DATE_TYPES = (date, int, float, Decimal)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _from_timestamp(seconds: float) -> _Parsed | Normalized[Any]:
    try:
        moment = UNIX_EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return fail(REASON_FORMAT)
    return _Parsed(moment.date(), moment.timetz().replace(tzinfo=None), timedelta(0))


def _from_number(value: float) -> _Parsed | Normalized[Any]:
    """Feishu ms timestamps, Unix seconds, Excel serials and 20240510 written as a number."""
    if value != value or value in (float("inf"), float("-inf")) or value <= 0:
        return fail(REASON_FORMAT)
    if 1e11 <= value < 1e14:
        return _from_timestamp(value / 1000)
    if 19000101 <= value <= 29991231 and float(value).is_integer():
        text = str(int(value))
        if _valid(int(text[:4]), int(text[4:6]), int(text[6:])):
            return _Parsed(date(int(text[:4]), int(text[4:6]), int(text[6:])), None, None)
    if 1e9 <= value < 1e11:
        return _from_timestamp(value)
    if value < _SERIAL_DAYS_BELOW:
        try:
            moment = EXCEL_EPOCH + timedelta(days=float(value))
        except OverflowError:
            return fail(REASON_FORMAT)
        # Round to the second: serials carry float noise (0.6041666666 is 14:30:00).
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
        clock = moment.time()
        return _Parsed(moment.date(), None if clock == time(0) else clock, None)
    return fail(REASON_FORMAT)


def _read(value: Any, ambiguous: Ambiguity) -> _Parsed | Normalized[Any] | None:
    """Any cell -> what it says, a failure, or ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        offset = value.utcoffset()
        return (
            _Parsed(value.date(), value.time(), offset)
            if offset is not None
            else _Parsed(value.date(), None if value.time() == time(0) else value.time(), None)
        )
    if isinstance(value, date):
        return _Parsed(value, None, None)
    if isinstance(value, bool):
        return fail(REASON_FORMAT)
    if isinstance(value, Decimal) and not value.is_finite():
        return fail(REASON_FORMAT)
    if isinstance(value, NUMBER_TYPES):
        try:
            return _from_number(float(value))
        except OverflowError:  # an int too large for a float
            return fail(REASON_FORMAT)
    text = cell_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or is_placeholder(text):
        return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        # The ISO forms most cells use, read by the C parser: 2024-05-10, 2024-05-10 14:30,
        # 2024-05-10T06:30:00+08:00. Anything it rejects takes the general path.
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if len(text) == 10:
                return _Parsed(moment.date(), None, None)
            offset = moment.utcoffset()
            clock = moment.time()
            return _Parsed(
                moment.date(), None if clock == time(0) and offset is None else clock, offset
            )
    return _parse_text(text, ambiguous)


@lru_cache(maxsize=16)
def zone(name: str) -> tzinfo:
    """The ``ZoneInfo`` for a configured timezone name (cached)."""
    return ZoneInfo(name)


def _local(parsed: _Parsed, tz: tzinfo) -> datetime:
    clock = parsed.time or time(0)
    if parsed.offset is None:
        return datetime.combine(parsed.day, clock, tz)
    return datetime.combine(parsed.day, clock, timezone(parsed.offset)).astimezone(tz)


def normalize_date(
    value: Any, *, tz: str | tzinfo = "Asia/Shanghai", ambiguous: Ambiguity = "reject"
) -> Normalized[date]:
    """A date cell to a ``date``.

    >>> normalize_date("2024年5月10日").value
    datetime.date(2024, 5, 10)
    >>> normalize_date(1715270400000).value  # Feishu: 2024-05-10 00:00 in Beijing
    datetime.date(2024, 5, 10)
    """
    day = _common_day(value)
    if day is not None:
        return ok(day)
    parsed = _read(value, ambiguous)
    if parsed is None:
        return ok(None)
    if isinstance(parsed, Normalized):
        return parsed
    if parsed.offset is None:
        return ok(parsed.day)
    return ok(_local(parsed, zone(tz) if isinstance(tz, str) else tz).date())


def _common_day(value: Any) -> date | None:
    """What :func:`normalize_date` gives for the forms most date cells use, read without
    folding, the lru cache or the general patterns; None for anything else (which takes the
    general path, and so does a day that does not exist: it says which part is wrong).

    The forms: 2024-05-10 (the C parser); 2024/5/10, 2024年5月10日, 2024.05.10 and 20240510
    with no time and no zone; Excel serial day numbers with no time of day (45422.0); and
    date cells.
    """
    kind = type(value)
    if kind is str:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        plain = _PLAIN_DAY.fullmatch(value)
        if plain is None:
            return None
        y, m, d = plain.group(1, 2, 3) if plain.group(1) else plain.group(4, 5, 6)
        try:
            return date(int(y), int(m), int(d))
        except ValueError:
            return None
    if kind is float or kind is int:
        # A whole serial day is midnight: the general path rounds its time away.
        if 0 < value < _SERIAL_DAYS_BELOW and (kind is int or value.is_integer()):
            return (EXCEL_EPOCH + timedelta(value)).date()
        return None
    return value if kind is date else None


#: Numbers below this are Excel serial days (see _from_number).
_SERIAL_DAYS_BELOW = 1e6


def plain_dates(cells: Sequence[Any]) -> list[date | None]:
    """Per cell: what :func:`normalize_date` gives for the commonest date cells (ISO and
    plain written days, whole Excel serial days, date cells); else None.

    >>> plain_dates(["2024/5/10", 45422.0, "2024-02-30", "下周"])
    [datetime.date(2024, 5, 10), datetime.date(2024, 5, 10), None, None]
    """
    return [_common_day(cell) for cell in cells]


def normalize_datetime(
    value: Any, *, tz: str | tzinfo = "Asia/Shanghai", ambiguous: Ambiguity = "reject"
) -> Normalized[datetime]:
    """A date-and-time cell to a timezone-aware ``datetime`` in ``tz``.

    >>> normalize_datetime("2024-05-1014:30").value
    datetime.datetime(2024, 5, 10, 14, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
    """
    zone_ = zone(tz) if isinstance(tz, str) else tz
    moment = _common_moment(value, zone_)
    if moment is not None:
        return ok(moment)
    parsed = _read(value, ambiguous)
    if parsed is None:
        return ok(None)
    if isinstance(parsed, Normalized):
        return parsed if parsed.problem not in (REASON_FORMAT,) else fail(REASON_DATETIME_FORMAT)
    return ok(_local(parsed, zone_))


def _in_zone(moment: datetime, tz: tzinfo) -> datetime:
    """``moment.replace(tzinfo=tz)`` for a naive datetime (fold kept), at a quarter of its
    cost: replace() parses its keywords, 10k instructions a call (callgrind)."""
    return datetime.combine(moment, moment.time(), tz)


def _common_moment(value: Any, tz: tzinfo) -> datetime | None:
    """What :func:`normalize_datetime` gives for the forms most 最后更新时间 cells use, read
    by the C parser; None for anything else (which takes the general path).

    The forms: ISO 8601 such as 2024-05-10 14:30 or 2024-05-10T06:30:00+08:00; the source
    documents' glued 2024-05-1014:30, which the general path reads as day 10 at 14:30
    (two-digit day and hour), as the ISO parser does once the space is put back; and
    datetime cells (Excel, the official clients), naive ones being in ``tz``. A date or time
    that does not exist takes the general path, which says which part is wrong.
    """
    kind = type(value)
    if kind is str:
        size = len(value)
        if size >= 16 and value[4] == "-" and value[10] in " T":
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return None
            return _in_zone(moment, tz) if moment.tzinfo is None else moment.astimezone(tz)
        if (
            size == 15
            and value[4] == "-"
            and value[7] == "-"
            and value[12] == ":"
            and value.isascii()
            and value[:4].isdigit()
            and value[5:7].isdigit()
            and value[8:12].isdigit()
            and value[13:].isdigit()
        ):
            try:
                return _in_zone(datetime.fromisoformat(f"{value[:10]} {value[10:]}"), tz)
            except ValueError:
                return None
        return None
    if kind is datetime and not value.fold:
        # (the general path reads a naive midnight as a date, which drops a fold of 1)
        return _in_zone(value, tz) if value.tzinfo is None else value.astimezone(tz)
    return None


# -- 下次跟进计划: "2024-05-20:跟进合同签订" ------------------------------------------------------

_PLAN = re.compile(
    r"^(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|\d{8}(?!\d))"
    r"(?:\s*[:：,，;；、\-—]\s*|\s+|(?=\D)|$)(?P<rest>.*)$",
    re.DOTALL,
)
_DATE_LIKE_START = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}")
#: Where the task starts in a plan written "YYYY-MM-DD:事项", and what may not start it.
PLAN_TASK_AT = 11
_TASK_LEADS = ":：,，;；、-— "


def normalize_dated_text(
    value: Any, *, tz: str | tzinfo = "Asia/Shanghai", ambiguous: Ambiguity = "reject"
) -> Normalized[tuple[str, date | None]]:
    """下次跟进计划 to (text, date): "YYYY-MM-DD:事项" when a date leads the text.

    The date may be written in any form :func:`normalize_date` reads; the text is rewritten
    as ``2024-05-20:跟进合同签订`` so every table shows the same thing. A plan without a
    leading date keeps its text and has no date; one that starts like a date that does not
    exist (2024-13-01:...) is a problem.

    >>> normalize_dated_text("2024/5/20 跟进合同签订").value
    ('2024-05-20:跟进合同签订', datetime.date(2024, 5, 20))
    """
    if isinstance(value, _CELL_DATE_TYPES) and not isinstance(value, bool):
        result = normalize_date(value, tz=tz, ambiguous=ambiguous)
        if result.problem is not None or result.value is None:
            return fail(result.problem) if result.problem else ok(None)
        return ok((result.value.isoformat(), result.value))
    text = cell_text(value)
    if text is None:
        return ok(None)
    day_value = _documented_day(text)
    if day_value is not None:  # already "YYYY-MM-DD:事项", the documented form: the common case
        rest = clean_line(text[PLAN_TASK_AT:])
        if rest and rest[0] not in _TASK_LEADS:
            return ok((f"{text[:PLAN_TASK_AT]}{rest}", day_value))
    text = clean_line(text)
    if not text:
        return ok(None)
    folded = fold_all(text)
    match = _PLAN.match(folded)
    if match is None:
        if _DATE_LIKE_START.match(folded):
            return fail(REASON_FORMAT)
        return ok((text, None))
    day = normalize_date(match.group("date"), tz=tz, ambiguous=ambiguous)
    if day.problem is not None or day.value is None:
        return fail(day.problem or REASON_FORMAT)
    # The task keeps its own characters (Chinese punctuation included): cut it from the
    # unfolded text, which has the same length as the folded one.
    rest = text[match.start("rest") :].strip()
    rest = rest.lstrip(_TASK_LEADS).strip()
    label = f"{day.value.isoformat()}:{rest}" if rest else day.value.isoformat()
    return ok((label, day.value))


def plain_plans(cells: Sequence[Any]) -> list[tuple[str, date] | None]:
    """Per cell: what :func:`normalize_dated_text` gives for a plan already written the
    documented way, "YYYY-MM-DD:事项" with a clean task; else None.

    >>> plain_plans(["2024-05-20:跟进合同签订", "2024/5/20 跟进", "2024-05-20: 跟进"])[1:]
    [None, None]
    """
    return [_common_plan(cell) for cell in cells]


def _common_plan(value: Any) -> tuple[str, date] | None:
    if type(value) is not str:
        return None
    day = _documented_day(value)
    if day is None or value[PLAN_TASK_AT] in _TASK_LEADS or not is_clean_line(value[PLAN_TASK_AT:]):
        return None
    return (value, day)


def _documented_day(text: str) -> date | None:
    """The date of a plan written the documented way, "YYYY-MM-DD:事项", else None."""
    if len(text) > PLAN_TASK_AT and text[10] == ":" and text[4] == "-" and text[:10].isascii():
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def plain_datetimes(cells: Sequence[Any], tz: tzinfo) -> list[datetime | None]:
    """Per cell: what :func:`normalize_datetime` gives for an ISO date and time (zone or
    not), the glued 2024-05-1014:30 or a datetime, the commonest 最后更新时间 cells; else
    None.

    >>> plain_datetimes(["2024-05-10 14:30", "2024/5/10"], zone("Asia/Shanghai"))[1] is None
    True
    """
    return [_common_moment(cell, tz) for cell in cells]

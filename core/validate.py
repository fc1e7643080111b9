"""The ``validate`` stage: normalized values and normalization problems -> issues.

What is checked, and where:

* formats that decide whether a value can be read at all (phone numbers, e-mail, dates,
  amounts, 客户编号, dropdown membership, industry) are judged while normalizing, because the
  parser is the only thing that knows; each such problem becomes an ERROR issue here;
* required fields (``QualitySettings.required``, default: the dictionary's 必填 fields);
* dates within sane bounds (``QualitySettings.earliest_year`` to this year +
  ``future_years``): 1900-01-01 from an empty Excel cell or 2100 from a typo is an issue;
* dropdown values are checked again against the choices, so values that did not come through
  the normalizer cannot slip a new option in.

Issues quote the value through :func:`core.protect.safe_excerpt`, so a sensitive number typed
into a wrong column is never quoted in full. Reasons are in Chinese, like the rest of the
messages people see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from core.errors import ConfigError
from core.fields import FIELD_BY_NAME, REQUIRED_FIELDS, FieldType
from core.issues import Issue, Severity
from core.models import CUSTOMER_REQUIRED
from core.normalize import FieldProblem
from core.protect import safe_excerpt
from core.settings import QualitySettings

REASON_REQUIRED = "必填项为空"
REASON_UNKNOWN_FIELD = "不是客户信息字段,已忽略"

#: Fields holding dates (derived ones included), in the order their bounds are checked.
DATE_FIELDS = tuple(
    spec.name
    for spec in FIELD_BY_NAME.values()
    if spec.type in (FieldType.DATE, FieldType.DATETIME)
) + tuple(
    f"{spec.name}_date" for spec in FIELD_BY_NAME.values() if spec.type is FieldType.DATED_TEXT
)
#: Derived date field -> the field it was read from (and which issues name).
DATE_SOURCE = {
    f"{spec.name}_date": spec.name
    for spec in FIELD_BY_NAME.values()
    if spec.type is FieldType.DATED_TEXT
}


def required_fields(quality: QualitySettings) -> tuple[str, ...]:
    """The fields a row must have under ``quality``; ``ConfigError`` names unknown ones.

    A customer cannot exist without 客户名称 and 联系人姓名 (:data:`CUSTOMER_REQUIRED`):
    a configured list that leaves them out still has them, first.
    """
    names = tuple(quality.required) if quality.required is not None else REQUIRED_FIELDS
    names = (*(name for name in CUSTOMER_REQUIRED if name not in names), *names)
    unknown = [name for name in names if name not in FIELD_BY_NAME]
    if unknown:
        raise ConfigError(f"quality.required: unknown field(s) {', '.join(unknown)}")
    return names


def date_bounds(quality: QualitySettings, today: date) -> tuple[int, int]:
    """The first and last acceptable year."""
    return quality.earliest_year, today.year + quality.future_years


def bounds_reason(first: int, last: int) -> str:
    """Why a date outside ``first``..``last`` (years) is rejected."""
    return f"日期超出合理范围({first}年至{last}年),请检查是否填错"


def choice_reason(options: Iterable[str]) -> str:
    """Why a value that is not one of a dropdown's ``options`` is rejected."""
    return "不在可选值中,可选:" + "/".join(options)


def validate(
    values: Mapping[str, Any],
    problems: Iterable[FieldProblem] = (),
    *,
    quality: QualitySettings | None = None,
    today: date | None = None,
    table: str = "",
    row: str = "",
    required: Sequence[str] | None = None,
    choices: Mapping[str, Iterable[str]] | None = None,
    unknown: Iterable[str] = (),
    raw: Mapping[str, Any] | None = None,
) -> list[Issue]:
    """Issues for one normalized row.

    Args:
        values: canonical field -> normalized value (derived fields included).
        problems: what the normalizers could not read.
        quality: the settings (required fields, date bounds).
        today: the reference day for date bounds (default: today).
        table, row: where the row came from, for the issues.
        required: overrides the required fields of ``quality`` (the pipeline passes them
            precomputed).
        choices: allowed values per dropdown field (default: the dictionary's choices plus
            configured ones).
        unknown: keys of the raw row that are not customer fields (reported as warnings).
        raw: the raw row, quoted by the bounds check.
    """
    quality = quality or QualitySettings()
    today = today or date.today()
    issues: list[Issue] = []
    failed: set[str] = set()
    for problem in problems:
        failed.add(problem.field)
        issues.append(Issue(table, row, problem.field, safe_excerpt(problem.raw), problem.reason))

    get = values.get
    for name in required if required is not None else required_fields(quality):
        value = get(name)
        if (value is None or value == "" or value == ()) and name not in failed:
            issues.append(Issue(table, row, name, "", REASON_REQUIRED))

    first, last = date_bounds(quality, today)
    for name in DATE_FIELDS:
        value = get(name)
        if value is None:
            continue
        # datetime is a date: one isinstance check covers both.
        year = value.year if isinstance(value, date) else None
        if year is not None and not first <= year <= last:
            source = DATE_SOURCE.get(name, name)
            quoted = raw.get(source) if raw is not None and source in raw else value
            issues.append(
                Issue(
                    table,
                    row,
                    source,
                    safe_excerpt(quoted),
                    bounds_reason(first, last),
                )
            )

    allowed = choices if choices is not None else default_choices(quality)
    for name, options in allowed.items():
        value = get(name)
        if value is not None and value not in options and name not in failed:
            issues.append(Issue(table, row, name, safe_excerpt(value), choice_reason(options)))

    for name in unknown:
        issues.append(Issue(table, row, name, "", REASON_UNKNOWN_FIELD, Severity.WARNING))
    return issues


def default_choices(quality: QualitySettings) -> dict[str, tuple[str, ...]]:
    """Allowed values per dropdown field: the dictionary's plus configured ones."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in FIELD_BY_NAME.values():
        if spec.type is FieldType.ENUM:
            extra = quality.enum_choices.get(spec.name, []) if spec.extensible else []
            out[spec.name] = tuple(dict.fromkeys((*spec.choices, *extra)))
    return out

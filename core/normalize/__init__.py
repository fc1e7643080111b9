"""The ``normalize`` stage: raw cell values -> clean canonical values, or problems.

One module per kind of value (``phones``, ``dates``, ``amounts``, ``enums``, ``industry``,
``address``, ``text``, ``ids``); the field dictionary (``core.fields``) says which field is
which kind. :class:`RowNormalizer` is built once per configuration and then applied to rows;
it also hands each field's normalizer to the pipeline (``core.effects``), which remembers
results per distinct value.

Every normalizer is a pure function that never raises on bad input: it returns
:class:`~core.normalize.base.Normalized` with a ``problem`` (in words for people) instead,
and the validate stage turns problems into issues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from core.fields import FIELDS, FieldType
from core.normalize.address import AddressParts, normalize_address, split_address
from core.normalize.amounts import normalize_amount
from core.normalize.base import EMPTY, Normalized, fail, ok
from core.normalize.dates import normalize_date, normalize_dated_text, normalize_datetime, zone
from core.normalize.enums import EnumTable, build_enum_table, normalize_enum
from core.normalize.ids import normalize_customer_id
from core.normalize.industry import IndustryTable, industry_code, normalize_industry
from core.normalize.phones import normalize_phone
from core.normalize.text import (
    cell_text,
    clean_block,
    clean_line,
    company_key,
    fold_width,
    normalize_email,
    normalize_long_text,
    normalize_tags,
    normalize_text,
)
from core.settings import QualitySettings

__all__ = [
    "ADDRESS_PARTS",
    "EMPTY",
    "AddressParts",
    "EnumTable",
    "FieldProblem",
    "IndustryTable",
    "Normalized",
    "NormalizedRow",
    "RowNormalizer",
    "cell_text",
    "clean_block",
    "clean_line",
    "company_key",
    "fail",
    "fold_width",
    "industry_code",
    "normalize_address",
    "normalize_amount",
    "normalize_customer_id",
    "normalize_date",
    "normalize_dated_text",
    "normalize_datetime",
    "normalize_email",
    "normalize_enum",
    "normalize_industry",
    "normalize_long_text",
    "normalize_phone",
    "normalize_tags",
    "normalize_text",
    "ok",
    "split_address",
    "spread_fields",
]

Normalizer = Callable[[Any], Normalized[Any]]
#: A field's normalized value and the values derived from it, as (field, value) pairs.
Spread = Callable[[str, Any], list[tuple[str, Any]]]


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A value that could not be normalized: the raw value and the reason."""

    field: str
    raw: Any
    reason: str


@dataclass(slots=True)
class NormalizedRow:
    """Canonical values (derived ones included), problems, and fields that are not ours."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


#: The fields an address fills in besides itself.
ADDRESS_PARTS = ("province", "city", "district")


# A field with a spread fills in every one of its fields whenever it has a value, ``None``
# for a part it does not tell: the fields a cell sets depend only on its column and on
# whether it is empty, which lets the pipeline lay a batch out column by column.
def _spread_address(name: str, result: Any) -> list[tuple[str, Any]]:
    parts: AddressParts = result
    return [
        (name, parts.address),
        ("province", parts.province),
        ("city", parts.city),
        ("district", parts.district),
    ]


def _spread_dated(name: str, result: Any) -> list[tuple[str, Any]]:
    text, day = result
    return [(name, text), (f"{name}_date", day)]


def spread_fields(name: str, spread: Spread | None) -> tuple[str, ...]:
    """The fields a value of field ``name`` fills in, in the order its spread gives them."""
    if spread is _spread_address:
        return (name, *ADDRESS_PARTS)
    if spread is _spread_dated:
        return (name, f"{name}_date")
    return (name,)


class RowNormalizer:
    """Normalizes rows of canonical field -> raw value under one configuration.

    Raises ``ConfigError`` at construction when the configured enum aliases, enum choices or
    industry aliases do not fit the dictionary.
    """

    def __init__(
        self, quality: QualitySettings | None = None, timezone: str = "Asia/Shanghai"
    ) -> None:
        quality = quality or QualitySettings()
        self.quality = quality
        self.timezone = timezone
        industry = IndustryTable(quality.industry_aliases)
        tz = zone(timezone)
        by_type: dict[FieldType, Normalizer] = {
            FieldType.ID: normalize_customer_id,
            FieldType.TEXT: normalize_text,
            FieldType.LONG_TEXT: normalize_long_text,
            FieldType.PHONE: normalize_phone,
            FieldType.EMAIL: normalize_email,
            FieldType.ADDRESS: normalize_address,
            FieldType.INDUSTRY: industry.normalize,
            # The zone resolved once (the same cached ZoneInfo the functions would look up),
            # not by name for every date.
            FieldType.DATE: partial(normalize_date, tz=tz, ambiguous=quality.ambiguous_dates),
            FieldType.DATETIME: partial(
                normalize_datetime, tz=tz, ambiguous=quality.ambiguous_dates
            ),
            FieldType.DATED_TEXT: partial(
                normalize_dated_text, tz=tz, ambiguous=quality.ambiguous_dates
            ),
            FieldType.AMOUNT: normalize_amount,
            FieldType.TAGS: normalize_tags,
        }
        self.enum_tables: dict[str, EnumTable] = {}
        self._fields: dict[str, tuple[Normalizer, Spread | None]] = {}
        for spec in FIELDS:
            if spec.type is FieldType.ENUM:
                table = build_enum_table(
                    spec,
                    quality.enum_aliases.get(spec.name),
                    quality.enum_choices.get(spec.name, ()),
                )
                self.enum_tables[spec.name] = table
                normalizer: Normalizer = table.normalize
            else:
                normalizer = by_type[spec.type]
            spread = (
                _spread_address
                if spec.type is FieldType.ADDRESS
                else _spread_dated
                if spec.type is FieldType.DATED_TEXT
                else None
            )
            self._fields[spec.name] = (normalizer, spread)
        unknown_alias_fields = set(quality.enum_aliases) - set(self.enum_tables)
        unknown_choice_fields = set(quality.enum_choices) - set(self.enum_tables)
        if unknown_alias_fields or unknown_choice_fields:
            from core.errors import ConfigError

            names = ", ".join(sorted(unknown_alias_fields | unknown_choice_fields))
            raise ConfigError(
                f"quality.enum_aliases / enum_choices: {names} is not a dropdown field"
            )

        # Load the division table and phone metadata now, not inside the first row.
        split_address("北京市")

    def normalizer_of(self, name: str) -> tuple[Normalizer, Spread | None] | None:
        """Field ``name``'s normalizer and how its result spreads into a row (``None`` for
        the plain value), or ``None`` when ``name`` is not a customer field."""
        return self._fields.get(name)

    def __call__(self, values: Mapping[str, Any]) -> NormalizedRow:
        out: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        unknown: list[str] = []
        fields = self._fields
        for name, raw in values.items():
            entry = fields.get(name)
            if entry is None:
                unknown.append(name)
                continue
            if raw is None or (type(raw) is str and not raw) or raw == "":
                continue
            normalizer, spread = entry
            value, problem = normalizer(raw)
            if problem is not None:
                problems.append(FieldProblem(name, raw, problem))
            elif value is not None:
                if spread is None:
                    out[name] = value
                else:
                    out.update(spread(name, value))
        return NormalizedRow(out, problems, unknown)

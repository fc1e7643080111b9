"""Dropdown fields (客户等级, 合作状态, 跟进方式 ...): a value becomes one of the field's choices.

A value is matched against the choices, then the dictionary's ``choice_aliases``, then the
configured ``QualitySettings.enum_aliases`` (重点 / A类 / VIP -> 重点客户), ignoring case,
width and spaces. An unknown value is a problem that names the allowed choices: it is never
accepted as it is and never added as a new option. Fields marked ``extensible`` also accept
the configured ``QualitySettings.enum_choices``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import ConfigError
from core.fields import FieldSpec, FieldType, field_spec
from core.normalize.base import Normalized, fail, ok
from core.normalize.text import fold_all, is_placeholder, single_cell_text

REASON_MANY = "只能选择一个值"


def fold_key(text: str) -> str:
    """How choice spellings are compared: width, case and all spaces ignored."""
    return "".join(fold_all(text).split()).casefold()


@dataclass(frozen=True)
class EnumTable:
    """The accepted spellings of one enum field."""

    field: str
    choices: tuple[str, ...]
    lookup: Mapping[str, str]

    @property
    def reason_unknown(self) -> str:
        return "不在可选值中,可选:" + "/".join(self.choices)

    def normalize(self, value: Any) -> Normalized[str]:
        """One cell of this field to a choice.

        >>> level_table().normalize("A类").value
        '重点客户'
        """
        text, several = single_cell_text(value)
        if several:
            return fail(REASON_MANY)
        if text is None:
            return ok(None)
        key = fold_key(text)
        if not key or is_placeholder(key):
            return ok(None)
        choice = self.lookup.get(key)
        if choice is None:
            return fail(self.reason_unknown)
        return ok(choice)


def build_enum_table(
    spec: FieldSpec,
    extra_aliases: Mapping[str, str] | None = None,
    extra_choices: Iterable[str] = (),
) -> EnumTable:
    """The lookup for ``spec``, with configured aliases and (extensible fields) choices.

    Raises ``ConfigError`` when a configured alias points at a value that is not a choice,
    or extra choices are configured for a field that is not extensible.
    """
    if spec.type is not FieldType.ENUM:
        raise ConfigError(f"{spec.name} is not a dropdown field")
    extra = [choice.strip() for choice in extra_choices if choice.strip()]
    if extra and not spec.extensible:
        raise ConfigError(
            f"quality.enum_choices: {spec.label} ({spec.name}) has a fixed list of choices"
        )
    choices = tuple(dict.fromkeys((*spec.choices, *extra)))
    lookup: dict[str, str] = {}
    for choice in choices:
        lookup[fold_key(choice)] = choice
    aliases = {**spec.choice_aliases, **(extra_aliases or {})}
    for alias, target in aliases.items():
        if target not in choices:
            raise ConfigError(
                f"quality.enum_aliases: {spec.name} alias {alias!r} points at {target!r}, "
                f"which is not one of {'/'.join(choices)}"
            )
        # A choice's own spelling always wins over an alias that happens to fold to it.
        lookup.setdefault(fold_key(alias), target)
    return EnumTable(spec.name, choices, lookup)


def level_table() -> EnumTable:
    """The 客户等级 table with the dictionary's aliases only (for examples and tests)."""
    return build_enum_table(field_spec("level"))


def normalize_enum(
    field: str,
    value: Any,
    *,
    aliases: Mapping[str, str] | None = None,
    choices: Iterable[str] = (),
) -> Normalized[str]:
    """One-off form of :meth:`EnumTable.normalize`; the pipeline builds each table once.

    >>> normalize_enum("level", "VIP").value
    '重点客户'
    """
    return build_enum_table(field_spec(field), aliases, choices).normalize(value)

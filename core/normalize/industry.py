"""所属行业 to the names of GB/T 4754-2017 国民经济行业分类 (门类 or 大类).

The table ships as ``core/data/gbt4754_2017.csv`` (20 门类 + 97 大类, see ``core.data``), the
everyday synonyms as ``core/data/industry_synonyms.csv``; a deployment adds its own with
``QualitySettings.industry_aliases``.

A value is read, in order, as: a GB/T name (punctuation, width, case and spaces ignored, so
农林牧渔业 is 农、林、牧、渔业); a code (C, 13, C13); a synonym (生产制造 -> 制造业); the
shortest GB/T name that contains it, when only one is that short (汽车制造 -> 汽车制造业); the longest GB/T name it contains when
that is unique (高端装备制造业 -> 制造业). Anything else is a problem, never a new industry.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from core.errors import ConfigError
from core.normalize.base import Normalized, fail, ok
from core.normalize.text import fold_all, is_placeholder, single_cell_text

REASON_UNKNOWN = (
    "无法对应到国民经济行业分类(GB/T 4754-2017)的门类或大类名称,如“制造业”“软件和信息技术服务业”"
)
REASON_MANY = "只能填写一个行业"

_NOISE = re.compile(r"[\s、,，.。·/／()（）\-—_]+")
_CODE = re.compile(r"([A-Ta-t])?\s*(\d{2})?")
_SEVERAL = re.compile(r"[;；]|、(?=.{2,}业)")


@dataclass(frozen=True)
class Industry:
    code: str  # "C" for a 门类, "13" for a 大类
    level: str  # 门类 / 大类
    name: str
    parent: str | None  # the 门类 code of a 大类


def _key(text: str) -> str:
    return _NOISE.sub("", fold_all(text)).casefold()


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("core.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def industries() -> tuple[Industry, ...]:
    """The 117 rows of the shipped GB/T 4754-2017 table, in code order."""
    return tuple(
        Industry(row["code"], row["level"], row["name"], row["parent"] or None)
        for row in _read_csv("gbt4754_2017.csv")
    )


@lru_cache(maxsize=1)
def shipped_synonyms() -> Mapping[str, str]:
    """Everyday word -> GB/T name, from the shipped synonyms file."""
    return {row["synonym"]: row["name"] for row in _read_csv("industry_synonyms.csv")}


def industry_by_name(name: str) -> Industry | None:
    """The table row of a GB/T name (as the normalizer writes it)."""
    return _by_name().get(name)


@lru_cache(maxsize=1)
def _by_name() -> Mapping[str, Industry]:
    return {row.name: row for row in industries()}


class IndustryTable:
    """The lookups for one configuration (shipped synonyms + configured ones)."""

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        rows = industries()
        by_name = _by_name()
        self._names: dict[str, str] = {_key(row.name): row.name for row in rows}
        self._codes: dict[str, str] = {}
        for row in rows:
            self._codes[row.code.casefold()] = row.name
            if row.parent:
                self._codes[(row.parent + row.code).casefold()] = row.name
        self._synonyms: dict[str, str] = {}
        for source, table in (
            ("industry_synonyms.csv", shipped_synonyms()),
            ("quality.industry_aliases", aliases or {}),
        ):
            for word, target in table.items():
                if target not in by_name:
                    raise ConfigError(
                        f"{source}: {word!r} points at {target!r}, which is not a GB/T 4754-2017 "
                        "门类 or 大类 name"
                    )
                self._synonyms[_key(word)] = target
        # Longest first, so 软件和信息技术服务业 wins over a shorter name inside it.
        self._by_length = sorted(self._names.items(), key=lambda item: -len(item[0]))
        self.normalize_text = lru_cache(maxsize=4096)(self._normalize_text)

    def _normalize_text(self, text: str) -> Normalized[str]:
        stripped = text.strip()
        key = _key(stripped)
        if not key or is_placeholder(stripped):
            return ok(None)
        found = self._names.get(key) or self._synonyms.get(key)
        if found is not None:
            return ok(found)
        if _SEVERAL.search(stripped):
            return fail(REASON_MANY)
        code = _CODE.fullmatch(key)
        if code is not None and (code.group(1) or code.group(2)):
            found = self._codes.get(key)
            return ok(found) if found is not None else fail(REASON_UNKNOWN)
        if len(key) >= 2:
            # The closest GB/T name containing it: 汽车制造 -> 汽车制造业; 软件和信息技术服务
            # -> 软件和信息技术服务业 rather than the longer 门类 name around it.
            containing = sorted((len(k), name) for k, name in self._names.items() if key in k)
            if containing and (len(containing) == 1 or containing[0][0] < containing[1][0]):
                return ok(containing[0][1])
            contained = [(k, name) for k, name in self._by_length if k in key]
            if contained and (len(contained) == 1 or len(contained[0][0]) > len(contained[1][0])):
                return ok(contained[0][1])
        return fail(REASON_UNKNOWN)

    def normalize(self, value: Any) -> Normalized[str]:
        """One 所属行业 cell to a GB/T name.

        >>> IndustryTable().normalize("生产制造").value
        '制造业'
        """
        text, several = single_cell_text(value)
        if several:
            return fail(REASON_MANY)
        if text is None:
            return ok(None)
        return self.normalize_text(text)


@lru_cache(maxsize=1)
def _default_table() -> IndustryTable:
    return IndustryTable()


def normalize_industry(value: Any, aliases: Mapping[str, str] | None = None) -> Normalized[str]:
    """One-off form of :meth:`IndustryTable.normalize` (the pipeline builds a table once).

    >>> normalize_industry("软件开发").value
    '软件和信息技术服务业'
    """
    table = _default_table() if not aliases else IndustryTable(aliases)
    return table.normalize(value)


def industry_code(name: str) -> str | None:
    """The GB/T code of a normalized industry name ("制造业" -> "C", "汽车制造业" -> "36")."""
    row = industry_by_name(name)
    return row.code if row else None

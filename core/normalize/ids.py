"""客户编号 (customer_id): normalized and format-checked; an empty one stays ``None``.

An absent id is not a problem: the store allocates ``C-YYYYMMDD-N`` later. A present id is
normalized (full-width folded, upper case, spaces removed, dash look-alikes such as — and _
made ``-``) and then must be one of:

* tablesync's own form ``C-YYYYMMDD-N`` with a real date (the day of C-20241340-1 does not
  exist: a problem) and N from 1. Leading zeros of N are dropped (C-20240510-01 is
  C-20240510-1), because the id allocator already treats them as the same number; the dash
  after C may be missing (C20240510-1);
* a legacy id from before tablesync, kept as written after normalizing: 1-32 characters of
  letters, digits, ``-``, ``_``, ``.`` and ``/``, with at least one digit, starting with a
  letter or digit (C001, KH-0001, 1001, cust_17).

Garbage, reported as a problem rather than stored as a key:

* anything starting like the generated form but not matching it (C-2024051-1, C-20240510,
  C-20240510-0);
* Chinese or other characters outside the legacy set (客户1, 见备注), or no digit at all
  (ABC, N/A);
* more than 32 characters, or all digits and longer than 10: that is a phone, card or ID
  number typed into the wrong column, not a customer number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from core.normalize.base import Normalized, fail, ok, text_cells
from core.normalize.text import cell_text, fold_all, is_placeholder

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣－_", "-"))
_GENERATED = re.compile(r"C-?(\d{8})-0*([1-9]\d{0,5})")
_LOOKS_GENERATED = re.compile(r"C-\d|C\d{8}-")
_LEGACY = re.compile(r"[A-Z0-9][A-Z0-9_./-]{0,31}")

REASON_DATE = "客户编号中的日期不存在(格式C-YYYYMMDD-N)"
REASON_GENERATED = "客户编号格式不对,应为C-YYYYMMDD-N(如C-20240510-1)"
REASON_GARBAGE = "不是有效的客户编号:只能包含字母、数字和-,且含有数字(如C-20240510-1或旧编号C001)"
REASON_NUMBER = "客户编号像是电话、证件或银行卡号码,请检查是否填错列"


_CANONICAL = re.compile(r"C-(\d{8})-([1-9]\d{0,5})")


@lru_cache(maxsize=4096)
def _real_day(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return True


def _parse(text: str) -> Normalized[str]:
    canonical = _CANONICAL.fullmatch(text)
    if canonical is not None:  # already in tablesync's form: the common case
        return ok(text) if _real_day(canonical.group(1)) else fail(REASON_DATE)
    folded = "".join(fold_all(text).split()).upper()
    if not folded or is_placeholder(folded):
        return ok(None)
    generated = _GENERATED.fullmatch(folded.translate(_DASHES))
    if generated is not None:
        day = generated.group(1)
        if not _real_day(day):
            return fail(REASON_DATE)
        return ok(f"C-{day}-{generated.group(2)}")
    if _LOOKS_GENERATED.match(folded.translate(_DASHES)):
        return fail(REASON_GENERATED)
    if folded.isdigit() and len(folded) > 10:
        return fail(REASON_NUMBER)
    if not _LEGACY.fullmatch(folded) or not any(ch.isdigit() for ch in folded):
        return fail(REASON_GARBAGE)
    return ok(folded)


def normalize_customer_id(value: Any) -> Normalized[str]:
    """A 客户编号 cell to a normalized id, ``None`` when empty, or a problem.

    >>> normalize_customer_id(" ｃ－20240510－01 ").value
    'C-20240510-1'
    >>> normalize_customer_id("c001").value
    'C001'
    """
    if isinstance(value, bool):
        return fail(REASON_GARBAGE)
    text = cell_text(value)
    if text is None:
        return ok(None)
    return _parse(text)


def common_ids(cells: Sequence[Any]) -> list[str | None]:
    """Per cell: the cell when it is already a valid ``C-YYYYMMDD-N`` (what
    :func:`normalize_customer_id` returns for it), else None.

    >>> common_ids(["C-20240510-1", "C-20241340-1", "c-20240510-1"])
    ['C-20240510-1', None, None]
    """
    return [
        match.string if match is not None and _real_day(match.group(1)) else None
        for match in map(_CANONICAL.fullmatch, text_cells(cells))
    ]

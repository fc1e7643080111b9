"""Cells holding several numbers, labels or extensions: exact answers, and the equivalences
the quicker reading of such cells rests on (each rewritten pattern against the one it
replaces, a chunk tried in a common form first against the general rules)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.normalize import phones
from core.normalize.base import Normalized, fail, ok
from core.normalize.phones import (
    REASON_AREA,
    REASON_FOREIGN,
    REASON_MASKED,
    REASON_MOBILE_LENGTH,
    REASON_MOBILE_PREFIX,
    normalize_phone,
)

CASES: list[tuple[str, Normalized[tuple[str, ...]]]] = [
    ("13812345678; 0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("手机:13812345678 座机:0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("手机 13812345678 座机 0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("手机：13812345678，座机：0571-88888888转8001", ok(("13812345678", "0571-88888888转8001"))),
    ("13812345678 0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("0571-88888888转123", ok(("0571-88888888转123",))),
    ("Tel: 0571-88888888 ext. 12", ok(("0571-88888888转12",))),
    ("0571-88888888转123; 13812345678", ok(("0571-88888888转123", "13812345678"))),
    # The general rules drop an extension written after a mobile.
    ("+86 138 1234 5678 转 1", ok(("13812345678",))),
    ("13812345678转1", ok(("13812345678",))),
    ("13812345678 x 12", ok(("13812345678",))),
    (
        "138-1234-5678; (0571)88888888; +86 139 1234 5678",
        ok(("13812345678", "0571-88888888", "13912345678")),
    ),
    ("13812345678;;0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("13812345678；或 0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("13812345678; 13812345678; 0571-88888888", ok(("13812345678", "0571-88888888"))),
    ("13812345678; (+86)13912345678", ok(("13812345678", "13912345678"))),
    ("010-12345678; 87654321", ok(("010-12345678", "010-87654321"))),
    ("13812345678; 无", ok(("13812345678",))),
    # A masked number anywhere fails the cell, also after numbers in common forms.
    ("13812345678; 138****5678", fail(REASON_MASKED)),
    ("13812345678; 15412345678", fail(REASON_MOBILE_PREFIX)),
    ("15412345678; 13812345678", fail(REASON_MOBILE_PREFIX)),
    ("1381234567; 0571-88888888", fail(REASON_MOBILE_LENGTH)),
    ("13812345678; 0123-4567890", fail(REASON_AREA)),
    ("(001)2345678", fail(REASON_FOREIGN)),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_cells_with_several_numbers_labels_or_extensions(
    raw: str, expected: Normalized[tuple[str, ...]]
) -> None:
    assert normalize_phone(raw) == expected


_PIECES = st.sampled_from(
    (
        "13812345678", "0571-88888888", "(010)12345678", "+86 139 1234 5678", "15412345678",
        "87654321", "手机:", "座机：", "Tel: ", "ext. ", "转", "x", "#", "*", "**", "(", ")",
        "+", "-", " ", "1", "0", ";", "，", "/", "或", "\n", "\u3000", "ſ", "无",
    )
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=8).map("".join)

_OLD_EDGE_LABEL = re.compile(r"^[^\d+(]+|[^\d)]+$")
_OLD_EXT = re.compile(
    r"\s*(?:转|分机号?|ext\.?|extension|x|#)\s*[:：]?\s*(\d{1,6})\s*$", re.IGNORECASE
)


@settings(max_examples=400)
@given(st.one_of(_TEXTS, st.text(max_size=12)))
def test_label_stripping_is_the_substitution_it_replaces(text: str) -> None:
    found = phones._EDGE_LABEL.match(text)
    assert found is not None
    assert found[1] == _OLD_EDGE_LABEL.sub("", text)


@settings(max_examples=400)
@given(st.one_of(_TEXTS, st.text(max_size=12)))
def test_extension_is_found_as_by_a_search(text: str) -> None:
    old = _OLD_EXT.search(text)
    new = phones._EXT.match(text)
    assert (old is None) == (new is None)
    if old is not None and new is not None:
        assert (new[1].strip(), new[2]) == (text[: old.start()].strip(), old[1])


@settings(max_examples=400)
@given(_TEXTS)
def test_a_chunk_is_read_the_same_with_or_without_the_common_forms_first(text: str) -> None:
    chunk = text.strip()
    if not chunk:
        return
    common = phones._common_number(chunk, "")
    general = phones._one(chunk)
    if common is not None:
        assert general == common
    else:
        assert phones._one(chunk, tried=True) == general


_COMMON = st.sampled_from(("13812345678", "138 1234 5678", "+86-138.1234.5678", "(0571) 88888888"))
_SEPARATOR = st.sampled_from((";", "; ", "，", "、", "/", "或", "\n", " | ", ";;"))


@settings(max_examples=300)
@given(st.lists(st.tuples(_COMMON, _SEPARATOR), min_size=1, max_size=4))
def test_numbers_in_common_forms_cannot_be_masked(parts: list[tuple[str, str]]) -> None:
    """The masked check is skipped for a cell of common forms and separators."""
    text = "".join(number + separator for number, separator in parts)
    assert phones._MASKED.search(text) is None
    assert normalize_phone(text).problem is None

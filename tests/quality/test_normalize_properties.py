"""Properties of every normalizer: never raises on arbitrary input, and is idempotent.

Idempotent means: normalizing a normalized value (or the text tables show for it) gives the
same result again, so a value synced out and read back never changes.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.cells import cell_text as display_text
from core.fields import ENUM_FIELDS, field_spec
from core.normalize import (
    IndustryTable,
    normalize_address,
    normalize_amount,
    normalize_customer_id,
    normalize_date,
    normalize_dated_text,
    normalize_datetime,
    normalize_email,
    normalize_long_text,
    normalize_phone,
    normalize_tags,
    normalize_text,
)
from core.normalize.enums import build_enum_table
from core.normalize.text import company_key
from core.protect import mask_sensitive

#: QUALITY_EXAMPLES=5000 for a long hunt; the default keeps the suite fast.
SETTINGS = settings(
    max_examples=int(os.environ.get("QUALITY_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text that looks like what tables hold: digits (also full-width), Chinese, separators,
# date and money words, invisible characters.
MESSY_ALPHABET = (
    "0123456789０１２３４５６７８９ +-./:;,，；、()（）*#xX转分机号"
    "年月日时分秒上下午万亿元¥￥约整"
    "北京市海淀区广东省深圳南山路有限公司科技"
    "abcABC@_\u3000\u200b\t\n"
)
messy_text = st.text(alphabet=MESSY_ALPHABET, max_size=40)
any_text = st.text(max_size=40)
texts = st.one_of(messy_text, any_text)
cells = st.one_of(
    texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-5))])),
    st.lists(texts, max_size=3),
    st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": texts}), max_size=3),
)


def _same(first: Any, second: Any) -> None:
    assert second.problem is None, (first, second)
    assert second.value == first.value, (first, second)


@SETTINGS
@given(cells)
@example("13812345678 13912345678")
@example("010-12345678/87654321")
@example("+86 10 12345678")
def test_phone(raw: Any) -> None:
    first = normalize_phone(raw)
    if first.problem is None and first.value:
        _same(first, normalize_phone(first.value))
        _same(first, normalize_phone(display_text("phone", first.value)))


@SETTINGS
@given(cells)
@example("2024-05-1014:30")
@example(45422.5)
def test_date(raw: Any) -> None:
    first = normalize_date(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_date(first.value))
        _same(first, normalize_date(first.value.isoformat()))


@SETTINGS
@given(cells)
@example("2024-05-10T06:30:00Z")
def test_datetime(raw: Any) -> None:
    first = normalize_datetime(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_datetime(first.value))
        _same(first, normalize_datetime(first.value.isoformat()))


@SETTINGS
@given(cells)
@example("2024/5/20 跟进合同签订")
def test_dated_text(raw: Any) -> None:
    first = normalize_dated_text(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_dated_text(first.value[0]))


@SETTINGS
@given(cells)
@example("¥500,000.00")
@example("伍拾万元整")
def test_amount(raw: Any) -> None:
    first = normalize_amount(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_amount(first.value))
        _same(first, normalize_amount(str(first.value)))
        _same(first, normalize_amount(display_text("total_amount", first.value)))


@SETTINGS
@given(cells, st.sampled_from(ENUM_FIELDS))
def test_enum(raw: Any, field: str) -> None:
    table = build_enum_table(field_spec(field))
    first = table.normalize(raw)
    if first.problem is None and first.value is not None:
        assert first.value in table.choices
        _same(first, table.normalize(first.value))


INDUSTRIES = IndustryTable()


@SETTINGS
@given(cells)
def test_industry(raw: Any) -> None:
    first = INDUSTRIES.normalize(raw)
    if first.problem is None and first.value is not None:
        _same(first, INDUSTRIES.normalize(first.value))


@SETTINGS
@given(cells)
@example("广东深圳南山科苑路12号")
def test_address(raw: Any) -> None:
    first = normalize_address(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_address(first.value.address))


@SETTINGS
@given(cells)
def test_text(raw: Any) -> None:
    for normalize in (normalize_text, normalize_long_text, normalize_email):
        first = normalize(raw)
        if first.problem is None and first.value is not None:
            _same(first, normalize(first.value))


@SETTINGS
@given(cells)
def test_tags(raw: Any) -> None:
    first = normalize_tags(raw)
    assert first.problem is None
    assert first.value is not None
    assert list(first.value) == sorted(set(first.value))
    _same(first, normalize_tags(first.value))
    _same(first, normalize_tags(display_text("tags", first.value)))


@SETTINGS
@given(cells)
@example(" ｃ－20240510－01 ")
def test_customer_id(raw: Any) -> None:
    first = normalize_customer_id(raw)
    if first.problem is None and first.value is not None:
        _same(first, normalize_customer_id(first.value))


@SETTINGS
@given(texts)
def test_company_key(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key


@SETTINGS
@given(texts)
def test_mask_sensitive(text: str) -> None:
    first = mask_sensitive(text)
    assert mask_sensitive(first.text).text == first.text


def test_strategies_cover_the_value_types() -> None:
    # Guard against the strategies silently losing a kind of cell the connectors produce.
    kinds = {type(x) for x in (date(2024, 1, 1), datetime(2024, 1, 1), Decimal(1), 1.0, 1, True)}
    assert len(kinds) == 6

"""Shortcuts must give exactly what the general paths give.

The pipeline reads whole columns through fast forms (clean text lines, e-mail addresses,
bare mobiles, zone-less ISO timestamps) and remembers address splits by the start of the
address. Each shortcut answers only for the cells it recognizes; for those, the answer must
equal the normalizer's, and for the rest it must step aside.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.normalize import address as address_module
from core.normalize import dates as dates_module
from core.normalize import (
    normalize_address,
    normalize_customer_id,
    normalize_date,
    normalize_dated_text,
    normalize_datetime,
    normalize_email,
    normalize_phone,
    normalize_text,
)
from core.normalize.address import common_addresses
from core.normalize.dates import plain_dates, plain_datetimes, plain_plans, zone
from core.normalize.ids import common_ids
from core.normalize.phones import common_phones
from core.normalize.text import clean_emails, clean_lines

SH = zone("Asia/Shanghai")

_text = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="北京星辰科技有限公司王伟（）()，. -\u3000\u200bＡ１a1", max_size=16),
    st.from_regex(r"[a-zA-Z0-9._'+-]{1,8}@[a-zA-Z0-9-]{1,8}\.[a-zA-Z]{2,4}", fullmatch=True),
    st.from_regex(r"1[0-9]{10}", fullmatch=True),
    st.from_regex(r"C-20[0-9]{2}[01][0-9][0-3][0-9]-[0-9]{1,3}", fullmatch=True),
    st.from_regex(r"(\+?86[ -]?)?1[3-9][0-9][ .-]?[0-9]{4}[ .-]?[0-9]{4}", fullmatch=True),
    st.from_regex(r"\(?0[0-9]{2,3}\)?[ .-]?[0-9]{7,8}", fullmatch=True),
    st.from_regex(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?",
        fullmatch=True,
    ),
    st.from_regex(r"20[0-9]{2}-[01][0-9]-[0-3][0-9][0-2][0-9]:[0-5][0-9]", fullmatch=True),
    st.from_regex(r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}[日号]?|[0-9]{8}", fullmatch=True),
    st.from_regex(r"20[0-9]{2}-[01][0-9]-[0-3][0-9]:.{0,6}", fullmatch=True),
)
_cell = st.one_of(
    _text,
    st.integers(),
    st.floats(allow_nan=False),
    st.floats(min_value=-10, max_value=2e6).map(round),  # whole Excel serial days
    st.floats(min_value=-10.0, max_value=2e6).map(lambda day: float(round(day))),
    st.dates(),
    st.datetimes(),
    st.none(),
)


_address = st.builds(
    lambda names, street: "".join(names) + street,
    st.lists(st.sampled_from(sorted(address_module._divisions().names)), max_size=3),
    st.sampled_from(("", "路1号", " 中关村大街12号", "区", "南山路3号", "\u200b1号")),
)

#: fast form -> the normalizer whose answers it must give.
PAIRS: dict[str, tuple[Callable[[list[Any]], list[Any]], Callable[[Any], Any]]] = {
    "text": (clean_lines, normalize_text),
    "email": (clean_emails, normalize_email),
    "phone": (common_phones, normalize_phone),
    "customer_id": (common_ids, normalize_customer_id),
    "address": (common_addresses, normalize_address),
    "datetime": (partial(plain_datetimes, tz=SH), partial(normalize_datetime, tz=SH)),
    "date": (plain_dates, partial(normalize_date, tz=SH)),
    "plan": (plain_plans, partial(normalize_dated_text, tz=SH)),
}


@pytest.mark.parametrize("kind", sorted(PAIRS))
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(_cell, _address), max_size=8))
def test_fast_forms_give_the_normalizers_answers(kind: str, cells: list[Any]) -> None:
    fast_form, normalizer = PAIRS[kind]
    for cell, fast in zip(cells, fast_form(cells), strict=True):
        if fast is not None:
            assert normalizer(cell) == (fast, None)


def test_fast_forms_recognize_the_common_cells_and_step_aside_otherwise() -> None:
    assert clean_lines(
        ["北京星辰科技有限公司", "Star Tech Co., Ltd.", "  王伟", "ＡＢＣ", "a\u200bb"]
    ) == [
        "北京星辰科技有限公司",
        "Star Tech Co., Ltd.",
        None,
        None,
        None,
    ]
    assert clean_emails(
        ["li@example.com", "Li@Example.COM", "'li@example.com", "mailto:x@y.cn"]
    ) == [
        "li@example.com",
        None,
        None,
        None,
    ]
    assert common_phones(
        ["13812345678", "+86 138-1234-5678", "(0571)88888888", "12345678901", 13812345678]
    ) == [("13812345678",), ("13812345678",), ("0571-88888888",), None, None]
    assert [
        v is not None
        for v in plain_datetimes(
            [
                "2024-05-10 14:30",
                "2024-05-10T06:30:00Z",
                "2024-05-1014:30",
                "2024-02-30 10:00",
                "2024-05-10",
            ],
            SH,
        )
    ] == [True, True, True, False, False]
    assert (
        plain_dates(["2024-05-10", "2024年5月10日", "20240510", 45422.0, 45422, date(2024, 5, 10)])
        == [date(2024, 5, 10)] * 6
    )
    # A time of day, a day that does not exist, a timestamp, text: the general path.
    assert (
        plain_dates(
            [45422.5, "2024-02-30", "2024-13-01", 1715270400000, "明天", datetime(2024, 5, 10)]
        )
        == [None] * 6
    )
    assert plain_plans(["2024-05-20:跟进合同签订", "2024-05-20:回访 满意度"]) == [
        ("2024-05-20:跟进合同签订", date(2024, 5, 20)),
        ("2024-05-20:回访 满意度", date(2024, 5, 20)),
    ]
    assert (
        plain_plans(
            [
                "2024-05-20: 跟进",
                "2024-05-20：跟进",
                "2024/05/20:跟进",
                "2024-02-30:跟进",
                "2024-05-20:",
            ]
        )
        == [None] * 5
    )


def _wall(moment: datetime) -> tuple[Any, ...]:
    # Aware datetimes compare equal across zones: compare what a table would show.
    return (moment.replace(tzinfo=None), moment.utcoffset(), moment.fold, moment.tzinfo)


@settings(max_examples=400)
@given(
    cell=st.one_of(
        st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
        st.datetimes().map(lambda moment: moment.replace(fold=1)),
        _text,
    )
)
def test_common_moments_are_what_the_general_path_reads(cell: Any) -> None:
    # normalize_datetime answers the commonest cells (ISO text, the glued form, datetime
    # cells) without its general reader: each answer must be the general reader's.
    fast = dates_module._common_moment(cell, SH)
    if fast is None:
        return
    parsed = dates_module._read(cell, "reject")
    assert isinstance(parsed, dates_module._Parsed), cell
    assert _wall(fast) == _wall(dates_module._local(parsed, SH)), cell


_names = sorted(address_module._divisions().names)
_streets = ("", "路1号", "中关村大街12号", "区", "市", "南山路3号", "县城", "大道", "镇", "州")


@settings(max_examples=800)
@given(
    st.lists(st.sampled_from(_names), min_size=1, max_size=3),
    st.sampled_from(_streets),
    st.booleans(),
    st.integers(min_value=1, max_value=30),
)
def test_remembered_address_splits_are_the_walks(
    names: list[str], street: str, china: bool, cut: int
) -> None:
    """Whatever was split before, an address gets the answer a fresh walk gives (cut
    addresses included: the walk then reads to their end)."""
    text = ("中国" if china else "") + "".join(names) + street
    text = text[: max(1, len(text) - cut % 4)]
    assert address_module.split_address(text) == address_module._walk(text)[1]

"""Address splits remembered by the start of the address the walk read, looked up by its
first two characters: every answer is a fresh walk's, whatever was split before and in
whichever order."""

from __future__ import annotations

import pytest

from core.normalize import address as address_module
from core.normalize.address import AddressParts, common_addresses, normalize_address

# Starts sharing their first two characters, read to different lengths (municipality with
# or without its district, a district only, cut short, with 中国 and spaces).
ADDRESSES = (
    "北京市海淀区中关村大街1号",
    "北京市海淀区",
    "北京海淀中关村大街1号",
    "北京市朝阳区建国路8号",
    "北京市北京市海淀区学院路2号",
    "北京市",
    "北京",
    "海淀区中关村大街1号",
    "朝阳区建国路8号",
    "中国广东省深圳市南山区科苑路12号",
    "中国 广东 深圳 南山 科苑路12号",
    "广东省深圳市南山路3号",
    "广东深圳南山科苑路12号",
    "广东省广州市天河区",
    "广东",
)


def _forget() -> None:
    address_module._SPLIT_MEMO.clear()
    address_module._SPLIT_WHOLE.clear()
    address_module._SPLIT_HEADS.clear()


ORDERS = {
    "as listed": ADDRESSES,
    "reversed": ADDRESSES[::-1],
    "shortest first": tuple(sorted(ADDRESSES, key=len)),
    "longest first": tuple(sorted(ADDRESSES, key=len, reverse=True)),
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_splits_are_the_walks_in_any_order(order: str) -> None:
    _forget()
    for text in ORDERS[order] * 2:
        expected = address_module._walk("".join(text.split()))[1]
        assert address_module.split_address(text) == expected


def test_common_addresses_give_named_parts() -> None:
    _forget()
    cells = [*ADDRESSES, " 北京市海淀区", None, 5]
    found = common_addresses(cells)
    for cell, parts in zip(cells, found, strict=True):
        if parts is None:
            continue
        assert type(parts) is AddressParts
        assert normalize_address(cell) == (parts, None)
    assert found[0] == AddressParts("北京市海淀区中关村大街1号", "北京市", "北京市", "海淀区")
    assert found[0].district == "海淀区"
    assert found[-3:] == [None, None, None]

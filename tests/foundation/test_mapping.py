"""A header plan pairs each row's cells with the fields of their columns."""

from __future__ import annotations

from core.mapping import plan_headers


def test_rows_map_to_fields_in_header_order_and_skip_unowned_columns() -> None:
    plan = plan_headers("客户表", ["客户名称", "微信", "联系人姓名", "联系电话"])
    assert plan.map_row(["星辰科技", "wx", "王伟", "13812345678"]) == {
        "company_name": "星辰科技",
        "contact_name": "王伟",
        "phone": "13812345678",
    }
    assert list(plan.map_row(["a", "b", "c", "d"])) == ["company_name", "contact_name", "phone"]


def test_a_short_row_reads_its_missing_cells_as_empty() -> None:
    """Sheets and files leave a row's trailing empty cells out."""
    plan = plan_headers("客户表", ["客户名称", "联系人姓名", "备注", "微信"], required=())
    assert plan.map_row(["星辰科技"]) == {
        "company_name": "星辰科技",
        "contact_name": None,
        "remarks": None,
    }
    assert plan.map_row([]) == {"company_name": None, "contact_name": None, "remarks": None}
    row = ("星辰科技", "王伟", "备注", "wx", "beyond the header")
    assert plan.map_row(row)["remarks"] == "备注"


def test_a_plan_of_one_field_still_gives_a_dict() -> None:
    plan = plan_headers("t", ["微信", "备注"], required=())
    assert plan.map_row(["wx", "周末不接电话"]) == {"remarks": "周末不接电话"}
    assert plan.map_row(["wx"]) == {"remarks": None}
    empty = plan_headers("t", ["微信"], required=())
    assert empty.map_row(["wx"]) == {}

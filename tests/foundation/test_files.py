"""Reading and writing real .xlsx and .csv files."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from connectors.excel import ExcelTable, read_source_rows
from connectors.files import decode_csv, read_table_file
from core.errors import InputFileError
from core.mapping import HeaderProblem

HEADERS = ["客户编号", "客户名称", "联系人姓名", "联系方式", "自定义备注列"]


def make_xlsx(path, rows, headers=HEADERS, title="客户信息"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_rows_keep_their_real_row_numbers_and_skip_blank_rows(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["C-20240510-1", "甲公司", "王经理", 13812345678, "x"],
            [None, None, None, None, None],
            ["", "乙公司", "李女士", "010-12345678", None],
        ],
    )
    rows = read_source_rows(path, table="a.xlsx")
    assert [r.row for r in rows.rows] == ["2", "4"]
    assert rows.blank_rows == 1
    assert rows.rows[0].values["phone"] == 13812345678
    assert rows.rows[1].values["company_name"] == "乙公司"
    assert rows.plan.unowned == ("自定义备注列",)


def test_header_row_below_title_rows_is_found(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append([None])
    ws.append(HEADERS)
    ws.append(["", "甲公司", "王经理", "13812345678"])
    wb.save(tmp_path / "b.xlsx")
    table = read_table_file(tmp_path / "b.xlsx")
    assert table.header_row == 2 and table.rows[0][0] == 3


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
)
def test_csv_in_utf8_bom_and_gbk(tmp_path, encoding, bom):
    text = "客户名称,联系人姓名,联系方式\n北京星辰科技有限公司,王经理,138-1234-5678\n"
    path = tmp_path / "c.csv"
    path.write_bytes(bom + text.encode(encoding))
    rows = read_source_rows(path, table="c.csv")
    assert rows.rows[0].values == {
        "company_name": "北京星辰科技有限公司",
        "contact_name": "王经理",
        "phone": "138-1234-5678",
    }
    assert rows.table.encoding == (
        "utf-8-sig" if bom else ("gbk" if encoding == "gbk" else "utf-8")
    )


def test_semicolon_and_tab_separated_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("客户名称;联系人;电话\n甲;王;13812345678\n", encoding="utf-8")
    assert read_source_rows(path, table="s").rows[0].values["contact_name"] == "王"


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_files_are_a_clear_error(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=r"empty\.csv: the file is empty"):
        read_table_file(path)


def test_empty_workbook_is_a_clear_error(tmp_path):
    Workbook().save(tmp_path / "e.xlsx")
    with pytest.raises(InputFileError, match="the file is empty"):
        read_table_file(tmp_path / "e.xlsx")


def test_undecodable_csv_and_broken_xlsx(tmp_path):
    with pytest.raises(InputFileError, match="cannot decode"):
        decode_csv(b"\x81\x20\xff\xfe\x80\x80" * 10, tmp_path / "x.csv")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(InputFileError, match=r"bad\.xlsx: not a readable \.xlsx workbook"):
        read_table_file(bad)
    with pytest.raises(InputFileError, match=r"unsupported file type \.txt"):
        read_table_file(tmp_path.joinpath("x.txt")) if tmp_path.joinpath("x.txt").write_text(
            "a"
        ) else None


def test_missing_sheet_names_the_sheets(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [], title="Sheet1")
    with pytest.raises(InputFileError, match=r"no sheet named '客户' .*Sheet1"):
        read_table_file(path, "客户")


@pytest.mark.parametrize(
    ("headers", "needle"),
    [
        (
            ["客户名称", "客户名称", "联系人", "电话"],
            "duplicate header '客户名称' in column A and column B",
        ),
        (["客户名称", "联系人"], "required column 联系方式 (phone) is missing"),
        (["客户名称", "所属公司", "联系人", "电话"], "both mean 客户名称"),
    ],
)
def test_bad_headers_are_refused_before_any_row_is_used(tmp_path, headers, needle):
    path = make_xlsx(tmp_path / "h.xlsx", [["a"] * len(headers)], headers=headers)
    with pytest.raises(HeaderProblem) as info:
        read_source_rows(path, table="h.xlsx")
    assert needle in str(info.value) and str(info.value).startswith("h.xlsx:")


def test_blank_header_over_data_is_refused(tmp_path):
    path = make_xlsx(
        tmp_path / "h.xlsx",
        [["甲", "数据", "王", "1"]],
        headers=["客户名称", None, "联系人", "电话"],
    )
    with pytest.raises(HeaderProblem, match="column B has data but no header"):
        read_source_rows(path, table="h.xlsx")


def test_xlsx_write_back_matches_rows_by_customer_id_and_keeps_other_columns(tmp_path):
    path = make_xlsx(
        tmp_path / "w.xlsx",
        [
            ["C-20240510-2", "乙公司", "李女士", "010-12345678", "keep me"],
            ["C-20240510-1", "甲公司", "王经理", "13812345678", "mine too"],
        ],
    )
    wb = load_workbook(path)
    wb.create_sheet("other").append(["untouched"])
    wb.save(path)
    table = ExcelTable(name="w", path=path)
    result = table.write(
        [
            {
                "customer_id": "C-20240510-1",
                "company_name": "甲公司",
                "contact_name": "王总",
                "phone": "13812345678",
            },
            {
                "customer_id": "C-20240510-3",
                "company_name": "丙公司",
                "contact_name": "赵",
                "phone": "=HYPERLINK(1)",
            },
            {
                "customer_id": "C-20240510-2",
                "company_name": "乙公司",
                "contact_name": "李女士",
                "phone": "010-12345678",
            },
        ]
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    wb = load_workbook(path)
    ws = wb["客户信息"]
    rows = [[c.value for c in row] for row in ws.iter_rows(values_only=False)]
    assert rows[1] == ["C-20240510-2", "乙公司", "李女士", "010-12345678", "keep me"]
    assert rows[2] == ["C-20240510-1", "甲公司", "王总", "13812345678", "mine too"]
    assert rows[3][:4] == ["C-20240510-3", "丙公司", "赵", "=HYPERLINK(1)"]
    assert ws.cell(4, 4).data_type == "s"  # text, never a formula
    assert wb["other"]["A1"].value == "untouched"


def test_csv_write_back_keeps_encoding_delimiter_and_unowned_columns(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(
        "客户编号;客户名称;联系人;电话;来源备注\nC-20240510-1;甲公司;王经理;13812345678;展会\n".encode(
            "gbk"
        )
    )
    table = ExcelTable(name="w", path=path)
    result = table.write(
        [
            {"customer_id": "C-20240510-1", "contact_name": "王总"},
            {
                "customer_id": "C-20240510-9",
                "company_name": "新公司",
                "contact_name": "钱",
                "phone": "13900000000",
            },
        ]
    )
    assert (result.created, result.updated) == (1, 1)
    text = path.read_bytes().decode("gbk")
    assert text.splitlines() == [
        "客户编号;客户名称;联系人;电话;来源备注",
        "C-20240510-1;甲公司;王总;13812345678;展会",
        "C-20240510-9;新公司;钱;13900000000;",
    ]


def test_typed_cells_equal_to_new_text_are_not_rewritten(tmp_path):
    path = make_xlsx(
        tmp_path / "d.xlsx",
        [["C-1", "甲", "王", 13812345678, datetime(2024, 5, 10)]],
        headers=[*HEADERS[:4], "最近跟进日期"],
    )
    result = ExcelTable(name="d", path=path).write(
        [{"customer_id": "C-1", "phone": "13812345678", "last_follow_up": "2024-05-10"}]
    )
    assert result.unchanged == 1
    assert load_workbook(path).active.cell(2, 4).value == 13812345678


def test_trailing_formatted_rows_are_not_reported_as_skipped(tmp_path):
    from connectors.template import write_template

    path = tmp_path / "t.xlsx"
    write_template(path)  # 3 examples, formatting down to row 1000
    rows = read_source_rows(path, table="t.xlsx")
    assert len(rows.rows) == 3
    assert rows.blank_rows == 0

"""The import template (批量导入模板) and the template-layout export, as .xlsx.

Everything comes from the field dictionary: one column per field in dictionary order, the
Chinese label as header (required ones marked with a red header), 字段说明 as a comment on each
header cell and on a second sheet, dropdown data validation on enum columns, text format on
columns that must not be auto-converted (phones, ids), a frozen header row and 2-3 example rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from connectors.files import DEFAULT_SHEET, atomic_write
from core.fields import FIELDS, FieldSpec, FieldType
from core.normalize.industry import industries

NOTES_SHEET = "字段说明"
LISTS_SHEET = "下拉选项"

#: Columns stored as text so Excel never turns 13812345678 into 1.38E+10 or strips a leading 0.
TEXT_COLUMNS = (FieldType.PHONE, FieldType.ID, FieldType.TEXT, FieldType.LONG_TEXT)

EXAMPLE_ROWS: tuple[Mapping[str, str], ...] = (
    {
        "customer_id": "C-20240510-1",
        "company_name": "北京星辰科技有限公司",
        "contact_name": "王经理",
        "contact_title": "采购总监",
        "phone": "13812345678",
        "email": "wang@xingchen.example.com",
        "address": "北京市海淀区中关村大街1号",
        "industry": "软件和信息技术服务业",
        "level": "重点客户",
        "source": "行业展会2024",
        "status": "合作中",
        "follow_up_status": "商务谈判",
        "owner": "张三",
        "department": "华北销售部",
        "last_follow_up": "2024-05-10",
        "follow_up_method": "电话",
        "follow_up_content": "确认产品交付周期",
        "next_follow_up": "2024-05-20:跟进合同签订",
        "feedback": "希望缩短交付周期",
        "project": "企业CRM系统采购",
        "cooperation_start": "2023-08-01",
        "total_amount": "500000",
        "demand_type": "软件系统",
        "budget": "50-100万",
        "purchase_time": "2024年Q3",
        "key_needs": "提升客户管理效率",
        "tags": "季度回访, 高意向",
        "remarks": "偏好下午沟通",
        "updated_at": "2024-05-10 14:30",
    },
    {
        "customer_id": "C-20240511-1",
        "company_name": "上海明远制造股份有限公司",
        "contact_name": "李女士",
        "contact_title": "设备部经理",
        "phone": "021-61234567",
        "email": "li@mingyuan.example.com",
        "address": "上海市浦东新区张江路88号",
        "industry": "制造业",
        "level": "普通客户",
        "source": "转介绍",
        "status": "未合作",
        "follow_up_status": "意向",
        "owner": "李四",
        "department": "华东销售部",
        "last_follow_up": "2024-05-11",
        "follow_up_method": "拜访",
        "follow_up_content": "介绍设备采购方案",
        "next_follow_up": "2024-05-25:提交报价单",
        "feedback": "关注售后响应时间",
        "project": "",
        "cooperation_start": "",
        "total_amount": "",
        "demand_type": "采购设备",
        "budget": "10-50万",
        "purchase_time": "2024-06",
        "key_needs": "产线自动化改造",
        "tags": "设备采购",
        "remarks": "",
        "updated_at": "2024-05-11 09:15",
    },
    {
        "customer_id": "",
        "company_name": "杭州云帆电子商务有限公司",
        "contact_name": "赵先生",
        "contact_title": "运营负责人",
        "phone": "0571-88886666",
        "email": "",
        "address": "浙江省杭州市西湖区文三路100号",
        "industry": "零售业",
        "level": "潜在客户",
        "source": "线上推广",
        "status": "未合作",
        "follow_up_status": "初步接触",
        "owner": "王五",
        "department": "华东销售部",
        "last_follow_up": "2024-05-12",
        "follow_up_method": "邮件",
        "follow_up_content": "发送产品资料",
        "next_follow_up": "2024-05-19:电话回访",
        "feedback": "",
        "project": "",
        "cooperation_start": "",
        "total_amount": "",
        "demand_type": "咨询培训",
        "budget": "5-10万",
        "purchase_time": "2024年下半年",
        "key_needs": "会员数据分析",
        "tags": "",
        "remarks": "客户编号留空时导入自动生成",
        "updated_at": "2024-05-12 16:00",
    },
)

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)


def note_text(spec: FieldSpec) -> str:
    """The 字段说明 of one field: meaning, required flag, format and allowed values."""
    parts = [spec.description]
    parts.append("必填" if spec.required else "选填")
    if spec.format_hint:
        parts.append(f"格式:{spec.format_hint}")
    if spec.choices:
        parts.append("可选:" + "/".join(spec.choices))
    if spec.example:
        parts.append(f"示例:{spec.example}")
    return ";".join(p for p in parts if p)


def _width(spec: FieldSpec) -> float:
    if spec.type in (FieldType.LONG_TEXT, FieldType.ADDRESS, FieldType.DATED_TEXT):
        return 28
    return max(12, min(24, len(spec.label) * 2.4 + 4))


def _write_header(sheet: Worksheet, fields: Sequence[FieldSpec]) -> None:
    for col, spec in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=col, value=spec.label)
        cell.font = _REQUIRED_FONT if spec.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        comment = Comment(note_text(spec), "tablesync")
        comment.width, comment.height = 300, 120
        cell.comment = comment
        sheet.column_dimensions[get_column_letter(col)].width = _width(spec)
    sheet.freeze_panes = "A2"


def _write_rows(
    sheet: Worksheet, fields: Sequence[FieldSpec], rows: Iterable[Mapping[str, str]]
) -> int:
    count = 0
    for offset, row in enumerate(rows, start=2):
        for col, spec in enumerate(fields, start=1):
            text = row.get(spec.name, "")
            if text == "":
                continue
            cell = sheet.cell(row=offset, column=col, value=text)
            # Text stays text: a value starting with "=" must never become a formula.
            cell.data_type = "s"
        count += 1
    return count


def _format_text_columns(sheet: Worksheet, fields: Sequence[FieldSpec], last_row: int) -> None:
    for col, spec in enumerate(fields, start=1):
        if spec.type in (FieldType.PHONE, FieldType.ID):
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=col).number_format = "@"


def dropdown_values(spec: FieldSpec) -> tuple[tuple[str, ...], bool]:
    """The values offered in a column's dropdown, and whether other input is refused.

    Enum columns refuse anything else (数据有效性). 所属行业 offers the GB/T 4754-2017 门类 and
    大类 names but only warns on other text: synonyms such as 软件开发 are normalized on import.
    """
    if spec.choices:
        return spec.choices, True
    if spec.type is FieldType.INDUSTRY:
        return tuple(industry.name for industry in industries()), False
    return (), False


def _add_dropdowns(
    workbook: Workbook, sheet: Worksheet, fields: Sequence[FieldSpec], last_row: int
) -> None:
    lists = workbook.create_sheet(LISTS_SHEET)
    list_col = 0
    for col, spec in enumerate(fields, start=1):
        values, strict = dropdown_values(spec)
        if not values:
            continue
        list_col += 1
        letter = get_column_letter(list_col)
        lists.cell(row=1, column=list_col, value=spec.label)
        for offset, choice in enumerate(values, start=2):
            lists.cell(row=offset, column=list_col, value=choice)
        source = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=not spec.required,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=f"{spec.label}取值无效" if strict else f"{spec.label}不在标准列表中",
            error=("请从下拉列表中选择:" + "/".join(values))[:250]
            if strict
            else "建议从下拉列表选择国民经济行业分类名称;常见别称导入时会自动归一",
            showInputMessage=True,
            promptTitle=spec.label,
            prompt=spec.description[:250],
        )
        column = get_column_letter(col)
        validation.add(f"{column}2:{column}{last_row}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"


def _add_notes_sheet(workbook: Workbook, fields: Sequence[FieldSpec]) -> None:
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(
        [
            "字段类别",
            "字段名称",
            "必填/选填",
            "数据类型",
            "字段说明",
            "格式",
            "可选值",
            "示例",
            "可识别的表头",
        ]
    )
    for spec in fields:
        notes.append(
            [
                spec.category.value,
                spec.label,
                "必填" if spec.required else "选填",
                spec.type.value,
                spec.description,
                spec.format_hint,
                "/".join(spec.choices),
                spec.example,
                "、".join(spec.synonyms),
            ]
        )
    for cell in notes[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for letter, width in zip("ABCDEFGHI", (12, 14, 10, 10, 50, 22, 40, 24, 40), strict=True):
        notes.column_dimensions[letter].width = width
    notes.freeze_panes = "A2"


#: Rows that carry dropdowns and text formatting in a fresh template.
TEMPLATE_ROWS = 1000


def write_customer_workbook(
    path: Path,
    rows: Iterable[Mapping[str, str]],
    *,
    fields: Sequence[FieldSpec] = FIELDS,
) -> int:
    """Write rows (field name -> display text) in the template layout; returns the row count."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DEFAULT_SHEET
    _write_header(sheet, fields)
    count = _write_rows(sheet, fields, rows)
    last_row = max(TEMPLATE_ROWS, count + 1)
    _format_text_columns(sheet, fields, last_row)
    _add_dropdowns(workbook, sheet, fields, last_row)
    _add_notes_sheet(workbook, fields)
    with atomic_write(path) as temp:
        workbook.save(temp)
    return count


def write_template(path: Path, *, with_examples: bool = True) -> int:
    """The import template: header, notes, dropdowns and (by default) the example rows."""
    return write_customer_workbook(path, EXAMPLE_ROWS if with_examples else ())

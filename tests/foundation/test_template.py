"""The import template, read back with openpyxl."""

from __future__ import annotations

from openpyxl import load_workbook

from connectors.template import (
    EXAMPLE_ROWS,
    LISTS_SHEET,
    NOTES_SHEET,
    dropdown_values,
    note_text,
    write_template,
)
from core.fields import FIELDS, FieldType


def test_template_has_every_field_notes_dropdowns_and_examples(tmp_path):
    path = tmp_path / "t.xlsx"
    assert write_template(path) == len(EXAMPLE_ROWS)
    workbook = load_workbook(path)
    sheet = workbook["客户信息"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [spec.label for spec in FIELDS]
    assert sheet.freeze_panes == "A2"
    for col, spec in enumerate(FIELDS, start=1):
        comment = sheet.cell(1, col).comment
        assert comment is not None and spec.description in comment.text
        assert ("必填" in comment.text) == spec.required or "选填" in comment.text
    assert sheet.cell(1, 2).font.color.rgb.endswith("C00000")  # 客户名称 is required: red

    # Dropdowns: one list validation per enum column, pointing at the hidden list sheet.
    enum_columns = {
        sheet.cell(1, col).column_letter: spec
        for col, spec in enumerate(FIELDS, start=1)
        if dropdown_values(spec)[0]
    }
    assert {spec.name for spec in enum_columns.values()} == {
        "level",
        "status",
        "follow_up_status",
        "follow_up_method",
        "demand_type",
        "industry",
    }
    validations = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v
        for v in sheet.data_validations.dataValidation
    }
    assert set(validations) == set(enum_columns)
    lists = workbook[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    for letter, spec in enum_columns.items():
        validation = validations[letter]
        assert validation.type == "list"
        ref = validation.formula1.split("!")[1].replace("$", "")
        values = [row[0].value for row in lists[ref]]
        if spec.choices:
            assert tuple(values) == spec.choices
            assert validation.errorStyle == "stop"
        else:  # 所属行业: the GB/T 4754 names, other text only warned about
            assert "软件和信息技术服务业" in values and "制造业" in values and len(values) == 117
            assert validation.errorStyle == "warning"

    # Example rows hold valid values, and phone/id columns are text.
    for offset, example in enumerate(EXAMPLE_ROWS, start=2):
        for col, spec in enumerate(FIELDS, start=1):
            cell = sheet.cell(offset, col)
            assert (cell.value or "") == example.get(spec.name, "")
            if spec.type in (FieldType.PHONE, FieldType.ID):
                assert cell.number_format == "@"
            if spec.choices and cell.value:
                assert cell.value in spec.choices

    notes = workbook[NOTES_SHEET]
    assert [row[1] for row in notes.iter_rows(min_row=2, values_only=True)] == [
        s.label for s in FIELDS
    ]


def test_empty_template_has_only_the_header(tmp_path):
    path = tmp_path / "t.xlsx"
    assert write_template(path, with_examples=False) == 0
    sheet = load_workbook(path)["客户信息"]
    assert all(cell.value is None for cell in sheet[2])


def test_note_text_lists_format_and_choices():
    level = next(s for s in FIELDS if s.name == "level")
    assert "可选:潜在客户/普通客户/重点客户" in note_text(level)
    cid = next(s for s in FIELDS if s.name == "customer_id")
    assert "格式:C-YYYYMMDD-N" in note_text(cid)

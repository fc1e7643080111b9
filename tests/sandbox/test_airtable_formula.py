"""The Airtable formula evaluator: on its own (parse + evaluate, exact results) and through
``filterByFormula`` with formulas built by ``pyairtable.formulas``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import pytest
from pyairtable import formulas as F

from sandbox.airtable_formula import (
    ErrorValue,
    FormulaError,
    Value,
    evaluate,
    field_names,
    is_truthy,
    parse,
)
from tests.sandbox.airtable_support import api, no_limits, seed

UTC = dt.UTC


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


class Record:
    """A fixed record for the evaluator: plain field values plus record metadata."""

    FIELDS: ClassVar[dict[str, Value]] = {
        "Name": "Alice",
        "Age": 30.0,
        "Score": 2.5,
        "City": "  Shanghai ",
        "Empty": None,
        "Tags": ["a", "b"],
        "Active": True,
        "Inactive": False,
        "Joined": at(2024, 1, 15),
        "Seen": at(2024, 3, 1, 8),
        "Quote": "Jane's",
        "Text5": "5",
        "Odd}Name": "brace",
        "Path": "C:\\dir",
        "Debt": -1.0,
    }

    def field_value(self, name: str) -> Value:
        return self.FIELDS.get(name)

    def record_id(self) -> str:
        return "recABCDEFGHIJKLMN"

    def created_time(self) -> dt.datetime:
        return at(2024, 1, 1)

    def last_modified_time(self, fields: Sequence[str]) -> dt.datetime | None:
        if not fields:
            return at(2024, 2, 1)
        edits = {"Name": at(2024, 1, 10)}  # no other field was ever edited
        return max((edits[f] for f in fields if f in edits), default=None)

    def now(self) -> dt.datetime:
        return at(2024, 3, 10, 12, 30)


def run(text: str) -> Value:
    return evaluate(parse(text), Record())


CASES: list[tuple[str, Any]] = [
    # references and literals
    ("{Name}", "Alice"),
    ("Name", "Alice"),
    ("{Odd\\}Name}", "brace"),
    ("{Age}", 30.0),
    ("{Tags}", ["a", "b"]),
    ("'single'", "single"),
    ('"double"', "double"),
    ("'Jane\\'s'", "Jane's"),
    ('"say \\"hi\\""', 'say "hi"'),
    ("'back\\\\slash'", "back\\slash"),
    ("42", 42.0),
    (".5", 0.5),
    ("1e-05", 1e-05),
    ("1.5E3", 1500.0),
    ("TRUE", True),
    ("false", False),
    # arithmetic and &
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("-{Age}", -30.0),
    ("- -3", 3.0),
    ("7 / 2", 3.5),
    ("4/19", 4 / 19),
    ("10 - 2 - 3", 5.0),
    ("'a' & 'b'", "ab"),
    ("{Name} & {Age}", "Alice30"),
    ("{Score} & ''", "2.5"),
    ("{Active} & ''", "1"),
    ("{Tags} & '!'", "a, b!"),
    ("{Empty} & 'x'", "x"),
    ("{Seen} & ''", "2024-03-01T08:00:00.000Z"),
    ("1 + 2 & 3", "33"),
    ("{Text5} + 1", 6.0),
    ("{Empty} + 1", 1.0),
    # comparisons
    ("{Age} = 30", True),
    ("{Age} != 30", False),
    ("{Age} <> 30", False),
    ("{Age} > 29.5", True),
    ("{Age} < 30", False),
    ("{Age} >= 30", True),
    ("{Age} <= 29", False),
    ("{Age} = '30'", True),
    ("{Text5} = 5", True),
    ("{Name} = 'Alice'", True),
    ("{Name} = 'alice'", False),
    ("'a' < 'b'", True),
    ("{Tags} = 'a, b'", True),
    ("{Quote} = 'Jane\\'s'", True),
    ("1 + 1 = 2", True),
    ("{Joined} = DATETIME_PARSE('2024-01-15')", True),
    ("{Seen} > {Joined}", True),
    ("{Seen} > '2024-03-01'", True),
    ("{Empty} > {Joined}", False),
    ("{Empty} != {Joined}", True),
    # blanks and booleans
    ("BLANK()", None),
    ("{Empty} = BLANK()", True),
    ("{Empty} = ''", True),
    ("{Empty} = 0", True),
    ("{Name} = BLANK()", False),
    ("{Name} != ''", True),
    ("{Active} = TRUE()", True),
    ("{Inactive} = FALSE()", True),
    ("{Active} = 1", True),
    ("TRUE() + TRUE()", 2.0),
    # logic
    ("AND({Age} > 18, {Active})", True),
    ("AND({Age} > 18, {Inactive})", False),
    ("AND('x')", True),
    ("OR({Inactive}, {Empty}, 0, '')", False),
    ("OR({Inactive}, 'x')", True),
    ("NOT({Active})", False),
    ("NOT({Empty})", True),
    ("XOR(1, 1, 1)", True),
    ("XOR(1, 1)", False),
    ("IF({Age} > 40, 'old', 'young')", "young"),
    ("IF({Active}, {Age})", 30.0),
    ("IF({Inactive}, 1)", None),
    ("IF(1, 'ok', 1/0)", "ok"),
    ("SWITCH({Age}, 10, 'ten', 30, 'thirty', 'other')", "thirty"),
    ("SWITCH({Age}, 10, 'ten', 'other')", "other"),
    ("SWITCH(5, 1, 'one')", None),
    # record functions
    ("RECORD_ID()", "recABCDEFGHIJKLMN"),
    ("CREATED_TIME()", at(2024, 1, 1)),
    ("LAST_MODIFIED_TIME()", at(2024, 2, 1)),
    ("LAST_MODIFIED_TIME({Name})", at(2024, 1, 10)),
    ("LAST_MODIFIED_TIME({Age})", None),
    # dates
    ("IS_AFTER({Seen}, {Joined})", True),
    ("IS_BEFORE({Seen}, {Joined})", False),
    ("IS_BEFORE({Joined}, '2024-01-16')", True),
    ("IS_AFTER({Empty}, {Joined})", False),
    ("IS_AFTER(LAST_MODIFIED_TIME(), DATETIME_PARSE('2024-01-31T23:59:59.999Z'))", True),
    ("IS_AFTER(LAST_MODIFIED_TIME(), DATETIME_PARSE('2024-02-01T00:00:00.000Z'))", False),
    ("IS_BEFORE(CREATED_TIME(), DATETIME_PARSE('2024-01-01T00:00:00.001Z'))", True),
    ("IS_AFTER('nonsense', {Joined})", ErrorValue()),
    ("DATETIME_PARSE('2024-01-15')", at(2024, 1, 15)),
    ("DATETIME_PARSE('2024-01-15T08:30:00.000Z')", at(2024, 1, 15, 8, 30)),
    ("DATETIME_PARSE('2024-01-15T16:30:00+08:00')", at(2024, 1, 15, 8, 30)),
    ("DATETIME_PARSE('2024-01-15T08:30:00.250')", at(2024, 1, 15, 8, 30, 0, 250000)),
    ("DATETIME_PARSE('2024-01-15 08:30')", at(2024, 1, 15, 8, 30)),
    ("DATETIME_PARSE('15/01/2024 4:05 pm', 'DD/MM/YYYY h:mm a')", at(2024, 1, 15, 16, 5)),
    ("DATETIME_PARSE('15.01.2024', 'DD.MM.YYYY', 'de')", at(2024, 1, 15)),
    ("DATETIME_PARSE('1705305600', 'X')", at(2024, 1, 15, 8)),
    ("DATETIME_PARSE('2024-02-30')", ErrorValue()),
    ("DATETIME_PARSE('not a date')", ErrorValue()),
    ("DATESTR({Seen})", "2024-03-01"),
    ("IS_SAME({Seen}, '2024-03-01T23:00:00Z', 'day')", True),
    ("IS_SAME({Seen}, '2024-03-01T23:00:00Z', 'hour')", False),
    ("IS_SAME({Seen}, '2024-03-31', 'month')", True),
    ("IS_SAME({Seen}, {Seen})", True),
    ("DATETIME_DIFF({Seen}, {Joined}, 'days')", 46.0),
    ("DATETIME_DIFF({Seen}, {Joined}, 'months')", 1.0),
    ("DATETIME_DIFF({Joined}, {Seen}, 'weeks')", -6.0),
    ("DATETIME_DIFF({Seen}, {Joined})", 4003200.0),
    ("DATEADD({Joined}, 1, 'month')", at(2024, 2, 15)),
    ("DATEADD('2024-01-31', 1, 'months')", at(2024, 2, 29)),
    ("DATEADD({Joined}, -2, 'days')", at(2024, 1, 13)),
    ("DATEADD({Joined}, 1, 'fortnights')", ErrorValue()),
    ("NOW()", at(2024, 3, 10, 12, 30)),
    ("TODAY()", at(2024, 3, 10)),
    # text
    ("FIND('li', {Name})", 2.0),
    ("FIND('L', {Name})", 0.0),
    ("FIND('a', 'banana', 3)", 4.0),
    ("FIND('a', {Empty})", 0.0),
    ("FIND('', {Name})", 1.0),
    ("SEARCH('LI', {Name})", 2.0),
    ("SEARCH('zz', {Name})", None),
    ("SEARCH('A', 'banana', 3)", 4.0),
    ("LOWER({Name})", "alice"),
    ("UPPER({Name})", "ALICE"),
    ("TRIM({City})", "Shanghai"),
    ("LEN({City})", 11.0),
    ("LEN({Empty})", 0.0),
    ("LEN({Tags})", 4.0),
    ("LEN(12.5)", 4.0),
    ("CONCATENATE('a', 1, TRUE())", "a11"),
    ("LEFT({Name}, 2)", "Al"),
    ("RIGHT({Name}, 3)", "ice"),
    ("MID({Name}, 2, 3)", "lic"),
    ("SUBSTITUTE('a-b-c', '-', '+')", "a+b+c"),
    ("SUBSTITUTE('a-b-c', '-', '+', 2)", "a-b+c"),
    ("T({Age})", ""),
    ("T({Name})", "Alice"),
    ("VALUE('¥1,234.5')", 1234.5),
    ("REGEX_MATCH({Name}, '^A')", True),
    ("REGEX_EXTRACT('abc123', '[0-9]+')", "123"),
    ("REGEX_REPLACE('a1b2', '[0-9]', '')", "ab"),
    # numbers
    ("ROUND(2.345, 2)", 2.35),
    ("ROUND(2.5, 0)", 3.0),
    ("ROUND(-2.5, 0)", -2.0),
    ("ROUND(1234.5, -2)", 1200.0),
    ("INT(-2.5)", -3.0),
    ("ABS(-2)", 2.0),
    ("MOD(-3, 2)", 1.0),
    ("SUM(1, 2, 3)", 6.0),
    ("MAX({Age}, 40, 2)", 40.0),
    ("MIN(3, 1)", 1.0),
    # errors spread and are caught only by ISERROR
    ("1/0", ErrorValue("#DIV/0!")),
    ("MOD(1, 0)", ErrorValue("#DIV/0!")),
    ("{Name} * 2", ErrorValue()),
    ("AND(1/0, 1)", ErrorValue("#DIV/0!")),
    ("LOWER(ERROR())", ErrorValue()),
    ("ISERROR(1/0)", True),
    ("ISERROR({Age})", False),
    ("REGEX_MATCH('a', '(')", ErrorValue()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_evaluator_table(text: str, expected: Any) -> None:
    result = run(text)
    assert result == expected
    assert type(result) is type(expected)


INVALID = [
    "",
    "   ",
    "AND(",
    "AND()",
    "{Name",
    "{}",
    "'abc",
    "FOO(1)",
    "NOT(1, 2)",
    "IF(1)",
    "1 2",
    "{Name} =",
    "= 1",
    "(1",
    "1)",
    "#",
    "TRUE(1)",
    "RECORD_ID(1)",
    "LAST_MODIFIED_TIME('Name')",
    "FIND('a')",
    "1,2",
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_formulas_are_rejected_when_parsed(text: str) -> None:
    with pytest.raises(FormulaError, match=r"^Invalid formula\. Please check your formula text\.$"):
        parse(text)


def test_function_names_are_case_insensitive() -> None:
    assert run("and(1, or(0, 1))") is True
    assert run("lower('AB')") == "ab"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("{A} = 1", ["A"]),
        ("AND({A}, B, {A}, LAST_MODIFIED_TIME({C}))", ["A", "B", "C"]),
        ("IF(-{Long name} > 1, {x\\}y}, 'z')", ["Long name", "x}y"]),
        ("RECORD_ID() = 'x'", []),
    ],
)
def test_field_names_lists_every_reference_once(text: str, names: list[str]) -> None:
    assert field_names(parse(text)) == names


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        (None, False),
        (True, True),
        (False, False),
        (0.0, False),
        (-1.0, True),
        (float("nan"), False),
        ("", False),
        ("0", True),
        ([], False),
        (["a"], True),
        (at(2024, 1, 1), True),
        (ErrorValue(), False),
    ],
)
def test_truthiness_follows_airtable_filter_rules(value: Value, truthy: bool) -> None:
    assert is_truthy(value) is truthy


# -- formulas built by pyairtable.formulas ---------------------------------------------------

# (formula object, its value on Record) - every construct pyairtable.formulas can produce for
# the functions the connectors rely on.
BUILT: list[tuple[Any, Value]] = [
    (F.match({"Name": "Alice"}), True),
    (F.match({"Name": "Alice", "Age": 30}), True),
    (F.match({"Name": "Bob", "Age": 30}, match_any=True), True),
    (F.match({"Age": (">", 29)}), True),
    (F.match({"Age": ("<", 30)}), False),
    (F.match({"Age": (">=", 30), "Score": ("<=", 2.5)}), True),
    (F.match({"Age": ("!=", 30)}), False),
    (F.match({"Age": ("=", 30.0)}), True),
    (F.match({"Active": True}), True),
    (F.match({"Inactive": False}), True),
    (F.match({"Quote": "Jane's"}), True),
    (F.match({"Score": Decimal("2.5")}), True),
    (F.match({"Score": Fraction(5, 2)}), True),
    (F.match({"Joined": dt.date(2024, 1, 15)}), True),
    (F.match({"Seen": dt.datetime(2024, 3, 1, 8, tzinfo=UTC)}), True),
    (F.match({"Seen": dt.datetime(2024, 3, 1, 8)}), True),
    (F.EQ(F.Field("Odd}Name"), "brace"), True),
    (F.AND(F.EQ(F.Field("Name"), "Alice"), F.GT(F.Field("Age"), 18), Active=True), True),
    (F.OR(F.EQ(F.Field("Name"), "Bob"), F.LT(F.Field("Age"), 18)), False),
    (F.NOT(F.EQ(F.Field("Name"), "Bob")), True),
    (F.NOT(Name="Alice"), False),
    (F.Field("Age").gt(18) & F.Field("Age").lt(40), True),
    (F.Field("Name").eq("Bob") | F.Field("Name").eq("Alice"), True),
    (~F.Field("Active").eq(True), False),
    (F.Field("Active").eq(True) ^ F.Field("Inactive").eq(True), True),
    (F.Field("Age").gte(30).flatten(), True),
    (F.Field("Age").lte(29), False),
    (F.Field("Age").ne(31), True),
    (F.EQ(F.EQ(F.Field("Age"), 30), True), True),
    (F.EQ(F.Field("Empty"), F.BLANK()), True),
    (F.NOT(F.EQ(F.Field("Name"), F.BLANK())), True),
    (F.EQ(F.RECORD_ID(), "recABCDEFGHIJKLMN"), True),
    (F.IS_AFTER(F.LAST_MODIFIED_TIME(), dt.datetime(2024, 1, 31, tzinfo=UTC)), True),
    (F.IS_AFTER(F.LAST_MODIFIED_TIME(F.Field("Name")), dt.date(2024, 1, 11)), False),
    (F.IS_BEFORE(F.CREATED_TIME(), dt.datetime(2024, 1, 2)), True),
    (F.IS_AFTER(F.Field("Seen"), F.DATETIME_PARSE("2024-03-01")), True),
    (F.IS_BEFORE(F.Field("Joined"), dt.date(2024, 1, 15)), False),
    (F.EQ(F.DATETIME_PARSE("15/01/2024", "DD/MM/YYYY"), F.Field("Joined")), True),
    (F.EQ(F.DATETIME_PARSE("15/01/2024", "DD/MM/YYYY", "en"), F.Field("Joined")), True),
    (F.FIND("li", F.Field("Name")), 2.0),
    (F.GT(F.FIND("ce", F.Field("Name"), 2), 0), True),
    (F.SEARCH("LI", F.Field("Name")), 2.0),
    (F.SEARCH("a", F.Field("Name"), 2), None),
    (F.EQ(F.LOWER(F.Field("Name")), "alice"), True),
    (F.EQ(F.UPPER(F.Field("Name")), "ALICE"), True),
    (F.EQ(F.TRIM(F.Field("City")), "Shanghai"), True),
    (F.GT(F.LEN(F.Field("Name")), 4), True),
    (F.IF(F.GT(F.Field("Age"), 40), "old", "young"), "young"),
    (F.IF(F.Field("Active"), 1, 0), 1.0),
    (F.EQ(F.TRUE(), 1), True),
    (F.EQ(F.FALSE(), 0), True),
    (F.match({"Path": "C:\\dir"}), True),
    (F.match({"Debt": -1}), True),
    (F.match({"Score": 2.5e-0}), True),
    (F.LT(F.Field("Score"), 1e-05), False),
    (F.Field("Name"), "Alice"),
    (F.NOT(F.Field("Active")), False),
    (F.AND([F.Field("Active"), F.Field("Name")]), True),
    (F.AND(F.AND(F.Field("Active"), F.Field("Name")), F.Field("Age")).flatten(), True),
    (F.OR(F.OR(F.Field("Inactive")), F.Field("Empty")).flatten(), False),
    (F.IS_AFTER(F.LAST_MODIFIED_TIME(F.Field("Name"), F.Field("Age")), dt.date(2024, 1, 1)), True),
    (F.IF(F.EQ(F.Field("Empty"), F.BLANK()), F.BLANK(), "x"), None),
    (F.EQ(F.CREATED_TIME(), F.DATETIME_PARSE("2024-01-01T00:00:00.000Z")), True),
]


@pytest.mark.parametrize(("built", "expected"), BUILT, ids=[str(b) for b, _ in BUILT])
def test_every_pyairtable_formula_parses_and_evaluates(built: Any, expected: Value) -> None:
    assert run(str(built)) == expected


# -- the same through filterByFormula ----------------------------------------------------------

PEOPLE = [
    {"Name": "Alice", "Age": 30, "City": "Shanghai", "Active": True, "Joined": "2024-01-15",
     "Seen": "2024-03-01T08:00:00.000Z", "Level": "A", "Tags": ["x"]},
    {"Name": "Bob", "Age": 17, "City": "", "Joined": "2023-12-31", "Level": "B",
     "Tags": ["x", "y"], "Note": "Jane's"},
    {"Name": "Carol", "Age": 45, "City": "  Beijing ", "Active": True,
     "Seen": "2024-03-05T12:30:00.000Z"},
    {"Name": "dave", "Age": 30.5, "City": "shanghai", "Joined": "2024-02-01", "Level": "A"},
]  # fmt: skip


@pytest.fixture
def people(sandbox: Any) -> Any:
    no_limits(sandbox)
    fields = [
        {"name": "Name", "type": "singleLineText"},
        {"name": "Age", "type": "number", "options": {"precision": 1}},
        {"name": "City", "type": "singleLineText"},
        {"name": "Active", "type": "checkbox"},
        {"name": "Joined", "type": "date"},
        {"name": "Seen", "type": "dateTime"},
        {"name": "Level", "type": "singleSelect", "options": {"choices": ["A", "B"]}},
        {"name": "Tags", "type": "multipleSelects", "options": {"choices": ["x", "y"]}},
        {"name": "Note", "type": "multilineText"},
        {"name": "Adult", "type": "formula", "options": {"formula": "{Age} >= 18"}},
    ]
    base = seed(
        sandbox, {"name": "F", "tables": [{"name": "People", "fields": fields, "records": PEOPLE}]}
    )
    return api(sandbox).table(base["id"], "People")


def names(records: list[Any]) -> set[str]:
    return {r["fields"]["Name"] for r in records}


SERVER_CASES: list[tuple[Any, set[str]]] = [
    (F.match({"Name": "Alice"}), {"Alice"}),
    (F.match({"Age": (">=", 30)}), {"Alice", "Carol", "dave"}),
    (F.match({"Age": ("<", 30)}), {"Bob"}),
    (F.match({"Age": ("<=", 30)}), {"Alice", "Bob"}),
    (F.match({"Age": (">", 30)}), {"Carol", "dave"}),
    (F.match({"Age": ("!=", 30)}), {"Bob", "Carol", "dave"}),
    (F.match({"Age": Decimal("30.5")}), {"dave"}),
    (F.match({"Age": Fraction(61, 2)}), {"dave"}),
    (F.match({"Active": True}), {"Alice", "Carol"}),
    (F.match({"Active": False}), {"Bob", "dave"}),
    (F.match({"Name": "Alice", "Age": 30}), {"Alice"}),
    (F.match({"Name": "Alice", "Age": 17}, match_any=True), {"Alice", "Bob"}),
    (F.NOT(F.match({"Level": "A"})), {"Bob", "Carol"}),
    (F.match({"Note": "Jane's"}), {"Bob"}),
    (F.match({"Joined": dt.date(2024, 1, 15)}), {"Alice"}),
    (F.GT(F.Field("Seen"), dt.datetime(2024, 3, 2, tzinfo=UTC)), {"Carol"}),
    (F.IS_AFTER(F.Field("Joined"), dt.date(2024, 1, 1)), {"Alice", "dave"}),
    (F.IS_BEFORE(F.Field("Joined"), F.DATETIME_PARSE("01/01/2024", "MM/DD/YYYY")), {"Bob"}),
    (F.EQ(F.Field("City"), F.BLANK()), {"Bob"}),
    (F.FIND("Sh", F.Field("City")), {"Alice"}),
    (F.SEARCH("SH", F.Field("City")), {"Alice", "dave"}),
    (F.EQ(F.LOWER(F.Field("Name")), "dave"), {"dave"}),
    (F.EQ(F.UPPER(F.Field("Name")), "DAVE"), {"dave"}),
    (F.EQ(F.TRIM(F.Field("City")), "Beijing"), {"Carol"}),
    (F.GT(F.LEN(F.Field("Name")), 4), {"Alice", "Carol"}),
    (F.IF(F.GT(F.Field("Age"), 40), 1, 0), {"Carol"}),
    (F.FIND("y", F.Field("Tags")), {"Bob"}),
    (F.match({"Adult": True}), {"Alice", "Carol", "dave"}),
    (F.Formula("{Name} & '-' & {Level} = 'Alice-A'"), {"Alice"}),
    (F.Formula("AND(Age > 18, NOT(Active))"), {"dave"}),
]


@pytest.mark.parametrize(("built", "expected"), SERVER_CASES, ids=[str(b) for b, _ in SERVER_CASES])
def test_filter_by_formula_through_pyairtable(people: Any, built: Any, expected: set[str]) -> None:
    assert names(people.all(formula=built)) == expected


def test_record_id_and_time_functions_through_pyairtable(sandbox: Any, people: Any) -> None:
    alice = people.first(formula=F.match({"Name": "Alice"}))
    assert alice is not None
    assert names(people.all(formula=F.EQ(F.RECORD_ID(), alice["id"]))) == {"Alice"}
    created = dt.datetime.fromisoformat(alice["createdTime"])
    later = created + dt.timedelta(seconds=1)
    assert names(people.all(formula=F.IS_BEFORE(F.CREATED_TIME(), later))) == names(PEOPLE_RECORDS)
    assert people.all(formula=F.IS_AFTER(F.CREATED_TIME(), later)) == []
    assert people.all(formula=F.IS_AFTER(F.LAST_MODIFIED_TIME(), later)) == []


PEOPLE_RECORDS = [{"fields": {"Name": p["Name"]}} for p in PEOPLE]

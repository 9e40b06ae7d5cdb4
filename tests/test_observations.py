from datetime import date

import pandas as pd
import pytest

from regional.errors import DataError
from regional.indicators import format_value
from regional.observations import parse_period, parse_values


def test_suppression_codes_are_kept_not_made_numbers():
    value, status = parse_values(pd.Series(["12", "c", "z", "low", "", "-", "1,234", "x", "k", "u"]),
                                 file="f.csv", column="v")
    # Each DfE marker keeps DfE's meaning: c suppressed, z not applicable, low/k rounds to zero,
    # x not available, u low reliability; blanks and dashes say nothing about why.
    assert status.tolist() == ["ok", "suppressed", "not_applicable", "rounds_to_zero", "missing", "missing", "ok",
                               "not_available", "rounds_to_zero", "low_reliability"]
    assert value[0] == 12 and value[6] == 1234
    assert value[[1, 2, 3, 4, 5]].isna().all()


def test_a_bad_cell_names_its_row_and_column():
    with pytest.raises(DataError) as err:
        parse_values(pd.Series(["1", "2", "lots"]), file="f.csv", column="children_count")
    assert err.value.row == 4 and err.value.column == "children_count" and err.value.file == "f.csv"


@pytest.mark.parametrize("text,end,label", [
    ("2025", date(2025, 3, 31), "2025"),
    ("2024-25", date(2025, 3, 31), "2024-25"),
    ("2024/2025", date(2025, 3, 31), "2024-25"),
    ("2026-03", date(2026, 3, 31), "2026-03"),
    ("2024-02", date(2024, 2, 29), "2024-02"),
    ("2025-Q3", date(2025, 9, 30), "2025-Q3"),
    ("2026-03-31", date(2026, 3, 31), "2026-03-31"),
])
def test_periods(text, end, label):
    assert parse_period(text) == (end, label)


@pytest.mark.parametrize("text", ["March 2026", "2024-26", "2026-13", "", "31/03/2026"])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_suppressed_and_missing_read_as_words_never_zero():
    assert format_value(None, "count", "suppressed") == "suppressed"
    assert format_value(None, "count", "not_applicable") == "not applicable"
    assert format_value(None, "count", "rounds_to_zero") == "rounds to zero"
    assert format_value(None, "count", "not_available") == "not available"
    assert format_value(float("nan"), "percent", "missing") == "not published"
    assert format_value(0.0, "count") == "0"
    assert format_value(26.0, "percent") == "26%"
    assert format_value(7.5, "percent", "provisional") == "7.5% (provisional)"

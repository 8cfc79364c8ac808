"""What a person reads: numbers with units and currency, small numbers kept readable."""

from __future__ import annotations

from experiments.analysis.labels import Labels


def test_numbers_keep_two_significant_digits_and_group_thousands() -> None:
    en = Labels("en")
    assert [en.number(v) for v in (0.000002, 0.00005, 0.012, 0.1234, 12.34, 12345.6)] == [
        "0.000002",
        "0.00005",
        "0.012",
        "0.123",
        "12.3",
        "12,346",
    ]


def test_values_carry_their_units_in_each_language() -> None:
    en, zh = Labels("en", "$"), Labels("zh", "¥")
    assert en.value("incremental_members", 448, sign=True) == "+448 members"
    assert en.value("revenue_total", -1234.5) == "-$1,234"
    assert en.value("retention_d30", 0.1234) == "12.3%"
    assert zh.value("members_final", 12345.6) == "12,346名成员"
    assert zh.value("cost_per_incremental_member", 98.4) == "¥98.4"
    assert zh.interval("members_final", 347, 550) == "95% 置信区间 347名成员 至 550名成员"

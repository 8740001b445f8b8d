"""botcore.Amount from Python: exact, and never silently a float."""

import decimal

import pytest

import botcore


def test_version_matches_package():
    assert botcore.__version__.count(".") == 2


def test_parse_and_format():
    a = botcore.Amount("227.35", scale=2)
    assert str(a) == "227.35"
    assert a.units == 22735
    assert a.scale == 2
    assert repr(a) == "Amount('227.35', scale=2)"
    assert str(botcore.Amount(10, 2)) == "10.00"
    assert str(botcore.Amount(decimal.Decimal("1E+2"), 0)) == "100"
    assert botcore.Amount.from_units(150, 2) == botcore.Amount("1.5", 1)


def test_eighteen_decimals_past_64_bits():
    units = 2**96
    a = botcore.Amount.from_units(units, 18)
    assert a.units == units
    assert a.to_decimal() == decimal.Decimal(f"{units}E-18")  # exact, no context rounding
    assert botcore.Amount(str(a), 18) == a


def test_float_is_refused():
    with pytest.raises(TypeError, match="float"):
        botcore.Amount(0.1, 2)


def test_bad_text_raises_invalid_argument_with_the_input():
    with pytest.raises(botcore.InvalidArgument, match='"1e5"') as info:
        botcore.Amount("1e5", 2)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, botcore.Error)
    assert info.value.code == "INVALID_ARGUMENT"


def test_arithmetic_and_rounding():
    a = botcore.Amount("2273.50", 2)
    fee = a.multiply_by_rate(botcore.Amount("0.0005", 4))
    assert str(fee) == "1.14"
    assert str(a.multiply_by_rate(botcore.Amount("0.0005", 4), botcore.RoundingMode.TOWARD_ZERO)) == "1.13"
    assert str(a + botcore.Amount("0.50", 2)) == "2274.00"
    assert str(a - botcore.Amount("3000", 2)) == "-726.50"
    assert str(a * 2) == "4547.00"
    assert str(3 * botcore.Amount("0.10", 2)) == "0.30"
    assert str(botcore.Amount("10.00", 2).divide_by(3)) == "3.33"
    assert str(botcore.Amount("1.25", 2).rescale(1)) == "1.2"
    with pytest.raises(botcore.InvalidArgument, match="rescale"):
        botcore.Amount("1", 2) + botcore.Amount("1", 3)


def test_comparison_and_hash_are_numeric():
    assert botcore.Amount("1.50", 2) == botcore.Amount("1.5", 1)
    assert hash(botcore.Amount("1.50", 2)) == hash(botcore.Amount("1.5", 1))
    assert botcore.Amount("-1", 0) < botcore.Amount("0.01", 2)
    assert not botcore.Amount("0", 2)

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


def test_amount_compares_exactly_with_int_and_decimal():
    # Regression: Amount('1', 0) == 1 was False although the hashes agreed.
    d = decimal.Decimal
    a = botcore.Amount("1.5", 1)
    assert botcore.Amount("1", 0) == 1
    assert botcore.Amount("1.00", 2) == 1
    assert a == d("1.5") and a == d("1.50") and d("1.5") == a
    assert a != d("1.5000000000000000000000001") and a != 2
    assert hash(a) == hash(d("1.5"))
    assert hash(botcore.Amount("7.00", 2)) == hash(7)
    assert {botcore.Amount("7.00", 2): "x"}[7] == "x"
    assert a < 2 and a > 1 and a <= d("1.5") and a >= d("1.5")
    assert 1 < a < d("1.51")
    assert botcore.Amount("-1", 0) < 0
    # a float or a bool is never equal, and does not order
    assert botcore.Amount("1", 0) != 1.0 and botcore.Amount("1", 0) != True  # noqa: E712
    with pytest.raises(TypeError, match="1.5"):
        a < 1.5
    with pytest.raises(TypeError, match="True"):
        a < True


def test_amount_arithmetic_with_int_and_decimal_is_exact():
    d = decimal.Decimal
    a = botcore.Amount("1.5", 1)
    assert (a + 1) == botcore.Amount("2.5", 1) and (a + 1).scale == 1
    assert (1 + a) == d("2.5")
    assert (a - 2) == d("-0.5") and (2 - a) == d("0.5")
    assert (a + d("1.1")) == d("2.6") and (a + d("1.10")).scale == 1
    assert (d("1.1") - a) == d("-0.4")
    assert sum([a, botcore.Amount("2", 1)]) == d("3.5")
    assert sum([], botcore.Amount("0", 2)) == 0
    assert abs(botcore.Amount("-1.5", 1)) == a and abs(a) == a and +a == a
    assert a * d("3") == d("4.5") and a * 3 == d("4.5") and 3 * a == d("4.5")
    # a Decimal that does not fit the scale: the constructor's error, naming it
    with pytest.raises(botcore.InvalidArgument, match='"1.55" at scale 1'):
        a + d("1.55")
    with pytest.raises(botcore.InvalidArgument, match='"1.55" at scale 1'):
        botcore.Amount(d("1.55"), 1)
    with pytest.raises(botcore.InvalidArgument, match="1.5"):
        a * d("1.5")


def test_amount_refuses_bool_and_float_naming_the_value():
    a = botcore.Amount("1.5", 1)
    for bad in (True, 1.5):
        for op in (lambda: a * bad, lambda: bad * a, lambda: a + bad, lambda: bad - a,
                   lambda: botcore.Amount(bad, 2)):
            with pytest.raises(TypeError, match=repr(bad)):
                op()
    with pytest.raises(TypeError):
        a * "2"


def test_amount_overflowing_factor_is_out_of_range():
    with pytest.raises(botcore.OutOfRange, match=str(2**70)):
        botcore.Amount("1.5", 1) * (2**70)
    with pytest.raises(botcore.OutOfRange):
        botcore.Amount("170141183460469231731687303715884105727", 0) + 1


def test_amount_takes_numpy_integers():
    np = pytest.importorskip("numpy")
    assert botcore.Amount(np.int64(5), 0) == 5
    assert botcore.Amount("1.5", 1) * np.int64(3) == decimal.Decimal("4.5")
    with pytest.raises(TypeError, match="bool"):
        botcore.Amount(np.bool_(True), 0)
    with pytest.raises(TypeError, match="float"):
        botcore.Amount(np.float64(5), 0)


def test_multiply_by_rate_takes_what_the_constructor_takes():
    a = botcore.Amount("2273.50", 2)
    expected = a.multiply_by_rate(botcore.Amount("0.0005", 4))
    assert a.multiply_by_rate("0.0005") == expected
    assert a.multiply_by_rate(decimal.Decimal("0.0005")) == expected
    assert a.multiply_by_rate("0.00050") == expected
    assert a.multiply_by_rate(2) == botcore.Amount("4547.00", 2)
    with pytest.raises(botcore.InvalidArgument, match='"5%"'):
        a.multiply_by_rate("5%")
    with pytest.raises(TypeError, match="0.05"):
        a.multiply_by_rate(0.05)

"""Dates and times as clinics export them (analysis/io/dates.py; docs/data-format.md, "Time").

Expected values are written by hand, or come from an independent reference: ``datetime.strptime``
with an explicit format (in a test-only loop) and ``pandas.to_datetime(format="ISO8601", utc=True)``,
which is how the canonical loader reads ISO dates.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis import load as load_module
from analysis.errors import MappingError
from analysis.io.dates import (NA_TOKENS, ORDERS, DateFormat, combine_date_time, conflicting_times,
                               detect_date_format, parse_datetimes, parse_times)

EPOCH = datetime(1970, 1, 1)
NS = 10 ** 9


def ns_of(text: str) -> int:
    """``'2024-03-01 14:30'`` (naive, written by hand) -> ns since 1970 (reference arithmetic)."""
    dt = datetime.fromisoformat(text)
    return (dt - EPOCH) // timedelta(microseconds=1) * 1000


def one(text, order):
    ns, missing, bad, has_time = parse_datetimes([text], order)
    return int(ns[0]), bool(missing[0]), bool(bad[0]), bool(has_time[0])


# ---------------------------------------------------------------------------------------------------
# Every accepted format
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, order, expected, has_time", [
    # ISO 8601 and other year-first forms
    ("2024-03-01", "YMD", "2024-03-01 00:00", False),
    ("2024-03-01T14:30", "YMD", "2024-03-01 14:30", True),
    ("2024-03-01t14:30", "YMD", "2024-03-01 14:30", True),
    ("2024-03-01 14:30:15", "YMD", "2024-03-01 14:30:15", True),
    ("2024-03-01T14:30:15.250", "YMD", "2024-03-01 14:30:15.250", True),
    ("2024-03-01T14:30:15,5", "YMD", "2024-03-01 14:30:15.500", True),
    ("2024-03-01T14:30:15.123456", "YMD", "2024-03-01 14:30:15.123456", True),
    ("2024/03/01", "YMD", "2024-03-01 00:00", False),
    ("2024.03.01", "YMD", "2024-03-01 00:00", False),
    ("2024-3-1", "YMD", "2024-03-01 00:00", False),
    # year-first values read the same under every order
    ("2024-03-01 09:15", "DMY", "2024-03-01 09:15", True),
    ("2024-03-01 09:15", "MDY", "2024-03-01 09:15", True),
    # day-first
    ("01/03/2024", "DMY", "2024-03-01 00:00", False),
    ("01.03.2024", "DMY", "2024-03-01 00:00", False),
    ("01-03-2024", "DMY", "2024-03-01 00:00", False),
    ("1.3.2024", "DMY", "2024-03-01 00:00", False),
    ("1/3/24", "DMY", "2024-03-01 00:00", False),
    ("01.03.2024 14:30", "DMY", "2024-03-01 14:30", True),
    ("01.03.2024 14:30:59", "DMY", "2024-03-01 14:30:59", True),
    ("01/03/2024 14h30", "DMY", "2024-03-01 14:30", True),
    ("01.03.2024, 14:30", "DMY", "2024-03-01 14:30", True),
    ("01/03/2024 2:30 PM", "DMY", "2024-03-01 14:30", True),
    # month-first
    ("03/01/2024", "MDY", "2024-03-01 00:00", False),
    ("3/1/2024 2:30 PM", "MDY", "2024-03-01 14:30", True),
    ("3/1/2024 2:30PM", "MDY", "2024-03-01 14:30", True),
    ("3/1/2024 2:30 pm", "MDY", "2024-03-01 14:30", True),
    ("03/01/2024 09:05", "MDY", "2024-03-01 09:05", True),
    ("03-01-24 11 a.m.", "MDY", "2024-03-01 11:00", True),
    ("12/31/2024 11:59:59 PM", "MDY", "2024-12-31 23:59:59", True),
    # Excel's own datetime export is ISO
    ("2024-03-01 08:00:00", "YMD", "2024-03-01 08:00", True),
])
def test_every_accepted_format(text, order, expected, has_time):
    assert one(text, order) == (ns_of(expected), False, False, has_time)


@pytest.mark.parametrize("order", ORDERS)
def test_order_is_case_insensitive(order):
    assert one("2024-03-01", order.lower()) == (ns_of("2024-03-01"), False, False, False)


def test_a_day_first_value_is_bad_under_the_year_first_order():
    assert one("01/03/2024", "YMD")[2]
    assert one("01/03/2024", "DMY")[0] == ns_of("2024-03-01")
    assert one("01/03/2024", "MDY")[0] == ns_of("2024-01-03")


@pytest.mark.parametrize("order", [None, "DYM", "", 3, "day-first"])
def test_an_unknown_or_missing_order_is_refused_with_what_to_do(order):
    with pytest.raises(MappingError, match="DMY .*MDY|ambiguous"):
        parse_datetimes(["01/03/2024"], order)


# ---------------------------------------------------------------------------------------------------
# Calendar: leap years, impossible dates and times, year range, two-digit years
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ok", [
    ("29.02.2024", True),    # divisible by 4
    ("29.02.2023", False),
    ("29.02.2000", True),    # divisible by 400
    ("29.02.1900", False),   # divisible by 100, not 400
    ("29.02.2100", False),
    ("28.02.2100", True),
    ("29.02.24", True),
    ("29.02.23", False),
])
def test_leap_years(text, ok):
    assert one(text, "DMY")[2] is (not ok)


@pytest.mark.parametrize("text, order", [
    ("31.04.2024", "DMY"), ("31/06/2024", "DMY"), ("00.01.2024", "DMY"), ("32.01.2024", "DMY"),
    ("01.13.2024", "DMY"), ("01.00.2024", "DMY"), ("04/31/2024", "MDY"), ("13/01/2024", "MDY"),
    ("2024-13-01", "YMD"), ("2024-02-30", "YMD"), ("2024-04-31", "DMY"),
    ("01.03.2024 25:00", "DMY"), ("01.03.2024 24:00", "DMY"), ("01.03.2024 14:60", "DMY"),
    ("01.03.2024 14:30:60", "DMY"), ("01.03.2024 13:00 PM", "DMY"), ("01.03.2024 0:30 AM", "DMY"),
    ("01.03.2024 14", "DMY"), ("01.03.2024 14:", "DMY"), ("01.03.2024 14h30:00", "DMY"),
    ("2024-03-01T10:00+25:00", "YMD"),
    # not dates at all
    ("01/03.2024", "DMY"), ("2024-03/01", "YMD"), ("31-Apr-2024", "DMY"), ("1-Foo-2024", "DMY"),
    ("20241301", "YMD"), ("20240230", "YMD"), ("21000101", "YMD"), ("18991231", "YMD"), ("2024031", "YMD"),
    ("202403011", "YMD"),
    ("45352", "DMY"), ("01.03.024", "DMY"), ("001.03.2024", "DMY"), ("24-03-01", "YMD"),
    ("yesterday", "DMY"), ("01.03.2024 14:30 extra", "DMY"), ("01.03.2024T", "DMY"),
    # years 64-bit nanoseconds cannot hold
    ("1600-01-01", "YMD"), ("2262-06-01", "YMD"), ("0000-01-01", "YMD"),
])
def test_impossible_or_malformed_values_are_bad(text, order):
    ns, missing, bad, has_time = one(text, order)
    assert (ns, missing, bad, has_time) == (0, False, True, False)


def test_the_years_nanoseconds_hold_are_accepted():
    assert one("1678-01-01", "YMD")[0] == int(pd.Timestamp("1678-01-01").value)
    assert one("2261-12-31 23:59", "YMD")[0] == int(pd.Timestamp("2261-12-31 23:59").value)


@pytest.mark.parametrize("yy", range(100))
def test_two_digit_years_follow_pythons_pivot(yy):
    # strptime's %y: 00-68 -> 2000-2068, 69-99 -> 1969-1999 (POSIX).
    text = f"15.06.{yy:02d}"
    expected = datetime.strptime(text, "%d.%m.%y")
    assert one(text, "DMY")[0] == (expected - EPOCH) // timedelta(microseconds=1) * 1000


# ---------------------------------------------------------------------------------------------------
# Missing values, spaces, input types
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["", " ", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN", "null", "NULL",
                                   "None", "NONE", " NA ", None, float("nan")])
def test_empty_cells_and_na_tokens_are_missing_not_bad(token):
    ns, missing, bad, has_time = parse_datetimes(["01.03.2024", token], "DMY")
    assert missing.tolist() == [False, True]
    assert bad.tolist() == [False, False]
    assert has_time.tolist() == [False, False]
    fmt = detect_date_format(["01.03.2024", token, "13.03.2024"])
    assert (fmt.n_values, fmt.n_unparsed, fmt.order) == (2, 0, "DMY")


def test_the_na_tokens_are_the_canonical_loaders():
    assert NA_TOKENS == load_module.NA_TOKENS


@pytest.mark.parametrize("text", ["  01.03.2024 14:30", "01.03.2024 14:30  ", "01.03.2024   14:30",
                                  "\t01.03.2024\u00a014:30\n", "01.03.2024 14:30"])
def test_surrounding_and_repeated_spaces_are_ignored(text):
    assert one(text, "DMY") == (ns_of("2024-03-01 14:30"), False, False, True)


def test_every_input_type_reads_the_same():
    texts = ["01.03.2024", None, "13.03.2024 08:00"]
    expected = parse_datetimes(texts, "DMY")
    for values in (np.array(texts, dtype=object), pd.Series(texts), pd.Series(texts, dtype="string"),
                   pa.array(texts), tuple(texts)):
        got = parse_datetimes(values, "DMY")
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


def test_timestamp_objects_read_as_their_iso_text():
    # openpyxl/pandas give datetime objects for cells Excel recognised as dates.
    values = [pd.Timestamp("2024-03-01 08:30"), datetime(2024, 3, 2), pd.NaT, "13.03.2024"]
    ns, missing, bad, has_time = parse_datetimes(values, "DMY")
    assert ns[:2].tolist() == [ns_of("2024-03-01 08:30"), ns_of("2024-03-02")]
    assert missing.tolist() == [False, False, True, False]
    assert not bad.any()


def test_results_map_back_to_every_row():
    values = ["01.03.2024", "02.03.2024", "01.03.2024", "x", "02.03.2024", ""] * 3
    ns, missing, bad, _ = parse_datetimes(values, "DMY")
    assert ns.tolist() == [ns_of("2024-03-01"), ns_of("2024-03-02"), ns_of("2024-03-01"), 0,
                           ns_of("2024-03-02"), 0] * 3
    assert bad.tolist() == [False, False, False, True, False, False] * 3
    assert missing.tolist() == [False] * 5 + [True] + [False] * 5 + [True] + [False] * 5 + [True]
    assert ns.dtype == np.int64


# ---------------------------------------------------------------------------------------------------
# Detection: never guess
# ---------------------------------------------------------------------------------------------------

def test_all_days_and_months_at_most_12_is_ambiguous():
    fmt = detect_date_format(["01/02/2024", "03/04/2024", "12/12/2024", "5/6/2024"])
    assert fmt.order is None
    assert fmt.candidates == ("DMY", "MDY")
    assert fmt.describe() == "ambiguous: every date reads as day-first (DMY) or month-first (MDY); choose one"


def test_one_day_above_12_decides_day_first():
    fmt = detect_date_format(["01/02/2024"] * 50 + ["13/02/2024"])
    assert (fmt.order, fmt.candidates) == ("DMY", ("DMY",))
    assert fmt.describe() == "day-first dates (DD/MM/YYYY)"


def test_one_day_above_12_in_second_place_decides_month_first():
    fmt = detect_date_format(["01/02/2024 08:00", "02/13/2024 9:30 AM"])
    assert (fmt.order, fmt.candidates) == ("MDY", ("MDY",))
    assert fmt.describe() == "month-first dates (MM/DD/YYYY), with times"


def test_a_day_that_only_one_calendar_allows_decides():
    # 31/01 is only day-first: month 31 does not exist (the days need not be above 12 in a simple sense).
    assert detect_date_format(["31/01/2024", "01/02/2024"]).order == "DMY"


def test_some_only_day_first_and_others_only_month_first_is_contradictory():
    fmt = detect_date_format(["13/02/2024", "02/13/2024", "01/01/2024"])
    assert (fmt.order, fmt.candidates) == (None, ())
    assert fmt.describe().startswith("contradictory: some dates read only as day-first (DMY), others only "
                                     "as month-first (MDY)")


def test_year_first_values_are_ymd():
    fmt = detect_date_format(["2024-03-01", "2024-03-02T10:00:00Z", "2024/03/03"])
    assert (fmt.order, fmt.candidates) == ("YMD", ("YMD",))
    assert fmt.has_zone and fmt.has_time
    assert fmt.describe() == "year-first dates (YYYY-MM-DD or YYYY/MM/DD), with times, time zones converted to UTC"


def test_year_first_values_do_not_decide_the_others():
    # Excel turned the cells it recognised into ISO; the others stay as typed and decide the order.
    assert detect_date_format(["2024-03-01 00:00:00", "01/02/2024"]).candidates == ("DMY", "MDY")
    fmt = detect_date_format(["2024-03-01 00:00:00", "13/02/2024"])
    assert fmt.order == "DMY"
    ns, _, bad, _ = parse_datetimes(["2024-03-01 00:00:00", "13/02/2024"], fmt.order)
    assert ns.tolist() == [ns_of("2024-03-01"), ns_of("2024-02-13")] and not bad.any()


def test_mixed_separators_across_values_are_one_order():
    values = ["01/03/2024", "02.03.2024", "3-3-2024", "13.03.2024"]
    fmt = detect_date_format(values)
    assert fmt.order == "DMY"
    assert set(fmt.patterns) == {"DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY"}
    ns, _, bad, _ = parse_datetimes(values, "DMY")
    assert ns.tolist() == [ns_of(f"2024-03-{d:02d}") for d in (1, 2, 3, 13)] and not bad.any()


def test_unparsed_values_are_counted_and_do_not_decide():
    fmt = detect_date_format(["01.02.2024", "13.02.2024", "31.04.2024", "yesterday", "yesterday", ""])
    assert (fmt.order, fmt.n_values, fmt.n_unparsed) == ("DMY", 5, 3)
    assert fmt.unparsed_examples == ("31.04.2024", "yesterday")
    assert fmt.describe() == "day-first dates (DD.MM.YYYY); 3 of 5 values read as no date"


def test_nothing_parses_or_nothing_there():
    fmt = detect_date_format(["abc", "12"])
    assert (fmt.order, fmt.candidates, fmt.n_values, fmt.n_unparsed) == (None, (), 2, 2)
    assert fmt.describe() == "not dates: none of the 2 values reads as a date"
    fmt = detect_date_format(["", "NA", None])
    assert fmt == DateFormat(order=None, candidates=(), has_time=False, n_values=0, n_unparsed=0, examples=())
    assert fmt.describe() == "no dates: every value is empty"
    assert detect_date_format([]).n_values == 0


def test_examples_are_distinct_values_as_written():
    fmt = detect_date_format([" 13.02.2024 ", "13.02.2024", "14.02.2024", "15.02.2024", "16.02.2024"])
    assert fmt.examples == ("13.02.2024", "14.02.2024", "15.02.2024")


def test_has_time_when_some_values_carry_a_time():
    assert detect_date_format(["13.02.2024", "14.02.2024 08:00"]).has_time
    assert not detect_date_format(["13.02.2024", "14.02.2024"]).has_time


def test_the_detected_order_reads_every_value_that_any_order_reads():
    rng = np.random.default_rng(13)
    for _ in range(200):
        days = rng.integers(1, 29, size=5)
        months = rng.integers(1, 13, size=5)
        values = [f"{d:02d}/{m:02d}/2024" for d, m in zip(days, months)]
        fmt = detect_date_format(values)
        # Day-first is possible always (days <= 28); month-first only when every day is a month.
        expect = ("DMY", "MDY") if (days <= 12).all() else ("DMY",)
        assert fmt.candidates == expect
        assert fmt.order == (None if len(expect) == 2 else "DMY")


# ---------------------------------------------------------------------------------------------------
# Times: AM/PM, zones, midnight-only columns
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clock, expected", [
    ("12:00 AM", "00:00"), ("12:30 AM", "00:30"), ("12:59:59 am", "00:59:59"), ("1:00 AM", "01:00"),
    ("11:59 AM", "11:59"), ("12:00 PM", "12:00"), ("12:30 PM", "12:30"), ("1:05 PM", "13:05"),
    ("11:59 PM", "23:59"), ("12 PM", "12:00"), ("12 AM", "00:00"), ("2 p.m.", "14:00"), ("2:30 P.M.", "14:30"),
])
def test_am_pm(clock, expected):
    assert one(f"03/01/2024 {clock}", "MDY")[0] == ns_of(f"2024-03-01 {expected}")
    # the same clock in a separate time column
    assert parse_times([clock])[0][0] == ns_of(f"1970-01-01 {expected}")


@pytest.mark.parametrize("clock", ["0:30 AM", "00:00 AM", "13:00 PM", "0 PM", "12:60 PM"])
def test_impossible_12_hour_times_are_bad(clock):
    assert one(f"03/01/2024 {clock}", "MDY")[2]
    assert parse_times([clock])[2][0]


def test_time_zones_are_converted_to_utc_like_the_canonical_loader():
    values = ["2024-03-01T10:00:00+01:00", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00z",
              "2024-03-01T23:30-05:00", "2024-03-01T10:00+0530", "2024-03-01T10:00+05", "2024-03-01 10:00 +01:00",
              "2024-03-01T10:00:00.250-00:30", "2024-03-01T10:00:00", "2024-03-01"]
    ns, missing, bad, has_time = parse_datetimes(values, "YMD")
    # The reference: the canonical loader's reading (analysis/io/columns.py, _dates), one value at a time: in one
    # call, pandas 2.3 gives a value without a zone the offset of the zoned value before it (10:00 after a
    # -00:30 value reads as 10:30 UTC). It takes neither a space before the zone nor a lower-case z.
    ref = [pd.to_datetime(pd.Index([v.replace(" +", "+").replace("z", "Z")]), format="ISO8601", utc=True).asi8[0]
           for v in values]
    assert ns.tolist() == ref
    assert ns[3] == ns_of("2024-03-02 04:30")  # the zone moves the date
    assert not bad.any() and not missing.any()


@pytest.mark.parametrize("zone", ["Z", " UTC", " utc", "GMT", "+00:00"])
def test_utc_written_in_words(zone):
    assert one(f"2024-03-01 10:00{zone}", "YMD") == (ns_of("2024-03-01 10:00"), False, False, True)


@pytest.mark.parametrize("written, local", [
    # Cerner/CCL reports write the local zone's abbreviation: read, and the time taken as written (wall-clock),
    # as the times of the other files of the export, which carry none. Converted to UTC, an evening score on an
    # infusion day moved to the next day against a date-only start.
    ("03/09/2024 21:30:00 CST", "2024-03-09 21:30"), ("03/10/2024 04:00:00 CDT", "2024-03-10 04:00"),
    ("03/04/2024 2:05 PM EST", "2024-03-04 14:05"), ("03/04/2024 14:05 cet", "2024-03-04 14:05"),
    ("07/04/2024 14:05 MESZ", "2024-07-04 14:05")])
def test_zone_abbreviations_are_read_as_wall_clock_times(written, local):
    ns, bad, missing, has_time = one(written, "MDY")
    assert ns == ns_of(local) and not bad and has_time


def test_abbreviations_beside_offsets_in_one_column_are_converted_as_the_offsets_are():
    """'-05:00' and 'CDT' (-5) in one column: both converted to UTC, so that the two are not 5 hours apart."""
    fmt = detect_date_format(["2024-03-24T08:30:00-05:00", "2024-03-24 13:30:00 CDT"])
    ns, _, bad, _ = parse_datetimes(["2024-03-24T08:30:00-05:00", "2024-03-24 13:30:00 CDT"], fmt.order)
    assert ns.tolist() == [ns_of("2024-03-24 13:30"), ns_of("2024-03-24 18:30")] and not bad.any()


def test_a_utc_value_beside_abbreviations_does_not_convert_them():
    """One 'Z' among CST times: the CST times stay wall-clock (only offsets such as -05:00 convert them)."""
    values = ["2024-03-04 20:30:00 CST", "2024-03-11 10:00:00Z"]
    ns, _, bad, _ = parse_datetimes(values, "YMD")
    assert ns[0] == ns_of("2024-03-04 20:30") and not bad.any()


def test_a_zone_on_a_day_first_value_is_converted_too():
    assert one("01.03.2024 10:00 +01:00", "DMY")[0] == ns_of("2024-03-01 09:00")


def test_a_column_whose_times_are_all_midnight_is_read_as_dates_without_times():
    # Excel writes every date cell as "YYYY-MM-DD 00:00:00".
    values = ["2024-03-01 00:00:00", "2024-03-02 00:00:00", "2024-03-03 12:00:00 AM", ""]
    fmt = detect_date_format(values)
    assert (fmt.has_time, fmt.midnight_only) == (False, True)
    assert fmt.describe() == "year-first dates (YYYY-MM-DD), times all 00:00 (read as dates without times)"
    ns, _, _, has_time = parse_datetimes(values, "YMD")
    assert not has_time.any()
    assert ns[:3].tolist() == [ns_of(f"2024-03-0{d}") for d in (1, 2, 3)]
    # ... unless asked to keep them
    assert parse_datetimes(values, "YMD", midnight_only_is_date=False)[3].tolist() == [True, True, True, False]


def test_one_real_time_keeps_every_written_time():
    values = ["2024-03-01 00:00:00", "2024-03-02 08:15:00", "2024-03-03"]
    fmt = detect_date_format(values)
    assert (fmt.has_time, fmt.midnight_only) == (True, False)
    assert parse_datetimes(values, "YMD")[3].tolist() == [True, True, False]


def test_has_time_is_false_where_missing_or_bad():
    _, _, bad, has_time = parse_datetimes(["01.03.2024 10:00", "31.04.2024 10:00", "NA"], "DMY")
    assert bad.tolist() == [False, True, False]
    assert has_time.tolist() == [True, False, False]


# ---------------------------------------------------------------------------------------------------
# Agreement with an independent reference on random dates
# ---------------------------------------------------------------------------------------------------

# (strptime format, our order, strip leading zeros of day and month)
REFERENCE_FORMATS = [
    ("%Y-%m-%d", "YMD", False), ("%Y-%m-%dT%H:%M:%S", "YMD", False), ("%Y/%m/%d %H:%M", "YMD", False),
    ("%d.%m.%Y", "DMY", False), ("%d.%m.%Y %H:%M", "DMY", True), ("%d/%m/%Y %H:%M:%S", "DMY", False),
    ("%d-%m-%Y", "DMY", True), ("%d/%m/%y", "DMY", False), ("%d.%m.%y %H:%M", "DMY", True),
    ("%m/%d/%Y", "MDY", False), ("%m/%d/%Y %I:%M %p", "MDY", True), ("%m/%d/%Y %I:%M:%S %p", "MDY", False),
    ("%m-%d-%y %H:%M", "MDY", True), ("%m/%d/%y %I:%M%p", "MDY", False), ("%d/%m/%Y %Hh%M", "DMY", False),
]


def _strip_zeros(text: str, fmt: str) -> str:
    """Write day and month without leading zeros (01.03.2024 -> 1.3.2024), as strptime also reads."""
    date, _, rest = text.partition(" ")
    sep = "." if "." in date else "/" if "/" in date else "-"
    parts = date.split(sep)
    parts[0], parts[1] = str(int(parts[0])), str(int(parts[1]))
    return sep.join(parts) + ((" " + rest) if rest else "")


@pytest.mark.parametrize("fmt, order, strip", REFERENCE_FORMATS)
def test_agreement_with_strptime_on_random_dates(fmt, order, strip):
    rng = np.random.default_rng(2024)
    start = datetime(1970, 1, 1) if "%y" in fmt else datetime(1901, 1, 1)
    span = ((datetime(2068, 12, 31) if "%y" in fmt else datetime(2099, 12, 31)) - start).days
    seconds = rng.integers(0, span * 86_400, size=400)
    stamps = [start + timedelta(seconds=int(s)) for s in seconds]
    texts = [s.strftime(fmt) for s in stamps]
    if strip:
        texts = [_strip_zeros(t, fmt) for t in texts]
    ns, missing, bad, has_time = parse_datetimes(texts, order)
    reference = [(datetime.strptime(t, fmt) - EPOCH) // timedelta(microseconds=1) * 1000 for t in texts]
    assert not bad.any() and not missing.any()
    assert ns.tolist() == reference
    if order != "YMD":  # detection on random dates finds the order (400 dates: some day is above 12)
        assert detect_date_format(texts).order == order


def test_agreement_with_pandas_on_random_iso_datetimes_with_zones():
    rng = np.random.default_rng(7)
    base = pd.Timestamp("2000-01-01")
    stamps = base + pd.to_timedelta(rng.integers(0, 40 * 365 * 86_400, size=300), unit="s")
    offsets = rng.integers(-12 * 4, 14 * 4 + 1, size=300) * 15  # minutes, quarter hours
    texts = [f"{s:%Y-%m-%dT%H:%M:%S}{'+' if o >= 0 else '-'}{abs(o) // 60:02d}:{abs(o) % 60:02d}"
             for s, o in zip(stamps, offsets)]
    ns, _, bad, has_time = parse_datetimes(texts, "YMD")
    ref = pd.to_datetime(pd.Index(texts), format="ISO8601", utc=True).asi8
    assert not bad.any() and has_time.all()
    assert ns.tolist() == ref.tolist()


def test_agreement_with_strptime_on_random_impossible_dates():
    # Random day/month/year triples, many impossible: valid exactly when strptime accepts them.
    rng = np.random.default_rng(99)
    d, m, y = rng.integers(0, 33, 500), rng.integers(0, 14, 500), rng.integers(1895, 2105, 500)
    texts = [f"{a:02d}.{b:02d}.{c}" for a, b, c in zip(d, m, y)]

    def strptime_ok(t):
        try:
            datetime.strptime(t, "%d.%m.%Y")
            return True
        except ValueError:
            return False
    expected_bad = [not strptime_ok(t) for t in texts]
    assert parse_datetimes(texts, "DMY")[2].tolist() == expected_bad
    assert 0 < sum(expected_bad) < len(texts)


# ---------------------------------------------------------------------------------------------------
# A separate time column
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("14:30", "14:30"), ("14:30:00", "14:30"), ("14:30:05", "14:30:05"), ("14:30:05.5", "14:30:05.500"),
    ("9:05", "09:05"), ("09:05", "09:05"), ("0:00", "00:00"), ("23:59:59", "23:59:59"),
    ("2:30 PM", "14:30"), ("2:30 pm", "14:30"), ("2:30PM", "14:30"), ("2 PM", "14:00"),
    ("14h30", "14:30"), ("14H30", "14:30"), ("14h", "14:00"), ("9h05", "09:05"),
    ("0930", "09:30"), ("0000", "00:00"), ("2359", "23:59"), (" 14:30 ", "14:30"),
    # German wards: the clock with 'Uhr', the dot between hours and minutes only before it.
    ("9:00 Uhr", "09:00"), ("13.30 Uhr", "13:30"), ("8.00 uhr", "08:00"), ("14 Uhr", "14:00"), ("14Uhr", "14:00"),
    ("9:00:15 Uhr", "09:00:15"),
])
def test_times_accepted(text, expected):
    ns, missing, bad = parse_times([text])
    assert (int(ns[0]), bool(missing[0]), bool(bad[0])) == (ns_of(f"1970-01-01 {expected}"), False, False)


@pytest.mark.parametrize("text", ["930", "14", "24:00", "2400", "1260", "25:00", "14:60", "14:5", "0.6041",
                                  "14:30 +01:00", "14:30Z", "noon", "14.30", "2:30 XM", "01.03.2024",
                                  "14h30:00", "14:30:00:00", "25 Uhr", "13.60 Uhr", "Uhr", "13,30 Uhr"])
def test_times_refused(text):
    ns, missing, bad = parse_times([text])
    assert (int(ns[0]), bool(missing[0]), bool(bad[0])) == (0, False, True)


def test_times_missing():
    ns, missing, bad = parse_times(["", "NA", None, "null", "14:00"])
    assert missing.tolist() == [True, True, True, True, False]
    assert not bad.any()


def test_time_objects_read_as_their_text():
    from datetime import time
    assert parse_times([time(14, 30), time(0, 5, 1)])[0].tolist() == [52_200 * NS, 301 * NS]


def test_times_agree_with_strptime_on_random_clocks():
    rng = np.random.default_rng(5)
    secs = rng.integers(0, 86_400, size=300)
    for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S%p", "%Hh%M", "%H%M"):
        texts = [(datetime(1900, 1, 1) + timedelta(seconds=int(s))).strftime(fmt) for s in secs]
        ref = [(datetime.strptime(t, fmt) - datetime(1900, 1, 1)) // timedelta(seconds=1) * NS for t in texts]
        ns, _, bad = parse_times(texts)
        assert not bad.any(), fmt
        assert ns.tolist() == ref, fmt


# ---------------------------------------------------------------------------------------------------
# Date + separate time
# ---------------------------------------------------------------------------------------------------

def test_combine_date_and_time_columns():
    date_ns, _, _, date_has_time = parse_datetimes(
        ["01/03/2024", "02/03/2024 08:00", "03/03/2024", "04/03/2024 09:00"], "DMY")
    time_ns, time_missing, _ = parse_times(["14h30", "14h30", "", ""])
    ns, has_time = combine_date_time(date_ns, date_has_time, time_ns, time_missing)
    assert ns.tolist() == [ns_of("2024-03-01 14:30"),   # date + time
                           ns_of("2024-03-02 08:00"),   # the date's own time is kept
                           ns_of("2024-03-03"),         # no time: the date at 00:00, without a time
                           ns_of("2024-03-04 09:00")]
    assert has_time.tolist() == [True, True, False, True]


def test_excel_midnight_dates_take_the_separate_time():
    date_ns, _, _, date_has_time = parse_datetimes(["2024-03-01 00:00:00", "2024-03-02 00:00:00"], "YMD")
    time_ns, time_missing, _ = parse_times(["2:30 PM", "NA"])
    ns, has_time = combine_date_time(date_ns, date_has_time, time_ns, time_missing)
    assert ns.tolist() == [ns_of("2024-03-01 14:30"), ns_of("2024-03-02")]
    assert has_time.tolist() == [True, False]


def test_conflicting_times_are_found():
    date_ns, _, _, date_has_time = parse_datetimes(
        ["01/03/2024 08:00", "02/03/2024 08:00", "03/03/2024", "04/03/2024 09:00", "05/03/2024 1:00 AM"], "DMY")
    time_ns, time_missing, _ = parse_times(["08:00", "14:30", "14:30", "", "01:00"])
    assert conflicting_times(date_ns, date_has_time, time_ns, time_missing).tolist() == [
        False, True, False, False, False]


@pytest.mark.parametrize("text, order, expected", [
    ("03/01/24 0930", "MDY", "2024-03-01 09:30"),
    ("03/01/24 1415", "MDY", "2024-03-01 14:15"),
    ("01.03.2024 0005", "DMY", "2024-03-01 00:05"),
    ("2024-03-01 2359", "YMD", "2024-03-01 23:59"),
])
def test_a_date_followed_by_four_digits_of_a_24_hour_clock_has_that_time(text, order, expected):
    # As some EHRs write a time stamp (03/01/24 0930), like the separate time column's 0930.
    assert one(text, order) == (ns_of(expected), False, False, True)


@pytest.mark.parametrize("text", ["03/01/24 2400", "03/01/24 0960", "03/01/24 930", "03/01/24 09300"])
def test_four_digits_after_a_date_that_are_not_a_clock_time_are_bad(text):
    assert one(text, "MDY")[2]



@pytest.mark.parametrize("order", ["YMD", "DMY", "MDY"])
def test_yyyymmdd_without_separators_is_a_year_first_date_under_every_order(order):
    """SAS, Stata and database extracts write 20240301: a year 1900-2099, then month and day; like any
    year-first date it reads the same under the order chosen for the column's other dates."""
    ns, missing, bad, has_time = one("20240301", order)
    assert (ns, missing, bad, has_time) == (pd.Timestamp("2024-03-01").value, False, False, False)


def test_a_column_of_yyyymmdd_dates_is_detected_as_year_first():
    fmt = detect_date_format(["20240301", "20240315 14:30", "19991231"])
    assert fmt.order == "YMD" and fmt.n_unparsed == 0 and "YYYYMMDD" in fmt.patterns


def test_oracle_timestamps_read_with_their_dotted_clock():
    """Oracle's default TIMESTAMP format (DD-MON-RR HH.MI.SSXFF AM), as Cerner extracts write it: the clock's
    hours, minutes and seconds separated by dots, with fractions of a second and AM/PM."""
    values = ["04-MAR-24 09.00.00.000000 AM", "04-MAR-24 01.30.15.500000 PM", "05-MAR-24 12.00.00.000000 AM"]
    fmt = detect_date_format(values)
    assert fmt.n_unparsed == 0 and fmt.has_time
    ns, *_ = parse_datetimes(values, fmt.order)
    assert list(pd.to_datetime(ns)) == [pd.Timestamp("2024-03-04 09:00"), pd.Timestamp("2024-03-04 13:30:15.5"),
                                        pd.Timestamp("2024-03-05 00:00")]


def test_a_dotted_clock_needs_its_seconds():
    """Only the full HH.MM.SS is a clock: a time written '9.30' or a decimal such as '7.25' after a date is no
    time (a date column with '2024-03-05 7.25' holds a value that does not read)."""
    fmt = detect_date_format(["2024-03-05 7.25", "2024-03-06 09.30"])
    assert fmt.n_unparsed == 2

"""Dates a spreadsheet saved as Excel's serial numbers (45366 = 2024-03-15): read as dates in Excel's 1900
date system (analysis/io/excel_serials.py; docs/data-format.md). The reference for each date is pandas'
own arithmetic from Excel's documented epoch, 1899-12-30, not the module's formula."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis import load_files
from analysis.errors import MappingError
from analysis.io import excel_serials
from analysis.io.propose import inspect

EPOCH = pd.Timestamp("1899-12-30")


def _ns(ts: pd.Timestamp) -> int:
    return pd.Timestamp(ts).as_unit("ns").value  # nanoseconds since 1970-01-01


@pytest.mark.parametrize("cell, when, has_time", [
    ("45366", EPOCH + pd.Timedelta(days=45366), False),                          # 2024-03-15
    ("45366.5", EPOCH + pd.Timedelta(days=45366, hours=12), True),
    ("45366.0208333333", EPOCH + pd.Timedelta(days=45366, minutes=30), True),    # 00:30, as Excel writes it
    ("61", pd.Timestamp("1900-03-01"), False),                                    # after Excel's 29 Feb 1900
    ("1", pd.Timestamp("1900-01-01"), False),                                     # before it: one day later
])
def test_a_serial_number_is_the_date_excel_shows_for_it(cell, when, has_time):
    ns, timed, missing, bad, _ = excel_serials.read(np.array([cell], dtype=object), "Date")
    assert not missing[0] and not bad[0]
    assert ns[0] == _ns(when) and timed[0] == has_time


def test_an_empty_cell_is_missing_and_a_cell_that_is_no_serial_is_excluded_with_its_reason():
    cells = ["", "abc", "0", "-3", "15/03/2024", "453777", "2958465", "132319.5"]
    ns, timed, missing, bad, reason = excel_serials.read(np.array(cells, dtype=object), "Date")
    assert missing.tolist() == [True] + [False] * 7
    # A typo beyond the dates a load can hold (453777: year 3142) is excluded, never wrapped into another date.
    assert bad.tolist() == [False, True, True, True, True, True, True, False]
    assert reason[1] == "Date is not an Excel date serial number of a date from 1900 to 2262 (a number of days, such " \
                        "as 45366)"
    last = datetime(1899, 12, 30) + timedelta(days=132319, hours=12)  # 2262-04-10 12:00 (beyond a pandas Timedelta)
    assert ns[7] == (last - datetime(1970, 1, 1)) // timedelta(microseconds=1) * 1000


def test_a_time_of_day_is_read_to_the_millisecond_as_a_whole_number_of_nanoseconds():
    ns = excel_serials.read(np.array(["45366.99999999"], dtype=object), "Date")[0]
    assert ns[0] % 1_000_000 == 0
    assert ns[0] == _ns(EPOCH + pd.Timedelta(days=45366, hours=23, minutes=59, seconds=59, milliseconds=999))


# A's infusion at 06:00 (45366.25): its follow-up with a time of day (12:00, 28 days later) is 28 whole days after
# it, and the date-only one (45373, 00:00) 6.75 days (untimed_starts.whole_days_after moves times of day only).
SHEET = "Patient,Visit date,Treatment,NRS\nA,45366.25,Ketamine,8\nA,45373,,5\nA,45394.5,,4\nB,45370,Ketamine,7\n" \
        "B,45377,,3\nB,45398,,6\n"


def test_a_sheet_whose_every_date_is_a_serial_loads_with_the_days_between_its_dates():
    files = {"visits.csv": SHEET.encode()}
    assert not inspect(files).review
    ds = load_files(files)
    a = ds.assessments.sort_values(["patient_id", "day"])
    assert a[["patient_id", "day", "value"]].values.tolist() == [
        ["A", 0.0, 8.0], ["A", 6.75, 5.0], ["A", 28.0, 4.0], ["B", 0.0, 7.0], ["B", 7.0, 3.0], ["B", 28.0, 6.0]]
    assert ds.treatments["day"].tolist() == [0.0, 0.0]


def test_serials_beside_dates_written_as_dates_are_a_point_to_review_and_load_with_the_option_given():
    """The treatments written as dates, the visits as serials: the date system (1900 or 1904) would decide
    how far apart the two are, so the proposal asks; with "format": "excel" given, the 1900 system is used."""
    files = {"visits.csv": "Patient,Visit date,NRS\nA,45366,8\nA,45373,5\nB,45370,7\nB,45377,3\n".encode(),
             "infusions.csv": "Patient,Infusion date,Drug\nA,2024-03-15,Ketamine\nB,2024-03-19,Ketamine\n".encode()}
    review = " ".join(inspect(files).review)
    assert "Excel's serial numbers" in review and "1900 or 1904" in review and "'Infusion date'" in review
    with pytest.raises(MappingError, match="serial numbers"):
        load_files(files)
    doc = {"crps_outcomes_mapping": 1, "files": [
        {"match": "visits.csv", "columns": {"Patient": "patient_id", "Visit date": {"role": "date", "format": "excel"},
                                            "NRS": {"role": "measure", "measure": "pain_nrs"}}},
        {"match": "infusions.csv", "columns": {"Patient": "patient_id", "Infusion date": "date",
                                               "Drug": "treatment"}}]}
    ds = load_files(files, mapping=doc)
    assert ds.assessments.sort_values(["patient_id", "day"])[["patient_id", "day"]].values.tolist() == [
        ["A", 0.0], ["A", 7.0], ["B", 0.0], ["B", 7.0]]


def test_a_time_column_completes_a_serial_date():
    files = {"visits.csv": ("Patient,Visit date,Time,Treatment,NRS\nA,45366,09:00,Ketamine,8\nA,45366,15:00,,4\n"
                            "A,45373,09:00,,5\n").encode()}
    ds = load_files(files)
    a = ds.assessments.sort_values("day")
    assert a["day"].tolist() == pytest.approx([0.0, 0.25, 7.0])


def test_time_points_beside_a_serial_infusion_date_are_counted_from_it():
    """'Infusion date' saved as serials with 'Week 1' beside it: the time points count from that date, as
    they do from the same date written out (the serial column is a date column for every rule that pairs
    time points or visit columns with a date)."""
    rows = ["Patient,Infusion date,Time point,NRS"]
    for i, p in enumerate("ABCD"):
        rows += [f"{p},{45366 + i},Baseline,8", f"{p},{45366 + i},Week 1,5", f"{p},{45366 + i},Week 4,4"]
    files = {"visits.csv": ("\n".join(rows) + "\n").encode()}
    assert not inspect(files).review
    ds = load_files(files)
    assert ds.assessments.groupby("day").size().to_dict() == {0.0: 4, 7.0: 4, 28.0: 4}
    assert len(ds.treatments) == 4


def test_one_row_per_patient_with_a_serial_infusion_date_reads_each_visit_column_at_its_day():
    rows = ["Patient,Infusion date,NRS baseline,NRS week 1,NRS week 4"] + [f"{p},{45366 + i},8,5,4"
                                                                          for i, p in enumerate("ABCD")]
    files = {"w.csv": ("\n".join(rows) + "\n").encode()}
    assert not inspect(files).review
    assert load_files(files).assessments.groupby("day").size().to_dict() == {0.0: 4, 7.0: 4, 28.0: 4}


def test_an_id_column_named_with_date_is_no_serial_date():
    """'Date ID' holds numbers like 45001: an id (…ID), never Excel's serial numbers of dates."""
    files = {"s.csv": b"Patient,Date ID,Visit,NRS\nA,45001,Baseline,8\nA,45002,Week 4,4\nB,45003,Baseline,7\n"
                      b"B,45004,Week 4,3\n"}
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["Date ID"] != "date" and roles["Visit"] == "day"
    assert sorted(load_files(files).assessments["day"].unique().tolist()) == [0.0, 28.0]


def test_a_dose_to_date_column_is_a_dose_not_serial_dates():
    """'Dose to date (mcg)' holds numbers like 25000 and 'date' in its name: a dose, never a date."""
    files = {"s.csv": b"Patient,Day,Treatment,NRS,Dose to date (mcg)\nA,0,Ketamine,8,25000\nA,7,,5,\n"
                      b"A,28,Ketamine,4,50000\nB,0,Ketamine,7,26000\nB,7,,3,\n"}
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["Day"] == "day" and roles["Dose to date (mcg)"] != "date"
    assert len(load_files(files).assessments) == 5


def test_a_serial_with_a_decimal_comma_is_read_in_a_semicolon_file():
    files = {"s.csv": b"Patient;Visit date;Treatment;NRS\nA;45366,25;Ketamine;8\nA;45373,5;;5\nB;45370;Ketamine;7\n"
                      b"B;45377;;3\n"}
    ds = load_files(files)
    assert ds.report.exclusions.empty
    assert sorted(ds.assessments["day"].tolist()) == [0.0, 0.0, 7.0, 7.0]  # 12:00 on day 7 after 06:00: 7 whole days


@pytest.mark.parametrize("serial, date", [("45366", "2024-03-15"), ("50000", "2036-11-21")])
def test_one_serial_among_written_dates_is_excluded_naming_the_date_it_stands_for(serial, date):
    """A cell Excel left as its serial number among dates written as dates is excluded (one cell cannot
    tell the 1900 from the 1904 system), with the date it would be: within the same 1990-2049 range as a
    column of serials (the date is pandas' arithmetic from the epoch, checked here)."""
    assert (EPOCH + pd.Timedelta(days=int(serial))).strftime("%Y-%m-%d") == date
    files = {"visits.csv": ("Patient,Visit date,Treatment,NRS\nA,2024-03-15,Ketamine,8\nA,2024-03-22,,5\n"
                            f"A,{serial},,4\nB,2024-03-16,Ketamine,7\nB,2024-03-23,,3\n").encode()}
    ds = load_files(files)
    ex = ds.report.exclusions
    assert len(ex) == 1 and ex["line"].tolist() == [4]
    assert f"serial number of the date {date}" in ex["reason"].iloc[0]
    assert len(ds.assessments) == 4

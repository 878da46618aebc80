"""Every row counted as excluded has its entry, and a year typed wrong is said so (analysis/io/translate.py,
analysis/io/date_years.py; docs/data-format.md, "Row accounting in an export")."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.date_years import year_reasons


def test_a_row_whose_only_score_is_written_as_missing_is_listed_with_its_cell():
    """Line 4 ('N/A', nothing else) was counted as excluded without an entry; it is listed with its column and
    cell. Line 3's 'N/A' beside a treatment is no entry: the row is used."""
    sheet = ("Patient,Date,Treatment,NRS\nA,2024-03-01,,8\nA,2024-03-04,Ketamine,N/A\nA,2024-03-11,,N/A\n"
             "A,2024-04-01,,5\n")
    report = load_files({"s.csv": sheet.encode()}).report
    counts = report.files["s.csv"]
    ex = report.exclusions
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (4, 3, 1)
    assert ex[["line", "column", "value"]].values.tolist() == [[4, "NRS", "N/A"]]
    assert ex["reason"].iat[0].startswith("no score written")


def test_every_row_counted_as_excluded_has_an_entry():
    """Score cells of every kind that read as no value, on rows with nothing else."""
    sheet = ("Patient,Date,Treatment,NRS\nA,2024-03-01,,8\nA,2024-03-04,Ketamine,\nA,2024-03-11,,-\n"
             "A,2024-03-12,,n/a\nA,2024-03-13,,.\nA,2024-03-14,,oops\nA,2024-04-01,,5\n")
    report = load_files({"s.csv": sheet.encode()}).report
    assert report.files["s.csv"].rows_excluded == len(set(report.exclusions["line"])) == 4


def test_a_date_with_a_year_typed_wrong_says_the_year():
    sheet = ("Patient,Date,Treatment,NRS\nA,01/03/2024,,8\nA,04/03/2024,Ketamine,\nA,12/03/1024,,4\n"
             "A,25/03/2024,,5\n")
    ex = load_files({"s.csv": sheet.encode()}).report.exclusions
    assert ex[["line", "column", "value"]].values.tolist() == [[4, "Date", "12/03/1024"]]
    assert ex["reason"].iat[0] == "Date: the year 1024 is out of range (a typo? dates are read for the years 1678-2261)"


@pytest.mark.parametrize("cell, order, year", [("12/03/1024", "DMY", "1024"), ("03/12/3024", "MDY", "3024"),
                                               ("1024-03-12", "DMY", "1024"), ("12/03/1024 14:30", "DMY", "1024"),
                                               ("31/04/1024", "DMY", None),  # no 31 April whatever the year
                                               ("12/13/1024", "DMY", None), ("March 1024", "DMY", None)])
def test_only_a_date_that_fails_by_its_year_alone_is_said_to(cell, order, year):
    reason = year_reasons(np.array([cell], dtype=object), np.array([True]), order, "Date")[0]
    assert reason == ("" if year is None else f"Date: the year {year} is out of range (a typo? dates are read for "
                      "the years 1678-2261)")


def test_the_heading_counts_excluded_rows_and_says_when_entries_are_more():
    """One visit row with two values that do not read (NRS 'x', PHQ-9 'y') is one excluded row with two entries:
    the heading said 'Excluded rows (2)' for one row."""
    from analysis.cli import format_report
    sheet = ("Patient,Date,Treatment,NRS,PHQ-9\nA,2024-03-01,,8,12\nA,2024-03-04,Ketamine,,\nA,2024-03-05,,x,y\n"
             "A,2024-04-01,,4,6\n").encode()
    ds = load_files({"visits.csv": sheet})
    assert len(ds.report.exclusions) == 2
    assert ds.report.exclusions_heading() == "Excluded rows (1; 2 entries: a row may have several values left out)"
    assert "Excluded rows (1; 2 entries: a row may have several values left out):" in format_report(ds)


def test_two_scores_of_one_row_read_as_one_measure_say_so_instead_of_a_row_conflicting_with_itself():
    """'Pain Scale' and 'Pain Scale Post' on a row without a treatment are one measure at one time: both are excluded,
    and the reason said 'conflicting values ... (v.csv line 2, v.csv line 2)' (the practice review's case01)."""
    ds = load_files({"v.csv": b"Patient,Visit Date,Pain Scale,Pain Scale Post\nP1,2024-03-04,8,4\nP1,2024-04-01,5,\n"})
    ex = ds.report.exclusions
    assert ex[["line", "column"]].values.tolist() == [[2, "Pain Scale"], [2, "Pain Scale Post"]]
    assert set(ex["reason"]) == {
        "the columns 'Pain Scale', 'Pain Scale Post' of this one row are read as the same measure at the same time, "
        "with different values: nothing places them apart (no treatment on that day for a score before and one after "
        "it). Give the treatment's date on this row or in a treatments file, or map the columns as different measures"}


def test_without_any_course_the_report_says_days_count_from_each_patients_first_score():
    """It said 'since each patient's first treatment course' of an export that had none (the warehouse review)."""
    ds = load_files({"v.csv": b"Patient,Visit Date,NRS\nP1,2024-03-04,8\nP1,2024-04-01,5\n"})
    assert "Dates were converted to days since each patient's first score (no treatment course was read); the " \
           "calendar dates are not kept." in ds.report.notes
    assert sorted(ds.assessments["day"]) == [0.0, 28.0]

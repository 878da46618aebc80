"""The loader, rule by rule (docs/data-format.md). Each test is a small hand-made file with its
expected outcome worked out by hand: which rows are used, and for each excluded row its
file, line (header = line 1), column, value and reason."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import (DatasetError, EmptyDatasetError, IdentifierError, MappingError, MissingColumnError,
                      MissingFileError, UnreadableFileError, load_dataset, load_files)

A = "assessments.csv"
T = "treatments.csv"
P = "patients.csv"


def counts(ds, name):
    c = ds.report.files[name]
    return c.rows_read, c.rows_used, c.rows_excluded


def check_accounting(ds):
    ex = ds.report.exclusions
    for name, c in ds.report.files.items():
        assert c.rows_read == c.rows_used + c.rows_excluded
        assert c.rows_excluded == int((ex["file"] == name).sum())


# ------------------------------------------------------------------------------------------------
# Shapes: long, wide, canonical output
# ------------------------------------------------------------------------------------------------

LONG = """patient_id,day,measure,value
P2,0,pain_nrs,6
P1,0,pain_nrs,7
P1,0,phq9,12
P1,0.25,pain_nrs,2
"""
WIDE = """patient_id,day,pain_nrs,phq9
P2,0,6,
P1,0,7,12
P1,0.25,2,
"""


def test_long_form_gives_canonical_sorted_table(load):
    ds = load({A: LONG})
    expected = pd.DataFrame({"patient_id": ["P1", "P1", "P1", "P2"], "day": [0.0, 0.0, 0.25, 0.0],
                             "measure": ["pain_nrs", "phq9", "pain_nrs", "pain_nrs"], "value": [7.0, 12.0, 2.0, 6.0]})
    # patient_id and measure are categoricals whose categories are the values present, sorted.
    for c in ("patient_id", "measure"):
        expected[c] = pd.Categorical(expected[c], categories=sorted(set(expected[c])))
    pd.testing.assert_frame_equal(ds.assessments, expected)
    assert list(ds.assessments["measure"].cat.categories) == ["pain_nrs", "phq9"]
    assert counts(ds, A) == (4, 4, 0)
    assert list(ds.patients["patient_id"]) == ["P1", "P2"]
    assert list(ds.treatments.columns) == ["patient_id", "day", "treatment"] and len(ds.treatments) == 0


def test_wide_form_empty_cell_means_not_measured(load):
    ds = load({A: WIDE})
    pd.testing.assert_frame_equal(ds.assessments, load({A: LONG}).assessments)
    assert counts(ds, A) == (3, 3, 0)  # lines, not cells
    assert ds.report.exclusions.empty


def test_other_numeric_measures_are_kept_without_range_check(load):
    ds = load({A: "patient_id,day,bpi_interference,pain_nrs\nP1,0,99,5\n"})
    assert dict(zip(ds.assessments["measure"], ds.assessments["value"])) == {"bpi_interference": 99.0, "pain_nrs": 5.0}


def test_wide_text_column_is_ignored_with_a_note(load):
    ds = load({A: "patient_id,day,pain_nrs,comment\nP1,0,5,felt better\n"})
    assert ds.measures == ["pain_nrs"]
    assert any("'comment'" in n for n in ds.report.notes)


def test_no_treatments_file_gives_empty_table_and_note(load):
    ds = load({A: LONG})
    assert not ds.has_treatments
    assert any("No treatments file" in n for n in ds.report.notes)


def test_three_files(load):
    ds = load({A: WIDE, T: "patient_id,day,treatment,dose_mg\nP1,0,ketamine_iv,50\nP2,0,physical_therapy,\n",
               P: "patient_id,sex,age_band,disease_duration_months\nP1,F,40-49,14\nP2,M,50-59,3\nP3,F,30-39,7\n"})
    assert counts(ds, T) == (2, 2, 0) and counts(ds, P) == (3, 3, 0)
    assert list(ds.treatments.columns) == ["patient_id", "day", "treatment", "dose_mg"]
    assert ds.treatments["dose_mg"].tolist()[0] == 50.0 and np.isnan(ds.treatments["dose_mg"].tolist()[1])
    assert ds.covariates == ["sex", "age_band", "disease_duration_months"]
    assert ds.patients["patient_id"].tolist() == ["P1", "P2", "P3"]
    # Whole numbers: nullable integers, shown "14" not "14.0" (tests/analysis/test_covariate_codes.py).
    assert ds.patients["disease_duration_months"].dtype == "Int64"
    assert ds.patients["age_band"].tolist() == ["40-49", "50-59", "30-39"]


# ------------------------------------------------------------------------------------------------
# Row-level rules: each excluded row with file, line, column, value, reason
# ------------------------------------------------------------------------------------------------

ROW_RULES = [
    # (id, assessments text, expected exclusions, expected rows used)
    ("out of range long", "patient_id,day,measure,value\nP1,0,pain_nrs,7\nP1,1,pain_nrs,11\n",
     [(A, 3, "value", "11", "out of range for pain_nrs (valid 0-10)")], 1),
    ("out of range wide", "patient_id,day,pain_nrs,phq9\nP1,0,7,28\nP1,1,3,4\n",
     [(A, 2, "phq9", "28", "out of range for phq9 (valid 0-27)")], 1),
    ("out of range long, two measures in turn",
     "patient_id,day,measure,value\nP1,0,phq9,28\nP1,0,pain_nrs,11\nP1,1,phq9,30\nP1,1,pain_nrs,5\nP1,2,pgic,0\n",
     [(A, 2, "value", "28", "out of range for phq9 (valid 0-27)"),
      (A, 3, "value", "11", "out of range for pain_nrs (valid 0-10)"),
      (A, 4, "value", "30", "out of range for phq9 (valid 0-27)"),
      (A, 6, "value", "0", "out of range for pgic (valid 1-7)")], 1),
    ("below minimum only", "patient_id,day,regions_affected\nP1,0,0\nP1,1,14\n",
     [(A, 2, "regions_affected", "0", "out of range for regions_affected (valid 1 or more)")], 1),
    ("pgic starts at 1", "patient_id,day,measure,value\nP1,0,pgic,0\nP1,1,pgic,7\n",
     [(A, 2, "value", "0", "out of range for pgic (valid 1-7)")], 1),
    ("not numeric long", "patient_id,day,measure,value\nP1,0,pain_nrs,seven\nP1,1,pain_nrs,6\n",
     [(A, 2, "value", "seven", "not a number")], 1),
    ("not numeric wide", "patient_id,day,pain_nrs\nP1,0,7\nP1,1,7/10\n",
     [(A, 3, "pain_nrs", "7/10", "not a number")], 1),
    ("value missing long", "patient_id,day,measure,value\nP1,0,pain_nrs,\nP1,1,pain_nrs,NA\nP1,2,pain_nrs,4\n",
     [(A, 2, "value", "", "value is missing"), (A, 3, "value", "NA", "value is missing")], 1),
    ("measure missing long", "patient_id,day,measure,value\nP1,0,,5\nP1,1,pain_nrs,4\n",
     [(A, 2, "measure", "", "measure is missing")], 1),
    ("day not numeric", "patient_id,day,pain_nrs\nP1,zero,7\nP1,,6\nP1,1,5\n",
     [(A, 2, "day", "zero", "day is missing or not a number"), (A, 3, "day", "", "day is missing or not a number")], 1),
    ("missing patient_id", "patient_id,day,pain_nrs\n,0,7\nP1,1,5\n",
     [(A, 2, "patient_id", "", "patient_id is missing")], 1),
    ("exact duplicate", "patient_id,day,measure,value\nP1,0,pain_nrs,7\nP1,1,pain_nrs,5\nP1,0,pain_nrs,7.0\n",
     [(A, 4, "(row)", "", "exact duplicate of line 2")], 2),
    ("conflicting duplicates", "patient_id,day,measure,value\nP1,0,pain_nrs,7\nP1,1,pain_nrs,5\nP1,0,pain_nrs,8\n",
     [(A, 2, "value", "7", "conflicting values for the same patient, day and measure (lines 2, 4)"),
      (A, 4, "value", "8", "conflicting values for the same patient, day and measure (lines 2, 4)")], 1),
    ("wide row without measures", "patient_id,day,pain_nrs,phq9\nP1,0,,\nP1,1,5,\n",
     [(A, 2, "(row)", "", "no measure values in this row")], 1),
    ("wide row with one bad cell is excluded whole, first bad column named",
     "patient_id,day,pain_nrs,phq9,gad7\nP1,0,7,x,30\nP1,1,5,3,2\n",
     [(A, 2, "phq9", "x", "not a number")], 1),
    ("wide conflict excludes both rows", "patient_id,day,pain_nrs,phq9\nP1,0,7,10\nP1,0,7,12\nP1,1,5,\n",
     [(A, 2, "phq9", "10", "conflicting values for the same patient, day and measure (lines 2, 3)"),
      (A, 3, "phq9", "12", "conflicting values for the same patient, day and measure (lines 2, 3)")], 1),
    ("too many fields", "patient_id,day,pain_nrs\nP1,0,7,9\nP1,1,5\n",
     [(A, 2, "(row)", "", "row has more fields than the header has columns (3)")], 1),
]


@pytest.mark.parametrize("text, expected, used", [r[1:] for r in ROW_RULES], ids=[r[0] for r in ROW_RULES])
def test_row_rule(load, exclusions, text, expected, used):
    ds = load({A: text})
    assert exclusions(ds) == expected
    assert ds.report.files[A].rows_used == used
    check_accounting(ds)


def test_wide_rows_overlapping_with_equal_values_are_both_used(load):
    # Line 3 repeats line 2's pain score and adds phq9: not a duplicate row, not a conflict.
    ds = load({A: "patient_id,day,pain_nrs,phq9\nP1,0,7,\nP1,0,7,10\n"})
    assert counts(ds, A) == (2, 2, 0)
    assert ds.assessments[["measure", "value"]].values.tolist() == [["pain_nrs", 7.0], ["phq9", 10.0]]


def test_patient_absent_from_patients_csv(load, exclusions):
    ds = load({A: "patient_id,day,pain_nrs\nP1,0,7\nP9,0,5\n",
               T: "patient_id,day,treatment\nP1,0,ketamine_iv\nP9,0,ketamine_iv\n",
               P: "patient_id,sex\nP1,F\n"})
    assert exclusions(ds) == [(A, 3, "patient_id", "P9", "patient_id not in patients.csv"),
                              (T, 3, "patient_id", "P9", "patient_id not in patients.csv")]
    check_accounting(ds)


def test_treatment_rows_rules(load, exclusions):
    ds = load({A: "patient_id,day,pain_nrs\nP1,0,7\n",
               T: "patient_id,day,treatment\nP1,0,ketamine_iv\nP1,5,\nP1,day 9,ketamine_booster\n,3,ketamine_iv\n"
                  "P1,0,ketamine_iv\n"})
    assert exclusions(ds) == [(T, 3, "treatment", "", "treatment is missing"),
                              (T, 4, "day", "day 9", "day is missing or not a number"),
                              (T, 5, "patient_id", "", "patient_id is missing"),
                              (T, 6, "(row)", "", "exact duplicate of line 2")]
    assert counts(ds, T) == (5, 1, 4)


def test_patients_rules(load, exclusions):
    ds = load({A: "patient_id,day,pain_nrs\nP1,0,7\nP2,0,5\n",
               P: "patient_id,sex\nP1,F\nP1,F\nP2,F\nP2,M\n,F\n"})
    assert exclusions(ds) == [
        (P, 3, "(row)", "", "exact duplicate of line 2"),
        (P, 4, "patient_id", "P2", "patient_id listed more than once with different values (lines 4, 5)"),
        (P, 5, "patient_id", "P2", "patient_id listed more than once with different values (lines 4, 5)"),
        (P, 6, "patient_id", "", "patient_id is missing")]
    # P2 is listed, so its assessment is used; its covariates are unknown.
    assert counts(ds, A) == (2, 2, 0)
    sex = ds.patients.set_index("patient_id")["sex"]
    assert sex["P1"] == "F" and pd.isna(sex["P2"])


def test_every_row_is_accounted_for_in_a_broken_file(load):
    text = ("patient_id,day,measure,value\n"
            "P1,0,pain_nrs,7\n"      # used
            ",0,pain_nrs,7\n"        # missing id
            "P1,x,pain_nrs,7\n"      # bad day
            "P1,1,pain_nrs,70\n"     # out of range
            "P1,2,pain_nrs,7\n"      # used
            "P1,2,pain_nrs,7\n"      # duplicate
            "P2,0,phq9,3\n"          # conflict
            "P2,0,phq9,4\n"          # conflict
            "P2,1,mystery,1e9\n")    # used (unknown measure)
    ds = load({A: text})
    assert counts(ds, A) == (9, 3, 6)
    assert ds.report.exclusions["line"].tolist() == [3, 4, 5, 7, 8, 9]


# ------------------------------------------------------------------------------------------------
# Spreadsheet realities: delimiters, encodings, line numbers, mapping
# ------------------------------------------------------------------------------------------------

def test_semicolon_with_decimal_comma_and_crlf(load, exclusions):
    ds = load({A: "patient_id;day;pain_nrs\r\nP1;0,25;7,5\r\nP1;1;x\r\n"})
    assert ds.assessments[["day", "value"]].values.tolist() == [[0.25, 7.5]]
    assert exclusions(ds) == [(A, 3, "pain_nrs", "x", "not a number")]


def test_tab_delimited(load):
    ds = load({A: "patient_id\tday\tpain_nrs\nP1\t0\t7\n"})
    assert ds.assessments["value"].tolist() == [7.0]


def test_comma_file_does_not_read_decimal_commas(load, exclusions):
    ds = load({A: 'patient_id,day,pain_nrs\nP1,0,"7,5"\nP1,1,7\n'})
    assert exclusions(ds) == [(A, 2, "pain_nrs", "7,5", "not a number")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings(load, encoding):
    text = "patient_id,day,pain_nrs,note\nP1,0,7,Zürich\nP2,0,5,São Paulo\n"
    ds = load({A: text.encode(encoding), P: "patient_id,site\nP1,Zürich\nP2,São Paulo\n".encode(encoding)})
    assert ds.patients["site"].tolist() == ["Zürich", "São Paulo"]
    assert ds.report.files[A].rows_used == 2


def test_quoted_fields_and_newlines_inside_quotes_count_as_one_line(load, exclusions):
    # A spreadsheet shows the quoted two-line cell as one row: line 2; the next record is line 3.
    text = 'patient_id,day,pain_nrs,"Comment, free text"\nP1,0,7,"two\nlines"\nP1,1,11,x\n'
    ds = load({A: text})
    assert exclusions(ds) == [(A, 3, "pain_nrs", "11", "out of range for pain_nrs (valid 0-10)")]


def test_blank_lines_are_not_rows_but_count_for_line_numbers(load, exclusions):
    text = "patient_id,day,pain_nrs\nP1,0,7\n\nP1,1,11\n,,\n;;\n\n\n"
    ds = load({A: text})
    # the ";;" row is one text cell in a comma file: patient_id ";;" with no day -> excluded
    assert exclusions(ds) == [(A, 4, "pain_nrs", "11", "out of range for pain_nrs (valid 0-10)"),
                              (A, 6, "day", "", "day is missing or not a number")]
    assert counts(ds, A) == (3, 1, 2)  # the empty line 3, the ",," line 5 and trailing blank lines are not rows


def test_excel_header_with_spaces_and_units_via_mapping(load):
    text = "Subject; Visit day ; NRS (0-10) ;PHQ-9\nS01;0;7,5;12\n"
    ds = load({A: text}, mapping={"subject": "patient_id", "visit day": "day", " nrs (0-10) ": "pain_nrs",
                                  "PHQ-9": "PHQ9"})
    assert ds.assessments[["patient_id", "measure", "value"]].values.tolist() == [["S01", "pain_nrs", 7.5],
                                                                                ["S01", "phq9", 12.0]]


def test_canonical_names_match_case_insensitively(load):
    ds = load({A: " Patient_ID ,DAY,Pain_NRS\nP1,0,7\n"})
    assert ds.measures == ["pain_nrs"]


def test_excluded_cell_reports_original_header(load, exclusions):
    ds = load({A: "Subject,day,NRS\nP1,0,12\nP1,1,3\n"}, mapping={"Subject": "patient_id", "NRS": "pain_nrs"})
    assert exclusions(ds) == [(A, 2, "NRS", "12", "out of range for pain_nrs (valid 0-10)")]


def test_mapping_applies_to_long_form_measure_labels(load):
    ds = load({A: "patient_id,day,measure,value\nP1,0,NRS,7\nP1,0,PHQ9,3\n"}, mapping={"nrs": "pain_nrs"})
    assert ds.measures == ["pain_nrs", "phq9"]


def test_unused_mapping_entries_are_noted(load):
    ds = load({A: LONG}, mapping={"Subject": "patient_id"})
    assert any("subject" in n for n in ds.report.notes)


# ------------------------------------------------------------------------------------------------
# Time: day numbers and dates
# ------------------------------------------------------------------------------------------------

def test_dates_become_days_since_first_treatment(load):
    ds = load({A: "patient_id,date,pain_nrs\nP1,2024-03-01,8\nP1,2024-03-04,3\nP1,2024-03-29,6\n",
               T: "patient_id,date,treatment\nP1,2024-03-28,ketamine_booster\nP1,2024-03-03,ketamine_iv\n"})
    assert ds.assessments["day"].tolist() == [-2.0, 1.0, 26.0]
    assert ds.treatments[["day", "treatment"]].values.tolist() == [[0.0, "ketamine_iv"], [25.0, "ketamine_booster"]]
    assert "date" not in ds.assessments.columns and "date" not in ds.treatments.columns
    assert any("converted to days" in n for n in ds.report.notes)


def test_datetimes_give_fractional_days(load):
    ds = load({A: "patient_id,datetime,pain_nrs\nP1,2024-03-03T14:00,3\nP1,2024-03-03 08:00:00,8\n",
               T: "patient_id,datetime,treatment\nP1,2024-03-03T08:00,ketamine_iv\n"})
    assert ds.assessments["day"].tolist() == [0.0, 0.25]


def test_patient_with_dates_but_no_treatment_counts_from_first_assessment(load):
    ds = load({A: "patient_id,date,pain_nrs\nP1,2024-03-03,8\nP2,2024-05-10,6\nP2,2024-05-17,5\n",
               T: "patient_id,date,treatment\nP1,2024-03-03,ketamine_iv\n"})
    assert ds.assessments.loc[ds.assessments["patient_id"] == "P2", "day"].tolist() == [0.0, 7.0]
    assert any("1 patient(s) without a usable treatment row" in n for n in ds.report.notes)


def test_unparseable_date_is_excluded(load, exclusions):
    ds = load({A: "patient_id,date,pain_nrs\nP1,2024-03-03,8\nP1,03/04/2024,5\nP1,2024-02-30,5\n",
               T: "patient_id,date,treatment\nP1,2024-03-03,ketamine_iv\n"})
    assert exclusions(ds) == [(A, 3, "date", "03/04/2024", "date is missing or not an ISO 8601 date (YYYY-MM-DD)"),
                              (A, 4, "date", "2024-02-30", "date is missing or not an ISO 8601 date (YYYY-MM-DD)")]


def test_day_wins_over_date_when_both_are_given(load):
    ds = load({A: "patient_id,day,date,pain_nrs\nP1,3,2024-03-03,8\n"})
    assert ds.assessments["day"].tolist() == [3.0]
    assert any("'date' was ignored" in n for n in ds.report.notes)


def test_days_and_dates_cannot_be_mixed_across_files(load):
    with pytest.raises(DatasetError, match=r"assessments\.csv.*'day'.*treatments\.csv.*'date'"):
        load({A: "patient_id,day,pain_nrs\nP1,0,8\n", T: "patient_id,date,treatment\nP1,2024-01-01,k\n"})


# ------------------------------------------------------------------------------------------------
# Dataset-level problems: one clear message naming file and column
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("files, error, pattern", [
    ({A: "foo,day,pain_nrs\nP1,0,7\n"}, MissingColumnError,
     r"assessments\.csv: required column 'patient_id' is missing \(columns found: foo, day, pain_nrs\)"),
    ({A: "patient_id,visit,pain_nrs\nP1,0,7\n"}, MissingColumnError, r"assessments\.csv: required column 'day'"),
    ({A: "patient_id,day,measure\nP1,0,pain_nrs\n"}, MissingColumnError,
     r"assessments\.csv: required column 'value' is missing"),
    ({A: "patient_id,day,comment\nP1,0,fine\n"}, MissingColumnError, r"assessments\.csv: no measure columns"),
    ({A: LONG, T: "patient_id,day,course\nP1,0,k\n"}, MissingColumnError,
     r"treatments\.csv: required column 'treatment' is missing"),
    ({A: LONG, P: "id,sex\nP1,F\n"}, MissingColumnError, r"patients\.csv: required column 'patient_id'"),
    ({A: b""}, EmptyDatasetError, r"assessments\.csv is empty"),
    ({A: b"\r\n\r\n"}, EmptyDatasetError, r"assessments\.csv is empty"),
    ({A: "patient_id,day,pain_nrs\n"}, EmptyDatasetError, r"assessments\.csv has a header but no data rows"),
    ({A: b"patient_id,day,pain_nrs\nP1,0,\x81\xff\n"}, UnreadableFileError,
     r"assessments\.csv: cannot read its text encoding"),
    ({A: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, UnreadableFileError,
     r"assessments\.csv is not a CSV file: it looks like a PNG image"),
    ({A: b"patient_id,day\x00\x01\x02,pain"}, UnreadableFileError, r"assessments\.csv is not a CSV text file"),
    ({A: b"PK\x03\x04rest"}, UnreadableFileError, r"assessments\.csv .*Excel"),
    ({A: "patient_id,day,pain_nrs\nP1,0,70\nP1,x,7\n"}, EmptyDatasetError,
     r"assessments\.csv: no usable assessment rows \(2 of 2 data rows were excluded"),
    ({A: "patient_id,day,NRS,pain_nrs\nP1,0,7,7\n"}, None, None),
    ({A: "Patient_ID,day,patient_id,pain_nrs\nP1,0,P1,7\n"}, DatasetError,
     r"assessments\.csv: the columns 'Patient_ID' and 'patient_id' both mean 'patient_id'"),
    ({A: "patient_id,day,,pain_nrs\nP1,0,x,7\n"}, MissingColumnError,
     r"assessments\.csv: column 3 has values but no header name"),
    ({T: "patient_id,day,treatment\nP1,0,k\n"}, MissingFileError, r"assessments\.csv is required"),
    ({"data.xlsx": b"PK\x03\x04"}, UnreadableFileError, r"data\.xlsx is not a readable workbook.*CSV UTF-8"),
    ({A: LONG, T: b"\x00\x01binary"}, UnreadableFileError, r"treatments\.csv is not a CSV text file"),
    # The other files are parsed early on a worker thread; errors still come in reading order.
    ({A: b"", T: b"\x00\x01binary", P: b""}, EmptyDatasetError, r"assessments\.csv is empty"),
    ({A: LONG, T: "patient_id,day,treatment\nP1,0,k\n", P: b"\x00\x01"}, UnreadableFileError,
     r"patients\.csv is not a CSV text file"),
])
def test_dataset_level_errors(load, files, error, pattern):
    if error is None:
        load(files)  # control case: loads
        return
    with pytest.raises(error, match=pattern):
        load(files)


def test_dataset_error_carries_file_and_column(load):
    with pytest.raises(MissingColumnError) as info:
        load({A: "foo,day,pain_nrs\nP1,0,7\n"})
    assert info.value.file == A and info.value.column == "patient_id"
    assert "map" in str(info.value)  # says what to do


def test_no_usable_rows_error_carries_the_report(load):
    with pytest.raises(EmptyDatasetError) as info:
        load({A: "patient_id,day,pain_nrs\nP1,0,70\n"})
    assert info.value.report.exclusions["line"].tolist() == [2]


@pytest.mark.parametrize("mapping, pattern", [
    ({"Subject": ""}, r"both the source column name and the target name are needed"),
    ({"Subject": "patient_id", " subject ": "day"}, r"'\s?subject\s?' is mapped twice"),
])
def test_mapping_problems(load, mapping, pattern):
    with pytest.raises(MappingError, match=pattern):
        load({A: LONG}, mapping=mapping)


def test_mapping_file_formats(tmp_path, load):
    (tmp_path / "m.csv").write_text("source,target\nSubject,patient_id\n\"NRS (0,10)\",pain_nrs\n")
    (tmp_path / "m.json").write_text('{"Subject": "patient_id", "NRS (0,10)": "pain_nrs"}')
    text = 'Subject,day,"NRS (0,10)"\nP1,0,7\n'
    for m in ("m.csv", "m.json"):
        assert load({A: text}, mapping=tmp_path / m).measures == ["pain_nrs"]
    (tmp_path / "bad.json").write_text('["Subject"]')
    with pytest.raises(MappingError, match=r"bad\.json must hold one JSON object"):
        load({A: text}, mapping=tmp_path / "bad.json")
    (tmp_path / "bad.csv").write_text("source,target\nSubject\n")
    with pytest.raises(MappingError, match=r"bad\.csv, line 2: expected two columns"):
        load({A: text}, mapping=tmp_path / "bad.csv")
    (tmp_path / "m.yaml").write_text("Subject: patient_id\n")
    with pytest.raises(MappingError, match=r"use a \.csv .* or a \.json"):
        load({A: text}, mapping=str(tmp_path / "m.yaml"))


# ------------------------------------------------------------------------------------------------
# Containers: folder, zip, single CSV, combined CSV, Parquet, uploads
# ------------------------------------------------------------------------------------------------

FILES = {A: WIDE, T: "patient_id,day,treatment\nP1,0,ketamine_iv\n", P: "patient_id,sex\nP1,F\nP2,M\n"}


def make_zip(files: dict, folder: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(folder + name, text)
    return buf.getvalue()


def frames(ds):
    return ds.assessments, ds.treatments, ds.patients


def test_folder_zip_and_upload_load_identically(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text)
    (tmp_path / "ds.zip").write_bytes(make_zip(FILES, folder="export/"))
    a = load_dataset(folder)
    b = load_dataset(tmp_path / "ds.zip")
    c = load_files({k: v.encode() for k, v in FILES.items()})
    for x, y in zip(frames(a), frames(b)):
        pd.testing.assert_frame_equal(x, y)
    for x, y in zip(frames(a), frames(c)):
        pd.testing.assert_frame_equal(x, y)
    assert a.report.fingerprint == b.report.fingerprint == c.report.fingerprint
    assert a.source == str(folder) and c.source == "upload"


def test_fingerprint_changes_with_content(load):
    one = load(FILES).report.fingerprint
    two = load({**FILES, P: "patient_id,sex\nP1,F\nP2,F\n"}).report.fingerprint
    assert len(one) == 64 and one != two


def test_zip_without_known_file(load):
    with pytest.raises(MissingFileError, match=r"data\.zip holds no known file \(found: notes\.txt\)"):
        load({"data.zip": make_zip({"notes.txt": "hello"})})


def test_broken_zip(load):
    with pytest.raises(UnreadableFileError, match=r"data\.zip is not a readable zip file"):
        load({"data.zip": b"PK\x03\x04 this is not really a zip"})


def test_folder_without_assessments(tmp_path):
    (tmp_path / "readme.md").write_text("x")
    with pytest.raises(MissingFileError, match="holds no assessments.csv"):
        load_dataset(tmp_path)


def test_a_plain_column_mapping_given_for_a_clinic_export_folder_points_to_a_clinic_export_mapping(tmp_path):
    # A practice-software export (SimplePractice) loaded with --map Client=patient_id: the rename is for files in
    # our format, so the message says how an export is mapped instead of only asking to rename the files.
    (tmp_path / "appointments_export.csv").write_text("Date,Time,Client,Service,Status\n01/08/2024,9:00 AM,C1,"
                                                      "Ketamine Infusion,Show\n")
    (tmp_path / "measures_export.csv").write_text("Date,Client,Measure,Score\n01/08/2024,C1,Pain,7\n")
    with pytest.raises(MissingFileError) as err:
        load_dataset(tmp_path, mapping={"Client": "patient_id"})
    message = str(err.value)
    assert "holds no assessments.csv (found: appointments_export.csv, measures_export.csv)" in message
    assert "inspect PATH --write-mapping mapping.json" in message and "--mapping mapping.json" in message


def test_a_folder_of_our_format_under_other_names_with_a_plain_mapping_keeps_the_renaming_advice(tmp_path):
    (tmp_path / "readme.md").write_text("x")
    with pytest.raises(MissingFileError, match="Name the files assessments.csv") as err:
        load_dataset(tmp_path, mapping={"Subject": "patient_id"})
    assert "inspect" not in str(err.value)


def test_a_folder_holding_a_damaged_workbook_says_to_save_it_again_or_as_csv(tmp_path):
    # A readable workbook is read (tests/analysis/test_workbooks.py); a damaged one says what to do.
    (tmp_path / "Ketamine_tracker.xlsx").write_bytes(b"PK\x03\x04 a workbook")
    with pytest.raises(UnreadableFileError, match=r"Ketamine_tracker\.xlsx is not a readable workbook.*CSV UTF-8"):
        load_dataset(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(MissingFileError, match="does not exist"):
        load_dataset(tmp_path / "nope")


def test_single_csv_of_any_name_is_assessments(tmp_path):
    (tmp_path / "export 2024.csv").write_text(WIDE)
    ds = load_dataset(tmp_path / "export 2024.csv")
    assert list(ds.report.files) == ["export 2024.csv"]
    assert len(ds.assessments) == 4 and not ds.has_treatments


COMBINED = """patient_id,date,treatment,pain_nrs,dose_mg
P1,2024-03-01,,8,
P1,2024-03-03,ketamine_iv,,50
P1,2024-03-05,,3,
P1,2024-03-06,,x,
P2,2024-04-01,physical_therapy,6,
P2,2024-04-02,,5,
"""


def test_combined_single_csv(load, exclusions):
    ds = load({"clinic_export.csv": COMBINED})
    # One file in the report, named as given; lines 3 and 6 are treatment courses.
    assert counts(ds, "clinic_export.csv") == (6, 5, 1)
    assert exclusions(ds) == [("clinic_export.csv", 5, "pain_nrs", "x", "not a number")]
    assert ds.treatments[["patient_id", "day", "treatment"]].values.tolist() == [
        ["P1", 0.0, "ketamine_iv"], ["P2", 0.0, "physical_therapy"]]
    assert ds.treatments["dose_mg"].tolist()[0] == 50.0 and np.isnan(ds.treatments["dose_mg"].tolist()[1])
    assert ds.assessments[["patient_id", "day", "value"]].values.tolist() == [
        ["P1", -2.0, 8.0], ["P1", 2.0, 3.0], ["P2", 1.0, 5.0]]
    assert "dose_mg" not in ds.measures
    assert any("scores on treatment rows" in n for n in ds.report.notes)  # P2's 6 on its treatment row


def test_parquet_files(load, exclusions):
    a = pd.DataFrame({"patient_id": ["P1", "P1", "P2"], "day": [0.0, 1.5, 0.0], "pain_nrs": [7, 11, 5]})
    t = pd.DataFrame({"patient_id": ["P1"], "day": [0], "treatment": ["ketamine_iv"]})
    buf_a, buf_t = io.BytesIO(), io.BytesIO()
    a.to_parquet(buf_a)
    t.to_parquet(buf_t)
    ds = load({"assessments.parquet": buf_a.getvalue(), "treatments.parquet": buf_t.getvalue()})
    # Parquet rows are numbered as the same table in a CSV would be (first row = line 2).
    assert exclusions(ds) == [("assessments.parquet", 3, "pain_nrs", "11", "out of range for pain_nrs (valid 0-10)")]
    assert ds.treatments["treatment"].tolist() == ["ketamine_iv"]


def test_broken_parquet(load):
    with pytest.raises(UnreadableFileError, match=r"assessments\.parquet is not a readable Parquet file"):
        load({"assessments.parquet": b"patient_id,day\n"})


def test_two_assessments_files_are_ambiguous(load):
    with pytest.raises(DatasetError, match="Two assessments files"):
        load({A: LONG, "assessments.parquet": b"x"})


def test_unknown_extra_upload_is_ignored_with_note(load):
    ds = load({**FILES, "notes.csv": "x"})
    assert any("notes.csv was ignored" in n for n in ds.report.notes)


def test_nothing_is_written_to_disk(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    before = sorted(p.name for p in tmp_path.iterdir())
    load_dataset(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_identifier_error_is_a_dataset_error():
    assert issubclass(IdentifierError, DatasetError)


# ------------------------------------------------------------------------------------------------
# The demo cohort: loads clean; a deliberately broken copy reports exactly the broken rows
# ------------------------------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.skipif(not (DEMO / "assessments.csv").exists(), reason="demo cohort not generated")
def test_demo_cohort_loads_with_zero_exclusions():
    ds = load_dataset(DEMO)
    assert ds.report.exclusions.empty and ds.report.dropped_identifier_columns == []
    assert set(ds.report.files) == {A, T, P}
    check_accounting(ds)


def _set_cell(lines: list[str], line: int, col: int, value: str) -> str:
    cells = lines[line - 1].split(",")
    old = cells[col]
    cells[col] = value
    lines[line - 1] = ",".join(cells)
    return old


@pytest.mark.skipif(not (DEMO / "assessments.csv").exists(), reason="demo cohort not generated")
def test_broken_demo_copy_reports_exactly_the_broken_rows(tmp_path):
    a = (DEMO / A).read_text().splitlines()
    t = (DEMO / T).read_text().splitlines()
    header = a[0].split(",")
    pain = header.index("pain_nrs")
    _set_cell(a, 10, pain, "11")
    pid20 = _set_cell(a, 20, 0, "")
    _set_cell(a, 30, 1, "x")
    a.append(a[40 - 1])                      # becomes line len(a): a duplicate of line 40
    _set_cell(t, 5, t[0].split(",").index("treatment"), "")
    (tmp_path / A).write_text("\n".join(a) + "\n")
    (tmp_path / T).write_text("\n".join(t) + "\n")
    (tmp_path / P).write_bytes((DEMO / P).read_bytes())
    ds = load_dataset(tmp_path)
    assert [tuple(r) for r in ds.report.exclusions.itertuples(index=False)] == [
        (A, 10, "pain_nrs", "11", "out of range for pain_nrs (valid 0-10)"),
        (A, 20, "patient_id", "", "patient_id is missing"),
        (A, 30, "day", "x", "day is missing or not a number"),
        (A, len(a), "(row)", "", "exact duplicate of line 40"),
        (T, 5, "treatment", "", "treatment is missing"),
    ]
    clean = load_dataset(DEMO)
    assert counts(ds, A) == (clean.report.files[A].rows_read + 1, clean.report.files[A].rows_read - 3, 4)
    assert pid20  # the blanked cell really held an id


# ------------------------------------------------------------------------------------------------
# Registry-scale paths (issue 6): the same answers as the small-file paths
# ------------------------------------------------------------------------------------------------

def test_long_table_text_columns_are_categoricals_of_the_values_in_use(load):
    # P2's only row is excluded (out of range) and so is the only phq9 score: neither may linger as an
    # unused category (grouping by the column would otherwise make empty groups).
    ds = load({A: "patient_id,day,pain_nrs,phq9\nP1,0,7,\nP2,0,11,\nP1,1,5,28\nP1,2,4,\n"})
    a = ds.assessments
    assert isinstance(a["patient_id"].dtype, pd.CategoricalDtype) and isinstance(a["measure"].dtype, pd.CategoricalDtype)
    assert list(a["patient_id"].cat.categories) == ["P1"]
    assert list(a["measure"].cat.categories) == ["pain_nrs"]
    assert a["value"].tolist() == [7.0, 4.0]  # the P1 day-1 row is excluded whole (phq9 28 > 27)
    assert ds.measures == ["pain_nrs"]


def test_large_wide_file_reads_numbers_on_worker_threads_with_the_same_result(load, exclusions, monkeypatch):
    # 120,000 rows (the threaded numbers and codes start at 100,000, as soon as the file is read, and overlap
    # the other files' checks: here a treatments and a patients file) with bad cells, a row without scores and
    # an exact duplicate: the answer must equal the one-thread path cell for cell.
    rng = np.random.default_rng(6)
    n = 120_000
    pid = np.repeat(np.arange(n // 20), 20)
    day = np.tile(np.arange(20), n // 20)
    pain = rng.integers(0, 11, n).astype(str).astype(object)
    phq = np.where(rng.random(n) < 0.5, "", rng.integers(0, 28, n).astype(str)).astype(object)
    pain[5], phq[7] = "x", "99"
    lines = [f"P{p:05d},{d},{a},{b}" for p, d, a, b in zip(pid, day, pain, phq)]
    lines[50] = lines[49].split(",")[0] + ",8,,"                       # no score at all
    lines.insert(100, lines[99])                                          # exact duplicate of line 101
    text = "patient_id,day,pain_nrs,phq9\n" + "\n".join(lines) + "\n"
    files = {A: text, T: "patient_id,day,treatment\nP00000,0,ketamine_iv\nP00001,0,pt\n",
             P: "patient_id,sex\n" + "".join(f"P{p:05d},F\n" for p in range(n // 20))}
    threaded = load(files)
    from analysis.io.columns import _Table
    monkeypatch.setattr(_Table, "prefetch", lambda self, numbers, codes=(), wait=True: None)
    single = load(files)
    for name in ("assessments", "treatments", "patients"):
        pd.testing.assert_frame_equal(getattr(threaded, name), getattr(single, name), check_exact=True)
    assert exclusions(threaded) == exclusions(single)
    assert [e[1:3] for e in exclusions(threaded)] == [(7, "pain_nrs"), (9, "phq9"), (52, "(row)"), (102, "(row)")]
    assert counts(threaded, A) == (n + 1, n + 1 - 4, 4)


def test_wide_file_keeps_its_scores_wide_until_the_long_table_is_asked_for(load):
    # Issue 6: the long table of a registry is most of the load, and analyses need one measure at a time.
    ds = load({A: "patient_id,day,pain_nrs,phq9,gad7\nP2,0,6,,\nP1,0,7,12,\nP1,0.25,2,,\nP3,1,,,\n"})
    assert ds.long_assessments is None and ds.wide_scores is not None
    assert ds.measures == ["pain_nrs", "phq9"]            # gad7 has no score: not a measure
    assert ds.n_scores == 4                                # 3 pain + 1 phq9 (P3's empty row is excluded)
    codes, days, values = ds.measure_scores("pain_nrs")
    assert list(ds.patient_categories()[codes]) == ["P1", "P1", "P2"]
    assert days.tolist() == [0.0, 0.25, 0.0] and values.tolist() == [7.0, 2.0, 6.0]
    assert [len(x) for x in ds.measure_scores("css")] == [0, 0, 0]
    long = ds.assessments                                   # built now, once
    assert ds.long_assessments is long and ds.assessments is long
    assert long.astype({"patient_id": str, "measure": str}).values.tolist() == [
        ["P1", 0.0, "pain_nrs", 7.0], ["P1", 0.0, "phq9", 12.0], ["P1", 0.25, "pain_nrs", 2.0], ["P2", 0.0, "pain_nrs", 6.0]]
    assert list(long["patient_id"].cat.categories) == ["P1", "P2"]
    # the same scores from a long file give the same table, kept long
    ds_long = load({A: "patient_id,day,measure,value\nP1,0,pain_nrs,7\nP1,0,phq9,12\nP1,0.25,pain_nrs,2\nP2,0,pain_nrs,6\n"})
    assert ds_long.wide_scores is None
    pd.testing.assert_frame_equal(ds_long.assessments, long)
    for m in ("pain_nrs", "phq9"):
        for x, y in zip(ds_long.measure_scores(m), ds.measure_scores(m)):
            np.testing.assert_array_equal(x, y)


def test_a_lone_carriage_return_ends_a_row_and_line_numbers_stay_right(load, exclusions):
    # A stray CR (old Mac line end inside a Unix file) is a row end for the CSV reader and for a
    # spreadsheet; with a blank line later the row and line counts happen to agree, so the loader must
    # not take the every-line-is-a-row shortcut: P3 is on line 5 (header 1, P1 2, P2 3, blank 4).
    ds = load({A: "patient_id,day,pain_nrs\nP1,0,5\rP2,1,3\n\nP3,2,99\n"})
    assert exclusions(ds) == [(A, 5, "pain_nrs", "99", "out of range for pain_nrs (valid 0-10)")]
    assert sorted(ds.assessments["patient_id"].astype(str)) == ["P1", "P2"]


@pytest.mark.parametrize("cells", [
    ["P1", "P1", "P2", "P3", "P3"],                   # sorted: codes from the runs
    ["P2", "P1", "P1", "P3"],                         # not sorted
    ["P1", "P2", "P1"],                               # sorted runs, but P1 twice
    [" P1", "P1", "P2 ", "P2"],                       # equal once trimmed: one code each
    ["", "", "P1", "P10", "P2", "é", "é"],            # empty cell and non-ASCII, byte order
    ["P1", "P1"],
])
@pytest.mark.parametrize("trim", [True, False])
def test_patient_codes_of_sorted_files_equal_the_hashed_codes(cells, trim):
    import pyarrow as pa
    from analysis.io.columns import _factorize_sorted, _sorted_runs
    col = pa.array(cells, type=pa.string())
    fast = _factorize_sorted(col, trim)
    # the general path: hash every cell (as for an unsorted file)
    shuffled_first = _factorize_sorted(pa.chunked_array([col]), trim)
    np.testing.assert_array_equal(fast[0], shuffled_first[0])
    assert fast[1].tolist() == shuffled_first[1].tolist()
    expected = sorted({c.strip() if trim else c for c in cells})
    assert fast[1].tolist() == expected
    assert [expected[k] for k in fast[0]] == [c.strip() if trim else c for c in cells]
    runs = _sorted_runs(col, trim)
    assert (runs is not None) == (cells in (["P1", "P1", "P2", "P3", "P3"], ["P1", "P1"],
                                            ["", "", "P1", "P10", "P2", "é", "é"]))

"""When every score cell of an export is excluded, the load says why, with an example, before anything else."""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.errors import EmptyDatasetError

# A Jane-style appointments report whose pain column holds current/best/worst in one cell ('6/3/8').
_REPORT = ("Start Date,Patient,Treatment,NPRS (current/best/worst)\n"
           "2024-03-04,J1,Physiotherapy Treatment,6/3/8\n2024-03-11,J1,Physiotherapy Treatment,5/2/7\n"
           "2024-03-05,J2,Physiotherapy Treatment,7/4/9\n").encode()
_MAPPING = {"crps_outcomes_mapping": 1, "files": [{"match": "report.csv", "columns": {
    "Start Date": "date", "Patient": "patient_id", "Treatment": "treatment",
    "NPRS (current/best/worst)": {"role": "measure", "measure": "pain_nrs"}}}]}


def test_every_score_cell_excluded_names_the_reason_the_count_and_a_first_example():
    with pytest.raises(EmptyDatasetError) as err:
        load_files({"report.csv": _REPORT}, mapping=_MAPPING)
    message = str(err.value)
    assert message.startswith("No scores were read from report.csv: every score cell was excluded.")
    assert "not a number (3 cell(s); e.g. report.csv, line 2, column 'NPRS (current/best/worst)': '6/3/8')" in message
    assert "validate" in message


def test_no_measure_column_at_all_keeps_the_advice_to_look_at_the_roles():
    mapping = {"crps_outcomes_mapping": 1, "files": [{"match": "report.csv", "columns": {
        "Start Date": "date", "Patient": "patient_id", "Treatment": "treatment",
        "NPRS (current/best/worst)": "ignore"}}]}
    with pytest.raises(EmptyDatasetError, match="no column is mapped as a measure"):
        load_files({"report.csv": _REPORT}, mapping=mapping)


def test_treatment_rows_left_out_are_no_reason_why_no_score_was_read():
    # An appointment report whose only pain column is not read: its No Show rows' exclusions are the treatments',
    # and naming them as the reason no score was read sent the user the wrong way (the regression review).
    report = ("Start Date,Patient,Treatment,State,Notes\n2024-03-04,J1,Physiotherapy Treatment,Arrived,fine\n"
              "2024-03-11,J1,Physiotherapy Treatment,No Show,\n").encode()
    mapping = {"crps_outcomes_mapping": 1, "files": [{"match": "report.csv", "columns": {
        "Start Date": "date", "Patient": "patient_id", "Treatment": "treatment", "State": "action",
        "Notes": "ignore"}}]}
    with pytest.raises(EmptyDatasetError, match="no column is mapped as a measure") as err:
        load_files({"report.csv": report}, mapping=mapping)
    assert "did not take place" not in str(err.value)

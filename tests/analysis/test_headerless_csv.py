"""A CSV saved without its header row (SQL Server Management Studio's "Save Results As" by default): the first
record was read as the column names, and the proposal only said that no column looks like the patient id. Now
it also says the file seems to have no header row and how to save it with one (analysis/io/headerless.py;
docs/data-format.md, "SQL and database extracts").
"""
from __future__ import annotations

from analysis.io.propose import inspect

HINT = "seems to have no header row"


def _ssms(header: bool = False) -> dict:
    sheet = ["0A77814AD1728606,760717355,1570000014,Pain Score,5,2024-03-04 09:39:00.000,2024-03-04 10:08:00.000",
             "0A77814AD1728606,760717355,1570020009,PHQ-9 Total Score,17,2024-03-04 09:37:00.000,NULL",
             "0A77814AD1728606,760717355,1570000014,Pain Score,2,2024-03-04 14:31:00.000,2024-03-04 14:40:00.000",
             "1B4B927B2F071BBF,760719921,1570000014,Pain Score,7,2024-03-05 09:15:00.000,2024-03-05 09:30:00.000",
             "1B4B927B2F071BBF,760719921,1570000014,Pain Score,4,2024-03-05 13:15:00.000,2024-03-05 13:30:00.000"]
    mar = ["0A77814AD1728606,2024-03-04 10:00:00.000,KETAMINE 500 MG/50 ML (10 MG/ML) IV INFUSION,New Bag,0.5,mg/kg/hr,"
           "Intravenous,3.5",
           "1B4B927B2F071BBF,2024-03-05 10:00:00.000,KETAMINE 500 MG/50 ML (10 MG/ML) IV INFUSION,New Bag,0.5,mg/kg/hr,"
           "Intravenous,NULL"]
    if header:
        sheet.insert(0, "PAT_ID,PAT_ENC_CSN_ID,FLO_MEAS_ID,DISP_NAME,MEAS_VALUE,RECORDED_TIME,ENTRY_TIME")
        mar.insert(0, "PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,DOSE_UNIT,ROUTE,INFUSION_RATE")
    return {"flowsheet.csv": ("\r\n".join(sheet) + "\r\n").encode(), "mar.csv": ("\r\n".join(mar) + "\r\n").encode()}


def test_a_csv_saved_without_its_header_row_is_said_to_have_none_with_how_to_save_it_with_one():
    review = inspect(_ssms()).review
    for f in ("flowsheet.csv", "mar.csv"):
        [point] = [r for r in review if r.startswith(f"{f}: ") and HINT in r]
        assert "Include column headers when copying or saving the results" in point
        assert "add a line with the column names" in point
    assert any("flowsheet.csv: no column looks like the patient id" in r for r in review)


def test_the_same_extract_saved_with_its_header_row_gets_no_such_point():
    assert not [r for r in inspect(_ssms(header=True)).review if HINT in r]


def test_a_header_of_words_without_a_patient_id_is_not_taken_for_data():
    files = {"scores.csv": b"Ward,Visit date,Pain NRS\nNorth,2024-03-04,5\nNorth,2024-03-05,3\nSouth,2024-03-04,6\n"}
    review = inspect(files).review
    assert any("no column looks like the patient id" in r for r in review)
    assert not [r for r in review if HINT in r]

"""A clinic's summary rows under its table ('Mean', 'n=4', 'Mittelwert') are no patients
(analysis/io/tables.py, SUMMARY_LABEL). Read as data, 'Mean' with the mean age became a fifth patient whose age
entered every grouping."""
from __future__ import annotations

import io

import pytest

from analysis import load_files

SHEET = [["Patient", "Sex", "Age", "Date infusion", "NRS baseline", "NRS 4 wk"],
         ["P01", "F", 45, "2024-03-04", 8, 5], ["P02", "M", 52, "2024-03-11", 7, 7],
         ["P03", "F", 38, "2024-03-18", 9, 4], ["P04", "F", 61, "2024-03-25", 6, 4]]


def _csv(rows) -> bytes:
    return ("\n".join(",".join("" if c is None else str(c) for c in r) for r in rows) + "\n").encode()


def _xlsx(rows) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("summary", [[["Mean", None, 49, None, 7.5, 5]],
                                     [["Mittelwert:", None, 49, None, 7.5, 5], ["n = 4"] + [None] * 5],
                                     [["Moyenne", None, 49, None, 7.5, 5], ["SD", None, 9.6, None, 1.3, 1.4]]])
@pytest.mark.parametrize("as_file", ["sheet.csv", "sheet.xlsx"])
def test_summary_rows_under_the_table_are_excluded_as_no_patients(summary, as_file):
    rows = SHEET + [[None] * 6] + summary
    data = _csv(rows) if as_file.endswith(".csv") else _xlsx(rows)
    ds = load_files({as_file: data})
    assert ds.patients["patient_id"].tolist() == ["P01", "P02", "P03", "P04"]
    assert ds.patients["age"].tolist() == [45, 52, 38, 61]
    ex = ds.report.exclusions
    assert len(ex) == len(summary) and ex["reason"].str.contains("a summary row").all()
    assert ex["line"].tolist() == list(range(7, 7 + len(summary)))
    (counts,) = ds.report.files.values()  # one table (a workbook's one sheet is named as its table)
    assert (counts.rows_used, counts.rows_excluded) == (4, len(summary))


def test_a_patient_row_after_a_total_row_keeps_every_row_read():
    """Only the rows at the bottom are cut: a 'Total' between patients is left to the checks of the rows."""
    rows = SHEET[:3] + [["Total", None, None, None, 15, 12]] + SHEET[3:]
    ds = load_files({"sheet.csv": _csv(rows)})
    assert "P04" in set(ds.patients["patient_id"]) and "P03" in set(ds.patients["patient_id"])
    assert not ds.report.exclusions["reason"].str.contains("summary row").any()


@pytest.mark.parametrize("sheet, patients", [
    # a last patient with initials that read like a label fills every column a patient row fills
    ("Patient,Infusion date,NRS baseline,NRS week 4\nAB,2024-01-10,7,4\nCK,2024-02-01,8,5\nSD,2024-02-03,6,2\n",
     ["AB", "CK", "SD"]),
    ("Patient,Infusion date,NRS baseline,NRS week 4\nAB,2024-01-10,7,4\nMW,2024-02-01,8,5\nN,2024-02-03,6,2\n",
     ["AB", "MW", "N"]),
    # a first column that is no id (Included: Y/N), its N rows last
    ("Included,Patient ID,Infusion date,NRS baseline,NRS week 4\nY,P1,2024-01-10,7,4\nY,P2,2024-02-01,8,5\n"
     "N,P3,2024-02-03,6,2\nN,P4,2024-02-05,6,3\n", ["P1", "P2", "P3", "P4"])])
def test_a_last_row_that_fills_every_column_a_patient_row_fills_is_a_patient(sheet, patients):
    ds = load_files({"sheet.csv": sheet.encode()})
    assert sorted(ds.assessments["patient_id"].unique()) == patients
    assert not ds.report.exclusions["reason"].str.contains("summary row").any()


def test_a_redcap_dictionary_whose_last_field_is_named_total_keeps_it():
    from analysis.io.tables import read_table
    from test_redcap_boxes_and_questions import DICT_HEADER
    dictionary = "\n".join([DICT_HEADER, "record_id,visit,,text,Record ID,,,,,,,,,,,,,",
                            'total,phq,,calc,PHQ-9 total,"sum([phq_1],[phq_2])",,,,,,,,,,,,']) + "\n"
    t = read_table("P_DataDictionary_2024-06-01.csv", dictionary.encode())
    assert len(t.cells) == 2 and not len(t.below_table)


@pytest.mark.parametrize("sheet", [
    # every column filled on the summary rows too: 'Mean' is a word no id is, the 'SD' row below it goes with it
    "Patient ID,Day,NRS,Age\nP1,0,8,45\nP1,14,5,45\nP2,0,4,52\nP2,14,7,52\nMean,14,6,48.5\nSD,14.5,1.8,4.9\n",
    # an infusion date missing for one patient: no column every row fills
    "Patient,Age,Infusion date,NRS baseline,NRS 4 wk\nP1,45,2024-01-10,8,4\nP2,52,,7,5\nP3,38,2024-02-03,6,2\n"
    "Mean,45,,7,3.7\n"])
def test_rows_labelled_with_a_word_no_id_is_are_cut_also_when_they_fill_every_column(sheet):
    ds = load_files({"sheet.csv": sheet.encode()})
    assert not {"Mean", "SD"} & set(ds.patients["patient_id"]) and not {"Mean", "SD"} & set(ds.assessments["patient_id"])
    assert ds.report.exclusions["reason"].str.contains("a summary row").any()


@pytest.mark.parametrize("sheet, patients", [
    # patients whose first cell reads like a short label, with a summary row under them: only the summary is cut
    ("Included,Patient ID,Infusion date,NRS baseline,NRS week 4\nY,P1,2024-01-10,7,4\nY,P2,2024-02-01,8,5\n"
     "N,P3,2024-02-03,6,2\nN,P4,2024-02-05,6,3\nTotal,,,27,14\n", ["P1", "P2", "P3", "P4"]),
    ("Patient,Infusion date,NRS baseline,NRS week 4\nAB,2024-01-10,7,4\nCK,2024-02-01,8,5\nMW,2024-02-03,6,2\n"
     "Mean,,7,3.7\n", ["AB", "CK", "MW"]),
    ("Patient,Infusion date,NRS baseline,NRS week 4\nAB,2024-01-10,7,4\nCK,2024-02-01,8,5\nSD,2024-02-03,6,2\n"
     "Mean,2024-01-25,7,3.7\n", ["AB", "CK", "SD"]),
    # a first column of categories whose values read like labels: no summary
    ("Nerve,Patient,Infusion date,NRS baseline,NRS week 4\nUlnar,P1,2024-01-10,7,4\nRadial,P2,2024-02-01,8,5\n"
     "Median,P3,2024-02-03,6,2\nMedian,P4,2024-02-05,6,3\n", ["P1", "P2", "P3", "P4"]),
    ("Arm,Patient,Infusion date,NRS baseline,NRS week 4\nKetamine,P1,2024-01-10,7,4\nControl,P2,2024-02-01,8,5\n"
     "Total,P3,2024-02-03,6,2\n", ["P1", "P2", "P3"])])
def test_patients_above_or_beside_a_summary_row_stay_patients(sheet, patients):
    ds = load_files({"sheet.csv": sheet.encode()})
    assert sorted(ds.assessments["patient_id"].unique()) == patients

"""A regions file written one row per region (``Patient, Exam date, Affected region, Side``: several rows of one
patient and date) cannot be counted as one list per cell: each row reads as a count of 1 and the visit's other
rows are dropped as duplicates. The load warns, naming the lines and how to write the file, rather than losing
the visit's number of regions unsaid (analysis/io/lists.py, :func:`rows_of_one_visit`; docs/data-format.md,
"Body regions listed in one cell").

Before: kept as a list, 0 of 30 spreads were seen where there were 20, without a warning.
"""
from __future__ import annotations

from analysis import load_files

MAPPING = {"crps_outcomes_mapping": 1, "source": "spreadsheet", "files": [{
    "match": "crps_regions.csv",
    "columns": {"Patient": "patient_id", "Exam date": "date",
                "Affected region": {"role": "list", "measure": "regions_affected"}, "Side": "ignore"}}]}


def _regions(rows_per_visit: bool) -> bytes:
    rows = ["Patient,Exam date,Affected region,Side", "CR001,04/30/2024,Hand,Left", "CR001,06/02/2024,Hand,Left"]
    rows += ["CR001,06/02/2024,Hand,Right", "CR001,06/02/2024,Foot,Left"] if rows_per_visit else []
    rows += ["CR002,05/01/2024,Foot,Right"]
    return ("\n".join(rows) + "\n").encode()


def test_several_rows_of_one_patient_and_date_in_a_list_column_are_warned_about():
    ds = load_files({"crps_regions.csv": _regions(True)}, mapping=MAPPING)
    warning = [w for w in ds.report.warnings if "several rows" in str(w)]
    assert len(warning) == 1
    text = str(warning[0])
    assert "crps_regions.csv, column 'Affected region': 1 visit(s) of one patient and date have several rows" in text
    assert "(e.g. lines 3, 4, 5)" in text and "Write a visit's regions in one cell, one row per visit" in text


def test_one_row_per_visit_gets_no_such_warning():
    ds = load_files({"crps_regions.csv": _regions(False)}, mapping=MAPPING)
    assert not any("several rows" in str(w) for w in ds.report.warnings)

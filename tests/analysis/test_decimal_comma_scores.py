"""Scores written with a decimal comma in a comma-separated file ("7,5", quoted: a spreadsheet in a European
language saved as CSV with commas) are decimals, not excluded cells."""
from __future__ import annotations

from clinic_checks import proposal_doc, scores
from analysis import load_files
from analysis.io.propose import inspect

SHEET = (b'Patient,Date,Treatment,NRS\nA,2024-01-10,Ketamine,\nA,2024-01-09,,"7,5"\nA,2024-02-07,,"4,5"\n'
         b'B,2024-02-01,Ketamine,\nB,2024-01-31,,6\nB,2024-02-28,,"3,0"\n')


def test_quoted_decimal_commas_in_the_scores_are_read_as_decimals_with_a_note():
    files = {"s.csv": SHEET}
    assert proposal_doc(files)["files"][0]["decimal_comma"] is True
    assert any("write decimals with a comma ('7,5'" in n for n in inspect(files).notes)
    ds = load_files(files)
    assert ds.report.exclusions.empty
    assert scores(ds) == {"A": [(-1.0, 7.5), (28.0, 4.5)], "B": [(-1.0, 6.0), (27.0, 3.0)]}


def test_decimal_points_beside_them_leave_the_file_as_it_was():
    files = {"s.csv": SHEET.replace(b",,6\n", b",,6.5\n")}
    assert "decimal_comma" not in proposal_doc(files)["files"][0]
    reasons = load_files(files).report.exclusions["reason"].tolist()
    assert len(reasons) == 3 and all(r.startswith("a decimal comma") for r in reasons)


def test_a_list_of_codes_outside_the_scores_does_not_decide():
    files = {"s.csv": b'Patient,Date,Treatment,NRS,Regions\nA,2024-01-10,Ketamine,,\nA,2024-01-09,,7,"1,3"\n'
                      b'A,2024-02-07,,4,"1,3"\nB,2024-02-01,Ketamine,,\nB,2024-01-31,,6,2\nB,2024-02-28,,3,2\n'}
    assert "decimal_comma" not in proposal_doc(files)["files"][0]
